import CeledgerLedger

/// pg8: the history and the summary's marks of an insert or a delete are written once per statement, from
/// the statement's transition table, instead of once per row (issue 18's import benchmark).
///
/// Why: an import is one `INSERT … SELECT` of a million rows, and each row fired PL/pgSQL functions that
/// each ran their own queries: the history entry (with a look-up of the person's ID number, then of its
/// unit in the history's own trigger), the session's clerk twice (`celedger_actor()`), the summary's mark.
/// Every SECURITY DEFINER function also sets its fixed search_path at each call. That was most of the
/// server's time (at 100,000 rows: 3.1 s of a 6.7 s statement in the history trigger alone). A statement
/// trigger with `REFERENCING NEW TABLE` writes the same entries by one `INSERT … SELECT` joined to the
/// persons, in the rows' id order, naming the clerk it asked for once, at one moment (as SQLite's
/// statement gives its rows one 'now'); the promise is unchanged: whoever
/// inserts or deletes (celedger or psql), the entries are written by the owner's trigger in the same
/// transaction, and a clerk still has no INSERT on the history.
///
/// Updates stay per row: an entry pairs a row's old and new values, and updates come one or a few hundred
/// at a time (edits, a batch's recognition). The clerk gate and the authors stay BEFORE row triggers (they
/// change the row being written), now with a `WHEN` that the server evaluates without calling them for the
/// rows they would leave as they are: a pending record's insert decides nothing, and an insert that names
/// who entered and last changed it (as the imports do, with the session's clerk) needs no filling. The
/// history's unit trigger likewise runs only for an entry written without its unit.
extension PostgresSchema {
    static let v8 = """
        \(statementHistory("record", .insert))
        \(statementHistory("record", .delete))
        \(statementHistory("person", .insert))
        \(statementHistory("person", .delete))

        DROP TRIGGER record_history ON record;
        CREATE TRIGGER record_history AFTER UPDATE ON record FOR EACH ROW EXECUTE FUNCTION record_history();
        \(afterStatement("record_history_inserted", .insert, on: "record"))
        \(afterStatement("record_history_deleted", .delete, on: "record"))
        DROP TRIGGER person_history ON person;
        CREATE TRIGGER person_history AFTER UPDATE ON person FOR EACH ROW EXECUTE FUNCTION person_history();
        \(afterStatement("person_history_inserted", .insert, on: "person"))
        \(afterStatement("person_history_deleted", .delete, on: "person"))

        -- The summary's marks: each person-year an insert or a delete touched, once.
        CREATE FUNCTION summary_records_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO summary_dirty SELECT DISTINCT person_id, year FROM new_rows;
            RETURN NULL;
        END $$;
        CREATE FUNCTION summary_records_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO summary_dirty SELECT DISTINCT person_id, year FROM old_rows;
            RETURN NULL;
        END $$;
        CREATE FUNCTION summary_persons_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO summary_dirty SELECT n.id, y.year FROM new_rows n CROSS JOIN summary_year y;
            RETURN NULL;
        END $$;
        DROP TRIGGER summary_record ON record;
        CREATE TRIGGER summary_record AFTER UPDATE ON record FOR EACH ROW EXECUTE FUNCTION summary_record();
        \(afterStatement("summary_records_inserted", .insert, on: "record"))
        \(afterStatement("summary_records_deleted", .delete, on: "record"))
        DROP TRIGGER summary_person ON person;
        CREATE TRIGGER summary_person AFTER UPDATE ON person FOR EACH ROW EXECUTE FUNCTION summary_person();
        \(afterStatement("summary_persons_inserted", .insert, on: "person"))

        -- The clerk gate of an insert, once per statement: pg6's rules over the statement's rows (a recorder
        -- decides nothing, nobody recognises their own entry, a decision is in the deciding clerk's name).
        -- The name is still written in per row, but only into a row that names someone other than the
        -- session's actor (celedger names the clerk itself); a client that sets celedger.actor to someone
        -- else's name to skip it is refused by the statement's check, never let through.
        CREATE FUNCTION record_reviewer_name() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
        DECLARE who text;
        BEGIN
            SELECT name INTO who FROM celedger_session_clerk();
            IF who IS NOT NULL THEN NEW.reviewed_by := who; END IF;
            RETURN NEW;
        END $$;
        CREATE FUNCTION record_clerk_gate_inserted() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
        DECLARE c record;
        BEGIN
            -- Most statements decide nothing (an import's pending records): no look-up for them.
            IF NOT EXISTS (SELECT 1 FROM new_rows WHERE recognition <> 'pending' OR reviewed_by IS NOT NULL) THEN
                RETURN NULL;
            END IF;
            SELECT * INTO c FROM celedger_session_clerk();
            IF c.name IS NULL THEN RETURN NULL; END IF;
            IF c.role = 'recorder' THEN
                RAISE EXCEPTION 'celedger: a recorder does not decide recognitions' USING ERRCODE = '\(roleState)';
            END IF;
            -- (Decided elsewhere and imported by a reviewer, as the note says: not their own recognition.)
            IF EXISTS (SELECT 1 FROM new_rows WHERE recognition = 'recognized' AND entered_by = c.name
                       AND NOT coalesce(recognition_note LIKE '%导入时即为%（来自 %）%', false)) THEN
                RAISE EXCEPTION 'celedger: nobody recognises a record they entered or last changed'
                    USING ERRCODE = '\(ownEntryState)';
            END IF;
            IF EXISTS (SELECT 1 FROM new_rows WHERE reviewed_by IS DISTINCT FROM c.name AND reviewed_by IS NOT NULL) THEN
                RAISE EXCEPTION 'celedger: a decision is in the deciding clerk''s own name' USING ERRCODE = '42501';
            END IF;
            RETURN NULL;
        END $$;
        DROP TRIGGER record_clerk_gate ON record;
        CREATE TRIGGER record_clerk_gate BEFORE UPDATE ON record FOR EACH ROW EXECUTE FUNCTION record_clerk_gate();
        CREATE TRIGGER record_reviewer_name BEFORE INSERT ON record FOR EACH ROW
            WHEN (NEW.reviewed_by IS NOT NULL AND NEW.reviewed_by IS DISTINCT FROM current_setting('celedger.actor', true))
            EXECUTE FUNCTION record_reviewer_name();
        \(afterStatement("record_clerk_gate_inserted", .insert, on: "record"))

        -- The hash chain's extension reads this transaction's entries a slice at a time by the index on
        -- (tx, id), instead of pg6's set-returning function, which the server materialises whole (and for an
        -- import of a million rows sorts on disk) even to ask whether there is any. pg1's index on tx alone
        -- goes: it serves nothing (tx, id) does not, and within the importing transaction the planner, whose
        -- statistics know none of the new entries, took it and sorted all of them for each slice.
        DROP INDEX history_tx;
        CREATE FUNCTION celedger_tx_history_after(after bigint, n integer) RETURNS SETOF history LANGUAGE sql STABLE
            SECURITY DEFINER AS $$
            SELECT * FROM history WHERE tx = txid_current() AND id > after ORDER BY id LIMIT n
        $$;

        -- A clerk's role or units changed is a change too: open screens read again what they keep (the
        -- search index, the pickers, the counts), which row-level security now limits otherwise.
        CREATE TRIGGER clerk_notify AFTER INSERT OR UPDATE OR DELETE ON clerk
            FOR EACH STATEMENT EXECUTE FUNCTION ledger_notify();
        CREATE TRIGGER clerk_unit_notify AFTER INSERT OR UPDATE OR DELETE ON clerk_unit
            FOR EACH STATEMENT EXECUTE FUNCTION ledger_notify();

        -- Called only for the rows they would change.
        DROP TRIGGER record_authors ON record;
        CREATE TRIGGER record_authors BEFORE INSERT ON record FOR EACH ROW
            WHEN (NEW.entered_by IS NULL OR NEW.changed_by IS NULL) EXECUTE FUNCTION record_authors();
        DROP TRIGGER history_unit ON history;
        CREATE TRIGGER history_unit BEFORE INSERT ON history FOR EACH ROW
            WHEN (NEW.unit IS NULL) EXECUTE FUNCTION history_unit();

        \(fixSearchPath(setWiseDefinerFunctions))
        """

