import CeledgerDomain
import Foundation
internal import GRDB

/// How the persons list is sorted.
public enum PersonSort: String, CaseIterable, Sendable {
    case name, idNumber, unit, title, publicHours, professionalHours, totalHours, status
}

/// Which persons the list shows by their year's result.
public enum StatusFilter: String, CaseIterable, Sendable {
    case all, met, short, professionalShort
}

/// What the persons screen asks for: one year, filtered, searched and sorted. Paged with SQL.
public struct PersonListQuery: Hashable, Sendable {
    public var year: Int
    public var unit: String?
    public var department: String?
    public var status: StatusFilter = .all
    /// Name, ID digits or pinyin initials ("zs" finds 张三).
    public var search: String = ""
    public var sort: PersonSort = .name
    public var descending = false

    public init(year: Int) { self.year = year }
}

public struct PersonListRow: Hashable, Sendable {
    public let rowID: Int64
    public let idNumber: String
    public let name: String
    public let unit: String
    public let department: String
    public let title: String
    public let titleLevel: TitleLevel?
    public let totals: AnnualTotals
}

public struct YearSummary: Hashable, Sendable {
    public let persons: Int
    public let met: Int
    public var short: Int { persons - met }
    public init(persons: Int, met: Int) {
        self.persons = persons
        self.met = met
    }
}

/// A record waiting for recognition, with whose it is.
public struct PendingRow: Hashable, Sendable {
    public let personRowID: Int64
    public let personName: String
    public let stored: StoredRecord
}

