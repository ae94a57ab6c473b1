import CeledgerDomain
import CeledgerLedger
import Foundation

/// Numbered parameters collected as a query is built: `add` gives the placeholder (`$3`).
struct Parameters {
    var values: [String?] = []
    mutating func add(_ v: String?) -> String {
        values.append(v)
        return "$\(values.count)"
    }
}

/// The reader's calls, with the SQLite ledger's semantics (Sources/CeledgerSQLite/Browse.swift, Queries.swift,
/// Statistics.swift, Audit.swift, Cards.swift). Each is one REPEATABLE READ transaction (`read`).
extension PostgresLedger {
    // MARK: Rows as values

    static let personColumns = """
        p.id, p.id_number, p.name, p.gender, p.birth_date, p.unit, p.department, p.title, p.title_level, p.specialty,
        p.status, p.status_date, p.category, p.version
        """

    /// A person from `personColumns` read from column `i` on (the id first).
    static func person(_ row: [String?], at i: Int = 0) -> StoredPerson {
        let number = row.text(i + 1)
        let gender = Gender(rawValue: row.text(i + 3)) ?? .male
        let birth = Day.parse(row.text(i + 4)).successValue ?? Day.firstOf(year: 1900)
        let p = Person(
            id: (try? ResidentID.parse(number).get()) ?? ResidentID(unchecked: number, birthDate: birth, gender: gender),
            name: row.text(i + 2), unit: row.text(i + 5), department: row.text(i + 6), title: row.text(i + 7),
            titleLevel: row[i + 8].flatMap(TitleLevel.init(rawValue:)), specialty: row.text(i + 9),
            status: EmploymentStatus(rawValue: row.text(i + 10)) ?? .active,
            statusDate: row[i + 11].flatMap { Day.parse($0).successValue },
            category: PersonCategory(rawValue: row.text(i + 12)) ?? .employee)
        return StoredPerson(rowID: row.int64(i), person: p, version: row[i + 13].flatMap { Int64($0) } ?? 1)
    }

    static let recordColumns_ = """
        r.id, r.mode, r.category, r.title, r.provider, r.start_date, r.end_date, r.assessment, r.score, r.claimed_tenths,
        r.recognized_tenths, r.recognition, r.certificate_no, r.note, r.recognition_note, r.basis, r.quantity, r.role,
        r.suggested_tenths, r.reviewed_by, r.reviewed_at, r.version, r.entered_by, r.changed_by
        """

    /// A record from `recordColumns_` read from column `i` on.
    static func record(_ row: [String?], at i: Int = 0, personID: ResidentID) -> StoredRecord {
        let r = CeledgerDomain.Record(
            personID: personID, mode: Mode(rawValue: row.text(i + 1))!, category: Category(rawValue: row.text(i + 2))!,
            title: row.text(i + 3), provider: row.text(i + 4),
            startDate: Day.parse(row.text(i + 5)).successValue!, endDate: Day.parse(row.text(i + 6)).successValue!,
            assessment: Assessment(rawValue: row.text(i + 7))!, score: row[i + 8],
            claimedHours: Hours(tenths: row.int(i + 9)),
            recognizedHours: row[i + 10].flatMap { Int($0) }.map(Hours.init(tenths:)),
            recognition: Recognition(rawValue: row.text(i + 11))!, certificateNo: row.text(i + 12), note: row.text(i + 13),
            recognitionNote: row.text(i + 14), basis: row[i + 15], quantity: row[i + 16].flatMap { Int($0) },
            role: Role(rawValue: row.text(i + 17)) ?? .participant,
            suggestedHours: row[i + 18].flatMap { Int($0) }.map(Hours.init(tenths:)))
        return StoredRecord(
            rowID: row.int64(i), record: r, reviewedBy: row[i + 19], reviewedAt: row[i + 20],
            version: row[i + 21].flatMap { Int64($0) } ?? 1, enteredBy: row[i + 22], changedBy: row[i + 23])
    }

    // MARK: The persons list

    /// One sort expression of the list, and whether its values are integers (for the key).
    struct SortColumn {
        let sql: String
        let integer: Bool
    }

    struct ListOrder {
        let columns: [SortColumn]
        let descending: Bool
    }

