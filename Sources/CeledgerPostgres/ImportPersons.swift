import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import CeledgerSheets
import Foundation

/// The whole-file imports behind the ledger protocol the TUI's import screen and `celedger import` use
/// (`LedgerImporter`), on a server: persons, records (Import.swift) and a class.
extension PostgresLedger: LedgerImporter {
    public func importRows(
        _ kind: RowKind, from reader: any RowSource, options: ImportOptions = ImportOptions(), progress: ProgressHandler? = nil
    ) throws(LedgerError) -> ImportReport {
        // On a connection of its own: the screens go on reading while the import's transaction runs.
        let worker = try sibling()
        switch kind {
        case .person: return try worker.importPersons(from: reader, options: options, progress: progress).report
        case .record: return try worker.importRecords(from: reader, options: options, progress: progress)
        }
    }
}

/// What an import of persons did beyond its report: the rows it added and what the rows it changed were
/// before, which is what taking the import back needs.
struct PersonImportOutcome {
    var report: ImportReport
    /// The new persons' row ids, in the file's order.
    var added: [Int64] = []
    /// Each changed person as they were before the import.
    var before: [Int64: Person] = [:]
}

/// `import persons` on a server: the file's rows checked and parsed by the same `RowPreparer` as on
/// SQLite, their ID numbers sent by COPY into a staging table, the persons already there read (and
/// locked) in one statement, each row judged against them by `PersonUpsert` (the SQLite ledger's rule:
/// only the file's columns change, added / updated / unchanged counted row by row in the file's order),
/// and the result written by two statements from a second staging table: one INSERT of the new persons,
/// one UPDATE of the changed ones (each `version` moved by one, the history written by the triggers).
/// One transaction, all or nothing, as on SQLite.
///
/// A person in the file twice is written once with what the file says last (SQLite writes the row, then
/// updates it: the same person in the end, one history entry fewer). A person another clerk adds at the
/// same moment makes the insert find them: the transaction runs again and updates them instead.
extension PostgresLedger {
    func importPersons(
        from reader: any RowSource, options: ImportOptions, progress: ProgressHandler?
    ) throws(LedgerError) -> PersonImportOutcome {
        var report = ImportReport()
        guard let (headerRow, mapped) = report.readHeader(of: reader, kind: .person, strict: options.strict) else {
            return PersonImportOutcome(report: report)
        }
        let preparer = RowPreparer(
            kind: .person, header: headerRow, map: mapped.fields, rules: rules, today: options.today ?? Day.today())
        func reject(_ line: Int, _ fields: [String], _ rowErrors: [RowError]) {
            report.badRowCount += 1
            if report.errors.count < ImportReport.keptMessages { report.errors.append(contentsOf: rowErrors) }
            guard options.skipInvalid else { return }
            let rejected = RejectedRow(line: line, fields: fields, errors: rowErrors)
            if let sink = options.rejectedRows { sink(headerRow.fields, rejected) } else { report.rejected.append(rejected) }
        }
        var parsed: [(line: Int, person: Person)] = []
        do {
            while let row = try reader.next() {
                report.rows += 1
                if report.rows % 4096 == 0 { progress?(reader.bytesRead, reader.totalBytes) }
                switch preparer.prepare(row) {
                case .fieldCount: reject(row.line, row.fields, [preparer.fieldCountError(row)])
                case .record: continue
                case .person(let result, let damage):
                    switch result {
                    case .failure(let p): reject(row.line, row.fields, preparer.errors(line: row.line, p, damage: damage))
                    case .success(let person):
                        if !damage.isEmpty {
                            reject(row.line, row.fields, damage)
                        } else {
                            parsed.append((row.line, person))
                        }
                    }
                }
            }
        } catch {
            report.badRowCount += 1
            report.fileIsBroken = true
            report.errors.append(RowError(error, header: headerRow.fields))
            return PersonImportOutcome(report: report)
        }
        progress?(reader.bytesRead, reader.totalBytes)
        let present = preparer.present
        let pinyin = self.pinyin
        let now = PostgresLedger.now()
        let fileReport = report
        var outcome = PersonImportOutcome(report: report)
        var attempts = 0
        _ = try write(keep: { $0 }) { () throws -> Bool in
            // Run again from the file alone when the server asks (`write`).
            outcome = PersonImportOutcome(report: fileReport)
            attempts += 1
            try exec("CREATE TEMP TABLE staging_person_import (line INTEGER, id_number TEXT) ON COMMIT DROP")
            _ = try connection.copyIn(
                "COPY staging_person_import FROM STDIN", rows: parsed.map { [String($0.line), $0.person.id.value] })
            // Those already there, locked until the commit (a dry run only looks).
            let stored = try exec(
                """
                SELECT \(PostgresLedger.personColumns), \(PersonUpsert.columns.map { "p." + $0 }.joined(separator: ", "))
                FROM person p WHERE p.id_number IN (SELECT id_number FROM staging_person_import) ORDER BY p.id
                \(options.dryRun ? "" : "FOR UPDATE OF p")
                """
            ).rows
            struct State {
                var rowID: Int64?
                var person: Person
                var values: [String?]
                var changed = false
            }
            var states: [String: State] = [:]
            let first = 14  // after `personColumns`
            for row in stored {
                let p = PostgresLedger.person(row)
                states[p.person.id.value] = State(
                    rowID: p.rowID, person: p.person, values: Array(row[first..<first + PersonUpsert.columns.count]))
            }
            // Who imports, as on SQLite: a clerk (in a ledger with clerks) reaches only their units' persons.
            // Row-level security hides the others already; a row that would put a person into another unit
            // is named here in the clerk's words instead of failing the whole file at the server's policy.
            let clerk = try gate(.enter)
            var outside = Set<Int>()
            if let clerk, !clerk.units.isEmpty {
                for (line, person) in parsed where !clerk.reaches(unit: person.unit) {
                    guard states[person.id.value] == nil || present.contains(.unit) else { continue }
                    outside.insert(line)
                    outcome.report.badRowCount += 1
                    if outcome.report.errors.count < ImportReport.keptMessages {
                        outcome.report.errors.append(
                            RowError(
                                line: line, column: preparer.columnName[.unit] ?? preparer.columnName[.idNumber] ?? "unit",
                                message: LedgerError.outsideUnits(name: clerk.name, unit: person.unit).message))
                    }
                }
            }
            var newOnes: [String] = []
            for (line, person) in parsed where !outside.contains(line) {
                let id = person.id.value
                guard var state = states[id] else {
                    states[id] = State(
                        rowID: nil, person: person, values: PersonUpsert.values(person, pinyin: pinyin), changed: true)
                    newOnes.append(id)
                    outcome.report.inserted += 1
                    continue
                }
                if let next = PersonUpsert.apply(person, present: present, over: state.values, pinyin: pinyin) {
                    state.values = next
                    state.changed = true
                    outcome.report.updated += 1
                } else {
                    outcome.report.unchanged += 1
                }
                states[id] = state
            }
            outcome.report.committed = (outcome.report.badRowCount == 0 || options.skipInvalid) && !options.dryRun
            guard outcome.report.committed else { return false }
            // What the ledger is to hold: the new persons in the file's order, then the changed ones.
            var final: [[String?]] = []
            for (i, id) in newOnes.enumerated() {
                let s = states[id]!
                final.append([String(i), nil, id, s.person.gender.rawValue, s.person.birthDate.iso] + s.values)
            }
            for s in states.values where s.changed && s.rowID != nil {
                final.append([nil, String(s.rowID!), s.person.id.value, nil, nil] + s.values)
                outcome.before[s.rowID!] = s.person
            }
            let columns = PersonUpsert.columns.joined(separator: ", ")
            try exec(
                """
                CREATE TEMP TABLE staging_person (ord INTEGER, row_id BIGINT, id_number TEXT, gender TEXT, birth_date TEXT,
                    \(PersonUpsert.columns.map { $0 + " TEXT" }.joined(separator: ", "))) ON COMMIT DROP
                """)
            _ = try connection.copyIn("COPY staging_person FROM STDIN", rows: final)
            let inserted = try exec(
                """
                INSERT INTO person (id_number, gender, birth_date, \(columns), created_at, updated_at)
                SELECT id_number, gender, birth_date, \(columns), $1, $1 FROM staging_person WHERE row_id IS NULL
                ORDER BY ord
                ON CONFLICT (id_number) DO NOTHING RETURNING id, id_number
                """, [now]
            ).rows
            outcome.added = inserted.map { $0.int64(0) }
            if inserted.count < newOnes.count {
                // Added by another clerk since this transaction looked: look again (they are there now),
                // a few times; a person still not seen then is one this session cannot see.
                guard attempts >= 3 else {
                    throw PGFailure(sqlState: "40001", constraint: nil, serverMessage: "a person was added meanwhile")
                }
                let added = Set(inserted.map { $0.text(1) })
                let taken = newOnes.first { !added.contains($0) }!
                throw LedgerError.duplicatePerson(maskedID: states[taken]!.person.id.masked)
            }
            // The versions the update leaves come back for the import's undo: a person changed after the
            // import is not put back over that change.
            let updatedRows = try exec(
                """
                UPDATE person p SET \(PersonUpsert.columns.map { "\($0) = s.\($0)" }.joined(separator: ", ")),
                    updated_at = $1, version = p.version + 1
                FROM staging_person s WHERE s.row_id = p.id
                RETURNING p.id, p.version
                """, [now]
            ).rows
            let updated = updatedRows.count
            var changes = ImportedChange()
            changes.addedPersons = RowIDs(outcome.added)
            for row in updatedRows {
                if let before = outcome.before[row.int64(0)] {
                    changes.changedPersons[row.int64(0)] = PersonBefore(person: before, version: row.int64(1))
                }
            }
            outcome.report.changes = changes
            if updated < outcome.before.count {
                // Only when a row went between the look and the lock: look again.
                throw PGFailure(sqlState: "40001", constraint: nil, serverMessage: "a person went meanwhile")
            }
            return true
        }
        if !outcome.report.committed && !options.dryRun {
            outcome.report.inserted = 0
            outcome.report.updated = 0
            outcome.added = []
            outcome.before = [:]
            outcome.report.changes = ImportedChange()
        }
        return outcome
    }
}

