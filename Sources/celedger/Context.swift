import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import CeledgerSQLite
import CeledgerSheets
import CeledgerText
import Foundation

/// A failure the command line reports as one line on stderr with an exit status; never a trace.
struct CLIFailure: Error {
    let message: Message
    let code: Int32
    init(_ message: Message, code: Int32 = 1) {
        self.message = message
        self.code = code
    }
    init(zh: String, en: String, code: Int32 = 1) { self.init(Message(zh: zh, en: en), code: code) }
}

/// Exit statuses, documented in docs/cli.md.
enum ExitStatus {
    static let ok: Int32 = 0
    static let badInput: Int32 = 1
    static let usage: Int32 = 2
    static let ledger: Int32 = 3

    /// A ledger's refusal of what was asked (a rule, a clerk's role or units, a record locked or changed
    /// meanwhile, a missing reason) is the asker's to fix: 1, like bad input. What is wrong with the ledger
    /// or its surroundings (cannot open, corrupt, busy, disk full, the data folder) is 3.
    static func of(_ e: LedgerError) -> Int32 {
        switch e {
        case .locked, .duplicateRecord, .duplicatePerson, .gone, .rejectionNeedsReason, .pendingNeedsReopen,
            .reopenNeedsReason, .personHasRecords, .yearsReversed, .changedMeanwhile, .notAClerk, .clerkRemoved,
            .roleForbids, .ownEntries, .outsideUnits, .decidedRowsNeedReviewer, .clerkExists, .noSuchClerk,
            .firstClerkMustBeAdmin, .lastAdmin, .badClerkName, .noOwnRuleSet, .invalidRuleSet, .evidenceRefused,
            .noEvidence, .evidenceRemoved, .evidenceRemovalNeedsReason, .notEnded, .clerkNeedsLoginRole, .noSuchLoginRole,
            .loginRoleTaken, .ownerSeesEverything, .serverRefused, .loginRoleNotAClerk:
            badInput
        default:
            ledger
        }
    }
}

/// What every command needs from its surroundings: language, environment, data files, stderr.
enum Context {
    static let environment = ProcessInfo.processInfo.environment

    /// `--lang` wins, then the locale. Read from argv before parsing so that parse errors are localised too.
    nonisolated(unsafe) static var lang: Lang = {
        let args = CommandLine.arguments
        for (i, a) in args.enumerated() {
            if a.hasPrefix("--lang=") { return Lang(rawValue: String(a.dropFirst(7))) ?? .zh }
            if a == "--lang", i + 1 < args.count { return Lang(rawValue: args[i + 1]) ?? .zh }
        }
        return Lang.fromEnvironment(environment)
    }()

    static func text(_ zh: String, _ en: String) -> String { lang == .zh ? zh : en }

    static var stderrIsTerminal: Bool { isatty(2) == 1 }

    /// Who is working, as the history, cards and exports name them: `--user`, else `$CELEDGER_USER`, else the
    /// clerk this OS account chose last time for this ledger (`RememberedClerk`, asked once by the UI), else
    /// the operating-system user. In a ledger with clerks the name must be an active clerk's for any write.
    static func actor(_ global: GlobalOptions) -> String {
        if let u = explicitUser(global) { return u }
        if let name = RememberedClerk.name(forLedger: LastOpened.absolute(ledgerPath(global.db))) { return name }
        return userName
    }

    /// The name given for this run (`--user`, else `$CELEDGER_USER`), nil when none was.
    static func explicitUser(_ global: GlobalOptions) -> String? {
        if let u = global.user?.trimmingCharacters(in: .whitespaces), !u.isEmpty { return u }
        if let e = environment["CELEDGER_USER"]?.trimmingCharacters(in: .whitespaces), !e.isEmpty,
            !e.unicodeScalars.contains(where: Message.isControlOrBidi)
        {
            return e
        }
        return nil
    }

    /// The operating-system user.
    static var userName: String {
        if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return environment["USER"] ?? "unknown"
    }

    /// One line on stderr, through the one sanitiser (`TerminalText`): control and text-direction
    /// characters from the user's data (a line break inside a cell, an escape sequence) are shown as
    /// visible escapes, so a message stays one line and cannot drive the terminal.
    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((TerminalText.sanitized(line) + "\n").utf8))
    }

    /// Text for a person on stdout (a table, a summary line), through the same sanitiser; its own line
    /// breaks and tabs are layout and stay.
    static func say(_ text: String, terminator: String = "\n") {
        Swift.print(TerminalText.sanitized(text, keepingLayout: true), terminator: terminator)
    }

    /// Data on stdout (CSV, JSON lines): exact for a program reading it, through the sanitiser when
    /// stdout is a terminal (a person reads it there).
    static func data(_ text: String, terminator: String = "\n") {
        if OutputSink.stdoutIsTerminal {
            say(text, terminator: terminator)
        } else {
            Swift.print(text, terminator: terminator)
        }
    }

    /// The ledger's path: --db, else $CELEDGER_DB, else the XDG default.
    static func ledgerPath(_ option: String?) -> String {
        if let o = option, !o.isEmpty { return o }
        if let e = environment["CELEDGER_DB"], !e.isEmpty { return e }
        return SQLiteLedger.defaultPath(environment: environment)
    }

    /// Opens the ledger: read-only for commands that only read, so that they never change the file, never
    /// wait for a writer and work on a read-only copy.
    /// A ledger opened for writing first brings its stored totals up to date (a ledger just migrated, or
    /// rules that changed), with progress on a terminal.
    static func openLedger(
        _ global: GlobalOptions, access: SQLiteLedger.Access = .readWrite, as name: String? = nil
    ) throws -> SQLiteLedger {
        // A server's URI is no file name: a command made for the file alone refuses it (never creates a
        // folder "postgresql:"); those that run on a server open it through `openPostgres`.
        if isServer(global) { throw notOnServer(global) }
        let folder = try DataFiles.require()
        var progress: ProgressLine?
        defer { progress?.finish() }
        do {
            return try folder.openLedger(path: ledgerPath(global.db), access: access, actor: name ?? actor(global)) {
                progress = ProgressLine(text("重算年度合计", "recomputing annual totals"))
                return progress!.update
            }
        } catch {
            throw CLIFailure(error.message, code: ExitStatus.ledger)
        }
    }
}