    /// The same orders as the SQLite ledger's `listOrder`, column for column.
    func listOrder(_ q: PersonListQuery, summarised: Bool) -> ListOrder {
        let d = q.descending
        func text(_ s: String) -> SortColumn { SortColumn(sql: s, integer: false) }
        func int(_ s: String) -> SortColumn { SortColumn(sql: s, integer: true) }
        switch (q.sort, summarised) {
        case (.name, _): return ListOrder(columns: [text("p.name_key")], descending: d)
        case (.idNumber, _): return ListOrder(columns: [text("p.id_number")], descending: d)
        case (.unit, _): return ListOrder(columns: [text("p.unit"), text("p.department"), text("p.name_key")], descending: d)
        case (.title, _): return ListOrder(columns: [int("p.title_rank"), text("p.title")], descending: d)
        case (.publicHours, true): return ListOrder(columns: [int("y.public_tenths")], descending: d)
        case (.professionalHours, true): return ListOrder(columns: [int("y.professional_tenths")], descending: d)
        case (.totalHours, true): return ListOrder(columns: [int("y.total_tenths")], descending: d)
        case (.status, true): return ListOrder(columns: [int("y.needed_tenths")], descending: !d)
        case (_, false): return ListOrder(columns: [text("p.name_key")], descending: d)
        }
    }

    struct ListSQL {
        var from: String
        var wheres: [String]
        var parameters: Parameters
        let thresholds: RuleSet.Thresholds
        let order: ListOrder
        var sql: String { "FROM \(from) WHERE \(wheres.isEmpty ? "true" : wheres.joined(separator: " AND "))" }
    }

    /// The FROM/WHERE of a persons query: person `p` with the year's totals as `y`, from the stored summary
    /// or zeros for a year no record has reached. A search is matched in memory (`Search.swift`: the same
    /// index and rule as the SQLite ledger's) and handed to SQL as the row ids it found; `hits`, when the
    /// caller has found them already (a page of them).
    ///
    /// `countOnly` (the list's counts): with no unit, department or search, the stored summary alone, as
    /// every row of it belongs to a person (an index-only count of the year instead of a join).
    func listSQL(_ q: PersonListQuery, countOnly: Bool = false, hits: [Int64]? = nil) throws -> ListSQL {
        guard let set = rules.ruleSet(for: q.year) else { throw LedgerError.noRules(year: q.year) }
        let t = set.thresholds
        var p = Parameters()
        var wheres: [String] = []
        let from: String
        let order: ListOrder
        let search = q.search.trimmedField
        let personFilter = q.unit != nil || q.department != nil || !search.isEmpty || hits != nil
        switch try source(of: q.year) {
        case .summary where countOnly && !personFilter:
            order = listOrder(q, summarised: true)
            from = "person_year y"
            wheres.append("y.year = \(p.add(String(q.year)))::int")
        case .summary:
            order = listOrder(q, summarised: true)
            from = "person p JOIN person_year y ON y.person_id = p.id AND y.year = \(p.add(String(q.year)))::int"
        case .empty:
            order = listOrder(q, summarised: false)
            let zero = AnnualTotals.zero(year: q.year, thresholds: t)
            from = """
                person p CROSS JOIN (SELECT 0 AS public_tenths, 0 AS professional_tenths, 0 AS total_tenths,
                    0 AS trimmed_tenths, \(zero.hoursNeeded.tenths) AS needed_tenths) y
                """
            wheres.append(PostgresLedger.activeSQL(p.add(PostgresLedger.yearStart(q.year))))
        case .live:
            throw LedgerError.summaryOutdated
        }
        if let u = q.unit { wheres.append("p.unit = \(p.add(u))") }
        if let d = q.department { wheres.append("p.department = \(p.add(d))") }
        if let hits {
            wheres.append("p.id = ANY(\(p.add(PostgresLedger.array(hits)))::bigint[])")
        } else if !search.isEmpty {
            wheres.append("p.id = ANY(\(p.add(try searchHits(search)))::bigint[])")
        }
        switch q.status {
        case .all: break
        case .met: wheres.append("y.needed_tenths = 0")
        case .short: wheres.append("y.needed_tenths > 0")
        case .professionalShort:
            wheres.append(
                "(y.total_tenths >= \(p.add(String(t.totalHours.tenths)))::int AND y.professional_tenths < \(p.add(String(t.professionalHours.tenths)))::int)"
            )
        }
        return ListSQL(from: from, wheres: wheres, parameters: p, thresholds: t, order: order)
    }

