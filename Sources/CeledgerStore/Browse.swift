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
    /// The SQL test for "this row's hours count", generated from `Record.contribution` so that SQL and the
    /// domain share one definition (a test holds them together).
    static let countsSQL: String = {
        var pairs: [String] = []
        for rec in Recognition.allCases {
            for a in Assessment.allCases {
                if case .counts = Record.contribution(recognition: rec, assessment: a, recognized: Hours(tenths: 1)) {
                    pairs.append("'\(rec.rawValue)/\(a.rawValue)'")
                }
            }
        }
        return "(r.recognition || '/' || r.assessment) IN (\(pairs.joined(separator: ", ")))"
    }()

    static func escapeLike(_ s: String) -> String {
        var out = ""
        for c in s {
            if c == "%" || c == "_" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out
    }

    /// The FROM/WHERE of a persons query with the year's counted hours as `pub` and `prof`.
    private func listSQL(_ q: PersonListQuery, thresholds t: RuleSet.Thresholds) -> (String, StatementArguments) {
        var args: [String: DatabaseValueConvertible?] = [
            "year": q.year, "req": t.totalHours.tenths, "reqProf": t.professionalHours.tenths,
            "reqPub": t.publicHours?.tenths ?? 0,
        ]
        var wheres = [Ledger.activeInYearSQL]
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
        let met = "(pub + prof >= :req AND prof >= :reqProf AND pub >= :reqPub)"
        switch q.status {
        case .all: break
        case .met: wheres.append(met)
        case .short: wheres.append("NOT " + met)
        case .professionalShort: wheres.append("(pub + prof >= :req AND prof < :reqProf)")
        }
        let sql = """
            FROM (
                SELECT p.*, COALESCE(g.pub, 0) AS pub, COALESCE(g.prof, 0) AS prof
                FROM person p
                LEFT JOIN (
                    SELECT r.person_id,
                           SUM(CASE WHEN r.category = 'public' AND \(Ledger.countsSQL) THEN r.recognized_tenths ELSE 0 END) AS pub,
                           SUM(CASE WHEN r.category = 'professional' AND \(Ledger.countsSQL) THEN r.recognized_tenths ELSE 0 END) AS prof
                    FROM record r WHERE r.year = :year GROUP BY r.person_id
                ) g ON g.person_id = p.id
                WHERE \(Ledger.activeInYearSQL)
            ) p
            WHERE \(wheres.joined(separator: " AND "))
            """
        return (sql, StatementArguments(args))
    }

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
        case .publicHours: key = "p.pub \(dir)"
        case .professionalHours: key = "p.prof \(dir)"
        case .totalHours: key = "p.pub + p.prof \(dir)"
        case .status:
            key = "(p.pub + p.prof >= :req AND p.prof >= :reqProf AND p.pub >= :reqPub) \(dir), MAX(0, :req - p.pub - p.prof) + MAX(0, :reqProf - p.prof) \(q.descending ? "ASC" : "DESC")"
        }
        return "ORDER BY \(key), p.id"
    }

    func thresholds(_ year: Int, _ rules: RuleBook) throws(LedgerError) -> RuleSet.Thresholds {
        guard let set = rules.ruleSet(for: year) else {
            throw LedgerError(zh: "没有可用于\(year)年的规则", en: "no rule set applies to \(year)")
        }
        return set.thresholds
    }

    /// How many persons the query finds, and how many of them met the year's requirement.
    public func personSummary(_ q: PersonListQuery, rules: RuleBook) throws(LedgerError) -> YearSummary {
        let t = try thresholds(q.year, rules)
        let (from, args) = listSQL(q, thresholds: t)
        return try read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT count(*) AS n, COALESCE(SUM(pub + prof >= :req AND prof >= :reqProf AND pub >= :reqPub), 0) AS met \(from)
                """, arguments: args)!
            return YearSummary(persons: row["n"], met: row["met"])
        }
    }

    /// One page of the persons list.
    public func personPage(_ q: PersonListQuery, rules: RuleBook, offset: Int, limit: Int) throws(LedgerError) -> [PersonListRow] {
        let t = try thresholds(q.year, rules)
        var (from, args) = listSQL(q, thresholds: t)
        _ = args.append(contentsOf: ["limit": limit, "offset": offset])
        let sql = """
            SELECT p.id, p.id_number, p.name, p.unit, p.department, p.title, p.title_level, p.pub, p.prof
            \(from) \(orderSQL(q)) LIMIT :limit OFFSET :offset
            """
        return try read { db in
            try Row.fetchAll(db, sql: sql, arguments: args).map { row in
                PersonListRow(
                    rowID: row["id"], idNumber: row["id_number"], name: row["name"], unit: row["unit"],
                    department: row["department"], title: row["title"],
                    titleLevel: (row["title_level"] as String?).flatMap(TitleLevel.init(rawValue:)),
                    totals: AnnualTotals(year: q.year, publicHours: Hours(tenths: row["pub"]), professionalHours: Hours(tenths: row["prof"]), thresholds: t))
            }
        }
    }

    /// The position of a person in the list (to keep the selection on them after a change), or nil.
    public func position(of personRowID: Int64, in q: PersonListQuery, rules: RuleBook) throws(LedgerError) -> Int? {
        // Small lists are the common case; a linear scan of ids in order is cheap compared with a redraw.
        let t = try thresholds(q.year, rules)
        let (from, args) = listSQL(q, thresholds: t)
        return try read { db in
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
                StoredRecord(rowID: $0["id"], record: Ledger.record(from: $0, personID: person.id))
            }
        }
    }

    /// A person's totals for each year of a range (the five-year chart, multi-year checks).
    public func yearTotals(personRowID: Int64, years: ClosedRange<Int>, rules: RuleBook) throws(LedgerError) -> [AnnualTotals] {
        let groups: [(Int, HoursGroup)] = try read { db in
            try Row.fetchAll(db, sql: """
                SELECT year, category, recognition, assessment, SUM(recognized_tenths) AS tenths FROM record
                WHERE person_id = ? AND year BETWEEN ? AND ? GROUP BY year, category, recognition, assessment
                """, arguments: [personRowID, years.lowerBound, years.upperBound]).map { row in
                (row["year"], HoursGroup(category: Category(rawValue: row["category"])!, recognition: Recognition(rawValue: row["recognition"])!,
                                         assessment: Assessment(rawValue: row["assessment"])!, recognizedHours: Hours(tenths: row["tenths"] ?? 0)))
            }
        }
        var out: [AnnualTotals] = []
        for y in years {
            var acc = AnnualTotals.Accumulator()
            for (gy, g) in groups where gy == y { acc.add(g) }
            out.append(acc.totals(year: y, thresholds: try thresholds(y, rules)))
        }
        return out
    }

    /// Records waiting for recognition in a year (or every year), oldest first.
    public func pendingRecords(year: Int?, limit: Int = 10_000) throws(LedgerError) -> [PendingRow] {
        try read { db in
            var sql = "SELECT r.*, p.id_number AS pid, p.name AS pname, p.birth_date AS pbirth, p.gender AS pgender FROM record r JOIN person p ON p.id = r.person_id WHERE r.recognition = 'pending'"
            var args: StatementArguments = []
            if let year { sql += " AND r.year = ?"; args = [year] }
            sql += " ORDER BY r.end_date, r.id LIMIT \(limit)"
            return try Row.fetchAll(db, sql: sql, arguments: args).map { row in
                let pid = ResidentID(unchecked: row["pid"], birthDate: Day.parse(row["pbirth"]).successValue ?? Day.firstOf(year: 1900),
                                     gender: Gender(rawValue: row["pgender"]) ?? .male)
                return PendingRow(personRowID: row["person_id"], personName: row["pname"],
                                  stored: StoredRecord(rowID: row["id"], record: Ledger.record(from: row, personID: pid)))
            }
        }
    }
}
