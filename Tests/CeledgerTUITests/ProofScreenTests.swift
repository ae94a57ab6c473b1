import CeledgerDomain
import CeledgerLedger
import Foundation
import Testing

@testable import CeledgerTUI

/// The person screen's proof (issue 19): marks, attaching a file through the file chooser, opening one, the filter.
@Suite struct ProofScreenTests {
    static let pdf = Array("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".utf8)

    /// A folder with a scan in it, and 张三's person screen (on the memory ledger, or SQLite).
    func personScreen(_ ledger: any LedgerWriter, lang: Lang = .zh) throws -> (App, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("celedger-proof-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Data(Self.pdf).write(to: URL(fileURLWithPath: dir + "/结业证书.pdf"))
        let app = try makeApp(ledger, lang: lang)
        app.press("j", "j", "j", "Enter")
        #expect(app.screens.last is PersonScreen)
        return (app, dir)
    }

    func attach(_ app: App, _ path: String) {
        app.press("f", "Enter")  // the first option: attach a file
        app.type(path)
        app.press("Enter")
    }

    @Test func attachingMarksTheRecordAndTheHistoryHasIt() throws {
        let ledger = try memoryFixtureLedger()
        let (app, dir) = try personScreen(ledger)
        // Before: recognised records without proof are marked 缺.
        #expect(app.screen.contains("证明"))
        #expect(app.screen.split(separator: "\n").contains { $0.contains("心血管新进展研修班") && $0.contains("缺") }, "\(app.screen)")
        attach(app, dir + "/结业证书.pdf")
        let text = app.screen
        #expect(text.contains("已添加 E1：结业证书.pdf（PDF，"), "\(text)")
        #expect(text.split(separator: "\n").contains { $0.contains("心血管新进展研修班") && $0.contains("✓1") }, "\(text)")
        expectGolden("person-proof-zh", text)
        #expect(ledger.writes.last == "addEvidence")
        // The history names it with its digest.
        app.press("h")
        #expect(app.screen.contains("添加证明 E1"), "\(app.screen)")
    }

    @Test func theSameInEnglish() throws {
        let (app, dir) = try personScreen(try memoryFixtureLedger(), lang: .en)
        attach(app, dir + "/结业证书.pdf")
        app.press("f")
        expectGolden("person-proof-menu-en", app.screen)
        #expect(app.screen.contains("open E1 结业证书.pdf"))
    }

    @Test func openingWritesAnOwnerOnlyCopyAndSaysWhenThereIsNoViewer() throws {
        let (app, dir) = try personScreen(try fixtureLedger())
        attach(app, dir + "/结业证书.pdf")
        let opened = OpenedPaths()
        app.proofViewer = ProofViewer(folder: dir) { path in
            opened.add(path)
            return true
        }
        app.press("f", "Down", "Enter")  // open E1
        let path = try #require(opened.paths.first)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(Self.pdf))
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
        #expect(app.screen.contains("已用查看程序打开 结业证书.pdf"), "\(app.screen)")
        app.proofViewer = ProofViewer(folder: dir) { _ in false }
        app.press("f", "Down", "Enter")
        #expect(app.message?.text.hasPrefix("没有可用的查看程序（xdg-open）：文件已写到 \(dir)/celedger-E1-") == true, "\(app.screen)")
    }

    @Test func hostileFilesAreRefusedOnTheScreenAndNothingIsAdded() throws {
        let ledger = try memoryFixtureLedger()
        let (app, dir) = try personScreen(ledger)
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.pdf", withDestinationPath: dir + "/结业证书.pdf")
        FileManager.default.createFile(atPath: dir + "/empty.pdf", contents: Data())
        attach(app, dir + "/link.pdf")
        // (The message line is cut to the screen's width; the message is whole.)
        #expect(app.message?.text.contains("是指向 \(dir)/结业证书.pdf 的符号链接") == true, "\(app.screen)")
        attach(app, dir + "/empty.pdf")
        #expect(app.message?.text == "empty.pdf：文件为空（0 字节）；未添加", "\(app.screen)")
        // A folder typed in the chooser opens it (the chooser walks folders) instead of being attached.
        attach(app, dir)
        #expect(app.overlay is FileChooser, "\(app.screen)")
        #expect(app.screen.contains("结业证书.pdf"), "\(app.screen)")
        app.press("Esc")
        #expect(!ledger.writes.contains("addEvidence"))
    }

    @Test func fShowsOnlyTheRecordsWithoutProofAndRemovalAsksForAReason() throws {
        let ledger = try memoryFixtureLedger()
        let (app, dir) = try personScreen(ledger)
        attach(app, dir + "/结业证书.pdf")
        let all = app.screen.split(separator: "\n").filter { $0.contains("已认定") || $0.contains("待认定") }.count
        app.press("F")
        let text = app.screen
        #expect(text.contains("只显示没有证明材料的记录"))
        #expect(!text.contains("心血管新进展研修班"), "\(text)")
        #expect(text.split(separator: "\n").filter { $0.contains("已认定") || $0.contains("待认定") }.count == all - 1)
        app.press("F")
        #expect(app.screen.contains("心血管新进展研修班"))
        // Remove it: the reason is required; then the record is without proof again.
        let person = try #require(app.screens.last as? PersonScreen)
        person.cursor.selected = person.records.firstIndex { $0.record.title == "心血管新进展研修班" }!
        app.press("f", "Down", "Down", "Enter", "Enter")
        #expect(app.screen.contains("必须填写"))
        app.type("扫描不清")
        app.press("Enter")
        #expect(app.screen.contains("已移除 E1"), "\(app.screen)")
        #expect(
            try ledger.evidence(recordRowIDs: person.records.map(\.rowID), includingRemoved: true).first?.removedReason == "扫描不清")
    }
}

final class OpenedPaths: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ p: String) {
        lock.lock()
        list.append(p)
        lock.unlock()
    }
    var paths: [String] {
        lock.lock()
        defer { lock.unlock() }
        return list
    }
}
