import CeledgerLedger
import Foundation

/// The ledger's schema on a PostgreSQL server, one migration per shipped version, kept in `schema_version`.
/// A shipped migration is never edited: a change is a new migration appended to `migrations`.
///
/// The SQLite ledger's promises are kept by the server itself, whoever writes (celedger or psql):
/// - every insert, update and delete of a person or a record writes a history row in the same
///   transaction, by trigger, naming the session's `celedger.actor` (a write without it fails: nothing
///   goes unrecorded); the history and its hash chain refuse updates, deletes and TRUNCATE;
/// - a recognised record is locked (only a reopening may touch it);
/// - the per-person-year totals are marked dirty by trigger and settled by the domain in Swift before the
///   transaction commits, under a row lock on each person (`PostgresLedger.settle`).
///
/// Hours are integer tenths as in SQLite (`claimed_tenths` …): exact, and the history shows the same
/// values on both backends. Dates are ISO text, checked; text that lists sort by is `COLLATE "C"`, byte
/// order, the order SQLite's BINARY gives, so both backends page a list identically.
///
/// Roles and row-level security (the clerks issue) fit on top: every person row carries `unit`, every
/// record reaches it through `person_id`, so a policy `USING (unit = ANY(celedger_units()))` on `person`
/// and `USING (person_id IN (SELECT id FROM person))` on `record` limit a unit's clerk, and the history's
/// `actor` becomes `session_user` instead of the `celedger.actor` setting.
enum PostgresSchema {
    /// What the lock trigger raises: `LedgerError.from` maps it to `.locked`.
    static let lockedState = "CL001"
    /// What a write without `celedger.actor` raises.
    static let noActorState = "CL002"
    /// What an update that does not move a row's version raises (pg2).
    static let versionState = "CL003"
    /// Serialises migrations between processes opening the same ledger at once.
    static let migrationLock: Int64 = 0x4345_4C47_0001
    /// Serialises the hash chain's extension: links are appended in commit order.
    static let chainLock: Int64 = 0x4345_4C47_0002

    /// In order; the name is what `schema_version` keeps.
    static let migrations: [(version: String, sql: String)] = [
        ("pg1", v1), ("pg2", v2), ("pg3", v3), ("pg4", v4), ("pg5", v5), ("pg6", v6), ("pg7", v7),
        ("pg8", v8), ("pg9", v9),
    ]

    static var current: String { migrations.last!.version }

    static let personHistoryColumns = [
        "id_number", "name", "gender", "birth_date", "unit", "department", "title", "title_level", "specialty",
        "status", "status_date", "category",
    ]
    static let recordHistoryColumns = [
        "mode", "category", "title", "provider", "start_date", "end_date", "assessment", "score", "claimed_tenths",
        "recognized_tenths", "recognition", "recognition_note", "reviewed_by", "certificate_no", "note", "basis",
        "quantity", "role", "suggested_tenths",
    ]

    static func object(_ columns: [String], _ row: String) -> String {
        "json_build_object(" + columns.map { "'\($0)', \(row).\($0)" }.joined(separator: ", ") + ")::text"
    }

    static let lockedContent = [
        "person_id", "mode", "category", "title", "provider", "start_date", "end_date", "year", "assessment",
        "score", "claimed_tenths", "recognized_tenths", "certificate_no", "note", "basis", "quantity", "role",
        "suggested_tenths",
    ]

    static let now = "to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

