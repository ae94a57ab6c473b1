import CeledgerDomain
import CeledgerLedger
import Foundation
internal import GRDB

/// The ledger: one SQLite file. Application code goes through this type, whose interface speaks in
/// domain terms, so that another database could stand behind it one day.
public final class SQLiteLedger: Sendable {
    /// Where the ledger lives, for messages.
    public let path: String
    /// Who this ledger object acts as: the name the history records for its changes (`--user`, else
    /// `$CELEDGER_USER`, else the remembered clerk, else the OS user); in a ledger with clerks, a clerk's name.
    public let actor: String
    let db: any DatabaseWriter
    /// Fills each person's search initials and name key. Loaded on first use: most commands never write a
    /// name, and parsing the table is most of a reading command's start-up.
    let pinyinSource: PinyinSource
    /// The persons list's search index, while the ledger does not change.
    let cachedSearch = Locked<SQLiteSearch?>(nil)
    /// Signalled when the search index `prepareSearch` reads in the background is ready.
    let searchBeingRead = Locked<DispatchSemaphore?>(nil)
    /// What `prepareSearch` is reading or about to: the index, and each year's flags.
    let searchPreparing = Locked(SearchPreparing())
    /// The year whose search flags `prepareSearch` was last asked for.
    let searchYearWanted = Locked<Int?>(nil)
    /// Whether the persons list counts and pages a search in memory (tests turn it off to compare with
    /// SQL's answer).
    let searchesInMemory = Locked(true)

    var pinyin: PinyinIndex { pinyinSource.index }
    /// The rule sets shipped with the program (data/rules); the ledger adds its own.
    let shippedRules: [RuleSet]
    private let ruleLock = NSLock()
    nonisolated(unsafe) private var book: RuleBook

    /// How long a writer waits for another process's lock before it gives up with a clear message.
    public static let busyTimeout: TimeInterval = 5

    init(
        path: String, db: any DatabaseWriter, pinyin: PinyinSource, rules: [RuleSet],
        actor: String
    ) throws(LedgerError) {
        self.path = path
        self.actor = SQLiteLedger.actorName(actor)
        self.db = db
        self.pinyinSource = pinyin
        self.shippedRules = rules
        self.book = RuleBook(rules)
        try reloadRules()
    }

    /// The rule sets that judge this ledger's years: the shipped ones and the ledger's own (an own set
    /// with a shipped set's id replaces it).
    public var rules: RuleBook {
        ruleLock.lock()
        defer { ruleLock.unlock() }
        return book
    }

    /// Reads the ledger's own rule sets again.
    func reloadRules() throws(LedgerError) {
        setRules(composeRules(own: try ownRuleSets().map(\.set)))
    }

    func setRules(_ next: RuleBook) {
        ruleLock.lock()
        book = next
        ruleLock.unlock()
    }

    /// A private in-memory ledger, for tests.
    public static func inMemory(
        pinyin: PinyinIndex = PinyinIndex(), actor: String = "test", rules: [RuleSet]
    ) throws -> SQLiteLedger {
        let source = PinyinSource { pinyin }
        let queue = try DatabaseQueue(configuration: configuration(actor: actor, pinyin: source))
        try Schema.migrator.migrate(queue)
        let ledger = try SQLiteLedger(path: ":memory:", db: queue, pinyin: source, rules: rules, actor: actor)
        try ledger.refreshTotals()
        return ledger
    }

    static func configuration(
        readonly: Bool = false, actor: String = "celedger", pinyin: PinyinSource? = nil
    )
        -> Configuration
    {
        var c = Configuration()
        c.foreignKeysEnabled = true
        c.readonly = readonly
        c.busyMode = .timeout(busyTimeout)
        c.label = "celedger"
        // Who makes the changes: the history triggers ask each connection.
        let who = actorName(actor)
        c.prepareDatabase { db in
            db.add(function: DatabaseFunction(Schema.actorFunction, argumentCount: 0, pure: false) { _ in who })
            // A name's key in the order by name, for the migration that fills the existing rows' keys.
            if let pinyin {
                db.add(
                    function: DatabaseFunction(Schema.nameKeyFunction, argumentCount: 1, pure: true) { values in
                        guard let name = String.fromDatabaseValue(values[0]) else { return nil }
                        return pinyin.index.nameKey(of: name)
                    })
            }
            // Each b-tree page is checked further as it is read, so damage fails the read that meets it
            // instead of passing for fewer rows.
            try db.execute(sql: "PRAGMA cell_size_check = ON")
        }
        return c
    }

    /// The name recorded for an actor: "unknown" for none.
    static func actorName(_ actor: String) -> String { actor.isEmpty ? "unknown" : actor }

