import CeledgerDomain
import Foundation
internal import GRDB

/// One person's line in a year's report.
public struct AnnualRow: Sendable, Hashable {
    public let idNumber: String
    public let name: String
    public let unit: String
    public let department: String
    public let title: String
    public let totals: AnnualTotals
}

/// A person as stored, with the ledger's row id.
public struct StoredPerson: Sendable, Hashable {
    public let rowID: Int64
    public let person: Person
}

/// A record as stored, with the ledger's row id.
public struct StoredRecord: Sendable, Hashable {
    public let rowID: Int64
    public let record: CeledgerDomain.Record
    public init(rowID: Int64, record: CeledgerDomain.Record) {
        self.rowID = rowID
        self.record = record
    }
}

public struct ReportFilter: Sendable {
    public var unit: String?
    public var status: AnnualTotals.Status?
    public init(unit: String? = nil, status: AnnualTotals.Status? = nil) {
        self.unit = unit
        self.status = status
    }
}

extension Ledger {
    /// SQL for "active in year ?": the same rule as `Person.isActive(in:)`, which a test holds it to.
    static let activeInYearSQL = "(p.status = 'active' OR p.status_date >= printf('%04d-01-01', :year))"

    /// Streams every person active in `year` with that year's totals, ordered by unit, department and
    /// ID number. SQL adds up the hours per group; the domain decides which groups count.
    public func annualReport(
        year: Int, rules: RuleBook, filter: ReportFilter = ReportFilter(),
        _ each: (AnnualRow) throws -> Void
    ) throws(LedgerError) {
        guard let ruleSet = rules.ruleSet(for: year) else {
            throw LedgerError(zh: "没有可用于\(year)年的规则", en: "no rule set applies to \(year)")
        }
        let thresholds = ruleSet.thresholds
        var unitClause = ""
        var args: [String: DatabaseValueConvertible?] = ["year": year]
        if let u = filter.unit {
            unitClause = " AND p.unit = :unit"
            args["unit"] = u
        }
        let sql = """
            SELECT p.id, p.id_number, p.name, p.unit, p.department, p.title,
                   g.category, g.recognition, g.assessment, g.tenths
            FROM person p
            LEFT JOIN (
                SELECT person_id, category, recognition, assessment, SUM(recognized_tenths) AS tenths
                FROM record WHERE year = :year
                GROUP BY person_id, category, recognition, assessment
            ) g ON g.person_id = p.id
            WHERE \(Ledger.activeInYearSQL)\(unitClause)
            ORDER BY p.unit, p.department, p.id_number
            """
        do {
            try db.read { db in
                let rows = try Row.fetchCursor(db, sql: sql, arguments: StatementArguments(args))
                var current: (id: Int64, row: Row)?
                var acc = AnnualTotals.Accumulator()
                func emit() throws {
                    guard let c = current else { return }
                    let totals = acc.totals(year: year, thresholds: thresholds)
                    if let s = filter.status, totals.status != s { return }
                    try each(AnnualRow(idNumber: c.row["id_number"], name: c.row["name"], unit: c.row["unit"],
                                       department: c.row["department"], title: c.row["title"], totals: totals))
                }
                while let row = try rows.next() {
                    let id: Int64 = row["id"]
                    if current?.id != id {
                        try emit()
                        current = (id, row.copy())
                        acc = AnnualTotals.Accumulator()
                    }
                    if let cat: String = row["category"] {
                        acc.add(HoursGroup(
                            category: Category(rawValue: cat)!, recognition: Recognition(rawValue: row["recognition"])!,
                            assessment: Assessment(rawValue: row["assessment"])!,
                            recognizedHours: Hours(tenths: row["tenths"] ?? 0)))
                    }
                }
                try emit()
            }
        } catch let e as LedgerError {
            throw e
        } catch {
            throw LedgerError.from(error, path: path)
        }
    }

    // MARK: reading persons and records