    static let v1 = """
        CREATE TABLE person (
            id            BIGSERIAL PRIMARY KEY,
            id_number     TEXT COLLATE "C" NOT NULL UNIQUE CHECK (length(id_number) = 18),
            name          TEXT COLLATE "C" NOT NULL CHECK (name <> ''),
            name_initials TEXT COLLATE "C" NOT NULL DEFAULT '',
            gender        TEXT NOT NULL CHECK (gender IN ('male', 'female')),
            birth_date    TEXT NOT NULL CHECK (birth_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
            unit          TEXT COLLATE "C" NOT NULL DEFAULT '',
            department    TEXT COLLATE "C" NOT NULL DEFAULT '',
            title         TEXT COLLATE "C" NOT NULL DEFAULT '',
            title_level   TEXT CHECK (title_level IN ('junior', 'intermediate', 'deputy_senior', 'senior')),
            specialty     TEXT NOT NULL DEFAULT '',
            status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'left', 'retired')),
            status_date   TEXT CHECK (status_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
            category      TEXT NOT NULL DEFAULT 'employee' CHECK (category IN ('employee', 'freelancer')),
            created_at    TEXT NOT NULL,
            updated_at    TEXT NOT NULL,
            -- the list's orders, as SQLite's v3 generates them
            name_key      TEXT COLLATE "C" GENERATED ALWAYS AS (substr(name_initials, 1, 1) || name) STORED,
            title_rank    INTEGER GENERATED ALWAYS AS (CASE title_level WHEN 'junior' THEN 1 WHEN 'intermediate' THEN 2
                              WHEN 'deputy_senior' THEN 3 WHEN 'senior' THEN 4 ELSE 5 END) STORED,
            CHECK ((status = 'active') = (status_date IS NULL))
        );
        CREATE INDEX person_unit ON person(unit, department, id_number);
        CREATE INDEX person_name_key ON person(name_key, id);
        CREATE INDEX person_unit_name ON person(unit, department, name_key, id);
        CREATE INDEX person_title ON person(title_rank, title, id);

        CREATE TABLE record (
            id                BIGSERIAL PRIMARY KEY,
            person_id         BIGINT NOT NULL REFERENCES person(id) ON DELETE RESTRICT,
            mode              TEXT NOT NULL CHECK (mode IN ('training', 'practice', 'academic', 'online', 'degree', 'other')),
            category          TEXT NOT NULL CHECK (category IN ('public', 'professional')),
            title             TEXT NOT NULL CHECK (title <> ''),
            provider          TEXT NOT NULL DEFAULT '',
            start_date        TEXT NOT NULL CHECK (start_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
            end_date          TEXT NOT NULL CHECK (end_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
            year              INTEGER NOT NULL CHECK (year = CAST(substr(end_date, 1, 4) AS INTEGER)),
            assessment        TEXT NOT NULL DEFAULT 'none' CHECK (assessment IN ('passed', 'excellent', 'failed', 'none')),
            score             TEXT,
            claimed_tenths    INTEGER NOT NULL CHECK (claimed_tenths >= 0),
            recognized_tenths INTEGER CHECK (recognized_tenths >= 0),
            recognition       TEXT NOT NULL DEFAULT 'pending' CHECK (recognition IN ('pending', 'recognized', 'rejected')),
            recognition_note  TEXT NOT NULL DEFAULT '',
            reviewed_by       TEXT,
            reviewed_at       TEXT,
            certificate_no    TEXT NOT NULL DEFAULT '',
            note              TEXT NOT NULL DEFAULT '',
            basis             TEXT CHECK (basis <> ''),
            quantity          INTEGER CHECK (quantity > 0),
            role              TEXT NOT NULL DEFAULT 'participant' CHECK (role IN ('participant', 'presenter')),
            suggested_tenths  INTEGER CHECK (suggested_tenths >= 0),
            created_at        TEXT NOT NULL,
            updated_at        TEXT NOT NULL,
            CHECK (end_date >= start_date),
            CHECK (recognition <> 'recognized' OR recognized_tenths IS NOT NULL),
            CONSTRAINT record_activity UNIQUE (person_id, mode, title, start_date, end_date)
        );
        CREATE INDEX record_year ON record(year, person_id, end_date);
        CREATE INDEX record_person ON record(person_id, year);
        CREATE INDEX record_pending ON record(end_date, id) WHERE recognition = 'pending';

        -- Append-only. `tx` is the writing transaction, so that each transaction links its own entries
        -- (concurrent writers interleave ids).
        CREATE TABLE history (
            id         BIGSERIAL PRIMARY KEY,
            at         TEXT NOT NULL,
            actor      TEXT NOT NULL,
            action     TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
            entity     TEXT NOT NULL CHECK (entity IN ('person', 'record')),
            entity_id  BIGINT NOT NULL,
            id_number  TEXT NOT NULL,
            old_values TEXT,
            new_values TEXT,
            tx         BIGINT NOT NULL DEFAULT txid_current()
        );
        CREATE INDEX history_person ON history(id_number, id);
        CREATE INDEX history_tx ON history(tx);

        -- One link per entry, in the order the chain was extended (commit order, under an advisory lock).
        CREATE TABLE history_chain (
            seq        BIGINT PRIMARY KEY,
            history_id BIGINT NOT NULL UNIQUE,
            digest     BYTEA NOT NULL CHECK (length(digest) = 32)
        );

        CREATE FUNCTION celedger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the history is append-only'; END $$;
        CREATE TRIGGER history_no_change BEFORE UPDATE OR DELETE ON history
            FOR EACH ROW EXECUTE FUNCTION celedger_append_only();
        CREATE TRIGGER history_no_truncate BEFORE TRUNCATE ON history
            FOR EACH STATEMENT EXECUTE FUNCTION celedger_append_only();
        CREATE TRIGGER history_chain_no_change BEFORE UPDATE OR DELETE ON history_chain
            FOR EACH ROW EXECUTE FUNCTION celedger_append_only();
        CREATE TRIGGER history_chain_no_truncate BEFORE TRUNCATE ON history_chain
            FOR EACH STATEMENT EXECUTE FUNCTION celedger_append_only();

        -- Who makes the change: the session's celedger.actor (the clerks issue maps login roles to clerks).
        CREATE FUNCTION celedger_actor() RETURNS text LANGUAGE plpgsql STABLE AS $$
        DECLARE a text := current_setting('celedger.actor', true);
        BEGIN
            IF a IS NULL OR a = '' THEN
                RAISE EXCEPTION 'celedger: no actor set for this change' USING ERRCODE = '\(noActorState)';
            END IF;
            RETURN a;
        END $$;

        CREATE FUNCTION person_history() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                INSERT INTO history (at, actor, action, entity, entity_id, id_number, new_values)
                VALUES (\(now), celedger_actor(), 'insert', 'person', NEW.id, NEW.id_number, \(object(personHistoryColumns, "NEW")));
            ELSIF TG_OP = 'UPDATE' THEN
                INSERT INTO history (at, actor, action, entity, entity_id, id_number, old_values, new_values)
                VALUES (\(now), celedger_actor(), 'update', 'person', NEW.id, NEW.id_number,
                        \(object(personHistoryColumns, "OLD")), \(object(personHistoryColumns, "NEW")));
            ELSE
                INSERT INTO history (at, actor, action, entity, entity_id, id_number, old_values)
                VALUES (\(now), celedger_actor(), 'delete', 'person', OLD.id, OLD.id_number, \(object(personHistoryColumns, "OLD")));
            END IF;
            RETURN NULL;
        END $$;
        CREATE TRIGGER person_history AFTER INSERT OR UPDATE OR DELETE ON person
            FOR EACH ROW EXECUTE FUNCTION person_history();

        CREATE FUNCTION record_history() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                INSERT INTO history (at, actor, action, entity, entity_id, id_number, new_values)
                VALUES (\(now), celedger_actor(), 'insert', 'record', NEW.id,
                        (SELECT id_number FROM person WHERE id = NEW.person_id), \(object(recordHistoryColumns, "NEW")));
            ELSIF TG_OP = 'UPDATE' THEN
                INSERT INTO history (at, actor, action, entity, entity_id, id_number, old_values, new_values)
                VALUES (\(now), celedger_actor(), 'update', 'record', NEW.id,
                        (SELECT id_number FROM person WHERE id = NEW.person_id),
                        \(object(recordHistoryColumns, "OLD")), \(object(recordHistoryColumns, "NEW")));
            ELSE
                INSERT INTO history (at, actor, action, entity, entity_id, id_number, old_values)
                VALUES (\(now), celedger_actor(), 'delete', 'record', OLD.id,
                        (SELECT id_number FROM person WHERE id = OLD.person_id), \(object(recordHistoryColumns, "OLD")));
            END IF;
            RETURN NULL;
        END $$;
        CREATE TRIGGER record_history AFTER INSERT OR UPDATE OR DELETE ON record
            FOR EACH ROW EXECUTE FUNCTION record_history();

        -- A recognised record is locked: only reopening it (back to pending, nothing else changed) is
        -- allowed, and it cannot be deleted.
        CREATE FUNCTION record_locked() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF OLD.recognition = 'recognized' THEN
                IF TG_OP = 'DELETE' OR (\(lockedContent.map { "NEW.\($0) IS DISTINCT FROM OLD.\($0)" }.joined(separator: " OR ")))
                   OR (NEW.recognition <> 'pending' AND (NEW.recognition IS DISTINCT FROM OLD.recognition
                       OR NEW.recognition_note IS DISTINCT FROM OLD.recognition_note
                       OR NEW.reviewed_by IS DISTINCT FROM OLD.reviewed_by)) THEN
                    RAISE EXCEPTION 'celedger: the record is recognised and locked' USING ERRCODE = '\(lockedState)';
                END IF;
            END IF;
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END $$;
        CREATE TRIGGER record_locked BEFORE UPDATE OR DELETE ON record
            FOR EACH ROW EXECUTE FUNCTION record_locked();

        -- Each person's totals per summarised year, computed by the domain (never by SQL).
        CREATE TABLE summary_year (year INTEGER PRIMARY KEY, rule_set TEXT NOT NULL, digest TEXT NOT NULL);
        CREATE TABLE person_year (
            year                INTEGER NOT NULL,
            person_id           BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
            public_tenths       INTEGER NOT NULL,
            professional_tenths INTEGER NOT NULL,
            total_tenths        INTEGER NOT NULL,
            trimmed_tenths      INTEGER NOT NULL,
            needed_tenths       INTEGER NOT NULL,
            PRIMARY KEY (year, person_id)
        );
        CREATE INDEX person_year_person ON person_year(person_id);
        CREATE INDEX person_year_total ON person_year(year, total_tenths, person_id);
        CREATE INDEX person_year_needed ON person_year(year, needed_tenths, person_id);
        CREATE INDEX person_year_public ON person_year(year, public_tenths, person_id);
        CREATE INDEX person_year_professional ON person_year(year, professional_tenths, person_id);

        -- What a transaction changed, settled before it commits. No key: concurrent writers never wait on
        -- each other here (each sees only its own uncommitted rows), and the settle reads them DISTINCT.
        CREATE TABLE summary_dirty (person_id BIGINT NOT NULL, year INTEGER NOT NULL);
        CREATE FUNCTION summary_record() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN INSERT INTO summary_dirty VALUES (OLD.person_id, OLD.year); END IF;
            IF TG_OP <> 'DELETE' THEN INSERT INTO summary_dirty VALUES (NEW.person_id, NEW.year); END IF;
            RETURN NULL;
        END $$;
        CREATE TRIGGER summary_record AFTER INSERT OR UPDATE OR DELETE ON record
            FOR EACH ROW EXECUTE FUNCTION summary_record();
        CREATE FUNCTION summary_person() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status OR NEW.status_date IS DISTINCT FROM OLD.status_date THEN
                INSERT INTO summary_dirty SELECT NEW.id, year FROM summary_year;
            END IF;
            RETURN NULL;
        END $$;
        CREATE TRIGGER summary_person AFTER INSERT OR UPDATE ON person
            FOR EACH ROW EXECUTE FUNCTION summary_person();

        -- Moves on every change to the ledger's content, by anyone: what screens compare to read again.
        CREATE SEQUENCE ledger_change;
        CREATE FUNCTION ledger_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM nextval('ledger_change'); RETURN NULL; END $$;
        CREATE TRIGGER person_changed AFTER INSERT OR UPDATE OR DELETE ON person
            FOR EACH STATEMENT EXECUTE FUNCTION ledger_changed();
        CREATE TRIGGER record_changed AFTER INSERT OR UPDATE OR DELETE ON record
            FOR EACH STATEMENT EXECUTE FUNCTION ledger_changed();

        CREATE TABLE rule_set (
            id         TEXT NOT NULL,
            json       TEXT NOT NULL,
            added_at   TEXT NOT NULL,
            added_by   TEXT NOT NULL,
            removed_at TEXT,
            removed_by TEXT
        );
        CREATE UNIQUE INDEX rule_set_current ON rule_set(id) WHERE removed_at IS NULL;

        CREATE TABLE card (
            id         BIGSERIAL PRIMARY KEY,
            number     TEXT NOT NULL UNIQUE,
            person_id  BIGINT NOT NULL REFERENCES person(id) ON DELETE RESTRICT,
            first_year INTEGER NOT NULL,
            last_year  INTEGER NOT NULL CHECK (last_year >= first_year),
            issuer     TEXT NOT NULL,
            digest     TEXT NOT NULL,
            issued_at  TEXT NOT NULL,
            issued_by  TEXT NOT NULL
        );
        CREATE INDEX card_person ON card(person_id, first_year, last_year);

        CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TRIGGER setting_changed AFTER INSERT OR UPDATE OR DELETE ON setting
            FOR EACH STATEMENT EXECUTE FUNCTION ledger_changed();
        CREATE TRIGGER rule_set_changed AFTER INSERT OR UPDATE OR DELETE ON rule_set
            FOR EACH STATEMENT EXECUTE FUNCTION ledger_changed();
        """

