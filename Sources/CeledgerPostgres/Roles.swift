import CeledgerLedger

/// pg6: clerks are the server's login roles, and the server itself holds each to their role and units.
///
/// Why the database and not celedger: a clerk of an association has `psql` as well as celedger, and on a
/// server the ledger can only promise what the server enforces for every statement. So:
/// - a clerk (`clerk`, `clerk_unit`, `clerk_log`, as SQLite's v7) is mapped to an existing login role
///   (`db_role`); the history's actor is the clerk of `session_user` (`celedger_actor()`), a login role that
///   is no clerk is refused every write and sees no row, and the ledger's owner (or a superuser) still works
///   as before: it set the ledger up and can alter any table anyway, so it is not pretended otherwise;
/// - privileges are granted to each clerk's login role directly, per table, by `celedger_grant_clerk`
///   (owned by the ledger's owner). Not group roles: roles are cluster-wide, so a group role would carry
///   one ledger's rights into every other database on the same server, and creating roles needs
///   CREATEROLE, which a ledger's owner need not have;
/// - row-level security on every table that holds ID numbers, names or a person's figures: `person` by
///   its unit, `record`, `person_year`, `card`, `summary_dirty` through the person, `evidence` through the
///   record, `history` by a `unit` column filled by trigger when the entry is written (its JSON quotes ID
///   numbers and names) or by the person it is about when the clerk reaches that person now. The policies read the clerk's units through `celedger_units()`, wrapped in a
///   sub-select so the server evaluates it once per statement, not once per row. The owner is not subject
///   to them (no FORCE), which is why a clerk's login role must not be the owner;
/// - what must see past a clerk's rows runs in SECURITY DEFINER functions with a fixed search_path: the
///   history triggers (a clerk has no INSERT on `history` at all, so no entry can be forged), the hash
///   chain's extension (its last link is the whole ledger's), a year entering the summary (every person
///   gets a row), the next card number (unique across units);
/// - a trigger on `record` refuses a recorder's decision and anyone's recognition of a record they
///   entered or last changed, and writes the deciding clerk's own name into `reviewed_by` (and
///   `issued_by`, `added_by`, `removed_by` elsewhere): nobody decides in another's name, also from psql.
extension PostgresSchema {
    /// What a write from a login role that is no clerk of the ledger raises.
    static let notAClerkState = "CL005"
    /// A removed clerk's login role.
    static let removedClerkState = "CL006"
    /// A recorder's decision (recognise, reject, reopen).
    static let roleState = "CL007"
    /// A clerk recognising a record they entered or last changed.
    static let ownEntryState = "CL008"
    /// Managing clerks without being an admin.
    static let manageClerksState = "CL009"

    /// Every function pg6 makes SECURITY DEFINER, with its arguments, for their fixed search_path.
    static let definerFunctions = [
        "celedger_is_owner()", "celedger_session_clerk()", "celedger_units()", "celedger_actor()", "history_unit()",
        "person_history()", "record_history()", "evidence_history()", "record_clerk_gate()", "celedger_clerk_names()",
        "celedger_enter_year(integer, text, text, integer, text)", "celedger_tx_history()",
        "celedger_link(bigint[], bigint[], text[])", "celedger_card_last(text)", "celedger_lock_cards()",
        "celedger_grant_clerk(text, text)",
    ]

    /// Sets each SECURITY DEFINER function's search_path: the catalog first, then the ledger's schema only.
    static func fixSearchPath(_ functions: [String]) -> String {
        """
        DO $$
        DECLARE f text;
        BEGIN
            FOREACH f IN ARRAY ARRAY[\(functions.map { "'\($0)'" }.joined(separator: ", "))] LOOP
                EXECUTE format('ALTER FUNCTION %s SET search_path = pg_catalog, %I, pg_temp', f, current_schema());
            END LOOP;
        END $$;
        """
    }

    static let clerkTables = [
        "person", "record", "evidence", "history", "history_chain", "person_year", "summary_year", "summary_dirty", "card",
        "setting", "rule_set", "schema_version", "clerk", "clerk_unit", "clerk_log",
    ]

    /// The units a policy compares with: NULL (every unit) or the clerk's, evaluated once per statement.
    static let sees = "((SELECT celedger_units()) IS NULL OR unit = ANY ((SELECT celedger_units())::text[]))"
    /// A row of a person the session sees (the person table's own policy applies inside).
    static let seesPerson = "((SELECT celedger_units()) IS NULL OR person_id IN (SELECT id FROM person))"

