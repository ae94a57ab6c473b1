import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import CeledgerSQLite
import Foundation
import Testing

@testable import CeledgerTUI

/// An import made through `I` is taken back by Ctrl-Z / U in one step, on the memory ledger and on the
/// SQLite one; the clerk's changes of the session make a stack, newest first.
@Suite struct ImportUndoScreenTests {
    static let ledgers = ["memory", "sqlite"]

    func app(_ kind: String, _ sandbox: ImportSandbox, lang: Lang = .zh, width: Int = 120) throws -> (App, any LedgerWriter) {
        let ledger: any LedgerWriter = kind == "sqlite" ? try fixtureLedger() : try memoryFixtureLedger()
        let app = try makeApp(ledger, lang: lang, width: width, height: 24)
        app.environment = ["HOME": sandbox.dir.path, "CELEDGER_EXPORT_DIR": sandbox.exports.path]
        app.workingDirectory = sandbox.dir.path
        app.runInBackground = { $0() }
        app.clock = { Date(timeIntervalSince1970: 1_732_521_600) }
        return (app, ledger)
    }

    func persons(_ l: any LedgerWriter) throws -> Int { try l.personSummary(PersonListQuery(year: 2024)).persons }

    /// `I`, persons, the roster, confirmed: the four good rows in.
    func importRoster(_ app: App) {
        app.press("I", "Enter", "Enter")
        app.tick()
        app.press("Enter", "y")
        app.tick()
    }

    /// Another clerk, 王芳, moves the person to 结构一所 (after this session's change of it).
    func wangFangMoves(_ person: Int64, in ledger: MemoryLedger) throws {
        try ledger.acting(as: "王芳") {
            let p = try #require(try ledger.person(rowID: person))
            var changed = p.person
            changed.department = "结构一所"
            try ledger.updatePerson(rowID: person, changed, expected: p.version)
        }
    }

    /// The last line but one: the status line.
    func statusLine(_ app: App) -> String {
        let lines = app.screen.split(separator: "\n", omittingEmptySubsequences: false)
        return String(lines[lines.count - 2])
    }

    @Test(arguments: ledgers) func theHospitalRosterImportedThroughIIsTakenBackByU(_ kind: String) throws {
        let sandbox = try ImportSandbox()
        let roster = hospitalRoster()
        try sandbox.write("花名册.csv", roster.csv)
        let (app, ledger) = try app(kind, sandbox)
        let before = try persons(ledger)
        importRoster(app)
        #expect(try persons(ledger) == before + 4, "\(app.screen)")
        #expect(app.screen.contains("（U 可撤销）"), "\(app.screen)")
        app.press("U")
        #expect(app.screen.contains("撤销上一次修改：从 花名册.csv 导入人员（4 行）？"), "\(app.screen)")
        app.press("y")
        #expect(try persons(ledger) == before, "\(app.screen)")
        #expect(!app.screen.contains("钱晓燕"), "\(app.screen)")
        expectGolden("undo-import-status-zh-\(kind)", statusLine(app))
        // The history keeps the import and its undo: an insert, then a delete, of each person.
        for idNumber in roster.goodIDs {
            #expect(try ledger.history(idNumber: idNumber).map(\.action) == [.insert, .delete])
        }
    }

    @Test func theStatusLineOfAnImportUndoInEnglish() throws {
        let sandbox = try ImportSandbox()
        try sandbox.write("roster.csv", hospitalRoster().csv)
        let (app, _) = try app("memory", sandbox, lang: .en, width: 80)
        importRoster(app)
        app.press("U", "y")
        expectGolden("undo-import-status-en-80", statusLine(app))
    }

