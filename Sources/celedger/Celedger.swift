import ArgumentParser
import CeledgerDomain
import CeledgerLedger
import CeledgerPostgres
import CeledgerSQLite
import CeledgerTUI
import CeledgerText
import Foundation

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Ledger file, or a PostgreSQL server's ledger as postgresql://user@host:port/db (default: $CELEDGER_DB, else $XDG_DATA_HOME/celedger/ledger.sqlite).",
            valueName: "path"))
    var db: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Language of messages: zh or en (default: from the locale, Chinese first).", valueName: "zh|en"))
    var lang: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Who is working, for the history, cards and exports; in a ledger with clerks, a clerk's name (default: $CELEDGER_USER, else the clerk the UI remembered for this ledger, else the operating-system user).",
            valueName: "name"))
    var user: String?

    func validate() throws {
        if let lang, Lang(rawValue: lang) == nil {
            throw ValidationError(Context.text("--lang 只能是 zh 或 en", "--lang takes zh or en"))
        }
        // The clerk's name goes into the history and is printed by `history` and `review list`.
        if let user, let bad = user.unicodeScalars.first(where: Message.isControlOrBidi) {
            let code = "U+" + String(bad.value, radix: 16, uppercase: true)
            throw ValidationError(
                Context.text(
                    "--user 含有控制字符或改变文字方向的字符（\(code)），请只写姓名",
                    "--user contains a control or text-direction character (\(code)); give a plain name"))
        }
    }
}

@main
struct Celedger: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "celedger",
        abstract: "继续教育登记簿 — a continuing-education registration ledger (Jiangxi measures, 2023).",
        discussion: "With no subcommand, opens the terminal UI on the ledger.",
        version: "0.1.0",
        subcommands: [
            UICommand.self, InitCommand.self, ImportCommand.self, ExportCommand.self, TemplateCommand.self, ReportCommand.self,
            DemoCommand.self, RulesCommand.self, ReviewCommand.self, CardCommand.self, HistoryCommand.self, BackupCommand.self,
            RestoreCommand.self, CheckCommand.self, MigrateCommand.self, SettingsCommand.self, EvidenceCommand.self,
            ClerkCommand.self,
        ],
        defaultSubcommand: UICommand.self
    )

    static func main() {
        // A big import allocates and frees millions of small values: keep freed memory for reuse instead
        // of returning it to the system and faulting it in again (a third of an import's time otherwise).
        MallocTuning.keepFreedMemory()
        do {
            var command = try parseAsRoot(reorderedArguments(Array(CommandLine.arguments.dropFirst())))
            try command.run()
        } catch let failure as CLIFailure {
            Context.printError("celedger: " + failure.message.text(Context.lang))
            Foundation.exit(failure.code)
        } catch let e as LedgerError {
            Context.printError("celedger: " + e.message.text(Context.lang))
            Foundation.exit(ExitStatus.of(e))
        } catch {
            // Help and version go to stdout with status 0; every usage error exits 2 (documented), not
            // the parser's own 64.
            let code = exitCode(for: error)
            let text = fullMessage(for: error)
            if code == .success {
                // Help in the user's language (the definitions stay English for the man page).
                let isHelp = text.hasPrefix("OVERVIEW:") || text.hasPrefix("USAGE:")
                Context.say(Context.lang == .zh && isHelp ? ChineseHelp.translate(text) : text)
                Foundation.exit(ExitStatus.ok)
            }
            // A usage message has several lines: each is printed as a line (sanitised, never a literal "\n").
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) { Context.printError(String(line)) }
            Foundation.exit(code == .validationFailure ? ExitStatus.usage : code.rawValue)
        }
    }
}

