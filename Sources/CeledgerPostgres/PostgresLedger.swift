import CeledgerDomain
import CeledgerLedger
import Foundation

/// The ledger on a PostgreSQL server, behind the same protocols as the SQLite file, so that every screen
/// works on it unchanged. One libpq connection, used synchronously under a lock (the TUI's loop and the
/// commands are synchronous; a second connection would be a second session with its own transaction).
///
/// Each writer call is one transaction: the change, its history rows (written by the server's triggers,
/// naming `actor` through the session's `celedger.actor`), the settling of the totals it changed (the
/// domain's `AnnualTotals.evaluate`, under a row lock on each person so that concurrent writers settle
/// one after another and never from a stale read), and the links of the history's hash chain; all of it
/// or none. Each reader call is one REPEATABLE READ transaction: one consistent moment of the ledger.
///
/// The methods are grouped by what they serve, one file each (Reads, Writes, Summary, Chain), as the
/// SQLite ledger's are; a protocol's new method is one more function in the file of its kind.
public final class PostgresLedger: @unchecked Sendable {
    /// The URI with its password masked: the ledger's name in every message.
    public let location: String
    let connection: PGConnection
    /// Serialises the connection: one statement at a time, one transaction at a time.
    let lock = NSRecursiveLock()
    let actor: String
    /// Inside `withSnapshot`: reads join its transaction instead of opening their own.
    private var pinned = false
    private let pinyinLoader: @Sendable () -> PinyinIndex
    private var loadedPinyin: PinyinIndex?
    let shippedRules: [RuleSet]
    private var book: RuleBook
    /// What `version()` returns: moved by each commit of this ledger's own, by each notification of another
    /// session's (pg7, `Notify.swift`), and by each reconnection (what happened meanwhile is unknown).
    private var changes: Int64 = 0
    /// Whether this session listens to the change channel; if not, `version()` reads the change sequence.
    private var listening = false
    /// The change sequence as last read, when not listening.
    private var lastSequence: Int64?
    /// The persons list's counts by query (order left out), each with the `changes` it was read at
    /// (`personSummary`): a screen going back to a list, or changing only its order, counts nothing again.
    var summaries: [PersonListQuery: (changes: Int64, summary: YearSummary)] = [:]
    /// `changes` just before the current read transaction took its snapshot (nil when not listening): what
    /// is read in it may be kept as of that count, and what was kept at that count serves it (`Search.swift`).
    private(set) var snapshotChanges: Int64?
    /// The search index, the year flags and the pickers' lists, kept while nothing changed and read
    /// beforehand on a connection of their own (`Search.swift`).
    let search = PostgresSearch()

    var pinyin: PinyinIndex {
        lock.lock()
        defer { lock.unlock() }
        if let p = loadedPinyin { return p }
        let p = pinyinLoader()
        loadedPinyin = p
        return p
    }

    public var rules: RuleBook {
        lock.lock()
        defer { lock.unlock() }
        return book
    }

    func setRules(_ next: RuleBook) {
        lock.lock()
        book = next
        lock.unlock()
    }

    private init(
        location: String, connection: PGConnection, actor: String, pinyin: @escaping @Sendable () -> PinyinIndex,
        rules: [RuleSet]
    ) {
        self.location = location
        self.connection = connection
        self.actor = actor.isEmpty ? "unknown" : actor
        self.pinyinLoader = pinyin
        self.shippedRules = rules
        self.book = RuleBook(rules)
    }

    /// Connects to the server at `uri` (libpq's URI: host, port, dbname, user, sslmode; the password from
    /// PGPASSWORD or ~/.pgpass), creates or migrates the schema in an empty database, and brings the
    /// stored totals up to date for this program's rules. A database with other tables and no celedger
    /// schema is `.notALedger` and left untouched.
    public static func open(
        uri: String, pinyinLoader: @escaping @Sendable () -> PinyinIndex, rules: [RuleSet], actor: String
    ) throws(LedgerError) -> PostgresLedger {
        let connection = try PGConnection(uri: uri)
        let location = connection.maskedURI
        do {
            // The pinyin table is read only when a migration has names to key.
            var index: PinyinIndex?
            let nameKey = { (name: String) -> String in
                if index == nil { index = pinyinLoader() }
                return index!.nameKey(of: name)
            }
            switch try PostgresSchema.migrate(connection, nameKey: nameKey) {
            case .notALedger: throw LedgerError.notALedger(path: location)
            case .newer: throw LedgerError.newerSchema(path: location)
            case .current, .migrated: break
            }
        } catch let f as PGFailure {
            // A login role without the grants a clerk gets (pg6): no clerk of this ledger.
            if f.sqlState == "42501", let login = try? connection.exec("SELECT session_user::text").first?.text(0) {
                throw LedgerError.loginRoleNotAClerk(role: login)
            }
            throw LedgerError.from(f, at: location)
        } catch let e as LedgerError {
            throw e
        } catch {
            throw LedgerError.unexpected(path: location, detail: "\(type(of: error))")
        }
        let ledger = PostgresLedger(
            location: location, connection: connection, actor: actor, pinyin: pinyinLoader, rules: rules)
        ledger.listening = ledger.listenForChanges()
        try ledger.reloadRules()
        try ledger.refreshTotals()
        return ledger
    }