    @Test(arguments: ledgers) func aRecordsImportWithARecognisedRowAsksForTheReason(_ kind: String) throws {
        let sandbox = try ImportSandbox()
        try sandbox.write(
            "学时.csv",
            """
            身份证号,学习方式,科目类别,内容,开始日期,结束日期,申报学时,认定学时,认定状态
            34052419800101001X,培训,专业科目,院外进修,2024-05-01,2024-05-02,8,8,已认定
            34052419800101001X,培训,专业科目,院内讲座,2024-06-01,2024-06-01,2,,待认定

            """)
        let (app, ledger) = try app(kind, sandbox)
        let zhang = try #require(
            try ledger.personRows(PersonListQuery(year: 2024), from: nil, forward: true, including: false, limit: 10)
                .first { $0.name == "张三" }
        ).rowID
        let count = try ledger.recordCount(personRowID: zhang)
        app.press("I", "j", "Enter", "Enter")
        app.tick()
        app.press("Enter", "y")
        app.tick()
        #expect(try ledger.recordCount(personRowID: zhang) == count + 2, "\(app.screen)")
        app.press("U", "y")
        // 院外进修 arrived recognised: locked, reopened first, which asks for the reason.
        #expect(app.overlay is Prompt, "\(app.screen)")
        #expect(try ledger.recordCount(personRowID: zhang) == count + 2)
        app.type("导错了文件")
        app.press("Enter")
        #expect(try ledger.recordCount(personRowID: zhang) == count, "\(app.screen)")
        #expect(app.screen.contains("已撤销：从 学时.csv 导入学习记录（2 条"), "\(app.screen)")
        // 张三's history screen shows the undo as new entries under the clerk's name: the reopening, then
        // the two deletions, after the import's two additions.
        app.press("j", "j", "j", "Enter", "h")
        #expect(app.screens.last is HistoryScreen, "\(app.screen)")
        let history = try ledger.history(idNumber: "34052419800101001X").suffix(5)
        #expect(history.map(\.action) == [.insert, .insert, .update, .delete, .delete])
        let clerk = try #require(history.first).actor
        #expect(history.suffix(3).allSatisfy { $0.actor == clerk })
        app.press("G")
        let lines = app.screen.split(separator: "\n")
        #expect(lines.filter { $0.contains("删除记录 #") && $0.contains(clerk) }.count == 2, "\(app.screen)")
        #expect(lines.contains { $0.contains("修改记录 #") && $0.contains("导错了文件") }, "\(app.screen)")
    }

    @Test(arguments: ledgers) func uTakesBackTheLatestThenTheOneBefore(_ kind: String) throws {
        let ledger: any LedgerWriter = kind == "sqlite" ? try fixtureLedger() : try memoryFixtureLedger()
        let app = try makeApp(ledger)
        let before = try persons(ledger)
        for (n, name) in [(111, "高峰"), (113, "郭婷")] {
            app.press("a")
            app.type(id("360102", 1990, 1, 1, n).value)
            app.press("Tab")
            app.type(name)
            app.press("C-s")
        }
        #expect(try persons(ledger) == before + 2)
        app.press("U")
        #expect(app.screen.contains("撤销上一次修改：新增人员“郭婷”？（其后还可再撤销 1 步）"), "\(app.screen)")
        app.press("y")
        #expect(try persons(ledger) == before + 1)
        #expect(app.screen.contains("已撤销：新增人员“郭婷”（1 条，修改记录里留有这次撤销）；再按 U 撤销：新增人员“高峰”"), "\(app.screen)")
        app.press("U", "y")
        #expect(try persons(ledger) == before)
        #expect(app.screen.contains("已撤销：新增人员“高峰”") && app.screen.contains("没有更早的修改可撤销"), "\(app.screen)")
        app.press("U")
        #expect(app.screen.contains("没有可以撤销的修改"))
    }

    /// Two changes of the same person, undone one after the other: the second undo expects the version the
    /// first undo left, not the one before it.
    @Test(arguments: ledgers) func twoChangesOfOnePersonAreUndoneInTurn(_ kind: String) throws {
        let ledger: any LedgerWriter = kind == "sqlite" ? try fixtureLedger() : try memoryFixtureLedger()
        let app = try makeApp(ledger)
        app.press("j")
        let list = try #require(app.screens.last as? PersonsScreen)
        let row = try #require(list.selectedRow)
        let original = try #require(try ledger.person(rowID: row.rowID)).person
        for title in ["高级工程师", "正高级工程师"] {
            app.press("e")
            let form = try #require(app.overlay as? PersonForm)
            form.move(to: 5)  // 职称
            app.type(title)
            app.press("C-s")
        }
        #expect(try ledger.person(rowID: row.rowID)?.person.title == "正高级工程师")
        app.press("U", "y")
        #expect(try ledger.person(rowID: row.rowID)?.person.title == "高级工程师", "\(app.screen)")
        app.press("U", "y")
        #expect(try ledger.person(rowID: row.rowID)?.person == original, "\(app.screen)")
    }

    @Test func aChangeByAnotherClerkSinceRefusesTheUndoAndTheStepStays() throws {
        let ledger = try memoryFixtureLedger()
        let app = try makeApp(ledger)
        app.press("j", "e")
        let form = try #require(app.overlay as? PersonForm)
        let id = try #require(form.editing).rowID
        form.move(to: 5)
        app.type("高级工程师")
        app.press("C-s")
        try wangFangMoves(id, in: ledger)
        app.press("U", "y")
        #expect(app.message?.isError == true)
        #expect(app.screen.contains("王芳"), "\(app.screen)")
        #expect(try ledger.person(rowID: id)?.person.department == "结构一所", "the other clerk's change kept")
        #expect(try ledger.person(rowID: id)?.person.title == "高级工程师")
        app.press("U")
        #expect(app.screen.contains("上次未能撤销：修改人员"), "the step is still there: \(app.screen)")
    }

    /// A refused step is not a wall: the next U offers to try it again or to give it up, and then asks about
    /// the step before it.
    @Test func aRefusedStepCanBeGivenUpToReachTheOneBefore() throws {
        let ledger = try memoryFixtureLedger()
        let app = try makeApp(ledger)
        app.press("j", "e")
        let form = try #require(app.overlay as? PersonForm)
        let edited = try #require(form.editing).rowID
        let original = try #require(try ledger.person(rowID: edited)).person
        form.move(to: 5)
        app.type("高级工程师")
        app.press("C-s")
        let newID = id("360102", 1990, 1, 1, 111).value
        app.press("a")
        app.type(newID)
        app.press("Tab")
        app.type("高峰")
        app.press("C-s")
        var q = PersonListQuery(year: 2024)
        q.search = newID
        let added = try #require(try ledger.personRows(q, from: nil, forward: true, including: false, limit: 1).first).rowID
        try wangFangMoves(added, in: ledger)
        app.press("U", "y")
        #expect(app.message?.isError == true && app.screen.contains("王芳"), "\(app.screen)")
        #expect(app.screen.contains("再按 U 可重试或放弃此步。未撤销：你改过之后，此人员又被 王芳"), "\(app.screen)")
        app.press("U")
        #expect(app.screen.contains("上次未能撤销：新增人员“高峰”"), "\(app.screen)")
        #expect(app.screen.contains("再试一次") && app.screen.contains("放弃这一步，撤销更早的：修改人员"), "\(app.screen)")
        // Trying again is refused again, and changes nothing.
        app.press("Enter")
        #expect(app.message?.isError == true)
        #expect(try ledger.person(rowID: added)?.person.department == "结构一所")
        app.press("U", "Down", "Enter")
        #expect(app.screen.contains("撤销上一次修改：修改人员"), "the step before is asked next: \(app.screen)")
        app.press("y")
        #expect(try ledger.person(rowID: edited)?.person == original, "\(app.screen)")
        #expect(try ledger.person(rowID: added)?.person.department == "结构一所", "the step given up stays as it is")
        app.press("U")
        #expect(app.screen.contains("没有可以撤销的修改"), "\(app.screen)")
    }

    @Test func theStackKeepsTheLastTwentyChanges() {
        var stack = UndoStack()
        for i in 0..<25 {
            stack.push(LastChange(change: .recordAdded(rowID: Int64(i)), what: Phrase(zh: "\(i)", en: "\(i)")))
        }
        #expect(stack.count == UndoStack.depth)
        #expect(stack.last?.change == .recordAdded(rowID: 24))
        #expect(stack.changes.first?.change == .recordAdded(rowID: 5))
        // The step undone is the one removed, even when a newer one came meanwhile (a large undo runs
        // while keys answer).
        let running = stack.last!
        stack.push(LastChange(change: .recordAdded(rowID: 99), what: Phrase(zh: "新", en: "new")))
        stack.remove(undone: running)
        #expect(stack.last?.change == .recordAdded(rowID: 99))
        #expect(!stack.changes.contains { $0.change == .recordAdded(rowID: 24) })
    }
}

