import CeledgerDomain
import CeledgerLedger

/// No lost updates on a server (issue 17), as the SQLite ledger keeps them (Sources/CeledgerSQLite/Clerks.swift):
/// a save carries the version it read; the row is locked (`FOR UPDATE`) and its version compared inside the
/// save's transaction, so that between the check and the update no other writer can move it.
extension PostgresLedger {
    /// Refuses a save read at `expected` when the row moved since (`.changedMeanwhile`, naming who changed
    /// what when, from the history) or went (`.changedMeanwhile` with its deletion; `.gone` without a version).
    func checkVersion(_ entity: HistoryEntry.Entity, rowID: Int64, expected: Int64?) throws {
        let current = try exec("SELECT version FROM \(entity.rawValue) WHERE id = $1 FOR UPDATE", [String(rowID)]).first?
            .int64(0)
        guard let expected else {
            if current == nil { throw LedgerError.gone }
            return
        }
        if current == expected { return }
        throw LedgerError.changedMeanwhile(
            try concurrentChange(entity, rowID: rowID, expected: expected, current: current))
    }

    /// What happened to a row since version `expected`: each update moves the version by one and writes one
    /// history entry, so the entries since are the row's last `current - expected` updates; a deleted row's
    /// is its deletion.
    func concurrentChange(
        _ entity: HistoryEntry.Entity, rowID: Int64, expected: Int64, current: Int64?
    ) throws -> ConcurrentChange {
        let rows: [[String?]]
        let columns = "id, at, actor, action, entity, entity_id, id_number, old_values, new_values"
        if let current {
            let idNumber =
                entity == .person
                ? try exec("SELECT id_number FROM person WHERE id = $1", [String(rowID)]).first?[0]
                : try exec(
                    "SELECT p.id_number FROM record r JOIN person p ON p.id = r.person_id WHERE r.id = $1", [String(rowID)]
                ).first?[0]
            rows = try exec(
                """
                SELECT \(columns) FROM history
                WHERE id_number = $1 AND entity = $2 AND entity_id = $3 AND action = 'update' ORDER BY id DESC LIMIT $4
                """, [idNumber ?? "", entity.rawValue, String(rowID), String(max(0, current - expected))]
            ).rows
        } else {
            rows = try exec(
                """
                SELECT \(columns) FROM history WHERE entity = $1 AND entity_id = $2 AND action = 'delete'
                ORDER BY id DESC LIMIT 1
                """, [entity.rawValue, String(rowID)]
            ).rows
        }
        let entries = rows.reversed().map { r in
            HistoryEntry(
                id: r.int64(0), at: r.text(1), actor: r.text(2), action: HistoryEntry.Action(rawValue: r.text(3))!,
                entity: entity, entityID: rowID, idNumber: r.text(6),
                old: HistoryEntry.values(fromJSON: r[7]), new: HistoryEntry.values(fromJSON: r[8]))
        }
        return ConcurrentChange(entity: entity, rowID: rowID, expected: expected, current: current, entries: entries)
    }

    /// A person no longer there: deleted (by whom and when, from the history), else never there (`.gone`).
    func personGone(_ personRowID: Int64) throws -> LedgerError {
        let c = try concurrentChange(.person, rowID: personRowID, expected: 0, current: nil)
        return c.entries.isEmpty ? .gone : .changedMeanwhile(c)
    }

    /// `.locked` for a recognised record: recognised meanwhile is the reason that matters (reopen first),
    /// said before the version (the lock trigger would refuse the change anyway).
    func refuseLocked(_ rowID: Int64) throws {
        if try exec("SELECT recognition FROM record WHERE id = $1", [String(rowID)]).first?[0] == "recognized" {
            throw LedgerError.locked
        }
    }
}
