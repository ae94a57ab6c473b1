import CeledgerDomain
import CeledgerLedger
import CeledgerSQLite
import CeledgerText
import Foundation
import Testing
import ZIPFoundation

@testable import CeledgerTUI

/// A private folder for the cards a test prints.
private func cardFolder() throws -> String {
    let d = FileManager.default.temporaryDirectory.appendingPathComponent("celedger-cards-\(UUID().uuidString)").path
    return d
}

private func fixedClock() -> Date {
    ISO8601DateFormatter().date(from: "2024-11-25T02:00:00Z")!
}

@Suite struct StatsScreenTests {
    @Test func statisticsSideBySideAt120Columns() throws {
        let app = try makeApp()
        app.press("t")
        expectGolden("stats-zh-120x24", app.screen)
    }

    @Test func statisticsStackedAt80Columns() throws {
        let app = try makeApp(width: 80, height: 24)
        app.press("t")
        expectGolden("stats-zh-80x24", app.screen)
    }

    @Test func statisticsInEnglish() throws {
        let app = try makeApp(lang: .en)
        app.press("t")
        expectGolden("stats-en-120x24", app.screen)
    }

    @Test func unitLabelsAndBarsLineUpByDisplayWidth() throws {
        let app = try makeApp()
        app.press("t")
        let lines = app.screen.split(separator: "\n").map(String.init)
        // 南昌市第一医院 (7 characters), 九江学院 (4), 江西省建筑设计研究院 (10): every rate ends in the same cell.
        let ends = ["南昌市第一医院", "九江学院", "江西省建筑设计研究院"].map { unit -> Int in
            let line = lines.first { $0.hasPrefix(" " + unit) }!
            return line.prefix(upTo: line.range(of: "%")!.upperBound).displayWidth
        }
        #expect(Set(ends).count == 1, "\(ends)")
    }

    @Test func theFiguresAreTheLedgersAndFollowTheYear() throws {
        let app = try makeApp()
        app.press("t")
        var text = app.screen
        // 2024: 5 persons, 张三 (90.0) met; 欧阳明辉 40, 王五 100 (professional 59.5: short), 张三丰 89.5, 李四 0.
        #expect(text.contains("人员 5 · 达标 1 · 达标率 20.0% · 人均 63.9 学时 · 计入学时 319.5"))
        #expect(text.contains("2024年度"))
        app.press("[")
        text = app.screen
        #expect(text.contains("2023年度"))
        #expect(text.contains("人员 5 · 达标 0 · 达标率 0.0% · 人均 8.0 学时 · 计入学时 40.0"))
        app.press("Esc")
        #expect(app.screen.contains("继续教育登记簿"))
        #expect(app.screen.contains("2023年度"))
    }

    @Test func enterListsTheSelectedUnitsPersons() throws {
        let app = try makeApp()
        app.press("t", "Down", "Enter")  // 九江学院 is first, 南昌市第一医院 second
        let text = app.screen
        #expect(text.contains("单位: 南昌市第一医院"))
        #expect(text.contains("人员 2 ·"))
        #expect(text.contains("张三丰") && !text.contains("欧阳明辉"))
    }
}