/// The boxes that had no golden screens: the record conflict box and the who-is-working chooser, in both
/// languages at 80 and 120 columns, with Chinese rows.
@Suite struct ConflictAndChooserGoldenTests {
    /// 张三's pending record 职业道德专题 open for editing, a note typed, and 王芳 changing its title and
    /// hours in another window before the save.
    func staleRecord(_ lang: Lang, _ width: Int) throws -> App {
        let ledger = try memoryFixtureLedger()
        let app = try makeApp(ledger, lang: lang, width: width, height: 24)
        app.press("j", "j", "j", "Enter")
        let screen = try #require(app.screens.last as? PersonScreen)
        let i = try #require(screen.records.firstIndex { $0.record.title == "职业道德专题" })
        screen.cursor.selected = i
        app.press("e")
        let form = try #require(app.overlay as? RecordForm)
        let rowID = try #require(form.editing).rowID
        form.move(to: form.index(.note))
        app.type("补交了签到表")
        try ledger.acting(as: "王芳") {
            let r = try #require(try ledger.records(personRowID: screen.personRowID, year: 2024).first { $0.rowID == rowID })
            var changed = r.record
            changed.title = "职业道德与医德医风专题讲座"
            changed.claimedHours = Hours(tenths: 60)
            try ledger.updateRecord(rowID: rowID, changed, reviewer: "王芳", expected: r.version)
        }
        app.press("C-s")
        return app
    }