    /// The list's counts; kept per query while nothing changed (`summaries`, `receivedChanges`): a count is
    /// the costly part of a list on a server (every person of the year), and going back to a list or
    /// reordering it changes none.
    public func personSummary(_ q: PersonListQuery) throws(LedgerError) -> YearSummary {
        lock.lock()
        defer { lock.unlock() }
        var key = q
        key.sort = .name
        key.descending = false
        let seen = receivedChanges()
        if let seen, let kept = summaries[key], kept.changes == seen { return kept.summary }
        let summary = try read { () throws in
            if let m = try memorySearch(q) { return m.memory.summary }
            let l = try listSQL(q, countOnly: true)
            let row = try exec(
                "SELECT count(*), count(*) FILTER (WHERE y.needed_tenths = 0) \(l.sql)", l.parameters.values
            ).first!
            return YearSummary(persons: row.int(0), met: row.int(1))
        }
        if let seen {
            if summaries.count >= 64 { summaries.removeAll() }
            summaries[key] = (seen, summary)
        }
        return summary
    }

    public func personRows(
        _ q: PersonListQuery, from key: ListKey?, forward: Bool, including: Bool, limit: Int
    ) throws(LedgerError) -> [PersonListRow] {
        try read { () throws in
            if let m = try memorySearch(q),
                let page = m.page(
                    q.sort, search: q.search.trimmedField, descending: listOrder(q, summarised: true).descending != !forward,
                    from: key, including: including, limit: limit, sorted: search.lastSorted)
            {
                // The page's rows, found in memory, read and ordered by the same SQL.
                return try personRows(q, listSQL(q, hits: page), from: nil, forward: forward, including: false, limit: limit)
            }
            return try personRows(q, listSQL(q), from: key, forward: forward, including: including, limit: limit)
        }
    }

    private func personRows(
        _ q: PersonListQuery, _ l: ListSQL, from key: ListKey?, forward: Bool, including: Bool, limit: Int
    ) throws -> [PersonListRow] {
        var l = l
        let order = l.order
        let descending = order.descending != !forward
        if let key, key.values.count == order.columns.count {
            let op = descending ? (including ? "<=" : "<") : (including ? ">=" : ">")
            var names: [String] = []
            for (i, v) in key.values.enumerated() {
                switch v {
                case .int(let n): names.append("\(l.parameters.add(String(n)))::bigint")
                case .text(let s): names.append("\(l.parameters.add(s))::text COLLATE \"C\"")
                }
                _ = i
            }
            names.append("\(l.parameters.add(String(key.id)))::bigint")
            let columns = order.columns.map(\.sql) + ["p.id"]
            l.wheres.append("(\(columns.joined(separator: ", "))) \(op) (\(names.joined(separator: ", ")))")
        }
        let dir = descending ? "DESC" : "ASC"
        let keyColumns = order.columns.map(\.sql) + ["p.id"]
        let selected = order.columns.map(\.sql).joined(separator: ", ")
        let rows = try exec(
            """
            SELECT p.id, p.id_number, p.name, p.unit, p.department, p.title, p.title_level,
                   y.public_tenths, y.professional_tenths, y.trimmed_tenths, \(selected)
            \(l.sql) ORDER BY \(keyColumns.map { "\($0) \(dir)" }.joined(separator: ", ")) LIMIT \(max(0, limit))
            """, l.parameters.values
        ).rows
        let list = rows.map { row in
            let values: [ListKey.Value] = order.columns.enumerated().map { i, c in
                c.integer ? .int(row.int64(10 + i)) : .text(row.text(10 + i))
            }
            return PersonListRow(
                key: ListKey(values: values, id: row.int64(0)), rowID: row.int64(0), idNumber: row.text(1),
                name: row.text(2), unit: row.text(3), department: row.text(4), title: row.text(5),
                titleLevel: row[6].flatMap(TitleLevel.init(rawValue:)),
                totals: AnnualTotals(
                    year: q.year, publicHours: Hours(tenths: row.int(7)), professionalHours: Hours(tenths: row.int(8)),
                    thresholds: l.thresholds, trimmedHours: Hours(tenths: row.int(9))))
        }
        return forward ? list : list.reversed()
    }

