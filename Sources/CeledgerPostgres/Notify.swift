import CLibpq
import CeledgerLedger

/// Open screens refresh when another clerk commits (issue 18): the server tells every session that listens,
/// instead of each screen asking it four times a second whether anything moved.
///
/// pg7's statement triggers `NOTIFY` the channel `celedger_change` after each statement on persons, records,
/// proof, settings and rule sets, with an empty payload: nothing of a row (row-level security has nothing
/// to leak), and PostgreSQL folds a transaction's identical notifications into one. It delivers them only
/// when the transaction commits, never for one rolled back: one notification per committed change, which
/// a screen can then read.
/// `PostgresLedger.version()` then only looks at what libpq has already received (`PQconsumeInput`,
/// `PQnotifies`: no round trip, no waiting), on the ledger's own connection: one connection per clerk, as
/// the server's `max_connections` is counted by them.
extension PostgresSchema {
    /// The channel pg7 notifies; `PostgresLedger` listens to it.
    static let changeChannel = "celedger_change"

    static let v7 = """
        CREATE FUNCTION ledger_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('\(changeChannel)', ''); RETURN NULL; END $$;
        CREATE TRIGGER person_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON person
            FOR EACH STATEMENT EXECUTE FUNCTION ledger_notify();
        CREATE TRIGGER record_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON record
            FOR EACH STATEMENT EXECUTE FUNCTION ledger_notify();
        CREATE TRIGGER evidence_notify AFTER INSERT OR UPDATE OR DELETE ON evidence
            FOR EACH STATEMENT EXECUTE FUNCTION ledger_notify();
        CREATE TRIGGER setting_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON setting
            FOR EACH STATEMENT EXECUTE FUNCTION ledger_notify();
        CREATE TRIGGER rule_set_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON rule_set
            FOR EACH STATEMENT EXECUTE FUNCTION ledger_notify();
        """
}

extension PGConnection {
    /// How many notifications on `channel` from other sessions libpq has received since the last look,
    /// reading only what already waits on the socket (libpq's socket is non-blocking: this never waits for
    /// the server). Nil when the connection broke (the server went away): the caller reconnects.
    /// Notifications that arrived while another statement ran were queued by libpq then and count here.
    func takeNotifications(channel: String) -> Int? {
        guard PQconsumeInput(conn) == 1, isOK else { return nil }
        let own = PQbackendPID(conn)
        var count = 0
        while let note = PQnotifies(conn) {
            if note.pointee.be_pid != own && String(cString: note.pointee.relname) == channel { count += 1 }
            PQfreemem(note)
        }
        return count
    }
}

extension PostgresLedger {
    /// Subscribes this session to the change channel; false when the server refuses (a hot standby cannot
    /// LISTEN), and `version()` then reads the change sequence instead.
    func listenForChanges() -> Bool {
        (try? connection.exec("LISTEN \(PostgresSchema.changeChannel)")) != nil
    }

    /// The change sequence's position (pg1's `ledger_change`, moved by every statement on the ledger's
    /// content): the fallback when this session cannot listen.
    func changeSequence() throws(PGFailure) -> Int64 {
        try exec("SELECT last_value + CASE WHEN is_called THEN 1 ELSE 0 END FROM ledger_change").first?.int64(0) ?? 0
    }
}
