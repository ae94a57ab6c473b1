import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import CeledgerSheets
import CeledgerText
import Foundation
internal import GRDB

extension SQLiteLedger {
    /// Reads rows, validates each, and writes them in one transaction. Without `skipInvalid`, any bad row
    /// means nothing is written. Duplicates (the same activity already in the ledger, or twice in the
    /// file) are reported and skipped, never counted twice.
    public func importRows(
        _ kind: RowKind, from reader: any RowSource, options: ImportOptions = ImportOptions(),
        progress: ProgressHandler? = nil
    ) throws(LedgerError) -> ImportReport {
        var report = ImportReport()
        guard let (headerRow, mapped) = report.readHeader(of: reader, kind: kind, strict: options.strict) else { return report }
        // What a row becomes before it meets the ledger: checked cell by cell and parsed by the domain.
        let preparer = RowPreparer(
            kind: kind, header: headerRow, map: mapped.fields, rules: rules, today: options.today ?? Day.today())
        let present = preparer.present
        let now = SQLiteLedger.now()
        let totalBytes = reader.totalBytes
        func reject(_ row: CSVRow, _ errors: [RowError]) {
            report.badRowCount += 1
            if report.errors.count < ImportReport.keptMessages { report.errors.append(contentsOf: errors) }
            guard options.skipInvalid else { return }
            let rejected = RejectedRow(line: row.line, fields: row.fields, errors: errors)
            if let sink = options.rejectedRows { sink(headerRow.fields, rejected) } else { report.rejected.append(rejected) }
        }

        do {
            // One pass over the file; the caller decides whether it runs in a write transaction or, for a
            // dry run, in a read transaction that cannot change the ledger.
            func pass(_ db: Database) throws -> Bool {
                let chained = try HistoryChain.lastEntry(db)
                // Who imports: a clerk (in a ledger with clerks), who reaches only their units' persons.
                let clerk = try gate(db, .enter)
                let unitOf = try db.cachedStatement(sql: "SELECT unit FROM person WHERE id = ?")
                func outside(_ row: CSVRow, _ unit: String) -> Bool {
                    guard let clerk, !clerk.reaches(unit: unit) else { return false }
                    reject(
                        row,
                        [
                            RowError(
                                line: row.line, column: preparer.columnName[.unit] ?? preparer.columnName[.idNumber] ?? "unit",
                                message: LedgerError.outsideUnits(name: clerk.name, unit: unit).message)
                        ])
                    return true
                }
                // Rows that arrive decided (recognised or rejected elsewhere): a reviewer's or an admin's to
                // import; a recorder's file with any is refused whole, naming them.
                var decidedLines: [Int] = []
                var writer = try RowWriter(db: db, now: now, pinyin: pinyin, dryRun: options.dryRun)
                // What the import adds, for its undo: the write lock is held, so every row above these ids
                // is this import's.
                let firstNew = try SQLiteLedger.nextRowIDs(db)
                writer.keepsBefore = !options.dryRun && options.keepsBefore
                // A CSV row of a record takes a hundred bytes or more: a high guess of how many come.
                let upkeep =
                    kind == .record && !options.dryRun && options.deferUpkeep
                    ? try DeferredUpkeep(
                        db, expectedRecords: totalBytes.map { $0 / 100 },
                        rebuildIndexesFrom: options.rebuildIndexesFrom ?? DeferredUpkeep.minimumForIndexes) : nil
                // Records are written many to a statement (a dry run looks them up one by one instead).
                var batch = kind == .record && !options.dryRun ? try MultiRowRecordInsert(db: db, now: now) : nil
                func duplicate(_ line: Int) {
                    report.duplicateCount += 1
                    guard report.duplicates.count < ImportReport.keptMessages else { return }
                    report.duplicates.append(
                        RowError(
                            line: line, column: preparer.columnName[.title] ?? "title",
                            message: Message(
                                zh: "重复：此人已登记同一活动（方式、内容、起止日期相同），已跳过",
                                en: "duplicate: this person already has this activity (same mode, title and dates); skipped")))
                }
                func count(_ outcome: MultiRowRecordInsert.Outcome) {
                    report.inserted += outcome.inserted
                    outcome.duplicateLines.forEach(duplicate)
                }
                // Rows are read and parsed on another thread while this one writes.
                let rows = Prefetch(reader) { preparer.prepare($0) }
                defer { rows.finish() }
                while let (row, prepared) = try rows.next() {
                    report.rows += 1
                    if report.rows % 4096 == 0 { progress?(rows.bytesRead, totalBytes) }
                    func rowErrors(_ p: RowProblems, _ damage: [RowError]) -> [RowError] {
                        preparer.errors(line: row.line, p, damage: damage)
                    }
                    switch prepared {
                    case .fieldCount:
                        reject(row, [preparer.fieldCountError(row)])
                    case .person(let parsed, let damage):
                        switch parsed {
                        case .failure(let p): reject(row, rowErrors(p, damage))
                        case .success(let person):
                            if !damage.isEmpty {
                                reject(row, damage)
                                continue
                            }
                            if clerk?.units.isEmpty == false {
                                // A person already there is reached by the unit they have; the file's unit
                                // counts when it is a column of the file (or the person is new).
                                let id = try writer.personRowID(person.id.value)
                                if let id, let unit = try String.fetchOne(unitOf, arguments: [id]), outside(row, unit) {
                                    continue
                                }
                                if (id == nil || present.contains(.unit)) && outside(row, person.unit) { continue }
                            }
                            switch try writer.upsert(person, present: present) {
                            case .inserted: report.inserted += 1
                            case .updated: report.updated += 1
                            case .unchanged: report.unchanged += 1
                            }
                        }
                    case .record(let parsed, let damage):
                        switch parsed {
                        case .failure(let p): reject(row, rowErrors(p, damage))
                        case .success(var record):
                            if !damage.isEmpty {
                                reject(row, damage)
                                continue
                            }
                            if record.recognition != .pending, let clerk {
                                if !clerk.role.allows(.importDecided) {
                                    decidedLines.append(row.line)
                                    continue
                                }
                                // The history (the record's values at its insert) says it arrived decided, and from where.
                                // (In the ledger's language, as its other notes.)
                                let said = "导入时即为\(record.recognition.zh)（来自 \(options.source ?? "导入文件")）"
                                record.recognitionNote =
                                    record.recognitionNote.isEmpty ? said : record.recognitionNote + "；" + said
                            }
                            guard let personRowID = try writer.personRowID(record.personID.value) else {
                                reject(
                                    row,
                                    [
                                        RowError(
                                            line: row.line, column: preparer.columnName[.idNumber] ?? "id_number",
                                            message: Message(
                                                zh: "登记簿中没有此人（\(record.personID.masked)），请先导入人员",
                                                en:
                                                    "no person with this ID number (\(record.personID.masked)) in the ledger; import persons first"
                                            ))
                                    ])
                                continue
                            }
                            if clerk?.units.isEmpty == false, let unit = try String.fetchOne(unitOf, arguments: [personRowID]),
                                outside(row, unit)
                            {
                                continue
                            }
                            if let far = Plausibility.farFromSuggestion(record) {
                                report.farFromSuggestionCount += 1
                                if report.farFromSuggestion.count < ImportReport.keptMessages {
                                    report.farFromSuggestion.append(
                                        RowError(line: row.line, column: preparer.column(.recognizedHours), message: far))
                                }
                            }
                            if batch != nil {
                                if let outcome = try batch!.add(record, personRowID: personRowID, line: row.line) {
                                    count(outcome)
                                }
                            } else if try writer.insert(record, personRowID: personRowID) {
                                report.inserted += 1
                            } else {
                                duplicate(row.line)
                            }
                        }
                    }
                }
                if batch != nil { count(try batch!.flush()) }
                if let clerk, !decidedLines.isEmpty {
                    throw LedgerError.decidedRowsNeedReviewer(
                        name: clerk.name, lines: decidedLines,
                        column: preparer.columnName[.recognition] ?? Field.recognition.label(.zh, in: .record))
                }
                progress?(rows.bytesRead, totalBytes)
                let ok = report.errors.isEmpty || options.skipInvalid
                report.committed = ok && !options.dryRun
                if report.committed {
                    try upkeep?.finish(db)
                    try settle(db)
                    try HistoryChain.extend(db, after: chained)
                    report.changes = try SQLiteLedger.added(db, since: firstNew)
                    report.changes.changedPersons = writer.before
                }
                return report.committed
            }
            if options.dryRun {
                _ = try db.read(pass)
            } else {
                try db.writeWithoutTransaction { db in
                    try SQLiteLedger.withBulkCache(db, memoryJournals: kind == .person) {
                        try db.inTransaction(.immediate) { try pass(db) ? .commit : .rollback }
                    }
                }
            }
        } catch let e as CSVError {
            report.badRowCount += 1
            report.fileIsBroken = true
            report.errors.append(RowError(e, header: headerRow.fields))
            report.committed = false
            report.inserted = 0
            report.updated = 0
        } catch {
            throw LedgerError.from(error, path: path)
        }
        if !report.committed && !options.dryRun {
            report.inserted = 0
            report.updated = 0
            report.changes = ImportedChange()
        }
        return report
    }

