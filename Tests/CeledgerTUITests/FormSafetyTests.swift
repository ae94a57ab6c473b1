import CeledgerDomain
import CeledgerLedger
import Foundation
import Testing

@testable import CeledgerTUI

/// Forms never lose work by accident (issue 16): Ctrl-C asks as Esc does, a filled field is replaced by
/// what is typed, every bad field says why, more hours than claimed need a reason, and what a save locks
/// is said before it.
@Suite struct FormSafetyTests {
    /// 张三's person screen on the memory ledger, with the new-record form open (focus on 学习方式).
    func newRecordForm() throws -> (App, MemoryLedger) {
        let ledger = try memoryFixtureLedger()
        let app = try makeApp(ledger)
        app.press("j", "j", "j", "Enter", "a")
        #expect(app.overlay is RecordForm)
        return (app, ledger)
    }

    @Test func ctrlCInAFormWithChangesAsksAndNoKeepsTheForm() throws {
        let (app, _) = try newRecordForm()
        app.press("Tab", "Tab", "Tab", "Tab")
        app.type("院内讲座")
        app.press("C-c")
        #expect(!app.shouldQuit)
        #expect(app.screen.contains("表单有未保存的修改。放弃修改并退出？"), "\(app.screen)")
        app.press("n")
        #expect(app.overlay is RecordForm)
        #expect(app.screen.contains("院内讲座"))
        // Esc's question, then Ctrl-C on it: the quit question, and y quits.
        app.press("Esc")
        #expect(app.screen.contains("放弃未保存的修改？"))
        app.press("C-c")
        #expect(app.screen.contains("放弃修改并退出？"))
        app.press("y")
        #expect(app.shouldQuit)
    }

    @Test func ctrlCInAnUntouchedFormOrOnAScreenQuitsAsBefore() throws {
        let (app, _) = try newRecordForm()
        app.press("C-c")
        #expect(app.shouldQuit)
        let plain = try makeApp(try memoryFixtureLedger())
        plain.press("C-c")
        #expect(plain.shouldQuit)
    }

    @Test func typingIntoAPrefilledFieldReplacesIt() throws {
        let (app, _) = try newRecordForm()
        // 开始日期 holds today's date; entering it selects it, so the typed date replaces it.
        app.press("Tab", "Tab", "Tab", "Tab", "Tab", "Tab")
        app.type("2024-06-10")
        let text = app.screen
        #expect(text.contains("开始日期 2024-06-10 "), "\(text)")
        #expect(!text.contains("2024-11-252024"))
        #expect(text.contains("Ctrl-U 清空"), "the hint says how to clear a field")
        // A cursor move keeps the text and edits from there.
        app.press("Tab", "End", "BSpace")
        app.type("4")
        #expect(app.screen.contains("结束日期 2024-11-24"), "\(app.screen)")
    }

    @Test func everyInvalidFieldSaysWhyAfterATriedSave() throws {
        let (app, ledger) = try newRecordForm()
        let writesBefore = ledger.writes.filter { $0 == "addRecord" }.count
        app.press("Tab", "Tab", "Tab", "Tab", "Tab", "Tab")
        app.type("2024-06-12")
        app.press("Tab")
        app.type("2024-06-10")
        app.press("C-s")
        let text = app.screen
        // Both bad fields are explained, not only the first; both labels are marked.
        #expect(text.contains("✗ 内容为空"), "\(text)")
        #expect(text.contains("✗ 结束日期 2024-06-10 早于开始日期 2024-06-12"), "\(text)")
        #expect(text.contains("✗内容") && text.contains("✗结束日期"))
        #expect(ledger.writes.filter { $0 == "addRecord" }.count == writesBefore)
    }

    /// Three days of training suggest 24 hours; 8.5 were claimed. The suggestion fills 认定学时 and 已认定
    /// is the default, so one Enter would lock 24 hours: the form says so and asks for the reason.
    func claimedEightAndAHalf(_ app: App) {
        app.press("Tab", "Tab", "Tab", "Tab")
        app.type("院内讲座")
        app.press("Tab", "Tab")
        app.type("2024-06-10")
        app.press("Tab")
        app.type("2024-06-12")
        app.press("Tab", "Tab", "Tab", "Tab")
        app.type("8.5")
    }

    @Test func recognisingMoreHoursThanClaimedAsksForAReason() throws {
        let (app, ledger) = try newRecordForm()
        let writesBefore = ledger.writes.filter { $0 == "addRecord" }.count
        claimedEightAndAHalf(app)
        #expect(app.screen.contains("保存后将锁定：认定 24.0 学时（申报 8.5）"), "\(app.screen)")
        app.press("Enter")
        let text = app.screen
        #expect(text.contains("✗ 认定学时（24.0）多于申报学时（8.5）"), "\(text)")
        #expect(ledger.writes.filter { $0 == "addRecord" }.count == writesBefore, "nothing was locked")
        #expect(app.overlay is RecordForm)
        // With the reason written the save goes through.
        // The failed save put the focus on the first bad field, 认定说明.
        let f = try #require(app.overlay as? RecordForm)
        #expect(f.inputs[f.focus].field == .recognitionNote)
        app.type("按三天培训认定")
        app.press("C-s")
        #expect(app.overlay == nil, "\(app.screen)")
        #expect(ledger.writes.filter { $0 == "addRecord" }.count == writesBefore + 1)
    }

