import CeledgerDomain
import CeledgerLedger
import Foundation

/// The server's ledger as the source and the target of a move (`LedgerTransfer`): read in one
/// REPEATABLE READ READ ONLY transaction through a cursor (a consistent snapshot, whatever clerks write
/// meanwhile, never all rows in memory), or written into an empty ledger in one transaction with COPY.
extension PostgresLedger: TransferSource {
    /// Whether the database has `table` with every column a move copies (the clerks' tables of another
    /// schema are not taken for these).
    func hasColumns(_ table: TransferTable) throws(PGFailure) -> Bool {
        let found = try exec(
            """
            SELECT count(*) FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = $1 AND column_name = ANY($2::text[])
            """, [table.name, PostgresLedger.textArray(table.columns)]
        ).first?.int(0)
        return found == table.columns.count
    }

    /// Whether a move can write `table` here: the table has the columns, and any other column of its own
    /// fills itself (nullable, a default, generated). A clerk table of another shape (one that needs a
    /// login role for each clerk, say) is left alone, and its rows are counted as not moved.
    func canReceive(_ table: TransferTable) throws(PGFailure) -> Bool {
        guard try hasColumns(table) else { return false }
        let needs = try exec(
            """
            SELECT count(*) FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = $1 AND column_name <> ALL($2::text[])
              AND is_nullable = 'NO' AND column_default IS NULL AND is_generated = 'NEVER'
            """, [table.name, PostgresLedger.textArray(table.columns + (Self.filledHere[table.name] ?? []))]
        ).first?.int(0)
        return needs == 0
    }

    /// Columns of the server's own that the move fills (the chain's position) or that a trigger left on
    /// during the move fills (a history entry's unit, pg6, for the row-level security: from its person).
    static let filledHere: [String: [String]] = ["history_chain": ["seq"], "history": ["unit"]]