@Suite struct ClassRegistrationTests {
    /// Marks 李四 and 欧阳明辉 (the first two rows), then registers one class for them.
    @Test func markSeveralAndRegisterOneClassForAll() throws {
        let ledger = try fixtureLedger()
        let app = try makeApp(ledger)
        app.press("m", "m")
        var text = app.screen
        #expect(text.contains("已标记 2 人"))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[3].hasPrefix("*李四") && lines[4].hasPrefix("*欧阳明辉") && lines[5].hasPrefix(" 王五"), "\(lines[3...5])")
        app.press("A")
        expectGolden("class-form", app.screen)
        app.press("Tab", "Tab", "Tab", "Tab")
        app.type("医疗质量安全培训")
        app.press("Tab")
        app.type("江西省卫健委")
        app.press("Tab", "Tab", "Tab", "Tab", "Tab")
        app.type("8")
        app.press("Enter")
        #expect(app.overlay == nil)
        text = app.screen
        #expect(text.contains("已为 2 人登记“医疗质量安全培训”"), "\(text)")
        #expect(!text.contains("已标记"))
        #expect(!text.split(separator: "\n").contains { $0.hasPrefix("*") })
        // 李四 now has 8 professional hours counted.
        #expect(text.split(separator: "\n").first { $0.contains("李四") }!.contains("8.0"))
        let li = try #require(
            try ledger.personRowID(
                idNumber: ResidentID.make(region: "360403", birth: Day(year: 1992, month: 11, day: 30)!, sequence: 131).value))
        #expect(
            try app.ledger.records(personRowID: li, year: 2024).contains {
                $0.record.title == "医疗质量安全培训" && $0.reviewedBy == "clerk"
            })

        // The same class for 欧阳明辉 again and 王五: one duplicate, named.
        app.press("Up", "m", "m")  // the cursor stayed on 王五, the row after the last marked
        app.press("A", "Tab", "Tab", "Tab", "Tab")
        app.type("医疗质量安全培训")
        app.press("Tab", "Tab", "Tab", "Tab", "Tab", "Tab")
        app.type("8")
        app.press("Enter")
        #expect(app.screen.contains("已为 1 人登记“医疗质量安全培训”；1 人已有此活动，跳过：欧阳明辉"), "\(app.screen)")
    }

    @Test func aWithoutMarksSaysWhatToDoAndMClearsTheMarks() throws {
        let app = try makeApp()
        app.press("A")
        #expect(app.overlay == nil)
        #expect(app.screen.contains("先用 m 标记参加同一培训的人员"))
        app.press("m", "m", "M")
        #expect(app.screen.contains("已清除标记"))
        app.press("A")
        #expect(app.overlay == nil)
        // m again on a marked row unmarks it.
        app.press("m", "Up", "m")
        #expect(app.screen.contains("已标记 0 人"))
    }

    @Test func marksStayThroughASearch() throws {
        let app = try makeApp()
        app.press("/")
        app.type("zsf")
        app.press("Enter", "m", "Esc")  // 张三丰, then clear the search
        app.press("/")
        app.type("oy")
        app.press("Enter", "m")
        #expect(app.screen.contains("已标记 2 人"))
        app.press("Esc")
        let marked = app.screen.split(separator: "\n").filter { $0.hasPrefix("*") }
        #expect(marked.count == 2 && marked.contains { $0.contains("张三丰") } && marked.contains { $0.contains("欧阳明辉") })
    }

    @Test func aBadClassFormIsRefusedAndNothingIsAdded() throws {
        let ledger = try fixtureLedger()
        let app = try makeApp(ledger)
        let before = try ledger.counts().records
        app.press("m", "A", "Enter")  // no content, no hours
        #expect(app.overlay != nil)
        #expect(app.screen.contains("✗"))
        app.press("Esc")
        #expect(try ledger.counts().records == before)
    }
}

@Suite struct CardPrintingTests {
    @Test func pWritesTheYearsCardAndAReprintKeepsItsNumber() throws {
        let app = try makeApp()
        let folder = try cardFolder()
        app.cardSettings = CardSettings(directory: folder)
        app.cardSettings.clock = fixedClock
        app.press("/")
        app.type("zs")
        app.press("Enter", "Enter", "p")
        let path = folder + "/张三-2024-JX-2024-000001.html"
        #expect(app.screen.contains("证明 JX-2024-000001 已写入 \(path)"), "\(app.screen)")
        let html = try String(contentsOfFile: path, encoding: .utf8)
        #expect(html.contains("@page { size: A4"))
        #expect(html.contains("34052419800101001X") && html.contains("心血管新进展研修班") && html.contains("职业道德专题"))
        #expect(html.contains("出具单位（盖章）：<b class=\"issuer\">南昌市第一医院</b>"))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        app.press("p")
        #expect(app.screen.contains("证明 JX-2024-000001（内容未变，沿用原编号）已写入"))
        // Another year is another card.
        app.press("[", "p")
        #expect(app.screen.contains("证明 JX-2024-000002 已写入 \(folder)/张三-2023-JX-2024-000002.html"))
        try? FileManager.default.removeItem(atPath: folder)
    }

