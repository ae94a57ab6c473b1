import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import Foundation
internal import GRDB

/// Each person's totals per year, kept in `person_year` and computed by the domain
/// (`AnnualTotals.evaluate`), never by SQL: SQL only finds which person-years changed (triggers fill
/// `summary_dirty`) and pages through the results by index. Every write transaction settles what it made
/// dirty before it commits, so a committed ledger's summary always matches its records under the rules
/// that made it; `summary_year` says which rule set (and which version of its file) that was, so a
/// process with other rules recomputes those years, and a reader that cannot write evaluates them live.
extension SQLiteLedger {
    /// SQL for "active in year ?" on person `p`: the same rule as `Person.isActive(in:)`, which a test
    /// holds it to.
    static func activeSQL(_ yearParameter: String) -> String {
        "(p.status = 'active' OR p.status_date >= printf('%04d-01-01', \(yearParameter)))"
    }

    /// SQL for "met the year" on a `person_year` row (of `alias`, or unqualified): nothing more is needed.
    /// This mirrors the domain's rule, `AnnualTotals.status` (met when `hoursNeeded` is zero), whose
    /// `hoursNeeded` the row keeps as `needed_tenths`. Live queries say met or short only through this and
    /// `shortSQL`; the shipped v4 migration (Migrations/V4_YearCounts.swift) restates it in its own SQL, which is never edited.
    static func metSQL(_ alias: String? = nil) -> String { "\(neededColumn(alias)) = 0" }

    /// The other side of `metSQL`: something still needed (`needed_tenths` is never negative). A range
    /// rather than `NOT` the met test, so that the index on (year, needed_tenths) serves it.
    static func shortSQL(_ alias: String? = nil) -> String { "\(neededColumn(alias)) > 0" }

    private static func neededColumn(_ alias: String?) -> String { alias.map { "\($0).needed_tenths" } ?? "needed_tenths" }

