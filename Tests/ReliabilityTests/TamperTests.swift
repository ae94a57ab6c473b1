import CeledgerTestSupport
import Foundation
import GRDB
import Testing

/// The attacks of issue 20 on a ledger file, made by the tests themselves with SQLite from outside
/// celedger: edits that bypass the history triggers, forged history entries, damaged pages. Each must be
/// reported by `celedger check` (and a damaged ledger never backed up or read as if whole).
@Suite("tampering and damage", .timeLimit(.minutes(2)))
struct TamperTests {
    /// SplitMix64: the same "random" bytes on every run.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// A ledger of a few persons and records, closed (no -wal beside it); the owner of record 1.
    static func ledger(_ s: Sandbox, persons: Int = 3, perPerson: Int = 2) async throws -> String {
        let ids = personIDs(persons)
        try await s.ok(["import", "persons", try s.write("persons.csv", personsCSV(ids))])
        try await s.ok(["import", "records", try s.write("records.csv", recordsCSV(ids, perPerson: perPerson))])
        let owner = try await DatabaseQueue(path: s.db).read { db in
            try String.fetchOne(db, sql: "SELECT p.id_number FROM record r JOIN person p ON p.id = r.person_id WHERE r.id = 1")!
        }
        #expect(!FileManager.default.fileExists(atPath: s.db + "-wal"))
        return owner
    }

    static func masked(_ id: String) -> String { String(id.prefix(4)) + String(repeating: "*", count: 10) + String(id.suffix(4)) }

