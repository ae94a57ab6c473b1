import Foundation
internal import GRDB

// Shipped as "v8": never edit this SQL (ledgers in the field ran exactly it); a change is a new migration.
extension Schema {
    /// v8: proof of records (issue 19). The files' bytes live in the ledger (table `evidence`, a BLOB
    /// beside its name, size, kind and SHA-256), so that `backup`, `restore` and a copied file carry them
    /// and no path outside the ledger can go missing. Nothing is ever deleted: a removal is an update
    /// setting who, when and why, refused a second time; the bytes and the other columns never change.
    ///
    /// `record_id` has no foreign key on purpose: a record deleted keeps its proof, so that undoing the
    /// deletion (which reinserts the record with its id) brings both back and no submitted file is lost.
    ///
    /// The history records every change by triggers, like persons and records (entity `evidence`; an
    /// insert's values are the row's own, as v2's, with the digest standing for the bytes). The history's
    /// CHECK on `entity` (v2) knows only person and record: it is widened here by rewriting the table's
    /// declaration in place (`PRAGMA writable_schema`), the way SQLite documents for loosening a CHECK,
    /// because rebuilding the history table would copy millions of rows and break its triggers' names.
    static func v8Evidence(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE evidence (
                    id             INTEGER PRIMARY KEY,
                    record_id      INTEGER NOT NULL,
                    name           TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120 AND instr(name, '/') = 0),
                    size           INTEGER NOT NULL CHECK (size BETWEEN 1 AND 20971520),
                    type           TEXT NOT NULL CHECK (type IN ('pdf', 'jpeg', 'png', 'ofd')),
                    sha256         TEXT NOT NULL CHECK (length(sha256) = 64),
                    added_at       TEXT NOT NULL,
                    added_by       TEXT NOT NULL,
                    removed_at     TEXT,
                    removed_by     TEXT,
                    removed_reason TEXT,
                    bytes          BLOB NOT NULL CHECK (length(bytes) = size),
                    CHECK ((removed_at IS NULL) = (removed_reason IS NULL))
                ) STRICT
                """)
        try db.execute(sql: "CREATE INDEX evidence_record ON evidence(record_id)")
        try db.execute(
            sql: """
                CREATE TRIGGER evidence_no_delete BEFORE DELETE ON evidence
                BEGIN SELECT RAISE(ABORT, 'celedger: proof is removed with a reason, never deleted'); END
                """)
        try db.execute(
            sql: """
                CREATE TRIGGER evidence_kept BEFORE UPDATE ON evidence
                WHEN OLD.removed_at IS NOT NULL OR NEW.removed_at IS NULL OR NEW.record_id IS NOT OLD.record_id
                    OR NEW.name IS NOT OLD.name OR NEW.size IS NOT OLD.size OR NEW.type IS NOT OLD.type
                    OR NEW.sha256 IS NOT OLD.sha256 OR NEW.added_at IS NOT OLD.added_at
                    OR NEW.added_by IS NOT OLD.added_by OR NEW.bytes IS NOT OLD.bytes
                BEGIN SELECT RAISE(ABORT, 'celedger: proof is only ever removed, once'); END
                """)
        // The person of the record, or (the record deleted since) the person the proof's history names.
        let person = """
            coalesce((SELECT p.id_number FROM record r JOIN person p ON p.id = r.person_id WHERE r.id = NEW.record_id),
                     (SELECT h.id_number FROM history h WHERE h.entity = 'evidence' AND h.entity_id = NEW.id ORDER BY h.id LIMIT 1))
            """
        let now = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
        let columns =
            "'record_id', X.record_id, 'name', X.name, 'size', X.size, 'type', X.type, 'sha256', X.sha256, 'removed_reason', X.removed_reason"
        try db.execute(
            sql: """
                CREATE TRIGGER evidence_insert_history AFTER INSERT ON evidence BEGIN
                    INSERT INTO history (at, actor, action, entity, entity_id, id_number)
                    VALUES (\(now), celedger_actor(), 'insert', 'evidence', NEW.id, \(person));
                END
                """)
        try db.execute(
            sql: """
                CREATE TRIGGER evidence_update_history AFTER UPDATE ON evidence BEGIN
                    INSERT INTO history (at, actor, action, entity, entity_id, id_number, old_values, new_values)
                    VALUES (\(now), celedger_actor(), 'update', 'evidence', NEW.id, \(person),
                            json_object(\(columns.replacingOccurrences(of: "X.", with: "OLD."))),
                            json_object(\(columns.replacingOccurrences(of: "X.", with: "NEW."))));
                END
                """)
        // The history's CHECK (entity IN ('person', 'record')) gains 'evidence', whatever else a later
        // schema may have added to the list.
        let declaration = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'history'")
        guard let declaration, let range = declaration.range(of: #"CHECK \(entity IN \([^)]*\)"#, options: .regularExpression)
        else { throw DatabaseError(message: "celedger v8: the history's declaration has no CHECK on entity") }
        var check = String(declaration[range])
        if !check.contains("'evidence'") {
            check.removeLast()
            check += ", 'evidence')"
            let widened = declaration.replacingCharacters(in: range, with: check)
            let version = try Int.fetchOne(db, sql: "PRAGMA schema_version") ?? 0
            try db.execute(sql: "PRAGMA writable_schema = ON")
            try db.execute(
                sql: "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'history'", arguments: [widened])
            try db.execute(sql: "PRAGMA schema_version = \(version + 1)")
            try db.execute(sql: "PRAGMA writable_schema = OFF")
        }
    }
}
