import CeledgerDomain
import CeledgerLedger
import Foundation
internal import GRDB

extension SQLiteLedger {
    static func escapeLike(_ s: String) -> String {
        var out = ""
        for c in s {
            if c == "%" || c == "_" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out
    }

    /// How a query is ordered and through which index its pages are read.
    struct ListOrder {
        /// The sort expressions, then the row id; all in one direction.
        let columns: [String]
        let id: String
        let descending: Bool
        /// Read from person_year's index (by hours) rather than from person's (by name, unit, …).
        let bySummary: Bool
    }

    func listOrder(_ q: PersonListQuery, summarised: Bool) -> ListOrder {
        switch (q.sort, summarised) {
        case (.name, _): return ListOrder(columns: ["p.name_key"], id: "p.id", descending: q.descending, bySummary: false)
        case (.idNumber, _): return ListOrder(columns: ["p.id_number"], id: "p.id", descending: q.descending, bySummary: false)
        case (.unit, _):
            return ListOrder(
                columns: ["p.unit", "p.department", "p.name_key"], id: "p.id", descending: q.descending, bySummary: false)
        case (.title, _):
            return ListOrder(columns: ["p.title_rank", "p.title"], id: "p.id", descending: q.descending, bySummary: false)
        case (.publicHours, true):
            return ListOrder(columns: ["y.public_tenths"], id: "y.person_id", descending: q.descending, bySummary: true)
        case (.professionalHours, true):
            return ListOrder(columns: ["y.professional_tenths"], id: "y.person_id", descending: q.descending, bySummary: true)
        case (.totalHours, true):
            return ListOrder(columns: ["y.total_tenths"], id: "y.person_id", descending: q.descending, bySummary: true)
        // Those who still need the most come first; the met (needing nothing) last.
        case (.status, true):
            return ListOrder(columns: ["y.needed_tenths"], id: "y.person_id", descending: !q.descending, bySummary: true)
        // A year no record has reached: everyone has nothing, so hours give no order but the name's.
        case (_, false): return ListOrder(columns: ["p.name_key"], id: "p.id", descending: q.descending, bySummary: false)
        }
    }

    /// The FROM/WHERE of a persons query: person `p` with the year's totals as `y` (public_tenths,
    /// professional_tenths, total_tenths, trimmed_tenths, needed_tenths), read from the stored summary, or
    /// zeros for a year no record has reached yet. The join is written in the order the pages are read.
    struct ListSQL {
        let from: String
        /// Conditions on the year's totals alone, and those that need the person.
        let totalsWheres: [String]
        let personWheres: [String]
        let args: [String: DatabaseValueConvertible?]
        let thresholds: RuleSet.Thresholds
        let order: ListOrder
        let summarised: Bool

        var sql: String { "FROM \(from) WHERE \((totalsWheres + personWheres).joined(separator: " AND "))" }
    }

    /// `hits`: the row ids the search is limited to, as a JSON array, when the caller has found them;
    /// else a search finds them here.
    private func listSQL(_ q: PersonListQuery, _ db: Database, hits: String? = nil) throws -> ListSQL {
        guard let set = rules.ruleSet(for: q.year) else { throw LedgerError.noRules(year: q.year) }
        let t = set.thresholds
        var args: [String: DatabaseValueConvertible?] = [
            "year": q.year, "req": t.totalHours.tenths, "reqProf": t.professionalHours.tenths,
        ]
        var wheres: [String] = [], personWheres: [String] = []
        let from: String
        let order: ListOrder
        let summarised: Bool
        switch try source(of: q.year, db) {
        case .summary:
            summarised = true
            order = listOrder(q, summarised: true)
            from =
                order.bySummary
                ? "person_year y CROSS JOIN person p ON p.id = y.person_id"
                : "person p CROSS JOIN person_year y ON y.year = :year AND y.person_id = p.id"
            wheres.append("y.year = :year")
        case .empty:
            summarised = false
            order = listOrder(q, summarised: false)
            let zero = AnnualTotals.zero(year: q.year, thresholds: t)
            from = """
                person p CROSS JOIN (SELECT 0 AS public_tenths, 0 AS professional_tenths, 0 AS total_tenths, 0 AS trimmed_tenths,
                                            \(zero.hoursNeeded.tenths) AS needed_tenths) y
                """
            personWheres.append(SQLiteLedger.activeInYearSQL)
        case .live:
            // Another process's rules made this year's totals: make them again with ours first.
            throw LedgerError.summaryOutdated
        }
        if let u = q.unit {
            personWheres.append("p.unit = :unit")
            args["unit"] = u
        }
        let limit = try unitLimitSQL(db)
        if !limit.isEmpty { personWheres.append(String(limit.dropFirst(5))) }
        if let d = q.department {
            personWheres.append("p.department = :dept")
            args["dept"] = d
        }
        let search = q.search.trimmedField
        if let hits {
            args["hits"] = hits
            personWheres.append("p.id IN (SELECT value FROM json_each(:hits))")
        } else if !search.isEmpty {
            // Matched in memory (a scan of every person's name, initials and ID number costs more in SQL
            // than a keystroke may), then handed to SQL as a list of row ids.
            args["hits"] = try searchIndex(db).matchesJSON(search)
            personWheres.append("p.id IN (SELECT value FROM json_each(:hits))")
        }
        switch q.status {
        case .all: break
        case .met: wheres.append(SQLiteLedger.metSQL("y"))
        case .short: wheres.append(SQLiteLedger.shortSQL("y"))
        case .professionalShort: wheres.append("(y.total_tenths >= :req AND y.professional_tenths < :reqProf)")
        }
        return ListSQL(
            from: from, totalsWheres: wheres, personWheres: personWheres, args: args, thresholds: t, order: order,
            summarised: summarised)
    }

    static func keyValues(_ row: Row, count: Int) -> [ListKey.Value] {
        (0..<count).map { i in
            let v: DatabaseValue = row["k\(i)"]
            if let n = Int64.fromDatabaseValue(v) { return .int(n) }
            return .text(String.fromDatabaseValue(v) ?? "")
        }
    }

    /// The search counted and paged in memory (`MemorySearch`), when the query allows it.
    func memorySearch(_ q: PersonListQuery, _ db: Database) throws -> MemorySearch? {
        let search = q.search.trimmedField
        // (The in-memory index knows no units: a unit-limited clerk's search goes through SQL.)
        guard !search.isEmpty, q.unit == nil, q.department == nil, q.status != .professionalShort,
            rules.ruleSet(for: q.year) != nil, try source(of: q.year, db) == .summary, try unitLimitSQL(db).isEmpty
        else { return nil }
        let kept = try searchIndex(db)
        return MemorySearch(
            index: kept.index, matches: kept.index.matched(search), flags: try kept.yearFlags(db, year: q.year),
            status: q.status)
    }

    /// How many persons the query finds, and how many of them met the year's requirement.
    public func personSummary(_ q: PersonListQuery) throws(LedgerError) -> YearSummary {
        try read { db in
            if searchesInMemory.withLock({ $0 }), let m = try memorySearch(q, db) { return m.summary }
            let l = try listSQL(q, db)
            // Without a condition on the person, the year's kept counts answer.
            if l.summarised && l.personWheres.isEmpty && q.status != .professionalShort,
                let row = try Row.fetchOne(db, sql: "SELECT persons, met FROM summary_year WHERE year = ?", arguments: [q.year])
            {
                let persons: Int = row[0], met: Int = row[1]
                switch q.status {
                case .all: return YearSummary(persons: persons, met: met)
                case .met: return YearSummary(persons: met, met: met)
                case .short, .professionalShort: return YearSummary(persons: persons - met, met: 0)
                }
            }
            // Otherwise the summary's own index answers: every person active in a summarised year has a
            // row there.
            let sql =
                l.summarised && l.personWheres.isEmpty
                ? "FROM person_year y WHERE \(l.totalsWheres.joined(separator: " AND "))" : l.sql
            let row = try Row.fetchOne(
                db, sql: "SELECT count(*) AS n, COALESCE(SUM(\(SQLiteLedger.metSQL("y"))), 0) AS met \(sql)",
                arguments: StatementArguments(l.args))!
            return YearSummary(persons: row["n"], met: row["met"])
        }
    }

    /// Rows of the persons list next to `key`: after it (`forward`) or before it, in list order; from the
    /// start (or the end) without a key. `including` takes the key's own row too.
    public func personRows(
        _ q: PersonListQuery, from key: ListKey?, forward: Bool = true, including: Bool = false, limit: Int
    ) throws(LedgerError) -> [PersonListRow] {
        try read { db in
            if searchesInMemory.withLock({ $0 }), let m = try memorySearch(q, db),
                let page = m.page(q.sort, descending: q.descending != !forward, from: key, including: including, limit: limit)
            {
                // The page's rows, found in memory, read and ordered by the same SQL.
                return try personRows(
                    q, listSQL(q, db, hits: SQLiteSearch.json(page)), from: nil, forward: forward, including: false, limit: limit,
                    db)
            }
            return try personRows(q, listSQL(q, db), from: key, forward: forward, including: including, limit: limit, db)
        }
    }

    private func personRows(
        _ q: PersonListQuery, _ l: ListSQL, from key: ListKey?, forward: Bool, including: Bool, limit: Int, _ db: Database
    ) throws -> [PersonListRow] {
        let (sql, order, t) = (l.sql, l.order, l.thresholds)
        var arguments = l.args
        let keyColumns = order.columns + [order.id]
        // Reading backwards is reading the reversed order forwards.
        let descending = order.descending != !forward
        var where_ = ""
        if let key, key.values.count == order.columns.count {
            let op = descending ? (including ? "<=" : "<") : (including ? ">=" : ">")
            var names: [String] = []
            for (i, v) in key.values.enumerated() {
                names.append(":k\(i)")
                switch v {
                case .int(let n): arguments["k\(i)"] = n
                case .text(let s): arguments["k\(i)"] = s
                }
            }
            names.append(":kid")
            arguments["kid"] = key.id
            where_ = " AND (\(keyColumns.joined(separator: ", "))) \(op) (\(names.joined(separator: ", ")))"
        }
        arguments["limit"] = limit
        let dir = descending ? "DESC" : "ASC"
        let selected = order.columns.enumerated().map { "\($1) AS k\($0)" }.joined(separator: ", ")
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT p.id, p.id_number, p.name, p.unit, p.department, p.title, p.title_level,
                       y.public_tenths, y.professional_tenths, y.trimmed_tenths, \(selected)
                \(sql)\(where_) ORDER BY \(keyColumns.map { "\($0) \(dir)" }.joined(separator: ", ")) LIMIT :limit
                """, arguments: StatementArguments(arguments))
        let list = rows.map { row in
            PersonListRow(
                key: ListKey(values: SQLiteLedger.keyValues(row, count: order.columns.count), id: row["id"]),
                rowID: row["id"], idNumber: row["id_number"], name: row["name"], unit: row["unit"],
                department: row["department"], title: row["title"],
                titleLevel: (row["title_level"] as String?).flatMap(TitleLevel.init(rawValue:)),
                totals: AnnualTotals(
                    year: q.year, publicHours: Hours(tenths: row["public_tenths"]),
                    professionalHours: Hours(tenths: row["professional_tenths"]), thresholds: t,
                    trimmedHours: Hours(tenths: row["trimmed_tenths"])))
        }
        return forward ? list : list.reversed()
    }

    /// A person's key in the list, or nil when the query does not list them (to keep the selection on
    /// someone after a change).
    public func personKey(of personRowID: Int64, in q: PersonListQuery) throws(LedgerError) -> ListKey? {
        try read { db in
            let l = try listSQL(q, db)
            var arguments = l.args
            arguments["who"] = personRowID
            let selected = l.order.columns.enumerated().map { "\($1) AS k\($0)" }.joined(separator: ", ")
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT \(selected) \(l.sql) AND p.id = :who", arguments: StatementArguments(arguments))
            else {
                return nil
            }
            return ListKey(values: SQLiteLedger.keyValues(row, count: l.order.columns.count), id: personRowID)
        }
    }

    public func recordCount(personRowID: Int64) throws(LedgerError) -> Int {
        try read { db in
            try requireReach(db, personRowID: personRowID)
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM record WHERE person_id = ?", arguments: [personRowID]) ?? 0
        }
    }

    /// Units and departments present, for the filter menus (the pickers open on a key). Each is found by
    /// one seek in an index that leads with it (`person_unit_name`: unit, department), from the last one
    /// found to the next: as many steps as units, where DISTINCT read every person's entry (a 43,000-person
    /// ledger's units took 1-30 ms by load; 0.2 ms so).
    public func units() throws(LedgerError) -> [String] {
        try read { db in
            let all = try String.fetchAll(db, sql: Self.nextUnitSQL)
            guard let reach = try reachableUnits(db) else { return all }
            return all.filter(reach.contains)
        }
    }

    public func departments(unit: String?) throws(LedgerError) -> [String] {
        try read { db in
            let reach = try reachableUnits(db)
            if let unit {
                if let reach, !reach.contains(unit) { return [] }
                return try String.fetchAll(db, sql: Self.nextDepartmentSQL, arguments: [unit])
            }
            // Every unit's, the unnamed unit's too, merged in byte order (SQL's ORDER BY department).
            let statement = try db.cachedStatement(sql: Self.nextDepartmentSQL)
            var all = Set<String>()
            for u in [""] + (try String.fetchAll(db, sql: Self.nextUnitSQL)) where reach?.contains(u) ?? true {
                all.formUnion(try String.fetchAll(statement, arguments: [u]))
            }
            return all.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        }
    }

    /// The distinct non-empty units in order, seek by seek.
    static let nextUnitSQL = """
        WITH RECURSIVE u(unit) AS (
            SELECT min(unit) FROM person WHERE unit > ''
            UNION ALL
            SELECT (SELECT min(unit) FROM person WHERE unit > u.unit) FROM u WHERE u.unit IS NOT NULL)
        SELECT unit FROM u WHERE unit IS NOT NULL
        """

    /// The distinct non-empty departments of one unit (?1) in order, seek by seek.
    static let nextDepartmentSQL = """
        WITH RECURSIVE d(department) AS (
            SELECT min(department) FROM person WHERE unit = ?1 AND department > ''
            UNION ALL
            SELECT (SELECT min(department) FROM person WHERE unit = ?1 AND department > d.department) FROM d
            WHERE d.department IS NOT NULL)
        SELECT department FROM d WHERE department IS NOT NULL
        """

    public func person(rowID: Int64) throws(LedgerError) -> StoredPerson? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM person p WHERE id = ?\(try unitLimitSQL(db))", arguments: [rowID]).map {
                StoredPerson(row: $0)
            }
        }
    }

    public func personRowID(idNumber: String) throws(LedgerError) -> Int64? {
        try read { db in try Int64.fetchOne(db, sql: "SELECT id FROM person WHERE id_number = ?", arguments: [idNumber]) }
    }

    /// A person's records of one year, by date.
    public func records(personRowID: Int64, year: Int) throws(LedgerError) -> [StoredRecord] {
        try read { db in
            guard
                let p = try Row.fetchOne(
                    db, sql: "SELECT * FROM person p WHERE id = ?\(try unitLimitSQL(db))", arguments: [personRowID])
            else {
                return []
            }
            let person = SQLiteLedger.person(from: p)
            return try Row.fetchAll(
                db, sql: "SELECT * FROM record WHERE person_id = ? AND year = ? ORDER BY start_date, end_date, id",
                arguments: [personRowID, year]
            ).map {
                StoredRecord(row: $0, personID: person.id)
            }
        }
    }

    /// A person's year, evaluated from their records (a handful: cheaper than any cache): the totals,
    /// what the caps trimmed and the notes that say so.
    public func yearResult(personRowID: Int64, year: Int) throws(LedgerError) -> (result: YearResult, notes: [Message]) {
        try read { db in
            try requireReach(db, personRowID: personRowID)
            let result = try evaluate(personRowID: personRowID, year: year, db)
            return (result, try capNotes(result, db))
        }
    }

    /// Records waiting for recognition in a year (or every year), oldest first.
    public func pendingRecords(year: Int?, limit: Int = 10_000) throws(LedgerError) -> [PendingRow] {
        var filter = RecordFilter()
        filter.year = year
        filter.recognition = .pending
        return try reviewRecords(filter, limit: limit)
    }

    /// Records matching a filter, oldest first (by end date, then as entered), with whose they are.
    public func reviewRecords(_ filter: RecordFilter, limit: Int? = nil) throws(LedgerError) -> [PendingRow] {
        var out: [PendingRow] = []
        try eachReviewRecord(filter, limit: limit) { out.append($0) }
        return out
    }

    public func eachReviewRecord(
        _ filter: RecordFilter, limit: Int? = nil, _ each: (PendingRow) throws -> Void
    ) throws(LedgerError) {
        var wheres: [String] = []
        var args: [String: DatabaseValueConvertible?] = [:]
        if let y = filter.year {
            wheres.append("r.year = :year")
            args["year"] = y
        }
        if let r = filter.recognition {
            wheres.append("r.recognition = :recognition")
            args["recognition"] = r.rawValue
        }
        if let u = filter.unit {
            wheres.append("p.unit = :unit")
            args["unit"] = u
        }
        if let d = filter.department {
            wheres.append("p.department = :dept")
            args["dept"] = d
        }
        if let n = filter.idNumber {
            wheres.append("p.id_number = :number")
            args["number"] = n
        }
        if let m = filter.mode {
            wheres.append("r.mode = :mode")
            args["mode"] = m.rawValue
        }
        if let ids = filter.recordIDs { wheres.append("r.id IN (\(ids.map(String.init).joined(separator: ",")))") }
        if filter.withoutEvidence {
            wheres.append("NOT EXISTS (SELECT 1 FROM evidence e WHERE e.record_id = r.id AND e.removed_at IS NULL)")
        }
        let reach = try unitLimitSQL()
        if !reach.isEmpty { wheres.append(String(reach.dropFirst(5))) }
        var sql = """
            SELECT r.*, p.id_number AS pid, p.name AS pname, p.birth_date AS pbirth, p.gender AS pgender
            FROM record r JOIN person p ON p.id = r.person_id
            """
        if !wheres.isEmpty { sql += " WHERE " + wheres.joined(separator: " AND ") }
        sql += " ORDER BY r.end_date, r.id"
        if let limit { sql += " LIMIT \(limit)" }
        try readEach(sql, StatementArguments(args)) { row in
            let pid = ResidentID(
                unchecked: row["pid"], birthDate: Day.parse(row["pbirth"]).successValue ?? Day.firstOf(year: 1900),
                gender: Gender(rawValue: row["pgender"]) ?? .male)
            try each(
                PendingRow(
                    personRowID: row["person_id"], personName: row["pname"],
                    stored: StoredRecord(row: row, personID: pid)))
        }
    }
}