    /// pg2: no lost updates (issue 17), as SQLite's v7. Persons and records carry a row version that every
    /// update moves by exactly one, in the statement itself (`version = version + 1`); a save carries the
    /// version it read and is refused when the row moved since (`PostgresLedger.checkVersion`). The trigger
    /// refuses an update that forgets it, so that no writer (celedger or psql) can change a row without the
    /// next save noticing.
    static let v2 = """
        ALTER TABLE person ADD COLUMN version BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1);
        ALTER TABLE record ADD COLUMN version BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1);
        CREATE FUNCTION celedger_version_moves() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.version IS DISTINCT FROM OLD.version + 1 THEN
                RAISE EXCEPTION 'celedger: an update must set version = version + 1' USING ERRCODE = '\(versionState)';
            END IF;
            RETURN NEW;
        END $$;
        CREATE TRIGGER person_version BEFORE UPDATE ON person
            FOR EACH ROW EXECUTE FUNCTION celedger_version_moves();
        CREATE TRIGGER record_version BEFORE UPDATE ON record
            FOR EACH ROW EXECUTE FUNCTION celedger_version_moves();
        """

    /// What the proof table's trigger raises for a delete or a change other than one removal.
    static let evidenceKeptState = "CL004"

    static let evidenceHistoryColumns = ["record_id", "name", "size", "type", "sha256", "removed_reason"]

