import CeledgerDomain
import CeledgerSheets
import Foundation
internal import GRDB

/// What adding one activity for many persons did.
public struct BatchResult: Sendable, Hashable {
    /// Persons (row ids) who got the record, in the order given.
    public let added: [Int64]
    /// Persons who already had this activity (same mode, title and dates): skipped, never counted twice.
    public let duplicates: [Int64]
}

/// What importing a class file found and did.
public struct ClassImportReport: Sendable {
    /// The class as read from its lines (with no person yet).
    public var record: CeledgerDomain.Record?
    /// Participant rows read.
    public var rows = 0
    public var inserted = 0
    public var duplicates: [RowError] = []
    public var errors: [RowError] = []
    /// Rows with at least one error.
    public var badRowCount = 0
    public var committed = false
    /// A problem with the file or the class lines rather than one participant: nothing can be imported.
    public var fileIsBroken = false
}

extension SQLiteLedger {
    /// Adds the same activity for several persons in one transaction (Art. 16: one training class, many
    /// participants): all or nothing. A person who already has the activity is skipped and named as a
    /// duplicate; a person no longer in the ledger fails the whole batch. `r.personID` is ignored: each
    /// record belongs to its person row.
    public func addRecords(_ r: CeledgerDomain.Record, personRowIDs: [Int64], reviewer: String) throws(LedgerError) -> BatchResult {
        let now = SQLiteLedger.now()
        return try write { db in
            let exists = try db.cachedStatement(sql: "SELECT 1 FROM person WHERE id = ?")
            let insert = try db.cachedStatement(sql: """
                INSERT INTO record (person_id, mode, category, title, provider, start_date, end_date, year, assessment, score,
                    claimed_tenths, recognized_tenths, recognition, certificate_no, note, recognition_note, reviewed_by, reviewed_at,
                    basis, quantity, role, suggested_tenths, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (person_id, mode, title, start_date, end_date) DO NOTHING
                """)
            let reviewedBy: String? = r.recognition == .pending ? nil : reviewer
            let reviewedAt: String? = r.recognition == .pending ? nil : now
            var added: [Int64] = [], duplicates: [Int64] = []
            var seen = Set<Int64>()
            for person in personRowIDs where seen.insert(person).inserted {
                guard try Bool.fetchOne(exists, arguments: [person]) != nil else { throw SQLiteLedger.gone }
                try insert.execute(arguments: [
                    person, r.mode.rawValue, r.category.rawValue, r.title, r.provider, r.startDate.iso, r.endDate.iso, r.year,
                    r.assessment.rawValue, r.score, r.claimedHours.tenths, r.recognizedHours?.tenths, r.recognition.rawValue,
                    r.certificateNo, r.note, r.recognitionNote, reviewedBy, reviewedAt, r.basis, r.quantity, r.role.rawValue,
                    r.suggestedHours?.tenths, now, now,
                ])
                if db.changesCount > 0 { added.append(person) } else { duplicates.append(person) }
            }
            return BatchResult(added: added, duplicates: duplicates)
        }
    }

    /// Columns a participant line may carry; the activity itself (mode, category, content, provider,
    /// dates, conversion) belongs to the class lines.
    static let participantFields: Set<Field> = [
        .idNumber, .assessment, .score, .claimedHours, .recognizedHours, .recognition, .recognitionNote, .certificateNo, .note,
        .role, .quantity,
    ]
    static let participantNameHeaders: Set<String> = ["name", "姓名"]

