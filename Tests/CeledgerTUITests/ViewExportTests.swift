import CeledgerDomain
import CeledgerLedger
import CeledgerSheets
import Foundation
import Testing

@testable import CeledgerTUI

/// `x` writes all of the list on screen, under its filter, search and sort, to an XLSX workbook.
@Suite struct ViewExportTests {
    func exportingApp(_ lang: Lang = .zh, height: Int = 24) throws -> (App, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("celedger-export-\(UUID().uuidString)")
        let app = try makeApp(try memoryFixtureLedger(), lang: lang, height: height)
        app.environment = ["CELEDGER_EXPORT_DIR": dir.appendingPathComponent("exports").path]
        app.clock = { Date(timeIntervalSince1970: 1_732_521_600) }  // 2024-11-25 08:00 UTC
        return (app, dir.appendingPathComponent("exports"))
    }

    func rows(_ file: URL) throws -> [[String]] {
        let reader = try XLSXReader(path: file.path)
        var out: [[String]] = []
        while let r = try reader.next() { out.append(r.fields) }
        return out
    }

    func only(_ dir: URL) throws -> URL {
        let files = try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "xlsx" }
        try #require(files.count == 1, "\(files)")
        return files[0]
    }

    @Test func thePersonsListUnderItsFilterIsExportedWholeWithChineseHeadersAndWhoExportedIt() throws {
        let (app, dir) = try exportingApp()
        app.press("f", "Down", "Down", "Enter", "Down", "Down", "Enter")  // 按状态 → 未达标
        #expect(app.screen.contains("状态: 未达标"), "\(app.screen)")
        app.press("x")
        let file = try only(dir)
        #expect(app.screen.contains("已导出 4 行到"), "\(app.screen)")
        #expect(app.screen.contains(file.lastPathComponent) || app.message?.text.contains(file.path) == true)
        let table = try rows(file)
        #expect(table[0] == ["姓名", "身份证号", "单位", "部门", "职称", "公需学时", "专业学时", "合计学时", "状态"])
        #expect(table.count == 1 + 4 + 1, "\(table)")
        #expect(Set(table[1...4].map { $0[0] }) == ["李四", "欧阳明辉", "王五", "张三丰"])
        let last = table.last!.first!
        #expect(last.contains("clerk 于") && last.contains("导出：2024年度 · 单位: 全部 · 状态: 未达标 · 排序: 姓名↑"), "\(last)")
        #expect(last.contains("共 4 行"))
        let mode = { (p: String) in ((try? FileManager.default.attributesOfItem(atPath: p))?[.posixPermissions] as? Int) ?? -1 }
        #expect(mode(dir.path) == 0o700)
        #expect(mode(file.path) == 0o600)
    }

    @Test func aSearchedListExportsWhatTheSearchFindsInEnglish() throws {
        let (app, dir) = try exportingApp(.en)
        app.press("/")
        app.type("zs")
        app.press("Enter", "x")
        let table = try rows(try only(dir))
        #expect(table[0].first == "Name")
        #expect(table.count == 1 + 2 + 1)
        #expect(table.last!.first!.contains("search: zs"))
        #expect(app.screen.contains("2 rows exported to"))
    }

    @Test func aPersonsRecordsTheRecognitionListAndTheStatisticsExportToo() throws {
        let (app, dir) = try exportingApp()
        app.press("j", "j", "j", "Enter", "x")
        var table = try rows(try only(dir))
        #expect(table[0].prefix(3) == ["开始日期", "结束日期", "学习方式"])
        #expect(table.count == 1 + 3 + 1)
        try FileManager.default.removeItem(at: dir)
        app.press("Esc", "r", "x")
        table = try rows(try only(dir))
        #expect(table[0].first == "姓名")
        #expect(table.count == 1 + 2 + 1)
        try FileManager.default.removeItem(at: dir)
        app.press("Esc", "t", "x")
        table = try rows(try only(dir))
        #expect(table[0] == ["单位", "人数", "达标人数", "达标率%", "学时合计", "人均学时"])
        #expect(table.count == 1 + 3 + 1, "\(table)")
    }

    @Test func aFolderThatCannotBeMadeIsSaidInTheClerksWords() throws {
        let (app, _) = try exportingApp()
        app.environment = ["CELEDGER_EXPORT_DIR": "/proc/no-such/exports"]
        app.press("x")
        #expect(app.message?.isError == true)
        #expect(app.screen.contains("无法导出到 /proc/no-such/exports"), "\(app.screen)")
    }
}

/// `:` — the palette of every command here and everywhere, found by words or pinyin initials.
@Suite struct PaletteTests {
    @Test(arguments: [(Lang.zh, 120), (.zh, 80), (.en, 120), (.en, 80)])
    func thePaletteListsTheScreensAndTheAppsCommands(_ lang: Lang, _ width: Int) throws {
        let app = try makeApp(try memoryFixtureLedger(), lang: lang, width: width, height: 24)
        app.press(":")
        #expect(app.overlay is PaletteOverlay)
        expectGolden("palette-\(lang == .zh ? "zh" : "en")-\(width)", app.screen)
    }

    @Test func typingPinyinInitialsFindsTheCommandAndEnterRunsIt() throws {
        let app = try makeApp(try memoryFixtureLedger())
        app.press(":")
        app.type("xzry")  // 新增人员
        let p = try #require(app.overlay as? PaletteOverlay)
        #expect(p.shown.count == 1, "\(app.screen)")
        expectGolden("palette-zh-120-filtered", app.screen)
        app.press("Enter")
        #expect(app.overlay is PersonForm)
    }

    @Test func chineseWordsFindTooAndTheCommandsOfEveryScreenAreThere() throws {
        let app = try makeApp(try memoryFixtureLedger())
        app.press("j", "j", "j", "Enter", ":")
        app.type("打印")
        let p = try #require(app.overlay as? PaletteOverlay)
        #expect(p.shown.map { p.all[$0].keys } == ["p", "P"])  // the card, and the card with its proof
        app.press("Esc", ":")
        app.type("cxdq")  // 重新读取登记簿 (every screen's)
        let q = try #require(app.overlay as? PaletteOverlay)
        #expect(q.shown.contains { q.all[$0].keys == "Ctrl-L  R" && q.all[$0].everywhere })
    }
}
