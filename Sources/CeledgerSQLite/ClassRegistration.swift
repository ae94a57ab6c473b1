import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import CeledgerSheets
import Foundation
internal import GRDB

extension SQLiteLedger {
    /// Adds the same activity for several persons in one transaction (Art. 16: one training class, many
    /// participants): all or nothing. A person who already has the activity is skipped and named as a
    /// duplicate; a person no longer in the ledger fails the whole batch. `r.personID` is ignored: each
    /// record belongs to its person row.
    public func addRecords(_ r: CeledgerDomain.Record, personRowIDs: [Int64], reviewer: String) throws(LedgerError) -> BatchResult
    {
        let now = SQLiteLedger.now()
        return try write { db in
            let clerk = try gate(db, r.recognition == .pending ? .enter : .decide)
            if clerk != nil && r.recognition == .recognized { throw LedgerError.ownEntries(count: personRowIDs.count) }
            let exists = try db.cachedStatement(sql: "SELECT unit FROM person WHERE id = ?")
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO record (person_id, mode, category, title, provider, start_date, end_date, year, assessment, score,
                        claimed_tenths, recognized_tenths, recognition, certificate_no, note, recognition_note, reviewed_by, reviewed_at,
                        basis, quantity, role, suggested_tenths, created_at, updated_at, entered_by, changed_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                        \(Schema.actorFunction)(), \(Schema.actorFunction)())
                    ON CONFLICT (person_id, mode, title, start_date, end_date) DO NOTHING
                    """)
            let reviewedBy: String? = r.recognition == .pending ? nil : decider(clerk, reviewer)
            let reviewedAt: String? = r.recognition == .pending ? nil : now
            var added: [Int64] = [], duplicates: [Int64] = []
            var seen = Set<Int64>()
            for person in personRowIDs where seen.insert(person).inserted {
                guard let unit = try String.fetchOne(exists, arguments: [person]) else {
                    throw try SQLiteLedger.personGone(db, person)
                }
                try SQLiteLedger.reach(clerk, unit: unit)
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

    /// Imports a class file (`ClassFile`): `key,value` lines giving the activity, then a participants table,
    /// one person a line. Atomic like every import: one bad line and nothing is written. A participant who
    /// already has the activity is a duplicate: skipped and reported, not an error.
    public func importClass(
        from reader: any RowSource, given: ClassFile.Given = ClassFile.Given(), dryRun: Bool = false, today: Day? = nil,
        progress: ProgressHandler? = nil
    ) throws(LedgerError) -> ClassImportReport {
        var (report, read) = ClassImportReport.reading(reader, rules: rules, today: today ?? Day.today(), given: given)
        guard let file = read else { return report }

        let now = SQLiteLedger.now()
        do {
            func pass(_ db: Database) throws -> Bool {
                let chained = try HistoryChain.lastEntry(db)
                var writer = try RowWriter(db: db, now: now, pinyin: pinyin, dryRun: dryRun)
                let firstNew = try SQLiteLedger.nextRowIDs(db)
                let nameOf = try db.cachedStatement(sql: "SELECT name FROM person WHERE id = ?")
                // Who imports, as for any import: a clerk (in a ledger with clerks) who reaches only their
                // units' persons; a class that arrives decided is a reviewer's or an admin's to import.
                let clerk = try gate(db, .enter)
                let unitOf = try db.cachedStatement(sql: "SELECT unit FROM person WHERE id = ?")
                var decidedLines: [Int] = []
                while let row = try reader.next() {
                    guard let participant = file.participant(row) else { continue }
                    var arrived = participant.record
                    if let clerk, var record = arrived, record.recognition != .pending {
                        if !clerk.role.allows(.importDecided) {
                            decidedLines.append(row.line)
                        } else {
                            let said = "导入时即为\(record.recognition.zh)（来自 培训班文件）"
                            record.recognitionNote = record.recognitionNote.isEmpty ? said : record.recognitionNote + "；" + said
                            arrived = record
                        }
                    }
                    report.rows += 1
                    if report.rows % 4096 == 0 { progress?(reader.bytesRead, reader.totalBytes) }
                    var errors = participant.errors
                    var personRowID: Int64?
                    if let record = participant.record {
                        personRowID = try writer.personRowID(record.personID.value)
                        if personRowID == nil {
                            errors.append(file.notInLedger(record, line: row.line))
                        } else if let given = participant.name, let id = personRowID, id >= 0,
                            let stored = try String.fetchOne(nameOf, arguments: [id]), stored != given
                        {
                            errors.append(file.nameDiffers(given, stored: stored, line: row.line))
                        }
                        if let clerk, !clerk.units.isEmpty, let id = personRowID, id >= 0,
                            let unit = try String.fetchOne(unitOf, arguments: [id]), !clerk.reaches(unit: unit)
                        {
                            errors.append(
                                RowError(
                                    line: row.line, column: file.label(.idNumber),
                                    message: LedgerError.outsideUnits(name: clerk.name, unit: unit).message))
                        }
                    }
                    if !errors.isEmpty {
                        report.badRowCount += 1
                        if report.errors.count < ImportReport.keptMessages { report.errors += errors }
                        continue
                    }
                    guard let record = arrived, let personRowID, decidedLines.isEmpty else { continue }
                    if try writer.insert(record, personRowID: personRowID) {
                        report.inserted += 1
                        if let far = Plausibility.farFromSuggestion(record),
                            report.farFromSuggestion.count < ImportReport.keptMessages
                        {
                            report.farFromSuggestion.append(
                                RowError(line: row.line, column: file.label(.recognizedHours), message: far))
                        }
                    } else if report.duplicates.count < ImportReport.keptMessages {
                        report.duplicates.append(file.duplicate(line: row.line))
                    }
                }
                progress?(reader.bytesRead, reader.totalBytes)
                if let clerk, !decidedLines.isEmpty {
                    throw LedgerError.decidedRowsNeedReviewer(
                        name: clerk.name, lines: decidedLines, column: file.label(.recognition))
                }
                if report.rows == 0 {
                    report.errors.append(file.nobody)
                    report.badRowCount = 1
                }
                report.committed = report.errors.isEmpty && !dryRun
                if report.committed {
                    try settle(db)
                    try HistoryChain.extend(db, after: chained)
                    report.changes = try SQLiteLedger.added(db, since: firstNew)
                }
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
            report.errors.append(RowError(e))
            report.committed = false
        } catch {
            throw LedgerError.from(error, path: path)
        }
        if !report.committed && !dryRun {
            report.inserted = 0
            report.changes = ImportedChange()
        }
        return report
    }
}