    /// Opens the ledger at `path`, creating it (mode 0600, parent folders 0700) when it does not exist,
    /// and migrating it to the current schema. A file that is not a ledger is never written to.
    public enum Access: Sendable {
        /// Creates the ledger when missing and migrates it when behind.
        case readWrite
        /// Never writes: the file must exist and be current. Reads go on while another process writes.
        case readOnly
    }

    /// Opens the ledger at `path`. `actor` names who makes the changes in the history (the OS user, or
    /// `--user`).
    public static func open(
        path: String, pinyin: PinyinIndex, rules: [RuleSet], access: Access = .readWrite, actor: String = "celedger"
    ) throws(LedgerError) -> SQLiteLedger {
        try open(path: path, pinyinLoader: { pinyin }, rules: rules, access: access, actor: actor)
    }

    /// Opens the ledger with the pinyin table read only when a name is first written.
    public static func open(
        path: String, pinyinLoader: @escaping @Sendable () -> PinyinIndex, rules: [RuleSet], access: Access = .readWrite,
        actor: String = "celedger"
    ) throws(LedgerError) -> SQLiteLedger {
        let pinyin = PinyinSource(pinyinLoader)
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDir) {
            if isDir.boolValue {
                throw LedgerError.isFolder(path: path)
            }
            try checkIsLedger(path)
            try checkWritable(path, access: access)
        } else if access == .readOnly {
            throw LedgerError.noLedger(path: path)
        } else {
            try create(path)
        }
        do {
            switch access {
            case .readWrite:
                // One connection: the CLI and the UI write from one thread, and other processes still read
                // beside it because the file is in WAL mode. (A pool would write to the file on opening,
                // to set WAL up, even when the command then writes nothing.)
                var config = configuration(actor: actor, pinyin: pinyin)
                config.prepareDatabase { db in
                    // Persistent in the file; a no-op read when it is already WAL.
                    if try String.fetchOne(db, sql: "PRAGMA journal_mode") != "wal" {
                        try db.execute(sql: "PRAGMA journal_mode = WAL")
                    }
                }
                let pool = try DatabaseQueue(path: path, configuration: config)
                // Migrate only when behind, so that opening a current ledger writes nothing; a ledger with
                // data is copied aside first, so a migration can never lose it.
                let applied = try pool.read { try Schema.migrator.appliedIdentifiers($0) }
                if try pool.read({ try !Schema.migrator.hasCompletedMigrations($0) }) {
                    if let last = applied.sorted().last {
                        try backupBeforeMigration(pool, path: path, from: last)
                    }
                    try Schema.migrator.migrate(pool)
                }
                return try SQLiteLedger(path: path, db: pool, pinyin: pinyin, rules: rules, actor: actor)
            case .readOnly:
                let reader: any DatabaseWriter
                if needsImmutableOpen(path) {
                    // The system SQLite is built with URI file names enabled.
                    let escaped = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
                    reader = try DatabaseQueue(
                        path: "file:\(escaped)?immutable=1", configuration: configuration(readonly: true, actor: actor))
                } else {
                    reader = try DatabasePool(path: path, configuration: configuration(readonly: true, actor: actor))
                }
                let pool = reader
                if try pool.read({ try !Schema.migrator.hasCompletedMigrations($0) }) {
                    throw LedgerError.olderSchema(path: path)
                }
                return try SQLiteLedger(path: path, db: pool, pinyin: pinyin, rules: rules, actor: actor)
            }
        } catch let e as LedgerError {
            throw e
        } catch {
            throw LedgerError.from(error, path: path)
        }
    }

    /// Copies the ledger to `<path>.backup-<its schema>-<UTC time>.sqlite` through SQLite's backup API.
    static func backupBeforeMigration(_ pool: DatabaseQueue, path: String, from version: String) throws {
        let stamp = SQLiteLedger.now().filter { $0.isNumber }
        let target = "\(path).backup-\(version)-\(stamp).sqlite"
        try create(target)
        let copy = try DatabaseQueue(path: target)
        try pool.backup(to: copy)
        try copy.close()
    }

    /// A ledger that cannot be written says so before SQLite gives a vaguer "cannot open". SQLite needs to
    /// write beside the ledger even to read it in WAL mode (its -shm file), unless that file is there.
    static func checkWritable(_ path: String, access mode: Access) throws(LedgerError) {
        let dir = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        let fileWritable = Foundation.access(path, W_OK) == 0
        let dirWritable = Foundation.access(dir, W_OK) == 0
        switch mode {
        case .readWrite:
            if !fileWritable || !dirWritable { throw LedgerError.readOnly(path: path) }
        case .readOnly:
            break  // see `needsImmutableOpen`
        }
    }

    /// A ledger in a read-only place (a read-only mount, a CD, a colleague's share) cannot get the -shm
    /// file SQLite's WAL mode needs even for reading; nothing can change it there either, so it is opened
    /// as immutable.
    static func needsImmutableOpen(_ path: String) -> Bool {
        let dir = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        return Foundation.access(dir, W_OK) != 0 && !FileManager.default.fileExists(atPath: path + "-shm")
    }

    /// Creates an empty file with owner-only permissions; SQLite gives its -wal and -shm files the same.
    static func create(_ path: String) throws(LedgerError) {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty && !FileManager.default.fileExists(atPath: dir) {
            do {
                try FileManager.default.createDirectory(
                    atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw LedgerError.cannotCreateFolder(path: dir, reason: reason(errno))
            }
        }
        let fd = Foundation.open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        if fd < 0 {
            let e = errno
            throw LedgerError.cannotCreateLedger(path: path, reason: reason(e))
        }
        fchmod(fd, 0o600)
        close(fd)
    }

    static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// A non-empty file must be a SQLite database carrying our application id, or a blank database of one
    /// page. Read from the file header alone: opening a foreign database, even read-only, could create
    /// -wal and -shm files beside it.
    static func checkIsLedger(_ path: String) throws(LedgerError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw LedgerError.cannotRead(path: path, reason: reason(errno))
        }
        let header = [UInt8]((try? handle.read(upToCount: 100)) ?? Data())
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.close()
        if header.isEmpty { return }
        guard header.count == 100, header.prefix(16).elementsEqual(Array("SQLite format 3\0".utf8)) else {
            throw LedgerError.notALedger(path: path)
        }
        func bigEndian(_ offset: Int) -> UInt32 {
            header[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) }
        }
        let appID = Int32(bitPattern: bigEndian(68))
        // The page size is at offset 16 (1 means 65536).
        let rawPageSize = Int(header[16]) << 8 | Int(header[17])
        let pageSize = rawPageSize == 1 ? 65536 : rawPageSize
        let blank = appID == 0 && size <= UInt64(pageSize) && bigEndian(40) == 0  // one page, schema cookie 0
        if appID != Schema.applicationID && !blank {
            throw LedgerError.notALedger(path: path)
        }
    }

    /// The ledger's default location: $XDG_DATA_HOME/celedger/ledger.sqlite, else
    /// ~/.local/share/celedger/ledger.sqlite.
    public static func defaultPath(environment env: [String: String]) -> String {
        if let xdg = env["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            return xdg + "/celedger/ledger.sqlite"
        }
        let home = env["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.local/share/celedger/ledger.sqlite"
    }

    /// Runs `body` in one write transaction and settles the totals it changed and links the history
    /// entries it wrote (`HistoryChain`) before committing; SQLite errors become clear ledger errors.
    func write<T>(_ body: (Database) throws -> T) throws(LedgerError) -> T {
        do {
            return try db.write { db in
                let chained = try HistoryChain.lastEntry(db)
                let value = try body(db)
                try settle(db)
                try HistoryChain.extend(db, after: chained)
                return value
            }
        } catch {
            throw LedgerError.from(error, path: path)
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws(LedgerError) -> T {
        do {
            return try db.read(body)
        } catch {
            throw LedgerError.from(error, path: path)
        }
    }

    /// Changes when the ledger's content may have changed: by another process (SQLite's data version) or
    /// through this ledger (its connection's count of changed rows). Screens read again only when it moved.
    public func version() throws(LedgerError) -> Int64 {
        try read { db in try SQLiteLedger.version(db) }
    }

    /// `version()` on a connection already in hand. Its data version counts apart from other
    /// connections', so a value is only comparable with one taken on the same connection.
    static func version(_ db: Database) throws -> Int64 {
        let row = try Row.fetchOne(db, sql: "SELECT (SELECT data_version FROM pragma_data_version()), total_changes()")!
        return (row[0] as Int64) << 40 | (row[1] as Int64)
    }

    /// Counts for a status line.
    public func counts() throws(LedgerError) -> (persons: Int, records: Int) {
        try read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM person") ?? 0,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM record") ?? 0
            )
        }
    }

    public func schemaVersion() throws(LedgerError) -> String {
        try read { db in try Schema.migrator.appliedMigrations(db).last ?? "none" }
    }

    /// Timestamps in the ledger: UTC, second precision, ISO 8601.
    static func now() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: Date())
    }
}

/// The pinyin tables, read once when first needed and shared by the ledger's writes and its connection's
/// key function (the migration that fills the name keys).
final class PinyinSource: Sendable {
    private let loader: @Sendable () -> PinyinIndex
    private let loaded = Locked<PinyinIndex?>(nil)

    init(_ loader: @escaping @Sendable () -> PinyinIndex) { self.loader = loader }

    var index: PinyinIndex {
        loaded.withLock { value in
            if let value { return value }
            let p = loader()
            value = p
            return p
        }
    }
}
