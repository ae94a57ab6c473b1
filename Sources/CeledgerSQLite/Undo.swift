import CeledgerDomain
import CeledgerLedger
import Foundation
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
            case .recordsChanged(let before, let versions):
                // Someone else's change since: refused before anything is put back.
                for (id, v) in versions.sorted(by: { $0.key < $1.key }) where before[id] != nil {
                    try refuseOthersChanges(db, .record, rowID: id, since: v)
                }
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
            case .imported(let c):
                return try revertImport(db, c, clerk: &clerk, reason: reason, reviewer: reviewer, now: now)
            case .personAdded, .personChanged, .personDeleted:
                // `undo` takes these through the writer's own person calls.
                throw LedgerError.gone
            }
        }
    }
}

extension SQLiteLedger {
    /// Refuses an undo when the row moved past `version` (what the change left) by anyone but this clerk:
    /// `.changedMeanwhile`, naming who changed what. The clerk's own entries since are the later steps
    /// of their stack, taken back already.
    func refuseOthersChanges(_ db: Database, _ entity: HistoryEntry.Entity, rowID: Int64, since version: Int64) throws {
        let current = try Int64.fetchOne(db, sql: "SELECT version FROM \(entity.rawValue) WHERE id = ?", arguments: [rowID])
        guard current != version else { return }
        let c = try SQLiteLedger.concurrentChange(db, entity, rowID: rowID, expected: version, current: current)
        if current == nil || current! < version || c.entries.contains(where: { $0.actor != actor }) {
            throw LedgerError.changedMeanwhile(c)
        }
    }

    /// An import taken back inside `revert`'s transaction, run by run of row ids (a few statements for a
    /// hundred thousand rows, not one each): its records deleted (recognised ones reopened first, with the
    /// reason, by a decider), the persons it added deleted (refused, naming them, when they have records
    /// since), the persons it changed put back (refused, naming who changed what, when changed since).
    /// An id freed and given again after the import is another row: left alone (`lastHistoryID`).
    func revertImport(
        _ db: Database, _ c: ImportedChange, clerk: inout Clerk?, reason: String, reviewer: String, now: String
    ) throws -> Int {
        /// " AND id NOT IN (…)": the ids inserted again after the import (the history's later inserts, read
        /// by its primary key from the import's last entry on: the entries since, not the whole history).
        func notReused(_ entity: HistoryEntry.Entity, _ ids: RowIDs) throws -> (String) -> String {
            guard let after = c.lastHistoryID, let lo = ids.runs.first?.lowerBound, let hi = ids.runs.last?.upperBound else {
                return { _ in "" }
            }
            let again = try Int64.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT entity_id FROM history
                    WHERE id > ? AND entity = ? AND action = 'insert' AND entity_id BETWEEN ? AND ?
                    """, arguments: [after, entity.rawValue, lo, hi])
            guard !again.isEmpty else { return { _ in "" } }
            let list = again.map(String.init).joined(separator: ",")
            return { alias in " AND \(alias)id NOT IN (\(list))" }
        }
        let mineRecord = try notReused(.record, c.addedRecords)
        let minePerson = try notReused(.person, c.addedPersons)
        var n = 0
        func arguments(_ run: ClosedRange<Int64>, _ more: [String: DatabaseValueConvertible?] = [:]) -> StatementArguments {
            var a: [String: DatabaseValueConvertible?] = ["lo": run.lowerBound, "hi": run.upperBound]
            a.merge(more) { $1 }
            return StatementArguments(a)
        }
        /// The clerk reaches every unit `sql` lists (nothing to check for a clerk of every unit).
        func reachAll(_ sql: String, _ args: StatementArguments) throws {
            guard let clerk, !clerk.units.isEmpty else { return }
            for unit in try String.fetchAll(db, sql: sql, arguments: args) { try SQLiteLedger.reach(clerk, unit: unit) }
        }
        // Records: the reason and the decider's role first, for all of them, before anything changes.
        var recognised = 0
        for run in c.addedRecords.runs {
            recognised +=
                try Int.fetchOne(
                    db,
                    sql:
                        "SELECT count(*) FROM record WHERE id BETWEEN :lo AND :hi\(mineRecord("")) AND recognition = 'recognized'",
                    arguments: arguments(run)) ?? 0
        }
        if recognised > 0 {
            guard !reason.isEmpty else { throw LedgerError.reopenNeedsReason }
            clerk = try gate(db, .decide)
        }
        let deleting = c.addedRecords.isEmpty ? nil : try DeferredDelete(db)
        for run in c.addedRecords.runs {
            try reachAll(
                """
                SELECT DISTINCT p.unit FROM record r JOIN person p ON p.id = r.person_id
                WHERE r.id BETWEEN :lo AND :hi\(mineRecord("r."))
                """, arguments(run))
            if recognised > 0 {
                // Reopened as `reopen` does (the lock allows nothing else), then deleted.
                try db.execute(
                    sql: """
                        UPDATE record SET recognition = 'pending', recognition_note = :reason, reviewed_by = :who, reviewed_at = :now,
                            updated_at = :now, version = version + 1
                        WHERE id BETWEEN :lo AND :hi\(mineRecord("")) AND recognition = 'recognized'
                        """, arguments: arguments(run, ["reason": reason, "who": decider(clerk, reviewer), "now": now]))
            }
            n += try deleting!.delete(db, where: "OLD.id BETWEEN :lo AND :hi\(mineRecord("OLD."))", arguments(run))
        }
        try deleting?.finish(db)
        // Persons added: none may have records now (someone else's since: the import's are gone).
        for run in c.addedPersons.runs {
            if let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT p.name, p.id_number, count(*) AS n,
                        group_concat(DISTINCT coalesce(r.entered_by, r.changed_by)) AS who
                    FROM person p JOIN record r ON r.person_id = p.id
                    WHERE p.id BETWEEN :lo AND :hi\(minePerson("p.")) GROUP BY p.id ORDER BY p.id LIMIT 1
                    """, arguments: arguments(run))
            {
                let who = (row["who"] as String?).map { $0.replacingOccurrences(of: ",", with: "、") }
                throw LedgerError.importedPersonHasRecords(
                    name: row["name"], maskedID: ResidentID.mask(row["id_number"]), count: row["n"], by: who)
            }
            // Changed since the import (by someone else: the import left version 1, or what `changedPersons` says).
            for row in try Row.fetchAll(
                db, sql: "SELECT id, version FROM person WHERE id BETWEEN :lo AND :hi\(minePerson("")) AND version <> 1",
                arguments: arguments(run))
            {
                let id: Int64 = row["id"]
                try checkVersion(db, .person, rowID: id, expected: c.changedPersons[id]?.version ?? 1)
            }
            try reachAll("SELECT DISTINCT unit FROM person WHERE id BETWEEN :lo AND :hi\(minePerson(""))", arguments(run))
        }
        for run in c.addedPersons.runs {
            try db.execute(sql: "DELETE FROM person WHERE id BETWEEN :lo AND :hi\(minePerson(""))", arguments: arguments(run))
            n += db.changesCount
        }
        // Persons changed: put back, each only at the version the import left.
        let version = try db.cachedStatement(sql: "SELECT version, unit FROM person WHERE id = ?")
        let restore = try db.cachedStatement(
            sql: """
                UPDATE person SET id_number = ?, name = ?, name_initials = ?, name_key = ?, gender = ?, birth_date = ?, unit = ?,
                    department = ?, title = ?, title_level = ?, specialty = ?, status = ?, status_date = ?, category = ?,
                    updated_at = ?, version = version + 1
                WHERE id = ?
                """)
        for (id, b) in c.changedPersons.sorted(by: { $0.key < $1.key }) where !c.addedPersons.contains(id) {
            let row = try Row.fetchOne(version, arguments: [id])
            if row?["version"] as Int64? != b.version {
                try checkVersion(db, .person, rowID: id, expected: b.version)
            }
            if let clerk, !clerk.units.isEmpty {
                try SQLiteLedger.reach(clerk, unit: row?["unit"] ?? "")
                try SQLiteLedger.reach(clerk, unit: b.person.unit)
            }
            let p = b.person
            try restore.execute(arguments: [
                p.id.value, p.name, pinyin.initials(of: p.name), pinyin.nameKey(of: p.name), p.gender.rawValue,
                p.birthDate.iso, p.unit, p.department, p.title, p.titleLevel?.rawValue, p.specialty, p.status.rawValue,
                p.statusDate?.iso, p.category.rawValue, now, id,
            ])
            n += db.changesCount
        }
        return n
    }
}

