internal import GRDB

/// The ledger's schema, one migration per shipped version. A shipped migration is never edited: a change
/// is a new migration. Migrations name tables and columns as strings, never the app's types, so that an
/// old ledger migrates the same way forever.
enum Schema {
    /// 'CELG': marks a SQLite file as a celedger ledger, so a foreign database is never written to.
    static let applicationID: Int32 = 0x4345_4C47

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        // In order; each is in Migrations/, named after what it does.
        m.registerMigration("v1", migrate: v1PersonsAndRecords)
        m.registerMigration("v2", migrate: v2AuditTrail)
        m.registerMigration("v3", migrate: v3RecognitionAndSummary)
        m.registerMigration("v4", migrate: v4YearCounts)
        m.registerMigration("v5", migrate: v5HistoryChain)
        m.registerMigration("v6", migrate: v6LedgerSettings)
        m.registerMigration("v7", migrate: v7Clerks)
        m.registerMigration("v8", migrate: v8Evidence)
        m.registerMigration("v9", migrate: v9NameKey)
        return m
    }

    /// What a change to a locked record fails with; `LedgerError.from` turns it into a clerk's message.
    static let lockedMessage = "celedger: the record is recognised and locked"

    /// The triggers a sound ledger has, for `celedger check`.
    static let triggers = [
        "history_no_update", "history_no_delete", "person_insert_history", "person_update_history", "person_delete_history",
        "record_insert_history", "record_update_history", "record_delete_history", "record_locked_update", "record_locked_delete",
        "summary_record_insert", "summary_record_update", "summary_record_delete", "summary_person_insert",
        "summary_person_update",
        "person_year_uncount", "history_chain_no_update", "history_chain_no_delete",
        "evidence_no_delete", "evidence_kept", "evidence_insert_history", "evidence_update_history",
        "person_version", "record_version", "clerk_log_no_update", "clerk_log_no_delete", "clerk_no_delete",
    ]

    /// The name of the SQL function the history triggers call for who made a change.
    static let actorFunction = "celedger_actor"

    /// The name of the SQL function that gives a name's key in the order by name (`PinyinIndex.nameKey(of:)`),
    /// for v9 to fill the existing rows; writes bind the key they compute.
    static let nameKeyFunction = "celedger_name_key"
}
