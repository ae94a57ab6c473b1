internal import GRDB

// Shipped as "v5": never edit this SQL (ledgers in the field ran exactly it); a change is a new migration.
extension Schema {
    /// v5: the history's hash chain (`HistoryChain`). One link per history entry, in a table of its own
    /// beside the history, which stays as v2 made it; append-only like the history. The entries there are
    /// linked at once, in id order, with the encoding tagged "celedger-history-v1" (frozen: a change is a
    /// new tag). An index over the changes (not the inserts, so that an import does not feed it) finds an
    /// insert's next change, whose old values are the values the insert's link covers. Rows older than the
    /// history (v1 ledgers) get an insert entry by "celedger v5" first.
    static func v5HistoryChain(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE history_chain (
                    history_id INTEGER PRIMARY KEY,
                    digest     BLOB NOT NULL CHECK (length(digest) = 32)
                ) STRICT
                """)
        try db.execute(
            sql: """
                CREATE TRIGGER history_chain_no_update BEFORE UPDATE ON history_chain
                BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END
                """)
        try db.execute(
            sql: """
                CREATE TRIGGER history_chain_no_delete BEFORE DELETE ON history_chain
                BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END
                """)
        try db.execute(sql: "CREATE INDEX history_change ON history(entity, entity_id, id) WHERE action <> 'insert'")
        // Rows from before the history (a ledger of v1) get the insert entry they never had, so that the
        // chain covers their values too.
        let now = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
        try db.execute(
            sql: """
                INSERT INTO history (at, actor, action, entity, entity_id, id_number)
                SELECT \(now), 'celedger v5', 'insert', 'person', p.id, p.id_number FROM person p
                WHERE p.id NOT IN (SELECT entity_id FROM history WHERE entity = 'person') ORDER BY p.id
                """)
        try db.execute(
            sql: """
                INSERT INTO history (at, actor, action, entity, entity_id, id_number)
                SELECT \(now), 'celedger v5', 'insert', 'record', r.id, p.id_number FROM record r JOIN person p ON p.id = r.person_id
                WHERE r.id NOT IN (SELECT entity_id FROM history WHERE entity = 'record') ORDER BY r.id
                """)
        try HistoryChain.extend(db, after: 0)
    }
}
