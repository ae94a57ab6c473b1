import CeledgerDomain
import CeledgerLedger
import Foundation
import Testing

/// Proof files (issue 19), asked of both backends through the protocols: kept byte for byte, listed,
/// removed only with a reason and never deleted, every step in the person's history naming the clerk.
@Suite struct EvidenceContractTests {
    static let pdf = Array("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".utf8)
    /// Every byte value, so that no encoding on the way loses or changes one.
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + (0...255).map(UInt8.init) + [0, 0, 0]

    @Test(arguments: Backend.allCases)
    func proofIsKeptByteForByteListedAndRemovedOnlyWithAReasonInTheHistory(_ backend: Backend) throws {
        guard let l = try backend.make(actor: "李明") else { return }
        let p = person("孙七", "36010219800101005")
        let pid = try l.addPerson(p)
        let rid = try l.addRecord(record(p), personRowID: pid, reviewer: "李明")
        let other = try l.addRecord(record(p, title: "急救技能"), personRowID: pid, reviewer: "李明")

        let a = try l.addEvidence(recordRowID: rid, name: "证书.pdf", bytes: EvidenceContractTests.pdf, clerk: "李明")
        let b = try l.addEvidence(recordRowID: rid, name: "扫描件.png", bytes: EvidenceContractTests.png, clerk: "李明")
        #expect(a.kind == .pdf && a.size == EvidenceContractTests.pdf.count && a.addedBy == "李明")
        #expect(a.sha256 == SHA256.hex(EvidenceContractTests.pdf))
        #expect(b.name == "扫描件.png" && b.kind == .png)
        #expect(try l.evidenceBytes(id: a.id) == EvidenceContractTests.pdf)
        #expect(try l.evidenceBytes(id: b.id) == EvidenceContractTests.png)
        #expect(try l.evidence(recordRowIDs: [rid, other], includingRemoved: false).map(\.id) == [a.id, b.id])
        #expect(try l.evidence(recordRowIDs: [other], includingRemoved: false).isEmpty)
        // What is not a proof file is refused in the clerk's words, and nothing is kept.
        let refused = failure { _ = try l.addEvidence(recordRowID: rid, name: "说明.txt", bytes: Array("hello".utf8), clerk: "李明") }
        guard case .evidenceRefused? = refused else {
            Issue.record("a text file was kept: \(String(describing: refused))")
            return
        }
        #expect(
            failure {
                _ = try l.addEvidence(recordRowID: rid + 1000, name: "a.pdf", bytes: EvidenceContractTests.pdf, clerk: "李明")
            } == .gone)

        // Removed with a reason: still there (bytes and all), marked who, when and why; once only.
        #expect(failure { _ = try l.removeEvidence(id: a.id, reason: "  ", clerk: "李明") } == .evidenceRemovalNeedsReason)
        let removed = try l.removeEvidence(id: a.id, reason: "扫描不清，重新上传", clerk: "李明")
        #expect(removed.removedBy == "李明" && removed.removedReason == "扫描不清，重新上传" && removed.removedAt != nil)
        #expect(try l.evidence(recordRowIDs: [rid], includingRemoved: false).map(\.id) == [b.id])
        #expect(try l.evidence(recordRowIDs: [rid], includingRemoved: true).map(\.id) == [a.id, b.id])
        #expect(try l.evidenceBytes(id: a.id) == EvidenceContractTests.pdf)
        #expect(failure { _ = try l.removeEvidence(id: a.id, reason: "再删一次", clerk: "李明") } == .evidenceRemoved(id: a.id))
        #expect(failure { _ = try l.removeEvidence(id: a.id + 1000, reason: "无", clerk: "李明") } == .noEvidence(id: a.id + 1000))
        #expect(failure { _ = try l.evidenceBytes(id: a.id + 1000) } == .noEvidence(id: a.id + 1000))

        // The person's history: both additions and the removal, by the clerk, citing file and digest.
        let proof = try l.history(idNumber: p.id.value).filter { $0.entity == .evidence }
        #expect(proof.map(\.action) == [.insert, .insert, .update])
        #expect(proof.allSatisfy { $0.actor == "李明" })
        #expect(proof.last?.entityID == a.id && proof.last?.new["removed_reason"] == "扫描不清，重新上传")
        #expect(proof.last?.details(.zh).contains(a.sha256) == true, "\(proof.last?.details(.zh) ?? "")")
    }
}