    @Test func aPendingRecordLocksNothingAndTheFormSaysNothingOfALock() throws {
        let (app, _) = try newRecordForm()
        claimedEightAndAHalf(app)
        let f = try #require(app.overlay as? RecordForm)
        f.focus = f.index(.recognition)
        // 已认定 → 不予认定 → 待认定
        app.press("Space", "Space")
        #expect(f.cells[.recognition] == Recognition.pending.rawValue)
        #expect(!app.screen.contains("保存后将锁定"), "\(app.screen)")
    }
}

/// The freeze of issue 16: a save failed while the persons list waited for its search to be prepared;
/// the list stayed "正在准备搜索…" under the form (nothing ticked while a box was up) and Ctrl-L was
/// swallowed by the form. Every key must still answer, and no screen may ask a search that would wait.
@Suite struct NoFreezeTests {
    @Test func everyKeyAnswersAfterAFailedSaveWhileASearchIsBeingPrepared() throws {
        let ledger = try memoryFixtureLedger()
        ledger.preparing = [2024]
        let app = try makeApp(ledger)
        app.press("/")
        app.type("zs")
        app.press("Enter")
        #expect(app.screen.contains("正在准备搜索…"))
        app.press("a")
        #expect(app.overlay is PersonForm)
        app.type(id("360102", 1990, 1, 1, 111).value)
        app.press("Tab")
        app.type("高峰")
        ledger.refuseNext = .busy(path: "ledger.sqlite")
        app.press("C-s")
        #expect(app.screen.contains("正被另一个程序写入"), "\(app.screen)")
        #expect(app.overlay is PersonForm)

        // Ctrl-L answers over the form (re-reads; the form keeps what was typed).
        app.press("C-l")
        #expect(app.screen.contains("已重新读取登记簿"), "\(app.screen)")
        #expect(app.screen.contains("高峰"))
        // The list beneath finishes once the search is ready, the form still up.
        #expect(app.waitsForTick)
        ledger.preparing = []
        #expect(app.tick())
        #expect(app.screen.contains("人员 2 ·"), "\(app.screen)")
        ledger.preparing = [2024]
        // Esc asks; n keeps the form; Esc y closes it.
        app.press("Esc")
        #expect(app.screen.contains("放弃未保存的修改？"))
        app.press("n", "Esc", "y")
        #expect(app.overlay == nil)
        // ? opens the help and q closes it; Ctrl-L re-reads; q quits.
        app.press("?")
        #expect(app.overlay is HelpOverlay)
        app.press("q")
        #expect(app.overlay == nil)
        app.press("C-l")
        #expect(app.screen.contains("已重新读取登记簿"))
        #expect(ledger.searchesWhilePreparing == 0, "a search was asked that would have waited")
        app.press("q")
        #expect(app.shouldQuit)
    }
}

/// A refused decision says why for each kind of refusal; a recognised record's note is on screen.
@Suite struct RefusalTests {
    @Test func rejectingARecordAnotherWindowJustRecognisedSaysItIsLocked() throws {
        let ledger = try memoryFixtureLedger()
        let app = try makeApp(ledger)
        app.press("r")
        #expect(app.screen.contains("职业道德专题"))
        let pending = try ledger.pendingRecords(year: 2024)
        // Another window recognises every pending record now; this screen still lists them.
        _ = try ledger.setRecognition(rowIDs: pending.map(\.stored.rowID), to: .recognized, reason: "", reviewer: "审核")
        app.press("n")
        app.type("材料不全")
        app.press("Enter")
        let text = app.screen
        #expect(text.contains("未能设为不予认定：1 条已认定并锁定，须先按 u 重新打开"), "\(text)")
        #expect(!text.contains("已将 0 条"))
    }

    @Test func recognisingSaysWhatWasAlreadyRecognisedAndWhatIsGone() throws {
        let ledger = try memoryFixtureLedger()
        let pending = try ledger.pendingRecords(year: 2024).map(\.stored.rowID)
        #expect(pending.count == 2)
        _ = try ledger.setRecognition(rowIDs: [pending[0]], to: .recognized, reason: "", reviewer: "审核")
        let outcome = try ledger.decideRecognition(rowIDs: pending + [9_999], to: .recognized, reason: "", reviewer: "审核")
        #expect(outcome.changed == 1 && outcome.alreadyRecognized == 1 && outcome.locked == 0 && outcome.gone == 1)
        #expect(outcome.changedRowIDs == [pending[1]])
        #expect(outcome.refusals(.zh) == "1 条已是已认定（他人刚刚认定）；1 条已不在登记簿中")
        #expect(outcome.refusals(.en) == "1 already recognised (just now, elsewhere); 1 no longer in the ledger")
    }

