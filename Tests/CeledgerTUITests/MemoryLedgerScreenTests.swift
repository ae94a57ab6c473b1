import CeledgerDomain
import CeledgerLedger
import Foundation
import Testing

@testable import CeledgerTUI

/// The screens on a ledger that is no database (`MemoryLedger`): what they show comes through the ledger
/// protocols alone, so the same fixture renders the same screens as on SQLite, and refusals that a real
/// database gives only under load or races (busy, locked, gone) can be made to happen on the next key.
@Suite struct MemoryLedgerScreenTests {
    @Test func theSameFixtureRendersTheSameScreensAsOnSQLite() throws {
        let app = try makeApp(try memoryFixtureLedger())
        expectGolden("persons-zh-120x24", app.screen)
        let en = try makeApp(try memoryFixtureLedger(), lang: .en)
        expectGolden("persons-en-120x24", en.screen)
        // 张三 is the fourth row in name order (李四, 欧阳明辉, 王五, 张三).
        app.press("j", "j", "j", "Enter")
        expectGolden("person-zhang-2024", app.screen)
        // The statistics sum the same cells, whichever ledger evaluated the persons.
        let stats = try makeApp(try memoryFixtureLedger())
        stats.press("t")
        expectGolden("stats-zh-120x24", stats.screen)
    }

    @Test func aSearchByInitialsFindsTheSamePersons() throws {
        let app = try makeApp(try memoryFixtureLedger())
        app.press("/")
        app.type("zs")
        let text = app.screen
        #expect(text.contains("张三 ") && text.contains("张三丰") && !text.contains("欧阳明辉"))
        #expect(text.contains("人员 2 · 达标 1 · 未达标 1"))
    }

    @Test func aBusyLedgerRefusesTheSaveInTheClerksWordsAndTheFormKeepsWhatWasTyped() throws {
        let ledger = try memoryFixtureLedger()
        let app = try makeApp(ledger)
        app.press("j", "j", "j", "Enter", "a", "Tab", "Tab", "Tab", "Tab")
        #expect(app.overlay != nil)
        app.type("院内讲座")
        app.press("Tab", "Tab", "C-u")
        app.type("2024-06-10")
        app.press("Tab", "C-u")
        app.type("2024-06-10")
        app.press("Tab", "Tab", "Tab", "Tab")
        // 8 claimed, as the one day suggests (recognising more than claimed would need a reason first).
        app.type("8")
        let before = try ledger.version()
        ledger.refuseNext = .busy(path: "ledger.sqlite")
        app.press("C-s")
        let text = app.screen
        #expect(text.contains("正被另一个程序写入"), "\(text)")
        #expect(app.overlay != nil, "the form stays open with what was typed")
        #expect(text.contains("院内讲座"))
        #expect(try ledger.version() == before, "nothing was written")
        #expect(ledger.writes.last == "addRecord")
    }

    @Test func aRecordRecognisedElsewhereWhileOnScreenIsNotDeletedAndTheScreenSaysWhy() throws {
        let ledger = try memoryFixtureLedger()
        let app = try makeApp(ledger)
        app.press("j", "j", "j", "Enter", "j", "j")
        // The third record of 张三's 2024 (职业道德专题) is pending on screen; another clerk recognises it now.
        let zhang = try #require(
            try ledger.personRows(PersonListQuery(year: 2024), from: nil, forward: true, including: false, limit: 10)
                .first { $0.name == "张三" })
        let pending = try #require(try ledger.records(personRowID: zhang.rowID, year: 2024).first { $0.record.title == "职业道德专题" })
        #expect(try ledger.setRecognition(rowIDs: [pending.rowID], to: .recognized, reason: "", reviewer: "审核") == 1)
        app.press("d")
        #expect(app.screen.contains("删除记录“职业道德专题”"))
        app.press("y")
        let text = app.screen
        #expect(text.contains("已认定的记录已锁定"), "\(text)")
        #expect(try ledger.records(personRowID: zhang.rowID, year: 2024).count == 3)
    }

    @Test func aSearchWaitsWhileTheLedgerPreparesItAndFindsWhenItIsReady() throws {
        let ledger = try memoryFixtureLedger()
        ledger.preparing = [2024]
        let app = try makeApp(ledger)
        app.press("/")
        app.type("zs")
        expectGolden("persons-search-pending-zh", app.screen)
        #expect(app.waitsForTick)
        #expect(!app.tick())
        ledger.preparing = []
        #expect(app.tick())
        #expect(app.screen.contains("人员 2 ·"))
    }
}