    /// The same ledger on a second connection of its own, with this one's rules and clerk: an import
    /// holds its transaction there, on a thread of its own, while this connection goes on serving the
    /// screens' reads (`LedgerImporter`'s promise), instead of making them wait for the commit.
    func sibling() throws(LedgerError) -> PostgresLedger {
        let index = pinyin
        let other = PostgresLedger(
            location: location, connection: try connection.sibling(), actor: actor, pinyin: { index }, rules: shippedRules)
        other.setRules(rules)
        return other
    }

    public static func open(
        uri: String, pinyin: PinyinIndex, rules: [RuleSet], actor: String
    ) throws(LedgerError)
        -> PostgresLedger
    {
        try open(uri: uri, pinyinLoader: { pinyin }, rules: rules, actor: actor)
    }

    // MARK: Transactions

    /// Runs `body` in one write transaction, then settles the totals it changed and links the history
    /// entries it wrote, and commits; any failure rolls all of it back. Server errors become the clerk's
    /// `LedgerError`s (`LedgerError.from`), never the server's words.
    ///
    /// A transaction the server chose to end for a deadlock or a serialization failure (another writer
    /// at the same moment) is run again from the start, a few times: the body only talks to the database,
    /// so a second run is the same change made a moment later.
    ///
    /// `keep` decides from the body's value whether to commit: false rolls everything back (a dry run, an
    /// import with bad rows), and the value is still returned.
    func write<T>(keep: ((T) -> Bool)? = nil, _ body: () throws -> T) throws(LedgerError) -> T {
        lock.lock()
        defer { lock.unlock() }
        var attempt = 0
        while true {
            attempt += 1
            do {
                try reconnectIfNeeded()
                try connection.exec("BEGIN")
                do {
                    // The session's clerk when the login role is one (what the server names in the history
                    // anyway), so that a row naming the actor as its reviewer is in the clerk's own name.
                    try connection.exec(
                        "SELECT set_config('celedger.actor', coalesce((SELECT name FROM celedger_session_clerk()), $1), true)",
                        [actor])
                    let value = try body()
                    if let keep, !keep(value) {
                        try connection.exec("ROLLBACK")
                        return value
                    }
                    try settle()
                    try extendChain()
                    try connection.exec("COMMIT")
                    // Our own commit: our session's notification of it is not counted (`takeNotifications`).
                    changes += 1
                    return value
                } catch {
                    _ = try? connection.exec("ROLLBACK")
                    throw error
                }
            } catch let f as PGFailure where PostgresLedger.retried.contains(f.sqlState) && attempt < 4 {
                continue
            } catch {
                throw mapped(error)
            }
        }
    }

    /// Deadlock detected, serialization failure: the server's "run it again".
    static let retried: Set<String> = ["40P01", "40001"]

    /// Runs `body` in one read-only REPEATABLE READ transaction: every statement sees the same moment.
    func read<T>(_ body: () throws -> T) throws(LedgerError) -> T {
        lock.lock()
        defer { lock.unlock() }
        if pinned {
            do { return try body() } catch { throw mapped(error) }
        }
        do {
            try reconnectIfNeeded()
            snapshotChanges = receivedChanges()
            try connection.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            do {
                let value = try body()
                try connection.exec("COMMIT")
                return value
            } catch {
                _ = try? connection.exec("ROLLBACK")
                throw error
            }
        } catch {
            throw mapped(error)
        }
    }

    /// Runs `body` with every read in one REPEATABLE READ READ ONLY transaction: a backup and its
    /// comparison see the same moment, whatever clerks commit meanwhile (`Transfer.swift`).
    public func withSnapshot<T>(_ body: () throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        do {
            try reconnectIfNeeded()
            snapshotChanges = receivedChanges()
            try connection.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        } catch {
            throw mapped(error)
        }
        pinned = true
        defer { pinned = false }
        let value: T
        do {
            value = try body()
        } catch {
            _ = try? connection.exec("ROLLBACK")
            throw error
        }
        do { try connection.exec("COMMIT") } catch { throw mapped(error) }
        return value
    }

    /// After the server dropped the connection: a new session, which listens again; what changed while
    /// there was none is unknown, so the version moves (a screen reads once more).
    private func reconnectIfNeeded() throws(LedgerError) {
        if connection.isOK { return }
        guard connection.reset() else { throw LedgerError.cannotOpen(path: location) }
        changes += 1
        listening = listenForChanges()
        lastSequence = nil
    }

    func mapped(_ error: any Error) -> LedgerError {
        switch error {
        case let e as LedgerError: return e
        case let f as PGFailure: return clerkRefusal(f) ?? LedgerError.from(f, at: location)
        default: return LedgerError.unexpected(path: location, detail: "\(type(of: error))")
        }
    }

