import CeledgerTestSupport
import Foundation
import Testing

/// Errors a user meets: one clear line on stderr, the documented exit status, nothing damaged, never a trace.
@Suite("errors")
struct ErrorTests {
    /// Exactly one line on stderr, starting "celedger: ", nothing on stdout.
    static func expectOneLine(
        _ r: CLIResult, status: Int32, contains text: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(r.status == status, "\(r.summary)", sourceLocation: sourceLocation)
        #expect(r.stderrLines.count == 1, "\(r.summary)", sourceLocation: sourceLocation)
        #expect(r.stderr.hasPrefix("celedger: "), "\(r.summary)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(text), "expected \"\(text)\" in: \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stdout.isEmpty, "\(r.summary)", sourceLocation: sourceLocation)
    }

    @Test("a text file given as --db: exit 3, one line, the file unchanged, nothing created beside it")
    func textFileIsNotALedger() throws {
        let s = try Sandbox()
        let notes = try s.write("notes.txt", "这不是登记簿\nnot a ledger\n")
        let before = s.bytes(notes)
        let listing = s.listing()
        for args in [
            ["init"], ["export", "persons"], ["report", "annual", "--year", "2024"],
            ["import", "persons", try s.write("p.csv", "id_number,name\n\(Staff.zhang),张三\n")],
        ] {
            let r = try s.run(args + ["--db", notes], db: false)
            Self.expectOneLine(r, status: 3, contains: "\(notes) is not a celedger ledger (left untouched)")
        }
        #expect(sameBytes(s.bytes(notes), before), "the file was changed")
        #expect(s.listing() == (listing + ["p.csv"]).sorted(), "only the CSV written by the test is new")
        let zh = try s.run(["init", "--db", notes], db: false, lang: "zh")
        Self.expectOneLine(zh, status: 3, contains: "不是 celedger 登记簿（未做任何改动）")
    }

    @Test("another application's SQLite database: exit 3, byte-for-byte unchanged", .enabled(if: Paths.sqlite3 != nil))
    func foreignSQLiteDatabase() throws {
        let s = try Sandbox()
        let other = s.path("other-app.db")
        try Self.sqlite(other, "CREATE TABLE invoice (id INTEGER PRIMARY KEY, amount REAL); INSERT INTO invoice VALUES (1, 9.5);")
        let before = s.bytes(other)
        let listing = s.listing()
        for args in [["init"], ["export", "records"], ["demo", "--persons", "5"]] {
            let r = try s.run(args + ["--db", other], db: false)
            Self.expectOneLine(r, status: 3, contains: "is not a celedger ledger")
        }
        #expect(sameBytes(s.bytes(other), before), "the database was changed")
        #expect(s.listing() == listing)
    }

    @Test(
        "another application's SQLite database in WAL mode: unchanged, and no -wal/-shm files left beside it",
        .enabled(if: Paths.sqlite3 != nil))
    func foreignWALDatabaseLeavesNoSideFiles() throws {
        let s = try Sandbox()
        let other = s.path("wal-app.db")
        try Self.sqlite(other, "PRAGMA journal_mode=WAL; CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        let before = s.bytes(other)
        let listing = s.listing()
        #expect(listing == ["home", "wal-app.db"], "sqlite3 itself leaves no side files")
        let r = try s.run(["init", "--db", other], db: false)
        Self.expectOneLine(r, status: 3, contains: "is not a celedger ledger (left untouched)")
        #expect(sameBytes(s.bytes(other), before), "the database was changed")
        // "Left untouched" includes not littering the folder with -wal and -shm files.
        #expect(
            s.listing() == listing,
            "BUG: files created beside a foreign database: \(Set(s.listing()).subtracting(listing).sorted())")
    }

    @Test("a corrupt ledger: exit 3, 'corrupt', bytes unchanged")
    func corruptLedger() throws {
        let s = try Sandbox()
        try s.importOK("persons", "p.csv", "id_number,name\n\(Staff.zhang),张三\n")
        var bytes = try #require(s.bytes(s.db))
        #expect(bytes.count >= 8192)
        // Keep the 100-byte header (so it still looks like our ledger) and wreck every page after it.
        for i in 100..<bytes.count { bytes[i] = UInt8(truncatingIfNeeded: i &* 31 &+ 7) }
        try bytes.write(to: URL(fileURLWithPath: s.db))
        for args in [["export", "persons"], ["report", "annual", "--year", "2024"]] {
            let r = try s.run(args)
            Self.expectOneLine(r, status: 3, contains: "corrupt")
        }
        #expect(sameBytes(s.bytes(s.db), bytes), "the corrupt ledger was changed")
        // A file cut short is no better.
        let short = s.path("short.sqlite")
        try Data(bytes.prefix(2000)).write(to: URL(fileURLWithPath: short))
        let r = try s.run(["export", "persons", "--db", short], db: false)
        #expect(r.status == 3, "\(r.summary)")
        #expect(r.stderrLines.count == 1)
        #expect(sameBytes(s.bytes(short), Data(bytes.prefix(2000))), "the cut-short ledger was changed")
    }

