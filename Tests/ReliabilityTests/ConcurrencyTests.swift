import CeledgerTestSupport
import Foundation
import GRDB
import Testing

// Two processes at once on one ledger: writers queue behind SQLite's write lock for up to the 5 s busy
// timeout, then give up with one clear line (exit 3); readers never wait (WAL); nothing is lost or doubled.

/// `imported records: 1,234 added, 56 duplicates skipped` → (1234, 56).
func importedCounts(_ stdout: String) -> (added: Int, duplicates: Int)? {
    func number(before word: String) -> Int? {
        guard let r = stdout.range(of: " " + word) else { return nil }
        let digits = stdout[..<r.lowerBound].reversed().prefix { $0.isNumber || $0 == "," }.reversed().filter(\.isNumber)
        return Int(String(digits))
    }
    guard let added = number(before: "added") else { return nil }
    return (added, number(before: "duplicate") ?? 0)
}

/// A write lock held by a connection of this process (`BEGIN IMMEDIATE`), until released.
final class InProcessLock: @unchecked Sendable {
    let queue: DatabaseQueue
    init(_ path: String) throws {
        var c = Configuration()
        // The transaction is left open between two accesses on purpose.
        c.allowsUnsafeTransactions = true
        queue = try DatabaseQueue(path: path, configuration: c)
        try queue.inDatabase { try $0.execute(sql: "BEGIN IMMEDIATE") }
    }
    func release() throws {
        try queue.inDatabase { db in if db.isInsideTransaction { try db.execute(sql: "ROLLBACK") } }
        try queue.close()
    }
}