    public func personKey(of personRowID: Int64, in q: PersonListQuery) throws(LedgerError) -> ListKey? {
        try read { () throws in
            // Whether the search finds the person, from the index: SQL then only looks at them.
            var hits: [Int64]?
            let search = q.search.trimmedField
            if !search.isEmpty {
                let index = try searchIndex()
                let found = index.position(of: personRowID).map { index.matched(search).member[$0] } ?? false
                hits = found ? [personRowID] : []
            }
            var l = try listSQL(q, hits: hits)
            l.wheres.append("p.id = \(l.parameters.add(String(personRowID)))::bigint")
            let selected = l.order.columns.map(\.sql).joined(separator: ", ")
            guard let row = try exec("SELECT \(selected) \(l.sql)", l.parameters.values).first else { return nil }
            let values: [ListKey.Value] = l.order.columns.enumerated().map { i, c in
                c.integer ? .int(row.int64(i)) : .text(row.text(i))
            }
            return ListKey(values: values, id: personRowID)
        }
    }

    /// Units and departments present, for the filter menus (the pickers open on a key): kept while nothing
    /// changed, read beforehand with the search index (`pickerLists`), so that reopening a picker asks the
    /// server nothing.
    public func units() throws(LedgerError) -> [String] { try pickers().units }

    public func departments(unit: String?) throws(LedgerError) -> [String] { try pickers().departments(unit: unit) }

    /// The kept lists without a transaction (no round trip) while nothing changed.
    private func pickers() throws(LedgerError) -> PostgresSearch.PickerLists {
        lock.lock()
        defer { lock.unlock() }
        if let seen = receivedChanges(), let kept = search.kept.withLock({ $0.pickers }), kept.changes == seen {
            return kept.lists
        }
        return try read { () throws in try pickerLists() }
    }

    // MARK: One person

    func storedPerson(_ rowID: Int64) throws(PGFailure) -> StoredPerson? {
        try exec("SELECT \(PostgresLedger.personColumns) FROM person p WHERE p.id = $1", [String(rowID)]).first.map {
            PostgresLedger.person($0)
        }
    }

    public func person(rowID: Int64) throws(LedgerError) -> StoredPerson? {
        try read { () throws in try storedPerson(rowID) }
    }

    public func personRowID(idNumber: String) throws(LedgerError) -> Int64? {
        try read { () throws in try exec("SELECT id FROM person WHERE id_number = $1", [idNumber]).first?.int64(0) }
    }

    public func recordCount(personRowID: Int64) throws(LedgerError) -> Int {
        try read { () throws in
            try exec("SELECT count(*) FROM record WHERE person_id = $1", [String(personRowID)]).first?.int(0) ?? 0
        }
    }

    func storedRecords(_ personRowID: Int64, year: Int, of person: Person) throws(PGFailure) -> [StoredRecord] {
        try exec(
            "SELECT \(PostgresLedger.recordColumns_) FROM record r WHERE r.person_id = $1 AND r.year = $2 ORDER BY r.start_date, r.end_date, r.id",
            [String(personRowID), String(year)]
        ).rows.map { PostgresLedger.record($0, personID: person.id) }
    }

    public func records(personRowID: Int64, year: Int) throws(LedgerError) -> [StoredRecord] {
        try read { () throws in
            guard let p = try storedPerson(personRowID) else { return [] }
            return try storedRecords(personRowID, year: year, of: p.person)
        }
    }

    func evaluate(personRowID: Int64, year: Int) throws -> YearResult {
        guard let set = rules.ruleSet(for: year) else { throw LedgerError.noRules(year: year) }
        let items = try exec(
            "SELECT \(PostgresLedger.yearItemColumns) FROM record r WHERE r.year = $1 AND r.person_id = $2",
            [String(year), String(personRowID)]
        ).rows.compactMap { PostgresLedger.yearItem($0, at: 0) }
        return AnnualTotals.evaluate(year: year, items: items, rules: set)
    }

