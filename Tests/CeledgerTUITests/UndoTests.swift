import CeledgerDomain
import CeledgerLedger
import Foundation
import Testing

@testable import CeledgerTUI

/// Ctrl-Z / U takes back the clerk's last change in one step, in the ledger, as a new change in the
/// history; on the SQLite ledger and on the memory one alike.
@Suite struct UndoTests {
    static let ledgers: [String] = ["sqlite", "memory"]

    func app(_ kind: String) throws -> (App, any LedgerWriter) {
        let ledger: any LedgerWriter = kind == "sqlite" ? try fixtureLedger() : try memoryFixtureLedger()
        return (try makeApp(ledger), ledger)
    }

    func zhang(_ ledger: any LedgerWriter) throws -> Int64 {
        try #require(
            try ledger.personRows(PersonListQuery(year: 2024), from: nil, forward: true, including: false, limit: 10)
                .first { $0.name == "张三" }
        ).rowID
    }

    @Test(arguments: ledgers) func aDeletedRecordComesBackAndTheHistoryKeepsBoth(_ kind: String) throws {
        let (app, ledger) = try app(kind)
        let person = try zhang(ledger)
        app.press("j", "j", "j", "Enter", "j", "j", "d", "y")  // 职业道德专题, pending
        #expect(try ledger.records(personRowID: person, year: 2024).count == 2)
        #expect(app.screen.contains("已删除（Ctrl-Z 或 U 撤销）"))
        let entries = try ledger.history(idNumber: "34052419800101001X").count
        app.press("U")
        #expect(app.screen.contains("撤销上一次修改：删除记录“职业道德专题”？"), "\(app.screen)")
        app.press("y")
        #expect(try ledger.records(personRowID: person, year: 2024).map(\.record.title).contains("职业道德专题"))
        #expect(app.screen.contains("已撤销：删除记录“职业道德专题”"), "\(app.screen)")
        let history = try ledger.history(idNumber: "34052419800101001X")
        #expect(history.count == entries + 1 && history.last?.action == .insert, "a new change, nothing rewritten")
        // One step: a second undo has nothing to take back.
        app.press("C-z")
        #expect(app.screen.contains("没有可以撤销的修改"))
    }

    @Test(arguments: ledgers) func anEditIsPutBack(_ kind: String) throws {
        let (app, ledger) = try app(kind)
        let person = try zhang(ledger)
        app.press("j", "j", "j", "Enter", "j", "j", "e", "Tab", "Tab", "Tab", "Tab")
        app.type("改错的标题")  // the title is all selected on entry: typing replaces it
        app.press("C-s")
        #expect(try ledger.records(personRowID: person, year: 2024).map(\.record.title).contains("改错的标题"))
        app.press("C-z", "y")
        let titles = try ledger.records(personRowID: person, year: 2024).map(\.record.title)
        #expect(titles.contains("职业道德专题") && !titles.contains("改错的标题"), "\(titles)")
    }

    @Test(arguments: ledgers) func aWholeClassRegistrationIsTakenBackInOneStep(_ kind: String) throws {
        let (app, ledger) = try app(kind)
        let before = try ledger.pendingRecords(year: 2024).count
        app.press("m", "m", "m", "A", "Tab", "Tab", "Tab", "Tab")
        app.type("院内讲座")
        app.press("Tab", "Tab")
        app.type("2024-06-10")
        app.press("Tab")
        app.type("2024-06-10")
        app.press("Tab", "Tab", "Tab", "Tab")
        app.type("8")
        let form = try #require(app.overlay as? RecordForm)
        form.focus = form.index(.recognition)
        app.press("Left")  // 待认定
        app.press("C-s")
        #expect(try ledger.pendingRecords(year: 2024).count == before + 3, "\(app.screen)")
        app.press("U")
        #expect(app.screen.contains("为 3 人批量登记“院内讲座”"), "\(app.screen)")
        app.press("y")
        #expect(try ledger.pendingRecords(year: 2024).count == before)
    }

    @Test(arguments: ledgers) func undoingARecognitionReopensWithAReason(_ kind: String) throws {
        let (app, ledger) = try app(kind)
        app.press("r", "*", "y", "y")  // mark all, recognise, confirm
        #expect(try ledger.pendingRecords(year: 2024).isEmpty, "\(app.screen)")
        app.press("U", "y")
        // The records are recognised, so locked: the undo reopens them, which needs the reason.
        #expect(app.overlay is Prompt, "\(app.screen)")
        app.press("Enter")
        #expect(app.screen.contains("必须填写"))
        app.type("认定错了")
        app.press("Enter")
        #expect(try ledger.pendingRecords(year: 2024).count == 2, "\(app.screen)")
        #expect(app.screen.contains("已撤销：将 2 条记录设为已认定"), "\(app.screen)")
    }
}

@Suite struct PersonUndoTests {
    @Test(arguments: UndoTests.ledgers) func aPersonAddedThenDeletedComesBackAndGoesAgain(_ kind: String) throws {
        let ledger: any LedgerWriter = kind == "sqlite" ? try fixtureLedger() : try memoryFixtureLedger()
        let app = try makeApp(ledger)
        let count = { try ledger.personSummary(PersonListQuery(year: 2024)).persons }
        let before = try count()
        app.press("a")
        app.type(id("360102", 1990, 1, 1, 111).value)
        app.press("Tab")
        app.type("高峰")
        app.press("C-s")
        #expect(try count() == before + 1, "\(app.screen)")
        app.press("U", "y")
        #expect(try count() == before, "\(app.screen)")
        #expect(app.screen.contains("已撤销：新增人员“高峰”"))
        // A person without records deleted, then the deletion undone.
        app.press("a")
        app.type(id("360102", 1991, 2, 2, 113).value)
        app.press("Tab")
        app.type("郭婷")
        app.press("C-s")
        let row = try #require(app.screens.last as? PersonsScreen).selectedRow
        #expect(row?.name == "郭婷")
        app.press("d", "y")
        #expect(try count() == before)
        app.press("C-z", "y")
        #expect(try count() == before + 1)
        #expect(app.screen.contains("已撤销：删除人员“郭婷”"), "\(app.screen)")
    }
}