/// Deleting many records in one statement: what the delete triggers do row by row (a history row with the
/// record's values, the person-year marked for the summary) is written first by one set-wise statement
/// each, made from the triggers' own SQL (their `VALUES (…)` read as a `SELECT … FROM record AS OLD`), and
/// the triggers are put back after the delete, inside the caller's transaction (as `DeferredUpkeep`).
struct DeferredDelete {
    static let triggers = ["record_delete_history", "summary_record_delete"]
    private var dropped: [String] = []
    private var statements: [String] = []

    init(_ db: Database) throws {
        for name in DeferredDelete.triggers {
            guard
                let sql = try String.fetchOne(
                    db, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", arguments: [name]),
                let begin = sql.range(of: "BEGIN"), let end = sql.range(of: "END", options: .backwards),
                let values = sql[begin.upperBound..<end.lowerBound].range(of: "VALUES (")
            else {
                throw LedgerError.incompleteSchema(type: "trigger", name: name)
            }
            var body = sql[begin.upperBound..<end.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
            guard body.hasSuffix(");") else { throw LedgerError.incompleteSchema(type: "trigger", name: name) }
            body = String(body.dropLast(2))
            let head = sql[begin.upperBound..<values.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
            let select = body.dropFirst(head.count).trimmingCharacters(in: .whitespacesAndNewlines).dropFirst("VALUES (".count)
            statements.append("\(head) SELECT \(select) FROM record AS OLD")
            try db.execute(sql: "DROP TRIGGER \(name)")
            dropped.append(sql)
        }
    }

    /// Deletes the records `condition` (on `OLD`) selects, their history and summary marks written first.
    func delete(_ db: Database, where condition: String, _ arguments: StatementArguments) throws -> Int {
        for s in statements { try db.execute(sql: "\(s) WHERE \(condition) ORDER BY OLD.id", arguments: arguments) }
        try db.execute(sql: "DELETE FROM record AS OLD WHERE \(condition)", arguments: arguments)
        return db.changesCount
    }

    func finish(_ db: Database) throws {
        for sql in dropped { try db.execute(sql: sql) }
    }
}
