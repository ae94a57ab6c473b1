import CeledgerDomain
import CeledgerLedger
import CeledgerSheets
import Foundation
import GRDB
import Testing

@testable import CeledgerSQLite

/// A small PDF, JPEG, PNG and OFD, as their first bytes say (the rest is what a scanner would add).
enum ProofBytes {
    static let pdf = Array("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".utf8)
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0x00, 0xFF, 0xD9]
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 40)
    /// A real ZIP with OFD.xml at its root (written by ZIPFoundation through the Sheets' writer would do;
    /// this one is stored, no compression, built by hand).
    static var ofd: [UInt8] { zip(entries: [("OFD.xml", Array("<ofd:OFD/>".utf8)), ("Doc_0/Document.xml", Array("<d/>".utf8))]) }
    static var plainZip: [UInt8] { zip(entries: [("readme.txt", Array("hi".utf8))]) }

    static func zip(entries: [(String, [UInt8])]) -> [UInt8] {
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func le32(_ v: Int) -> [UInt8] { le16(v & 0xFFFF) + le16(v >> 16 & 0xFFFF) }
        var out: [UInt8] = [], central: [UInt8] = []
        for (name, data) in entries {
            let offset = out.count, n = Array(name.utf8)
            let common =
                le16(20) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(data.count) + le32(data.count) + le16(n.count)
                + le16(0)
            out += [0x50, 0x4B, 0x03, 0x04] + common + n + data
            central += [0x50, 0x4B, 0x01, 0x02] + le16(20) + common + le16(0) + le16(0) + le16(0) + le32(0) + le32(offset) + n
        }
        let cdOffset = out.count
        out += central
        out +=
            [0x50, 0x4B, 0x05, 0x06] + le16(0) + le16(0) + le16(entries.count) + le16(entries.count) + le32(central.count)
            + le32(cdOffset) + le16(0)
        return out
    }
}

@Suite struct EvidenceTests {
    /// A file ledger with one person and one record.
    func ledger(_ dir: String) throws -> (SQLiteLedger, Int64) {
        let l = try SQLiteLedger.open(path: dir + "/ledger.sqlite", pinyin: pinyin, rules: shippedRules, actor: "王芳")
        let id = ResidentID.make(region: "360102", birth: Day(year: 1980, month: 1, day: 1)!, sequence: 1)
        let pid = try l.addPerson(Person(id: id, name: "张三"))
        let rid = try l.addRecord(
            CeledgerDomain.Record(
                personID: id, mode: .training, category: .professional, title: "心血管研修",
                startDate: Day(year: 2024, month: 3, day: 4)!,
                endDate: Day(year: 2024, month: 3, day: 5)!, claimedHours: Hours(whole: 16), recognizedHours: Hours(whole: 16),
                recognition: .recognized),
            personRowID: pid, reviewer: "王芳")
        return (l, rid)
    }

    @Test func theFourKindsAreToldByContentNotByName() {
        #expect(EvidenceKind.detect(ProofBytes.pdf) == .pdf)
        #expect(EvidenceKind.detect(ProofBytes.jpeg) == .jpeg)
        #expect(EvidenceKind.detect(ProofBytes.png) == .png)
        #expect(EvidenceKind.detect(ProofBytes.ofd) == .ofd)
        #expect(EvidenceKind.detect(ProofBytes.plainZip) == nil, "a ZIP without OFD.xml is no OFD")
        #expect(EvidenceKind.detect(Array("just text".utf8)) == nil)
    }

