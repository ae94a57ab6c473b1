import CeledgerDomain
import CeledgerLedger
import CeledgerSQLite
import Foundation
import Testing

@testable import CeledgerPostgres

/// A whole ledger moved between the backends through `LedgerTransfer`: a SQLite ledger into an empty
/// server ledger and back into a new SQLite file, each step keeping what a clerk reads and a chain that
/// verifies.
@Suite struct TransferContractTests {
    /// A SQLite ledger with persons, records, a change, a recognition and a deletion: history of each kind.
    static func source() throws -> (SQLiteLedger, Person) {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, actor: "录入员", rules: shippedRules)
        let p = person("陈三", "36010219800101012"), q = person("李四", "36010219810101013", unit: "南昌市第二医院")
        let pid = try l.addPerson(p)
        let qid = try l.addPerson(q)
        var ids: [Int64] = []
        for i in 0..<4 {
            ids.append(
                try l.addRecord(
                    record(p, title: "课\(i)", start: "2024-0\(i + 1)-01", end: "2024-0\(i + 1)-03"), personRowID: pid,
                    reviewer: "r"))
        }
        _ = try l.addRecord(record(q, hours: "12", start: "2023-05-01", end: "2023-05-02"), personRowID: qid, reviewer: "r")
        _ = try l.decideRecognition(rowIDs: [ids[0]], to: .recognized, reason: "", reviewer: "审核员")
        try l.deleteRecord(rowID: ids[3])
        return (l, p)
    }

    static func years(_ l: any LedgerReader, _ rowID: Int64) throws -> [String] {
        try (2023...2024).map { y in "\(try l.yearResult(personRowID: rowID, year: y))" }
    }

    @Test func aFileMovesOntoAServerWithItsChainAndComesBackAsAFile() throws {
        guard let uri = try Backend.newDatabase() else { return }
        let (file, p) = try TransferContractTests.source()
        let pg = try PostgresLedger.open(uri: uri, pinyin: pinyin, rules: shippedRules, actor: "迁移员")
        let counts = try pg.receiveTransfer { sink in try file.readTables(LedgerTransfer.tables, progress: nil, sink) }
        #expect(counts["person"] == 2 && counts["record"] == 4)
        #expect(counts["history"] == (try file.historyHead()?.entries))
        // The server's chain starts with the file's links: the same head, and it verifies.
        #expect(try pg.historyHead() == (try file.historyHead()))
        #expect(try pg.verifyChain())
        #expect(try pg.check(today: Day(year: 2025, month: 6, day: 1)).filter { $0.severity == .error }.isEmpty)
        // Who did what, as it was: nobody is the mover.
        let fileHistory = try file.history(idNumber: p.id.value), serverHistory = try pg.history(idNumber: p.id.value)
        #expect(serverHistory.map(\.actor) == fileHistory.map(\.actor))
        #expect(!serverHistory.contains { $0.actor == "迁移员" })
        #expect(serverHistory.map(\.new) == fileHistory.map(\.new) && serverHistory.map(\.old) == fileHistory.map(\.old))
        let fileRow = try #require(try file.personRowID(idNumber: p.id.value))
        let serverRow = try #require(try pg.personRowID(idNumber: p.id.value))
        #expect(try TransferContractTests.years(pg, serverRow) == TransferContractTests.years(file, fileRow))
        // The server's own links continue from the moved head.
        _ = try pg.addRecord(
            record(p, title: "服务器上加的", start: "2024-07-01", end: "2024-07-02"), personRowID: serverRow, reviewer: "r")
        #expect(try pg.verifyChain())
        #expect(try pg.historyHead()?.entries == (try file.historyHead()?.entries ?? 0) + 1)

        // Back into a new file: the same history and totals, a chain of its own that checks clean.
        let back = try SQLiteLedger.inMemory(pinyin: pinyin, actor: "备份员", rules: shippedRules)
        _ = try pg.withSnapshot {
            try back.receiveTransfer { sink in try pg.readTables(LedgerTransfer.tables, progress: nil, sink) }
        }
        let backRow = try #require(try back.personRowID(idNumber: p.id.value))
        #expect(try TransferContractTests.years(back, backRow) == TransferContractTests.years(pg, serverRow))
        let backHistory = try back.history(idNumber: p.id.value), latest = try pg.history(idNumber: p.id.value)
        #expect(backHistory.map(\.actor) == latest.map(\.actor) && backHistory.map(\.new) == latest.map(\.new))
        #expect(try back.check(today: Day(year: 2025, month: 6, day: 1)).filter { $0.severity == .error }.isEmpty)
    }

    @Test func aServerLedgerWithDataRefusesAMoveAndKeepsWhatItHas() throws {
        guard let uri = try Backend.newDatabase() else { return }
        let (file, _) = try TransferContractTests.source()
        let pg = try PostgresLedger.open(uri: uri, pinyin: pinyin, rules: shippedRules, actor: "r")
        _ = try pg.addPerson(person("王五", "36010219820101014"))
        #expect {
            try pg.receiveTransfer { sink in try file.readTables(LedgerTransfer.tables, progress: nil, sink) }
        } throws: { error in
            guard case .targetNotEmpty = error as? LedgerError else { return false }
            return true
        }
        #expect(try pg.counts() == (persons: 1, records: 0))
        #expect(try pg.verifyChain())
    }
}
