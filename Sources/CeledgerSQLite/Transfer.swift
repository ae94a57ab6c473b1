import CeledgerDomain
import CeledgerLedger
import Foundation
internal import GRDB

/// The SQLite ledger as the source and the target of a move (`LedgerTransfer`): its tables read in one
/// read transaction, or written into an empty file in one write transaction.
extension SQLiteLedger: TransferSource {
    /// Every row of `tables` in one read (one moment of the file). A history insert's values, which the
    /// file does not keep on the entry (v2), come as the text the hash chain covered for it: the next
    /// change's old values, or the row as it is (`HistoryChain.entriesSQL`).
    public func readTables(
        _ tables: [TransferTable], progress: ((Int, Int?) -> Void)?, _ each: TransferSink
    ) throws {
        let relay = TransferRelay()
        do {
            try readTables(tables, progress: progress, relay: relay, each)
        } catch {
            throw relay.original(error)
        }
    }

    func readTables(
        _ tables: [TransferTable], progress: ((Int, Int?) -> Void)?, relay: TransferRelay, _ each: TransferSink
    ) throws(LedgerError) {
        try read { db in
            var n = 0
            let total = try Int.fetchOne(db, sql: "SELECT (SELECT count(*) FROM record) + (SELECT count(*) FROM history)")
            for table in tables where try db.tableExists(table.name) {
                let sql: String
                if table.name == "history" {
                    sql = HistoryChain.entriesSQL(where: "1", evidence: try db.tableExists("evidence"))
                } else {
                    sql = "SELECT \(table.columnList) FROM \(table.name) ORDER BY \(table.orderBy.joined(separator: ", "))"
                }
                let rows = try Row.fetchCursor(db, sql: sql)
                while let row = try rows.next() {
                    var values = (0..<table.columns.count).map { SQLiteLedger.transferValue(row[$0], table.kinds[$0]) }
                    if table.name == "history", values[8] == .null, values[3] == .text("insert") {
                        values[8] = SQLiteLedger.transferValue(row[9], .text)
                    }
                    try relay.pass { try each(table, values) }
                    if table.name == "record" || table.name == "history" {
                        n += 1
                        if n % 4096 == 0 { progress?(n, total) }
                    }
                }
            }
        }
    }

    static func transferValue(_ value: DatabaseValue, _ kind: TransferTable.Kind) -> TransferValue {
        switch value.storage {
        case .null: return .null
        case .int64(let i): return kind == .text ? .text(String(i)) : .int(i)
        case .double(let d): return .text(String(d))
        case .string(let s): return kind == .int ? (Int64(s).map(TransferValue.int) ?? .text(s)) : .text(s)
        case .blob(let b): return .bytes(Array(b))
        }
    }

    static func databaseValue(_ value: TransferValue) -> DatabaseValue {
        switch value {
        case .null: return .null
        case .int(let i): return i.databaseValue
        case .text(let s): return s.databaseValue
        case .bytes(let b): return Data(b).databaseValue
        }
    }

    /// Writes a moved ledger into this one, which must be empty, in one transaction: the rows as they
    /// come, with the history's triggers set aside for the copy (they would write a new entry for each row;
    /// the entries come as they were) and put back as they were before it commits. This file's own hash
    /// chain then links the moved entries (the source's links are another backend's encoding), and the
    /// totals are settled by the domain, as after any write. A history insert's values are left to the
    /// file's convention (not kept on the entry: the next change's old values or the row stand for them).
    public func receiveTransfer(_ produce: (TransferSink) throws -> Void) throws(LedgerError) -> TransferCounts {
        let counts = try write { db -> TransferCounts in
            let held =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT (SELECT count(*) FROM person) + (SELECT count(*) FROM record) + (SELECT count(*) FROM history)
                             + (SELECT count(*) FROM card) + (SELECT count(*) FROM evidence) + (SELECT count(*) FROM rule_set)
                        """) ?? 0
            if held > 0 {
                let (p, r) = (
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM person") ?? 0,
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM record") ?? 0
                )
                throw LedgerError.targetNotEmpty(
                    path: path, what: Message(zh: "\(p) 人，\(r) 条记录", en: "\(p) persons, \(r) records"))
            }
            let triggers = try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
            for t in triggers { try db.execute(sql: "DROP TRIGGER \(t["name"] as String)") }
            var counts = TransferCounts()
            try db.execute(sql: "DELETE FROM setting")
            try produce { table, values in
                // The links are this file's own, made below.
                guard table.name != LedgerTransfer.chain.name else { return }
                guard try db.tableExists(table.name) else {
                    counts.notMoved[table.name, default: 0] += 1
                    return
                }
                var values = values
                if table.name == "history", values[3] == .text("insert") { values[8] = .null }
                let marks = Array(repeating: "?", count: values.count).joined(separator: ", ")
                let statement = try db.cachedStatement(sql: "INSERT INTO \(table.name) (\(table.columnList)) VALUES (\(marks))")
                try statement.execute(arguments: StatementArguments(values.map(SQLiteLedger.databaseValue)))
                counts.rows[table.name, default: 0] += 1
            }
            for t in triggers { try db.execute(sql: t["sql"] as String) }
            setRules(composeRules(own: try SQLiteLedger.ownRuleSets(db).map(\.set)))
            try db.execute(sql: "INSERT OR IGNORE INTO summary_dirty SELECT DISTINCT person_id, year FROM record")
            return counts
        }
        // The search index and the like start from the new content.
        cachedSearch.withLock { $0 = nil }
        return counts
    }
}

extension SQLiteLedger {
    /// Folds the write-ahead log into the file itself, so that the file alone is the whole ledger before
    /// it is renamed or copied (the log beside it keeps the old name).
    public func closeForCopy() throws(LedgerError) {
        do {
            try db.writeWithoutTransaction { db in _ = try Row.fetchAll(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            try db.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
        } catch {
            throw LedgerError.from(error, path: path)
        }
    }
}
