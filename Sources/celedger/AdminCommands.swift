import ArgumentParser
import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import CeledgerPostgres
import CeledgerSQLite
import CeledgerText
import Foundation

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Every change to a person and their records: when, who, what (append-only).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The person's ID number.", valueName: "id-number"))
    var idNumber: String

    @Option(name: .long, help: "table or json")
    var format: DataFormatTable = .table

    enum DataFormatTable: String, ExpressibleByArgument, CaseIterable { case table, json }

    func run() throws {
        let id: ResidentID
        switch ResidentID.parse(idNumber) {
        case .success(let v): id = v
        case .failure(let p): throw CLIFailure(p.message, code: ExitStatus.badInput)
        }
        let ledger = try Context.openForReports(global)
        let entries = try ledger.history(idNumber: id.value)
        if try entries.isEmpty && ledger.personRowID(idNumber: id.value) == nil {
            throw CLIFailure(
                zh: "登记簿中没有此人（\(id.masked)）", en: "no person with this ID number (\(id.masked)) in the ledger",
                code: ExitStatus.badInput)
        }
        switch format {
        case .json:
            Context.data("[")
            for (i, e) in entries.enumerated() {
                func values(_ d: [String: String]) -> String {
                    JSON.object(d.keys.sorted().map { ($0, JSON.string(d[$0]!)) })
                }
                Context.data(
                    JSON.object([
                        ("at", JSON.string(e.at)), ("actor", JSON.string(e.actor)), ("action", JSON.string(e.action.rawValue)),
                        ("entity", JSON.string(e.entity.rawValue)), ("entity_id", String(e.entityID)),
                        ("old", e.old.isEmpty ? "null" : values(e.old)), ("new", e.new.isEmpty ? "null" : values(e.new)),
                    ]) + (i + 1 < entries.count ? "," : ""))
            }
            Context.data("]")
        case .table:
            let zh = Context.lang == .zh
            let zone = HistoryEntry.offsetLabel(.current)
            var table = TextTable(columns: [
                .init(zh ? "时间（本机，\(zone)）" : "When (local, \(zone))", maxWidth: 26),
                .init(zh ? "操作人" : "Who", maxWidth: 12),
                .init(zh ? "操作" : "What", maxWidth: 22), .init(zh ? "内容" : "Details", maxWidth: 200),
            ])
            for e in entries { table.append([e.when(in: .current), e.actor, e.what(Context.lang), e.details(Context.lang)]) }
            for line in table.render() { Context.say(line) }
        }
    }
}

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract:
            "Copy the ledger to a new SQLite file, consistent even while it is in use (SQLite's online backup; of a server, one snapshot)."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The new file (must not exist).", valueName: "file"))
    var file: String

    func run() throws {
        if Context.isServer(global) { return try ServerBackup.run(global, to: file) }
        let ledger = try Context.openLedger(global, access: .readOnly)
        try ledger.backup(to: file)
        let (p, r) = try ledger.counts()
        Context.say(
            Context.text(
                "已备份：\(p.grouped) 人，\(r.grouped) 条记录 → \(file)", "backed up \(p.grouped) persons, \(r.grouped) records → \(file)")
        )
    }
}

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Replace the ledger with a backup. Asks first (or --yes); the current ledger is kept beside it.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The backup to restore.", valueName: "file"))
    var file: String

    @Flag(name: .long, help: "Do not ask (for scripts).")
    var yes = false

    func run() throws {
        guard FileManager.default.fileExists(atPath: file) else {
            throw CLIFailure(zh: "找不到备份文件 \(file)", en: "no backup file \(file)", code: ExitStatus.badInput)
        }
        let ledger = try Context.openLedger(global)
        let (p, r) = try ledger.counts()
        if !yes {
            guard isatty(0) == 1 else {
                throw CLIFailure(
                    zh: "恢复会替换整个登记簿；非交互运行时请加 --yes", en: "restoring replaces the whole ledger; add --yes when not interactive",
                    code: ExitStatus.usage)
            }
            FileHandle.standardError.write(
                Data(
                    Context.text(
                        "将用 \(file) 替换登记簿 \(ledger.path)（现有 \(p.grouped) 人，\(r.grouped) 条记录，会先另存一份）。输入 yes 确认：",
                        "This replaces the ledger \(ledger.path) (now \(p.grouped) persons, \(r.grouped) records; a copy is kept first) with \(file). Type yes to confirm: "
                    ).utf8))
            guard readLine()?.trimmingCharacters(in: .whitespaces).lowercased() == "yes" else {
                throw CLIFailure(zh: "已取消，登记簿未改动", en: "cancelled; the ledger is unchanged", code: ExitStatus.badInput)
            }
        }
        let stamp = ISO8601DateFormatter().string(from: Date()).filter(\.isNumber)
        let keep = "\(ledger.path).before-restore-\(stamp).sqlite"
        try ledger.backup(to: keep)
        try ledger.restore(from: file)
        let (p2, r2) = try ledger.counts()
        Context.say(
            Context.text(
                "已恢复：\(p2.grouped) 人，\(r2.grouped) 条记录（原登记簿另存为 \(keep)）",
                "restored \(p2.grouped) persons, \(r2.grouped) records (the previous ledger is kept as \(keep))"))
    }
}

/// What `check` needs of a ledger, on either backend.
protocol CheckableLedger {
    func check(today: Day?, progress: ProgressHandler?) throws(LedgerError) -> [CheckFinding]
    func counts() throws(LedgerError) -> (persons: Int, records: Int)
    func historyHead() throws(LedgerError) -> HistoryHead?
}

extension SQLiteLedger: CheckableLedger {}
extension PostgresLedger: CheckableLedger {}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract:
            "Check the ledger: SQLite integrity and foreign keys (of a file), the history's hash chain, the stored totals, and the domain's rules on every row. Exit 1 when something is wrong."
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let ledger: any CheckableLedger =
            Context.isServer(global) ? try Context.openPostgres(global) : try Context.openLedger(global, access: .readOnly)
        let progress = ProgressLine(Context.text("检查中", "checking"))
        let findings: [CheckFinding]
        do {
            findings = try ledger.check(today: nil, progress: progress.update)
        } catch {
            progress.finish()
            throw CLIFailure(error.message, code: ExitStatus.ledger)
        }
        progress.finish()
        let lang = Context.lang
        for f in findings {
            let sev = f.severity == .error ? Context.text("错误", "error") : Context.text("警告", "warning")
            Context.say("\(sev)  \(f.location(in: lang)): \(f.message.text(lang))")
        }
        let errors = findings.filter { $0.severity == .error }.count
        let warnings = findings.count - errors
        // The head to compare with what cards and reports printed: a history rewritten whole still differs.
        // (Not of a damaged file: nothing read from it stands for the ledger, nor can its rows be counted.)
        let damaged = findings.contains(where: \.damagesFile)
        if damaged {
            Context.say(Context.text("登记簿文件已损坏：\(errors) 个错误", "the ledger file is damaged: \(errors) errors"))
            throw ExitCode(ExitStatus.badInput)
        }
        let (p, r) = try ledger.counts()
        if let h = try ledger.historyHead() {
            Context.say(Context.text("登记簿历史：\(h.line.zh)（完整：\(h.digest)）", "ledger history: \(h.line.en) (in full: \(h.digest))"))
        }
        Context.say(
            Context.text(
                "检查了 \(p.grouped) 人、\(r.grouped) 条记录：\(errors) 个错误，\(warnings) 个警告",
                "checked \(p.grouped) persons, \(r.grouped) records: \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
            ))
        if errors > 0 { throw ExitCode(ExitStatus.badInput) }
    }
}
