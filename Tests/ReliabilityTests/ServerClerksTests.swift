import CeledgerDomain
import CeledgerTestSupport
import Foundation
import Testing

@testable import CeledgerPostgres

/// Four clerks importing at once into one server ledger (issue 18): real `celedger import records`
/// processes, each with a file of its own, all of them on the same persons and year, so that their
/// transactions settle the same person-years side by side. Afterwards every row is there, the history
/// explains every one (its insert, naming the clerk who imported it), the stored totals are what a
/// recomputation gives, and the annual report is the one the same four imports give one after another.
/// As ClerksTogetherTests on a file; skipped without CELEDGER_TEST_PG (`make test` starts a cluster).
@Suite struct ServerClerksTests {
    static let clerks = ["录入甲", "录入乙", "录入丙", "录入丁"]
    static let activities = 6

    /// A new database on the test server, or nil (printed) without one.
    static func newDatabase() throws -> String? {
        guard let server = ProcessInfo.processInfo.environment["CELEDGER_TEST_PG"], !server.isEmpty else {
            print("skipped: four clerks on PostgreSQL, CELEDGER_TEST_PG is not set (make test starts a throwaway cluster)")
            return nil
        }
        let name = "rel_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try PGConnection(uri: server).exec("CREATE DATABASE \(name)")
        let scheme = server.range(of: "://")!.upperBound
        let hostEnd = server[scheme...].firstIndex(of: "/") ?? server.endIndex
        return String(server[..<hostEnd]) + "/" + name
    }

    /// Clerk `c`'s file: every person, `activities` trainings of the clerk's own in 2024, alternately public
    /// and professional, half of them arriving recognised, so that every import moves everyone's totals.
    static func file(_ s: Sandbox, clerk c: Int, ids: [String]) throws -> String {
        var text = "id_number,mode,category,title,start_date,end_date,claimed_hours,recognized_hours,recognition\n"
        for (i, id) in ids.enumerated() {
            for k in 1...activities {
                let day = String(format: "2024-%02d-%02d", 1 + (c * activities + k) % 12, 1 + (i + k) % 28)
                let hours = 2 + (i + k + c) % 7
                let decided = (i + k) % 2 == 0
                text +=
                    "\(id),training,\(k % 2 == 0 ? "public" : "professional"),\(clerks[c])第\(k)讲,\(day),\(day),\(hours),"
                    + "\(decided ? String(hours) : ""),\(decided ? "recognized" : "pending")\n"
            }
        }
        return try s.write("clerk-\(c).csv", text)
    }

    @Test("four clerks importing at once into a server ledger lose nothing; the report is that of the imports one by one")
    func fourClerksImportAtOnce() async throws {
        guard let together = try Self.newDatabase(), let oneByOne = try Self.newDatabase() else { return }
        let s = try Sandbox()
        // The same colleagues (and their own records) in both ledgers: the demo is the same for the same seed.
        for db in [together, oneByOne] {
            try await s.ok(["demo", "--persons", "30", "--years", "2023-2024", "--seed", "7"], db: db)
        }
        let persons = try await s.ok(["export", "persons", "--format", "csv"], db: together).stdout
        let ids = persons.split(whereSeparator: \.isNewline).dropFirst().map { String($0.split(separator: ",")[0]) }
        #expect(ids.count == 30)
        let files = try (0..<Self.clerks.count).map { try Self.file(s, clerk: $0, ids: ids) }

        let results = try await withThrowingTaskGroup(of: CLIResult.self) { group in
            for (c, f) in files.enumerated() {
                group.addTask { try await s.run(["import", "records", f, "--user", Self.clerks[c]], db: together) }
            }
            var all: [CLIResult] = []
            for try await r in group { all.append(r) }
            return all
        }
        for r in results {
            #expect(r.status == 0, "\(r.summary)")
            #expect(!r.stderr.contains("SQLSTATE") && !r.stderr.contains("ERROR"), "\(r.summary)")
        }
        for (c, f) in files.enumerated() { try await s.ok(["import", "records", f, "--user", Self.clerks[c]], db: oneByOne) }

        let raw = try PGConnection(uri: together)
        // Every row is there, entered by its clerk.
        for clerk in Self.clerks {
            let n = try raw.exec(
                "SELECT count(*) FROM record WHERE title LIKE $1 AND entered_by = $2", [clerk + "第%", clerk]
            ).first!.int(0)
            #expect(n == ids.count * Self.activities, "\(clerk): \(n) records")
        }
        // The history explains every row: one insert entry each, naming who entered it, and no other entry.
        let unexplained = try raw.exec(
            """
            SELECT count(*) FROM record r WHERE (SELECT count(*) FROM history h WHERE h.entity = 'record'
                AND h.entity_id = r.id AND h.action = 'insert' AND h.actor = r.entered_by) <> 1
                OR EXISTS (SELECT 1 FROM history h WHERE h.entity = 'record' AND h.entity_id = r.id AND h.action <> 'insert')
            """
        ).first!.int(0)
        #expect(unexplained == 0)
        let entries = try raw.exec("SELECT count(*) FROM history WHERE entity = 'record'").first!.int(0)
        let records = try raw.exec("SELECT count(*) FROM record").first!.int(0)
        #expect(entries == records, "history entries for records \(entries), records \(records)")

        // The stored totals are what the domain computes again from the records.
        let report = ["report", "annual", "--year", "2024", "--format", "csv"]
        let stored = try await s.ok(report, db: together).stdout
        let ledger = try PostgresLedger.open(
            uri: together,
            pinyin: PinyinIndex(table: try String(contentsOfFile: Paths.data + "/pinyin/initials.tsv", encoding: .utf8)),
            rules: try FileManager.default.contentsOfDirectory(atPath: Paths.data + "/rules").filter { $0.hasSuffix(".json") }
                .map { try RuleSet.decode(Data(contentsOf: URL(fileURLWithPath: Paths.data + "/rules/" + $0))) },
            actor: "核对")
        _ = try ledger.recomputeTotals()
        #expect(try await s.ok(report, db: together).stdout == stored, "the stored totals differ from a recomputation")
        // The same as the four imports one after another.
        #expect(try await s.ok(report, db: oneByOne).stdout == stored)
        let active = try raw.exec("SELECT count(*) FROM person WHERE status = 'active' OR status_date >= '2024-01-01'").first!
            .int(0)
        #expect(stored.split(whereSeparator: \.isNewline).count == active + 1, "one line per person active in 2024")
        #expect(try ledger.verifyChain(), "the history's chain does not hold")
    }

