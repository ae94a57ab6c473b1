import CeledgerDomain
internal import GRDB

extension Ledger {
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
        let now = Ledger.now()
        return try write { db in try Ledger.withBulkCache(db) {
            var writer = try RowWriter(db: db, now: now, pinyin: pinyin)
            var records = 0
            for i in 0..<count {
                let (person, recs) = next()
                _ = try writer.upsert(person, present: Set(Field.personFields))
                let pid = db.lastInsertedRowID
                for r in recs where try writer.insert(r, personRowID: pid) { records += 1 }
                if i % 1000 == 999 { progress?(i + 1, count) }
            }
            progress?(count, count)
            try settle(db)  // with the big cache still in place
            return records
        } }
    }
}
