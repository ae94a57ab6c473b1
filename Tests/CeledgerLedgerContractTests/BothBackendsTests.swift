import CeledgerDomain
import CeledgerLedger
import CeledgerSQLite
import Foundation
import Testing

@testable import CeledgerPostgres

/// The same ledger on both backends gives the same answers: demo ledgers of seeds no other test uses
/// (held out), written into SQLite and into PostgreSQL, then compared as a clerk reads them.
@Suite struct BothBackendsAgreeTests {
    static func demoPools() throws -> DemoPools {
        func read(_ f: String) throws -> String {
            try String(contentsOf: repoRoot.appendingPathComponent("data/demo/" + f), encoding: .utf8)
        }
        return try DemoPools(
            surnames: read("surnames.txt"), given: read("given.txt"), units: read("units.tsv"),
            activities: read("activities.tsv"), regions: read("regions.tsv"))
    }

    @Test(arguments: [UInt64(7), 2026])
    func heldOutLedgersGiveTheSameTotalsListsAndStatistics(_ seed: UInt64) throws {
        guard let uri = try Backend.newDatabase() else { return }
        let pools = try BothBackendsAgreeTests.demoPools()
        let years = 2022...2025
        let count = 120
        let sqlite = try SQLiteLedger.inMemory(pinyin: pinyin, actor: "demo", rules: shippedRules)
        var g1 = DemoGenerator(pools: pools, seed: seed, years: years, until: Day(year: 2025, month: 10, day: 1))
        let n1 = try sqlite.bulkInsert(count: count) { g1.next() }
        let pg = try PostgresLedger.open(uri: uri, pinyin: pinyin, rules: shippedRules, actor: "demo")
        var g2 = DemoGenerator(pools: pools, seed: seed, years: years, until: Day(year: 2025, month: 10, day: 1))
        let n2 = try pg.bulkInsert(count: count) { g2.next() }
        #expect(n1 == n2 && n1 > count)
        #expect(try pg.counts() == (try sqlite.counts()))

        for year in years {
            for sort in [PersonSort.name, .totalHours, .status, .unit] {
                var q = PersonListQuery(year: year)
                q.sort = sort
                let a = try allRows(sqlite, q, page: 25), b = try allRows(pg, q, page: 25)
                #expect(a.count > 0)
                #expect(shown(a) == shown(b), "year \(year) by \(sort)")
            }
            for status in StatusFilter.allCases {
                var q = PersonListQuery(year: year)
                q.status = status
                #expect(try sqlite.personSummary(q) == (try pg.personSummary(q)), "year \(year) \(status)")
            }
            let s1 = try sqlite.statistics(year: year), s2 = try pg.statistics(year: year)
            for d in StatsDimension.allCases {
                #expect(s1.groups(by: d) == s2.groups(by: d), "year \(year) by \(d)")
            }
            #expect(s1.total == s2.total)
            #expect(try sqlite.pendingRecords(year: year).count == (try pg.pendingRecords(year: year).count))
        }
        // One person's year in detail: the same records, the same totals and notes.
        let first = try allRows(sqlite, PersonListQuery(year: 2024), page: 5).prefix(5)
        for row in first {
            let other = try #require(try pg.personRowID(idNumber: row.idNumber))
            let a = try sqlite.yearResult(personRowID: row.rowID, year: 2024)
            let b = try pg.yearResult(personRowID: other, year: 2024)
            #expect(a.result.totals == b.result.totals)
            #expect(a.notes == b.notes)
            #expect(
                try sqlite.records(personRowID: row.rowID, year: 2024).map(\.record)
                    == (try pg.records(personRowID: other, year: 2024).map(\.record)))
        }
    }
}

/// What only a server can show: the promises kept by the database against other sessions (psql), and
/// concurrent writers.
@Suite struct PostgresServerTests {
    /// A second session on the same database, as a clerk's psql would be.
    func psql(_ uri: String) throws -> PGConnection { try PGConnection(uri: uri) }

    func failureState(_ c: PGConnection, _ sql: String) -> String? {
        do {
            try c.exec(sql)
            return nil
        } catch {
            return error.pgState
        }
    }

