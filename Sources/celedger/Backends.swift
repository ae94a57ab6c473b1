import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import CeledgerPostgres
import CeledgerSQLite
import CeledgerSheets
import Foundation

/// What the report and export commands read beyond the ledger protocols (whole-ledger streams in report
/// order), so that they run on either backend: the SQLite file or a PostgreSQL server.
protocol ReportLedger: LedgerReader {
    /// The ledger's name in messages and stamps: the file's path, or the server's URI with its password
    /// masked.
    var location: String { get }
    func annualReport(year: Int, filter: ReportFilter, _ each: (AnnualRow) throws -> Void) throws(LedgerError)
    func eachPerson(activeIn year: Int?, _ each: (StoredPerson) throws -> Void) throws(LedgerError)
    func eachRecord(year: Int?, _ each: (StoredRecord) throws -> Void) throws(LedgerError)
    func eachRecordNamed(year: Int?, _ each: (StoredRecord, String) throws -> Void) throws(LedgerError)
    func personRowID(idNumber: String) throws(LedgerError) -> Int64?
    /// Every person active in at least one of `years` (of `unit` when given), in report order, with each
    /// year's totals (`report window`).
    func windowReport(
        years: ClosedRange<Int>, unit: String?, _ each: (AnnualRow, WindowResult) throws -> Void)
        throws(LedgerError)
}

/// What `demo` writes into: an empty ledger of either backend, filled in one transaction.
protocol DemoTarget {
    var location: String { get }
    func isEmpty() throws(LedgerError) -> Bool
    func bulkInsert(
        count: Int, progress: ProgressHandler?, _ next: () -> (Person, [CeledgerDomain.Record])
    ) throws(LedgerError) -> Int
}

extension SQLiteLedger: DemoTarget {}

extension PostgresLedger: DemoTarget {}

extension SQLiteLedger: ReportLedger {
    var location: String { path }
}

extension PostgresLedger: ReportLedger {
    func annualReport(year: Int, filter: ReportFilter, _ each: (AnnualRow) throws -> Void) throws(LedgerError) {
        try annualReport(year: year, unit: filter.unit, department: filter.department, status: filter.status, each)
    }
}

/// What `settings`, `card` and `review` use beyond the protocols, on either backend.
protocol CommandLedger: LedgerWriter {
    func personRowID(idNumber: String) throws(LedgerError) -> Int64?
    func reviewRecords(_ filter: RecordFilter, limit: Int?) throws(LedgerError) -> [PendingRow]
    func eachReviewRecord(_ filter: RecordFilter, limit: Int?, _ each: (PendingRow) throws -> Void) throws(LedgerError)
}

extension SQLiteLedger: CommandLedger {}
extension PostgresLedger: CommandLedger {}

/// What `evidence add` needs beyond the protocols: several files for one record in one transaction.
protocol EvidenceLedger: CommandLedger {
    func addEvidence(
        recordRowID: Int64, files: [(name: String, bytes: [UInt8])], clerk: String
    ) throws(LedgerError)
        -> [EvidenceItem]
}

extension SQLiteLedger: EvidenceLedger {}
extension PostgresLedger: EvidenceLedger {}

/// What `rules` reads and changes: the ledger's own rule sets, on either backend.
protocol RuleLedger: LedgerReader {
    func ownRuleSets() throws(LedgerError) -> [OwnRuleSet]
    func addRuleSet(_ data: Data, by actor: String) throws(LedgerError) -> [Int]
    func removeRuleSet(id: String, by actor: String) throws(LedgerError) -> [Int]
}

extension SQLiteLedger: RuleLedger {}
extension PostgresLedger: RuleLedger {}

extension CommandLedger {
    func reviewRecords(_ filter: RecordFilter) throws(LedgerError) -> [PendingRow] { try reviewRecords(filter, limit: nil) }
    func eachReviewRecord(_ filter: RecordFilter, _ each: (PendingRow) throws -> Void) throws(LedgerError) {
        try eachReviewRecord(filter, limit: nil, each)
    }
}

extension Context {
    /// The ledger of a command that works on both backends; `access` is the file's (a server's ledger
    /// is always opened for writing, and a reading command writes nothing there).
    static func openCommandLedger(_ global: GlobalOptions, access: SQLiteLedger.Access = .readWrite) throws -> any CommandLedger {
        try openEvidenceLedger(global, access: access)
    }