    @Test(arguments: [(Lang.zh, 80), (.zh, 120), (.en, 80), (.en, 120)])
    func theRecordConflictBox(_ lang: Lang, _ width: Int) throws {
        let app = try staleRecord(lang, width)
        #expect(app.overlay is ConflictBox, "\(app.screen)")
        expectGolden("conflict-record-\(lang.rawValue)-\(width)", app.screen)
    }

    @Test(arguments: [(Lang.zh, 80), (.zh, 120), (.en, 80), (.en, 120)])
    func theWhoIsWorkingChooser(_ lang: Lang, _ width: Int) throws {
        let app = try makeApp(try memoryFixtureLedger(), lang: lang, width: width, height: 24)
        app.askWhoIsWorking(["管理员", "王芳", "欧阳明辉", "李明", "Amy Wang"]) { _ in nil }
        app.press("j", "j")
        expectGolden("who-is-working-\(lang.rawValue)-\(width)", app.screen)
    }
}

@Suite struct BackgroundUndoTests {
    /// A large import's undo runs on another thread: the status line says what is being taken back and keys
    /// still answer; once done, the screen reads the ledger again and says so.
    @Test func aLargeUndoRunsOffTheKeyLoopAndSaysWhatItDoes() throws {
        let sandbox = try ImportSandbox()
        try sandbox.write("花名册.csv", hospitalRoster().csv)
        let ledger = try memoryFixtureLedger()
        let app = try makeApp(ledger, width: 120, height: 24)
        app.environment = ["HOME": sandbox.dir.path, "CELEDGER_EXPORT_DIR": sandbox.exports.path]
        app.workingDirectory = sandbox.dir.path
        app.runInBackground = { $0() }
        app.press("I", "Enter", "Enter")
        app.tick()
        app.press("Enter", "y")
        app.tick()
        let count = { try ledger.personSummary(PersonListQuery(year: 2024)).persons }
        let imported = try count()
        app.backgroundUndoRows = 2
        nonisolated(unsafe) var queued: [@Sendable () -> Void] = []
        app.runInBackground = { queued.append($0) }
        app.press("U", "y")
        #expect(app.waitsForTick)
        #expect(app.screen.contains("正在撤销：从 花名册.csv 导入人员（4 行，一个事务；请稍候）"), "\(app.screen)")
        app.press("j")  // keys still answer while it runs
        #expect(try count() == imported)
        for work in queued { work() }
        #expect(app.tick())
        #expect(!app.waitsForTick)
        #expect(try count() == imported - 4)
        #expect(app.screen.contains("已撤销：从 花名册.csv 导入人员（4 条"), "\(app.screen)")
    }
}
