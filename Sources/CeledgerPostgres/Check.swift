import CeledgerDomain
import CeledgerLedger
import Foundation

/// `celedger check` on a server: what the SQLite ledger's check finds, where it applies, in the same
/// words (`RowChecks`): the triggers that keep the ledger's promises are there and enabled, every person
/// and record is judged by the domain, the hash chain verifies link by link (the moved segment in
/// SQLite's encoding, `MovedChain`), every row is what its history last recorded, and the stored totals
/// are the domain's recomputation. The server's own integrity (pages, foreign keys) is the server's:
/// its constraints are enforced on every write, so there is no file to damage from outside.
extension PostgresLedger {
    /// The triggers a sound server ledger has (all enabled).
    static let triggers = [
        "history_no_change", "history_no_truncate", "history_chain_no_change", "history_chain_no_truncate",
        "person_history", "record_history", "record_locked", "summary_record", "summary_person", "person_version",
        "record_version", "evidence_kept", "evidence_no_truncate", "evidence_history", "record_authors",
    ]

    public func check(today: Day? = nil, progress: ((Int, Int?) -> Void)? = nil) throws(LedgerError) -> [CheckFinding] {
        let today = today ?? Day.today()
        let book = rules
        return try read { () throws -> [CheckFinding] in
            var findings: [CheckFinding] = []
            func add(_ s: CheckFinding.Severity, _ place: String, _ zh: String, _ en: String) {
                findings.append(CheckFinding(severity: s, location: place, message: Message(zh: zh, en: en)))
            }
            let present = try exec(
                """
                SELECT t.tgname, t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND NOT t.tgisinternal
                """
            ).rows
            let enabled = Set(present.filter { $0[1] != "D" }.map { $0.text(0) })
            let missing = PostgresLedger.triggers.filter { !enabled.contains($0) }
            if !missing.isEmpty {
                add(
                    .error, "ledger", "触发器缺失或已停用：\(missing.joined(separator: ", "))",
                    "triggers are missing or disabled: \(missing.joined(separator: ", "))")
            }
            try exec(
                "DECLARE persons NO SCROLL CURSOR FOR SELECT id, id_number, name, gender, birth_date FROM person ORDER BY id")
            while true {
                let rows = try exec("FETCH 5000 FROM persons").rows
                for p in rows {
                    let at = RowChecks.personLocation(id: p.int64(0), name: p[2], idNumber: p.text(1))
                    RowChecks.person(at: at, idNumber: p.text(1), gender: p.text(3), birthDate: p.text(4), add)
                }
                if rows.count < 5000 { break }
            }
            try exec("CLOSE persons")
            try exec(
                """
                DECLARE records NO SCROLL CURSOR FOR
                SELECT r.id, r.start_date, r.end_date, r.year, r.recognition, r.recognized_tenths, r.recognition_note,
                       r.title, p.name, p.id_number, r.mode, r.category, r.claimed_tenths, r.suggested_tenths, r.basis
                FROM record r LEFT JOIN person p ON p.id = r.person_id ORDER BY r.id
                """)
            var n = 0
            while true {
                let rows = try exec("FETCH 5000 FROM records").rows
                for r in rows {
                    n += 1
                    if n % 65536 == 0 { progress?(n, nil) }
                    let at = RowChecks.recordLocation(id: r.int64(0), name: r[8], idNumber: r[9], title: r[7])
                    let row = RowChecks.RecordRow(
                        idNumber: r[9], mode: r.text(10), category: r.text(11), title: r.text(7), startDate: r.text(1),
                        endDate: r.text(2), year: r.int(3), recognition: r.text(4), recognitionNote: r.text(6),
                        claimedTenths: r.int(12), recognizedTenths: r[5].flatMap { Int($0) },
                        suggestedTenths: r[13].flatMap { Int($0) }, basis: r[14])
                    RowChecks.record(at: at, row, today: today, rules: book, add)
                }
                if rows.count < 5000 { break }
            }
            try exec("CLOSE records")
            try checkChain(add)
            try checkSummary(book, add)
            return findings
        }
    }

    func personLocation(_ id: Int64, idNumber: String) throws(PGFailure) -> String {
        RowChecks.personLocation(
            id: id, name: try exec("SELECT name FROM person WHERE id = $1", [String(id)]).first?[0] ?? nil, idNumber: idNumber)
    }

    func recordLocation(_ id: Int64, idNumber: String) throws(PGFailure) -> String {
        let row = try exec(
            "SELECT r.title, p.name FROM record r LEFT JOIN person p ON p.id = r.person_id WHERE r.id = $1", [String(id)]
        ).first
        return RowChecks.recordLocation(id: id, name: row?[1] ?? nil, idNumber: idNumber, title: row?[0] ?? nil)
    }

    func location(_ entity: String, _ id: Int64, _ number: String) throws(PGFailure) -> String {
        switch entity {
        case "person": return try personLocation(id, idNumber: number)
        case "evidence": return "evidence \(id) (\(ResidentID.mask(number)))"
        default: return try recordLocation(id, idNumber: number)
        }
    }

