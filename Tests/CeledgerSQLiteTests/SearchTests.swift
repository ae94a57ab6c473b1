import CeledgerDomain
import CeledgerLedger
import Foundation
import GRDB
import Testing

@testable import CeledgerSQLite

/// The persons list's search runs in memory; it must find exactly whom SQL's LIKE would.
@Suite struct SearchTests {
    @Test func theInMemorySearchFindsWhomSQLWould() throws {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        let names = ["张三", "张三丰", "欧阳明辉", "单丽", "曾国藩", "Anna Li", "李Anna", "王5", "司马相如", "ZHANG Wei", "乐乐"]
        var n = 0
        try l.bulkInsert(count: names.count) {
            defer { n += 1 }
            return (
                Person(
                    id: ResidentID.make(region: "360102", birth: Day(year: 1980, month: 1, day: 1 + n)!, sequence: n * 2 + 1),
                    name: names[n]), []
            )
        }
        func sql(_ s: String) throws -> Set<Int64> {
            try l.db.read { db in
                var ors = ["name LIKE :like ESCAPE '\\'"]
                var args: [String: DatabaseValueConvertible] = ["like": "%" + SQLiteLedger.escapeLike(s) + "%"]
                if s.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "X" || $0 == "x") }) {
                    ors.append("id_number LIKE :id ESCAPE '\\'")
                    args["id"] = "%" + SQLiteLedger.escapeLike(s.uppercased()) + "%"
                }
                if s.allSatisfy({ $0.isASCII && $0.isLetter }) {
                    ors.append("(' ' || name_initials) LIKE :ini ESCAPE '\\'")
                    args["ini"] = "% " + SQLiteLedger.escapeLike(s.lowercased()) + "%"
                }
                return Set(
                    try Int64.fetchAll(
                        db, sql: "SELECT id FROM person WHERE " + ors.joined(separator: " OR "),
                        arguments: StatementArguments(args)))
            }
        }
        let index = try l.db.read { try l.searchIndex($0) }.index
        for s in [
            "张", "张三", "zs", "ZS", "z", "s", "sl", "dl", "zg", "anna", "ANNA", "An", "li", "5", "0101", "1980", "x", "X", "司马",
            "m", "ly", "乐", "wei", "%", "_", "Wei ",
        ] {
            #expect(Set(index.matches(s)) == (try sql(s)), "search \(s)")
        }
        #expect(Set(index.matches("zs")).count == 2)  // 张三 and 张三丰
        // As a clerk types and deletes: each answer (narrowed from a kept one, or kept itself) is what a
        // fresh scan finds, and a scan split into parts finds the same.
        let typing = [
            "z", "zs", "zsf", "zs", "z", "", "张", "张三", "张", "1", "19", "198", "1980", "19", "a", "an", "ann", "anna", "anna ",
            "l", "li", "乐", "乐乐", "x", "X",
        ]
        for s in typing {
            let fresh = index.matchPositions(s)
            #expect(index.matched(s).positions == fresh, "typed \(s)")
            #expect(Set(index.matches(s)) == (try sql(s)), "typed \(s)")
            for parts in 2...4 { #expect(index.matchPositions(s, parts: parts) == fresh, "\(s) in \(parts) parts") }
            let among = index.matchPositions(String(s.prefix(1)))
            if !s.isEmpty { #expect(index.matchPositions(s, among: among, parts: 3) == fresh, "\(s) among the first letter's") }
        }
        // A new person is found at once: the index is read again when a person changes.
        try l.addPerson(
            Person(id: ResidentID.make(region: "360102", birth: Day(year: 1990, month: 2, day: 2)!, sequence: 99), name: "张新"))
        var q = PersonListQuery(year: 2030)
        q.search = "张新"
        #expect(try l.personRows(q, from: nil, limit: 10).map(\.name) == ["张新"])
    }

    /// The index and a year's flags read beforehand on another connection serve the list's own
    /// connection, and a change to the year's totals is still seen.
    @Test func flagsReadBeforehandServeTheListAndAChangeIsSeen() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("celedger-search-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let l = try SQLiteLedger.open(path: dir + "/ledger.sqlite", pinyin: pinyin, rules: shippedRules)
        let names = ["张三", "张三丰", "赵四", "周周", "章子"]
        var n = 0
        try l.bulkInsert(count: names.count) {
            defer { n += 1 }
            let p = Person(
                id: ResidentID.make(region: "360102", birth: Day(year: 1980, month: 1, day: 1 + n)!, sequence: n * 2 + 1),
                name: names[n])
            let day = Day(year: 2024, month: 3, day: 1 + n)!
            return (
                p,
                [
                    CeledgerDomain.Record(
                        personID: p.id, mode: .training, category: .professional, title: "培训", startDate: day, endDate: day,
                        claimedHours: Hours(whole: 30 * n), recognizedHours: Hours(whole: 30 * n), recognition: .recognized)
                ]
            )
        }
        l.prepareSearch(year: 2024)
        SQLiteLedger.searchQueue.sync {}
        #expect(!l.searchIsBeingPrepared(year: 2024))
        let index = try #require(l.cachedSearch.withLock { $0 })
        #expect(index.keptFlagYears == [2024])
        func both(_ q: PersonListQuery) throws -> (YearSummary, YearSummary) {
            let memory = try l.personSummary(q)
            l.searchesInMemory.withLock { $0 = false }
            defer { l.searchesInMemory.withLock { $0 = true } }
            return (memory, try l.personSummary(q))
        }
        var q = PersonListQuery(year: 2024)
        q.search = "z"
        q.status = .short
        let (before, sqlBefore) = try both(q)
        #expect(before == sqlBefore)
        #expect(index.keptFlagYears == [2024], "the list's connection used the flags read beforehand")
        // 张三丰 (30 h) reaches the year's requirement: the flags are read again.
        let who = ResidentID.make(region: "360102", birth: Day(year: 1980, month: 1, day: 2)!, sequence: 3)
        let row = try #require(try l.personRowID(idNumber: who.value))
        let day = Day(year: 2024, month: 6, day: 1)!
        _ = try l.addRecord(
            CeledgerDomain.Record(
                personID: who, mode: .training, category: .professional, title: "补足", startDate: day, endDate: day,
                claimedHours: Hours(whole: 60), recognizedHours: Hours(whole: 60), recognition: .recognized),
            personRowID: row, reviewer: "test")
        let (after, sqlAfter) = try both(q)
        #expect(after == sqlAfter)
        #expect(after.persons == before.persons - 1)
    }
}