    /// The first person and record ids a write would give next (a write lock held, ids only grow).
    static func nextRowIDs(_ db: Database) throws -> (person: Int64, record: Int64) {
        (
            (try Int64.fetchOne(db, sql: "SELECT max(id) FROM person") ?? 0) + 1,
            (try Int64.fetchOne(db, sql: "SELECT max(id) FROM record") ?? 0) + 1
        )
    }

    /// The persons and records added since `first` (by this transaction, which holds the write lock): one
    /// run of ids each, with the transaction's last history entry (an id freed by a deletion can be given
    /// again later; its new insert is a later entry).
    static func added(_ db: Database, since first: (person: Int64, record: Int64)) throws -> ImportedChange {
        var c = ImportedChange()
        c.lastHistoryID = try Int64.fetchOne(db, sql: "SELECT max(id) FROM history") ?? 0
        if let last = try Int64.fetchOne(db, sql: "SELECT max(id) FROM person"), last >= first.person {
            c.addedPersons.append(run: first.person...last)
        }
        if let last = try Int64.fetchOne(db, sql: "SELECT max(id) FROM record"), last >= first.record {
            c.addedRecords.append(run: first.record...last)
        }
        return c
    }
}

extension SQLiteLedger {
    /// Pages a big transaction changes stay in memory (up to 128 MiB) instead of spilling to the
    /// write-ahead log again and again; the cache goes back to its size afterwards.
    ///
    /// `memoryJournals` (outside a transaction only) keeps statement journals in memory: a person's
    /// insert fires triggers, so SQLite keeps a journal of every page each insert touches, on disk by
    /// default (two writes a page). Each is small and freed after its statement; not for the records'
    /// import, whose index rebuilds would then sort in memory too.
    static func withBulkCache<T>(_ db: Database, memoryJournals: Bool = false, _ body: () throws -> T) throws -> T {
        try withPragmas(db, [("cache_size", -131072)] + (memoryJournals ? [("temp_store", 2)] : []), body)  // 2: MEMORY
    }

