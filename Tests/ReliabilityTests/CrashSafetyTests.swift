import CeledgerTestSupport
import Foundation
import Testing

// Crash safety: the real binary is SIGKILLed at chosen moments of a large import and of `demo`. After every
// kill the ledger must pass PRAGMA integrity_check and hold either everything or nothing of what the
// killed command was writing; the next normal run must then work on the ledger exactly as the kill left
// it (SQLite's recovery of the hot -wal is left to celedger itself: the checks look at a copy).

/// When to kill.
enum KillMoment: CustomStringConvertible, Sendable {
    /// A fixed time after the start (startup, opening the ledger).
    case afterMilliseconds(Int)
    /// When the child has read this fraction of the CSV file: inside the import's transaction.
    case readFraction(Double)
    /// As soon as the whole CSV has been read: the commit is under way or about to be.
    case readAll
    /// When the -wal has grown to this fraction of its size in a full run (demo: inside its transaction).
    case walFraction(Double)
    /// When the ledger file itself starts to grow: the checkpoint that copies the committed -wal into it.
    case ledgerGrows

    var description: String {
        switch self {
        case .afterMilliseconds(let ms): "\(ms) ms after start"
        case .readFraction(let f): "\(Int(f * 100))% of the CSV read"
        case .readAll: "whole CSV read (commit)"
        case .walFraction(let f): "-wal at \(Int(f * 100))% of a full run's"
        case .ledgerGrows: "ledger file growing (checkpoint after commit)"
        }
    }
}

@Suite("Crash safety: SIGKILL in the middle of writing")
struct CrashSafetyTests {
    /// Kills `process` at `moment`. Returns true if it was killed, false if it ended by itself first.
    /// Without /proc (not Linux), progress moments fall back to the same fraction of `fullRun` seconds.
    static func kill(
        _ process: RunningProcess, at moment: KillMoment, csv: String?, ledger: String,
        fullRun: Double, fullWAL: Int
    ) async -> Bool {
        let position = csv.map { ReadPosition(pid: process.pid, file: $0) }
        let csvSize = csv.map(fileSize) ?? 0
        let ledgerSize = fileSize(ledger)
        let fired = await poll(while: process) {
            switch moment {
            case .afterMilliseconds(let ms):
                return process.elapsed * 1000 >= Double(ms)
            case .readFraction(let f):
                if Paths.hasProcFDInfo, let position { return (position.offset() ?? 0) >= Int(Double(csvSize) * f) }
                return process.elapsed >= fullRun * f
            case .readAll:
                if Paths.hasProcFDInfo, let position { return (position.offset() ?? 0) >= csvSize }
                return process.elapsed >= fullRun * 0.97
            case .walFraction(let f):
                return fileSize(ledger + "-wal") >= Int(Double(fullWAL) * f)
            case .ledgerGrows:
                // Beyond its first page: switching a new file to WAL writes that header page on its own,
                // racing the -wal's appearance; only the checkpoint after the commit writes more.
                return fileSize(ledger) > max(ledgerSize, 4096)
            }
        }
        if fired { Foundation.kill(process.pid, SIGKILL) }
        return fired
    }

