internal import GRDB

// Shipped as "v7": never edit this SQL (ledgers in the field ran exactly it); a change is a new migration.
extension Schema {
    /// v7: many clerks on one ledger. Named clerks with a role and the units they reach (`clerk`,
    /// `clerk_unit`; removal is soft, so the history's names stay explained), an append-only log of what
    /// was done to clerks (`clerk_log`: the history proper knows persons and records only), a row version
    /// on persons and records that every update moves by one (a save carries the version it read, so a
    /// stale save is refused rather than silently overwriting), and who entered and who last changed a
    /// record's content (nobody recognises their own entry). Rows written before v7 have no entered_by /
    /// changed_by: the ledger then asks the history who inserted them.
    static func v7Clerks(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE clerk (
                    id         INTEGER PRIMARY KEY,
                    name       TEXT NOT NULL UNIQUE CHECK (name <> '' AND name = trim(name)),
                    role       TEXT NOT NULL CHECK (role IN ('recorder', 'reviewer', 'admin')),
                    created_at TEXT NOT NULL,
                    created_by TEXT NOT NULL,
                    removed_at TEXT,
                    removed_by TEXT,
                    CHECK ((removed_at IS NULL) = (removed_by IS NULL))
                ) STRICT
                """)
        try db.execute(
            sql: """
                CREATE TABLE clerk_unit (
                    clerk_id INTEGER NOT NULL REFERENCES clerk(id) ON DELETE RESTRICT,
                    unit     TEXT NOT NULL,
                    PRIMARY KEY (clerk_id, unit)
                ) STRICT, WITHOUT ROWID
                """)
        try db.execute(
            sql: """
                CREATE TABLE clerk_log (
                    id     INTEGER PRIMARY KEY,
                    at     TEXT NOT NULL,
                    actor  TEXT NOT NULL,
                    action TEXT NOT NULL CHECK (action IN ('add', 'change', 'remove')),
                    name   TEXT NOT NULL,
                    role   TEXT NOT NULL,
                    -- the units after the change, one per line; empty reaches every unit
                    units  TEXT NOT NULL
                ) STRICT
                """)
        try db.execute(
            sql: """
                CREATE TRIGGER clerk_log_no_update BEFORE UPDATE ON clerk_log
                BEGIN SELECT RAISE(ABORT, 'the clerk log is append-only'); END
                """)
        try db.execute(
            sql: """
                CREATE TRIGGER clerk_log_no_delete BEFORE DELETE ON clerk_log
                BEGIN SELECT RAISE(ABORT, 'the clerk log is append-only'); END
                """)
        try db.execute(
            sql: """
                CREATE TRIGGER clerk_no_delete BEFORE DELETE ON clerk
                BEGIN SELECT RAISE(ABORT, 'a clerk is removed, never deleted'); END
                """)

        try db.execute(sql: "ALTER TABLE person ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)")
        try db.execute(sql: "ALTER TABLE record ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)")
        try db.execute(sql: "ALTER TABLE record ADD COLUMN entered_by TEXT")
        try db.execute(sql: "ALTER TABLE record ADD COLUMN changed_by TEXT")
        // Every update moves the version by exactly one, in the statement itself: an update that forgets
        // (a program's, the sqlite3 shell's) is refused instead of making a stale save look current.
        for table in ["person", "record"] {
            try db.execute(
                sql: """
                    CREATE TRIGGER \(table)_version BEFORE UPDATE ON \(table)
                    WHEN NEW.version IS NOT OLD.version + 1
                    BEGIN SELECT RAISE(ABORT, '\(versionMessage)'); END
                    """)
        }
    }

    /// What an update that does not move the row version fails with.
    static let versionMessage = "celedger: an update must set version = version + 1"
}
