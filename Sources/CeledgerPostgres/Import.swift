import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import CeledgerSheets
import Foundation

/// Many rows at once: COPY into staging tables of the transaction's own, then set-wise statements into
/// the ledger's tables. The server's triggers still write every history row and mark every person-year,
/// so a bulk write keeps the same promises as one edit; all of it is one transaction.
extension PostgresLedger {
    /// Persons and their records, as `next` gives them (the demo generator, `celedger demo`), into an
    /// empty or non-empty ledger; a person whose ID number is taken is skipped with their records, a
    /// record already there (same activity) too. Returns the records written.
    public func bulkInsert(
        count: Int, progress: ProgressHandler? = nil, _ next: () -> (Person, [CeledgerDomain.Record])
    ) throws(LedgerError) -> Int {
        let now = PostgresLedger.now()
        let pinyin = self.pinyin
        var persons: [[String?]] = [], records: [[String?]] = []
        persons.reserveCapacity(count)
        for i in 0..<count {
            let (p, recs) = next()
            persons.append(
                [String(i)] + PostgresLedger.personParameters(p, initials: pinyin.initials(of: p.name))
                    + [pinyin.nameKey(of: p.name)])
            for r in recs {
                var row = PostgresLedger.insertParameters(r, person: Int64(i), reviewer: nil, reviewedAt: nil, now: now)
                if r.recognition != .pending {
                    row[16] = actor
                    row[17] = now
                }
                records.append([String(records.count)] + row)
            }
            if i % 1000 == 999 { progress?(i + 1, count) }
        }
        return try write { () throws in
            try exec(
                """
                CREATE TEMP TABLE staging_person (seq BIGINT, id_number TEXT, name TEXT, name_initials TEXT, gender TEXT,
                    birth_date TEXT, unit TEXT, department TEXT, title TEXT, title_level TEXT, specialty TEXT, status TEXT,
                    status_date TEXT, category TEXT, name_key TEXT) ON COMMIT DROP;
                CREATE TEMP TABLE staging_record (ord BIGINT, person_seq BIGINT, mode TEXT, category TEXT, title TEXT, provider TEXT,
                    start_date TEXT, end_date TEXT, year INTEGER, assessment TEXT, score TEXT, claimed_tenths INTEGER,
                    recognized_tenths INTEGER, recognition TEXT, certificate_no TEXT, note TEXT, recognition_note TEXT,
                    reviewed_by TEXT, reviewed_at TEXT, basis TEXT, quantity INTEGER, role TEXT, suggested_tenths INTEGER,
                    created_at TEXT) ON COMMIT DROP
                """)
            _ = try connection.copyIn("COPY staging_person FROM STDIN", rows: persons)
            _ = try connection.copyIn("COPY staging_record FROM STDIN", rows: records)
            try exec(
                """
                CREATE TEMP TABLE staging_ids ON COMMIT DROP AS
                WITH added AS (
                    INSERT INTO person (id_number, name, name_initials, gender, birth_date, unit, department, title,
                        title_level, specialty, status, status_date, category, created_at, updated_at, name_key)
                    SELECT id_number, name, name_initials, gender, birth_date, unit, department, title, title_level,
                        specialty, status, status_date, category, $1, $1, name_key
                    FROM (SELECT DISTINCT ON (id_number) * FROM staging_person ORDER BY id_number, seq) s
                    -- in the order given: row ids follow it, as in the SQLite ledger
                    ORDER BY seq
                    ON CONFLICT (id_number) DO NOTHING RETURNING id, id_number)
                SELECT s.seq, a.id FROM added a JOIN staging_person s ON s.id_number = a.id_number
                """, [now])
            let written = try exec(
                """
                INSERT INTO record (\(PostgresLedger.recordColumns), entered_by, changed_by)
                SELECT i.id, mode, category, title, provider, start_date, end_date, year, assessment, score, claimed_tenths,
                    recognized_tenths, recognition, certificate_no, note, recognition_note, reviewed_by, reviewed_at, basis,
                    quantity, role, suggested_tenths, created_at, created_at, me.clerk, me.clerk
                FROM staging_record r JOIN staging_ids i ON i.seq = r.person_seq CROSS JOIN (SELECT celedger_actor() AS clerk) me
                -- in the order given: row ids follow it, as in the SQLite ledger
                ORDER BY r.ord
                ON CONFLICT ON CONSTRAINT record_activity DO NOTHING
                """
            ).changed
            progress?(count, count)
            return written
        }
    }