    @Test func rawSQLCannotBypassTheHistoryTheLockOrTheActor() throws {
        guard let uri = try Backend.newDatabase() else { return }
        let l = try PostgresLedger.open(uri: uri, pinyin: pinyin, rules: shippedRules, actor: "审核员")
        let p = person("陈一", "36010219800101011")
        let pid = try l.addPerson(p)
        let rid = try l.addRecord(record(p, recognition: .recognized), personRowID: pid, reviewer: "审核员")
        let raw = try psql(uri)
        // Without saying who, nothing is written.
        #expect(
            failureState(raw, "UPDATE person SET name = '陈二', version = version + 1 WHERE id = \(pid)")
                == PostgresSchema.noActorState)
        try raw.exec("SET celedger.actor = 'psql 用户'")
        // An update that does not move the row's version would let a stale save overwrite it: refused.
        #expect(failureState(raw, "UPDATE person SET name = '陈二' WHERE id = \(pid)") == PostgresSchema.versionState)
        #expect(failureState(raw, "UPDATE record SET claimed_tenths = 999 WHERE id = \(rid)") == PostgresSchema.lockedState)
        #expect(failureState(raw, "DELETE FROM record WHERE id = \(rid)") == PostgresSchema.lockedState)
        #expect(failureState(raw, "DELETE FROM history") != nil)
        #expect(failureState(raw, "UPDATE history SET actor = 'x'") != nil)
        #expect(failureState(raw, "TRUNCATE history") != nil)
        // A change from psql is in the history under its actor, and the totals settle on the next write.
        try raw.exec("UPDATE person SET department = '外科', version = version + 1 WHERE id = \(pid)")
        #expect(try l.history(idNumber: p.id.value).last?.actor == "psql 用户")
        #expect(try l.verifyChain() == false)  // psql's entry has no link: check names it
        _ = try l.addRecord(record(p, title: "另一课"), personRowID: pid, reviewer: "审核员")
        #expect(try l.verifyChain() == false)
    }

    @Test(
        "one statement inserting or deleting many rows from psql writes an entry per row, in id order, under its actor, and the totals follow"
    )
    func aStatementOfManyRowsWritesAnEntryPerRow() throws {
        guard let uri = try Backend.newDatabase() else { return }
        let l = try PostgresLedger.open(uri: uri, pinyin: pinyin, rules: shippedRules, actor: "审核员")
        var p = person("陈五", "36010219800101014")
        p.unit = "一院"
        let pid = try l.addPerson(p)
        let raw = try psql(uri)
        try raw.exec("SET celedger.actor = 'psql 用户'")
        try raw.exec(
            """
            INSERT INTO record (person_id, mode, category, title, start_date, end_date, year, assessment, claimed_tenths,
                recognized_tenths, recognition, reviewed_by, reviewed_at, role, created_at, updated_at)
            SELECT \(pid), 'training', 'professional', '课' || g, '2024-03-' || lpad(g::text, 2, '0'), '2024-03-' || lpad(g::text, 2, '0'),
                2024, 'passed', 80, 80, 'recognized', 'psql 用户', '2024-04-01', 'participant', '2024-04-01', '2024-04-01'
            FROM generate_series(1, 3) g
            """)
        var h = try l.history(idNumber: p.id.value)
        let inserts = h.filter { $0.entity == .record && $0.action == .insert }
        #expect(inserts.count == 3 && inserts.allSatisfy { $0.actor == "psql 用户" })
        #expect(inserts.map { $0.new["title"] ?? "" } == ["课1", "课2", "课3"], "in the rows' order")
        #expect(try raw.exec("SELECT count(*) FROM history WHERE entity = 'record' AND unit = '一院'").first?.int(0) == 3)
        #expect(try l.records(personRowID: pid, year: 2024).allSatisfy { $0.enteredBy == "psql 用户" && $0.changedBy == "psql 用户" })
        // Settled by the ledger's next write (psql does not run the domain): 24 hours, all professional.
        _ = try l.addRecord(record(p, title: "另一课", recognition: .pending), personRowID: pid, reviewer: "审核员")
        #expect(try l.yearResult(personRowID: pid, year: 2024).result.totals.professionalHours == Hours(whole: 24))
        try raw.exec(
            "UPDATE record SET recognition = 'pending', version = version + 1 WHERE person_id = \(pid) AND recognition = 'recognized'"
        )
        try raw.exec("DELETE FROM record WHERE person_id = \(pid)")
        h = try l.history(idNumber: p.id.value)
        let deletes = h.filter { $0.entity == .record && $0.action == .delete }
        #expect(deletes.count == 4 && deletes.allSatisfy { $0.actor == "psql 用户" })
        #expect(deletes.map(\.entityID) == deletes.map(\.entityID).sorted())
        _ = try l.addRecord(record(p, title: "最后一课", recognition: .pending), personRowID: pid, reviewer: "审核员")
        #expect(try l.yearResult(personRowID: pid, year: 2024).result.totals.professionalHours == Hours(whole: 0))
    }

    @Test func rawSQLCannotDeleteOrAlterProofAndItsEntriesAreChained() throws {
        guard let uri = try Backend.newDatabase() else { return }
        let l = try PostgresLedger.open(uri: uri, pinyin: pinyin, rules: shippedRules, actor: "审核员")
        let p = person("陈四", "36010219800101013")
        let pid = try l.addPerson(p)
        let rid = try l.addRecord(record(p), personRowID: pid, reviewer: "审核员")
        let e = try l.addEvidence(recordRowID: rid, name: "证书.pdf", bytes: EvidenceContractTests.pdf, clerk: "审核员")
        let raw = try psql(uri)
        try raw.exec("SET celedger.actor = 'psql 用户'")
        #expect(failureState(raw, "DELETE FROM evidence WHERE id = \(e.id)") == PostgresSchema.evidenceKeptState)
        #expect(failureState(raw, "UPDATE evidence SET bytes = '\\x00' WHERE id = \(e.id)") == PostgresSchema.evidenceKeptState)
        #expect(failureState(raw, "TRUNCATE evidence") != nil)
        _ = try l.removeEvidence(id: e.id, reason: "重复", clerk: "审核员")
        #expect(
            failureState(raw, "UPDATE evidence SET removed_reason = '改' WHERE id = \(e.id)") == PostgresSchema.evidenceKeptState)
        #expect(try l.evidenceBytes(id: e.id) == EvidenceContractTests.pdf)
        #expect(try l.verifyChain())
    }

    @Test func aLedgerFromBeforePg5GetsSQLitesNameOrderWithoutAHistoryEntryEach() throws {
        guard let uri = try Backend.newDatabase() else { return }
        // A ledger as pg4 left it, persons written from psql (pg1's generated key: initial, then code points).
        let raw = try psql(uri)
        try raw.exec("CREATE TABLE schema_version (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        for m in PostgresSchema.migrations.prefix(while: { $0.version != "pg5" }) {
            try raw.exec(m.sql)
            try raw.exec("INSERT INTO schema_version VALUES ($1, 'then')", [m.version])
        }
        try raw.exec("SET celedger.actor = 'psql 用户'")
        let names = ["郭婷", "高峰", "刘洋", "李娜", "单雄", "欧阳明"]
        let sqlite = try SQLiteLedger.inMemory(pinyin: pinyin, actor: "r", rules: shippedRules)
        for (i, n) in names.enumerated() {
            let p = person(n, "3601021980010102\(i)")
            _ = try sqlite.addPerson(p)
            try raw.exec(
                """
                INSERT INTO person (id_number, name, name_initials, gender, birth_date, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, 'then', 'then')
                """, [p.id.value, p.name, pinyin.initials(of: p.name), p.gender.rawValue, p.birthDate.iso])
        }
        let entries = try raw.exec("SELECT count(*) FROM history").first!.int(0)
        let l = try PostgresLedger.open(uri: uri, pinyin: pinyin, rules: shippedRules, actor: "r")
        #expect(try l.schemaVersion() == PostgresSchema.current)
        let q = PersonListQuery(year: 2024)
        #expect(shown(try allRows(l, q)) == shown(try allRows(sqlite, q)))
        #expect(try raw.exec("SELECT count(*) FROM history").first!.int(0) == entries)
        // A name written later is keyed by the write.
        let later = person("高小", "36010219800101029")
        _ = try l.addPerson(later)
        _ = try sqlite.addPerson(later)
        #expect(shown(try allRows(l, q)) == shown(try allRows(sqlite, q)))
    }

    @Test func theChainVerifiesAndNoticesAnEntryChangedBehindTheTriggers() throws {
        guard let uri = try Backend.newDatabase() else { return }
        let l = try PostgresLedger.open(uri: uri, pinyin: pinyin, rules: shippedRules, actor: "r")
        let p = person("陈三", "36010219800101012")
        let pid = try l.addPerson(p)
        for i in 0..<5 { _ = try l.addRecord(record(p, title: "课\(i)"), personRowID: pid, reviewer: "r") }
        #expect(try l.verifyChain())
        #expect(try l.historyHead()?.entries == 6)
        // The owner of the database can switch the trigger off; the chain still tells.
        let raw = try psql(uri)
        try raw.exec("ALTER TABLE history DISABLE TRIGGER history_no_change")
        try raw.exec("UPDATE history SET actor = '别人' WHERE id = (SELECT min(id) FROM history)")
        #expect(try l.verifyChain() == false)
    }

    @Test func concurrentWritersLoseNothingAndTheTotalsAreThoseOfAllRecords() throws {
        guard let uri = try Backend.newDatabase() else { return }
        let setup = try PostgresLedger.open(uri: uri, pinyin: pinyin, rules: shippedRules, actor: "setup")
        let people = (0..<3).map { person("并发\($0)", "360102198002020" + String(format: "%02d", $0)) }
        let ids = try people.map { try setup.addPerson($0) }
        let writers = 4, each = 15
        let ledgers = try (0..<writers).map { w in
            try PostgresLedger.open(uri: uri, pinyin: pinyin, rules: shippedRules, actor: "职员\(w)")
        }
        let failures = Locked(0)
        DispatchQueue.concurrentPerform(iterations: writers) { w in
            for i in 0..<each {
                let k = (w + i) % people.count
                let r = record(people[k], title: "课 \(w)-\(i)", hours: "1.5", recognition: .recognized)
                do { _ = try ledgers[w].addRecord(r, personRowID: ids[k], reviewer: "职员\(w)") } catch {
                    failures.withLock { $0 += 1 }
                }
            }
        }
        #expect(failures.withLock { $0 } == 0)
        let set = rules.ruleSet(for: 2024)!
        var total = 0
        for (k, pid) in ids.enumerated() {
            let records = try setup.records(personRowID: pid, year: 2024)
            total += records.count
            let expected = AnnualTotals.evaluate(
                year: 2024, records: records.map { ($0.rowID, $0.record) }, rules: set
            ).totals
            var q = PersonListQuery(year: 2024)
            q.search = people[k].id.value
            let row = try setup.personRows(q, from: nil, forward: true, including: false, limit: 2)
            #expect(row.map(\.totals) == [expected], "\(people[k].name)")
        }
        #expect(total == writers * each)
        #expect(try setup.verifyChain())
    }

    @Test func aPasswordNeverAppearsInAMessage() throws {
        let uri = "postgresql://clerk:s3cret@127.0.0.1:1/none?password=s3cret&sslmode=disable"
        #expect(!PostgresURI.masked(uri).contains("s3cret"))
        let e = failure { _ = try PostgresLedger.open(uri: uri, pinyin: pinyin, rules: shippedRules, actor: "r") }
        #expect(e != nil)
        #expect(e?.message.zh.contains("s3cret") == false)
        #expect(e?.message.en.contains("s3cret") == false)
        #expect(e?.message.zh.contains("clerk:***@127.0.0.1") == true)
    }

    @Test func aDatabaseWithOtherTablesIsNotWrittenTo() throws {
        guard let uri = try Backend.newDatabase() else { return }
        let raw = try psql(uri)
        try raw.exec("CREATE TABLE payroll (id int)")
        let e = failure { _ = try PostgresLedger.open(uri: uri, pinyin: pinyin, rules: shippedRules, actor: "r") }
        #expect(e == .notALedger(path: PostgresURI.masked(uri)))
        #expect(try raw.exec("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").first?[0] == "1")
    }
}

final class Locked<T>: @unchecked Sendable {
    private var value: T
    private let lock = NSLock()
    init(_ v: T) { value = v }
    func withLock<R>(_ body: (inout T) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}

extension Error {
    var pgState: String? { (self as? PGFailure).map { $0.sqlState } }
}