    @Test(
        "the record triggers dropped, a record's hours changed, the triggers put back: check names the record, before and after a recompute"
    )
    func editBehindTheTriggers() async throws {
        let s = try Sandbox()
        let owner = try await Self.ledger(s)
        #expect(try await s.run(["check"]).status == 0)
        let queue = try DatabaseQueue(path: s.db)
        try await queue.write { db in
            let names = try String.fetchAll(
                db,
                sql:
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'record' AND sql LIKE '%UPDATE ON record%'"
            )
            var sqls: [String] = []
            for name in names {
                sqls.append(try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = ?", arguments: [name])!)
                try db.execute(sql: "DROP TRIGGER \(name)")
            }
            try db.execute(sql: "UPDATE record SET claimed_tenths = 900, recognized_tenths = 900 WHERE id = 1")
            for sql in sqls { try db.execute(sql: sql) }
        }
        try queue.close()
        for recompute in [false, true] {
            // The recompute the summary's error asks for makes the totals agree: the record is still named.
            if recompute { try await s.ok(["init", "--recompute"]) }
            let r = try await s.run(["check"])
            #expect(r.status != 0, "\(r.summary)")
            let line = r.stdout.split(separator: "\n").first {
                $0.contains("record 1 (") && $0.contains("changed outside celedger")
            }
            #expect(line?.contains(Self.masked(owner)) == true, "\(r.summary)")
            #expect(!r.stdout.contains(owner), "the ID number is printed unmasked")
            // Before the recompute the totals disagree and check names the command that mends them; after it
            // they agree and only the edited record is left.
            let totals = r.stdout.split(separator: "\n").filter { $0.contains("disagree with their records") }
            if recompute {
                #expect(totals.isEmpty, "\(r.summary)")
            } else {
                #expect(totals.count == 1 && totals[0].contains("run celedger init --recompute"), "\(r.summary)")
            }
        }
    }

    @Test(
        "a history entry dated 2020 inserted by a program that registers celedger_actor: check reports the chain broken at that entry, also after celedger writes again"
    )
    func forgedHistoryEntry() async throws {
        let s = try Sandbox()
        let owner = try await Self.ledger(s)
        var config = Configuration()
        config.prepareDatabase { db in
            db.add(function: DatabaseFunction("celedger_actor", argumentCount: 0, pure: false) { _ in "admin" })
        }
        let queue = try DatabaseQueue(path: s.db, configuration: config)
        let forged = try await queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO history (at, actor, action, entity, entity_id, id_number, old_values, new_values)
                    VALUES ('2020-05-01T08:00:00.000Z', celedger_actor(), 'update', 'person', 1, ?, NULL, NULL)
                    """, arguments: [owner])
            return db.lastInsertedRowID
        }
        // And one with a made-up link, as a program that knows of the chain table would add.
        let linked = try await queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO history (at, actor, action, entity, entity_id, id_number)
                    VALUES ('2020-05-02T08:00:00.000Z', celedger_actor(), 'insert', 'person', 99, ?)
                    """, arguments: [owner])
            let id = db.lastInsertedRowID
            try db.execute(
                sql: "INSERT INTO history_chain (history_id, digest) VALUES (?, randomblob(32))", arguments: [id])
            return id
        }
        try queue.close()
        // celedger writes after them: its own entries are linked, the forged ones are not made good.
        try await s.ok(["import", "records", try s.write("more.csv", recordsCSV([owner], perPerson: 3, tag: "加课"))])
        let r = try await s.run(["check"])
        #expect(r.status != 0, "\(r.summary)")
        let lines = r.stdout.split(separator: "\n")
        #expect(
            lines.contains {
                $0.contains("history \(forged) (2020-05-01T08:00:00.000Z, admin, update person 1)")
                    && $0.contains("not in the hash chain")
            },
            "\(r.summary)")
        #expect(
            lines.contains { $0.contains("history \(linked) (2020-05-02") && $0.contains("hash chain breaks here") },
            "\(r.summary)")
        // Nothing else is wrong: the entries celedger wrote after them verify.
        #expect(lines.filter { $0.hasPrefix("error") }.count == 3, "\(r.summary)")  // and person 99 never deleted
    }

    @Test(
        "64 random bytes written into three pages of the record table: backup refuses and removes its copy, check points to restore, a read fails clearly instead of returning fewer rows"
    )
    func damagedPages() async throws {
        let s = try Sandbox()
        _ = try await Self.ledger(s, persons: 50, perPerson: 40)
        let damaged = s.path("damaged.sqlite")
        try FileManager.default.copyItem(atPath: s.db, toPath: damaged)
        let (pageSize, pages) = try await DatabaseQueue(path: damaged).read { db in
            (
                try Int.fetchOne(db, sql: "PRAGMA page_size")!,
                try Int.fetchAll(db, sql: "SELECT pageno FROM dbstat WHERE name = 'record' AND pagetype = 'leaf' ORDER BY pageno")
            )
        }
        try #require(pages.count >= 3)
        var rng = Seeded(state: 20)
        var bytes = try #require(s.bytes(damaged))
        for page in pages.shuffled(using: &rng).prefix(3) {
            // From the page's header on: its type, its cells' count and pointers.
            let start = (page - 1) * pageSize
            for i in start..<(start + 64) { bytes[i] = UInt8.random(in: 0...255, using: &rng) }
        }
        try bytes.write(to: URL(fileURLWithPath: damaged))

        let copy = s.path("copy.sqlite")
        let b = try await s.run(["backup", copy], db: damaged)
        #expect(b.status != 0, "\(b.summary)")
        #expect(b.stderr.contains("backup failed") && b.stderr.contains("restore"), "\(b.summary)")
        #expect(!FileManager.default.fileExists(atPath: copy), "the damaged copy was kept")

        let c = try await s.run(["check"], db: damaged)
        #expect(c.status != 0, "\(c.summary)")
        #expect(c.stdout.contains("the ledger file is damaged"), "\(c.summary)")
        #expect(c.stdout.contains("restore it from a backup: celedger --db \(damaged) restore BACKUP-FILE"), "\(c.summary)")

        let e = try await s.run(["export", "records"], db: damaged)
        #expect(e.status != 0, "the export of a damaged ledger succeeded: \(e.summary.prefix(500))")
        #expect(e.stderr.contains("corrupt") && e.stderr.contains("restore"), "\(e.summary.prefix(500))")
        #expect(!e.stderr.contains("SQLite error"), "\(e.summary.prefix(500))")

        // The sound ledger still backs up, and its copy checks clean.
        try await s.ok(["backup", copy])
        try await s.ok(["check"], db: copy)
    }
}