    /// The link of the entry in `fields` (the history's nine columns, then the insert's values), in the
    /// encoding of its part of the chain: the server's, or a moved SQLite ledger's, whose inserts kept no
    /// values on the entry (its link covers them as the tenth field only).
    static func link(_ previous: [UInt8], _ fields: [String?], moved: Bool, buffer: inout [UInt8]) -> [UInt8] {
        guard moved else { return link(previous, fields, buffer: &buffer) }
        var f = Array(fields.prefix(10))
        if f[3] == "insert" { f[8] = nil }
        return link(previous, f, tag: HistoryChainTags.sqlite, buffer: &buffer)
    }

    /// The chain from its first link, each entry against its link, and each row against the history.
    func checkChain(_ add: RowChecks.Add) throws(PGFailure) {
        let moved = try movedChain()
        if let moved, moved.encoding != HistoryChainTags.sqliteName {
            add(
                .error, "history", "历史哈希链中迁入部分的编码 \(moved.encoding) 无法识别",
                "the moved part of the history's hash chain has an unknown encoding \(moved.encoding)")
        }
        let limit = 50
        var reported = 0, broken = 0
        var previous = [UInt8](repeating: 0, count: 32)
        var buffer: [UInt8] = []
        try exec(
            """
            DECLARE chain NO SCROLL CURSOR FOR
            SELECT h.id, h.at, h.actor, h.action, h.entity, h.entity_id, h.id_number, h.old_values, h.new_values,
                   CASE WHEN h.action = 'insert' THEN h.new_values END, encode(c.digest, 'hex'), c.seq, c.history_id
            FROM history_chain c LEFT JOIN history h ON h.id = c.history_id ORDER BY c.seq
            """)
        while true {
            let rows = try exec("FETCH 5000 FROM chain").rows
            for r in rows {
                let stored = PostgresLedger.unhex(r.text(10))
                defer { previous = stored }
                guard r[0] != nil else {
                    if reported < limit {
                        reported += 1
                        add(.error, "history \(r.text(12))", "历史条目 \(r.text(12)) 已被删除", "history entry \(r.text(12)) was removed")
                    }
                    continue
                }
                let inMoved = moved.map { r.int64(11) <= $0.lastSeq } ?? false
                if PostgresLedger.link(previous, r, moved: inMoved, buffer: &buffer) != stored {
                    broken += 1
                    if reported < limit {
                        reported += 1
                        add(
                            .error, "history \(r.text(0)) (\(r.text(1)), \(r.text(2)), \(r.text(3)) \(r.text(4)) \(r.text(5)))",
                            "历史哈希链在此断开：该条目被改动、插入，或其前一条目被删除",
                            "the history's hash chain breaks here: this entry was altered or inserted, or the one before it removed"
                        )
                    }
                }
            }
            if rows.count < 5000 { break }
        }
        try exec("CLOSE chain")
        let unlinked = try exec(
            """
            SELECT h.id, h.at, h.actor, h.action, h.entity, h.entity_id, h.id_number FROM history h
            WHERE NOT EXISTS (SELECT 1 FROM history_chain c WHERE c.history_id = h.id) ORDER BY h.id
            """
        ).rows
        for r in unlinked.prefix(max(0, limit - reported)) {
            reported += 1
            add(
                .error, "history \(r.text(0)) (\(r.text(1)), \(r.text(2)), \(r.text(3)) \(r.text(4)) \(r.text(5)))",
                "历史条目不在哈希链中：在 celedger 之外写入（\(ResidentID.mask(r.text(6)))）",
                "the history entry is not in the hash chain: written outside celedger (\(ResidentID.mask(r.text(6))))")
        }
        if broken + unlinked.count > reported {
            add(
                .error, "history", "哈希链共有 \(broken) 处断开、\(unlinked.count) 个条目不在链中（只列出前 \(limit) 处）",
                "the hash chain breaks at \(broken) entries and \(unlinked.count) entries are not in it (the first \(limit) are listed)"
            )
        }
        // Rows the history does not know, rows it has that are gone, and rows not as it last recorded them.
        let tables: [(entity: String, columns: [String], number: String)] = [
            ("person", PostgresSchema.personHistoryColumns, "x.id_number"),
            ("record", PostgresSchema.recordHistoryColumns, "(SELECT id_number FROM person WHERE id = x.person_id)"),
            ("evidence", PostgresSchema.evidenceHistoryColumns, "h.id_number"),
        ]
        for t in tables {
            let rows = try exec(
                """
                WITH last AS (
                    SELECT DISTINCT ON (entity_id) entity_id, id, action, new_values, id_number
                    FROM history WHERE entity = $1 ORDER BY entity_id, id DESC)
                SELECT coalesce(x.id, h.entity_id), x.id IS NOT NULL, h.action, h.id, h.new_values,
                       \(PostgresSchema.object(t.columns, "x")), coalesce(\(t.number), h.id_number, '')
                FROM \(t.entity) x FULL JOIN last h ON h.entity_id = x.id
                WHERE x.id IS NULL OR h.id IS NULL OR h.action = 'delete' OR h.new_values IS DISTINCT FROM \(PostgresSchema.object(t.columns, "x"))
                ORDER BY 1
                """, [t.entity]
            ).rows
            for r in rows where reported < limit {
                let id = r.int64(0), exists = r[1] == "t", number = r.text(6)
                if exists && (r[3] == nil || r[2] == "delete") {
                    reported += 1
                    add(
                        .error, try location(t.entity, id, number), "历史中没有它的登记：在 celedger 之外写入",
                        "the history has no entry creating it: written outside celedger")
                } else if !exists {
                    guard r[2] != "delete" else { continue }
                    reported += 1
                    add(
                        .error, try location(t.entity, id, number), "历史中没有它的删除：在 celedger 之外删除",
                        "the history has no entry deleting it: deleted outside celedger")
                } else {
                    // Rendered alike, compared as values (an entry moved from SQLite is SQLite's JSON).
                    let recorded = HistoryEntry.values(fromJSON: r[4]), current = HistoryEntry.values(fromJSON: r[5])
                    if recorded.contains(where: { current[$0.key] != $0.value }) {
                        reported += 1
                        add(
                            .error, try location(t.entity, id, number),
                            "当前内容与历史最后一次记录（条目 \(r.text(3))）不符：在 celedger 之外被改动",
                            "its current values are not what the history last recorded (entry \(r.text(3))): changed outside celedger"
                        )
                    }
                }
            }
        }
    }