    @Test func thePersonScreenShowsARecognisedRecordsNote() throws {
        let ledger = try memoryFixtureLedger()
        let app = try makeApp(ledger)
        let li = try #require(
            try ledger.personRows(PersonListQuery(year: 2024), from: nil, forward: true, including: false, limit: 10).first)
        var r = try #require(try ledger.records(personRowID: li.rowID, year: 2024).first).record
        r.title = "院内讲座"
        r.startDate = try Day.parse("2024-11-01").get()
        r.endDate = r.startDate
        r.claimedHours = try Hours.parse("8").get()
        r.recognizedHours = try Hours.parse("6").get()
        r.recognition = .recognized
        r.recognitionNote = "实到 6 学时，按签到表"
        _ = try ledger.addRecord(r, personRowID: li.rowID, reviewer: "审核")
        app.press("Enter", "G")
        #expect(app.screen.contains("认定说明：实到 6 学时，按签到表"), "\(app.screen)")
    }
}

@Suite struct FormHelpTests {
    @Test func questionMarkOnAChoiceAndF1AnywhereShowTheFormsKeysAndComeBack() throws {
        let app = try makeApp(try memoryFixtureLedger())
        app.press("j", "j", "j", "Enter", "a", "Tab", "Tab", "Tab", "Tab")
        app.type("院内讲座")
        app.press("F1")
        #expect(app.overlay is HelpOverlay)
        #expect(app.screen.contains("有内容的项进入时整项选中"), "\(app.screen)")
        app.press("Esc")
        let form = try #require(app.overlay as? RecordForm)
        #expect(form.cells[.title] == "院内讲座")
        // On a text input ? is text; on a choice it is the help.
        app.press("?")
        #expect(form.cells[.title] == "院内讲座?")
        app.press("BTab", "?")
        #expect(app.overlay is HelpOverlay)
        app.press("q")
        #expect(app.overlay === form)
    }
}

/// The domain's `Plausibility` in the forms: the same rules, the same words as an import's.
@Suite struct FormPlausibilityTests {
    func newRecordForm() throws -> (App, MemoryLedger, RecordForm) {
        let ledger = try memoryFixtureLedger()
        let app = try makeApp(ledger)
        app.press("j", "j", "j", "Enter", "a")
        return (app, ledger, try #require(app.overlay as? RecordForm))
    }

    func fill(_ app: App, _ form: RecordForm, _ values: [(Field, String)]) {
        for (field, value) in values {
            form.focus = form.index(field)
            app.press("C-u")
            app.type(value)
        }
    }

    @Test func aRecordThatHasNotEndedCannotBeRecognisedButMayBePending() throws {
        let (app, ledger, form) = try newRecordForm()
        let before = ledger.writes.filter { $0 == "addRecord" }.count
        // The screen's today is 2024-11-25: a class in December is announced ahead.
        fill(app, form, [(.title, "年终培训"), (.startDate, "2024-12-09"), (.endDate, "2024-12-10"), (.claimedHours, "16")])
        app.press("C-s")
        #expect(app.screen.contains("✗ 活动尚未结束（2024-12-10 结束，今天 2024-11-25），只能登记为待认定"), "\(app.screen)")
        #expect(ledger.writes.filter { $0 == "addRecord" }.count == before)
        form.focus = form.index(.recognition)
        app.press("Space", "Space")  // 已认定 → 不予认定 → 待认定
        #expect(form.cells[.recognition] == Recognition.pending.rawValue)
        app.press("C-s")
        #expect(app.overlay == nil, "\(app.screen)")
        #expect(ledger.writes.filter { $0 == "addRecord" }.count == before + 1)
    }

    @Test func hoursTheDaysCannotHoldAreRefusedInTheForm() throws {
        let (app, ledger, form) = try newRecordForm()
        let before = ledger.writes.filter { $0 == "addRecord" }.count
        fill(
            app, form,
            [
                (.title, "两天培训"), (.startDate, "2024-06-10"), (.endDate, "2024-06-11"), (.claimedHours, "9999"),
                (.recognizedHours, "9999"),
            ])
        app.press("C-s")
        #expect(app.screen.contains("✗ 申报学时9999 超过活动时间所能容纳的 48"), "\(app.screen)")
        #expect(ledger.writes.filter { $0 == "addRecord" }.count == before)
        #expect(app.overlay is RecordForm)
    }

    @Test func aClassThatHasNotEndedCannotBeRegisteredAsRecognised() throws {
        let ledger = try fixtureLedger()
        let app = try makeApp(ledger)
        let before = try ledger.counts().records
        app.press("m", "m", "A")
        let form = try #require(app.overlay as? RecordForm)
        fill(app, form, [(.title, "明年的培训"), (.startDate, "2025-01-06"), (.endDate, "2025-01-07"), (.claimedHours, "16")])
        app.press("Enter")
        #expect(app.overlay != nil)
        #expect(app.screen.contains("活动尚未结束"), "\(app.screen)")
        app.press("Esc", "y")
        #expect(try ledger.counts().records == before)
    }
}