    /// The server's own bookkeeping, never moved: the chain's links (a target links the entries itself)
    /// and the note of a moved segment.
    static func ownOnly(_ table: TransferTable) -> Bool { table.name == LedgerTransfer.chain.name }

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
        try read { () throws in
            let total = try exec("SELECT (SELECT count(*) FROM record) + (SELECT count(*) FROM history)").first?.int(0)
            var n = 0
            for table in tables where !PostgresLedger.ownOnly(table) {
                if table.optional, !(try hasColumns(table)) { continue }
                let columns = zip(table.columns, table.kinds).map { c, k in k == .bytes ? "encode(\(c), 'hex')" : c }
                let order = table.orderBy.map { c in
                    table.kinds[table.columns.firstIndex(of: c)!] == .text ? "\(c) COLLATE \"C\"" : c
                }
                let skip = table.name == "setting" ? "WHERE key <> '\(LedgerTransfer.movedChainKey)'" : ""
                try exec(
                    """
                    DECLARE transfer NO SCROLL CURSOR FOR
                    SELECT \(columns.joined(separator: ", ")) FROM \(table.name) \(skip) ORDER BY \(order.joined(separator: ", "))
                    """)
                // Proof files are up to 20 MiB each: a few at a time.
                let batch = table.kinds.contains(.bytes) ? 8 : 5000
                while true {
                    let rows = try exec("FETCH \(batch) FROM transfer").rows
                    for row in rows {
                        var values: [TransferValue] = []
                        values.reserveCapacity(row.count)
                        for (i, kind) in table.kinds.enumerated() {
                            guard let v = row[i] else {
                                values.append(.null)
                                continue
                            }
                            switch kind {
                            case .int: values.append(Int64(v).map(TransferValue.int) ?? .text(v))
                            case .text: values.append(.text(v))
                            case .bytes: values.append(.bytes(PostgresLedger.unhex(v)))
                            }
                        }
                        try relay.pass { try each(table, values) }
                        if table.name == "record" || table.name == "history" {
                            n += 1
                            if n % 4096 == 0 { progress?(n, total) }
                        }
                    }
                    if rows.count < batch { break }
                }
                try exec("CLOSE transfer")
            }
        }
    }

    static func copyText(_ value: TransferValue) -> String? {
        switch value {
        case .null: return nil
        case .int(let i): return String(i)
        case .text(let s): return s
        case .bytes(let b): return "\\x" + SHA256.hexDigits(b)
        }
    }

    /// The tables whose triggers write history, count authors or guard rows: set aside for the copy.
    static let guardedTables = ["person", "record", "evidence"]

    /// Writes a moved ledger into this one, which must be empty (no person, record, history entry, card,
    /// proof file or own rule set; settings may be there, the source's replace them), in one
    /// transaction: all of it or, on any failure (a row the server's checks refuse, the connection
    /// lost), nothing.
    ///
    /// The rows go in with COPY, ids and all. The triggers of `guardedTables` are disabled for the copy
    /// (`ALTER TABLE … DISABLE TRIGGER USER`: transactional, and the ledger's owner may) so that the server
    /// neither writes a history entry of its own for each moved row nor stamps itself as their author;
    /// the history comes as it was, entry by entry, and the triggers are enabled again before it commits.
    /// The source's hash chain links (`LedgerTransfer.chain`) are kept as they are, as positions 1…n of
    /// the server's chain, and the setting `LedgerTransfer.movedChainKey` says so (`MovedChain`); the
    /// server's own links continue from the last of them. The totals are settled by the domain as after
    /// any write.
    public func receiveTransfer(_ produce: (TransferSink) throws -> Void) throws(LedgerError) -> TransferCounts {
        let counts = try write { () throws -> TransferCounts in
            // The ledger's owner alone may set its triggers aside; asked first, in the clerk's words.
            let owner = try exec(
                "SELECT pg_get_userbyid(relowner), pg_has_role(relowner, 'USAGE') FROM pg_class WHERE oid = 'person'::regclass"
            ).first
            if owner?[1] != "t" { throw LedgerError.moveNeedsOwner(path: location, owner: owner?.text(0) ?? "?") }
            // Held to the commit: a second move at once waits here, then finds this one's rows.
            try exec(
                "LOCK TABLE \(PostgresLedger.guardedTables.joined(separator: ", ")), history, card, rule_set IN ACCESS EXCLUSIVE MODE"
            )
            let held = try exec(
                """
                SELECT (SELECT count(*) FROM person), (SELECT count(*) FROM record),
                       (SELECT count(*) FROM history) + (SELECT count(*) FROM card) + (SELECT count(*) FROM evidence)
                       + (SELECT count(*) FROM rule_set)
                """
            ).first!
            if held.int(0) + held.int(1) + held.int(2) > 0 {
                throw LedgerError.targetNotEmpty(
                    path: location,
                    what: Message(
                        zh: "\(held.int(0)) 人，\(held.int(1)) 条记录，其他 \(held.int(2)) 行",
                        en: "\(held.int(0)) persons, \(held.int(1)) records, \(held.int(2)) other rows"))
            }
            for t in PostgresLedger.guardedTables { try exec("ALTER TABLE \(t) DISABLE TRIGGER USER") }
            // The file's settings replace the server's: both ledgers then say the same.
            try exec("DELETE FROM setting")
            var counts = TransferCounts()
            var present: [String: Bool] = [:]
            var pending: [[String?]] = []
            var pendingBytes = 0
            var current: TransferTable?
            var seq: Int64 = 0
            var lastLink: [UInt8]?
            func flush() throws {
                guard let table = current, !pending.isEmpty else { return }
                var columns = table.columns
                if table.name == "history" {
                    // Not this transaction's entries: the chain's extension leaves them to the moved links.
                    columns.append("tx")
                } else if table.name == LedgerTransfer.chain.name {
                    columns = ["seq", "history_id", "digest"]
                }
                if table.name == "setting" {
                    try exec(
                        """
                        INSERT INTO setting (key, value) SELECT * FROM unnest($1::text[], $2::text[])
                        ON CONFLICT (key) DO UPDATE SET value = excluded.value
                        """, [PostgresLedger.textArray(pending.map { $0[0] }), PostgresLedger.textArray(pending.map { $0[1] })])
                } else {
                    let refused = PostgresLedger.copy(
                        connection, "COPY \(table.name) (\(columns.joined(separator: ", "))) FROM STDIN", pending)
                    if let refused {
                        // Data the server's checks refuse (SQLite's file never checked a date's form, say).
                        if refused.sqlState.hasPrefix("22") || refused.sqlState.hasPrefix("23") {
                            throw LedgerError.moveRefused(path: location, what: PostgresLedger.tableWords(table.name))
                        }
                        throw refused
                    }
                }
                pending.removeAll(keepingCapacity: true)
                pendingBytes = 0
            }
            try produce { table, values in
                if current != table {
                    try flush()
                    current = table
                }
                if present[table.name] == nil { present[table.name] = try canReceive(table) }
                guard present[table.name] == true else {
                    counts.notMoved[table.name, default: 0] += 1
                    return
                }
                var row = values.map(PostgresLedger.copyText)
                if table.name == "history" {
                    row.append("0")
                } else if table.name == LedgerTransfer.chain.name {
                    seq += 1
                    row.insert(String(seq), at: 0)
                    if case .bytes(let b) = values[1] { lastLink = b }
                }
                pendingBytes += row.reduce(0) { $0 + ($1?.utf8.count ?? 0) }
                pending.append(row)
                counts.rows[table.name, default: 0] += 1
                if pending.count >= 5000 || pendingBytes >= 32 << 20 { try flush() }
            }
            try flush()
            for t in PostgresLedger.guardedTables { try exec("ALTER TABLE \(t) ENABLE TRIGGER USER") }
            for t in ["person", "record", "history", "card", "evidence"] {
                try exec(
                    "SELECT setval(pg_get_serial_sequence('\(t)', 'id'), greatest(coalesce(max(id), 0), 1), max(id) IS NOT NULL) FROM \(t)"
                )
            }
            if let lastLink {
                try exec(
                    "INSERT INTO setting (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [LedgerTransfer.movedChainKey, MovedChain(lastSeq: seq, head: SHA256.hexDigits(lastLink)).setting])
            }
            try exec("SELECT nextval('ledger_change')")
            setRules(composeRules(own: try storedRuleSets().map(\.set)))
            try exec("INSERT INTO summary_dirty SELECT DISTINCT person_id, year FROM record")
            return counts
        }
        try reloadRules()
        return counts
    }

    /// COPY's failure, as a value (a typed throw caught inside the move's closure trips the compiler).
    static func copy(_ c: PGConnection, _ sql: String, _ rows: [[String?]]) -> PGFailure? {
        do {
            _ = try c.copyIn(sql, rows: rows)
            return nil
        } catch {
            return error
        }
    }

    static func tableWords(_ table: String) -> Message {
        let words: [String: (String, String)] = [
            "person": ("人员", "persons"), "record": ("学习记录", "records"), "history": ("修改记录", "history"),
            "card": ("证明", "cards"), "evidence": ("证明材料", "proof files"), "rule_set": ("规则集", "rule sets"),
            "history_chain": ("哈希链", "hash chain"),
        ]
        let w = words[table] ?? (table, table)
        return Message(zh: w.0, en: w.1)
    }

    /// The moved segment of the chain, if this ledger came from a SQLite file.
    func movedChain() throws(PGFailure) -> MovedChain? {
        MovedChain.parse(
            try exec("SELECT value FROM setting WHERE key = $1", [LedgerTransfer.movedChainKey]).first?[0] ?? nil)
    }
}