    func capNotes(_ result: YearResult) throws -> [Message] {
        guard !result.trims.isEmpty, let set = rules.ruleSet(for: result.totals.year) else { return [] }
        var titles: [Int64: String] = [:]
        for t in result.trims {
            titles[t.recordID] = try exec("SELECT title FROM record WHERE id = $1", [String(t.recordID)]).first?.text(0)
        }
        let zh = result.notes(set, titles: titles, lang: .zh), en = result.notes(set, titles: titles, lang: .en)
        return zip(zh, en).map { Message(zh: $0, en: $1) }
    }

    public func yearResult(personRowID: Int64, year: Int) throws(LedgerError) -> (result: YearResult, notes: [Message]) {
        try read { () throws in
            let result = try evaluate(personRowID: personRowID, year: year)
            return (result, try capNotes(result))
        }
    }

    public func history(idNumber: String) throws(LedgerError) -> [HistoryEntry] {
        try read { () throws in
            try exec(
                """
                SELECT id, at, actor, action, entity, entity_id, id_number, old_values, new_values
                FROM history WHERE id_number = $1 ORDER BY id
                """, [idNumber]
            ).rows.map { r in
                HistoryEntry(
                    id: r.int64(0), at: r.text(1), actor: r.text(2), action: HistoryEntry.Action(rawValue: r.text(3))!,
                    entity: HistoryEntry.Entity(rawValue: r.text(4))!, entityID: r.int64(5), idNumber: r.text(6),
                    old: HistoryEntry.values(fromJSON: r[7]), new: HistoryEntry.values(fromJSON: r[8]))
            }
        }
    }

    public func historyHead() throws(LedgerError) -> HistoryHead? {
        try read { () throws in
            guard let row = try exec("SELECT encode(digest, 'hex') FROM history_chain ORDER BY seq DESC LIMIT 1").first else {
                return nil
            }
            let count = try exec("SELECT count(*) FROM history_chain").first?.int(0) ?? 0
            return HistoryHead(entries: count, digest: row.text(0))
        }
    }

    public func cardSource(personRowID: Int64, years: ClosedRange<Int>) throws(LedgerError) -> CardSource? {
        var sets: [Int: RuleSet] = [:]
        for y in years {
            guard let set = rules.ruleSet(for: y) else { throw LedgerError.noRules(year: y) }
            sets[y] = set
        }
        return try read { () throws in
            guard let p = try storedPerson(personRowID) else { return nil }
            let years = try years.map { y throws in
                CardSource.Year(year: y, ruleSet: sets[y]!, records: try storedRecords(personRowID, year: y, of: p.person))
            }
            return CardSource(person: p, years: years)
        }
    }

    // MARK: Review and statistics

    public func pendingRecords(year: Int?, limit: Int) throws(LedgerError) -> [PendingRow] {
        var filter = RecordFilter()
        filter.year = year
        filter.recognition = .pending
        return try reviewRecords(filter, limit: limit)
    }

    /// `reviewRecords`, one row at a time (the rows are read in one transaction first).
    public func eachReviewRecord(
        _ filter: RecordFilter, limit: Int? = nil, _ each: (PendingRow) throws -> Void
    ) throws(LedgerError) {
        for row in try reviewRecords(filter, limit: limit) {
            do { try each(row) } catch { throw mapped(error) }
        }
    }