    /// pg3: proof of records (issue 19), as SQLite's v8. The bytes live in the ledger (`bytea` beside the
    /// name, size, kind and SHA-256) so that a dump carries them and no path outside can go missing.
    /// Nothing is ever deleted: a removal is an update setting who, when and why, refused a second time;
    /// the bytes and the other columns never change (the trigger, whoever writes). `record_id` has no
    /// foreign key on purpose: a deleted record keeps its proof, so that undoing the deletion (which
    /// reinserts the record with its id) brings both back. The history gets entity `evidence` with the
    /// columns SQLite's triggers name (record, name, size, kind, SHA-256 standing for the bytes, removal
    /// reason); an insert carries its values, as pg1's person and record entries do (SQLite reads them from
    /// the row instead).
    static let v3 = """
        CREATE TABLE evidence (
            id             BIGSERIAL PRIMARY KEY,
            record_id      BIGINT NOT NULL,
            name           TEXT NOT NULL CHECK (char_length(name) BETWEEN 1 AND 120 AND strpos(name, '/') = 0),
            size           INTEGER NOT NULL CHECK (size BETWEEN 1 AND 20971520),
            type           TEXT NOT NULL CHECK (type IN ('pdf', 'jpeg', 'png', 'ofd')),
            sha256         TEXT NOT NULL CHECK (length(sha256) = 64),
            added_at       TEXT NOT NULL,
            added_by       TEXT NOT NULL,
            removed_at     TEXT,
            removed_by     TEXT,
            removed_reason TEXT,
            bytes          BYTEA NOT NULL CHECK (length(bytes) = size),
            CHECK ((removed_at IS NULL) = (removed_reason IS NULL))
        );
        CREATE INDEX evidence_record ON evidence(record_id, id);

        CREATE FUNCTION evidence_kept() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                RAISE EXCEPTION 'celedger: proof is removed with a reason, never deleted' USING ERRCODE = '\(evidenceKeptState)';
            END IF;
            IF OLD.removed_at IS NOT NULL OR NEW.removed_at IS NULL OR NEW.id IS DISTINCT FROM OLD.id
               OR NEW.record_id IS DISTINCT FROM OLD.record_id OR NEW.name IS DISTINCT FROM OLD.name
               OR NEW.size IS DISTINCT FROM OLD.size OR NEW.type IS DISTINCT FROM OLD.type
               OR NEW.sha256 IS DISTINCT FROM OLD.sha256 OR NEW.added_at IS DISTINCT FROM OLD.added_at
               OR NEW.added_by IS DISTINCT FROM OLD.added_by OR NEW.bytes IS DISTINCT FROM OLD.bytes THEN
                RAISE EXCEPTION 'celedger: proof is only ever removed, once' USING ERRCODE = '\(evidenceKeptState)';
            END IF;
            RETURN NEW;
        END $$;
        CREATE TRIGGER evidence_kept BEFORE UPDATE OR DELETE ON evidence
            FOR EACH ROW EXECUTE FUNCTION evidence_kept();
        CREATE TRIGGER evidence_no_truncate BEFORE TRUNCATE ON evidence
            FOR EACH STATEMENT EXECUTE FUNCTION celedger_append_only();

        ALTER TABLE history DROP CONSTRAINT history_entity_check;
        ALTER TABLE history ADD CONSTRAINT history_entity_check CHECK (entity IN ('person', 'record', 'evidence'));

        -- The person of the record, or (the record deleted since) the person the proof's history names.
        CREATE FUNCTION evidence_history() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE who text;
        BEGIN
            who := coalesce(
                (SELECT p.id_number FROM record r JOIN person p ON p.id = r.person_id WHERE r.id = NEW.record_id),
                (SELECT h.id_number FROM history h WHERE h.entity = 'evidence' AND h.entity_id = NEW.id ORDER BY h.id LIMIT 1));
            IF TG_OP = 'INSERT' THEN
                INSERT INTO history (at, actor, action, entity, entity_id, id_number, new_values)
                VALUES (\(now), celedger_actor(), 'insert', 'evidence', NEW.id, who, \(object(evidenceHistoryColumns, "NEW")));
            ELSE
                INSERT INTO history (at, actor, action, entity, entity_id, id_number, old_values, new_values)
                VALUES (\(now), celedger_actor(), 'update', 'evidence', NEW.id, who,
                        \(object(evidenceHistoryColumns, "OLD")), \(object(evidenceHistoryColumns, "NEW")));
            END IF;
            RETURN NULL;
        END $$;
        CREATE TRIGGER evidence_history AFTER INSERT OR UPDATE ON evidence
            FOR EACH ROW EXECUTE FUNCTION evidence_history();
        CREATE TRIGGER evidence_changed AFTER INSERT OR UPDATE ON evidence
            FOR EACH STATEMENT EXECUTE FUNCTION ledger_changed();
        """