    /// Whether the ledger has no persons (demo data goes only into an empty ledger).
    public func isEmpty() throws(LedgerError) -> Bool {
        try read { () throws in try exec("SELECT NOT EXISTS (SELECT 1 FROM person)").first?[0] == "t" }
    }
}

/// `import records` on a server: the file's rows checked and parsed by the same `RowPreparer` as on
/// SQLite, then sent by COPY into a staging table of the transaction's own and written set-wise: the
/// persons found by ID number, duplicates (the same activity already in the ledger, or earlier in the
/// file) skipped and named, the rest inserted by one statement. The server's triggers write every history
/// row and mark every person-year; one transaction, all or nothing as on SQLite.
extension PostgresLedger {
    public func importRecords(
        from reader: any RowSource, options: ImportOptions = ImportOptions(), progress: ProgressHandler? = nil
    ) throws(LedgerError) -> ImportReport {
        var report = ImportReport()
        guard let (headerRow, mapped) = report.readHeader(of: reader, kind: .record, strict: options.strict) else {
            return report
        }
        let preparer = RowPreparer(
            kind: .record, header: headerRow, map: mapped.fields, rules: rules, today: options.today ?? Day.today())
        var errors: [RowError] = []
        // Rejected rows are handed on in the file's order once the import is over: a row whose person is not
        // in the ledger is known only from the server, after the rows the file alone refuses.
        var rejectedRows: [RejectedRow] = []
        func reject(_ line: Int, _ fields: [String], _ rowErrors: [RowError]) {
            report.badRowCount += 1
            errors.append(contentsOf: rowErrors)
            guard options.skipInvalid else { return }
            rejectedRows.append(RejectedRow(line: line, fields: fields, errors: rowErrors))
        }
        func handOnRejected() {
            for rejected in rejectedRows.sorted(by: { $0.line < $1.line }) {
                if let sink = options.rejectedRows { sink(headerRow.fields, rejected) } else { report.rejected.append(rejected) }
            }
            rejectedRows = []
        }
        // The rows that parsed, as the staging table's columns in COPY's format; their file rows (and the ID
        // number as parsed, last) for a later rejection, in the same order, found by line.
        var staged = CopyRows()
        var stagedRows = FieldArena(), stagedLines: [Int] = []
        // The lines of rows that arrive decided (recognised or rejected elsewhere).
        var decided: [Int] = []
        // Rows far from the rule's suggestion (`Plausibility`), counted once their person is known to be there.
        var far: [RowError] = []
        let now = PostgresLedger.now()
        do {
            // Rows are read and parsed on another thread while this one stages them: the server is idle
            // until the file is read, so both cores parse.
            let totalBytes = reader.totalBytes
            let rows = Prefetch(reader) { preparer.prepare($0) }
            defer { rows.finish() }
            while let (row, prepared) = try rows.next() {
                report.rows += 1
                if report.rows % 4096 == 0 { progress?(rows.bytesRead, totalBytes) }
                switch prepared {
                case .fieldCount:
                    reject(row.line, row.fields, [preparer.fieldCountError(row)])
                case .person:
                    continue
                case .record(let parsed, let damage):
                    switch parsed {
                    case .failure(let p): reject(row.line, row.fields, preparer.errors(line: row.line, p, damage: damage))
                    case .success(let record):
                        if !damage.isEmpty {
                            reject(row.line, row.fields, damage)
                            continue
                        }
                        if record.recognition != .pending { decided.append(row.line) }
                        staged.append(PostgresLedger.stagedRecord(record, line: row.line, now: now))
                        stagedRows.append(row.fields + [record.personID.value])
                        stagedLines.append(row.line)
                        if let message = Plausibility.farFromSuggestion(record) {
                            far.append(RowError(line: row.line, column: preparer.column(.recognizedHours), message: message))
                        }
                    }
                }
            }
        } catch {
            report.badRowCount += 1
            report.fileIsBroken = true
            report.errors = errors.prefix(ImportReport.keptMessages) + [RowError(error, header: headerRow.fields)]
            handOnRejected()
            return report
        }
        progress?(reader.bytesRead, reader.totalBytes)
        let idColumn = preparer.columnName[.idNumber] ?? "id_number"
        let titleColumn = preparer.columnName[.title] ?? "title"
        // A transaction the server asks to run again (`write`) starts from what the file alone said.
        let fileReport = report
        // Lines whose person is not in the ledger: rejected once the transaction is over (so that a
        // run again does not send a row to the rejected file twice).
        var missing: [Int] = []
        let outcome = try write(keep: { $0 }) { () throws -> Bool in
            report = fileReport
            missing = []
            // Who imports, as on SQLite: a clerk (in a ledger with clerks); rows that arrive decided are a
            // reviewer's or an admin's to import (a recorder's file with any is refused whole, naming them),
            // and say in their note that they arrived so, and from where (the server's trigger lets such an
            // insert through for a reviewer: it is not their own recognition).
            var arrivedFrom: String?
            if let clerk = try gate(.enter), !decided.isEmpty {
                guard clerk.role.allows(.importDecided) else {
                    throw LedgerError.decidedRowsNeedReviewer(
                        name: clerk.name, lines: decided,
                        column: preparer.columnName[.recognition] ?? Field.recognition.label(.zh, in: .record))
                }
                arrivedFrom = options.source ?? "导入文件"
            }
            try stageRecords(staged, notingDecidedFrom: arrivedFrom)
            try markStagedDuplicates()
            missing = try exec("SELECT line FROM staging_import WHERE person_id IS NULL ORDER BY line").rows.map { $0.int(0) }
            for row in try exec("SELECT line FROM staging_import WHERE duplicate ORDER BY line").rows {
                report.duplicateCount += 1
                guard report.duplicates.count < ImportReport.keptMessages else { continue }
                report.duplicates.append(
                    RowError(
                        line: row.int(0), column: titleColumn,
                        message: Message(
                            zh: "重复：此人已登记同一活动（方式、内容、起止日期相同），已跳过",
                            en: "duplicate: this person already has this activity (same mode, title and dates); skipped")))
            }
            let ok = (errors.isEmpty && missing.isEmpty) || options.skipInvalid
            report.committed = ok && !options.dryRun
            if options.dryRun {
                report.inserted =
                    try exec("SELECT count(*) FROM staging_import WHERE person_id IS NOT NULL AND NOT duplicate").first?.int(0)
                    ?? 0
                return false
            }
            guard report.committed else { return false }
            // The new rows' ids come back for the import's undo (sequence ids: never given twice). The same
            // activity committed meanwhile by another clerk's import (after the look above) is skipped as a
            // duplicate, as it would be one import after the other, instead of failing the whole file: the
            // unique index waits for that transaction and the insert then does nothing for the row.
            let (added, skipped) = try insertStagedRecords(now: now)
            report.inserted = added.count
            report.changes = ImportedChange()
            report.changes.addedRecords = RowIDs(added)
            if !skipped.isEmpty {
                report.duplicateCount += skipped.count
                report.duplicates += skipped.prefix(ImportReport.keptMessages).map { line in
                    RowError(
                        line: line, column: titleColumn,
                        message: Message(
                            zh: "重复：此人已登记同一活动（方式、内容、起止日期相同），已跳过",
                            en: "duplicate: this person already has this activity (same mode, title and dates); skipped"))
                }
                report.duplicates.sort { $0.line < $1.line }
                report.duplicates = Array(report.duplicates.prefix(ImportReport.keptMessages))
            }
            return true
        }
        _ = outcome
        // Both in the file's order: one walk finds each missing line's staged row.
        var at = 0
        for line in missing {
            while stagedLines[at] < line { at += 1 }
            var fields = stagedRows.fields(at)
            let masked = ResidentID.mask(fields.removeLast())
            reject(
                line, fields,
                [
                    RowError(
                        line: line, column: idColumn,
                        message: Message(
                            zh: "登记簿中没有此人（\(masked)），请先导入人员",
                            en: "no person with this ID number (\(masked)) in the ledger; import persons first"))
                ])
        }
        // As on SQLite: counted for every row whose person is in the ledger, duplicates too.
        let absent = Set(missing)
        for e in far where !absent.contains(e.line) {
            report.farFromSuggestionCount += 1
            if report.farFromSuggestion.count < ImportReport.keptMessages { report.farFromSuggestion.append(e) }
        }
        errors.sort { $0.line < $1.line }
        report.errors = Array(errors.prefix(ImportReport.keptMessages))
        handOnRejected()
        if !report.committed && !options.dryRun {
            report.inserted = 0
            report.changes = ImportedChange()
        }
        return report
    }

