import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import Foundation
internal import GRDB

/// Single edits from the terminal UI (and later other front ends). Each is one transaction.
extension SQLiteLedger {
    /// One record inserted from `recordArguments` plus :person, :now, :reviewer and :reviewed (adding a
    /// record, and undoing its deletion).
    static let insertRecordSQL = """
        INSERT INTO record (person_id, mode, category, title, provider, start_date, end_date, year, assessment, score,
            claimed_tenths, recognized_tenths, recognition, certificate_no, note, recognition_note, reviewed_by, reviewed_at,
            basis, quantity, role, suggested_tenths, created_at, updated_at)
        VALUES (:person, :mode, :category, :title, :provider, :start, :end, :year, :assessment, :score,
            :claimed, :recognized, :recognition, :certificate, :note, :recognitionNote, :reviewer, :reviewed,
            :basis, :quantity, :role, :suggested, :now, :now)
        """

    /// One write transaction for a record; the same activity twice is a duplicate.
    func editing<T>(_ body: (Database) throws -> T) throws(LedgerError) -> T {
        do {
            return try write { db in
                do {
                    return try body(db)
                } catch let e as DatabaseError where e.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                    throw LedgerError.duplicateRecord
                }
            }
        }
    }

    static func recordArguments(_ r: CeledgerDomain.Record) -> [String: DatabaseValueConvertible?] {
        [
            "mode": r.mode.rawValue, "category": r.category.rawValue, "title": r.title, "provider": r.provider,
            "start": r.startDate.iso, "end": r.endDate.iso, "year": r.year, "assessment": r.assessment.rawValue,
            "score": r.score, "claimed": r.claimedHours.tenths, "recognized": r.recognizedHours?.tenths,
            "recognition": r.recognition.rawValue, "certificate": r.certificateNo, "note": r.note,
            "recognitionNote": r.recognitionNote, "basis": r.basis, "quantity": r.quantity, "role": r.role.rawValue,
            "suggested": r.suggestedHours?.tenths,
        ]
    }

    /// Adds a record for a person; the same activity twice is refused.
    @discardableResult
    public func addRecord(_ r: CeledgerDomain.Record, personRowID: Int64, reviewer: String) throws(LedgerError) -> Int64 {
        let now = SQLiteLedger.now()
        return try editing { db in
            var args = SQLiteLedger.recordArguments(r)
            args["person"] = personRowID
            args["now"] = now
            // A nil assigned through the subscript would remove the argument: updateValue keeps it as NULL.
            let who: String? = r.recognition == .pending ? nil : reviewer
            let when: String? = r.recognition == .pending ? nil : now
            args.updateValue(who, forKey: "reviewer")
            args.updateValue(when, forKey: "reviewed")
            try db.execute(sql: SQLiteLedger.insertRecordSQL, arguments: StatementArguments(args))
            return db.lastInsertedRowID
        }
    }

    public func updateRecord(rowID: Int64, _ r: CeledgerDomain.Record, reviewer: String) throws(LedgerError) {
        let now = SQLiteLedger.now()
        try editing { db in
            var args = SQLiteLedger.recordArguments(r)
            args["id"] = rowID
            args["now"] = now
            args["reviewer"] = reviewer
            try db.execute(
                sql: """
                    UPDATE record SET mode = :mode, category = :category, title = :title, provider = :provider,
                        start_date = :start, end_date = :end, year = :year, assessment = :assessment, score = :score,
                        claimed_tenths = :claimed, recognized_tenths = :recognized,
                        reviewed_by = CASE WHEN recognition <> :recognition THEN :reviewer ELSE reviewed_by END,
                        reviewed_at = CASE WHEN recognition <> :recognition THEN :now ELSE reviewed_at END,
                        recognition = :recognition, recognition_note = :recognitionNote, certificate_no = :certificate, note = :note,
                        basis = :basis, quantity = :quantity, role = :role, suggested_tenths = :suggested, updated_at = :now
                    WHERE id = :id
                    """, arguments: StatementArguments(args))
            if db.changesCount == 0 { throw LedgerError.gone }
        }
    }

    public func deleteRecord(rowID: Int64) throws(LedgerError) {
        try editing { db in
            try db.execute(sql: "DELETE FROM record WHERE id = ?", arguments: [rowID])
            if db.changesCount == 0 { throw LedgerError.gone }
        }
    }

    /// Marks records recognised (with their recognised hours, else the rule's suggestion, else the claimed
    /// hours) or rejected (a reason is required), all in one transaction, naming who decided and when.
    /// A record already recognised is locked and left as it is (reopen it first). Recognising a pending
    /// record without a reason keeps its note (an override's reason, a reopen's reason). Returns how many changed.
    @discardableResult
    public func setRecognition(
        rowIDs: [Int64], to recognition: Recognition, reason: String, reviewer: String
    ) throws(LedgerError) -> Int {
        try decideRecognition(rowIDs: rowIDs, to: recognition, reason: reason, reviewer: reviewer).changed
    }

    /// `setRecognition`, saying for each record left unchanged why: recognised already, recognised (locked)
    /// before a rejection, or gone. The states are read in the same transaction as the change.
    public func decideRecognition(
        rowIDs: [Int64], to recognition: Recognition, reason: String, reviewer: String
    ) throws(LedgerError) -> RecognitionOutcome {
        if recognition == .rejected && reason.trimmedField.isEmpty {
            throw LedgerError.rejectionNeedsReason
        }
        if recognition == .pending {
            throw LedgerError.pendingNeedsReopen
        }
        let now = SQLiteLedger.now()
        let today = Day.today()
        return try editing { db in
            // Nothing is recognised before it ends (`Plausibility`): such a batch is refused whole.
            if recognition == .recognized {
                let ends = try db.cachedStatement(sql: "SELECT end_date FROM record WHERE id = ? AND recognition = 'pending'")
                var late: [Day] = []
                for id in rowIDs {
                    if let e = try String.fetchOne(ends, arguments: [id]).flatMap({ Day.parse($0).successValue }), e > today {
                        late.append(e)
                    }
                }
                if let last = late.max() { throw LedgerError.notEnded(count: late.count, lastEnd: last) }
            }
            let statement = try db.cachedStatement(
                sql: recognition == .recognized
                    ? """
                    UPDATE record SET recognition = 'recognized',
                        recognized_tenths = COALESCE(recognized_tenths, suggested_tenths, claimed_tenths),
                        recognition_note = CASE WHEN ?1 = '' AND recognition = 'pending' THEN recognition_note ELSE ?1 END,
                        reviewed_by = ?, reviewed_at = ?, updated_at = ?
                    WHERE id = ? AND recognition <> 'recognized'
                    """
                    : """
                    UPDATE record SET recognition = 'rejected', recognized_tenths = NULL,
                        recognition_note = ?, reviewed_by = ?, reviewed_at = ?, updated_at = ?
                    WHERE id = ? AND recognition <> 'recognized'
                    """)
            let state = try db.cachedStatement(sql: "SELECT recognition FROM record WHERE id = ?")
            var outcome = RecognitionOutcome()
            for id in rowIDs {
                switch try String.fetchOne(state, arguments: [id]) {
                case nil: outcome.gone += 1
                case Recognition.recognized.rawValue:
                    if recognition == .recognized { outcome.alreadyRecognized += 1 } else { outcome.locked += 1 }
                default:
                    try statement.execute(arguments: [reason.trimmedField, reviewer, now, now, id])
                    if db.changesCount > 0 {
                        outcome.changed += 1
                        outcome.changedRowIDs.append(id)
                    }
                }
            }
            return outcome
        }
    }

    /// Reopens recognised records for correction: back to pending with the reason, who and when; the
    /// history keeps what they were. Returns how many were reopened (records not recognised are left).
    @discardableResult
    public func reopen(rowIDs: [Int64], reason: String, reviewer: String) throws(LedgerError) -> Int {
        guard !reason.trimmedField.isEmpty else {
            throw LedgerError.reopenNeedsReason
        }
        let now = SQLiteLedger.now()
        return try editing { db in
            let statement = try db.cachedStatement(
                sql: """
                    UPDATE record SET recognition = 'pending', recognition_note = ?, reviewed_by = ?, reviewed_at = ?, updated_at = ?
                    WHERE id = ? AND recognition = 'recognized'
                    """)
            var changed = 0
            for id in rowIDs {
                try statement.execute(arguments: [reason.trimmedField, reviewer, now, now, id])
                changed += db.changesCount
            }
            return changed
        }
    }

    /// Adds a person; an ID number already in the ledger is refused.
    @discardableResult
    public func addPerson(_ p: Person) throws(LedgerError) -> Int64 {
        let now = SQLiteLedger.now()
        return try write { db in
            if try Int64.fetchOne(db, sql: "SELECT id FROM person WHERE id_number = ?", arguments: [p.id.value]) != nil {
                throw LedgerError.duplicatePerson(maskedID: p.id.masked)
            }
            var writer = try RowWriter(db: db, now: now, pinyin: pinyin)
            _ = try writer.upsert(p, present: Set(Field.personFields))
            return db.lastInsertedRowID
        }
    }

    /// Replaces a person's details. Changing the ID number is allowed when the new one is not taken.
    public func updatePerson(rowID: Int64, _ p: Person) throws(LedgerError) {
        let now = SQLiteLedger.now()
        try write { db in
            if let other = try Int64.fetchOne(db, sql: "SELECT id FROM person WHERE id_number = ?", arguments: [p.id.value]),
                other != rowID
            {
                throw LedgerError.duplicatePerson(maskedID: p.id.masked)
            }
            try db.execute(
                sql: """
                    UPDATE person SET id_number = ?, name = ?, name_initials = ?, name_key = ?, gender = ?, birth_date = ?, unit = ?, department = ?,
                        title = ?, title_level = ?, specialty = ?, status = ?, status_date = ?, category = ?, updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [
                    p.id.value, p.name, pinyin.initials(of: p.name), pinyin.nameKey(of: p.name), p.gender.rawValue,
                    p.birthDate.iso, p.unit,
                    p.department, p.title, p.titleLevel?.rawValue, p.specialty, p.status.rawValue,
                    p.statusDate?.iso, p.category.rawValue, now, rowID,
                ])
            if db.changesCount == 0 { throw LedgerError.gone }
        }
    }

    /// Deletes a person with no records (records must be deleted first: nothing disappears by accident).
    public func deletePerson(rowID: Int64) throws(LedgerError) {
        try write { db in
            let n = try Int.fetchOne(db, sql: "SELECT count(*) FROM record WHERE person_id = ?", arguments: [rowID]) ?? 0
            if n > 0 {
                throw LedgerError.personHasRecords(count: n)
            }
            try db.execute(sql: "DELETE FROM person WHERE id = ?", arguments: [rowID])
            if db.changesCount == 0 { throw LedgerError.gone }
        }
    }
}