    @Test("three clerks importing the same file at once: each activity once, the others skip it as a duplicate, as one by one")
    func theSameFileAtOnceSkipsDuplicates() async throws {
        guard let together = try Self.newDatabase(), let once = try Self.newDatabase() else { return }
        let s = try Sandbox()
        for db in [together, once] { try await s.ok(["demo", "--persons", "30", "--years", "2024-2024", "--seed", "9"], db: db) }
        let persons = try await s.ok(["export", "persons", "--format", "csv"], db: together).stdout
        let ids = persons.split(whereSeparator: \.isNewline).dropFirst().map { String($0.split(separator: ",")[0]) }
        let file = try Self.file(s, clerk: 0, ids: ids)
        let results = try await withThrowingTaskGroup(of: CLIResult.self) { group in
            for c in 0..<3 {
                group.addTask { try await s.run(["import", "records", file, "--user", Self.clerks[c]], db: together) }
            }
            var all: [CLIResult] = []
            for try await r in group { all.append(r) }
            return all
        }
        // Every import succeeds (a duplicate is skipped, not an error); together they added each row once.
        for r in results { #expect(r.status == 0, "\(r.summary)") }
        let rows = ids.count * Self.activities
        let added = results.compactMap { r -> Int? in
            guard let m = r.stdout.firstMatch(of: /(\d[\d,]*) added/) else { return nil }
            return Int(m.1.replacingOccurrences(of: ",", with: ""))
        }
        #expect(added.reduce(0, +) == rows, "\(results.map(\.stdout))")
        let raw = try PGConnection(uri: together)
        #expect(try raw.exec("SELECT count(*) FROM record WHERE title LIKE $1", [Self.clerks[0] + "第%"]).first!.int(0) == rows)
        try await s.ok(["import", "records", file, "--user", Self.clerks[0]], db: once)
        let report = ["report", "annual", "--year", "2024", "--format", "csv"]
        #expect(try await s.ok(report, db: together).stdout == s.ok(report, db: once).stdout)
    }

    @Test("one transaction writing more history entries than a slice of the chain links them all, in order")
    func aLargeWriteLinksEveryEntry() async throws {
        guard let db = try Self.newDatabase() else { return }
        let s = try Sandbox()
        // About 23,000 entries in one transaction: more than one slice (`PostgresLedger.chainSlice`).
        try await s.ok(["demo", "--persons", "4000", "--years", "2024-2024", "--seed", "5"], db: db)
        let raw = try PGConnection(uri: db)
        let entries = try raw.exec("SELECT count(*) FROM history").first!.int(0)
        #expect(entries > PostgresLedger.chainSlice)
        let links = try raw.exec("SELECT count(*), min(seq), max(seq) FROM history_chain").first!
        #expect(links.int(0) == entries && links.int(1) == 1 && links.int(2) == entries)
        let ledger = try PostgresLedger.open(
            uri: db,
            pinyin: PinyinIndex(table: try String(contentsOfFile: Paths.data + "/pinyin/initials.tsv", encoding: .utf8)),
            rules: try FileManager.default.contentsOfDirectory(atPath: Paths.data + "/rules").filter { $0.hasSuffix(".json") }
                .map { try RuleSet.decode(Data(contentsOf: URL(fileURLWithPath: Paths.data + "/rules/" + $0))) },
            actor: "核对")
        #expect(try ledger.verifyChain())
    }
}
