import CeledgerDomain
import CeledgerLedger
import Foundation
import Testing

@testable import CeledgerSQLite
@testable import CeledgerTUI

/// On a big ledger the search index is read in the background for its first moments: a search typed
/// meanwhile shows at once and finds when the index is ready, instead of the keystroke waiting.
@Suite struct SearchPendingTests {
    @Test func aSearchTypedWhileTheIndexIsReadShowsAtOnceAndFindsWhenItIsReady() throws {
        let ledger = try fixtureLedger()
        let app = try makeApp(ledger)
        #expect(app.screen.contains("欧阳明辉"))
        ledger.searchPreparing.withLock { $0.add(index: true, year: nil, by: 1) }
        app.press("/")
        app.type("zs")
        // What was typed is there; the list waits (no unsearched rows passed off as the search's).
        expectGolden("persons-search-pending-zh", app.screen)
        #expect(app.waitsForTick)
        #expect(!app.tick(), "nothing to do while the index is still being read")
        // Closing the field keeps the search waiting.
        app.press("Enter")
        #expect(app.waitsForTick)
        ledger.searchPreparing.withLock { $0.add(index: true, year: nil, by: -1) }
        #expect(app.tick())
        #expect(!app.waitsForTick)
        let s = app.screen
        #expect(s.contains("人员 2 ·"))
        #expect(s.contains("张三") && s.contains("张三丰") && !s.contains("欧阳明辉"))
        #expect(s.contains("/zs"))
    }

    @Test func withoutASearchNothingWaits() throws {
        let ledger = try fixtureLedger()
        let app = try makeApp(ledger)
        ledger.searchPreparing.withLock { $0.add(index: true, year: nil, by: 1) }
        app.press("]")
        app.press("[")
        #expect(!app.waitsForTick)
        #expect(app.screen.contains("欧阳明辉"))
        // A search cleared while waiting reads the whole list again.
        app.press("/")
        app.type("zs")
        #expect(app.waitsForTick)
        app.press("Esc")
        #expect(!app.waitsForTick)
        #expect(app.screen.contains("欧阳明辉"))
        // Another year's flags being read do not hold up a search in this one.
        ledger.searchPreparing.withLock { $0 = SearchPreparing() }
        ledger.searchPreparing.withLock { $0.add(index: false, year: 2023, by: 1) }
        app.press("/")
        app.type("zs")
        #expect(!app.waitsForTick)
        #expect(app.screen.contains("人员 2 ·"))
    }
}