extension Ledger {
    static func escapeLike(_ s: String) -> String {
        var out = ""
        for c in s {
            if c == "%" || c == "_" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out
    }

    /// The FROM/WHERE of a persons query: person `p` with the year's totals as `y` (public_tenths,
    /// professional_tenths, total_tenths, trimmed_tenths, needed_tenths), read from the stored summary, or
    /// zeros for a year no record has reached yet.
    private func listSQL(_ q: PersonListQuery, _ db: Database) throws -> (String, StatementArguments, RuleSet.Thresholds) {
        guard let set = rules.ruleSet(for: q.year) else { throw Ledger.noRules(q.year) }
        let t = set.thresholds
        var args: [String: DatabaseValueConvertible?] = ["year": q.year, "req": t.totalHours.tenths, "reqProf": t.professionalHours.tenths]
        var wheres: [String] = []
        let from: String
        switch try source(of: q.year, db) {
        case .summary:
            from = "person_year y JOIN person p ON p.id = y.person_id"
            wheres.append("y.year = :year")
        case .empty:
            let zero = AnnualTotals.zero(year: q.year, thresholds: t)
            from = """
                person p JOIN (SELECT 0 AS public_tenths, 0 AS professional_tenths, 0 AS total_tenths, 0 AS trimmed_tenths,
                                      \(zero.hoursNeeded.tenths) AS needed_tenths) y
                """
            wheres.append(Ledger.activeInYearSQL)
        case .live:
            // Another process's rules made this year's totals: make them again with ours first.
            throw Ledger.summaryOutdated
        }
        if let u = q.unit { wheres.append("p.unit = :unit"); args["unit"] = u }
        if let d = q.department { wheres.append("p.department = :dept"); args["dept"] = d }
        let search = q.search.trimmedField
        if !search.isEmpty {
            let like = "%" + Ledger.escapeLike(search) + "%"
            args["like"] = like
            var ors = ["p.name LIKE :like ESCAPE '\\'"]
            if search.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "X" || $0 == "x") }) {
                ors.append("p.id_number LIKE :idlike ESCAPE '\\'")
                args["idlike"] = "%" + Ledger.escapeLike(search.uppercased()) + "%"
            }
            if search.allSatisfy({ $0.isASCII && $0.isLetter }) {
                ors.append("(' ' || p.name_initials) LIKE :initials ESCAPE '\\'")
                args["initials"] = "% " + Ledger.escapeLike(search.lowercased()) + "%"
            }
            wheres.append("(" + ors.joined(separator: " OR ") + ")")
        }
        switch q.status {
        case .all: break
        case .met: wheres.append("y.needed_tenths = 0")
        case .short: wheres.append("y.needed_tenths > 0")
        case .professionalShort: wheres.append("(y.total_tenths >= :req AND y.professional_tenths < :reqProf)")
        }
        return ("FROM \(from) WHERE \(wheres.joined(separator: " AND "))", StatementArguments(args), t)
    }

    static let summaryOutdated = LedgerError(
        zh: "另一程序用不同的规则重算了年度合计；请重新打开登记簿", en: "another program recomputed the totals under different rules; reopen the ledger")

    private func orderSQL(_ q: PersonListQuery) -> String {
        let dir = q.descending ? "DESC" : "ASC"
        let key: String
        switch q.sort {
        // Pinyin order by the first letter, then by the characters themselves, so that one surname's
        // people stand together (陈, 程, 曹 each a block under c) instead of interleaving by initials.
        case .name: key = "substr(p.name_initials, 1, 1) \(dir), p.name \(dir)"
        case .idNumber: key = "p.id_number \(dir)"
        case .unit: key = "p.unit \(dir), p.department \(dir), p.name_initials \(dir)"
        case .title: key = "p.title_level IS NULL, p.title_level \(dir), p.title \(dir)"
        case .publicHours: key = "y.public_tenths \(dir)"
        case .professionalHours: key = "y.professional_tenths \(dir)"
        case .totalHours: key = "y.total_tenths \(dir)"
        // Those who still need the most come first; the met (needing nothing) last.
        case .status: key = "y.needed_tenths \(q.descending ? "ASC" : "DESC")"
        }
        return "ORDER BY \(key), p.id"
    }

    /// How many persons the query finds, and how many of them met the year's requirement.
    public func personSummary(_ q: PersonListQuery) throws(LedgerError) -> YearSummary {
        try read { db in
            let (from, args, _) = try listSQL(q, db)
            let row = try Row.fetchOne(db, sql: "SELECT count(*) AS n, COALESCE(SUM(y.needed_tenths = 0), 0) AS met \(from)", arguments: args)!
            return YearSummary(persons: row["n"], met: row["met"])
        }
    }

    /// One page of the persons list.
    public func personPage(_ q: PersonListQuery, offset: Int, limit: Int) throws(LedgerError) -> [PersonListRow] {
        try read { db in
            var (from, args, t) = try listSQL(q, db)
            _ = args.append(contentsOf: ["limit": limit, "offset": offset])
            let sql = """
                SELECT p.id, p.id_number, p.name, p.unit, p.department, p.title, p.title_level,
                       y.public_tenths, y.professional_tenths, y.trimmed_tenths
                \(from) \(orderSQL(q)) LIMIT :limit OFFSET :offset
                """
            return try Row.fetchAll(db, sql: sql, arguments: args).map { row in
                PersonListRow(
                    rowID: row["id"], idNumber: row["id_number"], name: row["name"], unit: row["unit"],
                    department: row["department"], title: row["title"],
                    titleLevel: (row["title_level"] as String?).flatMap(TitleLevel.init(rawValue:)),
                    totals: AnnualTotals(year: q.year, publicHours: Hours(tenths: row["public_tenths"]),
                                         professionalHours: Hours(tenths: row["professional_tenths"]), thresholds: t,
                                         trimmedHours: Hours(tenths: row["trimmed_tenths"])))
            }
        }
    }

    /// The position of a person in the list (to keep the selection on them after a change), or nil.
    public func position(of personRowID: Int64, in q: PersonListQuery) throws(LedgerError) -> Int? {
        // Small lists are the common case; a linear scan of ids in order is cheap compared with a redraw.
        try read { db in
            let (from, args, _) = try listSQL(q, db)
            let ids = try Int64.fetchCursor(db, sql: "SELECT p.id \(from) \(orderSQL(q))", arguments: args)
            var i = 0
            while let id = try ids.next() {
                if id == personRowID { return i }
                i += 1
            }
            return nil
        }
    }

    public func recordCount(personRowID: Int64) throws(LedgerError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM record WHERE person_id = ?", arguments: [personRowID]) ?? 0 }
    }

    /// Units and departments present, for the filter menus.
    public func units() throws(LedgerError) -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT DISTINCT unit FROM person WHERE unit <> '' ORDER BY unit") }
    }

    public func departments(unit: String?) throws(LedgerError) -> [String] {
        try read { db in
            if let unit {
                return try String.fetchAll(db, sql: "SELECT DISTINCT department FROM person WHERE unit = ? AND department <> '' ORDER BY department", arguments: [unit])
            }
            return try String.fetchAll(db, sql: "SELECT DISTINCT department FROM person WHERE department <> '' ORDER BY department")
        }
    }

    public func person(rowID: Int64) throws(LedgerError) -> StoredPerson? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM person WHERE id = ?", arguments: [rowID]).map {
                StoredPerson(rowID: $0["id"], person: Ledger.person(from: $0))
            }
        }
    }

    public func personRowID(idNumber: String) throws(LedgerError) -> Int64? {
        try read { db in try Int64.fetchOne(db, sql: "SELECT id FROM person WHERE id_number = ?", arguments: [idNumber]) }
    }

    /// A person's records of one year, by date.
    public func records(personRowID: Int64, year: Int) throws(LedgerError) -> [StoredRecord] {
        try read { db in
            guard let p = try Row.fetchOne(db, sql: "SELECT * FROM person WHERE id = ?", arguments: [personRowID]) else { return [] }
            let person = Ledger.person(from: p)
            return try Row.fetchAll(db, sql: "SELECT * FROM record WHERE person_id = ? AND year = ? ORDER BY start_date, end_date, id",
                                    arguments: [personRowID, year]).map {
                StoredRecord(row: $0, personID: person.id)
            }
        }
    }

    /// A person's totals for each year of a range (the five-year chart, multi-year checks).
    public func yearTotals(personRowID: Int64, years: ClosedRange<Int>) throws(LedgerError) -> [AnnualTotals] {
        try years.map { y throws(LedgerError) in try yearResult(personRowID: personRowID, year: y).result.totals }
    }

    /// A person's year, evaluated from their records (a handful: cheaper than any cache): the totals,
    /// what the caps trimmed and the notes that say so.
    public func yearResult(personRowID: Int64, year: Int) throws(LedgerError) -> (result: YearResult, notes: [Message]) {
        try read { db in
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

    public func eachReviewRecord(_ filter: RecordFilter, limit: Int? = nil, _ each: (PendingRow) throws -> Void) throws(LedgerError) {
        var wheres: [String] = []
        var args: [String: DatabaseValueConvertible?] = [:]
        if let y = filter.year { wheres.append("r.year = :year"); args["year"] = y }
        if let r = filter.recognition { wheres.append("r.recognition = :recognition"); args["recognition"] = r.rawValue }
        if let u = filter.unit { wheres.append("p.unit = :unit"); args["unit"] = u }
        if let d = filter.department { wheres.append("p.department = :dept"); args["dept"] = d }
        if let n = filter.idNumber { wheres.append("p.id_number = :number"); args["number"] = n }
        if let m = filter.mode { wheres.append("r.mode = :mode"); args["mode"] = m.rawValue }
        if let ids = filter.recordIDs { wheres.append("r.id IN (\(ids.map(String.init).joined(separator: ",")))") }
        var sql = """
            SELECT r.*, p.id_number AS pid, p.name AS pname, p.birth_date AS pbirth, p.gender AS pgender
            FROM record r JOIN person p ON p.id = r.person_id
            """
        if !wheres.isEmpty { sql += " WHERE " + wheres.joined(separator: " AND ") }
        sql += " ORDER BY r.end_date, r.id"
        if let limit { sql += " LIMIT \(limit)" }
        try readEach(sql, StatementArguments(args)) { row in
            let pid = ResidentID(unchecked: row["pid"], birthDate: Day.parse(row["pbirth"]).successValue ?? Day.firstOf(year: 1900),
                                 gender: Gender(rawValue: row["pgender"]) ?? .male)
            try each(PendingRow(personRowID: row["person_id"], personName: row["pname"],
                                stored: StoredRecord(row: row, personID: pid)))
        }
    }
}

/// Which records a review command or screen works on; nil fields do not filter.
public struct RecordFilter: Sendable, Hashable {
    public var year: Int?
    public var recognition: Recognition?
    public var unit: String?
    public var department: String?
    public var idNumber: String?
    public var mode: Mode?
    public var recordIDs: [Int64]?
    public init() {}
}