    @Test(
        "import records of a large file, SIGKILLed at 8 moments from startup to the checkpoint: integrity ok, all or nothing, then a normal import completes"
    )
    func killedImportIsAllOrNothing() async throws {
        let f = try await DemoFixture.get()
        let s = try Sandbox()
        let ledger = s.db
        try Probe.copyLedger(f.personsOnlyLedger, to: ledger)

        // One full run first (on a copy), to see how long it takes and that it imports everything.
        let measured = s.path("measured.sqlite")
        try Probe.copyLedger(f.personsOnlyLedger, to: measured)
        let full = try await s.ok(["import", "records", f.recordsCSV], db: measured)
        #expect(
            full.stdout.contains("imported records: \(grouped(f.records)) added"),
            "\(full.summary)")
        let fullRun = full.seconds
        let reference = try Probe.inspect(measured)
        #expect(reference.records == f.records)
        #expect(
            reference.objects.isSuperset(of: ["record_insert_history", "summary_record_insert", "record_year", "history_person"]))

        let moments: [KillMoment] = [
            .afterMilliseconds(3), .readFraction(0.05), .ledgerGrows, .afterMilliseconds(40),
            .readFraction(0.3), .readAll, .readFraction(0.6), .readFraction(0.9),
        ]
        var log: [String] = ["full run: \(String(format: "%.2f", fullRun)) s for \(f.records) records"]
        for moment in moments {
            let p = try s.start(["import", "records", f.recordsCSV], db: ledger)
            let killed = await Self.kill(p, at: moment, csv: f.recordsCSV, ledger: ledger, fullRun: fullRun, fullWAL: 0)
            let r = await p.finished()
            let state = try Probe.inspect(ledger)
            log.append(
                "\(moment): \(killed ? "killed after \(String(format: "%.3f", r.seconds)) s" : "ended by itself (exit \(r.status))") → \(state)"
            )

            #expect(state.integrity == "ok", "after a kill at \(moment): \(state)")
            #expect(state.foreignKeyProblems == 0, "after a kill at \(moment): \(state)")
            #expect(state.persons == f.persons, "after a kill at \(moment): \(state)")
            // The triggers and indexes the import drops inside its transaction are there, whenever it died.
            #expect(
                state.objects == reference.objects,
                "after a kill at \(moment): \(reference.objects.symmetricDifference(state.objects))")
            #expect(
                state.records == 0 || state.records == f.records,
                "an import killed at \(moment) left \(state.records) of \(f.records) records: not all-or-nothing")
            if killed {
                #expect(r.killedBySignal, "\(r.summary)")
                switch moment {
                case .readFraction where Paths.hasProcFDInfo:
                    // The file was not fully read yet: nothing can have been committed.
                    #expect(
                        state.records == 0, "killed at \(moment), before the end of the file, yet \(state.records) records are in"
                    )
                case .ledgerGrows:
                    // The checkpoint copies a committed transaction: it is all in.
                    #expect(
                        state.records == f.records, "killed during the checkpoint after the commit, yet \(state.records) records")
                default: break
                }
            } else {
                #expect(r.status == 0, "the import ended by itself, but not well: \(r.summary)")
                #expect(state.records == f.records)
            }
            if state.records != 0 {
                // Start the next kill from a ledger without records again.
                try Probe.copyLedger(f.personsOnlyLedger, to: ledger)
            }
        }
        // The moments meant to land inside the transaction did, most of them: otherwise this test shows
        // nothing. (When every core is busy with other tests, this test's polling task can wake too late
        // for one of them: the import, all of 19,100 records, ends by itself in a couple of seconds.)
        #expect(log.filter { $0.contains("% of the CSV read: killed") }.count >= 3, "\(log.joined(separator: "\n"))")

        // The ledger as the last kill left it (a hot -wal, no records): a normal import recovers and completes.
        let before = try Probe.inspect(ledger)
        #expect(before.records == 0)
        let final = try await s.run(["import", "records", f.recordsCSV], db: ledger)
        #expect(final.status == 0, "\(final.summary)")
        let after = try Probe.inspect(ledger)
        #expect(after.integrity == "ok")
        #expect(after.records == f.records, "after the final import: \(after)")
        // And the ledger reads back exactly what was imported.
        // Compared as bytes: String(contentsOfFile:encoding: .utf8) drops the byte-order mark exports start with.
        let exported = try await s.ok(["export", "records"], db: ledger).stdoutData
        #expect(
            exported == FileManager.default.contents(atPath: f.recordsCSV),
            "export after the crashes differs from the imported file")
        print(log.joined(separator: "\n"))
    }

    @Test(
        "demo SIGKILLed while writing and during its checkpoint: integrity ok, no persons or all of them; demo then completes on the crashed ledger"
    )
    func killedDemoIsAllOrNothing() async throws {
        let s = try Sandbox()
        let persons = 1500
        let args = ["demo", "--persons", String(persons), "--years", "2024-2025", "--seed", "5"]

        // A full run, watching how large its -wal grows.
        let measured = s.path("measured.sqlite")
        let m = try s.start(args, db: measured)
        var fullWAL = 0
        _ = await poll(while: m, limit: 60) {
            fullWAL = max(fullWAL, fileSize(measured + "-wal"))
            return false
        }
        let full = await m.finished()
        #expect(full.status == 0, "\(full.summary)")
        let complete = try Probe.inspect(measured)
        #expect(complete.persons == persons)
        // When the test process is too busy to watch the -wal grow (all tests share two cores), kill at
        // fractions of the full run's time instead; the guarantee checked afterwards is the same.
        let watched = fullWAL > 1_000_000
        let ms = Int(full.seconds * 1000)
        // A demo this size keeps its whole transaction in the page cache, so the -wal grows only while it
        // commits, a moment easily missed; and on a busy machine the full run's time as this test sees it
        // can be many times the real one (the test's own tasks wake late). So the first kill comes by the
        // clock, 200 ms after the start, and not before the ledger exists (a busy machine can take longer
        // than that to start the process): the demo is still generating then.
        let moments: [KillMoment] =
            watched
            ? [.afterMilliseconds(200), .walFraction(0.5), .ledgerGrows, .walFraction(0.85)]
            : [.afterMilliseconds(200), .afterMilliseconds(ms / 2), .ledgerGrows, .afterMilliseconds(ms * 85 / 100)]
        var log: [String] = ["full run: \(String(format: "%.2f", full.seconds)) s, -wal up to \(fullWAL) bytes, \(complete)"]
        var lastEmpty: String?
        for (i, moment) in moments.enumerated() {
            let ledger = s.path("killed-\(i).sqlite")
            let p = try s.start(args, db: ledger)
            if case .ledgerGrows = moment {
                // The new ledger file is empty until the first checkpoint; wait for it to exist first.
                _ = await poll(while: p) { FileManager.default.fileExists(atPath: ledger + "-wal") }
            } else {
                _ = await poll(while: p) { FileManager.default.fileExists(atPath: ledger) }
            }
            let killed = await Self.kill(p, at: moment, csv: nil, ledger: ledger, fullRun: full.seconds, fullWAL: fullWAL)
            let r = await p.finished()
            let state = try Probe.inspect(ledger)
            log.append(
                "\(moment): \(killed ? "killed after \(String(format: "%.3f", r.seconds)) s" : "ended by itself (exit \(r.status))") → \(state)"
            )
            #expect(state.integrity == "ok", "after a kill at \(moment): \(state)")
            #expect(
                (state.persons == 0 && state.records == 0) || (state.persons == persons && state.records == complete.records),
                "demo killed at \(moment) left \(state): not all-or-nothing")
            if killed, case .walFraction = moment {
                #expect(state.persons == 0, "killed at \(moment), before its commit, yet \(state)")
            }
            if killed, case .ledgerGrows = moment {
                #expect(state.persons == persons, "killed during the checkpoint after the commit, yet \(state)")
            }
            if state.persons == 0 { lastEmpty = ledger }
        }
        let ledger = try #require(lastEmpty, "no kill left an empty ledger:\n\(log.joined(separator: "\n"))")
        let again = try await s.run(args, db: ledger)
        #expect(again.status == 0, "demo on a ledger left by a kill: \(again.summary)")
        let state = try Probe.inspect(ledger)
        #expect(state.integrity == "ok")
        #expect(state.persons == persons && state.records == complete.records, "\(state)")
        print(log.joined(separator: "\n"))
    }
}