    /// One statement inside a transaction this ledger opened.
    @discardableResult
    func exec(_ sql: String, _ params: [String?] = []) throws(PGFailure) -> PGRows {
        try connection.exec(sql, params)
    }

    // MARK: Values as libpq's text

    /// Timestamps in the ledger: UTC, second precision, ISO 8601 (as SQLite's).
    static func now() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: Date())
    }

    /// A PostgreSQL array literal of integers, for `= ANY($1::bigint[])`.
    static func array(_ ids: some Sequence<Int64>) -> String { "{" + ids.map(String.init).joined(separator: ",") + "}" }

    /// A PostgreSQL array literal of text (each element quoted, `"` and `\` escaped).
    static func textArray(_ values: some Sequence<String?>) -> String {
        // By bytes: the hash chain sends tens of thousands of digests at a time through here.
        var out: [UInt8] = [0x7B]
        for (i, v) in values.enumerated() {
            if i > 0 { out.append(0x2C) }
            guard var v else {
                out.append(contentsOf: "NULL".utf8)
                continue
            }
            out.append(0x22)
            v.withUTF8 { u in
                for b in u {
                    if b == 0x5C || b == 0x22 { out.append(0x5C) }
                    out.append(b)
                }
            }
            out.append(0x22)
        }
        out.append(0x7D)
        return String(decoding: out, as: UTF8.self)
    }

    /// The first day of `year`, as ISO text: "active in year" compares a status date with it.
    static func yearStart(_ year: Int) -> String {
        let y = String(year)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-01-01"
    }

    /// SQL for "active in year $n" on person `p`: the rule of `Person.isActive(in:)`.
    static func activeSQL(_ parameter: String) -> String {
        "(p.status = 'active' OR p.status_date >= \(parameter))"
    }

    // MARK: Rules

    func composeRules(own: [RuleSet]) -> RuleBook {
        let ownIDs = Set(own.map(\.id))
        return RuleBook(shippedRules.filter { !ownIDs.contains($0.id) } + own)
    }

    /// The ledger's own rule sets, in the order they were added (Rules.swift).
    func storedRuleSets() throws -> [OwnRuleSet] {
        try exec("SELECT id, json, added_at, added_by FROM rule_set WHERE removed_at IS NULL ORDER BY added_at, id").rows.map {
            row throws(LedgerError) in
            do throws(RuleSet.Problem) {
                return OwnRuleSet(set: try RuleSet.decode(Data(row.text(1).utf8)), addedAt: row.text(2), addedBy: row.text(3))
            } catch {
                // Stored only after it decoded; a later program that reads it differently says so (as on SQLite).
                throw LedgerError.unreadableStoredRuleSet(id: row.text(0), at: error.path, error.message)
            }
        }
    }

    func reloadRules() throws(LedgerError) {
        let own = try read { () throws in try storedRuleSets() }
        setRules(composeRules(own: own.map(\.set)))
    }

    // MARK: Counts for a status line

    public func counts() throws(LedgerError) -> (persons: Int, records: Int) {
        try read { () throws in
            let row = try exec("SELECT (SELECT count(*) FROM person), (SELECT count(*) FROM record)").first!
            return (row.int(0), row.int(1))
        }
    }

    public func schemaVersion() throws(LedgerError) -> String {
        try read { () throws in
            try exec("SELECT version FROM schema_version ORDER BY version DESC LIMIT 1").first?.text(0) ?? "none"
        }
    }

    /// `changes` with what libpq has received counted in, without a round trip; nil when not listening
    /// (then nothing may be kept on its strength). The caller holds the lock.
    func receivedChanges() -> Int64? {
        guard listening, let n = connection.takeNotifications(channel: PostgresSchema.changeChannel) else { return nil }
        changes += Int64(n)
        return changes
    }

    /// Moves whenever the ledger's content may have changed, by this process or another. Listening (pg7),
    /// it sends nothing to the server: it counts the notifications libpq has received (`Notify.swift`), so
    /// a screen polling it four times a second costs the server nothing while nobody writes, and sees
    /// another clerk's commit at the next poll. When the connection broke it reconnects, listens again and
    /// moves. While another thread holds the connection (a read, or a search waiting for the index that
    /// `prepareSearch` reads on its own connection) it answers what it knows at once: notifications
    /// received meanwhile wait in libpq for the next look.
    /// Without listening (a hot standby) it reads the change sequence, which moves on a failed write too.
    public func version() throws(LedgerError) -> Int64 {
        guard lock.try() else { return changes }
        defer { lock.unlock() }
        do {
            try reconnectIfNeeded()
            if listening {
                if let n = connection.takeNotifications(channel: PostgresSchema.changeChannel) {
                    changes += Int64(n)
                } else {
                    try reconnectIfNeeded()
                }
                return changes
            }
            let s = try changeSequence()
            if let last = lastSequence, last != s { changes += 1 }
            lastSequence = s
            return changes
        } catch {
            throw mapped(error)
        }
    }
}
