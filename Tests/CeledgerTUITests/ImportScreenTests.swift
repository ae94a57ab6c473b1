import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import CeledgerSQLite
import CeledgerSheets
import Foundation
import Testing

@testable import CeledgerTUI

/// A test's folder: the clerk's home and current folder, with the exports inside.
struct ImportSandbox {
    let dir: URL
    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("celedger-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    var exports: URL { dir.appendingPathComponent("exports") }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func listing(_ folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }
}

/// The hospital's roster as HR keeps it: a merged title row above the header, columns the ledger has no use
/// for, no unit column, an ID with a lower-case x, a blank row and a 合计 row at the bottom, and one bad ID.
func hospitalRoster() -> (csv: String, goodIDs: [String], badLine: Int) {
    let zhao = id("360102", 1975, 3, 8, 11).value
    let qian = id("360102", 1988, 10, 2, 22).value
    let sun = id("360103", 1990, 6, 15, 34).value
    let li = id("360104", 1983, 12, 1, 45).value
    // Qian's ID typed with a lower-case x, if it ends in one; the bad ID is one digit short.
    let qianTyped = qian.hasSuffix("X") ? String(qian.dropLast()) + "x" : qian
    let csv = """
        XX县人民医院2024年度专业技术人员花名册,,,,,,,
        序号,姓名,身份证号,科室,职称,参加工作时间,联系电话,备注
        1,赵建国,\(zhao),内科,副主任医师,1998-07-01,13800000001,
        2,钱晓燕,\(qianTyped),护理部,主管护师,2010-07-01,13800000002,返聘
        3,周明,36010219900101123,药剂科,药师,2013-07-01,13800000003,
        4,孙丽,\(sun),检验科,主管技师,2012-07-01,13800000004,
        5,李伟,\(li),外科,主治医师,2008-07-01,13800000005,
        ,,,,,,,
        合计,5人,,,,,,

        """
    return (csv, [zhao, qian, sun, li], 5)
}

@Suite struct ImportScreenTests {
    func importingApp(
        _ sandbox: ImportSandbox, lang: Lang = .zh, width: Int = 120, height: Int = 32
    ) throws -> (App, SQLiteLedger) {
        let ledger = try fixtureLedger()
        let app = try makeApp(ledger, lang: lang, width: width, height: height)
        app.environment = ["HOME": sandbox.dir.path, "CELEDGER_EXPORT_DIR": sandbox.exports.path]
        app.workingDirectory = sandbox.dir.path
        app.runInBackground = { $0() }
        app.clock = { Date(timeIntervalSince1970: 1_732_521_600) }
        app.titleLevels = RosterSource.titleLevels(
            csv: try String(contentsOf: repoRoot.appendingPathComponent("data/titles/title-levels.csv"), encoding: .utf8))
        return (app, ledger)
    }

    func personCount(_ ledger: SQLiteLedger) throws -> Int {
        try ledger.personSummary(PersonListQuery(year: 2024)).persons
    }

    /// `I`, persons, the newest spreadsheet of the current folder: the import screen, its dry run done.
    func openRoster(_ app: App) {
        app.press("I")
        #expect(app.screen.contains("导入什么？") || app.screen.contains("Import what?"), "\(app.screen)")
        app.press("Enter")
        app.press("Enter")
        app.tick()
    }

