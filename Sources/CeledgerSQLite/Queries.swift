import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import Foundation
internal import GRDB

extension StoredRecord {
    init(row: Row, personID: ResidentID) {
        self.init(
            rowID: row["id"], record: SQLiteLedger.record(from: row, personID: personID),
            reviewedBy: row["reviewed_by"], reviewedAt: row["reviewed_at"], version: row["version"],
            enteredBy: row["entered_by"], changedBy: row["changed_by"])
    }
}

extension StoredPerson {
    /// A person row (`SELECT *`) with its version.
    init(row: Row) {
        self.init(rowID: row["id"], person: SQLiteLedger.person(from: row), version: row["version"])
    }
}

public struct ReportFilter: Sendable {
    public var unit: String?
    /// One department (of the unit, when one is given).
    public var department: String?
    public var status: AnnualTotals.Status?
    public init(unit: String? = nil, department: String? = nil, status: AnnualTotals.Status? = nil) {
        self.unit = unit
        self.department = department
        self.status = status
    }
}

extension SQLiteLedger {
    /// SQL for "active in year ?": the same rule as `Person.isActive(in:)`, which a test holds it to.
    static let activeInYearSQL = activeSQL(":year")

    /// Streams every person active in `year` with that year's totals, ordered by unit, department and
    /// ID number. The totals come from the stored summary when it was made by this process's rules, else
    /// they are evaluated from the records; both are the domain's `AnnualTotals.evaluate`.
    public func annualReport(
        year: Int, filter: ReportFilter = ReportFilter(), _ each: (AnnualRow) throws -> Void
    ) throws(LedgerError) {
        guard let ruleSet = rules.ruleSet(for: year) else { throw LedgerError.noRules(year: year) }
        var unitClause = try unitLimitSQL()
        var args: [String: DatabaseValueConvertible?] = ["year": year]
        if let u = filter.unit {
            unitClause += " AND p.unit = :unit"
            args["unit"] = u
        }
        if let d = filter.department {
            unitClause += " AND p.department = :department"
            args["department"] = d
        }
        func emit(_ db: Database, _ row: Row, _ totals: AnnualTotals, _ notes: () throws -> [Message]) throws {
            if let s = filter.status, totals.status != s { return }
            try each(
                AnnualRow(
                    idNumber: row["id_number"], name: row["name"], unit: row["unit"], department: row["department"],
                    title: row["title"], titleLevel: (row["title_level"] as String?).flatMap(TitleLevel.init(rawValue:)),
                    totals: totals, notes: try notes()))
        }
        let personColumns = "p.id, p.id_number, p.name, p.unit, p.department, p.title, p.title_level"
        let order = "ORDER BY p.unit, p.department, p.id_number"
        do {
            try db.read { db in
                switch try source(of: year, db) {
                case .summary:
                    let rows = try Row.fetchCursor(
                        db,
                        sql: """
                            SELECT \(personColumns), y.public_tenths, y.professional_tenths, y.trimmed_tenths
                            FROM person_year y JOIN person p ON p.id = y.person_id
                            WHERE y.year = :year\(unitClause) \(order)
                            """, arguments: StatementArguments(args))
                    while let row = try rows.next() {
                        let totals = AnnualTotals(
                            year: year, publicHours: Hours(tenths: row["public_tenths"]),
                            professionalHours: Hours(tenths: row["professional_tenths"]),
                            thresholds: ruleSet.thresholds, trimmedHours: Hours(tenths: row["trimmed_tenths"]))
                        try emit(db, row, totals) {
                            totals.trimmedHours == .zero ? [] : try capNotes(evaluate(personRowID: row["id"], year: year, db), db)
                        }
                    }
                case .empty:
                    let rows = try Row.fetchCursor(
                        db,
                        sql: "SELECT \(personColumns) FROM person p WHERE \(SQLiteLedger.activeInYearSQL)\(unitClause) \(order)",
                        arguments: StatementArguments(args))
                    let zero = AnnualTotals.zero(year: year, thresholds: ruleSet.thresholds)
                    while let row = try rows.next() { try emit(db, row, zero) { [] } }
                case .live:
                    try evaluateYear(db, year: year, filter: unitClause, arguments: args, order: order) { row, result in
                        try emit(db, row, result.totals) { try capNotes(result, db) }
                    }
                }
            }
        } catch let e as LedgerError {
            throw e
        } catch {
            throw LedgerError.from(error, path: path)
        }
    }

    /// One person's window of years (title applications look at 3 to 5 at once): each year's totals, or
    /// nil for a year the person was not active in.
    public func window(personRowID: Int64, years: ClosedRange<Int>) throws(LedgerError) -> WindowResult {
        guard let p = try person(rowID: personRowID) else { throw LedgerError.gone }
        let totals = try yearTotals(personRowID: personRowID, years: years)
        return WindowResult(years: zip(years, totals).map { y, t in (y, p.person.isActive(in: y) ? t : nil) })
    }