    /// The note a record that arrives decided carries (in the ledger's language, as its other notes), the
    /// same words as on SQLite; the server's clerk trigger knows them (`arrivedDecidedPattern`).
    static func arrivedDecided(_ recognition: Recognition, from source: String?) -> String {
        "导入时即为\(recognition.zh)（来自 \(source ?? "导入文件")）"
    }

    /// A record as a row of `staging_import` (without its person, found by ID number on the server).
    static func stagedRecord(_ record: CeledgerDomain.Record, line: Int, now: String) -> [String?] {
        var values = insertParameters(record, person: 0, reviewer: nil, reviewedAt: nil, now: now)
        values[0] = record.personID.value
        return [String(line)] + values.prefix(16) + values[18..<22]
    }

    /// Sends `rows` (`stagedRecord`) by COPY into a table of this transaction's own, then makes
    /// `staging_import` of it in one pass with each row's person found by ID number (`person_id` stays NULL
    /// for a person not in the ledger). `markStagedDuplicates` then marks the duplicates.
    ///
    /// Rows that arrive decided and are imported by a reviewer (`notingDecidedFrom`: the file) say so in
    /// their note, as on SQLite: "导入时即为已认定（来自 FILE）" after any note of their own.
    func stageRecords(_ rows: CopyRows, notingDecidedFrom source: String? = nil) throws {
        try exec(
            """
            CREATE TEMP TABLE staging_file (line INTEGER, id_number TEXT, mode TEXT, category TEXT, title TEXT,
                provider TEXT, start_date TEXT, end_date TEXT, year INTEGER, assessment TEXT, score TEXT,
                claimed_tenths INTEGER, recognized_tenths INTEGER, recognition TEXT, certificate_no TEXT, note TEXT,
                recognition_note TEXT, basis TEXT, quantity INTEGER, role TEXT, suggested_tenths INTEGER) ON COMMIT DROP
            """)
        _ = try connection.copyIn("COPY staging_file FROM STDIN", rows)
        if let source {
            try exec(
                """
                UPDATE staging_file SET recognition_note = concat_ws('；', nullif(recognition_note, ''),
                    CASE recognition WHEN 'recognized' THEN $1 ELSE $2 END)
                WHERE recognition <> 'pending'
                """,
                [
                    PostgresLedger.arrivedDecided(.recognized, from: source),
                    PostgresLedger.arrivedDecided(.rejected, from: source),
                ])
        }
        // A temporary table is never analysed by autovacuum: without this the planner guesses its size.
        try exec("ANALYZE staging_file")
        try exec(
            """
            CREATE TEMP TABLE staging_import ON COMMIT DROP AS
            SELECT s.*, p.id AS person_id, false AS duplicate
            FROM staging_file s LEFT JOIN person p ON p.id_number = s.id_number
            """)
        try exec("ANALYZE staging_import")
    }