    @Test func theHospitalRosterPreviewShowsTheHeaderTheIgnoredColumnsTheTotalRowAndTheOneBadRow() throws {
        let sandbox = try ImportSandbox()
        let roster = hospitalRoster()
        try sandbox.write("花名册.csv", roster.csv)
        let (app, ledger) = try importingApp(sandbox)
        let before = try personCount(ledger)
        openRoster(app)
        let s = app.screen
        #expect(s.contains("导入人员：花名册.csv"), "\(s)")
        #expect(s.contains("表头：第 2 行（其上 1 行为标题，已跳过）"), "\(s)")
        #expect(s.contains("忽略的列（登记簿不用）：序号、参加工作时间、联系电话、备注"), "\(s)")
        #expect(s.contains("科室→部门"), "\(s)")
        #expect(s.contains("第 9 行：是合计行（“合计”），已跳过"), "\(s)")
        #expect(s.contains("第 8 行：所用各列均为空，已跳过"), "\(s)")
        #expect(s.contains("可导入 4 行（新增 4，更新 0，未变 0） · 有误 1 行"), "\(s)")
        #expect(s.contains("第 \(roster.badLine) 行 身份证号："), "\(s)")
        // The title level comes from the title (副主任医师 → 副高级), the ID numbers masked.
        #expect(s.contains("赵建国") && s.contains("副高级"), "\(s)")
        #expect(!s.contains(roster.goodIDs[0]), "\(s)")
        // Nothing was written by the dry run.
        #expect(try personCount(ledger) == before)

        // Confirm: the four good rows come in, the persons list shows them, the status line says so.
        app.press("Enter")
        #expect(app.screen.contains("导入 花名册.csv 中的 4 行人员？有误的 1 行不导入。"), "\(app.screen)")
        app.press("y")
        app.tick()
        #expect(try personCount(ledger) == before + 4)
        #expect(app.screens.count == 1, "back on the persons list")
        #expect(app.screen.contains("已从 花名册.csv 导入人员：新增 4，更新 0，未变 0，有误未导入 1 行"), "\(app.screen)")
        #expect(app.screen.contains("钱晓燕"), "\(app.screen)")
    }

    @Test func withoutAUnitColumnTheScreenOffersTheEmployerAndTheRowsTakeIt() throws {
        let sandbox = try ImportSandbox()
        try sandbox.write("花名册.csv", hospitalRoster().csv)
        let (app, ledger) = try importingApp(sandbox)
        openRoster(app)
        #expect(app.screen.contains("文件没有单位列，本登记簿也未设置本单位：按 E 设置"), "\(app.screen)")
        app.press("E")
        #expect(app.screen.contains("本单位（用人单位）"), "\(app.screen)")
        app.type("XX县人民医院")
        app.press("Enter")
        app.tick()
        #expect(try ledger.employer() == "XX县人民医院")
        #expect(app.screen.contains("补上的列：单位 = 本单位“XX县人民医院”（文件没有单位列）"), "\(app.screen)")
        #expect(!app.screen.contains("按 E 设置"), "\(app.screen)")
        app.press("Enter", "y")
        app.tick()
        #expect(try ledger.units().contains("XX县人民医院"))
    }

    @Test func theBadRowsAreWrittenToTheExportsFolderAsAWorkbookForAWorkbook() throws {
        let sandbox = try ImportSandbox()
        let roster = hospitalRoster()
        // The same roster as a workbook.
        let path = sandbox.dir.appendingPathComponent("花名册.xlsx").path
        let sink = try XLSXWriter(path: path, sheetName: "Sheet1")
        let rows = roster.csv.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        try sink.header(rows[0].map { TableColumn($0) })
        for r in rows.dropFirst() where !r.isEmpty { try sink.row(r.map { .text($0) }) }
        try sink.finish(creator: "hr", created: Date(), title: "花名册")
        let (app, _) = try importingApp(sandbox)
        openRoster(app)
        #expect(app.screen.contains("有误 1 行"), "\(app.screen)")
        app.press("w")
        let files = sandbox.listing(sandbox.exports)
        try #require(files.count == 1, "\(files)")
        #expect(files[0].hasPrefix("花名册.rejected-") && files[0].hasSuffix(".xlsx"), "\(files)")
        #expect(app.screen.contains("已把 1 行有误的行写到"), "\(app.screen)")
        let reader = try XLSXReader(path: sandbox.exports.appendingPathComponent(files[0]).path)
        let header = try #require(try reader.next())
        #expect(Array(header.fields.prefix(5)) == ["行号", "出错列", "原因", "序号", "姓名"], "\(header.fields)")
        let bad = try #require(try reader.next())
        #expect(bad.fields[0] == "\(roster.badLine)" && bad.fields[1] == "身份证号" && bad.fields.contains("周明"), "\(bad.fields)")
        #expect(bad.fields.contains("36010219900101123"), "the ID kept as text: \(bad.fields)")
    }