    /// Each summarised year's stored totals against the domain's evaluation of the records, as SQLite's.
    func checkSummary(_ book: RuleBook, _ add: RowChecks.Add) throws {
        let stale = Set(try staleYears())
        for year in stale.sorted() {
            add(
                .warning, "\(year)", "\(year)年的合计由其他规则算出，将在下次写入时重算",
                "the totals of \(year) were made under other rules; they are recomputed on the next write")
        }
        let dirty = try exec("SELECT count(*) FROM summary_dirty").first?.int(0) ?? 0
        if dirty > 0 {
            add(
                .warning, "ledger", "有 \(dirty) 个人员年度的合计尚未重算（在 celedger 之外写入），将在下次写入时重算",
                "the totals of \(dirty) person-years are not yet recomputed (written outside celedger); they are recomputed on the next write"
            )
        }
        for year in try exec("SELECT year FROM summary_year ORDER BY year").rows.map({ $0.int(0) }) where !stale.contains(year) {
            guard let set = book.ruleSet(for: year) else { continue }
            let y = String(year)
            let rows = try exec(
                """
                SELECT p.id, p.id_number, o.public_tenths, o.professional_tenths, o.total_tenths, o.trimmed_tenths,
                       o.needed_tenths, \(PostgresLedger.activeSQL("$2")), \(PostgresLedger.yearItemColumns)
                FROM person p
                LEFT JOIN person_year o ON o.year = $1 AND o.person_id = p.id
                LEFT JOIN record r ON r.year = $1 AND r.person_id = p.id
                WHERE o.person_id IS NOT NULL OR \(PostgresLedger.activeSQL("$2"))
                ORDER BY p.id, r.id
                """, [y, PostgresLedger.yearStart(year)]
            ).rows
            var mismatches = 0
            var first: String?
            var i = 0
            while i < rows.count {
                let person = rows[i].int64(0)
                var items: [YearItem] = []
                var j = i
                while j < rows.count, rows[j].int64(0) == person {
                    if let item = PostgresLedger.yearItem(rows[j], at: 8) { items.append(item) }
                    j += 1
                }
                let row = rows[i]
                let stored = row[2].map { _ in (2...6).map { row.int($0) } }
                let active = row[7] == "t"
                let expected: [Int]? =
                    active
                    ? {
                        let t = AnnualTotals.evaluate(year: year, items: items, rules: set).totals
                        return [t.publicHours, t.professionalHours, t.totalHours, t.trimmedHours, t.hoursNeeded].map(\.tenths)
                    }() : nil
                if stored != expected {
                    mismatches += 1
                    if first == nil { first = ResidentID.mask(row.text(1)) }
                }
                i = j
            }
            if mismatches > 0 {
                add(
                    .error, "\(year)", "\(year)年有\(mismatches)人的合计与记录不符（如 \(first ?? "?")）；运行 celedger init --recompute 重算",
                    "\(year): the stored totals of \(mismatches) persons disagree with their records (e.g. \(first ?? "?")); run celedger init --recompute to recompute"
                )
            }
        }
    }
}

/// The encodings of the history's hash chain a server ledger may hold.
enum HistoryChainTags {
    static let sqliteName = "celedger-history-v1"
    /// The SQLite ledger's (`HistoryChain.tag` there), for the segment moved in from a file.
    static let sqlite = Array(sqliteName.utf8)
}
