internal import GRDB

// Shipped as "v6": never edit this SQL (ledgers in the field ran exactly it); a change is a new migration.
extension Schema {
    /// v6: the ledger's own settings, one value a key; first the employer a one-employer ledger belongs to
    /// (`employer`): the unit of imported rows without one, and the issuer of its cards.
    static func v6LedgerSettings(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE setting (
                    key   TEXT PRIMARY KEY NOT NULL,
                    value TEXT NOT NULL
                ) WITHOUT ROWID
                """)
    }
}