    /// Runs `body` with the connection's pragmas set to these values, and puts back what they were.
    static func withPragmas<T>(_ db: Database, _ values: [(name: String, value: Int)], _ body: () throws -> T) throws -> T {
        var before: [(name: String, value: Int)] = []
        defer { for (name, value) in before.reversed() { try? db.execute(sql: "PRAGMA \(name) = \(value)") } }
        for (name, value) in values {
            before.append((name, try Int.fetchOne(db, sql: "PRAGMA \(name)") ?? 0))
            try db.execute(sql: "PRAGMA \(name) = \(value)")
        }
        return try body()
    }
}

/// Prepared statements for writing rows, reused across a whole import.
struct RowWriter {
    let db: Database
    let now: String
    let pinyin: PinyinIndex
    let findPerson: Statement
    /// Writes a record as an import batch of one (`MultiRowRecordInsert`: the same statement and binding).
    var records: MultiRowRecordInsert?
    var personIDs: [String: Int64] = [:]
    /// Validate only: look instead of writing, and remember what this run would have added.
    let dryRun: Bool
    var wouldAdd = Set<RecordKey>()
    let findRecord: Statement
    /// Whether `upsert` keeps what each person it changes was (`before`), for the import's undo.
    var keepsBefore = false
    /// The persons `upsert` changed: what each was, and the version the change left.
    var before: [Int64: PersonBefore] = [:]

    struct RecordKey: Hashable {
        let person: Int64
        let mode: String, title: String, start: String, end: String
    }

    init(db: Database, now: String, pinyin: PinyinIndex, dryRun: Bool = false) throws {
        self.db = db
        self.now = now
        self.pinyin = pinyin
        self.dryRun = dryRun
        findPerson = try db.cachedStatement(sql: "SELECT id FROM person WHERE id_number = ?")
        findRecord = try db.cachedStatement(
            sql: """
                SELECT 1 FROM record WHERE person_id = ? AND mode = ? AND title = ? AND start_date = ? AND end_date = ?
                """)
    }