/// `import class` on a server: the class file (or sign-in sheet) read and judged by the same `ClassFile`
/// as on SQLite, every participant's record sent by COPY into the records' staging table, their persons
/// found and their names compared in one statement each, the duplicates marked set-wise, and the class
/// written by one INSERT. All or nothing: one bad line and nothing is written, as on SQLite.
extension PostgresLedger {
    public func importClass(
        from reader: any RowSource, given: ClassFile.Given = ClassFile.Given(), dryRun: Bool = false, today: Day? = nil,
        progress: ProgressHandler? = nil
    ) throws(LedgerError) -> ClassImportReport {
        // On a connection of its own, as `importRows`.
        try sibling().importClassHere(from: reader, given: given, dryRun: dryRun, today: today, progress: progress)
    }

    func importClassHere(
        from reader: any RowSource, given: ClassFile.Given, dryRun: Bool, today: Day?, progress: ProgressHandler?
    ) throws(LedgerError) -> ClassImportReport {
        var (report, read) = ClassImportReport.reading(reader, rules: rules, today: today ?? Day.today(), given: given)
        guard let file = read else { return report }
        let now = PostgresLedger.now()
        // Each participant line in order, with what is wrong with it by itself.
        var lines: [(line: Int, participant: ClassFile.Participant)] = []
        do {
            while let row = try reader.next() {
                guard let participant = file.participant(row) else { continue }
                report.rows += 1
                if report.rows % 4096 == 0 { progress?(reader.bytesRead, reader.totalBytes) }
                lines.append((row.line, participant))
            }
        } catch {
            report.badRowCount += 1
            report.fileIsBroken = true
            report.errors.append(RowError(error))
            return report
        }
        progress?(reader.bytesRead, reader.totalBytes)
        let staged = CopyRows(
            lines.compactMap { l in l.participant.record.map { PostgresLedger.stagedRecord($0, line: l.line, now: now) } })
        let fileReport = report
        _ = try write(keep: { $0 }) { () throws -> Bool in
            report = fileReport
            // Who imports, as on SQLite: rows that arrive decided are a reviewer's or an admin's to import,
            // and say so in their note; another unit's persons are not in this clerk's ledger at all.
            var arrivedFrom: String?
            if let clerk = try gate(.enter) {
                let decided = lines.filter { $0.participant.record.map { $0.recognition != .pending } ?? false }
                if !decided.isEmpty {
                    guard clerk.role.allows(.importDecided) else {
                        throw LedgerError.decidedRowsNeedReviewer(
                            name: clerk.name, lines: decided.map(\.line), column: file.label(.recognition))
                    }
                    arrivedFrom = "培训班文件"
                }
            }
            try stageRecords(staged, notingDecidedFrom: arrivedFrom)
            // The ledger's side of each line: is the person there, and under the name the line gives?
            var found: [Int: String?] = [:]
            for row in try exec(
                "SELECT s.line, p.name FROM staging_import s LEFT JOIN person p ON p.id = s.person_id"
            ).rows {
                found[row.int(0)] = row[1]
            }
            var bad: [Int] = []
            for (line, participant) in lines {
                var errors = participant.errors
                if let record = participant.record {
                    switch found[line] {
                    case .some(.some(let stored)):
                        if let given = participant.name, given != stored {
                            errors.append(file.nameDiffers(given, stored: stored, line: line))
                        }
                    default: errors.append(file.notInLedger(record, line: line))
                    }
                }
                guard !errors.isEmpty else { continue }
                bad.append(line)
                report.badRowCount += 1
                if report.errors.count < ImportReport.keptMessages { report.errors += errors }
            }
            // A bad line is no participant: it neither counts nor makes a later line a duplicate.
            try exec("DELETE FROM staging_import WHERE line = ANY($1::int[])", [PostgresLedger.array(bad.map(Int64.init))])
            try markStagedDuplicates()
            var duplicate = Set<Int>()
            for row in try exec("SELECT line FROM staging_import WHERE duplicate ORDER BY line").rows {
                duplicate.insert(row.int(0))
                if report.duplicates.count < ImportReport.keptMessages {
                    report.duplicates.append(file.duplicate(line: row.int(0)))
                }
            }
            let badLines = Set(bad)
            for (line, participant) in lines where !badLines.contains(line) && !duplicate.contains(line) {
                guard let record = participant.record else { continue }
                report.inserted += 1
                if let far = Plausibility.farFromSuggestion(record), report.farFromSuggestion.count < ImportReport.keptMessages {
                    report.farFromSuggestion.append(RowError(line: line, column: file.label(.recognizedHours), message: far))
                }
            }
            if report.rows == 0 {
                report.errors.append(file.nobody)
                report.badRowCount = 1
            }
            report.committed = report.errors.isEmpty && !dryRun
            guard report.committed else { return false }
            let (added, skipped) = try insertStagedRecords(now: now)
            // Every staged line left is no duplicate and has its person (locked by the insert's key share);
            // one another clerk registered meanwhile makes the class look again.
            if !skipped.isEmpty || added.count != report.inserted {
                throw PGFailure(sqlState: "40001", constraint: nil, serverMessage: "the class changed meanwhile")
            }
            // The class's records, for its undo from the import screen.
            report.changes = ImportedChange()
            report.changes.addedRecords = RowIDs(added)
            return true
        }
        if !report.committed && !dryRun {
            report.inserted = 0
            report.changes = ImportedChange()
        }
        return report
    }
}
