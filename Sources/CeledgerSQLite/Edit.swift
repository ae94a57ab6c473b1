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
            basis, quantity, role, suggested_tenths, created_at, updated_at, entered_by, changed_by)
        VALUES (:person, :mode, :category, :title, :provider, :start, :end, :year, :assessment, :score,
            :claimed, :recognized, :recognition, :certificate, :note, :recognitionNote, :reviewer, :reviewed,
            :basis, :quantity, :role, :suggested, :now, :now, \(Schema.actorFunction)(), \(Schema.actorFunction)())
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

    /// The person a record is written for, checked inside the write: still there (a person deleted in another
    /// window is said so in the clerk's words, naming who deleted them) and in the clerk's units.
    func requirePerson(_ db: Database, _ personRowID: Int64, _ clerk: Clerk?) throws {
        guard let unit = try String.fetchOne(db, sql: "SELECT unit FROM person WHERE id = ?", arguments: [personRowID]) else {
            throw try SQLiteLedger.personGone(db, personRowID)
        }
        try SQLiteLedger.reach(clerk, unit: unit)
    }

    /// A person no longer there: deleted (by whom and when, from the history), else never there (`.gone`).
    static func personGone(_ db: Database, _ personRowID: Int64) throws -> LedgerError {
        let c = try concurrentChange(db, .person, rowID: personRowID, expected: 0, current: nil)
        return c.entries.isEmpty ? .gone : .changedMeanwhile(c)
    }

    /// `.locked` for a recognised record (the triggers would refuse the change anyway; said first).
    static func refuseLocked(_ db: Database, _ rowID: Int64) throws {
        if try String.fetchOne(db, sql: "SELECT recognition FROM record WHERE id = ?", arguments: [rowID]) == "recognized" {
            throw LedgerError.locked
        }
    }

    /// The unit of a record's person, for the clerk's reach; nil when the record is gone.
    static func unitOfRecord(_ db: Database, _ rowID: Int64) throws -> String? {
        try String.fetchOne(
            db, sql: "SELECT p.unit FROM record r JOIN person p ON p.id = r.person_id WHERE r.id = ?", arguments: [rowID])
    }

    /// Adds a record for a person; the same activity twice is refused. A record that arrives decided needs a
    /// clerk who may decide (in a ledger with clerks), and nobody recognises their own entry.
    @discardableResult
    public func addRecord(_ r: CeledgerDomain.Record, personRowID: Int64, reviewer: String) throws(LedgerError) -> Int64 {
        let now = SQLiteLedger.now()
        return try editing { db in
            let clerk = try gate(db, r.recognition == .pending ? .enter : .decide)
            if clerk != nil && r.recognition == .recognized { throw LedgerError.ownEntries(count: 1) }
            try requirePerson(db, personRowID, clerk)
            var args = SQLiteLedger.recordArguments(r)
            args["person"] = personRowID
            args["now"] = now
            // A nil assigned through the subscript would remove the argument: updateValue keeps it as NULL.
            let who: String? = r.recognition == .pending ? nil : decider(clerk, reviewer)
            let when: String? = r.recognition == .pending ? nil : now
            args.updateValue(who, forKey: "reviewer")
            args.updateValue(when, forKey: "reviewed")
            try db.execute(sql: SQLiteLedger.insertRecordSQL, arguments: StatementArguments(args))
            return db.lastInsertedRowID
        }
    }

    public func updateRecord(rowID: Int64, _ r: CeledgerDomain.Record, reviewer: String, expected: Int64?) throws(LedgerError) {
        let now = SQLiteLedger.now()
        try editing { db in
            var clerk = try gate(db, .enter)
            // Recognised meanwhile: the lock is the reason that matters (reopen first), before the version.
            try SQLiteLedger.refuseLocked(db, rowID)
            try checkVersion(db, .record, rowID: rowID, expected: expected)
            try SQLiteLedger.reach(clerk, unit: try SQLiteLedger.unitOfRecord(db, rowID) ?? "")
            let was = try String.fetchOne(db, sql: "SELECT recognition FROM record WHERE id = ?", arguments: [rowID])
            if was != r.recognition.rawValue {
                // A decision made in the edit: a decider's, and never on the clerk's own change (this one).
                clerk = try gate(db, .decide)
                if clerk != nil && r.recognition == .recognized { throw LedgerError.ownEntries(count: 1) }
            }
            var args = SQLiteLedger.recordArguments(r)
            args["id"] = rowID
            args["now"] = now
            args["reviewer"] = decider(clerk, reviewer)
            try db.execute(
                sql: """
                    UPDATE record SET mode = :mode, category = :category, title = :title, provider = :provider,
                        start_date = :start, end_date = :end, year = :year, assessment = :assessment, score = :score,
                        claimed_tenths = :claimed, recognized_tenths = :recognized,
                        reviewed_by = CASE WHEN recognition <> :recognition THEN :reviewer ELSE reviewed_by END,
                        reviewed_at = CASE WHEN recognition <> :recognition THEN :now ELSE reviewed_at END,
                        recognition = :recognition, recognition_note = :recognitionNote, certificate_no = :certificate, note = :note,
                        basis = :basis, quantity = :quantity, role = :role, suggested_tenths = :suggested, updated_at = :now,
                        changed_by = \(Schema.actorFunction)(), version = version + 1
                    WHERE id = :id
                    """, arguments: StatementArguments(args))
            if db.changesCount == 0 { throw LedgerError.gone }
        }
    }

    public func deleteRecord(rowID: Int64, expected: Int64?) throws(LedgerError) {
        try editing { db in
            let clerk = try gate(db, .enter)
            try SQLiteLedger.refuseLocked(db, rowID)
            try checkVersion(db, .record, rowID: rowID, expected: expected)
            try SQLiteLedger.reach(clerk, unit: try SQLiteLedger.unitOfRecord(db, rowID) ?? "")
            try db.execute(sql: "DELETE FROM record WHERE id = ?", arguments: [rowID])
            if db.changesCount == 0 { throw LedgerError.gone }
        }
    }

    /// Marks records recognised (with their recognised hours, else the rule's suggestion, else the claimed
    /// hours) or rejected (a reason is required), all in one transaction, naming who decided and when.
    /// A record already recognised is locked and left as it is (reopen it first). Recognising a pending
    /// record without a reason keeps its note (an override's reason, a reopen's reason). Says for each record
    /// left unchanged why: recognised already, recognised (locked) before a rejection, gone, changed since
    /// it was shown (`expected`), or (in a ledger with clerks) the deciding clerk's own entry. The states are
    /// read in the same transaction as the change.
    public func decideRecognition(
        rowIDs: [Int64], to recognition: Recognition, reason: String, reviewer: String, expected: [Int64: Int64]
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
            let clerk = try gate(db, .decide)
            let who = decider(clerk, reviewer)
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
                        reviewed_by = ?, reviewed_at = ?, updated_at = ?, version = version + 1
                    WHERE id = ? AND recognition <> 'recognized'
                    """
                    : """
                    UPDATE record SET recognition = 'rejected', recognized_tenths = NULL,
                        recognition_note = ?, reviewed_by = ?, reviewed_at = ?, updated_at = ?, version = version + 1
                    WHERE id = ? AND recognition <> 'recognized'
                    """)
            let state = try db.cachedStatement(
                sql: "SELECT r.recognition, r.version, p.unit FROM record r JOIN person p ON p.id = r.person_id WHERE r.id = ?")
            var outcome = RecognitionOutcome()
            for id in rowIDs {
                guard let row = try Row.fetchOne(state, arguments: [id]) else {
                    outcome.gone += 1
                    continue
                }
                try SQLiteLedger.reach(clerk, unit: row["unit"])
                if row["recognition"] as String == Recognition.recognized.rawValue {
                    if recognition == .recognized { outcome.alreadyRecognized += 1 } else { outcome.locked += 1 }
                    continue
                }
                if let v = expected[id], v != row["version"] as Int64 {
                    outcome.changedMeanwhile += 1
                    continue
                }
                if let clerk, recognition == .recognized {
                    let authors = try SQLiteLedger.authors(db, recordID: id)
                    if authors.entered == clerk.name || authors.changed == clerk.name {
                        outcome.ownEntries += 1
                        continue
                    }
                }
                try statement.execute(arguments: [reason.trimmedField, who, now, now, id])
                if db.changesCount > 0 {
                    outcome.changed += 1
                    outcome.changedRowIDs.append(id)
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
            let clerk = try gate(db, .decide)
            let statement = try db.cachedStatement(
                sql: """
                    UPDATE record SET recognition = 'pending', recognition_note = ?, reviewed_by = ?, reviewed_at = ?, updated_at = ?,
                        version = version + 1
                    WHERE id = ? AND recognition = 'recognized'
                    """)
            var changed = 0
            for id in rowIDs {
                if let unit = try SQLiteLedger.unitOfRecord(db, id) { try SQLiteLedger.reach(clerk, unit: unit) }
                try statement.execute(arguments: [reason.trimmedField, decider(clerk, reviewer), now, now, id])
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
            try SQLiteLedger.reach(try gate(db, .enter), unit: p.unit)
            if try Int64.fetchOne(db, sql: "SELECT id FROM person WHERE id_number = ?", arguments: [p.id.value]) != nil {
                throw LedgerError.duplicatePerson(maskedID: p.id.masked)
            }
            var writer = try RowWriter(db: db, now: now, pinyin: pinyin)
            _ = try writer.upsert(p, present: Set(Field.personFields))
            return db.lastInsertedRowID
        }
    }

    /// Replaces a person's details. Changing the ID number is allowed when the new one is not taken.
    public func updatePerson(rowID: Int64, _ p: Person, expected: Int64?) throws(LedgerError) {
        let now = SQLiteLedger.now()
        try write { db in
            let clerk = try gate(db, .enter)
            try checkVersion(db, .person, rowID: rowID, expected: expected)
            try SQLiteLedger.reach(
                clerk, unit: try String.fetchOne(db, sql: "SELECT unit FROM person WHERE id = ?", arguments: [rowID]) ?? "")
            try SQLiteLedger.reach(clerk, unit: p.unit)
            if let other = try Int64.fetchOne(db, sql: "SELECT id FROM person WHERE id_number = ?", arguments: [p.id.value]),
                other != rowID
            {
                throw LedgerError.duplicatePerson(maskedID: p.id.masked)
            }
            try db.execute(
                sql: """
                    UPDATE person SET id_number = ?, name = ?, name_initials = ?, name_key = ?, gender = ?, birth_date = ?, unit = ?, department = ?,
                        title = ?, title_level = ?, specialty = ?, status = ?, status_date = ?, category = ?, updated_at = ?,
                        version = version + 1
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
    public func deletePerson(rowID: Int64, expected: Int64?) throws(LedgerError) {
        try write { db in
            let clerk = try gate(db, .enter)
            try checkVersion(db, .person, rowID: rowID, expected: expected)
            try SQLiteLedger.reach(
                clerk, unit: try String.fetchOne(db, sql: "SELECT unit FROM person WHERE id = ?", arguments: [rowID]) ?? "")
            let n = try Int.fetchOne(db, sql: "SELECT count(*) FROM record WHERE person_id = ?", arguments: [rowID]) ?? 0
            if n > 0 {
                throw LedgerError.personHasRecords(count: n)
            }
            try db.execute(sql: "DELETE FROM person WHERE id = ?", arguments: [rowID])
            if db.changesCount == 0 { throw LedgerError.gone }
        }
    }
}