    mutating func personRowID(_ idNumber: String) throws -> Int64? {
        if let id = personIDs[idNumber] { return id }
        guard let id = try Int64.fetchOne(findPerson, arguments: [idNumber]) else { return nil }
        // Remembered, but not without bound: a file of ten million records may name half a million persons.
        if personIDs.count >= 65_536 { personIDs.removeAll(keepingCapacity: true) }
        personIDs[idNumber] = id
        return id
    }

    /// Inserts a record; false when the same activity is already there.
    mutating func insert(_ r: CeledgerDomain.Record, personRowID: Int64) throws -> Bool {
        if dryRun {
            let key = RecordKey(
                person: personRowID, mode: r.mode.rawValue, title: r.title, start: r.startDate.iso, end: r.endDate.iso)
            if try Bool.fetchOne(findRecord, arguments: [personRowID, key.mode, key.title, key.start, key.end]) != nil {
                return false
            }
            return wouldAdd.insert(key).inserted
        }
        if records == nil { records = try MultiRowRecordInsert(db: db, now: now) }
        _ = try records!.add(r, personRowID: personRowID, line: 0)
        return try records!.flush().inserted > 0
    }

    enum Upsert { case inserted, updated, unchanged }

    /// Inserts a new person, or updates an existing one in the columns the file has.
    mutating func upsert(_ p: Person, present: Set<Field>) throws -> Upsert {
        let values = PersonColumns(p, pinyin: pinyin)
        // Cached statements: preparing them again for every row (GRDB's authorizer looks at every column)
        // cost more than the row.
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM person WHERE id_number = ?"), arguments: [p.id.value])
        else {
            if dryRun {
                personIDs[p.id.value] = -1
                return .inserted
            }
            try db.cachedStatement(
                sql: """
                    INSERT INTO person (id_number, name, name_initials, name_key, gender, birth_date, unit, department, title, title_level,
                        specialty, status, status_date, category, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                p.id.value, p.name, values.initials, values.nameKey, p.gender.rawValue, p.birthDate.iso, p.unit, p.department,
                p.title, p.titleLevel?.rawValue, p.specialty, p.status.rawValue, p.statusDate?.iso,
                p.category.rawValue, now, now,
            ])
            personIDs[p.id.value] = db.lastInsertedRowID
            return .inserted
        }
        var sets: [String] = []
        var args: [DatabaseValueConvertible?] = []
        for (field, column, value) in values.updatable
        where present.contains(field) || (field == .name && present.contains(.name)) {
            let old: DatabaseValue = row[column]
            if old != (value?.databaseValue ?? .null) {
                sets.append("\(column) = ?")
                args.append(value)
            }
        }
        // Status and its date move together (a CHECK ties them).
        if present.contains(.status) && !present.contains(.statusDate) && p.status == .active
            && !(row["status_date"] as DatabaseValue).isNull
        {
            sets.append("status_date = NULL")
        }
        guard !sets.isEmpty else { return .unchanged }
        if dryRun { return .updated }
        sets.append("updated_at = ?")
        sets.append("version = version + 1")
        args.append(now)
        args.append(p.id.value)
        if keepsBefore, let id: Int64 = row["id"] {
            // A person changed twice by one file is put back to what they were before the first.
            let version: Int64 = row["version"]
            if let first = before[id] {
                before[id] = PersonBefore(person: first.person, version: version + 1)
            } else {
                before[id] = PersonBefore(person: SQLiteLedger.person(from: row), version: version + 1)
            }
        }
        try db.cachedStatement(sql: "UPDATE person SET \(sets.joined(separator: ", ")) WHERE id_number = ?").execute(
            arguments: StatementArguments(args))
        return .updated
    }
}

/// A person's columns as the ledger stores them.
struct PersonColumns {
    let initials: String
    /// The name's place in the order by name (`PinyinIndex.nameKey(of:)`).
    let nameKey: String
    /// (field, column, value) for the columns an import may change.
    let updatable: [(Field, String, DatabaseValueConvertible?)]

    init(_ p: Person, pinyin: PinyinIndex) {
        initials = pinyin.initials(of: p.name)
        nameKey = pinyin.nameKey(of: p.name)
        updatable = [
            (.name, "name", p.name),
            (.name, "name_initials", initials),
            (.name, "name_key", nameKey),
            (.unit, "unit", p.unit),
            (.department, "department", p.department),
            (.title, "title", p.title),
            (.titleLevel, "title_level", p.titleLevel?.rawValue),
            (.specialty, "specialty", p.specialty),
            (.status, "status", p.status.rawValue),
            (.statusDate, "status_date", p.statusDate?.iso),
            (.personCategory, "category", p.category.rawValue),
        ]
    }
}