    /// Streams every person active in at least one year of the window, ordered by unit, department and
    /// ID number, with each year's result (nil for a year the person was not active in).
    public func windowReport(
        years: ClosedRange<Int>, unit: String? = nil, _ each: (AnnualRow, WindowResult) throws -> Void
    ) throws(LedgerError) {
        var sets: [Int: RuleSet] = [:]
        for y in years {
            guard let set = rules.ruleSet(for: y) else { throw LedgerError.noRules(year: y) }
            sets[y] = set
        }
        var args: [String: DatabaseValueConvertible?] = [
            "year": years.lowerBound, "from": years.lowerBound, "to": years.upperBound,
        ]
        var unitClause = try unitLimitSQL()
        if let unit {
            unitClause += " AND p.unit = :unit"
            args["unit"] = unit
        }
        do {
            try db.read { db in
                // Years the summary cannot answer for (other rules made them) are evaluated here, once each.
                var live: [Int: [Int64: AnnualTotals]] = [:]
                for y in years where try source(of: y, db) == .live {
                    var m: [Int64: AnnualTotals] = [:]
                    try evaluateYear(db, year: y, filter: unitClause, arguments: args) { row, result in
                        m[row["id"]] = result.totals
                    }
                    live[y] = m
                }
                let rows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT p.*, y.year AS y_year, y.public_tenths, y.professional_tenths, y.trimmed_tenths
                        FROM person p LEFT JOIN person_year y ON y.person_id = p.id AND y.year BETWEEN :from AND :to
                        WHERE \(SQLiteLedger.activeInYearSQL)\(unitClause)
                        ORDER BY p.unit, p.department, p.id_number, p.id, y.year
                        """, arguments: StatementArguments(args))
                var current: (id: Int64, row: Row, stored: [Int: AnnualTotals])?
                func flush() throws {
                    guard let c = current else { return }
                    let status = EmploymentStatus(rawValue: c.row["status"]) ?? .active
                    let statusDate = (c.row["status_date"] as String?).flatMap { Day.parse($0).successValue }
                    let window = WindowResult(
                        years: years.map { y in
                            guard Person.isActive(status: status, statusDate: statusDate, in: y) else { return (y, nil) }
                            return (
                                y, live[y]?[c.id] ?? c.stored[y] ?? AnnualTotals.zero(year: y, thresholds: sets[y]!.thresholds)
                            )
                        })
                    let last = window.years.last { $0.totals != nil }!.totals!
                    try each(
                        AnnualRow(
                            idNumber: c.row["id_number"], name: c.row["name"], unit: c.row["unit"],
                            department: c.row["department"],
                            title: c.row["title"],
                            titleLevel: (c.row["title_level"] as String?).flatMap(TitleLevel.init(rawValue:)),
                            totals: last, notes: []), window)
                }
                while let row = try rows.next() {
                    let id: Int64 = row["id"]
                    if current?.id != id {
                        try flush()
                        current = (id, row.copy(), [:])
                    }
                    if let y: Int = row["y_year"] {
                        current!.stored[y] = AnnualTotals(
                            year: y, publicHours: Hours(tenths: row["public_tenths"]),
                            professionalHours: Hours(tenths: row["professional_tenths"]),
                            thresholds: sets[y]!.thresholds, trimmedHours: Hours(tenths: row["trimmed_tenths"]))
                    }
                }
                try flush()
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
                ?? ResidentID(
                    unchecked: row["id_number"],
                    birthDate: Day.parse(row["birth_date"] ?? "").successValue ?? Day.firstOf(year: 1900),
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
            recognitionNote: row["recognition_note"] ?? "", basis: row["basis"], quantity: row["quantity"],
            role: Role(rawValue: row["role"] ?? "") ?? .participant,
            suggestedHours: (row["suggested_tenths"] as Int?).map(Hours.init(tenths:)))
    }

    /// Every person (active in `year` when given), in ledger order.
    public func eachPerson(activeIn year: Int? = nil, _ each: (StoredPerson) throws -> Void) throws(LedgerError) {
        var sql = "SELECT p.* FROM person p WHERE 1" + (try unitLimitSQL())
        var args: StatementArguments = [:]
        if let year {
            sql += " AND \(SQLiteLedger.activeInYearSQL)"
            args = ["year": year]
        }
        sql += " ORDER BY p.id"
        try readEach(sql, args) { row in try each(StoredPerson(row: row)) }
    }

    /// Every record (of `year` when given), in ledger order.
    public func eachRecord(year: Int? = nil, _ each: (StoredRecord) throws -> Void) throws(LedgerError) {
        try eachRecord(year: year, names: false) { r, _ in try each(r) }
    }

    /// Every record (of `year` when given) with its person's name, in ledger order: for outputs people read.
    public func eachRecordNamed(year: Int? = nil, _ each: (StoredRecord, String) throws -> Void) throws(LedgerError) {
        try eachRecord(year: year, names: true, each)
    }

    private func eachRecord(year: Int?, names: Bool, _ each: (StoredRecord, String) throws -> Void) throws(LedgerError) {
        var sql =
            "SELECT r.*, p.id_number AS person_id_number, p.birth_date AS person_birth_date, p.gender AS person_gender"
            + (names ? ", p.name AS person_name" : "") + " FROM record r JOIN person p ON p.id = r.person_id WHERE 1"
            + (try unitLimitSQL())
        var args: StatementArguments = [:]
        if let year {
            sql += " AND r.year = :year"
            args = ["year": year]
        }
        sql += " ORDER BY r.id"
        var lastID: (String, ResidentID)?
        try readEach(sql, args) { row in
            let number: String = row["person_id_number"]
            let pid: ResidentID
            if let l = lastID, l.0 == number {
                pid = l.1
            } else {
                // Validated when stored: no need to check the sum again for every row.
                pid = ResidentID(
                    unchecked: number,
                    birthDate: Day.parse(row["person_birth_date"] ?? "").successValue ?? Day.firstOf(year: 1900),
                    gender: Gender(rawValue: row["person_gender"] ?? "") ?? .male)
                lastID = (number, pid)
            }
            try each(StoredRecord(row: row, personID: pid), names ? row["person_name"] : "")
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
