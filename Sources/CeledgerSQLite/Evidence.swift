import CeledgerDomain
import CeledgerLedger
import Foundation
internal import GRDB

/// Proof of records in the SQLite file (schema v8): the bytes in table `evidence`, so that backup,
/// restore and a copied ledger carry them. The history entries are written by v8's triggers in the
/// same transaction; removal is an update the triggers allow once.
extension SQLiteLedger {
    static let evidenceColumns =
        "id, record_id, name, size, type, sha256, added_at, added_by, removed_at, removed_by, removed_reason"

    static func evidenceItem(_ row: Row) -> EvidenceItem {
        EvidenceItem(
            id: row["id"], recordRowID: row["record_id"], name: row["name"], size: row["size"],
            kind: EvidenceKind(rawValue: row["type"]) ?? .pdf, sha256: row["sha256"], addedAt: row["added_at"],
            addedBy: row["added_by"], removedAt: row["removed_at"], removedBy: row["removed_by"],
            removedReason: row["removed_reason"])
    }

    public func evidence(recordRowIDs: [Int64], includingRemoved: Bool) throws(LedgerError) -> [EvidenceItem] {
        guard !recordRowIDs.isEmpty else { return [] }
        return try read { db in
            var out: [EvidenceItem] = []
            // In slices: SQLite binds at most 32,766 parameters a statement.
            for start in stride(from: 0, to: recordRowIDs.count, by: 500) {
                let slice = Array(recordRowIDs[start..<min(start + 500, recordRowIDs.count)])
                let marks = Array(repeating: "?", count: slice.count).joined(separator: ", ")
                out += try Row.fetchAll(
                    db,
                    sql: """
                        SELECT \(SQLiteLedger.evidenceColumns) FROM evidence WHERE record_id IN (\(marks))
                        \(includingRemoved ? "" : "AND removed_at IS NULL") ORDER BY record_id, id
                        """, arguments: StatementArguments(slice)
                ).map(SQLiteLedger.evidenceItem)
            }
            return out.sorted { ($0.recordRowID, $0.id) < ($1.recordRowID, $1.id) }
        }
    }

    public func evidenceItem(id: Int64) throws(LedgerError) -> EvidenceItem? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT \(SQLiteLedger.evidenceColumns) FROM evidence WHERE id = ?", arguments: [id])
                .map(SQLiteLedger.evidenceItem)
        }
    }

    public func evidenceBytes(id: Int64) throws(LedgerError) -> [UInt8] {
        let data = try read { db -> Data? in
            // A clerk limited to units reads only their persons' proof.
            if let personRowID = try Int64.fetchOne(
                db, sql: "SELECT r.person_id FROM evidence e JOIN record r ON r.id = e.record_id WHERE e.id = ?", arguments: [id])
            {
                try requireReach(db, personRowID: personRowID)
            }
            return try Data.fetchOne(db, sql: "SELECT bytes FROM evidence WHERE id = ?", arguments: [id])
        }
        guard let data else { throw LedgerError.noEvidence(id: id) }
        return Array(data)
    }

    public func addEvidence(recordRowID: Int64, name: String, bytes: [UInt8], clerk: String) throws(LedgerError) -> EvidenceItem {
        try addEvidence(recordRowID: recordRowID, files: [(name, bytes)], clerk: clerk)[0]
    }

    /// Several files for one record in one transaction: all of them or, one refused, none.
    public func addEvidence(
        recordRowID: Int64, files: [(name: String, bytes: [UInt8])], clerk: String
    ) throws(LedgerError) -> [EvidenceItem] {
        var admitted: [(name: String, kind: EvidenceKind, bytes: [UInt8])] = []
        for f in files {
            let (stored, kind) = try Evidence.admit(name: f.name, bytes: f.bytes)
            admitted.append((stored, kind, f.bytes))
        }
        let now = SQLiteLedger.now()
        let ids = try write { db -> [Int64]? in
            // Proof is entering: held to the clerk's role and units like any record change.
            let acting = try gate(db, .enter)
            guard
                let personRowID = try Int64.fetchOne(
                    db, sql: "SELECT person_id FROM record WHERE id = ?", arguments: [recordRowID])
            else {
                return nil
            }
            try requireReach(db, personRowID: personRowID)
            let clerk = decider(acting, clerk)
            var ids: [Int64] = []
            for f in admitted {
                try db.execute(
                    sql: """
                        INSERT INTO evidence (record_id, name, size, type, sha256, added_at, added_by, bytes)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        recordRowID, f.name, f.bytes.count, f.kind.rawValue, SHA256.hex(f.bytes), now, clerk, Data(f.bytes),
                    ])
                ids.append(db.lastInsertedRowID)
            }
            return ids
        }
        guard let ids else { throw LedgerError.gone }
        var items: [EvidenceItem] = []
        for id in ids {
            guard let item = try evidenceItem(id: id) else { throw LedgerError.gone }
            items.append(item)
        }
        return items
    }

    public func removeEvidence(id: Int64, reason: String, clerk: String) throws(LedgerError) -> EvidenceItem {
        let why = reason.trimmedField
        guard !why.isEmpty else { throw LedgerError.evidenceRemovalNeedsReason }
        let now = SQLiteLedger.now()
        let outcome = try write { db -> Int in
            let acting = try gate(db, .enter)
            guard
                let removed = try Row.fetchOne(
                    db, sql: "SELECT removed_at, record_id FROM evidence WHERE id = ?", arguments: [id])
            else { return 0 }
            if let personRowID = try Int64.fetchOne(
                db, sql: "SELECT person_id FROM record WHERE id = ?", arguments: [removed["record_id"] as Int64])
            {
                try requireReach(db, personRowID: personRowID)
            }
            let clerk = decider(acting, clerk)
            if (removed["removed_at"] as String?) != nil { return 1 }
            try db.execute(
                sql: "UPDATE evidence SET removed_at = ?, removed_by = ?, removed_reason = ? WHERE id = ?",
                arguments: [now, clerk, why, id])
            return 2
        }
        switch outcome {
        case 0: throw LedgerError.noEvidence(id: id)
        case 1: throw LedgerError.evidenceRemoved(id: id)
        default:
            guard let item = try evidenceItem(id: id) else { throw LedgerError.noEvidence(id: id) }
            return item
        }
    }
}
