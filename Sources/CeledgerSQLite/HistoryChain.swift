import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import Foundation
internal import GRDB
internal import GRDBSQLite

/// The history's hash chain. Each history entry gets a link in `history_chain`: SHA-256 over the link
/// before it and the entry's content, so that changing, inserting or removing an entry anywhere breaks
/// every comparison from there on, and the newest link (the head) stands for the whole history.
///
/// An entry's content is its columns and, for an insert (whose row keeps no values, see v2), the values
/// the inserted row had: the next change's old values, or the row itself while it has not changed. So a
/// row changed behind the triggers' back no longer matches the insert's link, and the file does not
/// double with a copy of every imported record.
///
/// The links are computed in Swift, by `extend`, in the same transaction as the change, just before
/// it commits: one pass over the entries the transaction wrote, whichever way they were written (the
/// per-row triggers, the import's set-wise statement). Only the entries written since the transaction
/// began are linked: an entry someone else appended stays without a link, and `check` names it.
enum HistoryChain {
    /// Names the encoding below in every link; a change to the encoding is a new tag, never an edit.
    static let tag = Array("celedger-history-v1".utf8)
    /// The link before the first entry.
    static let origin = [UInt8](repeating: 0, count: 32)
    /// Links written per INSERT statement (two parameters each).
    static let batch = 200

    /// The newest history entry's id: what a write transaction starts from.
    static func lastEntry(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT max(id) FROM history") ?? 0
    }

    /// A JSON object of the row's columns, as the history triggers write it (same keys, same order).
    static func object(_ entity: String, _ alias: String) -> String {
        let columns = SQLiteLedger.historyColumns[HistoryEntry.Entity(rawValue: entity)!]!
        return "json_object(" + columns.map { "'\($0)', \(alias).\($0)" }.joined(separator: ", ") + ")"
    }

    /// The entries after `after`, oldest first, with what a link covers: the columns (0...8), the values
    /// an insert's row had (9), whether they are the current row's (10), and the stored link (11).
    /// `evidence`: whether the ledger has proof (schema v8); before it (a v5 migration of an old ledger) the
    /// table is not there to name.
    static func entriesSQL(where condition: String, evidence: Bool = true) -> String {
        let later = """
            (SELECT n.old_values FROM history n WHERE n.entity = h.entity AND n.entity_id = h.entity_id
             AND n.action <> 'insert' AND n.id > h.id ORDER BY n.id LIMIT 1)
            """
        let current = """
            CASE h.entity WHEN 'person' THEN (SELECT \(object("person", "p")) FROM person p WHERE p.id = h.entity_id)
            \(evidence ? "WHEN 'evidence' THEN (SELECT \(object("evidence", "e")) FROM evidence e WHERE e.id = h.entity_id)" : "")
            ELSE (SELECT \(object("record", "r")) FROM record r WHERE r.id = h.entity_id) END
            """
        return """
            SELECT h.id, h.at, h.actor, h.action, h.entity, h.entity_id, h.id_number, h.old_values, h.new_values,
                   CASE WHEN h.action = 'insert' THEN coalesce(\(later), \(current)) END,
                   h.action = 'insert' AND \(later) IS NULL,
                   c.digest
            FROM history h LEFT JOIN history_chain c ON c.history_id = h.id
            WHERE \(condition) ORDER BY h.id
            """
    }

    /// The link of an entry (the statement at a row of `entriesSQL`): SHA-256 over the link before, the
    /// tag, and each field as a netstring (`<UTF-8 length>:<bytes>,`), a missing value as `~`. Read
    /// through SQLite's C API into one buffer: no value is boxed or copied into a Swift string.
    static func link(_ previous: [UInt8], _ s: OpaquePointer?, buffer bytes: inout [UInt8]) -> [UInt8] {
        bytes.removeAll(keepingCapacity: true)
        bytes.append(contentsOf: previous)
        bytes.append(contentsOf: tag)
        for i: Int32 in 0...9 {
            if sqlite3_column_type(s, i) == SQLITE_NULL {
                bytes.append(UInt8(ascii: "~"))
                continue
            }
            // Integers as decimal digits, text as its UTF-8 bytes (SQLite's own rendering of the value).
            let start = sqlite3_column_text(s, i)
            let count = Int(sqlite3_column_bytes(s, i))
            bytes.append(contentsOf: String(count).utf8)
            bytes.append(UInt8(ascii: ":"))
            if let start { bytes.append(contentsOf: UnsafeBufferPointer(start: start, count: count)) }
            bytes.append(UInt8(ascii: ","))
        }
        return SHA256.digest(bytes)
    }

