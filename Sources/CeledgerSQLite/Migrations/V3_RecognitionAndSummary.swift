internal import GRDB

// Shipped as "v3": never edit this SQL (ledgers in the field ran exactly it); a change is a new migration.
extension Schema {
    /// v3: hour recognition by rule. Records carry what the rule set's conversion needs (basis, quantity,
    /// role) and the hours it suggested; a recognised record is locked by the database itself; a ledger
    /// keeps its own rule sets; and each person's totals per year are kept in person_year, computed by
    /// the domain when their records change (triggers mark what changed in summary_dirty, and every write
    /// transaction settles it before it commits).
    static func v3RecognitionAndSummary(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE record ADD COLUMN basis TEXT CHECK (basis <> '')")
        try db.execute(sql: "ALTER TABLE record ADD COLUMN quantity INTEGER CHECK (quantity > 0)")
        try db.execute(
            sql:
                "ALTER TABLE record ADD COLUMN role TEXT NOT NULL DEFAULT 'participant' CHECK (role IN ('participant', 'presenter'))"
        )
        try db.execute(sql: "ALTER TABLE record ADD COLUMN suggested_tenths INTEGER CHECK (suggested_tenths >= 0)")
        // The totals read a person's year in the order its records ended, from the index alone.
        try db.execute(sql: "DROP INDEX record_year")
        try db.execute(
            sql: """
                CREATE INDEX record_year ON record(year, person_id, end_date, mode, category, recognition, assessment, recognized_tenths)
                """)

        // Reports go by unit, department and ID number: read in that order, they need no sort.
        try db.execute(sql: "DROP INDEX person_unit")
        try db.execute(sql: "CREATE INDEX person_unit ON person(unit, department, id_number)")
        // The persons list pages through indexes in each of its orders (keyset paging: the next page
        // starts after the last row's key, whatever the list's length). By name: the first letter of
        // the pinyin, then the characters, so one surname's people stand together; by title: the
        // level, lowest first, then the title.
        try db.execute(
            sql: "ALTER TABLE person ADD COLUMN name_key TEXT GENERATED ALWAYS AS (substr(name_initials, 1, 1) || name) VIRTUAL")
        try db.execute(
            sql: """
                ALTER TABLE person ADD COLUMN title_rank INTEGER GENERATED ALWAYS AS (CASE title_level WHEN 'junior' THEN 1
                    WHEN 'intermediate' THEN 2 WHEN 'deputy_senior' THEN 3 WHEN 'senior' THEN 4 ELSE 5 END) VIRTUAL
                """)
        try db.execute(sql: "CREATE INDEX person_name_key ON person(name_key)")
        try db.execute(sql: "CREATE INDEX person_unit_name ON person(unit, department, name_key)")
        try db.execute(sql: "CREATE INDEX person_title ON person(title_rank, title)")

        // A recognised record is locked: only reopening it (back to pending, nothing else changed) is
        // allowed, and it cannot be deleted.
        let content = [
            "person_id", "mode", "category", "title", "provider", "start_date", "end_date", "year", "assessment",
            "score", "claimed_tenths", "recognized_tenths", "certificate_no", "note", "basis", "quantity", "role",
            "suggested_tenths",
        ]
        let contentChanged = content.map { "NEW.\($0) IS NOT OLD.\($0)" }.joined(separator: " OR ")
        try db.execute(
            sql: """
                CREATE TRIGGER record_locked_update BEFORE UPDATE ON record
                WHEN OLD.recognition = 'recognized' AND ((\(contentChanged))
                    OR (NEW.recognition <> 'pending' AND (NEW.recognition IS NOT OLD.recognition
                        OR NEW.recognition_note IS NOT OLD.recognition_note OR NEW.reviewed_by IS NOT OLD.reviewed_by)))
                BEGIN SELECT RAISE(ABORT, '\(lockedMessage)'); END
                """)
        try db.execute(
            sql: """
                CREATE TRIGGER record_locked_delete BEFORE DELETE ON record WHEN OLD.recognition = 'recognized'
                BEGIN SELECT RAISE(ABORT, '\(lockedMessage)'); END
                """)

        // The last change to any person, at once: what the persons list's search index is kept by.
        try db.execute(sql: "CREATE INDEX history_entity ON history(entity, id)")

        // The history keeps the new columns too.
        let columns = [
            "mode", "category", "title", "provider", "start_date", "end_date", "assessment", "score", "claimed_tenths",
            "recognized_tenths", "recognition", "recognition_note", "reviewed_by", "certificate_no", "note", "basis",
            "quantity", "role", "suggested_tenths",
        ]
        func object(_ row: String) -> String {
            "json_object(" + columns.map { "'\($0)', \(row).\($0)" }.joined(separator: ", ") + ")"
        }
        let now = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
        try db.execute(sql: "DROP TRIGGER record_update_history")
        try db.execute(sql: "DROP TRIGGER record_delete_history")
        try db.execute(
            sql: """
                CREATE TRIGGER record_update_history AFTER UPDATE ON record BEGIN
                    INSERT INTO history (at, actor, action, entity, entity_id, id_number, old_values, new_values)
                    VALUES (\(now), celedger_actor(), 'update', 'record', NEW.id,
                            (SELECT id_number FROM person WHERE id = NEW.person_id), \(object("OLD")), \(object("NEW")));
                END
                """)
        try db.execute(
            sql: """
                CREATE TRIGGER record_delete_history AFTER DELETE ON record BEGIN
                    INSERT INTO history (at, actor, action, entity, entity_id, id_number, old_values)
                    VALUES (\(now), celedger_actor(), 'delete', 'record', OLD.id,
                            (SELECT id_number FROM person WHERE id = OLD.person_id), \(object("OLD")));
                END
                """)

        // A unit's own rule sets, kept in the ledger so that its reports travel with it. Never deleted:
        // a removal is recorded, so it stays known which rules judged a year and who changed them.
        try db.execute(
            sql: """
                CREATE TABLE rule_set (
                    id         TEXT NOT NULL,
                    json       TEXT NOT NULL,
                    added_at   TEXT NOT NULL,
                    added_by   TEXT NOT NULL,
                    removed_at TEXT,
                    removed_by TEXT
                ) STRICT
                """)
        try db.execute(sql: "CREATE UNIQUE INDEX rule_set_current ON rule_set(id) WHERE removed_at IS NULL")

        // Each person's totals for each summarised year, as the domain computes them. A year is
        // summarised from its first record on, for every person active in it (zeros included), so the
        // persons list sorts and pages by hours through an index.
        try db.execute(
            sql: """
                CREATE TABLE person_year (
                    year                INTEGER NOT NULL,
                    person_id           INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
                    public_tenths       INTEGER NOT NULL,
                    professional_tenths INTEGER NOT NULL,
                    total_tenths        INTEGER NOT NULL,
                    trimmed_tenths      INTEGER NOT NULL,
                    -- the fewest further hours that meet every threshold: 0 is met
                    needed_tenths       INTEGER NOT NULL,
                    PRIMARY KEY (year, person_id)
                ) STRICT, WITHOUT ROWID
                """)
        try db.execute(sql: "CREATE INDEX person_year_person ON person_year(person_id)")
        for column in ["total_tenths", "needed_tenths", "public_tenths", "professional_tenths"] {
            try db.execute(sql: "CREATE INDEX person_year_\(column.dropLast(7)) ON person_year(year, \(column), person_id)")
        }
        // Which rule set (and which version of its file) made each summarised year.
        try db.execute(
            sql: """
                CREATE TABLE summary_year (year INTEGER PRIMARY KEY, rule_set TEXT NOT NULL, digest TEXT NOT NULL) STRICT
                """)
        try db.execute(
            sql: """
                CREATE TABLE summary_dirty (person_id INTEGER NOT NULL, year INTEGER NOT NULL, PRIMARY KEY (person_id, year)) STRICT, WITHOUT ROWID
                """)
        try db.execute(
            sql: """
                CREATE TRIGGER summary_record_insert AFTER INSERT ON record BEGIN
                    INSERT OR IGNORE INTO summary_dirty VALUES (NEW.person_id, NEW.year);
                END
                """)
        try db.execute(
            sql: """
                CREATE TRIGGER summary_record_update AFTER UPDATE ON record BEGIN
                    INSERT OR IGNORE INTO summary_dirty VALUES (OLD.person_id, OLD.year);
                    INSERT OR IGNORE INTO summary_dirty VALUES (NEW.person_id, NEW.year);
                END
                """)
        try db.execute(
            sql: """
                CREATE TRIGGER summary_record_delete AFTER DELETE ON record BEGIN
                    INSERT OR IGNORE INTO summary_dirty VALUES (OLD.person_id, OLD.year);
                END
                """)
        try db.execute(
            sql: """
                CREATE TRIGGER summary_person_insert AFTER INSERT ON person BEGIN
                    INSERT OR IGNORE INTO summary_dirty SELECT NEW.id, year FROM summary_year;
                END
                """)
        try db.execute(
            sql: """
                CREATE TRIGGER summary_person_update AFTER UPDATE OF status, status_date ON person
                WHEN NEW.status IS NOT OLD.status OR NEW.status_date IS NOT OLD.status_date BEGIN
                    INSERT OR IGNORE INTO summary_dirty SELECT NEW.id, year FROM summary_year;
                END
                """)
        // Record cards (继续教育学时证明) as issued: each has a number of its own; printing the same
        // content for the same person and years again gives the same number.
        try db.execute(
            sql: """
                CREATE TABLE card (
                    id         INTEGER PRIMARY KEY,
                    number     TEXT NOT NULL UNIQUE,
                    person_id  INTEGER NOT NULL REFERENCES person(id) ON DELETE RESTRICT,
                    first_year INTEGER NOT NULL,
                    last_year  INTEGER NOT NULL CHECK (last_year >= first_year),
                    issuer     TEXT NOT NULL,
                    -- a fingerprint of what the card says (records, totals, issuer), to know a reprint
                    digest     TEXT NOT NULL,
                    issued_at  TEXT NOT NULL,
                    issued_by  TEXT NOT NULL
                ) STRICT
                """)
        try db.execute(sql: "CREATE INDEX card_person ON card(person_id, first_year, last_year)")
        // Existing records: every person-year is settled when the migrated ledger is first opened.
        try db.execute(sql: "INSERT OR IGNORE INTO summary_dirty SELECT DISTINCT person_id, year FROM record")
    }
}
