import CeledgerDomain
import CeledgerLedger
import CeledgerSQLite
import Foundation
import Testing

@testable import CeledgerTUI

/// Two clerks on one ledger (issue 17): a save against a row another clerk changed meanwhile is refused,
/// and the box over the form says who changed what and when, with reload and keep mine; a row deleted
/// under the clerk is said so in their words; an open screen shows another window's change by itself.
@Suite struct ConflictTests {
    /// 欧阳明辉's person form open on the memory ledger, the title typed, and 王芳 changing his department
    /// in another window before the save.
    func staleOuyang(_ lang: Lang = .zh) throws -> (App, MemoryLedger, Int64) {
        let ledger = try memoryFixtureLedger()
        let app = try makeApp(ledger, lang: lang)
        app.press("j", "e")
        let form = try #require(app.overlay as? PersonForm)
        let id = try #require(form.editing).rowID
        form.move(to: 5)  // 职称
        app.type("高级工程师")
        try ledger.acting(as: "王芳") {
            var p = try #require(try ledger.person(rowID: id))
            var changed = p.person
            changed.department = "结构一所"
            try ledger.updatePerson(rowID: id, changed, expected: p.version)
            p = try #require(try ledger.person(rowID: id))
        }
        app.press("C-s")
        return (app, ledger, id)
    }

    @Test func aStaleSaveShowsWhoChangedWhatAndWhen() throws {
        let (app, ledger, id) = try staleOuyang()
        #expect(app.overlay is ConflictBox, "\(app.screen)")
        expectGolden("conflict-person-zh", app.screen)
        #expect(try ledger.person(rowID: id)?.person.title == "工程师", "nothing of the stale save was written")
        let (en, _, _) = try staleOuyang(.en)
        expectGolden("conflict-person-en", en.screen)
        #expect(en.screen.contains("王芳 changed this person at 2024-11-25 16:00:00"))
    }

    @Test func keepMineSavesOverTheNewVersionAndKeepsTheOtherChange() throws {
        let (app, ledger, id) = try staleOuyang()
        app.press("k")
        #expect(app.overlay == nil, "\(app.screen)")
        let p = try #require(try ledger.person(rowID: id)).person
        // Keeping mine saves the form's values: the department the form held, and my title. The other
        // clerk's change is in the history, and was shown before the choice.
        #expect(p.title == "高级工程师")
        #expect(try ledger.history(idNumber: p.id.value).filter { $0.action == .update }.map(\.actor) == ["王芳", "clerk"])
    }

    @Test func reloadDropsMineAndShowsTheRowAsItIsNow() throws {
        let (app, ledger, id) = try staleOuyang()
        app.press("r")
        let form = try #require(app.overlay as? PersonForm)
        #expect(form.cells[.department] == "结构一所")
        #expect(form.cells[.title] == "工程师")
        #expect(form.expectedVersion == (try ledger.person(rowID: id))?.version)
        app.press("C-s")
        #expect(app.overlay == nil, "the reloaded form saves: \(app.screen)")
    }

    @Test func keepMineNeverUndoesARejectionMadeMeanwhile() throws {
        let ledger = try memoryFixtureLedger()
        let app = try makeApp(ledger)
        // 张三's pending record 职业道德专题, opened for editing.
        app.press("j", "j", "j", "Enter")
        let screen = try #require(app.screens.last as? PersonScreen)
        let i = try #require(screen.records.firstIndex { $0.record.title == "职业道德专题" })
        screen.cursor.selected = i
        app.press("e")
        let form = try #require(app.overlay as? RecordForm)
        let rowID = try #require(form.editing).rowID
        form.move(to: form.index(.note))
        app.type("补交了签到表")
        _ = try ledger.acting(as: "王芳") {
            try ledger.decideRecognition(rowIDs: [rowID], to: .rejected, reason: "无签到记录", reviewer: "王芳")
        }
        app.press("C-s")
        #expect(app.overlay is ConflictBox, "\(app.screen)")
        #expect(app.screen.contains("认定状态: 待认定 → 不予认定"), "\(app.screen)")
        app.press("k")
        #expect(app.overlay == nil, "\(app.screen)")
        let saved = try #require(try ledger.records(personRowID: screen.personRowID, year: 2024).first { $0.rowID == rowID })
        #expect(saved.record.recognition == .rejected, "keeping mine did not undo the rejection")
        #expect(saved.record.note == "补交了签到表")
    }

    @Test func aPersonDeletedUnderTheFormIsSaidInTheClerksWords() throws {
        let ledger = try memoryFixtureLedger()
        let app = try makeApp(ledger)
        app.press("Enter")  // 李四
        let screen = try #require(app.screens.last as? PersonScreen)
        app.press("a")
        try ledger.acting(as: "王芳") {
            for r in try ledger.records(personRowID: screen.personRowID, year: 2024) {
                try ledger.deleteRecord(rowID: r.rowID, expected: r.version)
            }
            try ledger.deletePerson(rowID: screen.personRowID, expected: nil)
        }
        let form = try #require(app.overlay as? RecordForm)
        form.move(to: form.index(.title))
        app.type("院内讲座")
        form.move(to: form.index(.claimedHours))
        app.type("8")
        app.press("C-s")
        let text = app.screen
        #expect(app.overlay is RecordForm)
        #expect(text.contains("此人员已被 王芳") && text.contains("删除"), "\(text)")
        #expect(!text.contains("constraint") && !text.contains("SQLite"))
    }

    @Test func anOpenScreenShowsAnotherProcesssChangeWithoutAKey() throws {
        let path = NSTemporaryDirectory() + "celedger-live-\(UUID().uuidString).sqlite"
        let mine = try SQLiteLedger.open(path: path, pinyin: pinyin, rules: shippedRules, actor: "李明")
        let people = try fixturePeople()
        var it = people.makeIterator()
        try mine.bulkInsert(count: people.count) { it.next()! }
        let app = try makeApp(mine)
        app.press("j", "j")  // 王五
        let before = app.screen
        #expect(!app.idle(), "nothing changed yet")
        // Another process (another connection to the file) renames 王五.
        let other = try SQLiteLedger.open(path: path, pinyin: pinyin, rules: shippedRules, actor: "王芳")
        let id = try #require(try other.personRowID(idNumber: people[3].0.id.value))
        let p = try #require(try other.person(rowID: id))
        var renamed = p.person
        renamed.department = "结构二所"
        try other.updatePerson(rowID: id, renamed, expected: p.version)
        #expect(app.screen == before, "not before the idle tick")
        #expect(app.idle())
        let after = app.screen
        #expect(after.contains("结构二所"), "\(after)")
        // The cursor is still on the same person.
        let list = try #require(app.screens.last as? PersonsScreen)
        #expect(list.selectedRow?.rowID == id)
    }
}