    /// A statement trigger after each insert (its rows as `new_rows`) or delete (`old_rows`) on `table`,
    /// named as the function it runs.
    static func afterStatement(_ function: String, _ action: HistoryEntry.Action, on table: String) -> String {
        let (event, rows) = action == .insert ? ("INSERT", "NEW TABLE AS new_rows") : ("DELETE", "OLD TABLE AS old_rows")
        return """
            CREATE TRIGGER \(function) AFTER \(event) ON \(table) REFERENCING \(rows)
                FOR EACH STATEMENT EXECUTE FUNCTION \(function)();
            """
    }

    /// The function of a statement trigger writing one history entry per row an insert or a delete of
    /// `entity` wrote, from its transition table (`new_rows`, `old_rows`), in id order, at one moment,
    /// naming the session's clerk: what pg1's row triggers write, with the entry's unit (pg6) given.
    static func statementHistory(_ entity: String, _ action: HistoryEntry.Action) -> String {
        let inserted = action == .insert
        let (rows, alias, values) = inserted ? ("new_rows", "n", "new_values") : ("old_rows", "o", "old_values")
        let person = entity == "person"
        let columns = person ? personHistoryColumns : recordHistoryColumns
        return """
            CREATE FUNCTION \(entity)_history_\(inserted ? "inserted" : "deleted")() RETURNS trigger LANGUAGE plpgsql
                SECURITY DEFINER AS $$
            DECLARE who text; stamp text;
            BEGIN
                IF NOT EXISTS (SELECT 1 FROM \(rows)) THEN RETURN NULL; END IF;
                who := celedger_actor();
                stamp := \(now);
                INSERT INTO history (at, actor, action, entity, entity_id, id_number, \(values), unit)
                SELECT stamp, who, '\(action.rawValue)', '\(entity)', \(alias).id, \(person ? alias : "p").id_number,
                    \(object(columns, alias)), \(person ? "\(alias).unit" : "coalesce(p.unit, '')")
                FROM \(rows) \(alias)\(person ? "" : " LEFT JOIN person p ON p.id = \(alias).person_id") ORDER BY \(alias).id;
                RETURN NULL;
            END $$;
            """
    }

