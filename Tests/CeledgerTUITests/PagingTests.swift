import CeledgerDomain
import CeledgerLedger
import CeledgerSQLite
import Foundation
import Testing

@testable import CeledgerTUI

/// The persons list reads a screenful at a time through the list's keys: whatever the keys, the selected
/// person is the one a clerk counting down the whole list would expect.
@Suite struct PagingTests {
    /// 150 persons with 2024 records of different totals.
    static func bigLedger() throws -> SQLiteLedger {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        let surnames = Array("张王李赵刘陈杨黄吴周徐孙马朱胡郭何高林罗")
        let given = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平")
        var n = 0
        try l.bulkInsert(count: 150) {
            n += 1
            let id = ResidentID.make(
                region: "360102", birth: Day(year: 1970 + n % 30, month: 1 + n % 12, day: 1 + n % 28)!, sequence: n)
            let name =
                String(surnames[n % surnames.count]) + String(given[(n * 7) % given.count])
                + (n % 3 == 0 ? String(given[n % given.count]) : "")
            let p = Person(id: id, name: name, unit: n % 2 == 0 ? "南昌市第一医院" : "江西省建筑设计研究院")
            let r = CeledgerDomain.Record(
                personID: id, mode: .training, category: n % 4 == 0 ? .public : .professional, title: "培训\(n)",
                startDate: Day(year: 2024, month: 3, day: 1)!, endDate: Day(year: 2024, month: 3, day: 2)!,
                claimedHours: Hours(whole: n % 120), recognizedHours: Hours(whole: n % 120), recognition: .recognized)
            return (p, [r])
        }
        return l
    }

    func whole(_ app: App, _ screen: PersonsScreen) throws -> [String] {
        try app.ledger.personRows(screen.query, from: nil, forward: true, including: false, limit: 10_000).map(\.name)
    }

    @Test func movingPagingAndJumpingSelectTheExpectedPerson() throws {
        let app = try makeApp(try Self.bigLedger(), height: 24)  // 19 rows on screen
        let screen = try #require(app.screens.first as? PersonsScreen)
        let all = try whole(app, screen)
        #expect(all.count == 150)
        var index = 0
        func expectAt(_ i: Int, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(screen.selectedRow?.name == all[i], "\(what): expected row \(i)", sourceLocation: sourceLocation)
            // The selection is on screen, on its row.
            let line = app.screen.split(separator: "\n", omittingEmptySubsequences: false)[3 + screen.window.selected]
            #expect(line.contains(all[i]), "\(what): the selected row shows \(all[i])", sourceLocation: sourceLocation)
        }
        for _ in 0..<30 {
            app.press("j")
            index += 1
        }
        expectAt(index, "30 × j")
        app.press("PgDn")
        index += 19
        expectAt(index, "PgDn")
        app.press("PgDn", "PgDn", "PgDn", "PgDn", "PgDn", "PgDn", "PgDn")
        expectAt(149, "PgDn to the end")
        app.press("k", "k")
        index = 147
        expectAt(index, "k at the end")
        app.press("PgUp")
        index -= 19
        expectAt(index, "PgUp")
        app.press("g")
        expectAt(0, "g")
        app.press("k")
        expectAt(0, "k at the top")
        app.press("G")
        expectAt(149, "G")
        app.press("j")
        expectAt(149, "j at the bottom")
        for _ in 0..<25 { app.press("k") }
        expectAt(124, "25 × k from the end")
        // Open the person and come back: the same person, on the same row.
        let row = screen.window.selected
        app.press("Enter", "Esc")
        expectAt(124, "back from the person")
        #expect(screen.window.selected == row)
    }

    @Test func sortsAndFiltersPageAlikeAndAYearChangeKeepsThePerson() throws {
        let app = try makeApp(try Self.bigLedger(), height: 24)
        let screen = try #require(app.screens.first as? PersonsScreen)
        screen.query.sort = .totalHours
        screen.query.descending = true
        screen.requery(app)
        let all = try whole(app, screen)
        for _ in 0..<3 { app.press("PgDn") }
        #expect(screen.selectedRow?.name == all[57])
        let who = screen.selectedRow!.rowID
        app.press("[")  // 2023: no record reached it; everyone with nothing, in name order
        #expect(screen.selectedRow?.rowID == who)
        app.press("]")
        #expect(screen.selectedRow?.rowID == who)
        // A search narrows the list and starts from its top.
        app.press("/")
        app.type("张")
        let zhang = try whole(app, screen)
        #expect(!zhang.isEmpty && zhang.allSatisfy { $0.hasPrefix("张") })
        #expect(screen.selectedRow?.name == zhang.first)
        #expect(app.screen.contains("人员 \(zhang.count)"))
    }
}
