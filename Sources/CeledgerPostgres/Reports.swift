import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import Foundation

/// What the report and export commands read, beside the protocols: the SQLite ledger's `annualReport`,
/// `eachPerson`, `eachRecord` with the same rows in the same order. Each read is one REPEATABLE READ
/// transaction; the rows are fetched whole (no server-side cursor yet: a report of a million persons
/// holds them in memory once).
extension PostgresLedger {
    /// Every person active in `year` (of `unit` and `department` when given) with that year's totals, by
    /// unit, department and ID number, as `SQLiteLedger.annualReport` gives them; `status` keeps only the
    /// met or the short.
    public func annualReport(
        year: Int, unit: String? = nil, department: String? = nil, status: AnnualTotals.Status? = nil,
        _ each: (AnnualRow) throws -> Void
    ) throws(LedgerError) {
        guard let set = rules.ruleSet(for: year) else { throw LedgerError.noRules(year: year) }
        var rows: [AnnualRow] = []
        try read { () throws in
            var p = Parameters()
            var filter = ""
            if let unit { filter += " AND p.unit = \(p.add(unit))" }
            if let department { filter += " AND p.department = \(p.add(department))" }
            let columns = "p.id, p.id_number, p.name, p.unit, p.department, p.title, p.title_level"
            let order = "ORDER BY p.unit, p.department, p.id_number"
            func row(_ r: [String?], _ totals: AnnualTotals, notes: [Message]) -> AnnualRow {
                AnnualRow(
                    idNumber: r.text(1), name: r.text(2), unit: r.text(3), department: r.text(4), title: r.text(5),
                    titleLevel: r[6].flatMap(TitleLevel.init(rawValue:)), totals: totals, notes: notes)
            }
            switch try source(of: year) {
            case .summary:
                let y = p.add(String(year))
                for r in try exec(
                    """
                    SELECT \(columns), y.public_tenths, y.professional_tenths, y.trimmed_tenths
                    FROM person_year y JOIN person p ON p.id = y.person_id WHERE y.year = \(y)::int\(filter) \(order)
                    """, p.values
                ).rows {
                    let totals = AnnualTotals(
                        year: year, publicHours: Hours(tenths: r.int(7)), professionalHours: Hours(tenths: r.int(8)),
                        thresholds: set.thresholds, trimmedHours: Hours(tenths: r.int(9)))
                    if let status, totals.status != status { continue }
                    let notes =
                        totals.trimmedHours == .zero ? [] : try capNotes(evaluate(personRowID: r.int64(0), year: year))
                    rows.append(row(r, totals, notes: notes))
                }
            case .empty:
                let zero = AnnualTotals.zero(year: year, thresholds: set.thresholds)
                if let status, zero.status != status { return }
                let active = PostgresLedger.activeSQL(p.add(PostgresLedger.yearStart(year)))
                for r in try exec("SELECT \(columns) FROM person p WHERE \(active)\(filter) \(order)", p.values).rows {
                    rows.append(row(r, zero, notes: []))
                }
            case .live:
                // Another rule set made this year's totals: each person evaluated here, then put in report order.
                var live: [(key: [String], row: AnnualRow)] = []
                try eachYearResultInTransaction(year: year, unit: unit, department: department) { r, result in
                    if let status, result.totals.status != status { return }
                    let personRow = [r[0], r[1], r[2], r[5], r[6], r[7], r[8]]
                    live.append(
                        ([r.text(5), r.text(6), r.text(1)], row(personRow, result.totals, notes: try capNotes(result))))
                }
                rows = live.sorted {
                    $0.key.lexicographicallyPrecedes($1.key) { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
                }
                .map(\.row)
            }
        }
        for r in rows {
            do { try each(r) } catch { throw mapped(error) }
        }
    }

    /// Every person (active in `year` when given), in ledger order.
    public func eachPerson(activeIn year: Int? = nil, _ each: (StoredPerson) throws -> Void) throws(LedgerError) {
        var p = Parameters()
        var sql = "SELECT \(PostgresLedger.personColumns) FROM person p"
        if let year { sql += " WHERE " + PostgresLedger.activeSQL(p.add(PostgresLedger.yearStart(year))) }
        sql += " ORDER BY p.id"
        let values = p.values
        let rows = try read { () throws in try exec(sql, values).rows }
        for r in rows {
            do { try each(PostgresLedger.person(r)) } catch { throw mapped(error) }
        }
    }

    /// Every record (of `year` when given), in ledger order.
    public func eachRecord(year: Int? = nil, _ each: (StoredRecord) throws -> Void) throws(LedgerError) {
        try eachRecordNamed(year: year) { r, _ in try each(r) }
    }

    /// Every record (of `year` when given) with its person's name, in ledger order.
    public func eachRecordNamed(year: Int? = nil, _ each: (StoredRecord, String) throws -> Void) throws(LedgerError) {
        var p = Parameters()
        var sql = """
            SELECT \(PostgresLedger.recordColumns_), q.id_number, q.birth_date, q.gender, q.name
            FROM record r JOIN person q ON q.id = r.person_id
            """
        if let year { sql += " WHERE r.year = \(p.add(String(year)))::int" }
        sql += " ORDER BY r.id"
        let values = p.values
        let rows = try read { () throws in try exec(sql, values).rows }
        for r in rows {
            let pid = ResidentID(
                unchecked: r.text(24), birthDate: Day.parse(r.text(25)).successValue ?? Day.firstOf(year: 1900),
                gender: Gender(rawValue: r.text(26)) ?? .male)
            do { try each(PostgresLedger.record(r, personID: pid), r.text(27)) } catch { throw mapped(error) }
        }
    }
}

/// `report window` on a server: as `SQLiteLedger.windowReport`, the stored totals of the summarised
/// years read with the persons in one statement, a year other rules made evaluated by the domain here.
extension PostgresLedger {
    /// Every person active in at least one year of the window (of `unit` when given), by unit, department
    /// and ID number, with each year's totals (nil for a year the person was not active in).
    public func windowReport(
        years: ClosedRange<Int>, unit: String? = nil, _ each: (AnnualRow, WindowResult) throws -> Void
    ) throws(LedgerError) {
        var sets: [Int: RuleSet] = [:]
        for y in years {
            guard let set = rules.ruleSet(for: y) else { throw LedgerError.noRules(year: y) }
            sets[y] = set
        }
        var out: [(AnnualRow, WindowResult)] = []
        try read { () throws in
            // Years the summary cannot answer for (other rules made them) are evaluated here, once each.
            var live: [Int: [Int64: AnnualTotals]] = [:]
            for y in years where try source(of: y) == .live {
                var m: [Int64: AnnualTotals] = [:]
                try eachYearResultInTransaction(year: y, unit: unit, department: nil) { r, result in m[r.int64(0)] = result.totals
                }
                live[y] = m
            }
            var p = Parameters()
            let from = p.add(String(years.lowerBound)), to = p.add(String(years.upperBound))
            var filter = PostgresLedger.activeSQL(p.add(PostgresLedger.yearStart(years.lowerBound)))
            if let unit { filter += " AND p.unit = \(p.add(unit))" }
            let rows = try exec(
                """
                SELECT \(PostgresLedger.personColumns), y.year, y.public_tenths, y.professional_tenths, y.trimmed_tenths
                FROM person p LEFT JOIN person_year y ON y.person_id = p.id AND y.year BETWEEN \(from)::int AND \(to)::int
                WHERE \(filter) ORDER BY p.unit, p.department, p.id_number, p.id, y.year
                """, p.values
            ).rows
            var current: (row: [String?], stored: [Int: AnnualTotals])?
            func flush() {
                guard let c = current else { return }
                let stored = PostgresLedger.person(c.row)
                let window = WindowResult(
                    years: years.map { y in
                        guard stored.person.isActive(in: y) else { return (y, nil) }
                        return (
                            y,
                            live[y]?[stored.rowID] ?? c.stored[y] ?? AnnualTotals.zero(year: y, thresholds: sets[y]!.thresholds)
                        )
                    })
                let last = window.years.last { $0.totals != nil }!.totals!
                let r = c.row
                out.append(
                    (
                        AnnualRow(
                            idNumber: r.text(1), name: r.text(2), unit: r.text(5), department: r.text(6), title: r.text(7),
                            titleLevel: r[8].flatMap(TitleLevel.init(rawValue:)), totals: last, notes: []), window
                    ))
            }
            for row in rows {
                if current?.row[0] != row[0] {
                    flush()
                    current = (row, [:])
                }
                if let y = row[14].flatMap({ Int($0) }), let set = sets[y] {
                    current!.stored[y] = AnnualTotals(
                        year: y, publicHours: Hours(tenths: row.int(15)), professionalHours: Hours(tenths: row.int(16)),
                        thresholds: set.thresholds, trimmedHours: Hours(tenths: row.int(17)))
                }
            }
            flush()
        }
        for (row, window) in out {
            do { try each(row, window) } catch { throw mapped(error) }
        }
    }
}