    @Test("--db pointing to a directory: exit 3, one line")
    func dbIsADirectory() throws {
        let s = try Sandbox()
        try FileManager.default.createDirectory(atPath: s.path("folder"), withIntermediateDirectories: true)
        let r = try s.run(["init", "--db", s.path("folder")], db: false)
        Self.expectOneLine(r, status: 3, contains: "\(s.path("folder")) is a directory, not a ledger file")
        #expect(s.listing(s.path("folder")).isEmpty)
    }

    @Test("a ledger where nothing can be written: under /proc, or below a regular file: exit 3, one line")
    func unwritableLocations() throws {
        let s = try Sandbox()
        let r1 = try s.run(["init", "--db", "/proc/celedger-test/ledger.sqlite"], db: false)
        Self.expectOneLine(r1, status: 3, contains: "/proc/celedger-test")
        let r2 = try s.run(["init", "--db", "/proc/ledger.sqlite"], db: false)
        Self.expectOneLine(r2, status: 3, contains: "cannot create the ledger /proc/ledger.sqlite")
        let file = try s.write("plain.txt", "x")
        let r3 = try s.run(["init", "--db", file + "/ledger.sqlite"], db: false)
        Self.expectOneLine(r3, status: 3, contains: "cannot create the ledger \(file)/ledger.sqlite: Not a directory")
        let r4 = try s.run(["init", "--db", file + "/sub/ledger.sqlite"], db: false)
        Self.expectOneLine(r4, status: 3, contains: "\(file)/sub")
        #expect(try s.read("plain.txt") == "x")
        // The same through XDG_DATA_HOME.
        let r5 = try s.run(["init"], db: false, env: ["XDG_DATA_HOME": file])
        Self.expectOneLine(r5, status: 3, contains: file)
    }

    @Test("importing a file that is missing or is a directory: exit 1, one line, ledger unchanged")
    func missingImportFile() throws {
        let s = try Sandbox()
        try s.importOK("persons", "p.csv", "id_number,name\n\(Staff.zhang),张三\n")
        let before = try s.export("persons")
        let r = try s.run(["import", "persons", s.path("nope.csv")])
        Self.expectOneLine(r, status: 1, contains: "cannot open \(s.path("nope.csv")): No such file or directory")
        let zh = try s.run(["import", "records", s.path("nope.csv")], lang: "zh")
        Self.expectOneLine(zh, status: 1, contains: "无法打开 \(s.path("nope.csv"))")
        let dir = try s.run(["import", "records", s.path("home")])
        Self.expectOneLine(dir, status: 1, contains: "is a directory, not a CSV file")
        #expect(try s.export("persons") == before)
        // A missing input never creates a ledger either.
        let fresh = try s.run(["import", "persons", s.path("nope.csv"), "--db", s.path("fresh.sqlite")], db: false)
        #expect(fresh.status == 1)
        #expect(!s.exists(s.path("fresh.sqlite")))
    }

