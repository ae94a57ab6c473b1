import CeledgerDomain
import CeledgerLedger
import Foundation

/// Each person's totals per year, kept in `person_year` and computed by the domain
/// (`AnnualTotals.evaluate`), never by SQL, as in the SQLite ledger: the triggers mark what changed in
/// `summary_dirty`, and every write transaction settles it before it commits.
///
/// Concurrent writers: each transaction sees only its own uncommitted dirty rows. Before reading a
/// person's records to settle them it locks the person rows (`FOR NO KEY UPDATE`, in id order: it does
/// not conflict with the key-share lock a record's foreign key took on the person, so two writers of
/// one person never deadlock, and id order keeps writers of several persons apart); a second writer of the same person waits there until the first
/// commits, and its next statement (READ COMMITTED takes a new snapshot per statement) reads the first
/// one's records too. So the stored totals are always those of all committed records.
extension PostgresLedger {
    static let yearItemColumns = """
        r.id AS r_id, r.mode AS r_mode, r.category AS r_category, r.recognition AS r_recognition,
        r.assessment AS r_assessment, r.recognized_tenths AS r_recognized, r.end_date AS r_end
        """

    /// The record in a row selected with `yearItemColumns` from column `at` on, or nil for an outer join's
    /// empty side.
    static func yearItem(_ row: [String?], at i: Int) -> YearItem? {
        guard let id = row[i].flatMap({ Int64($0) }) else { return nil }
        return YearItem(
            recordID: id, mode: Mode(rawValue: row.text(i + 1))!, category: Category(rawValue: row.text(i + 2))!,
            recognition: Recognition(rawValue: row.text(i + 3))!, assessment: Assessment(rawValue: row.text(i + 4))!,
            recognizedHours: row[i + 5].flatMap { Int($0) }.map(Hours.init(tenths:)),
            endDate: Day.parse(row.text(i + 6)).successValue!)
    }

