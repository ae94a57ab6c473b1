import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
internal import GRDB

extension SQLiteLedger {
    /// Whether the ledger holds no person yet.
    public func isEmpty() throws(LedgerError) -> Bool {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM person") == 0 }
    }

    /// Inserts persons with their records in one transaction with prepared statements: for demo ledgers
    /// and benchmarks. Returns the number of records written.
    @discardableResult
    public func bulkInsert(
        count: Int, progress: ProgressHandler? = nil, _ next: () -> (Person, [CeledgerDomain.Record])
    ) throws(LedgerError) -> Int {
        let now = SQLiteLedger.now()
        return try write { db in
            try SQLiteLedger.withBulkCache(db) {
                var writer = try RowWriter(db: db, now: now, pinyin: pinyin)
                // Demo persons bring twenty records or so: ten each is a low guess.
                let upkeep = try DeferredUpkeep(db, expectedRecords: count * 10)
                var batch = try MultiRowRecordInsert(db: db, now: now)
                var records = 0
                for i in 0..<count {
                    let (person, recs) = next()
                    _ = try writer.upsert(person, present: Set(Field.personFields))
                    let pid = db.lastInsertedRowID
                    for r in recs { records += try batch.add(r, personRowID: pid, line: 0)?.inserted ?? 0 }
                    if i % 1000 == 999 { progress?(i + 1, count) }
                }
                records += try batch.flush().inserted
                progress?(count, count)
                try upkeep.finish(db)
                try settle(db)  // with the big cache still in place
                return records
            }
        }
    }
}

/// Writing many records in one transaction. What the record insert triggers do row by row (a history
/// row for each record, marking its person-year for the summary) is done afterwards by two set-wise
/// statements that write the same rows; and when the records coming are more than the ledger already
/// holds, the indexes that random inserts make slow (`record_year`, `history_person`) are dropped and
/// built again by sorting at the end. Triggers and indexes are put back from their own SQL in
/// `sqlite_master`, inside the caller's transaction: a rollback (a bad row, an error, a kill) brings
/// them back with the rows, and no other connection ever sees the ledger without them.
///
/// Per row, the triggers also made SQLite keep a statement journal on disk (two writes for every page
/// the statement touched): a million-record import wrote four million times.
struct DeferredUpkeep {
    /// Every record with this id or above is new (ids only grow while the transaction holds the lock).
    let firstNewRecord: Int64
    private let dropped: [String]

    static let triggers = ["record_insert_history", "summary_record_insert"]
    /// Indexes worth dropping when at least this many records are coming and more than are there.
    static let indexes = [("record_year", "record"), ("history_person", "history")]
    static let minimumForIndexes = 50_000

    /// `expectedRecords`: an estimate (from the file's size) or nil when unknown.
    init(_ db: Database, expectedRecords: Int?, rebuildIndexesFrom: Int = DeferredUpkeep.minimumForIndexes) throws {
        firstNewRecord = (try Int64.fetchOne(db, sql: "SELECT max(id) FROM record") ?? 0) + 1
        var sqls: [String] = []
        func drop(_ type: String, _ name: String) throws {
            guard
                let sql = try String.fetchOne(
                    db, sql: "SELECT sql FROM sqlite_master WHERE type = ? AND name = ?", arguments: [type, name])
            else {
                throw LedgerError.incompleteSchema(type: type, name: name)
            }
            try db.execute(sql: "DROP \(type.uppercased()) \(name)")
            sqls.append(sql)
        }
        for t in DeferredUpkeep.triggers { try drop("trigger", t) }
        if let n = expectedRecords, n >= rebuildIndexesFrom {
            for (index, table) in DeferredUpkeep.indexes {
                let rows = try Int.fetchOne(db, sql: "SELECT max(id) FROM \(table)") ?? 0
                if n > rows { try drop("index", index) }
            }
        }
        dropped = sqls
    }

    /// The history rows and summary marks of the new records, then the triggers and indexes back.
    func finish(_ db: Database) throws {
        // As record_insert_history writes them, one statement for all.
        try db.execute(
            sql: """
                INSERT INTO history (at, actor, action, entity, entity_id, id_number)
                SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), \(Schema.actorFunction)(), 'insert', 'record', r.id, p.id_number
                FROM record r JOIN person p ON p.id = r.person_id WHERE r.id >= ? ORDER BY r.id
                """, arguments: [firstNewRecord])
        // As summary_record_insert marks them.
        try db.execute(
            sql: "INSERT OR IGNORE INTO summary_dirty SELECT DISTINCT person_id, year FROM record WHERE id >= ?",
            arguments: [firstNewRecord])
        // Indexes are built by sorting, on a second core meanwhile idle. Each sort task keeps as much in
        // memory as the page cache may hold before it spills to a temporary file, so the cache is made
        // small for the build: otherwise the import's peak memory grew with the number of records
        // (375 MiB at a million, 847 MiB at ten million).
        try SQLiteLedger.withPragmas(db, [("threads", 1), ("cache_size", -32768)]) {
            for sql in dropped { try db.execute(sql: sql) }
        }
    }
}