    static let sameActivity = "t.mode = s.mode AND t.title = s.title AND t.start_date = s.start_date AND t.end_date = s.end_date"

    /// Marks the staged duplicates, in one pass: a line that repeats an activity already in the ledger (the
    /// unique index `record_activity` answers) or on an earlier line of the file (the first one counts: a
    /// window over the file, not a comparison of every line with every other, which was quadratic), as the
    /// SQLite ledger's unique index decides them. Lines deleted before (a class's bad lines) count for nothing.
    func markStagedDuplicates() throws {
        try exec(
            """
            UPDATE staging_import s SET duplicate = true
            FROM (SELECT line, row_number() OVER (PARTITION BY person_id, mode, title, start_date, end_date ORDER BY line) AS n
                  FROM staging_import WHERE person_id IS NOT NULL) w
            WHERE w.line = s.line AND (w.n > 1 OR EXISTS (SELECT 1 FROM record t WHERE t.person_id = s.person_id
                AND \(PostgresLedger.sameActivity)))
            """)
    }

    /// Inserts the staged rows whose person is there and that are no duplicates, in the file's order, by
    /// one statement; returns the new records' row ids (what an undo of the import deletes) and the lines
    /// skipped because another clerk committed the same activity meanwhile. A record that arrives decided
    /// was decided by whoever imports it (as on SQLite).
    ///
    /// The skipped lines are looked for only when fewer rows went in than were meant to (rare: a clerk's
    /// import of the same activities committing meanwhile): the insert returns its ids alone, instead of
    /// every row's activity compared with the file's (two sorts of a million rows at 1M, ~2 s).
    func insertStagedRecords(now: String) throws -> (added: [Int64], skipped: [Int]) {
        let rows = try exec(
            """
            WITH written AS (
                INSERT INTO record (\(PostgresLedger.recordColumns), entered_by, changed_by)
                SELECT person_id, mode, category, title, provider, start_date, end_date, year, assessment, score,
                    claimed_tenths, recognized_tenths, recognition, certificate_no, note, recognition_note,
                    CASE WHEN recognition <> 'pending' THEN current_setting('celedger.actor') END,
                    CASE WHEN recognition <> 'pending' THEN $1 END,
                    basis, quantity, role, suggested_tenths, $1, $1, me.clerk, me.clerk
                -- who enters them, asked once (the authors' trigger would ask for every row)
                FROM staging_import CROSS JOIN (SELECT celedger_actor() AS clerk) me
                WHERE person_id IS NOT NULL AND NOT duplicate ORDER BY line
                ON CONFLICT ON CONSTRAINT record_activity DO NOTHING
                RETURNING id)
            SELECT id, NULL::bigint FROM written
            UNION ALL
            SELECT NULL, count(*) FROM staging_import WHERE person_id IS NOT NULL AND NOT duplicate
            """, [now]
        ).rows
        var added: [Int64] = [], meant = 0
        added.reserveCapacity(rows.count)
        for r in rows {
            if r[0] != nil { added.append(r.int64(0)) } else { meant = r.int(1) }
        }
        added.sort()
        guard added.count < meant else { return (added, []) }
        // Each activity is in the ledger once (the unique index): a staged line was skipped when its
        // activity's record is not one of those just written.
        let skipped = try exec(
            """
            SELECT s.line FROM staging_import s
            JOIN record t ON t.person_id = s.person_id AND \(PostgresLedger.sameActivity)
            LEFT JOIN unnest($1::bigint[]) a(id) ON a.id = t.id
            WHERE s.person_id IS NOT NULL AND NOT s.duplicate AND a.id IS NULL
            ORDER BY s.line
            """, [PostgresLedger.array(added)]
        ).rows.map { $0.int(0) }
        return (added, skipped)
    }
}
