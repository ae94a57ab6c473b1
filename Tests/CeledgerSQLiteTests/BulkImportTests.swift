import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import Foundation
import GRDB
import Testing

@testable import CeledgerSQLite

/// An import writes its records many to a statement, and their history rows and summary marks set-wise
/// afterwards (dropping and rebuilding slow indexes when the import is large): the ledger it leaves must be
/// exactly the one the per-row triggers leave, duplicate for duplicate.
@Suite struct BulkImportTests {
    static let persons = (0..<12).map {
        ResidentID.make(region: "360102", birth: Day(year: 1975 + $0, month: 2, day: 3)!, sequence: 10 + $0)
    }

    static func personsCSV() -> String {
        "id_number,name\n" + persons.enumerated().map { "\($1.value),人\($0)" }.joined(separator: "\n")
    }

    /// Random records in 2023–2025, with duplicates inside a batch, across batch boundaries and of rows
    /// already in the ledger (`earlier`).
    static func recordsCSV(seed: UInt64, rows: Int, earlier: [String] = []) -> (csv: String, lines: [String]) {
        var rng = SeededRandom(seed: seed)
        var lines: [String] = []
        for i in 0..<rows {
            if !lines.isEmpty && Int.random(in: 0..<9, using: &rng) == 0 {
                lines.append(lines.randomElement(using: &rng)!)  // a duplicate of an earlier row of the file
                continue
            }
            if !earlier.isEmpty && Int.random(in: 0..<15, using: &rng) == 0 {
                lines.append(earlier.randomElement(using: &rng)!)  // already in the ledger
                continue
            }
            let person = persons.randomElement(using: &rng)!
            let end = Day(
                year: Int.random(in: 2023...2025, using: &rng), month: Int.random(in: 1...12, using: &rng),
                day: Int.random(in: 1...28, using: &rng))!
            let mode = ["training", "online", "academic", "practice"].randomElement(using: &rng)!
            let category = ["public", "professional"].randomElement(using: &rng)!
            let hours = Int.random(in: 1...40, using: &rng)
            let recognition = ["recognized", "pending", "rejected"].randomElement(using: &rng)!
            let recognized = recognition == "rejected" ? "" : "\(hours)"
            let note = recognition == "rejected" ? "不符合" : ""
            // Two days: up to 48 hours fit the span (Plausibility).
            lines.append(
                "\(person.value),\(mode),\(category),课程\(seed)-\(i),\(end.adding(days: -1).iso),\(end.iso),\(hours),\(recognized),\(recognition),\(note)"
            )
        }
        return (
            "id_number,mode,category,title,start_date,end_date,claimed_hours,recognized_hours,recognition,recognition_note\n"
                + lines.joined(separator: "\n"), lines
        )
    }

    static func dump(_ l: SQLiteLedger) throws -> [String] {
        try l.db.read { db in
            var out = try String.fetchAll(
                db, sql: "SELECT type || ' ' || name || ': ' || sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
            out += try Row.fetchAll(
                db,
                sql: """
                    SELECT id, person_id, mode, category, title, start_date, end_date, year, assessment, claimed_tenths,
                           recognized_tenths, recognition, recognition_note, reviewed_by FROM record ORDER BY id
                    """
            ).map(\.description)
            out += try Row.fetchAll(
                db, sql: "SELECT id, actor, action, entity, entity_id, id_number, old_values, new_values FROM history ORDER BY id"
            ).map(\.description)
            out += try Row.fetchAll(db, sql: "SELECT * FROM person_year ORDER BY year, person_id").map(\.description)
            out += try Row.fetchAll(db, sql: "SELECT * FROM summary_dirty").map(\.description)
            return out
        }
    }

    @Test func theBatchedDeferredImportLeavesTheLedgerThePerRowTriggersLeave() throws {
        let first = Self.recordsCSV(seed: 1, rows: 150)
        let second = Self.recordsCSV(seed: 2, rows: 700, earlier: first.lines)
        var reports: [[String]] = []
        var dumps: [[String]] = []
        for deferred in [true, false] {
            let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
            _ = try importing(l, .person, Self.personsCSV())
            var options = ImportOptions()
            options.deferUpkeep = deferred
            options.rebuildIndexesFrom = 1  // drop and rebuild the indexes even for these few rows
            var lines: [String] = []
            for file in [first.csv, second.csv] {
                let r = try importing(l, .record, file, options)
                #expect(r.committed && r.errors.isEmpty)
                lines.append(
                    "inserted \(r.inserted) duplicates \(r.duplicateCount): "
                        + r.duplicates.map { "\($0.line)" }.joined(separator: " "))
            }
            reports.append(lines)
            dumps.append(try Self.dump(l))
            #expect(try l.db.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
            // Both ways every history entry is linked in the hash chain, and the chain verifies (its links
            // differ between the two ledgers only by the entries' times).
            #expect(
                try l.db.read {
                    try Int.fetchOne($0, sql: "SELECT count(*) FROM history_chain")
                        == Int.fetchOne($0, sql: "SELECT count(*) FROM history")
                })
            #expect(try l.check().filter { $0.severity == .error }.map(\.message.en) == [])
        }
        #expect(reports[0] == reports[1])
        #expect(dumps[0] == dumps[1])
        // The second file did have duplicates, of its own rows and of the first file's, spread over
        // its eleven 64-row batches.
        #expect(reports[0][1].split(separator: " ").count > 4 + 60)
        // Exactly the rows seen before, in the ledger or earlier in the file, by line (the header is line 1).
        var seen = Set(first.lines)
        var expected: [Int] = []
        for (i, line) in second.lines.enumerated() where !seen.insert(line).inserted { expected.append(i + 2) }
        #expect(
            reports[0][1] == "inserted \(second.lines.count - expected.count) duplicates \(expected.count): "
                + expected.map(String.init).joined(separator: " "))
        // And the summary is what the domain makes of the records.
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        _ = try importing(l, .person, Self.personsCSV())
        _ = try importing(l, .record, second.csv)
        try l.db.read { db in
            for year in 2023...2025 {
                for person in try Int64.fetchAll(db, sql: "SELECT id FROM person") {
                    let stored = try Row.fetchOne(
                        db, sql: "SELECT total_tenths, needed_tenths FROM person_year WHERE year = ? AND person_id = ?",
                        arguments: [year, person])
                    let live = try l.evaluate(personRowID: person, year: year, db).totals
                    #expect(
                        stored?["total_tenths"] == live.totalHours.tenths && stored?["needed_tenths"] == live.hoursNeeded.tenths)
                }
            }
        }
    }

    @Test func aRefusedImportLeavesTheTriggersAndIndexesItDroppedAndWritesNothing() throws {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        _ = try importing(l, .person, Self.personsCSV())
        _ = try importing(l, .record, Self.recordsCSV(seed: 3, rows: 100).csv)
        let before = try Self.dump(l)
        var options = ImportOptions()
        options.rebuildIndexesFrom = 1
        // 200 good rows (three batches written), then one with an impossible date.
        let bad = Self.recordsCSV(seed: 4, rows: 200).csv + "\n\(Self.persons[0].value),training,public,坏,2024-02-30,8,,pending,"
        let r = try importing(l, .record, bad, options)
        #expect(!r.committed)
        #expect(r.errors.map(\.line) == [202])
        #expect(try Self.dump(l) == before)
    }
}