@Suite("Two processes at once")
struct ConcurrencyTests {
    @Test(
        "two imports of overlapping files started at once: each succeeds (one waits) or fails with one 'locked' line and exit 3; the count is exactly what the successful ones added"
    )
    func twoImportsAtOnce() async throws {
        let f = try await DemoFixture.get()
        let s = try Sandbox()
        try Probe.copyLedger(f.personsOnlyLedger, to: s.db)
        let (header, rows) = dataLines(try String(contentsOfFile: f.recordsCSV, encoding: .utf8))
        // A: the first 60% of the rows; B: the last 60%; the middle 20% is in both.
        let cutA = rows.count * 6 / 10, cutB = rows.count * 4 / 10
        let a = try s.write("a.csv", ([header] + rows[..<cutA]).joined(separator: "\n") + "\n")
        let b = try s.write("b.csv", ([header] + rows[cutB...]).joined(separator: "\n") + "\n")

        let pa = try s.start(["import", "records", a])
        let pb = try s.start(["import", "records", b])
        let (ra, rb) = await (pa.finished(), pb.finished())
        var added = 0
        var succeeded: [String] = []
        for (name, r) in [("a.csv", ra), ("b.csv", rb)] {
            expectNoCrash(r)
            if r.status == 0 {
                let counts = try #require(importedCounts(r.stdout), "\(r.summary)")
                added += counts.added
                succeeded.append(name)
            } else {
                #expect(r.status == 3, "neither success nor 'locked': \(r.summary)")
                #expect(r.stderrLines.count == 1 && r.stderr.contains("locked"), "\(r.summary)")
            }
        }
        #expect(!succeeded.isEmpty, "both imports failed:\n\(ra.summary)\n\(rb.summary)")
        let state = try Probe.inspect(s.db)
        #expect(state.integrity == "ok")
        let expected = succeeded.count == 2 ? rows.count : succeeded == ["a.csv"] ? cutA : rows.count - cutB
        #expect(state.records == expected, "records after \(succeeded): \(state.records), expected \(expected)")
        #expect(
            added == state.records,
            "the imports say they added \(added) records, the ledger has \(state.records): something was counted twice or lost")
        print(
            "two imports: \(succeeded) succeeded; a \(String(format: "%.2f", ra.seconds)) s, b \(String(format: "%.2f", rb.seconds)) s"
        )
    }

    @Test(
        "while an import holds the write lock (stopped mid-transaction): report and export work at once and see the last committed state; a second writer waits 5 s, then exit 3 'locked'; the import then completes"
    )
    func readersDoNotWaitForAWriter() async throws {
        let f = try await DemoFixture.get()
        let s = try Sandbox()
        try Probe.copyLedger(f.personsOnlyLedger, to: s.db)
        let (header, rows) = dataLines(try String(contentsOfFile: f.recordsCSV, encoding: .utf8))
        let first = try s.write("first.csv", ([header] + rows[..<200]).joined(separator: "\n") + "\n")
        let rest = try s.write("rest.csv", ([header] + rows[200...]).joined(separator: "\n") + "\n")
        try await s.ok(["import", "records", first])
        let committed = try await s.ok(["export", "records"]).stdout

        let importer = try s.start(["import", "records", rest])
        let position = ReadPosition(pid: importer.pid, file: rest)
        let restSize = fileSize(rest)
        let inside = await poll(while: importer) {
            Paths.hasProcFDInfo ? (position.offset() ?? 0) >= restSize / 10 : fileSize(s.db + "-wal") > 2_000_000
        }
        try #require(inside, "the import ended before it could be stopped inside its transaction")
        importer.signal(SIGSTOP)
        defer { importer.signal(SIGCONT) }

        // A change to a person: must wait for the lock, then give up.
        let person = dataLines(try String(contentsOfFile: f.personsCSV, encoding: .utf8)).rows[0].split(separator: ",")
        let changed = try s.write("p.csv", "id_number,name,department\n\(person[0]),\(person[1]),改过的部门\n")
        let writer = try s.start(["import", "persons", changed])
        async let report = s.run(["report", "annual", "--year", "2024", "--format", "csv"])
        async let exportRecords = s.run(["export", "records"])
        async let exportPersons = s.run(["export", "persons", "--format", "json"])
        let (rr, er, ep) = try await (report, exportRecords, exportPersons)
        for r in [rr, er, ep] {
            #expect(r.status == 0, "a reader failed while an import holds the write lock: \(r.summary)")
            #expect(r.seconds < 4, "a reader waited for the writer (\(r.seconds) s): \(r.arguments)")
        }
        #expect(
            er.stdout == committed,
            "export during the import shows uncommitted rows (\(dataLines(er.stdout).rows.count) records, committed 200)")
        #expect(rr.stdout.hasPrefix("\u{FEFF}id_number,"), "\(rr.summary)")

        let w = await writer.finished()
        expectNoCrash(w)
        #expect(w.status == 3, "\(w.summary)")
        #expect(w.stderrLines.count == 1 && w.stderr.contains("locked"), "\(w.summary)")
        #expect(w.seconds >= 4.5, "gave up after \(w.seconds) s; the busy timeout is 5 s")
        #expect(importer.isRunning, "the stopped import ended")

        importer.signal(SIGCONT)
        let done = await importer.finished()
        expectNoCrash(done)
        #expect(done.status == 0, "\(done.summary)")
        let state = try Probe.inspect(s.db)
        #expect(state.integrity == "ok")
        #expect(state.records == rows.count, "\(state)")
        let persons = try await s.ok(["export", "persons"]).stdout
        #expect(!persons.contains("改过的部门"), "the refused person change is in the ledger")
    }

    @Test(
        "a write lock held longer than the 5 s timeout: import waits, then exit 3 and one line mentioning 'locked'; the ledger is unchanged"
    )
    func aLockHeldTooLong() async throws {
        let s = try Sandbox()
        let ids = personIDs(3)
        try await s.ok(["import", "persons", try s.write("p.csv", personsCSV(ids))])
        try await s.ok(["import", "records", try s.write("r1.csv", recordsCSV(ids, perPerson: 2))])
        let before = try await s.snapshot()
        let more = try s.write("r2.csv", recordsCSV(ids, perPerson: 3, tag: "新课"))

        let holder = try InProcessLock(s.db)
        let r = try await s.run(["import", "records", more])
        // Readers still work while the lock is held.
        let during = try await s.snapshot()
        try holder.release()
        #expect(r.status == 3, "\(r.summary)")
        #expect(r.stderrLines.count == 1, "\(r.summary)")
        #expect(r.stderr.contains("locked"), "\(r.summary)")
        #expect(r.seconds >= 4.5, "gave up after \(r.seconds) s; the busy timeout is 5 s")
        #expect(during == before)
        #expect(try await s.snapshot() == before, "the ledger changed although the import failed")
        #expect(try Probe.inspect(s.db).integrity == "ok")
    }
}