/// Files under data/: rule sets, the pinyin table, demo pools. Found through $CELEDGER_DATA, beside the
/// installed binary (../share/celedger), or in the source tree the binary was built in.
enum DataFiles {
    static let folder: DataFolder? = DataFolder.locate(
        environment: Context.environment,
        executable: CommandLine.arguments[0].contains("/")
            ? CommandLine.arguments[0] : (Bundle.main.executablePath ?? CommandLine.arguments[0]))

    static func require() throws -> DataFolder {
        guard let d = folder else { throw CLIFailure(DataFolder.notFound.message, code: ExitStatus.ledger) }
        return d
    }

    /// Data-folder problems stop the command with exit status 3.
    static func run<T>(_ body: (DataFolder) throws(LedgerError) -> T) throws -> T {
        let folder = try require()
        do {
            return try body(folder)
        } catch {
            throw CLIFailure(error.message, code: ExitStatus.ledger)
        }
    }

    static func read(_ relative: String) throws -> String { try run { folder throws(LedgerError) in try folder.read(relative) } }
    /// Title → level (data/titles/title-levels.csv); empty when the table is missing.
    static func titleLevels() -> [String: String] {
        guard let text = try? folder?.read("titles/title-levels.csv") else { return [:] }
        return RosterSource.titleLevels(csv: text)
    }
    static func pinyin() throws -> PinyinIndex { try run { folder throws(LedgerError) in try folder.pinyin() } }
    static func rules() throws -> [RuleSet] { try run { folder throws(LedgerError) in try folder.ruleSets() } }
}

/// Progress on stderr when it is a terminal; nothing when it is not.
final class ProgressLine {
    let label: String
    let enabled = Context.stderrIsTerminal
    var last = Date.distantPast
    var shown = false

    init(_ label: String) { self.label = label }

    func update(_ done: Int, _ total: Int?) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(last) >= 0.1 || (total != nil && done >= total!) else { return }
        last = now
        var s = "\r\(label) "
        if let total, total > 0 {
            s += "\(min(100, done * 100 / total))%"
        } else {
            s += "\(done)"
        }
        FileHandle.standardError.write(Data((s + "\u{1B}[K").utf8))
        shown = true
    }

    func finish() {
        guard enabled, shown else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

/// Writes a command's output to stdout, or to the file `-o` names through `OutputFile` (a regular file
/// replaced atomically, a device or FIFO written through, a symbolic link refused; temporary files 0600).
struct OutputSink {
    let path: String?
    private var buffer = Data()
    private var file: OutputFile?
    private var failure: SheetError?
    static let stdoutIsTerminal = isatty(1) == 1

    init(path: String?) throws {
        self.path = path
        if let path, path != "-" {
            do {
                file = try OutputFile(path: path)
            } catch {
                throw CLIFailure(error.text)
            }
        }
    }

    mutating func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Takes the bytes and leaves `bytes` empty, ready for more.
    mutating func write(_ bytes: inout JSONWriter) {
        buffer.append(contentsOf: bytes.bytes)
        bytes.bytes.removeAll(keepingCapacity: true)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Writes what is buffered; a failure to write a file is kept and reported by `close`.
    mutating func flush() {
        guard !buffer.isEmpty else { return }
        if let file {
            if failure == nil {
                do { try file.write(buffer) } catch { failure = error }
            }
        } else {
            // Data for a program stays exact; on a terminal it is shown through the sanitiser.
            if Self.stdoutIsTerminal {
                FileHandle.standardOutput.write(
                    Data(TerminalText.sanitized(String(decoding: buffer, as: UTF8.self), keepingLayout: true).utf8))
            } else {
                FileHandle.standardOutput.write(buffer)
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    mutating func close() throws {
        flush()
        guard let file else { return }
        if let failure {
            file.abandon()
            throw CLIFailure(failure.text)
        }
        do {
            try file.commit()
        } catch {
            throw CLIFailure(error.text)
        }
    }

    func abandon() {
        file?.abandon()
    }
}