    /// The ledger of `evidence`, on either backend.
    static func openEvidenceLedger(_ global: GlobalOptions, access: SQLiteLedger.Access = .readWrite) throws -> any EvidenceLedger
    {
        if isServer(global) { return try openPostgres(global) }
        return try openLedger(global, access: access)
    }

    /// The ledger of `import`, on either backend, through the protocol the TUI's import screen uses too
    /// (`LedgerImporter`); a dry run opens a file read-only, so that it never changes it, even to migrate it.
    static func openImporter(_ global: GlobalOptions, dryRun: Bool) throws -> any LedgerImporter {
        if isServer(global) { return try openPostgres(global) }
        return try openLedger(global, access: dryRun ? .readOnly : .readWrite)
    }

    /// The ledger of `rules add` and `rules remove`, on either backend.
    static func openRuleLedger(_ global: GlobalOptions) throws -> any RuleLedger {
        if isServer(global) { return try openPostgres(global) }
        return try openLedger(global)
    }

    /// Whether `--db` (else CELEDGER_DB) names a PostgreSQL server rather than a file.
    static func isServer(_ global: GlobalOptions) -> Bool { PostgresURI.isServer(ledgerPath(global.db)) }

    /// Opens the PostgreSQL ledger `--db` names (creating its schema in an empty database), or fails
    /// with the clerk's message and exit status 3. The history names the clerk of the connecting login
    /// role once the ledger has clerks (pg6), `Context.actor` before.
    static func openPostgres(_ global: GlobalOptions) throws -> PostgresLedger {
        let folder = try DataFiles.require()
        let ledger: PostgresLedger
        do {
            ledger = try PostgresLedger.open(
                uri: ledgerPath(global.db), pinyinLoader: try folder.pinyinLoader(), rules: try folder.ruleSets(),
                actor: actor(global))
        } catch {
            throw CLIFailure(error.message, code: ExitStatus.ledger)
        }
        // Once the server ledger has clerks, the login role is the clerk: a name given with --user would
        // be a second, unchecked identity, so it is refused rather than ignored ($CELEDGER_USER is ignored).
        if let u = global.user?.trimmingCharacters(in: .whitespaces), !u.isEmpty,
            (try? ledger.clerks())?.contains(where: \.isActive) == true
        {
            throw CLIFailure(
                zh: "此服务器登记簿的经办人是连接所用的数据库登录角色，不用 --user；请去掉 --user \(u)，以经办人自己的登录角色连接（URI 中的 user=）",
                en:
                    "on this server ledger the clerk is the database login role you connect as, not --user: leave out --user \(u) and connect as the clerk's own login role (user= in the URI)",
                code: ExitStatus.usage)
        }
        return ledger
    }

    /// The ledger for a command that reads reports, on either backend.
    static func openForReports(_ global: GlobalOptions) throws -> any ReportLedger {
        if isServer(global) { return try openPostgres(global) }
        return try openLedger(global, access: .readOnly)
    }

    /// The ledger for the screens, on either backend.
    static func openWriter(_ global: GlobalOptions) throws -> (ledger: any LedgerWriter, location: String) {
        if isServer(global) {
            let l = try openPostgres(global)
            return (l, l.location)
        }
        let l = try openLedger(global)
        return (l, l.path)
    }

    /// What a command not yet made for PostgreSQL says there, before it touches anything.
    static func notOnServer(_ global: GlobalOptions) -> CLIFailure {
        let location = PostgresURI.masked(ledgerPath(global.db))
        // The subcommand's words as typed ("report window"), the global options and their values left out.
        var words: [String] = []
        var args = CommandLine.arguments.dropFirst()[...]
        while let a = args.popFirst() {
            if a == "--db" || a == "--lang" || a == "--user" {
                _ = args.popFirst()
            } else if a.hasPrefix("-") {
                break
            } else {
                words.append(a)
                if words.count == 2 { break }
            }
        }
        let command = words.joined(separator: " ")
        return CLIFailure(
            zh: "“\(command)”命令尚不支持 PostgreSQL 登记簿（\(location)）；可用于服务器登记簿的命令见 docs/postgresql.md",
            en:
                "the \(command) command does not work on a PostgreSQL ledger yet (\(location)); docs/postgresql.md lists the commands that do",
            code: ExitStatus.usage)
    }
}