    /// Records matching a filter, oldest first (by end date, then as entered), with whose they are.
    public func reviewRecords(_ filter: RecordFilter, limit: Int? = nil) throws(LedgerError) -> [PendingRow] {
        var p = Parameters()
        var wheres: [String] = []
        if let y = filter.year { wheres.append("r.year = \(p.add(String(y)))::int") }
        if let r = filter.recognition { wheres.append("r.recognition = \(p.add(r.rawValue))") }
        if let u = filter.unit { wheres.append("q.unit = \(p.add(u))") }
        if let d = filter.department { wheres.append("q.department = \(p.add(d))") }
        if let n = filter.idNumber { wheres.append("q.id_number = \(p.add(n))") }
        if let m = filter.mode { wheres.append("r.mode = \(p.add(m.rawValue))") }
        if let ids = filter.recordIDs { wheres.append("r.id = ANY(\(p.add(PostgresLedger.array(ids)))::bigint[])") }
        if filter.withoutEvidence {
            // As on SQLite: no file attached, or every one removed.
            wheres.append("NOT EXISTS (SELECT 1 FROM evidence e WHERE e.record_id = r.id AND e.removed_at IS NULL)")
        }
        var sql = """
            SELECT \(PostgresLedger.recordColumns_), r.person_id, q.id_number, q.name, q.birth_date, q.gender
            FROM record r JOIN person q ON q.id = r.person_id
            """
        if !wheres.isEmpty { sql += " WHERE " + wheres.joined(separator: " AND ") }
        sql += " ORDER BY r.end_date, r.id"
        if let limit { sql += " LIMIT \(max(0, limit))" }
        let values = p.values
        return try read { () throws in
            try exec(sql, values).rows.map { row in
                let pid = ResidentID(
                    unchecked: row.text(25), birthDate: Day.parse(row.text(27)).successValue ?? Day.firstOf(year: 1900),
                    gender: Gender(rawValue: row.text(28)) ?? .male)
                return PendingRow(
                    personRowID: row.int64(24), personName: row.text(26), stored: PostgresLedger.record(row, personID: pid))
            }
        }
    }

    /// A year's statistics: every active person evaluated by the domain from their records (never summed
    /// in SQL), counted into `YearStatistics`' cells as the SQLite ledger does.
    public func statistics(year: Int, unit: String?) throws(LedgerError) -> YearStatistics {
        guard let set = rules.ruleSet(for: year) else { throw LedgerError.noRules(year: year) }
        var stats = YearStatistics(year: year, unit: unit, ruleSet: set)
        try eachYearResult(year: year, unit: unit) { row, result in
            stats.add(unit: row.text(5), department: row.text(6), titleLevel: row[8] ?? "", result)
        }
        return stats
    }

    /// Every person active in `year` (of `unit` when given) in ledger order, with the year evaluated live
    /// from their records; `each` gets the person's row (`personColumns`).
    func eachYearResult(year: Int, unit: String?, _ each: ([String?], YearResult) throws -> Void) throws(LedgerError) {
        try read { () throws in try eachYearResultInTransaction(year: year, unit: unit, department: nil, each) }
    }

    /// `eachYearResult` inside a transaction already open.
    func eachYearResultInTransaction(
        year: Int, unit: String?, department: String?, _ each: ([String?], YearResult) throws -> Void
    ) throws {
        guard let set = rules.ruleSet(for: year) else { throw LedgerError.noRules(year: year) }
        var p = Parameters()
        let y = p.add(String(year))
        var filter = PostgresLedger.activeSQL(p.add(PostgresLedger.yearStart(year)))
        if let unit { filter += " AND p.unit = \(p.add(unit))" }
        if let department { filter += " AND p.department = \(p.add(department))" }
        let values = p.values
        do {
            let rows = try exec(
                """
                SELECT \(PostgresLedger.personColumns), \(PostgresLedger.yearItemColumns)
                FROM person p LEFT JOIN record r ON r.person_id = p.id AND r.year = \(y)::int
                WHERE \(filter) ORDER BY p.id, r.id
                """, values
            ).rows
            var current: [String?]?
            var items: [YearItem] = []
            func flush() throws {
                guard let c = current else { return }
                try each(c, AnnualTotals.evaluate(year: year, items: items, rules: set))
            }
            for row in rows {
                if current?[0] != row[0] {
                    try flush()
                    current = row
                    items.removeAll(keepingCapacity: true)
                }
                if let item = PostgresLedger.yearItem(row, at: 14) { items.append(item) }
            }
            try flush()
        }
    }

    public func employer() throws(LedgerError) -> String? {
        try read { () throws in
            try exec("SELECT value FROM setting WHERE key = 'employer'").first?.text(0)
        }.flatMap { $0.trimmedField.isEmpty ? nil : $0 }
    }
}