    /// pg4: who entered a record and who last changed its content, on the row (as SQLite's v7), so that a
    /// screen shows them without reading the history. An insert names the session's actor unless the
    /// statement names someone (every insert path, the imports' COPY too, gets it from the trigger); an
    /// edit of the content sets `changed_by` in its statement. Records from before pg4 keep NULL: their
    /// history's insert entry says who entered them.
    static let v4 = """
        ALTER TABLE record ADD COLUMN entered_by TEXT, ADD COLUMN changed_by TEXT;
        CREATE FUNCTION record_authors() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.entered_by := coalesce(NEW.entered_by, celedger_actor());
            NEW.changed_by := coalesce(NEW.changed_by, NEW.entered_by);
            RETURN NEW;
        END $$;
        CREATE TRIGGER record_authors BEFORE INSERT ON record
            FOR EACH ROW EXECUTE FUNCTION record_authors();
        """

    /// pg5: the persons list's order by name is SQLite v9's, full pinyin (`PinyinIndex.nameKey(of:)`), no
    /// longer pg1's first initial then the code points, so that both backends page a list alike. The key
    /// is computed in Swift, so it is a stored column every write of a name fills; the rows already there
    /// get theirs in the same transaction (`fillNameKeys`), without a history entry each (a key changes
    /// no one's details).
    static let v5 = """
        DROP INDEX person_name_key;
        DROP INDEX person_unit_name;
        ALTER TABLE person DROP COLUMN name_key;
        ALTER TABLE person ADD COLUMN name_key TEXT COLLATE "C" NOT NULL DEFAULT '';
        CREATE INDEX person_name_key ON person(name_key, id);
        CREATE INDEX person_unit_name ON person(unit, department, name_key, id);
        """