    @Test func aFileWithoutTheRequiredColumnsSaysWhatToDoAndCannotBeImported() throws {
        let sandbox = try ImportSandbox()
        try sandbox.write("名单.csv", "序号,联系电话\n1,13800000001\n")
        let (app, _) = try importingApp(sandbox)
        openRoster(app)
        #expect(app.screen.contains("缺少必需的列“身份证号”"), "\(app.screen)")
        let bar = app.render().text.split(separator: "\n").last.map(String.init) ?? ""
        #expect(!bar.contains("Enter 导入"), "\(bar)")
        app.press("Enter")
        #expect(!app.screen.contains("确认"), "Enter imports nothing")
        app.press("Esc")
        #expect(app.screens.count == 1)
    }

    @Test func aSignInSheetBecomesAClassWithTheDetailsOfTheClassForm() throws {
        let sandbox = try ImportSandbox()
        let zhang = "34052419800101001X"
        let li = id("360403", 1992, 11, 30, 131).value
        try sandbox.write("签到表.csv", "心血管新进展研修班 签到表\n序号,姓名,身份证号,签名\n1,张三,\(zhang),\n2,李四,\(li),\n")
        let (app, ledger) = try importingApp(sandbox)
        app.press("I", "Down", "Down", "Enter", "Enter")
        #expect(app.screen.contains("签到表登记培训班"), "\(app.screen)")
        // The class form: mode, category, conversion, role, then the content and the provider.
        app.press("Tab", "Tab", "Tab", "Tab")
        app.type("院内感染防控培训")
        app.press("Tab")
        app.type("本院")
        app.press("Tab", "C-u")
        app.type("2024-10-08")
        app.press("Tab", "C-u")
        app.type("2024-10-08")
        app.press("C-s")
        app.tick()
        #expect(app.screen.contains("导入培训班签到表：签到表.csv"), "\(app.screen)")
        #expect(app.screen.contains("培训班：“院内感染防控培训” 2024-10-08"), "\(app.screen)")
        #expect(app.screen.contains("可导入 2 行"), "\(app.screen)")
        #expect(app.screen.contains("签名"), "the ignored column is named: \(app.screen)")
        app.press("Enter", "y")
        app.tick()
        #expect(app.screen.contains("已从 签到表.csv 登记培训班“院内感染防控培训”：新增 2 人"), "\(app.screen)")
        let zhangRow = try #require(
            try ledger.personRows(PersonListQuery(year: 2024), from: nil, forward: true, including: false, limit: 100).first {
                $0.idNumber == zhang
            })
        #expect(try ledger.records(personRowID: zhangRow.rowID, year: 2024).contains { $0.record.title == "院内感染防控培训" })
        // U takes the whole class back in one step: both persons' records of it gone, the rest kept.
        let before = try ledger.records(personRowID: zhangRow.rowID, year: 2024).count
        app.press("U")
        #expect(app.screen.contains("撤销上一次修改：") && app.screen.contains("签到表.csv"), "\(app.screen)")
        app.press("y")
        // The class's records were recognised as they were registered: they are reopened first, with a reason.
        #expect(app.screen.contains("须先重新打开"), "\(app.screen)")
        app.type("签到表选错了")
        app.press("Enter")
        app.tick()
        #expect(app.screen.contains("已撤销："), "\(app.screen)")
        let zhangAfter = try ledger.records(personRowID: zhangRow.rowID, year: 2024)
        #expect(zhangAfter.count == before - 1 && !zhangAfter.contains { $0.record.title == "院内感染防控培训" })
        let liRow = try #require(
            try ledger.personRows(PersonListQuery(year: 2024), from: nil, forward: true, including: false, limit: 100).first {
                $0.idNumber == li
            })
        #expect(try !ledger.records(personRowID: liRow.rowID, year: 2024).contains { $0.record.title == "院内感染防控培训" })
        let entries = try ledger.history(idNumber: li).filter { $0.entity == .record }
        #expect(entries.suffix(3).map(\.action) == [.insert, .update, .delete], "registered, reopened, deleted: \(entries)")
    }

    // MARK: The file chooser

    /// A clerk's folders: CJK names, a folder, files that are no spreadsheets.
    static func clerkFiles() -> FileSystemAccess {
        let day = { (d: Int, h: Int) in Date(timeIntervalSince1970: 1_732_000_000 + Double(d * 86_400 + h * 3600)) }
        let tree: [String: [FileEntry]] = [
            "/home/clerk": [
                FileEntry(name: "桌面", folder: "/home/clerk", isDirectory: true, size: 0, modified: day(0, 0)),
                FileEntry(name: "下载", folder: "/home/clerk", isDirectory: true, size: 0, modified: day(0, 0)),
                FileEntry(name: "旧花名册.csv", folder: "/home/clerk", isDirectory: false, size: 980, modified: day(-30, 0)),
            ],
            "/home/clerk/桌面": [
                FileEntry(
                    name: "XX县人民医院2024年度专业技术人员花名册（人事科终版，勿外传）.xlsx", folder: "/home/clerk/桌面", isDirectory: false,
                    size: 48_213, modified: day(5, 2)),
                FileEntry(
                    name: "签到表-心血管新进展研修班.csv", folder: "/home/clerk/桌面", isDirectory: false, size: 2_310, modified: day(4, 9)),
                FileEntry(name: "会议纪要.docx", folder: "/home/clerk/桌面", isDirectory: false, size: 12_000, modified: day(6, 0)),
            ],
            "/home/clerk/下载": [
                FileEntry(name: "名单.tsv", folder: "/home/clerk/下载", isDirectory: false, size: 1_536_000, modified: day(3, 1)),
                FileEntry(name: "名单备份", folder: "/home/clerk/下载", isDirectory: true, size: 0, modified: day(1, 0)),
                FileEntry(
                    name: "名单2023.xlsx", folder: "/home/clerk/下载", isDirectory: false, size: 30_111, modified: day(-100, 0)),
            ],
            "/home/clerk/下载/名单备份": [],
            "/work/ledger": [
                FileEntry(name: "records.csv", folder: "/work/ledger", isDirectory: false, size: 310, modified: day(2, 0))
            ],
        ]
        return FileSystemAccess { tree[$0] }
    }

    func chooserApp(_ lang: Lang, width: Int) throws -> App {
        let app = try makeApp(try memoryFixtureLedger(), lang: lang, width: width, height: 20)
        app.environment = ["HOME": "/home/clerk"]
        app.workingDirectory = "/work/ledger"
        app.files = Self.clerkFiles()
        return app
    }

    @Test func theChooserListsTheSpreadsheetsOfTheUsualFoldersNewestFirst() throws {
        let app = try chooserApp(.zh, width: 80)
        var picked: String?
        app.overlay = FileChooser(title: "选择要导入的人员文件", app: app) { path, _ in picked = path }
        let s = app.screen
        expectGolden("file-chooser-zh-80", s)
        let names = ["XX县人民医院", "签到表-心血管", "名单.tsv", "records.csv", "旧花名册.csv", "名单2023.xlsx"]
        let rows = names.map { n in s.split(separator: "\n").firstIndex { $0.contains(n) } ?? -1 }
        #expect(rows == rows.sorted() && !rows.contains(-1), "newest first: \(rows)")
        #expect(!s.contains("会议纪要"), "not a spreadsheet")
        app.press("Enter")
        #expect(picked == "/home/clerk/桌面/XX县人民医院2024年度专业技术人员花名册（人事科终版，勿外传）.xlsx")
    }

    @Test func typedWordsNarrowTheListAndATypedPathCompletesWithTab() throws {
        let app = try chooserApp(.en, width: 120)
        var picked: String?
        let chooser = FileChooser(title: "Choose the file of persons", app: app) { path, _ in picked = path }
        app.overlay = chooser
        app.type("名单")
        #expect(chooser.shown.map(\.name) == ["名单.tsv", "名单2023.xlsx"])
        app.press("C-u")
        app.type("~/下")
        app.press("Tab")
        #expect(chooser.field.text == "~/下载/")
        app.type("名")
        app.press("Tab")
        // 名单.tsv, 名单2023.xlsx and the folder 名单备份 agree on 名单.
        #expect(chooser.field.text == "~/下载/名单")
        expectGolden("file-chooser-en-120-completing", app.screen)
        app.type("2")
        app.press("Tab")
        #expect(chooser.field.text == "~/下载/名单2023.xlsx")
        app.press("Enter")
        #expect(picked == "/home/clerk/下载/名单2023.xlsx")
    }

    @Test func aMissingTypedFileIsSaidAndEscBacksOut() throws {
        let app = try chooserApp(.zh, width: 80)
        var cancelled = false
        app.overlay = FileChooser(title: "选择文件", app: app, onCancel: { _ in cancelled = true }) { _, _ in }
        app.type("~/没有.csv")
        app.press("Enter")
        #expect(app.screen.contains("没有这个文件：~/没有.csv"), "\(app.screen)")
        app.press("Esc")
        #expect(app.overlay == nil && cancelled)
    }

    @Test func aLongCJKNameIsCutWithoutSplittingACharacter() throws {
        let app = try chooserApp(.zh, width: 80)
        app.overlay = FileChooser(title: "选择文件", app: app) { _, _ in }
        let line = try #require(app.screen.split(separator: "\n").first { $0.contains("XX县人民医院") })
        #expect(line.contains("…"), "\(line)")
        // Every row is exactly as wide as the screen: no half of a wide character is left over.
        for row in app.screen.split(separator: "\n", omittingEmptySubsequences: false) {
            #expect(String(row).displayWidth <= 80, "\(row)")
        }
    }

    // MARK: Golden previews

    func previewApp(_ lang: Lang, width: Int) throws -> App {
        let sandbox = try ImportSandbox()
        try sandbox.write("花名册.csv", hospitalRoster().csv)
        let (app, _) = try importingApp(sandbox, lang: lang, width: width, height: 30)
        openRoster(app)
        return app
    }

    @Test func thePreviewGoldenScreens() throws {
        expectGolden("import-preview-zh-120", try previewApp(.zh, width: 120).screen)
        expectGolden("import-preview-zh-80", try previewApp(.zh, width: 80).screen)
        expectGolden("import-preview-en-120", try previewApp(.en, width: 120).screen)
        expectGolden("import-preview-en-80", try previewApp(.en, width: 80).screen)
    }

    @Test func progressShowsWhileTheDryRunRunsAndTheScreenStaysUp() throws {
        let sandbox = try ImportSandbox()
        try sandbox.write("花名册.csv", hospitalRoster().csv)
        let (app, _) = try importingApp(sandbox)
        // The work is held until the test lets it run: meanwhile the screen shows it is checking.
        var held: [@Sendable () -> Void] = []
        app.runInBackground = { held.append($0) }
        app.press("I", "Enter", "Enter")
        #expect(app.waitsForTick)
        #expect(app.screen.contains("正在检查（试运行，不写入） 花名册.csv"), "\(app.screen)")
        app.handle(.resize(width: 100, height: 30))
        #expect(app.screen.contains("正在检查"), "redrawn at the new size: \(app.screen)")
        held.forEach { $0() }
        #expect(app.tick())
        #expect(!app.waitsForTick)
        #expect(app.screen.contains("可导入 4 行"), "\(app.screen)")
    }
}