    /// Recomputes every person-year marked dirty. Years seen for the first time are summarised for every
    /// person active in them. Called inside each write transaction, before it commits.
    func settle(_ db: Database, progress: ProgressHandler? = nil) throws {
        guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM summary_dirty)") == true else { return }
        let book = rules
        // How many persons each year gains in its list, and how many more met it (a deleted row is
        // counted off by the person_year_uncount trigger).
        var counts: [Int: (persons: Int, met: Int)] = [:]
        // A year enters the summary with its first record.
        let newYears = try Int.fetchAll(
            db,
            sql: """
                SELECT DISTINCT d.year FROM summary_dirty d
                WHERE NOT EXISTS (SELECT 1 FROM summary_year s WHERE s.year = d.year)
                  AND EXISTS (SELECT 1 FROM record r WHERE r.year = d.year)
                """)
        for year in newYears {
            guard let set = book.ruleSet(for: year) else { throw LedgerError.noRules(year: year) }
            try db.execute(
                sql: "INSERT INTO summary_year (year, rule_set, digest) VALUES (?, ?, ?)",
                arguments: [year, set.id, set.digest])
            // Everyone active in it has a row; those with records are evaluated below (they are dirty).
            let zero = AnnualTotals.zero(year: year, thresholds: set.thresholds)
            try db.execute(
                sql: """
                    INSERT INTO person_year (year, person_id, public_tenths, professional_tenths, total_tenths, trimmed_tenths, needed_tenths)
                    SELECT :year, p.id, 0, 0, 0, 0, :needed FROM person p WHERE \(SQLiteLedger.activeSQL(":year"))
                      AND NOT EXISTS (SELECT 1 FROM summary_dirty d WHERE d.person_id = p.id AND d.year = :year)
                    """, arguments: ["year": year, "needed": zero.hoursNeeded.tenths])
            let zeros = db.changesCount
            counts[year, default: (0, 0)] = (zeros, zero.status == .met ? zeros : 0)
        }
        let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM summary_dirty") ?? 0
        // A row is written only when its totals changed, and by a plain INSERT or UPDATE of one row: an
        // INSERT OR REPLACE deletes and inserts, and keeps a statement journal of every page it touches.
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO person_year (year, person_id, public_tenths, professional_tenths, total_tenths, trimmed_tenths, needed_tenths)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
        let update = try db.cachedStatement(
            sql: """
                UPDATE person_year SET public_tenths = ?3, professional_tenths = ?4, total_tenths = ?5, trimmed_tenths = ?6, needed_tenths = ?7
                WHERE year = ?1 AND person_id = ?2
                """)
        let remove = try db.cachedStatement(sql: "DELETE FROM person_year WHERE year = ? AND person_id = ?")
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT d.year, d.person_id, p.status, p.status_date,
                       o.public_tenths, o.professional_tenths, o.total_tenths, o.trimmed_tenths, o.needed_tenths,
                       \(SQLiteLedger.yearItemColumns)
                FROM summary_dirty d
                JOIN summary_year s ON s.year = d.year
                LEFT JOIN person p ON p.id = d.person_id
                LEFT JOIN person_year o ON o.year = d.year AND o.person_id = d.person_id
                LEFT JOIN record r ON r.year = d.year AND r.person_id = d.person_id
                ORDER BY d.year, d.person_id
                """)
        var current: (year: Int, person: Int64, active: Bool, stored: [Int64]?)?
        var items: [YearItem] = []
        var done = 0
        func flush() throws {
            guard let c = current else { return }
            done += 1
            if done % 8192 == 0 { progress?(done, total) }
            guard c.active, let set = book.ruleSet(for: c.year) else {
                if c.stored != nil { try remove.execute(arguments: [c.year, c.person]) }
                return
            }
            let t = AnnualTotals.evaluate(year: c.year, items: items, rules: set).totals
            let values = [t.publicHours, t.professionalHours, t.totalHours, t.trimmedHours, t.hoursNeeded].map {
                Int64($0.tenths)
            }
            guard values != c.stored else { return }
            try (c.stored == nil ? insert : update).execute(arguments: [
                c.year, c.person, values[0], values[1], values[2], values[3], values[4],
            ])
            let metNow = t.status == .met ? 1 : 0, metBefore = c.stored.map { $0[4] == 0 ? 1 : 0 } ?? 0
            counts[c.year, default: (0, 0)].persons += c.stored == nil ? 1 : 0
            counts[c.year, default: (0, 0)].met += metNow - metBefore
        }
        while let row = try rows.next() {
            let year: Int = row[0], person: Int64 = row[1]
            if current?.year != year || current?.person != person {
                try flush()
                let status: String? = row[2]
                let active =
                    status.map {
                        Person.isActive(
                            status: EmploymentStatus(rawValue: $0) ?? .active,
                            statusDate: (row[3] as String?).flatMap { Day.parse($0).successValue }, in: year)
                    } ?? false
                let stored: [Int64]? = (row[4] as Int64?).map { [$0, row[5], row[6], row[7], row[8]] }
                current = (year, person, active, stored)
                items.removeAll(keepingCapacity: true)
            }
            if let item = SQLiteLedger.yearItem(row) { items.append(item) }
        }
        try flush()
        for (year, c) in counts where c != (0, 0) {
            try db.execute(
                sql: "UPDATE summary_year SET persons = persons + ?, met = met + ? WHERE year = ?",
                arguments: [c.persons, c.met, year])
        }
        try db.execute(sql: "DELETE FROM summary_dirty")
        progress?(total, total)
    }

    /// A record's columns as the totals see them, named apart from a person's (who has a category too).
    static let yearItemColumns = """
        r.id AS r_id, r.mode AS r_mode, r.category AS r_category, r.recognition AS r_recognition, r.assessment AS r_assessment,
        r.recognized_tenths AS r_recognized, r.end_date AS r_end
        """

    /// The record in a row selected with `yearItemColumns`, or nil when the row has none (an outer join's
    /// empty side).
    static func yearItem(_ row: Row) -> YearItem? {
        guard let id: Int64 = row["r_id"] else { return nil }
        return YearItem(
            recordID: id, mode: Mode(rawValue: row["r_mode"])!, category: Category(rawValue: row["r_category"])!,
            recognition: Recognition(rawValue: row["r_recognition"])!, assessment: Assessment(rawValue: row["r_assessment"])!,
            recognizedHours: (row["r_recognized"] as Int?).map(Hours.init(tenths:)),
            endDate: Day.parse(row["r_end"]).successValue!)
    }

    /// Years whose summary was made by another rule set, or another version of its file, than this
    /// process's rules give: their totals must be recomputed (or, by a reader, evaluated live).
    func staleYears(_ db: Database) throws -> Set<Int> {
        var stale = Set<Int>()
        let book = rules
        for row in try Row.fetchAll(db, sql: "SELECT year, rule_set, digest FROM summary_year") {
            let year: Int = row[0]
            let set = book.ruleSet(for: year)
            if set?.id != row[1] as String || set?.digest != row[2] as String { stale.insert(year) }
        }
        return stale
    }

    /// Recomputes the stale years and anything left dirty (a ledger just migrated, rules that changed).
    /// Writes only when there is something to do.
    func refreshSummary(_ db: Database, progress: ProgressHandler? = nil) throws {
        for year in try staleYears(db) {
            try db.execute(sql: "DELETE FROM person_year WHERE year = ?", arguments: [year])
            try db.execute(sql: "DELETE FROM summary_year WHERE year = ?", arguments: [year])
            try db.execute(
                sql: "INSERT OR IGNORE INTO summary_dirty SELECT DISTINCT person_id, year FROM record WHERE year = ?",
                arguments: [year])
        }
        try settle(db, progress: progress)
    }

    /// Whether the stored totals of `year` can be read as they are, for this process's rules.
    enum YearSource { case summary, empty, live }

    func source(of year: Int, _ db: Database) throws -> YearSource {
        let row = try Row.fetchOne(db, sql: "SELECT rule_set, digest FROM summary_year WHERE year = ?", arguments: [year])
        let dirty =
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM summary_dirty WHERE year = ?)", arguments: [year]) ?? false
        guard let row else {
            let any =
                try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM record WHERE year = ?)", arguments: [year]) ?? false
            return any || dirty ? .live : .empty
        }
        let set = rules.ruleSet(for: year)
        return !dirty && set?.id == row[0] as String && set?.digest == row[1] as String ? .summary : .live
    }

    /// Evaluates a year live for every person active in it (and matching `filter`, SQL over person `p`),
    /// in `order`: the reference path the stored summary is checked against, and what readers use when
    /// the summary was made under other rules. `each` gets the person's row (its columns `p.*`).
    func evaluateYear(
        _ db: Database, year: Int, filter: String = "", arguments: [String: DatabaseValueConvertible?] = [:],
        order: String = "ORDER BY p.id", _ each: (Row, YearResult) throws -> Void
    ) throws {
        guard let set = rules.ruleSet(for: year) else { throw LedgerError.noRules(year: year) }
        var args = arguments
        args["year"] = year
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT p.*, \(SQLiteLedger.yearItemColumns)
                FROM person p LEFT JOIN record r ON r.person_id = p.id AND r.year = :year
                WHERE \(SQLiteLedger.activeInYearSQL)\(filter) \(order), p.id
                """, arguments: StatementArguments(args))
        var current: (id: Int64, row: Row)?
        var items: [YearItem] = []
        func flush() throws {
            guard let c = current else { return }
            try each(c.row, AnnualTotals.evaluate(year: year, items: items, rules: set))
        }
        while let row = try rows.next() {
            let id: Int64 = row["id"]
            if current?.id != id {
                try flush()
                current = (id, row.copy())
                items.removeAll(keepingCapacity: true)
            }
            if let item = SQLiteLedger.yearItem(row) { items.append(item) }
        }
        try flush()
    }

    /// One person's year, evaluated from their records (with the trims and the counted hours by mode).
    func evaluate(personRowID: Int64, year: Int, _ db: Database) throws -> YearResult {
        guard let set = rules.ruleSet(for: year) else { throw LedgerError.noRules(year: year) }
        let items = try Row.fetchAll(
            db,
            sql: """
                SELECT \(SQLiteLedger.yearItemColumns) FROM record r WHERE r.year = ? AND r.person_id = ?
                """, arguments: [year, personRowID]
        ).compactMap(SQLiteLedger.yearItem)
        return AnnualTotals.evaluate(year: year, items: items, rules: set)
    }

    /// The caps' notes for one person's year, in both languages, naming the trimmed records.
    func capNotes(_ result: YearResult, _ db: Database) throws -> [Message] {
        guard !result.trims.isEmpty, let set = rules.ruleSet(for: result.totals.year) else { return [] }
        var titles: [Int64: String] = [:]
        for t in result.trims {
            titles[t.recordID] = try String.fetchOne(db, sql: "SELECT title FROM record WHERE id = ?", arguments: [t.recordID])
        }
        let zh = result.notes(set, titles: titles, lang: .zh), en = result.notes(set, titles: titles, lang: .en)
        return zip(zh, en).map { Message(zh: $0, en: $1) }
    }

    /// Recomputes what the summary needs: after opening for writing (a migrated ledger, changed rules).
    /// Returns how many person-years were recomputed.
    @discardableResult
    public func refreshTotals(progress: ProgressHandler? = nil) throws(LedgerError) -> Int {
        try write { db in
            let before = try Int.fetchOne(db, sql: "SELECT count(*) FROM summary_dirty") ?? 0
            let stale = try staleYears(db)
            guard before > 0 || !stale.isEmpty else { return 0 }
            try refreshSummary(db, progress: progress)
            return max(before, 1)
        }
    }

    /// Recomputes every summarised year from the records, whatever made them. Returns the person-years.
    @discardableResult
    public func recomputeTotals(progress: ProgressHandler? = nil) throws(LedgerError) -> Int {
        try write { db in
            try db.execute(sql: "DELETE FROM person_year")
            try db.execute(sql: "DELETE FROM summary_year")
            try db.execute(sql: "INSERT OR IGNORE INTO summary_dirty SELECT DISTINCT person_id, year FROM record")
            try settle(db, progress: progress)
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM person_year") ?? 0
        }
    }

    /// Whether opening for writing would recompute totals (for a progress message before it starts).
    public func totalsNeedRefresh() throws(LedgerError) -> Bool {
        try read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM summary_dirty)") == true || !(try staleYears(db)).isEmpty
        }
    }
}