    /// Recomputes every person-year this transaction (or an unsettled earlier one) marked dirty.
    func settle() throws {
        guard try exec("SELECT EXISTS (SELECT 1 FROM summary_dirty)").first?[0] == "t" else { return }
        let book = rules
        // A year enters the summary with its first record; everyone active in it gets a row.
        let newYears = try exec(
            """
            SELECT DISTINCT d.year FROM summary_dirty d
            WHERE NOT EXISTS (SELECT 1 FROM summary_year s WHERE s.year = d.year)
              AND EXISTS (SELECT 1 FROM record r WHERE r.year = d.year)
            """
        ).rows.map { $0.int(0) }
        for year in newYears {
            guard let set = book.ruleSet(for: year) else { throw LedgerError.noRules(year: year) }
            // Another writer may enter the same year at once: the first one's insert wins, the other waits
            // for it and then finds the year there. Every person active in the year gets a row, also those a
            // unit's clerk does not see (`celedger_enter_year` runs as the ledger's owner, pg6).
            let zero = AnnualTotals.zero(year: year, thresholds: set.thresholds)
            try exec(
                "SELECT celedger_enter_year($1, $2, $3, $4, $5)",
                [String(year), set.id, set.digest, String(zero.hoursNeeded.tenths), PostgresLedger.yearStart(year)])
        }
        // The persons settled, locked first (see above).
        try exec(
            "SELECT id FROM person WHERE id IN (SELECT DISTINCT person_id FROM summary_dirty) ORDER BY id FOR NO KEY UPDATE")
        // Row by row from libpq's result (an import's settle reads every record it wrote): no array of them all.
        let (upserts, removals) = try connection.withResult(
            """
            SELECT d.year, d.person_id, p.status, p.status_date, o.public_tenths, o.professional_tenths, o.total_tenths,
                   o.trimmed_tenths, o.needed_tenths, \(PostgresLedger.yearItemColumns)
            FROM (SELECT DISTINCT person_id, year FROM summary_dirty) d
            JOIN summary_year s ON s.year = d.year
            LEFT JOIN person p ON p.id = d.person_id
            LEFT JOIN person_year o ON o.year = d.year AND o.person_id = d.person_id
            LEFT JOIN record r ON r.year = d.year AND r.person_id = d.person_id
            ORDER BY d.year, d.person_id, r.id
            """
        ) { cells -> ([[String]], [(Int, Int64)]) in
            var upserts: [[String]] = [], removals: [(Int, Int64)] = []
            var current: (year: Int, person: Int64, active: Bool, stored: [Int]?)?
            var items: [YearItem] = []
            func flush() {
                guard let c = current else { return }
                guard c.active, let set = book.ruleSet(for: c.year) else {
                    if c.stored != nil { removals.append((c.year, c.person)) }
                    return
                }
                let t = AnnualTotals.evaluate(year: c.year, items: items, rules: set).totals
                let values = [t.publicHours, t.professionalHours, t.totalHours, t.trimmedHours, t.hoursNeeded].map(\.tenths)
                guard values != c.stored else { return }
                upserts.append([String(c.year), String(c.person)] + values.map(String.init))
            }
            for r in 0..<cells.count {
                let row = cells[r].fields()
                let year = row.int(0), person = row.int64(1)
                if current?.year != year || current?.person != person {
                    flush()
                    let active =
                        row[2].map {
                            Person.isActive(
                                status: EmploymentStatus(rawValue: $0) ?? .active,
                                statusDate: row[3].flatMap { Day.parse($0).successValue }, in: year)
                        } ?? false
                    let stored = row[4].map { _ in (4...8).map { row.int($0) } }
                    current = (year, person, active, stored)
                    items.removeAll(keepingCapacity: true)
                }
                if let item = PostgresLedger.yearItem(row, at: 9) { items.append(item) }
            }
            flush()
            return (upserts, removals)
        }
        // Written set-wise: one statement for all the changed rows, one for the removed.
        if !upserts.isEmpty {
            let columns = (0..<7).map { i in "{" + upserts.map { $0[i] }.joined(separator: ",") + "}" }
            try exec(
                """
                INSERT INTO person_year (year, person_id, public_tenths, professional_tenths, total_tenths, trimmed_tenths, needed_tenths)
                SELECT * FROM unnest($1::int[], $2::bigint[], $3::int[], $4::int[], $5::int[], $6::int[], $7::int[])
                ON CONFLICT (year, person_id) DO UPDATE SET public_tenths = excluded.public_tenths,
                    professional_tenths = excluded.professional_tenths, total_tenths = excluded.total_tenths,
                    trimmed_tenths = excluded.trimmed_tenths, needed_tenths = excluded.needed_tenths
                """, columns)
        }
        if !removals.isEmpty {
            try exec(
                """
                DELETE FROM person_year WHERE (year, person_id) IN (SELECT * FROM unnest($1::int[], $2::bigint[]))
                """,
                [
                    "{" + removals.map { String($0.0) }.joined(separator: ",") + "}",
                    PostgresLedger.array(removals.map(\.1)),
                ])
        }
        try exec("DELETE FROM summary_dirty")
    }

    /// Years whose summary another rule set (or another version of its file) made.
    func staleYears() throws(PGFailure) -> [Int] {
        let book = rules
        return try exec("SELECT year, rule_set, digest FROM summary_year ORDER BY year").rows.compactMap { row in
            let set = book.ruleSet(for: row.int(0))
            return set?.id != row.text(1) || set?.digest != row.text(2) ? row.int(0) : nil
        }
    }

    /// Recomputes what the summary needs for this program's rules (stale years, anything left dirty by a
    /// write from outside celedger). Writes only when there is something to do; returns the years redone.
    @discardableResult
    public func refreshTotals() throws(LedgerError) -> [Int] {
        let needed = try read { () throws in
            try exec("SELECT EXISTS (SELECT 1 FROM summary_dirty)").first?[0] == "t" || !(try staleYears()).isEmpty
        }
        guard needed else { return [] }
        return try write { () throws in try forgetStaleYears() }
    }

    /// Drops the summary of every year another rule set made and marks its records for the settle that
    /// ends the transaction; returns those years.
    func forgetStaleYears() throws(PGFailure) -> [Int] {
        // A unit's clerk sees only its units' records: a year's summary is redone by someone who sees
        // them all (until then reads of that year are computed live, `source(of:)`).
        let stale = try limitedToUnits() ? [] : try staleYears()
        for year in stale {
            try exec("DELETE FROM person_year WHERE year = $1", [String(year)])
            try exec("DELETE FROM summary_year WHERE year = $1", [String(year)])
            try exec("INSERT INTO summary_dirty SELECT DISTINCT person_id, year FROM record WHERE year = $1", [String(year)])
        }
        return stale
    }