    /// Fills the name key of every person without one (after pg5), with the history's trigger set aside
    /// inside the migration's transaction, as SQLite's v9 does.
    static func fillNameKeys(_ c: PGConnection, _ nameKey: (String) -> String) throws(PGFailure) {
        let rows = try c.exec("SELECT id, name FROM person WHERE name_key = '' ORDER BY id").rows
        guard !rows.isEmpty else { return }
        try c.exec("ALTER TABLE person DISABLE TRIGGER person_history")
        try c.exec(
            """
            UPDATE person p SET name_key = k.key, version = p.version + 1
            FROM unnest($1::bigint[], $2::text[]) AS k(id, key) WHERE p.id = k.id
            """,
            [PostgresLedger.array(rows.map { $0.int64(0) }), PostgresLedger.textArray(rows.map { nameKey($0.text(1)) })])
        try c.exec("ALTER TABLE person ENABLE TRIGGER person_history")
    }

    /// Brings the database to the current schema in one transaction, under an advisory lock so that two
    /// processes opening a new ledger at once do not both create it. A database with tables of its own
    /// but no `schema_version` is not a celedger ledger and is left untouched.
    static func migrate(_ c: PGConnection, nameKey: (String) -> String) throws(PGFailure) -> MigrationOutcome {
        try c.exec("BEGIN")
        do {
            try c.exec("SELECT pg_advisory_xact_lock($1)", [String(migrationLock)])
            let hasVersion =
                try c.exec("SELECT to_regclass('schema_version') IS NOT NULL").first?[0] == "t"
            if !hasVersion {
                let foreign =
                    try c.exec(
                        "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
                    ).first?.int(0) ?? 0
                if foreign > 0 {
                    try c.exec("ROLLBACK")
                    return .notALedger
                }
                try c.exec("CREATE TABLE schema_version (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
            }
            let applied = Set(try c.exec("SELECT version FROM schema_version").rows.map { $0.text(0) })
            let known = Set(migrations.map(\.version))
            if !applied.subtracting(known).isEmpty {
                try c.exec("ROLLBACK")
                return .newer
            }
            var ran = 0
            for m in migrations where !applied.contains(m.version) {
                try c.exec(m.sql)
                if m.version == "pg5" { try fillNameKeys(c, nameKey) }
                try c.exec(
                    "INSERT INTO schema_version (version, applied_at) VALUES ($1, \(now))", [m.version])
                ran += 1
            }
            try c.exec("COMMIT")
            return ran > 0 ? .migrated : .current
        } catch {
            _ = try? c.exec("ROLLBACK")
            throw error
        }
    }

    enum MigrationOutcome { case current, migrated, notALedger, newer }
}
