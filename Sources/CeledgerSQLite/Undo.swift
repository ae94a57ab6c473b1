import CeledgerDomain
import CeledgerLedger
internal import GRDB

extension SQLiteLedger {
    /// Reverts one change of the clerk's in one transaction; the history triggers record it as new entries
    /// (deletes, updates, an insert), so the history is never rewritten. A record that is recognised now is
    /// reopened first with the reason (the lock allows nothing else), then reverted.
    public func revert(_ change: Undoable, reason: String, reviewer: String) throws(LedgerError) -> Int {
        let now = SQLiteLedger.now()
        let reason = reason.trimmedField
        return try editing { db in
            var clerk = try gate(db, .enter)
            let state = try db.cachedStatement(sql: "SELECT recognition FROM record WHERE id = ?")
            /// Reopens a recognised record (a reason needed); false when the record is gone.
            func unlock(_ id: Int64) throws -> Bool {
                guard let r = try String.fetchOne(state, arguments: [id]) else { return false }
                if let unit = try SQLiteLedger.unitOfRecord(db, id) { try SQLiteLedger.reach(clerk, unit: unit) }
                if r == Recognition.recognized.rawValue {
                    guard !reason.isEmpty else { throw LedgerError.reopenNeedsReason }
                    // Reopening is a decision: a decider's.
                    clerk = try gate(db, .decide)
                    try db.execute(
                        sql: """
                            UPDATE record SET recognition = 'pending', recognition_note = ?, reviewed_by = ?, reviewed_at = ?,
                                updated_at = ?, version = version + 1 WHERE id = ?
                            """, arguments: [reason, decider(clerk, reviewer), now, now, id])
                }
                return true
            }
            func delete(_ id: Int64) throws -> Int {
                guard try unlock(id) else { return 0 }
                try db.execute(sql: "DELETE FROM record WHERE id = ?", arguments: [id])
                return db.changesCount
            }
            switch change {
            case .recordAdded(let id):
                let n = try delete(id)
                if n == 0 { throw LedgerError.gone }
                return n
            case .classAdded(let r, let persons):
                var n = 0
                for person in persons {
                    let id = try Int64.fetchOne(
                        db,
                        sql:
                            "SELECT id FROM record WHERE person_id = ? AND mode = ? AND title = ? AND start_date = ? AND end_date = ?",
                        arguments: [person, r.mode.rawValue, r.title, r.startDate.iso, r.endDate.iso])
                    if let id { n += try delete(id) }
                }
                return n
            case .recordsChanged(let before):
                var n = 0
                for (id, r) in before.sorted(by: { $0.key < $1.key }) {
                    guard try unlock(id) else { throw LedgerError.gone }
                    // Putting a decision back is a decision too.
                    if r.recognition != .pending { clerk = try gate(db, .decide) }
                    var args = SQLiteLedger.recordArguments(r)
                    args["id"] = id
                    args["now"] = now
                    let who: String? = r.recognition == .pending ? nil : decider(clerk, reviewer)
                    args.updateValue(who, forKey: "reviewer")
                    // Back to what it was, its recognition too (its reviewer and time as the undo's).
                    try db.execute(
                        sql: """
                            UPDATE record SET mode = :mode, category = :category, title = :title, provider = :provider,
                                start_date = :start, end_date = :end, year = :year, assessment = :assessment, score = :score,
                                claimed_tenths = :claimed, recognized_tenths = :recognized, recognition = :recognition,
                                recognition_note = :recognitionNote, certificate_no = :certificate, note = :note,
                                reviewed_by = CASE WHEN :recognition = 'pending' THEN NULL ELSE :reviewer END,
                                reviewed_at = CASE WHEN :recognition = 'pending' THEN NULL ELSE :now END,
                                basis = :basis, quantity = :quantity, role = :role, suggested_tenths = :suggested, updated_at = :now,
                                changed_by = \(Schema.actorFunction)(), version = version + 1
                            WHERE id = :id
                            """, arguments: StatementArguments(args))
                    n += db.changesCount
                }
                return n
            case .recordDeleted(let r, let person):
                if r.recognition != .pending { clerk = try gate(db, .decide) }
                var args = SQLiteLedger.recordArguments(r)
                args["person"] = person
                args["now"] = now
                // A nil assigned through the subscript would remove the argument: updateValue keeps it as NULL.
                let who: String? = r.recognition == .pending ? nil : decider(clerk, reviewer)
                let when: String? = r.recognition == .pending ? nil : now
                args.updateValue(who, forKey: "reviewer")
                args.updateValue(when, forKey: "reviewed")
                try requirePerson(db, person, clerk)
                try db.execute(sql: SQLiteLedger.insertRecordSQL, arguments: StatementArguments(args))
                return 1
            case .personAdded, .personChanged, .personDeleted:
                // `undo` takes these through the writer's own person calls.
                throw LedgerError.gone
            }
        }
    }
}