    /// Recomputes every summarised year from the records. Returns the person-years now kept.
    @discardableResult
    public func recomputeTotals() throws(LedgerError) -> Int {
        try write { () throws in
            if try limitedToUnits() {
                throw LedgerError.notOnThisLedger(
                    what: Message(
                        zh: "由只管部分单位的经办人重算全部合计（请所有者或管理全部单位的经办人重算）",
                        en: "recompute every total as a clerk of some units only (ask the owner or an all-units clerk)"))
            }
            try exec("DELETE FROM person_year")
            try exec("DELETE FROM summary_year")
            try exec("INSERT INTO summary_dirty SELECT DISTINCT person_id, year FROM record")
            try settle()
            return try exec("SELECT count(*) FROM person_year").first?.int(0) ?? 0
        }
    }

    /// Whether `year`'s stored totals can be read as they are, for this process's rules.
    enum YearSource { case summary, empty, live }

    func source(of year: Int) throws(PGFailure) -> YearSource {
        let y = String(year)
        let row = try exec(
            """
            SELECT (SELECT rule_set FROM summary_year WHERE year = $1), (SELECT digest FROM summary_year WHERE year = $1),
                   EXISTS (SELECT 1 FROM summary_dirty WHERE year = $1), EXISTS (SELECT 1 FROM record WHERE year = $1)
            """, [y]
        ).first!
        let dirty = row[2] == "t"
        guard let ruleSet = row[0] else { return row[3] == "t" || dirty ? .live : .empty }
        let set = rules.ruleSet(for: year)
        return !dirty && set?.id == ruleSet && set?.digest == row[1] ? .summary : .live
    }
}

/// The history's hash chain, as the SQLite ledger keeps it (`HistoryChain` there): SHA-256 over the link
/// before and each entry's fields as netstrings, computed in Swift in the same transaction as the change,
/// just before it commits. On a server, writers run at once and their entries' ids interleave, so each
/// transaction links only its own entries (`history.tx`), under an advisory lock held to its commit:
/// links follow one another in commit order (`history_chain.seq`), never forking.
///
/// The encoding is tagged "celedger-history-pg-v1": the fields are SQLite's ten (the insert's values
/// included, which PostgreSQL's insert triggers store in `new_values`), but the JSON texts are
/// PostgreSQL's rendering, so a head is comparable only with heads of the same backend.
extension PostgresLedger {
    static let chainTag = Array("celedger-history-pg-v1".utf8)

    func extendChain() throws(PGFailure) {
        guard try exec("SELECT EXISTS (SELECT 1 FROM celedger_tx_history_after(0, 1))").first?[0] == "t" else { return }
        try exec("SELECT pg_advisory_xact_lock($1)", [String(PostgresSchema.chainLock)])
        let head = try exec("SELECT seq, encode(digest, 'hex') FROM history_chain ORDER BY seq DESC LIMIT 1").first
        var seq = head?.int64(0) ?? 0
        var previous = head.map { PostgresLedger.unhex($0.text(1)) } ?? [UInt8](repeating: 0, count: 32)
        // This transaction's own entries, read past the history's row-level security (the chain must not
        // depend on what a unit's clerk sees), a slice at a time: an import of a million rows writes a
        // million entries, which read in one result (with their values) and sent back as one array would
        // take gigabytes. Each slice's cells go from libpq's result straight into the hash.
        let slice = """
            SELECT id, at, actor, action, entity, entity_id, id_number, old_values, new_values,
                   CASE WHEN action = 'insert' THEN new_values END
            FROM celedger_tx_history_after($1, \(PostgresLedger.chainSlice))
            """
        var buffer: [UInt8] = []
        var after: Int64 = 0
        // Each slice's links go to the server while the next slice is hashed (sent, collected after):
        // the server's linking and celedger's hashing overlap instead of taking turns.
        let linkSQL = "SELECT celedger_link($1::bigint[], $2::bigint[], $3::text[])"
        var unsent: [String?]?
        while true {
            var sent: Result<Void, PGFailure>?
            let (ids, digests) = try connection.withResult(slice, [String(after)]) { cells -> ([Int64], [String?]) in
                if let link = unsent {
                    do throws(PGFailure) { try connection.send(linkSQL, link) } catch { sent = .failure(error) }
                    if sent == nil { sent = .success(()) }
                }
                var ids: [Int64] = [], digests: [String?] = []
                ids.reserveCapacity(cells.count)
                digests.reserveCapacity(cells.count)
                for r in 0..<cells.count {
                    previous = PostgresLedger.link(previous, fields: 10, buffer: &buffer) { i, use in
                        use(cells[r].value(Int32(i)))
                    }
                    ids.append(cells[r].int64(0))
                    digests.append(SHA256.hexDigits(previous))
                }
                return (ids, digests)
            }
            unsent = nil
            switch sent {
            case .failure(let f): throw f
            case .success: try connection.finish()
            case nil: break
            }
            if ids.isEmpty { break }
            let seqs = (1...Int64(ids.count)).map { seq + $0 }
            seq += Int64(ids.count)
            // Through the owner's function: a clerk has no INSERT on the chain, and links only its own entries.
            let link = [PostgresLedger.array(seqs), PostgresLedger.array(ids), PostgresLedger.textArray(digests)]
            if ids.count < PostgresLedger.chainSlice {
                try exec(linkSQL, link)
                break
            }
            unsent = link
            after = ids.last!
        }
    }