    /// pg8's SECURITY DEFINER functions, for their fixed search_path as pg6's.
    static let setWiseDefinerFunctions = [
        "record_history_inserted()", "record_history_deleted()", "person_history_inserted()", "person_history_deleted()",
        "record_reviewer_name()", "record_clerk_gate_inserted()", "celedger_tx_history_after(bigint, integer)",
    ]
}

/// pg9: a year entering the summary gets its zero rows only for the persons the settle is not about to
/// write anyway (the ones this transaction marked in that year).
///
/// Why: an import into a ledger with a new year entered every active person's zero row, and the settle
/// then overwrote most of them at once with their totals. An update of a `person_year` row changes indexed
/// columns (no HOT), so each such row was written twice with six index entries each time; at 1M records
/// (five years, 43,000 persons, 208,000 person-years settled) that was 1.8 s of entering and 2.7 s of
/// upserting. What is left is the same either way: a marked person the domain counts in the year gets the
/// settle's row, one it does not gets none (the settle removed the zero row before).
extension PostgresSchema {
    static let v9 = """
        CREATE OR REPLACE FUNCTION celedger_enter_year(y integer, rules text, digest text, needed integer, first_day text)
            RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER AS $$
        DECLARE n integer;
        BEGIN
            INSERT INTO summary_year (year, rule_set, digest) VALUES (y, rules, digest) ON CONFLICT DO NOTHING;
            GET DIAGNOSTICS n = ROW_COUNT;
            IF n = 0 THEN RETURN false; END IF;
            INSERT INTO person_year (year, person_id, public_tenths, professional_tenths, total_tenths, trimmed_tenths, needed_tenths)
            SELECT y, p.id, 0, 0, 0, 0, needed FROM person p
            WHERE (p.status = 'active' OR p.status_date >= first_day)
              AND NOT EXISTS (SELECT 1 FROM summary_dirty d WHERE d.person_id = p.id AND d.year = y)
            ON CONFLICT DO NOTHING;
            RETURN true;
        END $$;
        \(fixSearchPath(["celedger_enter_year(integer, text, text, integer, text)"]))
        """
}