/// Moves the global options that precede the subcommand (`celedger --db L report annual`) after it, where
/// every subcommand's option group reads them; without a subcommand they stay for the default, the UI.
func reorderedArguments(_ arguments: [String]) -> [String] {
    var args = arguments
    var leading: [String] = []
    while let first = args.first {
        if first == "--db" || first == "--lang" || first == "--user" {
            leading += args.prefix(2)
            args.removeFirst(min(2, args.count))
        } else if first.hasPrefix("--db=") || first.hasPrefix("--lang=") || first.hasPrefix("--user=") {
            leading.append(args.removeFirst())
        } else {
            break
        }
    }
    return args + leading
}

extension ParsableCommand {
    /// The current year by the local clock.
    static var currentYear: Int { Calendar(identifier: .gregorian).component(.year, from: Date()) }
}

/// The terminal UI, also what `celedger` alone opens.
struct UICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui", abstract: "Open the terminal UI (the default when no subcommand is given).")

    @OptionGroup var global: GlobalOptions

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The year to open (default: the year last viewed, else the current year). Without --db the UI opens the ledger it had open last.",
            valueName: "year"))
    var year: Int?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Open the persons list in a view saved with V (filter, search, sort, year; kept in ~/.config/celedger/views.json).",
            valueName: "name"))
    var view: String?

    func validate() throws {
        if let year, !Day.plausibleYears.contains(year) {
            throw ValidationError(Context.text("--year 不合理：\(year)", "--year is implausible: \(year)"))
        }
    }

    func run() throws {
        guard isatty(0) == 1 && isatty(1) == 1 else {
            throw CLIFailure(
                zh: "终端界面需要在终端中运行（标准输入和输出都须是终端）；脚本请使用子命令（celedger --help）",
                en: "the terminal UI needs a terminal (standard input and output); scripts use the subcommands (celedger --help)",
                code: ExitStatus.usage)
        }
        // Plain `celedger`: the ledger used last, on the year last viewed (unless --db or $CELEDGER_DB says).
        var global = self.global
        let explicit = global.db?.isEmpty == false || Context.environment["CELEDGER_DB"]?.isEmpty == false
        let last = explicit ? nil : LastOpened.load()
        if let last { global.db = last.ledger }
        if let view, SavedViews().named(view) == nil {
            throw CLIFailure(
                zh: "没有名为“\(view)”的视图（在人员列表按 V 保存）：\(SavedViews().file.path)",
                en: "no view named \"\(view)\" (save one with V on the persons list): \(SavedViews().file.path)",
                code: ExitStatus.usage)
        }
        let (ledger, location) = try Context.openWriter(global)
        let now = Calendar(identifier: .gregorian).dateComponents([.year, .month, .day], from: Date())
        let today = Day(year: now.year!, month: now.month!, day: now.day!)!
        let lastYear = last?.year.flatMap { Day.plausibleYears.contains($0) ? $0 : nil }
        let terminal: CursesTerminal
        do {
            terminal = try CursesTerminal()
        } catch let e as TerminalError {
            throw CLIFailure(Message(zh: e.zh, en: e.en), code: ExitStatus.usage)
        }
        let size = terminal.size
        let app = App(
            ledger: ledger,
            ledgerName: PostgresURI.isServer(location) ? location : (location as NSString).lastPathComponent, lang: Context.lang,
            year: year ?? lastYear ?? today.year, today: today, reviewer: Context.actor(global), width: size.width,
            height: size.height)
        app.pinyin = (try? DataFiles.pinyin()) ?? PinyinIndex()
        // The import screen fills a roster's title levels from the same table `import persons` uses.
        app.titleLevels = DataFiles.titleLevels()
        if let view { app.open(view: view) }
        // A ledger with clerks, and no clerk named: asked once, then remembered for this ledger.
        let clerks = try ledger.clerks().filter(\.isActive)
        // (On a server the login role is the clerk: nothing to ask.)
        if !clerks.isEmpty, !PostgresURI.isServer(location), Context.explicitUser(global) == nil,
            (try ledger.actingClerk())?.isActive != true
        {
            let ledgerPath = LastOpened.absolute(location)
            let opened = global
            app.askWhoIsWorking(clerks.map(\.name)) { name in
                RememberedClerk.remember(name, forLedger: ledgerPath)
                return try? Context.openLedger(opened, as: name)
            }
        }
        TUIRunner.run(app, on: terminal) { terminal.interrupted }
        // A server's URI is kept as given, unless it carries a password: that is never written to a file.
        if !PostgresURI.isServer(location) {
            LastOpened(ledger: LastOpened.absolute(location), year: app.year).save()
        } else if PostgresURI.masked(location) == location {
            LastOpened(ledger: Context.ledgerPath(global.db), year: app.year).save()
        }
        // Ended by a signal: the shell's convention, 128 + the signal's number.
        if let signal = terminal.interruptSignal { Foundation.exit(128 + signal) }
    }
}

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create the ledger, or migrate it to the current schema. Running it again changes nothing."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Recompute every stored yearly total from the records (what check asks for when they disagree).")
    var recompute = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The employer this ledger belongs to: the unit of imported persons without one, and the issuer of its cards.",
            valueName: "name"))
    var employer: String?

    func run() throws {
        if Context.isServer(global) { return try runOnServer() }
        let path = Context.ledgerPath(global.db)
        let existed = FileManager.default.fileExists(atPath: path)
        let ledger = try Context.openLedger(global)
        if recompute {
            let progress = ProgressLine(Context.text("重算年度合计", "recomputing annual totals"))
            let n = try ledger.recomputeTotals(progress: progress.update)
            progress.finish()
            Context.say(Context.text("已重算 \(n.grouped) 个人年合计", "recomputed \(n.grouped) person-years"))
        }
        if let employer {
            try ledger.setEmployer(employer)
            print(Context.text("用人单位：\(employer.trimmedField)", "employer: \(employer.trimmedField)"))
        }
        let (persons, records) = try ledger.counts()
        let version = try ledger.schemaVersion()
        Context.say(
            existed
                ? Context.text(
                    "登记簿已就绪：\(path)（结构 \(version)；人员 \(persons.grouped)，记录 \(records.grouped)）",
                    "ledger ready: \(path) (schema \(version); \(persons.grouped) persons, \(records.grouped) records)")
                : Context.text("已创建登记簿：\(path)（结构 \(version)）", "created ledger: \(path) (schema \(version))"))
    }

    /// `init` on a PostgreSQL server: the schema is created (or migrated) in the database by opening it.
    func runOnServer() throws {
        let ledger = try Context.openPostgres(global)
        if recompute {
            let n = try ledger.recomputeTotals()
            Context.say(Context.text("已重算 \(n.grouped) 个人年合计", "recomputed \(n.grouped) person-years"))
        }
        if let employer {
            try ledger.setEmployer(employer)
            print(Context.text("用人单位：\(employer.trimmedField)", "employer: \(employer.trimmedField)"))
        }
        let (persons, records) = try ledger.counts()
        let version = try ledger.schemaVersion()
        Context.say(
            Context.text(
                "服务器登记簿已就绪：\(ledger.location)（结构 \(version)；人员 \(persons.grouped)，记录 \(records.grouped)）",
                "server ledger ready: \(ledger.location) (schema \(version); \(persons.grouped) persons, \(records.grouped) records)"
            ))
    }
}

/// glibc's malloc settings (malloc.h is not in Swift's Glibc module; the values are glibc's own).
enum MallocTuning {
    @_silgen_name("mallopt") private static func mallopt(_ parameter: Int32, _ value: Int32) -> Int32

    static func keepFreedMemory() {
        #if os(Linux)
            _ = mallopt(-1, 256 << 20)  // M_TRIM_THRESHOLD
            _ = mallopt(-2, 64 << 20)  // M_TOP_PAD
            _ = mallopt(-3, 64 << 20)  // M_MMAP_THRESHOLD
        #endif
    }
}
