internal import GRDB

// Shipped as "v2": never edit this SQL (ledgers in the field ran exactly it); a change is a new migration.
extension Schema {
    /// v2: the audit trail. Triggers write one history row for every insert, update and delete of a
    /// person or a record, inside the same transaction as the change, whoever makes it. An insert's row
    /// records when and who but not the values: they are the row itself until the next change, whose
    /// history row keeps them as its old values (so a million-record import does not double the file). The actor comes
    /// from celedger_actor(), a function every celedger connection registers; a write from a program
    /// that does not register it fails, so no change goes unrecorded.
    static func v2AuditTrail(_ db: Database) throws {
        try db.execute(
            sql: """
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
        try db.execute(
            sql: """
                CREATE TRIGGER history_no_update BEFORE UPDATE ON history
                BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END
                """)
        try db.execute(
            sql: """
                CREATE TRIGGER history_no_delete BEFORE DELETE ON history
                BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END
                """)
        let now = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
        try db.execute(
            sql: """
                CREATE TRIGGER person_insert_history AFTER INSERT ON person BEGIN
                    INSERT INTO history (at, actor, action, entity, entity_id, id_number)
                    VALUES (\(now), celedger_actor(), 'insert', 'person', NEW.id, NEW.id_number);
                END
                """)
        try db.execute(
            sql: """
                CREATE TRIGGER person_update_history AFTER UPDATE ON person BEGIN
                    INSERT INTO history (at, actor, action, entity, entity_id, id_number, old_values, new_values)
                    VALUES (\(now), celedger_actor(), 'update', 'person', NEW.id, NEW.id_number, json_object('id_number', OLD.id_number, 'name', OLD.name, 'gender', OLD.gender, 'birth_date', OLD.birth_date, 'unit', OLD.unit, 'department', OLD.department, 'title', OLD.title, 'title_level', OLD.title_level, 'specialty', OLD.specialty, 'status', OLD.status, 'status_date', OLD.status_date, 'category', OLD.category), json_object('id_number', NEW.id_number, 'name', NEW.name, 'gender', NEW.gender, 'birth_date', NEW.birth_date, 'unit', NEW.unit, 'department', NEW.department, 'title', NEW.title, 'title_level', NEW.title_level, 'specialty', NEW.specialty, 'status', NEW.status, 'status_date', NEW.status_date, 'category', NEW.category));
                END
                """)
        try db.execute(
            sql: """
                CREATE TRIGGER person_delete_history AFTER DELETE ON person BEGIN
                    INSERT INTO history (at, actor, action, entity, entity_id, id_number, old_values)
                    VALUES (\(now), celedger_actor(), 'delete', 'person', OLD.id, OLD.id_number, json_object('id_number', OLD.id_number, 'name', OLD.name, 'gender', OLD.gender, 'birth_date', OLD.birth_date, 'unit', OLD.unit, 'department', OLD.department, 'title', OLD.title, 'title_level', OLD.title_level, 'specialty', OLD.specialty, 'status', OLD.status, 'status_date', OLD.status_date, 'category', OLD.category));
                END
                """)
        try db.execute(
            sql: """
                CREATE TRIGGER record_insert_history AFTER INSERT ON record BEGIN
                    INSERT INTO history (at, actor, action, entity, entity_id, id_number)
                    VALUES (\(now), celedger_actor(), 'insert', 'record', NEW.id,
                            (SELECT id_number FROM person WHERE id = NEW.person_id));
                END
                """)
        try db.execute(
            sql: """
                CREATE TRIGGER record_update_history AFTER UPDATE ON record BEGIN
                    INSERT INTO history (at, actor, action, entity, entity_id, id_number, old_values, new_values)
                    VALUES (\(now), celedger_actor(), 'update', 'record', NEW.id,
                            (SELECT id_number FROM person WHERE id = NEW.person_id), json_object('mode', OLD.mode, 'category', OLD.category, 'title', OLD.title, 'provider', OLD.provider, 'start_date', OLD.start_date, 'end_date', OLD.end_date, 'assessment', OLD.assessment, 'score', OLD.score, 'claimed_tenths', OLD.claimed_tenths, 'recognized_tenths', OLD.recognized_tenths, 'recognition', OLD.recognition, 'recognition_note', OLD.recognition_note, 'reviewed_by', OLD.reviewed_by, 'certificate_no', OLD.certificate_no, 'note', OLD.note), json_object('mode', NEW.mode, 'category', NEW.category, 'title', NEW.title, 'provider', NEW.provider, 'start_date', NEW.start_date, 'end_date', NEW.end_date, 'assessment', NEW.assessment, 'score', NEW.score, 'claimed_tenths', NEW.claimed_tenths, 'recognized_tenths', NEW.recognized_tenths, 'recognition', NEW.recognition, 'recognition_note', NEW.recognition_note, 'reviewed_by', NEW.reviewed_by, 'certificate_no', NEW.certificate_no, 'note', NEW.note));
                END
                """)
        try db.execute(
            sql: """
                CREATE TRIGGER record_delete_history AFTER DELETE ON record BEGIN
                    INSERT INTO history (at, actor, action, entity, entity_id, id_number, old_values)
                    VALUES (\(now), celedger_actor(), 'delete', 'record', OLD.id,
                            (SELECT id_number FROM person WHERE id = OLD.person_id), json_object('mode', OLD.mode, 'category', OLD.category, 'title', OLD.title, 'provider', OLD.provider, 'start_date', OLD.start_date, 'end_date', OLD.end_date, 'assessment', OLD.assessment, 'score', OLD.score, 'claimed_tenths', OLD.claimed_tenths, 'recognized_tenths', OLD.recognized_tenths, 'recognition', OLD.recognition, 'recognition_note', OLD.recognition_note, 'reviewed_by', OLD.reviewed_by, 'certificate_no', OLD.certificate_no, 'note', OLD.note));
                END
                """)
    }
}