    @Test("usage errors (bad option, value or argument) exit with status 2, as documented; never a trace")
    func usageErrors() throws {
        let s = try Sandbox()
        let cases: [[String]] = [
            ["import", "persons"],
            ["export", "people"],
            ["report", "annual", "--format", "xml"],
            ["report", "annual", "--status", "done"],
            ["demo", "--persons", "0"],
            ["demo", "--years", "2025-2021"],
            ["init", "--lang", "fr"],
            ["init", "--no-such-option"],
        ]
        for args in cases {
            let r = try s.run(args, lang: args.contains("--lang") ? nil : "en")
            #expect(!r.stderr.isEmpty, "\(r.summary)")
            #expect(r.stdout.isEmpty, "\(r.summary)")
            #expect(
                r.status == 2,
                "usage error for \(args.joined(separator: " ")) exited \(r.status), docs/cli.md and Context.swift say 2")
        }
    }

    @Test(
        "a ledger locked by another process: waits a few seconds, then one line and exit 3; a short lock is waited out",
        .enabled(if: Paths.sqlite3 != nil))
    func lockedLedger() async throws {
        let s = try Sandbox()
        try s.importOK("persons", "p.csv", "id_number,name\n\(Staff.zhang),张三\n")
        let records = try s.write(
            "r.csv", "id_number,mode,category,title,end_date,claimed_hours\n\(Staff.zhang),training,public,a,2024-01-01,3\n")

        // Held longer than celedger waits.
        let holder = try LockHolder(s.db)
        let r = try await s.runAsync(["import", "records", records])
        holder.release()
        Self.expectOneLine(r, status: 3, contains: "is locked by another process")
        #expect(r.seconds >= 2, "gave up after \(r.seconds) s without waiting")
        #expect(csvRecords(try s.export("records")).rows.isEmpty)

        // Held for a moment only: the import waits and succeeds.
        let brief = try LockHolder(s.db)
        DispatchQueue.global().asyncAfter(deadline: .now() + 1.0) { brief.release() }
        let r2 = try await s.runAsync(["import", "records", records])
        #expect(r2.status == 0, "\(r2.summary)")
        #expect(csvRecords(try s.export("records")).rows.count == 1)
    }

    @Test(
        "reading (export, report) works while another process holds a write transaction",
        .enabled(if: Paths.sqlite3 != nil))
    func readersAreNotBlockedByAWriter() async throws {
        let s = try Sandbox()
        try s.importOK("persons", "p.csv", "id_number,name\n\(Staff.zhang),张三\n")
        let holder = try LockHolder(s.db)
        defer { holder.release() }
        async let export = s.runAsync(["export", "persons"])
        async let report = s.runAsync(["report", "annual", "--year", "2024", "--format", "csv"])
        let (e, r) = try await (export, report)
        holder.release()
        // The ledger is in WAL mode: readers need no lock. A long import must not stop a clerk's report.
        #expect(e.status == 0, "BUG: export failed while another process writes: \(e.summary)")
        #expect(r.status == 0, "BUG: report failed while another process writes: \(r.summary)")
        #expect(e.stdout.contains("张三"))
    }

    @Test("read-only commands (export, report, a dry run) leave the ledger file byte-for-byte as it was")
    func readOnlyCommandsDoNotWrite() throws {
        let s = try Sandbox()
        try s.importOK("persons", "p.csv", "id_number,name\n\(Staff.zhang),张三\n")
        let before = try #require(s.bytes(s.db))
        try s.ok(["export", "persons"])
        try s.ok(["report", "annual", "--year", "2024", "--format", "json"])
        let dry = try s.write(
            "r.csv", "id_number,mode,category,title,end_date,claimed_hours\n\(Staff.zhang),training,public,a,2024-01-01,3\n")
        try s.ok(["import", "records", dry, "--dry-run"])
        let after = try #require(s.bytes(s.db))
        #expect(
            sameBytes(after, before),
            "BUG: reading the ledger rewrote it (\(before.count) → \(after.count) bytes; the schema cookie at offset 40 went from \(Self.cookie(before)) to \(Self.cookie(after)))"
        )
    }

    /// SQLite's schema cookie (header offset 40, big-endian): bumped by every schema change.
    static func cookie(_ d: Data) -> Int {
        guard d.count >= 44 else { return -1 }
        return d[40..<44].reduce(0) { $0 << 8 | Int($1) }
    }

    // MARK: helpers

    static func sqlite(_ path: String, _ sql: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try #require(Paths.sqlite3))
        p.arguments = [path, sql]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
    }
}

/// Another process (sqlite3) holding the ledger's write lock until released.
final class LockHolder: @unchecked Sendable {
    let process = Process()
    let input = Pipe()
    let output = Pipe()
    private let lock = NSLock()
    private var released = false

    init(_ path: String) throws {
        guard let sqlite3 = Paths.sqlite3 else { throw SetupError("no sqlite3") }
        process.executableURL = URL(fileURLWithPath: sqlite3)
        process.arguments = [path]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data("PRAGMA busy_timeout=5000;\nBEGIN IMMEDIATE;\nSELECT 'held';\n".utf8))
        // Wait until sqlite3 says it holds the lock.
        var seen = Data()
        let deadline = Date().addingTimeInterval(10)
        while !String(decoding: seen, as: UTF8.self).contains("held") && Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen.append(chunk)
        }
        guard String(decoding: seen, as: UTF8.self).contains("held") else {
            release()
            throw SetupError("sqlite3 did not take the lock")
        }
    }

    /// Ends sqlite3 (its transaction rolls back) and waits for it.
    func release() {
        lock.lock()
        defer { lock.unlock() }
        guard !released else { return }
        released = true
        try? input.fileHandleForWriting.write(contentsOf: Data("ROLLBACK;\n.quit\n".utf8))
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    deinit { release() }
}
