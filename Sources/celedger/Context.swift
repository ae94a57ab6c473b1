import CeledgerDomain
import CeledgerStore
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

    /// Who the history names for changes: `--user`, else the operating-system user.
    static func actor(_ global: GlobalOptions) -> String {
        if let u = global.user?.trimmingCharacters(in: .whitespaces), !u.isEmpty { return u }
        return userName
    }

    /// The operating-system user.
    static var userName: String {
        if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return environment["USER"] ?? "unknown"
    }

    /// One line on stderr. Control characters from the user's data (a line break inside a cell, an escape
    /// sequence) are shown as visible escapes, so a message stays one line and cannot drive the terminal.
    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((visible(line) + "\n").utf8))
    }

    static func visible(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u.value {
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x00..<0x20, 0x7F..<0xA0:
                out += "\\u{" + String(u.value, radix: 16) + "}"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    /// The ledger's path: --db, else $CELEDGER_DB, else the XDG default.
    static func ledgerPath(_ option: String?) -> String {
        if let o = option, !o.isEmpty { return o }
        if let e = environment["CELEDGER_DB"], !e.isEmpty { return e }
        return Ledger.defaultPath(environment: environment)
    }

    /// Opens the ledger: read-only for commands that only read, so that they never change the file, never
    /// wait for a writer and work on a read-only copy.
    /// A ledger opened for writing first brings its stored totals up to date (a ledger just migrated, or
    /// rules that changed), with progress on a terminal.
    static func openLedger(_ global: GlobalOptions, access: Ledger.Access = .readWrite) throws -> Ledger {
        do {
            let ledger = try Ledger.open(path: ledgerPath(global.db), pinyinLoader: try DataFiles.pinyinLoader(), rules: try DataFiles.rules(),
                                         access: access, actor: actor(global))
            if access == .readWrite, try ledger.totalsNeedRefresh() {
                let progress = ProgressLine(text("重算年度合计", "recomputing annual totals"))
                try ledger.refreshTotals(progress: progress.update)
                progress.finish()
            }
            return ledger
        } catch let e as LedgerError {
            throw CLIFailure(e.message, code: ExitStatus.ledger)
        }
    }
}

/// Files under data/: rule sets, the pinyin table, demo pools. Found through $CELEDGER_DATA, beside the
/// installed binary (../share/celedger), or in the source tree the binary was built in.
enum DataFiles {
    static let directory: String? = {
        let fm = FileManager.default
        func ok(_ d: String) -> Bool { fm.fileExists(atPath: d + "/rules") }
        if let d = Context.environment["CELEDGER_DATA"], ok(d) { return d }
        let exe = URL(fileURLWithPath: CommandLine.arguments[0].contains("/")
            ? CommandLine.arguments[0] : (Bundle.main.executablePath ?? CommandLine.arguments[0])).resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        let share = dir.appendingPathComponent("../share/celedger").standardized.path
        if ok(share) { return share }
        for _ in 0..<8 {
            let candidate = dir.appendingPathComponent("data").path
            if ok(candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        let cwd = fm.currentDirectoryPath + "/data"
        return ok(cwd) ? cwd : nil
    }()

    static func require() throws -> String {
        guard let d = directory else {
            throw CLIFailure(zh: "找不到数据目录（规则、拼音表）；请设置 CELEDGER_DATA 指向 data/ 目录",
                             en: "cannot find the data folder (rules, pinyin table); set CELEDGER_DATA to the data/ folder",
                             code: ExitStatus.ledger)
        }
        return d
    }

    static func read(_ relative: String) throws -> String {
        let path = try require() + "/" + relative
        guard let data = FileManager.default.contents(atPath: path), let s = String(data: data, encoding: .utf8) else {
            throw CLIFailure(zh: "无法读取数据文件 \(path)", en: "cannot read data file \(path)", code: ExitStatus.ledger)
        }
        return s
    }

    static func pinyin() throws -> PinyinIndex {
        PinyinIndex(table: try read("pinyin/initials.tsv"))
    }

    /// The pinyin table, read when first needed; its absence is an error at once.
    static func pinyinLoader() throws -> @Sendable () -> PinyinIndex {
        let path = try require() + "/pinyin/initials.tsv"
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw CLIFailure(zh: "无法读取数据文件 \(path)", en: "cannot read data file \(path)", code: ExitStatus.ledger)
        }
        return {
            let data = FileManager.default.contents(atPath: path) ?? Data()
            return PinyinIndex(table: String(decoding: data, as: UTF8.self))
        }
    }

    /// Every rule set under data/rules/; a bad file stops with its name and the path of the bad value.
    static func rules() throws -> [RuleSet] {
        let dir = try require() + "/rules"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        var sets: [RuleSet] = []
        for name in names {
            let path = dir + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CLIFailure(zh: "无法读取规则文件 \(path)", en: "cannot read rule file \(path)", code: ExitStatus.ledger)
            }
            do {
                sets.append(try RuleSet.decode(data))
            } catch {
                let at = error.path.isEmpty ? "" : " \(error.path)"
                throw CLIFailure(zh: "规则文件 \(path)\(at)：\(error.message.zh)", en: "rule file \(path)\(at): \(error.message.en)", code: ExitStatus.ledger)
            }
        }
        if sets.isEmpty {
            throw CLIFailure(zh: "\(dir) 中没有规则文件", en: "no rule files in \(dir)", code: ExitStatus.ledger)
        }
        return sets
    }
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

/// Writes output to a file atomically (temporary file, then rename) or to stdout.
struct OutputSink {
    let path: String?
    private var buffer = Data()
    private var handle: FileHandle?
    private var tempPath: String?

    init(path: String?) throws {
        self.path = path
        if let path, path != "-" {
            let temp = path + ".tmp-\(getpid())"
            guard FileManager.default.createFile(atPath: temp, contents: nil, attributes: [.posixPermissions: 0o600]),
                  let h = FileHandle(forWritingAtPath: temp) else {
                throw CLIFailure(zh: "无法写入 \(path)：\(String(cString: strerror(errno)))", en: "cannot write \(path): \(String(cString: strerror(errno)))")
            }
            handle = h
            tempPath = temp
        }
    }

    mutating func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Takes the bytes and leaves `bytes` empty, ready for more.
    mutating func write(_ bytes: inout JSONBytes) {
        buffer.append(contentsOf: bytes.bytes)
        bytes.bytes.removeAll(keepingCapacity: true)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        (handle ?? FileHandle.standardOutput).write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    mutating func close() throws {
        flush()
        if let handle, let tempPath, let path {
            try? handle.synchronize()
            try? handle.close()
            if rename(tempPath, path) != 0 {
                unlink(tempPath)
                throw CLIFailure(zh: "无法写入 \(path)：\(String(cString: strerror(errno)))", en: "cannot write \(path): \(String(cString: strerror(errno)))")
            }
        }
    }

    func abandon() {
        if let tempPath { unlink(tempPath) }
    }
}