    static let v6 = """
        CREATE TABLE clerk (
            id         BIGSERIAL PRIMARY KEY,
            name       TEXT COLLATE "C" NOT NULL UNIQUE CHECK (name <> '' AND name = btrim(name)),
            role       TEXT NOT NULL CHECK (role IN ('recorder', 'reviewer', 'admin')),
            db_role    TEXT COLLATE "C" NOT NULL CHECK (db_role <> ''),
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            removed_at TEXT,
            removed_by TEXT,
            CHECK ((removed_at IS NULL) = (removed_by IS NULL))
        );
        CREATE UNIQUE INDEX clerk_db_role ON clerk(db_role) WHERE removed_at IS NULL;
        CREATE TABLE clerk_unit (
            clerk_id BIGINT NOT NULL REFERENCES clerk(id) ON DELETE RESTRICT,
            unit     TEXT COLLATE "C" NOT NULL,
            PRIMARY KEY (clerk_id, unit)
        );
        CREATE TABLE clerk_log (
            id      BIGSERIAL PRIMARY KEY,
            at      TEXT NOT NULL,
            actor   TEXT NOT NULL,
            action  TEXT NOT NULL CHECK (action IN ('add', 'change', 'remove')),
            name    TEXT NOT NULL,
            role    TEXT NOT NULL,
            -- the units after the change, one per line; empty reaches every unit
            units   TEXT NOT NULL,
            db_role TEXT NOT NULL
        );
        CREATE TRIGGER clerk_log_no_change BEFORE UPDATE OR DELETE ON clerk_log
            FOR EACH ROW EXECUTE FUNCTION celedger_append_only();
        CREATE TRIGGER clerk_log_no_truncate BEFORE TRUNCATE ON clerk_log
            FOR EACH STATEMENT EXECUTE FUNCTION celedger_append_only();
        CREATE TRIGGER clerk_no_delete BEFORE DELETE ON clerk
            FOR EACH ROW EXECUTE FUNCTION celedger_append_only();
        CREATE TRIGGER clerk_no_truncate BEFORE TRUNCATE ON clerk
            FOR EACH STATEMENT EXECUTE FUNCTION celedger_append_only();

        -- The ledger's owner (who created schema_version, or a member of that role) or a superuser.
        CREATE FUNCTION celedger_is_owner() RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER AS $$
            SELECT coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false)
                OR pg_has_role(session_user, (SELECT relowner FROM pg_class WHERE oid = 'schema_version'::regclass), 'MEMBER')
        $$;

        -- The active clerk of the session's login role (no row: none).
        CREATE FUNCTION celedger_session_clerk(OUT name text, OUT role text) RETURNS SETOF record LANGUAGE sql STABLE SECURITY DEFINER AS $$
            SELECT c.name, c.role FROM clerk c WHERE c.db_role = session_user AND c.removed_at IS NULL
        $$;

        -- The units the session reaches: NULL for every unit (the owner, a ledger without clerks, a clerk
        -- without units), the clerk's units, or none at all for a login role that is no clerk.
        CREATE FUNCTION celedger_units() RETURNS text[] LANGUAGE plpgsql STABLE SECURITY DEFINER AS $$
        DECLARE cid bigint;
        BEGIN
            SELECT id INTO cid FROM clerk WHERE db_role = session_user AND removed_at IS NULL;
            IF cid IS NULL THEN
                IF NOT EXISTS (SELECT 1 FROM clerk) OR celedger_is_owner() THEN RETURN NULL; END IF;
                RETURN '{}'::text[];
            END IF;
            IF NOT EXISTS (SELECT 1 FROM clerk_unit WHERE clerk_id = cid) THEN RETURN NULL; END IF;
            RETURN ARRAY(SELECT unit::text FROM clerk_unit WHERE clerk_id = cid ORDER BY unit);
        END $$;

        -- Who makes the change: the clerk of the connecting login role once the ledger has clerks; the
        -- owner not mapped to a clerk by its role name; before any clerk exists, the session's
        -- celedger.actor as in pg1.
        CREATE OR REPLACE FUNCTION celedger_actor() RETURNS text LANGUAGE plpgsql STABLE SECURITY DEFINER AS $$
        DECLARE a text; removed boolean;
        BEGIN
            IF EXISTS (SELECT 1 FROM clerk) THEN
                SELECT c.name, c.removed_at IS NOT NULL INTO a, removed FROM clerk c WHERE c.db_role = session_user
                ORDER BY c.removed_at IS NULL DESC, c.id DESC LIMIT 1;
                IF a IS NOT NULL AND NOT removed THEN RETURN a; END IF;
                IF celedger_is_owner() THEN RETURN session_user::text; END IF;
                IF a IS NOT NULL THEN
                    RAISE EXCEPTION 'celedger: this login role''s clerk was removed' USING ERRCODE = '\(removedClerkState)';
                END IF;
                RAISE EXCEPTION 'celedger: this login role is no clerk of the ledger' USING ERRCODE = '\(notAClerkState)';
            END IF;
            a := current_setting('celedger.actor', true);
            IF a IS NULL OR a = '' THEN
                RAISE EXCEPTION 'celedger: no actor set for this change' USING ERRCODE = '\(noActorState)';
            END IF;
            RETURN a;
        END $$;

        -- The history's entries carry the unit of their person, for the policy (their JSON names them).
        ALTER TABLE history ADD COLUMN unit TEXT COLLATE "C";
        CREATE FUNCTION history_unit() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
        BEGIN
            NEW.unit := coalesce(
                CASE WHEN NEW.entity = 'person' THEN coalesce(NEW.new_values::json ->> 'unit', NEW.old_values::json ->> 'unit') END,
                (SELECT unit FROM person WHERE id_number = NEW.id_number), '');
            RETURN NEW;
        END $$;
        CREATE TRIGGER history_unit BEFORE INSERT ON history FOR EACH ROW EXECUTE FUNCTION history_unit();
        ALTER TABLE history DISABLE TRIGGER history_no_change;
        UPDATE history h SET unit = coalesce(
            CASE WHEN h.entity = 'person' THEN coalesce(h.new_values::json ->> 'unit', h.old_values::json ->> 'unit') END,
            (SELECT p.unit FROM person p WHERE p.id_number = h.id_number), '');
        ALTER TABLE history ENABLE TRIGGER history_no_change;
        ALTER TABLE history ALTER COLUMN unit SET NOT NULL;
        CREATE INDEX history_unit ON history(unit, id);
        -- A transaction's entries in order, a slice at a time (`celedger_link`).
        CREATE INDEX history_tx_id ON history(tx, id);

        -- The history is written by the owner's triggers: a clerk has no INSERT on it.
        ALTER FUNCTION person_history() SECURITY DEFINER;
        ALTER FUNCTION record_history() SECURITY DEFINER;
        ALTER FUNCTION evidence_history() SECURITY DEFINER;
        ALTER FUNCTION celedger_actor() SECURITY DEFINER;

        -- A clerk's decisions: a recorder makes none, nobody recognises their own entry or last change,
        -- and the decision is in the deciding clerk's name.
        CREATE FUNCTION record_clerk_gate() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
        DECLARE c record; entered text; decided boolean;
        BEGIN
            -- Most rows decide nothing (an import's pending records, an edit): no lookup for them.
            IF TG_OP = 'INSERT' THEN
                decided := NEW.recognition <> 'pending' OR NEW.reviewed_by IS NOT NULL;
            ELSE
                decided := NEW.recognition IS DISTINCT FROM OLD.recognition
                    OR NEW.reviewed_by IS DISTINCT FROM OLD.reviewed_by
                    OR (NEW.recognition = 'recognized' AND NEW.recognized_tenths IS DISTINCT FROM OLD.recognized_tenths);
            END IF;
            IF NOT decided THEN RETURN NEW; END IF;
            SELECT * INTO c FROM celedger_session_clerk();
            IF c.name IS NULL THEN RETURN NEW; END IF;
            IF c.role = 'recorder' THEN
                RAISE EXCEPTION 'celedger: a recorder does not decide recognitions' USING ERRCODE = '\(roleState)';
            END IF;
            IF NEW.recognition = 'recognized' AND (TG_OP = 'INSERT' OR OLD.recognition <> 'recognized') THEN
                IF TG_OP = 'INSERT' AND NEW.recognition_note LIKE '%导入时即为%（来自 %）%' THEN
                    -- Decided elsewhere and imported by a reviewer (as on SQLite): not their own recognition,
                    -- and the note says so in the history.
                    entered := NULL;
                ELSIF TG_OP = 'INSERT' THEN
                    entered := NEW.entered_by;
                ELSE
                    entered := coalesce(OLD.entered_by, (SELECT h.actor FROM history h WHERE h.entity = 'record'
                        AND h.entity_id = OLD.id AND h.action = 'insert' ORDER BY h.id DESC LIMIT 1));
                END IF;
                IF entered = c.name OR (TG_OP = 'UPDATE' AND (NEW.changed_by = c.name OR OLD.changed_by = c.name)) THEN
                    RAISE EXCEPTION 'celedger: nobody recognises a record they entered or last changed'
                        USING ERRCODE = '\(ownEntryState)';
                END IF;
            END IF;
            IF NEW.reviewed_by IS NOT NULL THEN NEW.reviewed_by := c.name; END IF;
            RETURN NEW;
        END $$;
        CREATE TRIGGER record_clerk_gate BEFORE INSERT OR UPDATE ON record
            FOR EACH ROW EXECUTE FUNCTION record_clerk_gate();

        -- Cards, proof and rule sets are issued, added and removed in the session's clerk's name.
        CREATE FUNCTION celedger_clerk_names() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
        DECLARE who text;
        BEGIN
            SELECT name INTO who FROM celedger_session_clerk();
            IF who IS NULL THEN RETURN NEW; END IF;
            IF TG_TABLE_NAME = 'card' THEN
                NEW.issued_by := who;
            ELSE
                IF TG_OP = 'INSERT' THEN NEW.added_by := who; END IF;
                IF NEW.removed_by IS NOT NULL AND (TG_OP = 'INSERT' OR OLD.removed_by IS NULL) THEN NEW.removed_by := who; END IF;
            END IF;
            RETURN NEW;
        END $$;
        CREATE TRIGGER card_issuer_clerk BEFORE INSERT ON card
            FOR EACH ROW EXECUTE FUNCTION celedger_clerk_names();
        CREATE TRIGGER evidence_clerk BEFORE INSERT OR UPDATE ON evidence
            FOR EACH ROW EXECUTE FUNCTION celedger_clerk_names();
        CREATE TRIGGER rule_set_clerk BEFORE INSERT OR UPDATE ON rule_set
            FOR EACH ROW EXECUTE FUNCTION celedger_clerk_names();

        -- What must see past a unit clerk's rows.
        CREATE FUNCTION celedger_enter_year(y integer, rules text, digest text, needed integer, first_day text)
            RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER AS $$
        DECLARE n integer;
        BEGIN
            INSERT INTO summary_year (year, rule_set, digest) VALUES (y, rules, digest) ON CONFLICT DO NOTHING;
            GET DIAGNOSTICS n = ROW_COUNT;
            IF n = 0 THEN RETURN false; END IF;
            INSERT INTO person_year (year, person_id, public_tenths, professional_tenths, total_tenths, trimmed_tenths, needed_tenths)
            SELECT y, p.id, 0, 0, 0, 0, needed FROM person p WHERE p.status = 'active' OR p.status_date >= first_day
            ON CONFLICT DO NOTHING;
            RETURN true;
        END $$;
        CREATE FUNCTION celedger_tx_history() RETURNS SETOF history LANGUAGE sql STABLE SECURITY DEFINER AS $$
            SELECT * FROM history WHERE tx = txid_current() ORDER BY id
        $$;
        -- Links this transaction's own entries, next in the chain and in id order, or refuses: a clerk's
        -- psql cannot link anyone else's entries or put a link anywhere but at the chain's head.
        CREATE FUNCTION celedger_link(seqs bigint[], ids bigint[], digests text[]) RETURNS void LANGUAGE plpgsql
            SECURITY DEFINER AS $$
        DECLARE head bigint; head_entry bigint; after bigint := 0;
        BEGIN
            SELECT seq, history_id INTO head, head_entry FROM history_chain ORDER BY seq DESC LIMIT 1;
            head := coalesce(head, 0);
            -- Links go on a slice at a time (a large import): after this transaction's last linked entry
            -- when the head is its own (nobody links between: the chain's advisory lock is held to commit).
            IF head_entry IS NOT NULL AND EXISTS (SELECT 1 FROM history WHERE id = head_entry AND tx = txid_current()) THEN
                after := head_entry;
            END IF;
            IF seqs IS DISTINCT FROM ARRAY(SELECT head + g FROM generate_series(1, cardinality(ids)) AS g)
               OR ids IS DISTINCT FROM ARRAY(SELECT h.id FROM history h WHERE h.tx = txid_current() AND h.id > after
                   ORDER BY h.id LIMIT cardinality(ids)) THEN
                RAISE EXCEPTION 'celedger: links go at the head of the chain, for this transaction''s entries';
            END IF;
            INSERT INTO history_chain (seq, history_id, digest)
            SELECT s, h, decode(d, 'hex') FROM unnest(seqs, ids, digests) AS t(s, h, d);
        END $$;
        CREATE FUNCTION celedger_card_last(head text) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER AS $$
        BEGIN
            LOCK TABLE card IN SHARE ROW EXCLUSIVE MODE;
            RETURN coalesce((SELECT max(substr(number, length(head) + 1)::integer) FROM card
                             WHERE starts_with(number, head) AND substr(number, length(head) + 1) ~ '^[0-9]+$'), 0);
        END $$;
        CREATE FUNCTION celedger_lock_cards() RETURNS void LANGUAGE plpgsql SECURITY DEFINER AS $$
        BEGIN LOCK TABLE card IN SHARE ROW EXCLUSIVE MODE; END $$;

        -- The rights of a clerk's login role on this ledger's tables, by role; NULL revokes them all.
        CREATE FUNCTION celedger_grant_clerk(login text, clerk_role text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER AS $$
        -- The ledger's schema (current_schema() is pg_catalog under the fixed search_path).
        DECLARE ledger text := (SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                                WHERE c.oid = 'schema_version'::regclass);
        BEGIN
            IF NOT (celedger_is_owner() OR EXISTS (SELECT 1 FROM celedger_session_clerk() WHERE role = 'admin')) THEN
                RAISE EXCEPTION 'celedger: only an admin manages clerks' USING ERRCODE = '\(manageClerksState)';
            END IF;
            EXECUTE format('REVOKE ALL ON \(clerkTables.joined(separator: ", ")) FROM %I', login);
            EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %I FROM %I', ledger, login);
            IF clerk_role IS NULL THEN RETURN; END IF;
            BEGIN
                EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', ledger, login);
            EXCEPTION WHEN insufficient_privilege THEN NULL;  -- the schema's owner granted it to PUBLIC
            END;
            EXECUTE format('GRANT SELECT ON \(clerkTables.joined(separator: ", ")) TO %I', login);
            EXECUTE format('GRANT INSERT, UPDATE, DELETE ON person, record, person_year TO %I', login);
            EXECUTE format('GRANT INSERT, DELETE ON summary_dirty TO %I', login);
            EXECUTE format('GRANT DELETE ON summary_year TO %I', login);
            EXECUTE format('GRANT INSERT, UPDATE ON evidence TO %I', login);
            EXECUTE format('GRANT INSERT ON card TO %I', login);
            EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I', ledger, login);
            IF clerk_role = 'admin' THEN
                EXECUTE format('GRANT INSERT, UPDATE, DELETE ON setting, rule_set TO %I', login);
                EXECUTE format('GRANT INSERT, UPDATE ON clerk TO %I', login);
                EXECUTE format('GRANT INSERT, DELETE ON clerk_unit TO %I', login);
                EXECUTE format('GRANT INSERT ON clerk_log TO %I', login);
            END IF;
        END $$;

        -- Every SECURITY DEFINER function resolves names in the catalog first, then the ledger's schema only
        -- (never a schema a clerk could create objects in).
        \(fixSearchPath(definerFunctions))

        -- Row-level security: a unit's clerk reads and writes only its units' persons, for every statement.
        ALTER TABLE person ENABLE ROW LEVEL SECURITY;
        CREATE POLICY person_units ON person USING \(sees) WITH CHECK \(sees);
        ALTER TABLE record ENABLE ROW LEVEL SECURITY;
        CREATE POLICY record_units ON record USING \(seesPerson) WITH CHECK \(seesPerson);
        ALTER TABLE person_year ENABLE ROW LEVEL SECURITY;
        CREATE POLICY person_year_units ON person_year USING \(seesPerson) WITH CHECK \(seesPerson);
        ALTER TABLE card ENABLE ROW LEVEL SECURITY;
        CREATE POLICY card_units ON card USING \(seesPerson) WITH CHECK \(seesPerson);
        ALTER TABLE summary_dirty ENABLE ROW LEVEL SECURITY;
        CREATE POLICY summary_dirty_read ON summary_dirty FOR SELECT USING \(seesPerson);
        CREATE POLICY summary_dirty_settle ON summary_dirty FOR DELETE USING \(seesPerson);
        CREATE POLICY summary_dirty_mark ON summary_dirty FOR INSERT WITH CHECK (true);
        ALTER TABLE evidence ENABLE ROW LEVEL SECURITY;
        CREATE POLICY evidence_units ON evidence
            USING ((SELECT celedger_units()) IS NULL OR record_id IN (SELECT id FROM record))
            WITH CHECK ((SELECT celedger_units()) IS NULL OR record_id IN (SELECT id FROM record));
        ALTER TABLE history ENABLE ROW LEVEL SECURITY;
        -- Entries of the clerk's units when written, and every entry of a person the clerk reaches now (one
        -- moved into its unit brings the history along, as on SQLite).
        CREATE POLICY history_units ON history FOR SELECT
            USING (\(sees) OR id_number IN (SELECT id_number FROM person));
        """
}