    @Test func aFileAddedIsKeptWithItsDigestAndTheHistorySaysWhoAndWhat() throws {
        let dir = try tempDir()
        let (l, rid) = try ledger(dir)
        let item = try l.addEvidence(recordRowID: rid, name: "结业证书.pdf", bytes: ProofBytes.pdf, clerk: "王芳")
        #expect(item.name == "结业证书.pdf" && item.kind == .pdf && item.size == ProofBytes.pdf.count)
        #expect(item.sha256 == SHA256.hex(ProofBytes.pdf) && item.addedBy == "王芳")
        #expect(try l.evidenceBytes(id: item.id) == ProofBytes.pdf)
        #expect(try l.evidence(recordRowIDs: [rid], includingRemoved: false) == [item])
        let number = ResidentID.make(region: "360102", birth: Day(year: 1980, month: 1, day: 1)!, sequence: 1).value
        let history = try l.history(idNumber: number)
        let added = try #require(history.last)
        #expect(added.entity == .evidence && added.action == .insert && added.actor == "王芳")
        #expect(added.new["sha256"] == item.sha256 && added.new["name"] == "结业证书.pdf")
        #expect(added.what(.zh) == "添加证明 E\(item.id)")
        // Removal is soft, once, with a reason; the bytes stay.
        #expect(throws: LedgerError.evidenceRemovalNeedsReason) { try l.removeEvidence(id: item.id, reason: " ", clerk: "王芳") }
        let removed = try l.removeEvidence(id: item.id, reason: "扫描不清，重新上传", clerk: "李审")
        #expect(removed.isRemoved && removed.removedReason == "扫描不清，重新上传" && removed.removedBy == "李审")
        #expect(throws: LedgerError.evidenceRemoved(id: item.id)) {
            try l.removeEvidence(id: item.id, reason: "again", clerk: "x")
        }
        #expect(try l.evidence(recordRowIDs: [rid], includingRemoved: false).isEmpty)
        #expect(try l.evidence(recordRowIDs: [rid], includingRemoved: true) == [removed])
        #expect(try l.evidenceBytes(id: item.id) == ProofBytes.pdf)
        let last = try #require(try l.history(idNumber: number).last)
        #expect(last.action == .update && last.entity == .evidence && last.details(.zh).contains("理由：扫描不清，重新上传"))
        // The chain covers the proof: check finds nothing wrong.
        #expect(try l.check(today: Day(year: 2026, month: 1, day: 1)!).filter { $0.severity == .error }.map(\.message.en) == [])
        // Not even sqlite3 with celedger's functions can delete proof or change its bytes.
        #expect(throws: (any Error).self) { try l.db.write { try $0.execute(sql: "DELETE FROM evidence") } }
        #expect(throws: (any Error).self) {
            try l.db.write { try $0.execute(sql: "UPDATE evidence SET bytes = x'00', size = 1") }
        }
    }

    @Test func backupAndRestoreCarryTheBytesExactly() throws {
        let dir = try tempDir()
        let (l, rid) = try ledger(dir)
        var big = ProofBytes.jpeg
        var rng = SeededRandom(seed: 19)
        big += (0..<300_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let a = try l.addEvidence(recordRowID: rid, name: "证书.jpg", bytes: big, clerk: "王芳")
        let b = try l.addEvidence(recordRowID: rid, name: "成绩单.ofd", bytes: ProofBytes.ofd, clerk: "王芳")
        try l.backup(to: dir + "/backup.sqlite")
        _ = try l.removeEvidence(id: b.id, reason: "误传", clerk: "王芳")
        _ = try l.addEvidence(recordRowID: rid, name: "多余.png", bytes: ProofBytes.png, clerk: "王芳")
        try l.restore(from: dir + "/backup.sqlite")
        let kept = try l.evidence(recordRowIDs: [rid], includingRemoved: true)
        #expect(kept == [a, b], "the backup's proof, as it was then")
        #expect(try l.evidenceBytes(id: a.id) == big)
        #expect(SHA256.hex(try l.evidenceBytes(id: b.id)) == b.sha256)
        // A copied file has them too.
        try FileManager.default.copyItem(atPath: dir + "/backup.sqlite", toPath: dir + "/copy.sqlite")
        let copy = try SQLiteLedger.open(path: dir + "/copy.sqlite", pinyin: pinyin, rules: shippedRules, access: .readOnly)
        #expect(try copy.evidenceBytes(id: a.id) == big)
    }

    @Test func hostileFilesAreRefusedWithTheirReasonAndChangeNothing() throws {
        let dir = try tempDir()
        let (l, rid) = try ledger(dir)
        let head = try l.historyHead()
        func refused(_ name: String, _ bytes: [UInt8]) -> String? {
            do {
                _ = try l.addEvidence(recordRowID: rid, name: name, bytes: bytes, clerk: "王芳")
                return nil
            } catch { return error.message.en }
        }
        #expect(refused("empty.pdf", [])?.contains("the file is empty (0 bytes)") == true)
        #expect(refused("../../etc/passwd.pdf", ProofBytes.pdf)?.contains("the name contains \"..\"") == true)
        #expect(refused("a/b.pdf", ProofBytes.pdf)?.contains("without folders") == true)
        #expect(refused("bad\u{7}.pdf", ProofBytes.pdf)?.contains("control characters") == true)
        #expect(refused("notes.pdf", Array("not a pdf".utf8))?.contains("not a PDF, JPEG, PNG or OFD file") == true)
        let huge = ProofBytes.pdf + [UInt8](repeating: 0x20, count: Evidence.maxBytes)
        #expect(refused("huge.pdf", huge)?.contains("too large (20.0 MiB; at most 20 MiB a file)") == true)
        #expect(throws: LedgerError.gone) {
            try l.addEvidence(recordRowID: 999, name: "x.pdf", bytes: ProofBytes.pdf, clerk: "x")
        }
        #expect(try l.evidence(recordRowIDs: [rid], includingRemoved: true).isEmpty)
        #expect(try l.historyHead() == head, "no history entry for a refusal")
    }

    @Test func theFileReaderRefusesLinksFoldersAndOversizedFilesBeforeReading() throws {
        let dir = try tempDir()
        let real = dir + "/证书.pdf"
        try Data(ProofBytes.pdf).write(to: URL(fileURLWithPath: real))
        #expect(try EvidenceFile.read(real, limit: Evidence.maxBytes).bytes == ProofBytes.pdf)
        #expect(try EvidenceFile.read(real, limit: Evidence.maxBytes).name == "证书.pdf")
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.pdf", withDestinationPath: real)
        #expect(throws: SheetError.self) { try EvidenceFile.read(dir + "/link.pdf", limit: Evidence.maxBytes) }
        do {
            _ = try EvidenceFile.read(dir + "/link.pdf", limit: Evidence.maxBytes)
        } catch { #expect(error.message.en.contains("is a symbolic link to \(real)")) }
        do {
            _ = try EvidenceFile.read(dir, limit: Evidence.maxBytes)
        } catch { #expect(error.message.en.contains("is a folder, not a file")) }
        do {
            _ = try EvidenceFile.read(real, limit: 10)
        } catch { #expect(error.message.en.contains("is too large")) }
        do {
            _ = try EvidenceFile.read(dir + "/missing.pdf", limit: 10)
        } catch { #expect(error.message.en.contains("cannot read")) }
        do {
            _ = try EvidenceFile.read("/dev/null", limit: 10)
        } catch { #expect(error.message.en.contains("not a regular file")) }
    }
}