    /// Steps through `entriesSQL(where:)` with SQLite's C API.
    static func eachEntry(
        _ db: Database, where condition: String, _ argument: Int64? = nil, _ body: (OpaquePointer?) throws -> Void
    ) throws {
        let statement = try db.makeStatement(sql: entriesSQL(where: condition, evidence: try db.tableExists("evidence")))
        let s = statement.sqliteStatement
        defer { sqlite3_reset(s) }
        if let argument { sqlite3_bind_int64(s, 1, argument) }
        while true {
            let code = sqlite3_step(s)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else {
                throw DatabaseError(
                    resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
            try body(s)
        }
    }

    static func text(_ s: OpaquePointer?, _ i: Int32) -> String {
        sqlite3_column_text(s, i).map { String(cString: $0) } ?? ""
    }

    static func blob(_ s: OpaquePointer?, _ i: Int32) -> [UInt8]? {
        guard sqlite3_column_type(s, i) == SQLITE_BLOB, let p = sqlite3_column_blob(s, i) else { return nil }
        return Array(UnsafeRawBufferPointer(start: p, count: Int(sqlite3_column_bytes(s, i))))
    }

    /// Links every entry after `after` (the newest entry when the transaction began), in id order, to
    /// the newest link there is. One read of the new entries and batched inserts of their links.
    static func extend(_ db: Database, after: Int64) throws {
        guard try lastEntry(db) > after else { return }
        var previous =
            try Data.fetchOne(db, sql: "SELECT digest FROM history_chain ORDER BY history_id DESC LIMIT 1").map { Array($0) }
            ?? origin
        var pending: [(Int64, Data)] = []
        func flush() throws {
            guard !pending.isEmpty else { return }
            let values = Array(repeating: "(?, ?)", count: pending.count).joined(separator: ", ")
            let statement = try db.cachedStatement(sql: "INSERT INTO history_chain (history_id, digest) VALUES \(values)")
            try statement.execute(
                arguments: StatementArguments(pending.flatMap { [$0.0 as any DatabaseValueConvertible, $0.1] }))
            pending.removeAll(keepingCapacity: true)
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1024)
        try eachEntry(db, where: "h.id > ?", after) { row in
            previous = link(previous, row, buffer: &buffer)
            pending.append((sqlite3_column_int64(row, 0), Data(previous)))
            if pending.count == batch { try flush() }
        }
        try flush()
    }

    /// The head: how many entries are linked and the newest link.
    static func head(_ db: Database) throws -> HistoryHead? {
        guard let row = try Row.fetchOne(db, sql: "SELECT history_id, digest FROM history_chain ORDER BY history_id DESC LIMIT 1")
        else { return nil }
        let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM history_chain") ?? 0
        return HistoryHead(entries: count, digest: SHA256.hexDigits(row["digest"] as Data))
    }
}

extension SQLiteLedger {
    /// The history chain's head, for cards, reports and `celedger check`: nil when the history is empty.
    public func historyHead() throws(LedgerError) -> HistoryHead? {
        try read { db in try HistoryChain.head(db) }
    }

    /// Where a person is, for check's messages: the row id, the name and the masked ID number.
    static func personLocation(_ db: Database, _ id: Int64, idNumber: String) throws -> String {
        let name = try String.fetchOne(db, sql: "SELECT name FROM person WHERE id = ?", arguments: [id])
        return "person \(id) (\(name.map { $0 + " " } ?? "")\(ResidentID.mask(idNumber)))"
    }

    /// Where a record is: its row id, its person and its title (as `check` names records elsewhere).
    static func recordLocation(_ db: Database, _ id: Int64, idNumber: String) throws -> String {
        let row = try Row.fetchOne(
            db, sql: "SELECT r.title, p.name FROM record r LEFT JOIN person p ON p.id = r.person_id WHERE r.id = ?",
            arguments: [id])
        let owner = ((row?["name"] as String?).map { $0 + " " } ?? "") + ResidentID.mask(idNumber)
        guard let title = row?["title"] as String? else { return "record \(id) (\(owner))" }
        return "record \(id) (\(owner) · \(title.count > 20 ? String(title.prefix(20)) + "…" : title))"
    }

    /// The chain, every link from the first entry, and each person's and record's current values
    /// against the entry the history ends in for it.
    func checkChain(
        _ db: Database, progress: ProgressHandler?, _ add: (CheckFinding.Severity, String, String, String) -> Void
    ) throws {
        var previous = HistoryChain.origin
        var alive: [String: Set<Int64>] = ["person": [], "record": [], "evidence": []]
        let entities = try db.tableExists("evidence") ? ["person", "record", "evidence"] : ["person", "record"]
        var broken = 0, unlinked = 0, reported = 0
        let limit = 50
        func location(_ entity: String, _ id: Int64, _ number: String) throws -> String {
            switch entity {
            case "person": return try SQLiteLedger.personLocation(db, id, idNumber: number)
            case "evidence": return "evidence \(id) (\(ResidentID.mask(number)))"
            default: return try SQLiteLedger.recordLocation(db, id, idNumber: number)
            }
        }
        var n = 0
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1024)
        try HistoryChain.eachEntry(db, where: "1") { row in
            n += 1
            if n % 65536 == 0 { progress?(n, nil) }
            let id = sqlite3_column_int64(row, 0), entityID = sqlite3_column_int64(row, 5)
            let action = HistoryChain.text(row, 3), entity = HistoryChain.text(row, 4)
            switch action {
            case "insert": alive[entity, default: []].insert(entityID)
            case "delete": alive[entity, default: []].remove(entityID)
            default: break
            }
            func entry() -> String {
                "history \(id) (\(HistoryChain.text(row, 1)), \(HistoryChain.text(row, 2)), \(action) \(entity) \(entityID))"
            }
            let number = HistoryChain.text(row, 6)
            guard let stored = HistoryChain.blob(row, 11) else {
                unlinked += 1
                if reported < limit {
                    reported += 1
                    add(
                        .error, entry(), "历史条目不在哈希链中：在 celedger 之外写入（\(ResidentID.mask(number))）",
                        "the history entry is not in the hash chain: written outside celedger (\(ResidentID.mask(number)))")
                }
                return
            }
            if HistoryChain.link(previous, row, buffer: &buffer) != stored {
                broken += 1
                if reported < limit {
                    reported += 1
                    // An insert whose values are its row's as it is now: the row changed (or the entry did).
                    if sqlite3_column_int64(row, 10) == 1 && sqlite3_column_type(row, 9) != SQLITE_NULL {
                        add(
                            .error, try location(entity, entityID, number),
                            "当前内容与历史记录不符：在 celedger 之外被改动（或历史条目 \(id) 被改动）",
                            "its current values are not what the history recorded: changed outside celedger (or history entry \(id) was altered)"
                        )
                    } else {
                        add(
                            .error, entry(), "历史哈希链在此断开：该条目被改动、插入，或其前一条目被删除",
                            "the history's hash chain breaks here: this entry was altered or inserted, or the one before it removed"
                        )
                    }
                }
            }
            previous = stored
        }
        // Links whose entry is gone.
        let orphans = try Int64.fetchAll(
            db, sql: "SELECT history_id FROM history_chain WHERE history_id NOT IN (SELECT id FROM history) LIMIT \(limit)")
        for id in orphans {
            add(.error, "history \(id)", "历史条目 \(id) 已被删除", "history entry \(id) was removed")
        }
        // Rows the history does not know, and rows the history has but the ledger lost.
        for entity in entities {
            var expected = alive[entity] ?? []
            let ids = try Row.fetchCursor(
                db,
                sql: entity == "person"
                    ? "SELECT id, id_number FROM person"
                    : entity == "record"
                        ? "SELECT r.id, coalesce(p.id_number, '') FROM record r LEFT JOIN person p ON p.id = r.person_id"
                        : """
                        SELECT e.id, coalesce(p.id_number, '') FROM evidence e
                        LEFT JOIN record r ON r.id = e.record_id LEFT JOIN person p ON p.id = r.person_id
                        """)
            while let r = try ids.next() {
                let id: Int64 = r[0]
                if expected.remove(id) == nil, reported < limit {
                    reported += 1
                    add(
                        .error, try location(entity, id, r[1]), "历史中没有它的登记：在 celedger 之外写入",
                        "the history has no entry creating it: written outside celedger")
                }
            }
            for id in expected.sorted().prefix(limit) {
                let number =
                    try String.fetchOne(
                        db, sql: "SELECT id_number FROM history WHERE entity = ? AND entity_id = ? ORDER BY id DESC LIMIT 1",
                        arguments: [entity, id]) ?? ""
                add(
                    .error, try location(entity, id, number), "历史中没有它的删除：在 celedger 之外删除",
                    "the history has no entry deleting it: deleted outside celedger")
            }
        }
        // A row whose last change is an update holds that update's new values.
        for entity in entities {
            let alias = entity == "person" ? "p" : entity == "record" ? "r" : "e"
            let changed = try Row.fetchAll(
                db,
                sql: """
                    SELECT h.id, h.entity_id, h.id_number, h.new_values, \(HistoryChain.object(entity, alias))
                    FROM (SELECT max(id) AS id FROM history WHERE entity = ? AND action <> 'insert' GROUP BY entity_id) l
                    JOIN history h ON h.id = l.id JOIN \(entity) \(alias) ON \(alias).id = h.entity_id
                    WHERE h.action = 'update' AND h.new_values IS NOT \(HistoryChain.object(entity, alias))
                    """, arguments: [entity])
            for row in changed {
                // An entry of an older schema has fewer columns: only those it has are compared.
                let recorded = HistoryEntry.values(fromJSON: row[3]), current = HistoryEntry.values(fromJSON: row[4])
                if recorded.contains(where: { current[$0.key] != $0.value }), reported < limit {
                    reported += 1
                    add(
                        .error, try location(entity, row[1], row[2]),
                        "当前内容与历史最后一次记录（条目 \(row[0] as Int64)）不符：在 celedger 之外被改动",
                        "its current values are not what the history last recorded (entry \(row[0] as Int64)): changed outside celedger"
                    )
                }
            }
        }
        if broken + unlinked > reported {
            add(
                .error, "history", "哈希链共有 \(broken) 处断开、\(unlinked) 个条目不在链中（只列出前 \(limit) 处）",
                "the hash chain breaks at \(broken) entries and \(unlinked) entries are not in it (the first \(limit) are listed)"
            )
        }
    }
}