    @Test("P packs the card with the year's proof files in one zip, each file as stored; the number is the card's")
    func capitalPPacksTheCardWithItsProof() throws {
        let ledger = try memoryFixtureLedger()
        let app = try makeApp(ledger, width: 200)
        let folder = try cardFolder()
        app.cardSettings = CardSettings(directory: folder)
        app.cardSettings.clock = fixedClock
        app.press("/")
        app.type("zs")
        app.press("Enter", "Enter")
        let person = try #require((app.screens.last as? PersonScreen)?.personRowID)
        let record = try #require(try ledger.records(personRowID: person, year: 2024).first)
        let pdf = Array("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".utf8)
        let item = try ledger.addEvidence(recordRowID: record.rowID, name: "结业证书.pdf", bytes: pdf, clerk: "王芳")
        app.press("P")
        let path = folder + "/张三-2024-JX-2024-000001.zip"
        #expect(app.screen.contains("证明 JX-2024-000001 及 1 个证明材料已写入 \(path)"), "\(app.screen)")
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        #expect(archive.map(\.path) == ["学时证明-张三-2024.html", "证明材料/\(item.number)-结业证书.pdf"])
        var stored = Data()
        _ = try archive.extract(try #require(archive["证明材料/\(item.number)-结业证书.pdf"])) { stored.append($0) }
        #expect(Array(stored) == pdf)
        var page = Data()
        _ = try archive.extract(try #require(archive["学时证明-张三-2024.html"])) { page.append($0) }
        let html = String(decoding: page, as: UTF8.self)
        #expect(html.contains("JX-2024-000001") && html.contains("结业证书.pdf") && html.contains(item.sha256))
        // The plain card of the same content keeps the number.
        app.press("p")
        #expect(app.screen.contains("证明 JX-2024-000001（内容未变，沿用原编号）已写入"), "\(app.screen)")
        try? FileManager.default.removeItem(atPath: folder)
    }

    @Test func aPersonWithoutAUnitNeedsAnIssuer() throws {
        let ledger = try fixtureLedger()
        let app = try makeApp(ledger)
        app.cardSettings = CardSettings(directory: try cardFolder())
        let id = try ResidentID.parse("11010519491231002X").get()
        let row = try #require(try ledger.personRowID(idNumber: id.value))
        try ledger.updatePerson(rowID: row, Person(id: id, name: "欧阳明辉"))
        app.press("Down", "Enter", "p")
        #expect(app.screen.contains("此人未填单位，无法确定出具单位"))
        app.cardSettings.issuer = "江西省建筑学会"
        app.press("p")
        #expect(app.screen.contains("证明 JX-"))
        try? FileManager.default.removeItem(atPath: app.cardSettings.directory)
    }

    @Test func theCardFolderDefaultsToTheHomeFolderAndCanBeSet() {
        #expect(CardSettings.fromEnvironment(["HOME": "/home/wang"]).directory == "/home/wang/celedger-cards")
        #expect(
            CardSettings.fromEnvironment(["HOME": "/home/wang", "CELEDGER_CARD_DIR": "/srv/cards"]).directory == "/srv/cards")
        #expect(CardSettings.fromEnvironment(["CELEDGER_ISSUER": " 某协会 "]).issuer == "某协会")
        #expect(CardSettings.fromEnvironment(["CELEDGER_ISSUER": ""]).issuer == nil)
        #expect(CardFiles.safe("../a/b\u{1}") == "_a_b_")
    }

    @Test("a card file's name: no text-direction overrides, at most 200 bytes of whole characters (the 255 of a file system)")
    func cardFileNamesAreSafe() {
        #expect(CardFiles.safe("张三\u{202E}lmth.exe") == "张三_lmth.exe")
        #expect(CardFiles.safe("a\u{9B}b\u{2066}c") == "a_b_c")
        let marks = String(repeating: "a" + String(repeating: "\u{301}", count: 59), count: 40)
        let safe = CardFiles.safe(marks + "-2024")
        #expect(safe.utf8.count <= CardFiles.maxNameBytes)
        #expect((safe + "-JX-2024-000001.html").utf8.count < 255)
        #expect(CardFiles.safe(String(repeating: "张", count: 100)).utf8.count == 198)
    }
}
