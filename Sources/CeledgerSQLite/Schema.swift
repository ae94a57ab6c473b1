internal import GRDB

/// The ledger's schema, one migration per shipped version. A shipped migration is never edited: a change
/// is a new migration. Migrations name tables and columns as strings, never the app's types, so that an
/// old ledger migrates the same way forever.
enum Schema {
    /// 'CELG': marks a SQLite file as a celedger ledger, so a foreign database is never written to.
    static let applicationID: Int32 = 0x4345_4C47

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            try db.execute(sql: """
                CREATE TABLE person (
                    id            INTEGER PRIMARY KEY,
                    id_number     TEXT NOT NULL UNIQUE CHECK (length(id_number) = 18),
                    name          TEXT NOT NULL CHECK (name <> ''),
                    -- pinyin initials of the name ("zs" for 张三), for search
                    name_initials TEXT NOT NULL DEFAULT '',
                    gender        TEXT NOT NULL CHECK (gender IN ('male', 'female')),
                    birth_date    TEXT NOT NULL,
                    unit          TEXT NOT NULL DEFAULT '',
                    department    TEXT NOT NULL DEFAULT '',
                    title         TEXT NOT NULL DEFAULT '',
                    title_level   TEXT CHECK (title_level IN ('junior', 'intermediate', 'deputy_senior', 'senior')),
                    specialty     TEXT NOT NULL DEFAULT '',
                    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'left', 'retired')),
                    status_date   TEXT,
                    category      TEXT NOT NULL DEFAULT 'employee' CHECK (category IN ('employee', 'freelancer')),
                    created_at    TEXT NOT NULL,
                    updated_at    TEXT NOT NULL,
                    CHECK ((status = 'active') = (status_date IS NULL))
                ) STRICT
                """)
            // Active in year Y: status active, or left/retired on or after Y-01-01.
            try db.execute(sql: "CREATE INDEX person_unit ON person(unit, department)")
            try db.execute(sql: "CREATE INDEX person_name ON person(name)")
            try db.execute(sql: "CREATE INDEX person_initials ON person(name_initials)")
            try db.execute(sql: """
                CREATE TABLE record (
                    id                INTEGER PRIMARY KEY,
                    person_id         INTEGER NOT NULL REFERENCES person(id) ON DELETE RESTRICT,
                    mode              TEXT NOT NULL CHECK (mode IN ('training', 'practice', 'academic', 'online', 'degree', 'other')),
                    category          TEXT NOT NULL CHECK (category IN ('public', 'professional')),
                    title             TEXT NOT NULL CHECK (title <> ''),
                    provider          TEXT NOT NULL DEFAULT '',
                    start_date        TEXT NOT NULL,
                    end_date          TEXT NOT NULL,
                    -- the calendar year of end_date: the year the record counts in
                    year              INTEGER NOT NULL CHECK (year = CAST(substr(end_date, 1, 4) AS INTEGER)),
                    assessment        TEXT NOT NULL DEFAULT 'none' CHECK (assessment IN ('passed', 'excellent', 'failed', 'none')),
                    score             TEXT,
                    -- hours are integer tenths: 8.1 hours is 81
                    claimed_tenths    INTEGER NOT NULL CHECK (claimed_tenths >= 0),
                    recognized_tenths INTEGER CHECK (recognized_tenths >= 0),
                    recognition       TEXT NOT NULL DEFAULT 'pending' CHECK (recognition IN ('pending', 'recognized', 'rejected')),
                    -- why hours were refused (required for rejected) or changed; who decided and when
                    recognition_note  TEXT NOT NULL DEFAULT '',
                    reviewed_by       TEXT,
                    reviewed_at       TEXT,
                    certificate_no    TEXT NOT NULL DEFAULT '',
                    note              TEXT NOT NULL DEFAULT '',
                    created_at        TEXT NOT NULL,
                    updated_at        TEXT NOT NULL,
                    CHECK (end_date >= start_date),
                    CHECK (recognition <> 'recognized' OR recognized_tenths IS NOT NULL),
                    UNIQUE (person_id, mode, title, start_date, end_date)
                ) STRICT
                """)
            // Covers the annual totals: a year's groups are read from the index alone, in person order.
            try db.execute(sql: """
                CREATE INDEX record_year ON record(year, person_id, category, recognition, assessment, recognized_tenths)
                """)
        }
        // v2: the audit trail. Triggers write one history row for every insert, update and delete of a
        // person or a record, inside the same transaction as the change, whoever makes it. An insert's row
        // records when and who but not the values: they are the row itself until the next change, whose
        // history row keeps them as its old values (so a million-record import does not double the file). The actor comes
        // from celedger_actor(), a function every celedger connection registers; a write from a program
        // that does not register it fails, so no change goes unrecorded.
        m.registerMigration("v2") { db in
            try db.execute(sql: """
                CREATE TABLE history (
                    id         INTEGER PRIMARY KEY,
                    at         TEXT NOT NULL,
                    actor      TEXT NOT NULL,
                    action     TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
                    entity     TEXT NOT NULL CHECK (entity IN ('person', 'record')),
                    entity_id  INTEGER NOT NULL,
                    -- the person the change concerns, for `celedger history ID`
                    id_number  TEXT NOT NULL,
                    old_values TEXT,
                    new_values TEXT
                ) STRICT
                """)
            try db.execute(sql: "CREATE INDEX history_person ON history(id_number, id)")
            try db.execute(sql: """
                CREATE TRIGGER history_no_update BEFORE UPDATE ON history
                BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END
                """)
            try db.execute(sql: """
                CREATE TRIGGER history_no_delete BEFORE DELETE ON history
                BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END
                """)
            let now = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
            try db.execute(sql: """
                CREATE TRIGGER person_insert_history AFTER INSERT ON person BEGIN
                    INSERT INTO history (at, actor, action, entity, entity_id, id_number)
                    VALUES (\(now), celedger_actor(), 'insert', 'person', NEW.id, NEW.id_number);
                END
                """)
            try db.execute(sql: """
                CREATE TRIGGER person_update_history AFTER UPDATE ON person BEGIN
                    INSERT INTO history (at, actor, action, entity, entity_id, id_number, old_values, new_values)
                    VALUES (\(now), celedger_actor(), 'update', 'person', NEW.id, NEW.id_number, json_object('id_number', OLD.id_number, 'name', OLD.name, 'gender', OLD.gender, 'birth_date', OLD.birth_date, 'unit', OLD.unit, 'department', OLD.department, 'title', OLD.title, 'title_level', OLD.title_level, 'specialty', OLD.specialty, 'status', OLD.status, 'status_date', OLD.status_date, 'category', OLD.category), json_object('id_number', NEW.id_number, 'name', NEW.name, 'gender', NEW.gender, 'birth_date', NEW.birth_date, 'unit', NEW.unit, 'department', NEW.department, 'title', NEW.title, 'title_level', NEW.title_level, 'specialty', NEW.specialty, 'status', NEW.status, 'status_date', NEW.status_date, 'category', NEW.category));
                END
                """)
            try db.execute(sql: """
                CREATE TRIGGER person_delete_history AFTER DELETE ON person BEGIN
                    INSERT INTO history (at, actor, action, entity, entity_id, id_number, old_values)
                    VALUES (\(now), celedger_actor(), 'delete', 'person', OLD.id, OLD.id_number, json_object('id_number', OLD.id_number, 'name', OLD.name, 'gender', OLD.gender, 'birth_date', OLD.birth_date, 'unit', OLD.unit, 'department', OLD.department, 'title', OLD.title, 'title_level', OLD.title_level, 'specialty', OLD.specialty, 'status', OLD.status, 'status_date', OLD.status_date, 'category', OLD.category));
                END
                """)
            try db.execute(sql: """
                CREATE TRIGGER record_insert_history AFTER INSERT ON record BEGIN
                    INSERT INTO history (at, actor, action, entity, entity_id, id_number)
                    VALUES (\(now), celedger_actor(), 'insert', 'record', NEW.id,
                            (SELECT id_number FROM person WHERE id = NEW.person_id));
                END
                """)
            try db.execute(sql: """
                CREATE TRIGGER record_update_history AFTER UPDATE ON record BEGIN
                    INSERT INTO history (at, actor, action, entity, entity_id, id_number, old_values, new_values)
                    VALUES (\(now), celedger_actor(), 'update', 'record', NEW.id,
                            (SELECT id_number FROM person WHERE id = NEW.person_id), json_object('mode', OLD.mode, 'category', OLD.category, 'title', OLD.title, 'provider', OLD.provider, 'start_date', OLD.start_date, 'end_date', OLD.end_date, 'assessment', OLD.assessment, 'score', OLD.score, 'claimed_tenths', OLD.claimed_tenths, 'recognized_tenths', OLD.recognized_tenths, 'recognition', OLD.recognition, 'recognition_note', OLD.recognition_note, 'reviewed_by', OLD.reviewed_by, 'certificate_no', OLD.certificate_no, 'note', OLD.note), json_object('mode', NEW.mode, 'category', NEW.category, 'title', NEW.title, 'provider', NEW.provider, 'start_date', NEW.start_date, 'end_date', NEW.end_date, 'assessment', NEW.assessment, 'score', NEW.score, 'claimed_tenths', NEW.claimed_tenths, 'recognized_tenths', NEW.recognized_tenths, 'recognition', NEW.recognition, 'recognition_note', NEW.recognition_note, 'reviewed_by', NEW.reviewed_by, 'certificate_no', NEW.certificate_no, 'note', NEW.note));
                END
                """)
            try db.execute(sql: """
                CREATE TRIGGER record_delete_history AFTER DELETE ON record BEGIN
                    INSERT INTO history (at, actor, action, entity, entity_id, id_number, old_values)
                    VALUES (\(now), celedger_actor(), 'delete', 'record', OLD.id,
                            (SELECT id_number FROM person WHERE id = OLD.person_id), json_object('mode', OLD.mode, 'category', OLD.category, 'title', OLD.title, 'provider', OLD.provider, 'start_date', OLD.start_date, 'end_date', OLD.end_date, 'assessment', OLD.assessment, 'score', OLD.score, 'claimed_tenths', OLD.claimed_tenths, 'recognized_tenths', OLD.recognized_tenths, 'recognition', OLD.recognition, 'recognition_note', OLD.recognition_note, 'reviewed_by', OLD.reviewed_by, 'certificate_no', OLD.certificate_no, 'note', OLD.note));
                END
                """)
        }
        // v3: hour recognition by rule. Records carry what the rule set's conversion needs (basis, quantity,
        // role) and the hours it suggested; a recognised record is locked by the database itself; a ledger
        // keeps its own rule sets; and each person's totals per year are kept in person_year, computed by
        // the domain when their records change (triggers mark what changed in summary_dirty, and every write
        // transaction settles it before it commits).
        m.registerMigration("v3") { db in
            try db.execute(sql: "ALTER TABLE record ADD COLUMN basis TEXT CHECK (basis <> '')")
            try db.execute(sql: "ALTER TABLE record ADD COLUMN quantity INTEGER CHECK (quantity > 0)")
            try db.execute(sql: "ALTER TABLE record ADD COLUMN role TEXT NOT NULL DEFAULT 'participant' CHECK (role IN ('participant', 'presenter'))")
            try db.execute(sql: "ALTER TABLE record ADD COLUMN suggested_tenths INTEGER CHECK (suggested_tenths >= 0)")
            // The totals read a person's year in the order its records ended, from the index alone.
            try db.execute(sql: "DROP INDEX record_year")
            try db.execute(sql: """
                CREATE INDEX record_year ON record(year, person_id, end_date, mode, category, recognition, assessment, recognized_tenths)
                """)

            // Reports go by unit, department and ID number: read in that order, they need no sort.
            try db.execute(sql: "DROP INDEX person_unit")
            try db.execute(sql: "CREATE INDEX person_unit ON person(unit, department, id_number)")
            // The persons list pages through indexes in each of its orders (keyset paging: the next page
            // starts after the last row's key, whatever the list's length). By name: the first letter of
            // the pinyin, then the characters, so one surname's people stand together; by title: the
            // level, lowest first, then the title.
            try db.execute(sql: "ALTER TABLE person ADD COLUMN name_key TEXT GENERATED ALWAYS AS (substr(name_initials, 1, 1) || name) VIRTUAL")
            try db.execute(sql: """
                ALTER TABLE person ADD COLUMN title_rank INTEGER GENERATED ALWAYS AS (CASE title_level WHEN 'junior' THEN 1
                    WHEN 'intermediate' THEN 2 WHEN 'deputy_senior' THEN 3 WHEN 'senior' THEN 4 ELSE 5 END) VIRTUAL
                """)
            try db.execute(sql: "CREATE INDEX person_name_key ON person(name_key)")
            try db.execute(sql: "CREATE INDEX person_unit_name ON person(unit, department, name_key)")
            try db.execute(sql: "CREATE INDEX person_title ON person(title_rank, title)")

            // A recognised record is locked: only reopening it (back to pending, nothing else changed) is
            // allowed, and it cannot be deleted.
            let content = ["person_id", "mode", "category", "title", "provider", "start_date", "end_date", "year", "assessment",
                           "score", "claimed_tenths", "recognized_tenths", "certificate_no", "note", "basis", "quantity", "role",
                           "suggested_tenths"]
            let contentChanged = content.map { "NEW.\($0) IS NOT OLD.\($0)" }.joined(separator: " OR ")
            try db.execute(sql: """
                CREATE TRIGGER record_locked_update BEFORE UPDATE ON record
                WHEN OLD.recognition = 'recognized' AND ((\(contentChanged))
                    OR (NEW.recognition <> 'pending' AND (NEW.recognition IS NOT OLD.recognition
                        OR NEW.recognition_note IS NOT OLD.recognition_note OR NEW.reviewed_by IS NOT OLD.reviewed_by)))
                BEGIN SELECT RAISE(ABORT, '\(lockedMessage)'); END
                """)
            try db.execute(sql: """
                CREATE TRIGGER record_locked_delete BEFORE DELETE ON record WHEN OLD.recognition = 'recognized'
                BEGIN SELECT RAISE(ABORT, '\(lockedMessage)'); END
                """)

            // The last change to any person, at once: what the persons list's search index is kept by.
            try db.execute(sql: "CREATE INDEX history_entity ON history(entity, id)")

            // The history keeps the new columns too.
            let columns = ["mode", "category", "title", "provider", "start_date", "end_date", "assessment", "score", "claimed_tenths",
                           "recognized_tenths", "recognition", "recognition_note", "reviewed_by", "certificate_no", "note", "basis",
                           "quantity", "role", "suggested_tenths"]
            func object(_ row: String) -> String {
                "json_object(" + columns.map { "'\($0)', \(row).\($0)" }.joined(separator: ", ") + ")"
            }
            let now = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
            try db.execute(sql: "DROP TRIGGER record_update_history")
            try db.execute(sql: "DROP TRIGGER record_delete_history")
            try db.execute(sql: """
                CREATE TRIGGER record_update_history AFTER UPDATE ON record BEGIN
                    INSERT INTO history (at, actor, action, entity, entity_id, id_number, old_values, new_values)
                    VALUES (\(now), celedger_actor(), 'update', 'record', NEW.id,
                            (SELECT id_number FROM person WHERE id = NEW.person_id), \(object("OLD")), \(object("NEW")));
                END
                """)
            try db.execute(sql: """
                CREATE TRIGGER record_delete_history AFTER DELETE ON record BEGIN
                    INSERT INTO history (at, actor, action, entity, entity_id, id_number, old_values)
                    VALUES (\(now), celedger_actor(), 'delete', 'record', OLD.id,
                            (SELECT id_number FROM person WHERE id = OLD.person_id), \(object("OLD")));
                END
                """)

            // A unit's own rule sets, kept in the ledger so that its reports travel with it. Never deleted:
            // a removal is recorded, so it stays known which rules judged a year and who changed them.
            try db.execute(sql: """
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
            try db.execute(sql: """
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
            try db.execute(sql: """
                CREATE TABLE summary_year (year INTEGER PRIMARY KEY, rule_set TEXT NOT NULL, digest TEXT NOT NULL) STRICT
                """)
            try db.execute(sql: """
                CREATE TABLE summary_dirty (person_id INTEGER NOT NULL, year INTEGER NOT NULL, PRIMARY KEY (person_id, year)) STRICT, WITHOUT ROWID
                """)
            try db.execute(sql: """
                CREATE TRIGGER summary_record_insert AFTER INSERT ON record BEGIN
                    INSERT OR IGNORE INTO summary_dirty VALUES (NEW.person_id, NEW.year);
                END
                """)
            try db.execute(sql: """
                CREATE TRIGGER summary_record_update AFTER UPDATE ON record BEGIN
                    INSERT OR IGNORE INTO summary_dirty VALUES (OLD.person_id, OLD.year);
                    INSERT OR IGNORE INTO summary_dirty VALUES (NEW.person_id, NEW.year);
                END
                """)
            try db.execute(sql: """
                CREATE TRIGGER summary_record_delete AFTER DELETE ON record BEGIN
                    INSERT OR IGNORE INTO summary_dirty VALUES (OLD.person_id, OLD.year);
                END
                """)
            try db.execute(sql: """
                CREATE TRIGGER summary_person_insert AFTER INSERT ON person BEGIN
                    INSERT OR IGNORE INTO summary_dirty SELECT NEW.id, year FROM summary_year;
                END
                """)
            try db.execute(sql: """
                CREATE TRIGGER summary_person_update AFTER UPDATE OF status, status_date ON person
                WHEN NEW.status IS NOT OLD.status OR NEW.status_date IS NOT OLD.status_date BEGIN
                    INSERT OR IGNORE INTO summary_dirty SELECT NEW.id, year FROM summary_year;
                END
                """)
            // Record cards (继续教育学时证明) as issued: each has a number of its own; printing the same
            // content for the same person and years again gives the same number.
            try db.execute(sql: """
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
        // v4: how many persons each summarised year lists, and how many of them met it, kept beside the
        // year, so that the persons list's count answers at once however many persons there are. The
        // settle counts what it inserts and updates; a deleted row (also by a person's deletion, which
        // cascades) is counted off by trigger.
        m.registerMigration("v4") { db in
            try db.execute(sql: "ALTER TABLE summary_year ADD COLUMN persons INTEGER NOT NULL DEFAULT 0")
            try db.execute(sql: "ALTER TABLE summary_year ADD COLUMN met INTEGER NOT NULL DEFAULT 0")
            try db.execute(sql: """
                UPDATE summary_year SET
                    persons = (SELECT count(*) FROM person_year y WHERE y.year = summary_year.year),
                    met = (SELECT count(*) FROM person_year y WHERE y.year = summary_year.year AND y.needed_tenths = 0)
                """)
            try db.execute(sql: """
                CREATE TRIGGER person_year_uncount AFTER DELETE ON person_year BEGIN
                    UPDATE summary_year SET persons = persons - 1, met = met - (OLD.needed_tenths = 0) WHERE year = OLD.year;
                END
                """)
        }
        return m
    }

    /// What a change to a locked record fails with; `LedgerError.from` turns it into a clerk's message.
    static let lockedMessage = "celedger: the record is recognised and locked"

    /// The triggers a sound ledger has, for `celedger check`.
    static let triggers = [
        "history_no_update", "history_no_delete", "person_insert_history", "person_update_history", "person_delete_history",
        "record_insert_history", "record_update_history", "record_delete_history", "record_locked_update", "record_locked_delete",
        "summary_record_insert", "summary_record_update", "summary_record_delete", "summary_person_insert", "summary_person_update",
        "person_year_uncount",
    ]

    /// The name of the SQL function the history triggers call for who made a change.
    static let actorFunction = "celedger_actor"
}