    /// History entries linked per round trip when a transaction wrote many.
    static let chainSlice = 20_000

    /// SHA-256 over the link before, the tag, and each field as a netstring (`~` for a missing value).
    static func link(
        _ previous: [UInt8], _ fields: [String?], tag: [UInt8] = chainTag, buffer bytes: inout [UInt8]
    ) -> [UInt8] {
        link(previous, fields: min(fields.count, 10), tag: tag, buffer: &bytes) { i, use in
            guard var field = fields[i] else { return use(nil) }
            field.withUTF8 { use($0) }
        }
    }

    /// The same over fields handed over as bytes (nil for a missing value): `withField(i, use)` calls `use`
    /// with field i's bytes.
    static func link(
        _ previous: [UInt8], fields count: Int, tag: [UInt8] = chainTag, buffer bytes: inout [UInt8],
        _ withField: (Int, (UnsafeBufferPointer<UInt8>?) -> Void) -> Void
    ) -> [UInt8] {
        bytes.removeAll(keepingCapacity: true)
        bytes.append(contentsOf: previous)
        bytes.append(contentsOf: tag)
        for i in 0..<count {
            withField(i) { utf8 in
                guard let utf8 else { return bytes.append(UInt8(ascii: "~")) }
                bytes.append(contentsOf: String(utf8.count).utf8)
                bytes.append(UInt8(ascii: ":"))
                bytes.append(contentsOf: utf8)
                bytes.append(UInt8(ascii: ","))
            }
        }
        return SHA256.digest(bytes)
    }

    /// Recomputes the chain from its start and says whether every stored link matches: false when an
    /// entry was changed, inserted or removed behind the triggers' back.
    public func verifyChain() throws(LedgerError) -> Bool {
        try read { () throws in
            // A unit's clerk sees a part of the history: the chain is checked by someone who sees it all.
            if try limitedToUnits() {
                throw LedgerError.notOnThisLedger(
                    what: Message(
                        zh: "由只管部分单位的经办人检查修改记录的哈希链（请所有者或管理全部单位的经办人检查）",
                        en: "check the history's hash chain as a clerk of some units only (ask the owner or an all-units clerk)"))
            }
            let rows = try exec(
                """
                SELECT h.id, h.at, h.actor, h.action, h.entity, h.entity_id, h.id_number, h.old_values, h.new_values,
                       CASE WHEN h.action = 'insert' THEN h.new_values END, encode(c.digest, 'hex'), c.seq
                FROM history_chain c LEFT JOIN history h ON h.id = c.history_id ORDER BY c.seq
                """
            ).rows
            // The links moved in from a SQLite ledger are in its encoding (`MovedChain`).
            let moved = try movedChain()
            var previous = [UInt8](repeating: 0, count: 32)
            var buffer: [UInt8] = []
            for r in rows {
                guard r[0] != nil else { return false }
                let inMoved = moved.map { r.int64(11) <= $0.lastSeq } ?? false
                previous = PostgresLedger.link(previous, r, moved: inMoved, buffer: &buffer)
                if SHA256.hexDigits(previous) != r.text(10) { return false }
            }
            let unlinked = try exec("SELECT count(*) FROM history WHERE id NOT IN (SELECT history_id FROM history_chain)")
            return unlinked.first?.int(0) == 0
        }
    }
}
