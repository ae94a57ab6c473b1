import CeledgerTestSupport
import Foundation
import Testing

@testable import CeledgerPostgres

/// Moving a ledger between the backends with the real binary: `migrate --to postgresql://…` (a SQLite
/// file into an empty server ledger), `backup FILE` of a server (a SQLite snapshot), and `check` on a
/// server. Each test makes databases of its own on the throwaway cluster `make test` starts.
@Suite("moving a ledger between SQLite and PostgreSQL")
struct MoveCLITests {
    static let pdf = Data("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".utf8)
    static let years = [2023, 2024, 2025]

    /// A SQLite demo ledger in `s` with proof files (one removed) and a printed card; returns a person's
    /// ID number and the card's number.
    static func fileLedger(_ s: Sandbox) throws -> (id: String, card: String) {
        try s.ok(["init", "--employer", "江西省人民医院"])
        try s.ok(["demo", "--persons", "60", "--seed", "7", "--years", "2023-2025"])
        let scan = try s.write("结业证书.pdf", pdf)
        try s.ok(["evidence", "add", "5", scan])
        try s.ok(["evidence", "add", "6", scan])
        try s.ok(["evidence", "remove", "E2", "--reason", "重复上传"])
        let id = try #require(MoveCLITests.firstID(try s.export("persons")))
        let card = try s.ok(["card", String(id), "--year", "2024"])
        return (id, try #require(cardNumber(card.stdout)))
    }

    /// The first person's ID number in an `export persons` CSV.
    static func firstID(_ csv: String) -> String? {
        csv.split(whereSeparator: \.isNewline).dropFirst().first?.split(separator: ",").first.map(String.init)
    }

    static func cardNumber(_ text: String) -> String? {
        text.split(whereSeparator: \.isNewline).lazy.compactMap { line -> String? in
            guard let r = line.range(of: #"[A-Z]+-\d{4}-\d{6}"#, options: .regularExpression) else { return nil }
            return String(line[r])
        }.first
    }

    static func count(_ uri: String, _ table: String) throws -> Int {
        try PGConnection(uri: uri).exec("SELECT count(*) FROM \(table)").first?.int(0) ?? -1
    }

    /// "ledger history: 924 entries · chain …" and the full head, from `check`'s output.
    static func head(_ check: String) -> String? {
        check.split(whereSeparator: \.isNewline).first { $0.hasPrefix("ledger history:") }.map(String.init)
    }

    @Test("a demo ledger moves whole: the same reports, history, proof bytes, card numbers and chain head; check is clean")
    func migrateDemo() throws {
        guard let uri = try PostgresCLITests.newDatabase() else { return }
        let file = try Sandbox()
        let (id, number) = try MoveCLITests.fileLedger(file)
        let moved = try file.ok(["migrate", "--to", uri])
        #expect(moved.stdout.contains("moved into \(uri): 60 persons"), "\(moved.summary)")
        #expect(moved.stdout.contains("both ledgers agree"), "\(moved.summary)")
        let zh = try file.run(["migrate", "--to", uri], lang: "zh")
        #expect(zh.status == 3 && zh.stderr.contains("不是空的"), "\(zh.summary)")

        let server = try Sandbox()
        server.db = uri
        for year in MoveCLITests.years {
            let args = ["report", "annual", "--year", String(year), "--format", "csv"]
            #expect(try file.ok(args).stdout == server.ok(args).stdout, "\(year)")
        }
        // The history entry by entry (who, when, what), and the chain's head the file's cards printed.
        let history = ["history", id, "--format", "json"]
        #expect(try file.ok(history).stdout == server.ok(history).stdout)
        let fileCheck = try file.ok(["check"]), serverCheck = try server.ok(["check"])
        #expect(MoveCLITests.head(fileCheck.stdout) != nil)
        #expect(MoveCLITests.head(fileCheck.stdout) == MoveCLITests.head(serverCheck.stdout), "\(serverCheck.summary)")
        #expect(serverCheck.stdout.contains("0 errors, 0 warnings"), "\(serverCheck.summary)")
        // The proof files' bytes, and the removal with its reason.
        let rows = try PGConnection(uri: uri).exec("SELECT id, encode(bytes, 'hex'), removed_reason FROM evidence ORDER BY id")
            .rows
        #expect(rows.count == 2)
        #expect(rows.allSatisfy { PostgresLedger.unhex($0.text(1)) == Array(MoveCLITests.pdf) })
        #expect(rows.map { $0[2] } == [nil, "重复上传"])
        // A reprint on the server keeps the number the file gave.
        #expect(MoveCLITests.cardNumber(try server.ok(["card", id, "--year", "2024"]).stdout) == number)
        // The server's own links continue from the moved head: a change there and check is still clean.
        let recognized = try server.ok(["review", "recognize", "--year", "2023", "--all"])
        #expect(recognized.stdout.contains("recognised"), "\(recognized.summary)")
        let after = try server.ok(["check"])
        #expect(after.stdout.contains("0 errors"), "\(after.summary)")
        #expect(MoveCLITests.head(after.stdout) != MoveCLITests.head(serverCheck.stdout))
    }

    @Test("a server ledger that holds data is refused, saying so, and nothing is added to it")
    func refusesNonEmptyTarget() throws {
        guard let uri = try PostgresCLITests.newDatabase() else { return }
        let server = try Sandbox()
        server.db = uri
        try server.ok(["init"])
        try server.ok(["demo", "--persons", "20", "--seed", "3", "--years", "2024-2024"])
        let before = try ["person", "record", "history"].map { try MoveCLITests.count(uri, $0) }
        let file = try Sandbox()
        _ = try MoveCLITests.fileLedger(file)
        let r = try file.run(["migrate", "--to", uri])
        #expect(r.status == 3, "\(r.summary)")
        #expect(r.stderr.contains("is not empty (20 persons"), "\(r.summary)")
        #expect(r.stderr.contains("nothing was written"), "\(r.summary)")
        #expect(try ["person", "record", "history"].map { try MoveCLITests.count(uri, $0) } == before)
    }

    @Test("a clerk's login that does not own the server ledger is told to connect as its owner; nothing written")
    func needsTheOwner() throws {
        guard let uri = try PostgresCLITests.newDatabase() else { return }
        let server = try Sandbox()
        server.db = uri
        try server.ok(["init"])
        let role = "mover_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
        try PGConnection(uri: uri).exec(
            """
            CREATE ROLE \(role) LOGIN; GRANT ALL ON ALL TABLES IN SCHEMA public TO \(role);
            GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO \(role);
            """)
        let file = try Sandbox()
        try file.ok(["init"])
        try file.ok(["demo", "--persons", "5", "--seed", "1", "--years", "2024-2024"])
        let asClerk = uri.replacingOccurrences(of: "postgres@", with: "\(role)@")
        let r = try file.run(["migrate", "--to", asClerk])
        #expect(r.status == 3, "\(r.summary)")
        #expect(
            r.stderr.contains("needs its owner's connection (postgres)") && r.stderr.contains("nothing was written"),
            "\(r.summary)")
        #expect(try MoveCLITests.count(uri, "person") == 0)
    }

    @Test(
        "a row the server refuses, or the connection dying mid-way, leaves the server ledger empty",
        .enabled(if: Paths.sqlite3 != nil))
    func failureLeavesTargetEmpty() throws {
        guard let refusing = try PostgresCLITests.newDatabase(), let dying = try PostgresCLITests.newDatabase() else { return }
        let file = try Sandbox()
        _ = try MoveCLITests.fileLedger(file)
        // A date SQLite's file never checked the form of, written behind celedger's back: the persons are
        // already copied when the records are refused.
        let broken = file.path("broken.sqlite")
        try FileManager.default.copyItem(atPath: file.db, toPath: broken)
        let sqlite = try RunningProcess(
            executable: try #require(Paths.sqlite3),
            arguments: [
                broken,
                """
                DROP TRIGGER record_update_history; DROP TRIGGER record_version;
                UPDATE record SET end_date = '2024-06-1' WHERE id = (SELECT max(id) FROM record WHERE year = 2024 AND recognition = 'pending');
                """,
            ], environment: [:], directory: file.dir
        ).finish()
        #expect(sqlite.status == 0, "\(sqlite.summary)")
        let refused = try file.run(["migrate", "--db", broken, "--to", refusing], db: false)
        #expect(refused.status == 3, "\(refused.summary)")
        #expect(refused.stderr.contains("nothing was written"), "\(refused.summary)")
        #expect(refused.stderr.contains("refused the source ledger's records"), "\(refused.summary)")
        // The server ends the session while the cards are copied, after persons, records and proof.
        try PGConnection(uri: dying).exec(
            """
            CREATE FUNCTION die() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NEW; END $$;
            """)
        // (The ledger's schema first, as `migrate` makes it, then the trigger on its card table.)
        let server = try Sandbox()
        server.db = dying
        try server.ok(["init"])
        try PGConnection(uri: dying).exec("CREATE TRIGGER die BEFORE INSERT ON card FOR EACH ROW EXECUTE FUNCTION die()")
        let died = try file.run(["migrate", "--to", dying])
        #expect(died.status == 3, "\(died.summary)")
        #expect(died.stderr.contains("nothing was written"), "\(died.summary)")
        #expect(!died.stderr.contains("PGFailure") && !died.stderr.contains("server closed"), "\(died.summary)")
        for uri in [refusing, dying] {
            for table in ["person", "record", "history", "history_chain", "evidence", "card"] {
                #expect(try MoveCLITests.count(uri, table) == 0, "\(uri) \(table)")
            }
        }
    }

    @Test("the comparison after a move catches a server that changed what it was given, and fails")
    func comparisonCatchesADifference() throws {
        guard let uri = try PostgresCLITests.newDatabase() else { return }
        let server = try Sandbox()
        server.db = uri
        try server.ok(["init"])
        // A trigger of the database's own (not celedger's) rewrites each card's issuer as it comes in.
        try PGConnection(uri: uri).exec(
            """
            CREATE FUNCTION meddle() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN NEW.issuer := NEW.issuer || '（改）'; RETURN NEW; END $$;
            CREATE TRIGGER meddle BEFORE INSERT ON card FOR EACH ROW EXECUTE FUNCTION meddle();
            """)
        let file = try Sandbox()
        _ = try MoveCLITests.fileLedger(file)
        let r = try file.run(["migrate", "--to", uri])
        #expect(r.status == 1, "\(r.summary)")
        #expect(r.stdout.contains("differs  cards differ: 1 rows against 1, 1 differ (e.g. 1)"), "\(r.summary)")
        #expect(r.stderr.contains("the two ledgers differ (1)"), "\(r.summary)")
        #expect(!r.stdout.contains("both ledgers agree"), "\(r.summary)")
        let zh = try file.run(["migrate", "--to", uri], lang: "zh")
        #expect(zh.status == 3 && zh.stderr.contains("不是空的"), "\(zh.summary)")
    }

    @Test("backup of a server writes a SQLite snapshot that opens anywhere: same reports and history, check clean")
    func backupFromServer() throws {
        guard let uri = try PostgresCLITests.newDatabase() else { return }
        let server = try Sandbox()
        server.db = uri
        try server.ok(["init", "--employer", "江西省人民医院"])
        try server.ok(["demo", "--persons", "50", "--seed", "9", "--years", "2023-2025"])
        let id = try #require(MoveCLITests.firstID(try server.export("persons")))
        try server.ok(["review", "recognize", "--id", String(id), "--all"])
        let number = try #require(MoveCLITests.cardNumber(try server.ok(["card", String(id), "--year", "2024"]).stdout))
        let target = server.path("快照.sqlite")
        // What a killed backup left (its process gone) is removed; a running one's file is not touched.
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let alive = ProcessInfo.processInfo.processIdentifier
        for name in [
            ".快照.sqlite.partial-\(gone.processIdentifier)", ".快照.sqlite.partial-\(gone.processIdentifier)-wal",
            ".快照.sqlite.partial-\(alive)",
        ] {
            #expect(FileManager.default.createFile(atPath: server.path(name), contents: Data("半截".utf8)))
        }
        let r = try server.ok(["backup", target])
        #expect(r.stdout.contains("backed up \(uri): 50 persons"), "\(r.summary)")
        #expect(r.stdout.contains("→ \(target)"), "\(r.summary)")
        // Nothing beside it: no temporary file, no write-ahead log.
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: server.dir.path).filter { $0.contains("快照") }.sorted()
                == [".快照.sqlite.partial-\(alive)", "快照.sqlite"])
        try FileManager.default.removeItem(atPath: server.path(".快照.sqlite.partial-\(alive)"))
        let snapshot = try Sandbox()
        snapshot.db = target
        for year in MoveCLITests.years {
            let args = ["report", "annual", "--year", String(year), "--format", "csv"]
            #expect(try server.ok(args).stdout == snapshot.ok(args).stdout, "\(year)")
        }
        let history = ["history", String(id), "--format", "json"]
        #expect(try server.ok(history).stdout == snapshot.ok(history).stdout)
        let check = try snapshot.ok(["check"])
        #expect(check.stdout.contains("checked 50 persons") && check.stdout.contains("0 errors, 0 warnings"), "\(check.summary)")
        #expect(MoveCLITests.cardNumber(try snapshot.ok(["card", String(id), "--year", "2024"]).stdout) == number)
        // The snapshot is a ledger like any other: a clerk writes in it.
        try snapshot.ok(["review", "reopen", "--id", String(id), "--all", "--reason", "复核"])
        // An existing file is never replaced.
        let size = try FileManager.default.attributesOfItem(atPath: target)[.size] as? Int
        let again = try server.run(["backup", target])
        #expect(again.status != 0 && again.stderr.contains("already exists"), "\(again.summary)")
        #expect(try FileManager.default.attributesOfItem(atPath: target)[.size] as? Int == size)
    }

    @Test("check on a server: clean on a fresh demo; names an entry changed behind the triggers, in the clerk's language")
    func checkOnServer() throws {
        guard let uri = try PostgresCLITests.newDatabase() else { return }
        let server = try Sandbox()
        server.db = uri
        try server.ok(["init"])
        try server.ok(["demo", "--persons", "30", "--seed", "4", "--years", "2024-2025"])
        let clean = try server.ok(["check"])
        #expect(clean.stdout.contains("checked 30 persons") && clean.stdout.contains("0 errors, 0 warnings"), "\(clean.summary)")
        // As the superuser, with the history's triggers set aside: an entry's actor rewritten, a record's hours.
        try PGConnection(uri: uri).exec(
            """
            ALTER TABLE history DISABLE TRIGGER USER;
            UPDATE history SET actor = 'mallory' WHERE id = 7;
            ALTER TABLE history ENABLE TRIGGER USER;
            ALTER TABLE record DISABLE TRIGGER USER;
            UPDATE record SET note = 'changed in psql' WHERE id = 3;
            ALTER TABLE record ENABLE TRIGGER USER;
            """)
        let r = try server.run(["check"])
        #expect(r.status == 1, "\(r.summary)")
        #expect(r.stdout.contains("error  history 7 ("), "\(r.summary)")
        #expect(r.stdout.contains("mallory, insert"), "\(r.summary)")
        #expect(r.stdout.contains("the history's hash chain breaks here"), "\(r.summary)")
        #expect(r.stdout.contains("error  record 3 (") && r.stdout.contains("changed outside celedger"), "\(r.summary)")
        #expect(r.stdout.contains("2 errors"), "\(r.summary)")
        let zh = try server.run(["check"], lang: "zh")
        #expect(zh.status == 1)
        #expect(zh.stdout.contains("错误  历史条目 7 (") && zh.stdout.contains("错误  记录 3 ("), "\(zh.summary)")
        #expect(!zh.stdout.contains("history 7") && !zh.stdout.contains("record 3"), "\(zh.summary)")
        // Triggers disabled and left so are named too.
        try PGConnection(uri: uri).exec("ALTER TABLE person DISABLE TRIGGER person_history")
        let disabled = try server.run(["check"])
        #expect(disabled.stdout.contains("triggers are missing or disabled: person_history"), "\(disabled.summary)")
    }

    @Test("a ledger with clerks says they are not moved: on a server a clerk is a login role, which a file's clerks have not")
    func clerksNotMoved() throws {
        guard let uri = try PostgresCLITests.newDatabase() else { return }
        let file = try Sandbox()
        try file.ok(["init"])
        try file.ok(["demo", "--persons", "10", "--seed", "2", "--years", "2024-2024"])
        try file.ok(["clerk", "add", "王管理", "--role", "admin"])
        let r = try file.ok(["migrate", "--to", uri])
        #expect(r.stdout.contains("1 clerk not moved: on a server a clerk is a login role"), "\(r.summary)")
        #expect(try PGConnection(uri: uri).exec("SELECT count(*) FROM clerk").first?[0] == "0")
        // Every moved history entry carries its person's unit, which a unit's clerk's row-level security reads (pg6).
        let units = try PGConnection(uri: uri).exec(
            "SELECT count(*), count(*) FILTER (WHERE h.unit = p.unit AND p.unit <> '') FROM history h JOIN person p ON p.id_number = h.id_number"
        ).first!
        #expect(units[0] != "0" && units[0] == units[1], "\(units)")
        #expect(r.stdout.contains("both ledgers agree"), "\(r.summary)")
    }

    @Test(
        "check on a file names its places in Chinese in Chinese output (记录 12, not record 12)", .enabled(if: Paths.sqlite3 != nil)
    )
    func checkPlacesInChinese() throws {
        let s = try Sandbox()
        try s.ok(["init"])
        try s.ok(["demo", "--persons", "10", "--seed", "5", "--years", "2024-2024"])
        let sqlite = try RunningProcess(
            executable: try #require(Paths.sqlite3),
            arguments: [
                s.db,
                "DROP TRIGGER record_update_history; DROP TRIGGER record_version; UPDATE record SET claimed_tenths = 99990 WHERE id = (SELECT min(id) FROM record WHERE recognition = 'pending');",
            ], environment: [:], directory: s.dir
        ).finish()
        #expect(sqlite.status == 0, "\(sqlite.summary)")
        let en = try s.run(["check"])
        #expect(en.status == 1 && en.stdout.contains("error  record "), "\(en.summary)")
        let zh = try s.run(["check"], lang: "zh")
        #expect(zh.status == 1 && zh.stdout.contains("错误  记录 "), "\(zh.summary)")
        #expect(zh.stdout.contains("错误  登记簿: 触发器缺失"), "\(zh.summary)")
        #expect(!zh.stdout.contains("record ") && !zh.stdout.contains("ledger:"), "\(zh.summary)")
    }
}