    /// Imports a class file: `key,value` lines giving the activity (any record column but the ID number),
    /// then a participants table whose header starts with the ID number column, one person a line, each
    /// line's own cells (assessment, score, hours…) overriding the class's. Atomic like every import: one
    /// bad line and nothing is written. A participant who already has the activity is a duplicate: skipped
    /// and reported, not an error.
    public func importClass(from reader: any RowSource, dryRun: Bool = false, progress: ProgressHandler? = nil) throws(LedgerError) -> ClassImportReport {
        var report = ClassImportReport()
        func broken(_ e: RowError) -> ClassImportReport {
            report.errors.append(e)
            report.badRowCount = max(1, report.badRowCount)
            report.fileIsBroken = true
            return report
        }
        // The class lines, up to the participants' header.
        var classCells: [Field: String] = [:]
        var classLine: [Field: (line: Int, key: String)] = [:]
        var header: CSVRow?
        var firstLine = 1
        var chinese = false
        do {
            while let row = try reader.next() {
                let cells = row.fields.map { CSVWriter.plain($0).trimmedField }
                guard let key = cells.first, !cells.allSatisfy(\.isEmpty) else { continue }
                if key.hasPrefix("#") { continue }
                if classLine.isEmpty && classCells.isEmpty { firstLine = row.line }
                let field = Field.fromHeader(key, kind: .record)
                if field == .idNumber {
                    header = row
                    break
                }
                if key.unicodeScalars.contains(where: { !$0.isASCII }) { chinese = true }
                guard let field else {
                    report.errors.append(RowError(line: row.line, column: key.truncatedForMessage, message: Message(
                        zh: "未知的项目“\(key)”（培训班信息每行为“项目,内容”；参加人员表以“身份证号”列开头）",
                        en: "unknown key \"\(key)\" (class lines are key,value; the participants table starts with an id_number column)")))
                    continue
                }
                if let first = classLine[field] {
                    report.errors.append(RowError(line: row.line, column: key, message: Message(
                        zh: "与第\(first.line)行的“\(first.key)”重复", en: "repeats \"\(first.key)\" of line \(first.line)")))
                    continue
                }
                if cells.count > 2, cells.dropFirst(2).contains(where: { !$0.isEmpty }) {
                    report.errors.append(RowError(line: row.line, column: key, message: Message(
                        zh: "培训班信息每行只有“项目,内容”两格", en: "a class line has two cells: key,value")))
                    continue
                }
                classCells[field] = cells.count > 1 ? cells[1] : ""
                classLine[field] = (row.line, key)
            }
        } catch {
            return broken(RowError(line: error.line, column: "", message: Message(error.message)))
        }
        guard let header else {
            return broken(RowError(line: firstLine, column: "", message: Message(
                zh: "没有参加人员表（以“身份证号”列开头的表头行）", en: "no participants table (a header line starting with id_number)")))
        }
        // The participants' columns.
        var map: [Field?] = []
        var nameColumn: Int?
        var seen: [Field: String] = [:]
        for (i, raw) in header.fields.enumerated() {
            let h = CSVWriter.plain(raw).trimmedField
            if h.unicodeScalars.contains(where: { !$0.isASCII }) { chinese = true }
            if h.isEmpty || SQLiteLedger.annotationHeaders.contains(h.lowercased()) { map.append(nil); continue }
            if SQLiteLedger.participantNameHeaders.contains(h.lowercased()) {
                if nameColumn != nil {
                    report.errors.append(RowError(line: header.line, column: h, message: Message(zh: "姓名列重复", en: "the name column is given twice")))
                }
                nameColumn = i
                map.append(nil)
                continue
            }
            guard let f = Field.fromHeader(h, kind: .record) else {
                report.errors.append(RowError(line: header.line, column: h.truncatedForMessage, message: Message(zh: "未知的列“\(h)”", en: "unknown column \"\(h)\"")))
                map.append(nil)
                continue
            }
            if !SQLiteLedger.participantFields.contains(f) {
                report.errors.append(RowError(line: header.line, column: h, message: Message(
                    zh: "“\(h)”属于培训班信息，应写在上方的“项目,内容”行中，不能每人不同",
                    en: "\"\(h)\" belongs to the class lines above (key,value), not to each participant")))
                map.append(nil)
                continue
            }
            if let first = seen[f] {
                report.errors.append(RowError(line: header.line, column: h, message: Message(zh: "与“\(first)”重复（同一列）", en: "repeats column \"\(first)\"")))
            }
            seen[f] = h
            map.append(f)
        }
        let lang: Lang = chinese ? .zh : .en
        func label(_ f: Field) -> String { seen[f] ?? classLine[f]?.key ?? f.label(lang, in: .record) }

        // The class alone, with a stand-in person: what is wrong with it is wrong for everyone.
        let parser = RowParser(rules: rules)
        let standIn = ResidentID.make(region: "110105", birth: Day(year: 1949, month: 12, day: 31)!, sequence: 2)
        var probe = classCells
        probe[.idNumber] = standIn.value
        switch parser.record(probe) {
        case .success(let r): report.record = r
        case .failure(let p):
            for issue in p.issues where seen[issue.field] == nil {
                let at = classLine[issue.field]
                report.errors.append(RowError(line: at?.line ?? firstLine, column: at?.key ?? label(issue.field), message: issue.message))
            }
        }
        guard report.errors.isEmpty else {
            report.badRowCount = 1
            report.fileIsBroken = true
            return report
        }

        let now = SQLiteLedger.now()
        do {
            func pass(_ db: Database) throws -> Bool {
                var writer = try RowWriter(db: db, now: now, pinyin: pinyin, dryRun: dryRun)
                let nameOf = try db.cachedStatement(sql: "SELECT name FROM person WHERE id = ?")
                while let row = try reader.next() {
                    let cells = row.fields.map { CSVWriter.plain($0) }
                    if cells.allSatisfy({ $0.trimmedField.isEmpty }) || cells.first?.trimmedField.hasPrefix("#") == true { continue }
                    report.rows += 1
                    if report.rows % 4096 == 0 { progress?(reader.bytesRead, reader.totalBytes) }
                    var errors: [RowError] = []
                    func fail(_ column: String, _ m: Message) { errors.append(RowError(line: row.line, column: column, message: m)) }
                    if cells.count > map.count, cells[map.count...].contains(where: { !$0.trimmedField.isEmpty }) {
                        fail("", Message(zh: "有\(cells.count)列，表头有\(map.count)列", en: "has \(cells.count) fields, the header has \(map.count)"))
                    }
                    var merged = classCells
                    for (i, f) in map.enumerated() {
                        guard let f, i < cells.count else { continue }
                        let v = cells[i].trimmedField
                        if f == .idNumber || !v.isEmpty { merged[f] = v }
                    }
                    var record: CeledgerDomain.Record?
                    switch parser.record(merged) {
                    case .success(let r): record = r
                    case .failure(let p): for issue in p.issues { fail(label(issue.field), issue.message) }
                    }
                    var personRowID: Int64?
                    if let record {
                        personRowID = try writer.personRowID(record.personID.value)
                        if personRowID == nil {
                            fail(label(.idNumber), Message(
                                zh: "登记簿中没有此人（\(record.personID.masked)），请先导入人员",
                                en: "no person with this ID number (\(record.personID.masked)) in the ledger; import persons first"))
                        } else if let c = nameColumn, c < cells.count, !cells[c].trimmedField.isEmpty, let id = personRowID, id >= 0,
                                  let stored = try String.fetchOne(nameOf, arguments: [id]), stored != cells[c].trimmedField {
                            fail(header.fields[c].trimmedField, Message(
                                zh: "姓名“\(cells[c].trimmedField)”与登记簿中此身份证号的姓名“\(stored)”不符",
                                en: "name \"\(cells[c].trimmedField)\" differs from the ledger's name for this ID number (\(stored))"))
                        }
                    }
                    if !errors.isEmpty {
                        report.badRowCount += 1
                        if report.errors.count < ImportReport.keptMessages { report.errors += errors }
                        continue
                    }
                    guard let record, let personRowID else { continue }
                    if try writer.insert(record, personRowID: personRowID) {
                        report.inserted += 1
                    } else if report.duplicates.count < ImportReport.keptMessages {
                        report.duplicates.append(RowError(line: row.line, column: label(.idNumber), message: Message(
                            zh: "重复：此人已登记此培训（方式、内容、起止日期相同），已跳过",
                            en: "duplicate: this person already has this class (same mode, title and dates); skipped")))
                    }
                }
                progress?(reader.bytesRead, reader.totalBytes)
                if report.rows == 0 {
                    report.errors.append(RowError(line: header.line, column: "", message: Message(
                        zh: "参加人员表没有人员", en: "the participants table lists nobody")))
                    report.badRowCount = 1
                }
                report.committed = report.errors.isEmpty && !dryRun
                if report.committed { try settle(db) }
                return report.committed
            }
            if dryRun {
                _ = try db.read(pass)
            } else {
                try db.writeWithoutTransaction { db in
                    try db.inTransaction(.immediate) { try pass(db) ? .commit : .rollback }
                }
            }
        } catch let e as CSVError {
            report.badRowCount += 1
            report.fileIsBroken = true
            report.errors.append(RowError(line: e.line, column: "", message: Message(e.message)))
            report.committed = false
        } catch {
            throw LedgerError.from(error, path: path)
        }
        if !report.committed && !dryRun { report.inserted = 0 }
        return report
    }
}