    static func person(from row: Row) -> Person {
        Person(
            id: (try? ResidentID.parse(row["id_number"]).get())
                ?? ResidentID(unchecked: row["id_number"], birthDate: Day.parse(row["birth_date"] ?? "").successValue ?? Day.firstOf(year: 1900),
                              gender: Gender(rawValue: row["gender"]) ?? .male),
            name: row["name"], unit: row["unit"], department: row["department"], title: row["title"],
            titleLevel: (row["title_level"] as String?).flatMap(TitleLevel.init(rawValue:)), specialty: row["specialty"],
            status: EmploymentStatus(rawValue: row["status"]) ?? .active,
            statusDate: (row["status_date"] as String?).flatMap { Day.parse($0).successValue },
            category: PersonCategory(rawValue: row["category"]) ?? .employee)
    }

    static func record(from row: Row, personID: ResidentID) -> CeledgerDomain.Record {
        CeledgerDomain.Record(
            personID: personID, mode: Mode(rawValue: row["mode"])!, category: Category(rawValue: row["category"])!,
            title: row["title"], provider: row["provider"],
            startDate: Day.parse(row["start_date"]).successValue!, endDate: Day.parse(row["end_date"]).successValue!,
            assessment: Assessment(rawValue: row["assessment"])!, score: row["score"],
            claimedHours: Hours(tenths: row["claimed_tenths"]),
            recognizedHours: (row["recognized_tenths"] as Int?).map(Hours.init(tenths:)),
            recognition: Recognition(rawValue: row["recognition"])!, certificateNo: row["certificate_no"], note: row["note"],
            recognitionNote: row["recognition_note"] ?? "")
    }

    /// Every person (active in `year` when given), in ledger order.
    public func eachPerson(activeIn year: Int? = nil, _ each: (StoredPerson) throws -> Void) throws(LedgerError) {
        var sql = "SELECT p.* FROM person p"
        var args: StatementArguments = [:]
        if let year {
            sql += " WHERE \(Ledger.activeInYearSQL)"
            args = ["year": year]
        }
        sql += " ORDER BY p.id"
        try readEach(sql, args) { row in try each(StoredPerson(rowID: row["id"], person: Ledger.person(from: row))) }
    }

    /// Every record (of `year` when given), in ledger order.
    public func eachRecord(year: Int? = nil, _ each: (StoredRecord) throws -> Void) throws(LedgerError) {
        var sql = "SELECT r.*, p.id_number AS person_id_number, p.birth_date AS person_birth_date, p.gender AS person_gender FROM record r JOIN person p ON p.id = r.person_id"
        var args: StatementArguments = [:]
        if let year {
            sql += " WHERE r.year = :year"
            args = ["year": year]
        }
        sql += " ORDER BY r.id"
        var lastID: (String, ResidentID)?
        try readEach(sql, args) { row in
            let number: String = row["person_id_number"]
            let pid: ResidentID
            if let l = lastID, l.0 == number { pid = l.1 } else {
                // Validated when stored: no need to check the sum again for every row.
                pid = ResidentID(unchecked: number, birthDate: Day.parse(row["person_birth_date"] ?? "").successValue ?? Day.firstOf(year: 1900),
                                 gender: Gender(rawValue: row["person_gender"] ?? "") ?? .male)
                lastID = (number, pid)
            }
            try each(StoredRecord(rowID: row["id"], record: Ledger.record(from: row, personID: pid)))
        }
    }

    func readEach(_ sql: String, _ args: StatementArguments, _ each: (Row) throws -> Void) throws(LedgerError) {
        do {
            try db.read { db in
                let rows = try Row.fetchCursor(db, sql: sql, arguments: args)
                while let row = try rows.next() { try each(row) }
            }
        } catch let e as LedgerError {
            throw e
        } catch {
            throw LedgerError.from(error, path: path)
        }
    }
}

extension Result {
    var successValue: Success? {
        if case .success(let v) = self { return v }
        return nil
    }
}
