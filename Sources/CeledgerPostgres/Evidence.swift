import CeledgerDomain
import CeledgerLedger

/// Proof of records on a server (schema pg3), as the SQLite ledger keeps it (Sources/CeledgerSQLite/Evidence.swift):
/// the bytes in table `evidence`, checked by `Evidence.admit` before they are stored; the history entries
/// written by pg3's trigger in the same transaction; a removal is the one update the trigger allows.
/// `clerk` is who added or removed the file on a ledger without clerks; once it has clerks, the server's
/// trigger writes the session's clerk instead (pg6), and the policies limit a unit's clerk to its units' files.
extension PostgresLedger {
    static let evidenceColumns =
        "id, record_id, name, size, type, sha256, added_at, added_by, removed_at, removed_by, removed_reason"

    static func evidenceItem(_ row: [String?]) -> EvidenceItem {
        EvidenceItem(
            id: row.int64(0), recordRowID: row.int64(1), name: row.text(2), size: row.int(3),
            kind: EvidenceKind(rawValue: row.text(4)) ?? .pdf, sha256: row.text(5), addedAt: row.text(6),
            addedBy: row.text(7), removedAt: row[8], removedBy: row[9], removedReason: row[10])
    }

    public func evidence(recordRowIDs: [Int64], includingRemoved: Bool) throws(LedgerError) -> [EvidenceItem] {
        guard !recordRowIDs.isEmpty else { return [] }
        return try read { () throws in
            try exec(
                """
                SELECT \(PostgresLedger.evidenceColumns) FROM evidence WHERE record_id = ANY($1::bigint[])
                \(includingRemoved ? "" : "AND removed_at IS NULL") ORDER BY record_id, id
                """, [PostgresLedger.array(recordRowIDs)]
            ).rows.map(PostgresLedger.evidenceItem)
        }
    }

    public func evidenceItem(id: Int64) throws(LedgerError) -> EvidenceItem? {
        try read { () throws in try evidenceItemInTransaction(id) }
    }

    func evidenceItemInTransaction(_ id: Int64) throws(PGFailure) -> EvidenceItem? {
        try exec("SELECT \(PostgresLedger.evidenceColumns) FROM evidence WHERE id = $1", [String(id)]).first
            .map(PostgresLedger.evidenceItem)
    }

    public func evidenceBytes(id: Int64) throws(LedgerError) -> [UInt8] {
        let hex = try read { () throws in
            try exec("SELECT encode(bytes, 'hex') FROM evidence WHERE id = $1", [String(id)]).first?[0]
        }
        guard let hex else { throw LedgerError.noEvidence(id: id) }
        return PostgresLedger.unhex(hex)
    }

    public func addEvidence(recordRowID: Int64, name: String, bytes: [UInt8], clerk: String) throws(LedgerError) -> EvidenceItem {
        try addEvidence(recordRowID: recordRowID, files: [(name, bytes)], clerk: clerk)[0]
    }

    /// Several files for one record in one transaction: all of them or, one refused, none (as on SQLite).
    public func addEvidence(
        recordRowID: Int64, files: [(name: String, bytes: [UInt8])], clerk: String
    ) throws(LedgerError) -> [EvidenceItem] {
        var admitted: [(name: String, kind: EvidenceKind, bytes: [UInt8])] = []
        for f in files {
            let (stored, kind) = try Evidence.admit(name: f.name, bytes: f.bytes)
            admitted.append((stored, kind, f.bytes))
        }
        let now = PostgresLedger.now()
        let items = try write { () throws -> [EvidenceItem]? in
            // The record locked for the insert: a deletion at the same moment waits, or has happened.
            guard try exec("SELECT 1 FROM record WHERE id = $1 FOR SHARE", [String(recordRowID)]).first != nil else {
                return nil
            }
            var items: [EvidenceItem] = []
            for f in admitted {
                let id = try exec(
                    """
                    INSERT INTO evidence (record_id, name, size, type, sha256, added_at, added_by, bytes)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, decode($8, 'hex')) RETURNING id
                    """,
                    [
                        String(recordRowID), f.name, String(f.bytes.count), f.kind.rawValue, SHA256.hex(f.bytes), now, clerk,
                        SHA256.hexDigits(f.bytes),
                    ]
                ).first!.int64(0)
                if let item = try evidenceItemInTransaction(id) { items.append(item) }
            }
            return items
        }
        guard let items else { throw LedgerError.gone }
        return items
    }

    public func removeEvidence(id: Int64, reason: String, clerk: String) throws(LedgerError) -> EvidenceItem {
        let why = reason.trimmedField
        guard !why.isEmpty else { throw LedgerError.evidenceRemovalNeedsReason }
        let now = PostgresLedger.now()
        return try write { () throws -> EvidenceItem in
            // Under the row's lock: two clerks removing the same file at once, the second is told it is removed.
            guard let row = try exec("SELECT removed_at FROM evidence WHERE id = $1 FOR UPDATE", [String(id)]).first else {
                throw LedgerError.noEvidence(id: id)
            }
            if row[0] != nil { throw LedgerError.evidenceRemoved(id: id) }
            try exec(
                "UPDATE evidence SET removed_at = $1, removed_by = $2, removed_reason = $3 WHERE id = $4",
                [now, clerk, why, String(id)])
            guard let item = try evidenceItemInTransaction(id) else { throw LedgerError.noEvidence(id: id) }
            return item
        }
    }
}
