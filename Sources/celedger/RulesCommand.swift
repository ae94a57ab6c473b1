import ArgumentParser
import CeledgerDomain
import CeledgerLedger
import CeledgerSQLite
import CeledgerText
import Foundation

/// `celedger rules`: what judges each year, the numbers and their sources, and checking or adding a
/// unit's own rule file.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "Rule sets: list, show, check a file, add or remove a ledger's own.",
        subcommands: [RulesList.self, RulesShow.self, RulesCheck.self, RulesAdd.self, RulesRemove.self])
}

/// The rule book a reading command sees: the ledger's when there is one, else the shipped sets alone.
func ruleBookForReading(_ global: GlobalOptions) throws -> (book: RuleBook, own: [OwnRuleSet], ledger: (any RuleLedger)?) {
    if Context.isServer(global) {
        let ledger = try Context.openPostgres(global)
        return (ledger.rules, try ledger.ownRuleSets(), ledger)
    }
    let path = Context.ledgerPath(global.db)
    guard FileManager.default.fileExists(atPath: path) else { return (RuleBook(try DataFiles.rules()), [], nil) }
    let ledger = try Context.openLedger(global, access: .readOnly)
    return (ledger.rules, try ledger.ownRuleSets(), ledger)
}

extension RuleSet {
    /// "2023-03-01 起" / "from 2023-03-01", with the end when there is one.
    func period(_ lang: Lang) -> String {
        let to = effectiveTo.map { lang == .zh ? " 至 \($0.iso)" : " to \($0.iso)" } ?? ""
        return lang == .zh ? "\(effectiveFrom.iso) 起\(to)" : "from \(effectiveFrom.iso)\(to)"
    }
}

struct RulesList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Every rule set the ledger knows (shipped and its own) and the years each judges.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("The years to show as judged (default: the last ten).", valueName: "from-to"))
    var years: String?

    func run() throws {
        let (book, own, _) = try ruleBookForReading(global)
        let now = Self.currentYear
        guard let range = years.map({ DemoCommand.parseYears($0) }) ?? ((now - 9)...now) else {
            throw ValidationError(Context.text("--years 应写成 2016-2025", "--years takes a range like 2016-2025"))
        }
        let lang = Context.lang, zh = lang == .zh
        var table = TextTable(columns: [
            .init("id", maxWidth: 30), .init(zh ? "名称" : "Name", maxWidth: 44), .init(zh ? "施行" : "In force", maxWidth: 28),
            .init(zh ? "来源" : "Where", maxWidth: 24), .init(zh ? "判定年度" : "Judges", maxWidth: 30),
        ])
        for set in book.sets {
            let judged = book.judgedYears(of: set, among: range)
            let owner = own.first { $0.set.id == set.id }
            let whereFrom =
                owner.map {
                    zh ? "登记簿（\($0.addedBy) \($0.addedAt.prefix(10))）" : "ledger (\($0.addedBy) \($0.addedAt.prefix(10)))"
                }
                ?? (zh ? "随程序发布" : "shipped")
            table.append([set.id, set.name.text(lang), set.period(lang), whereFrom, Self.spans(judged)])
        }
        for line in table.render() { Context.say(line) }
    }

    /// "2016–2022, 2024".
    static func spans(_ years: [Int]) -> String {
        guard !years.isEmpty else { return "—" }
        var out: [String] = []
        var start = years[0], last = years[0]
        for y in years.dropFirst() {
            if y == last + 1 {
                last = y
                continue
            }
            out.append(start == last ? "\(start)" : "\(start)–\(last)")
            start = y
            last = y
        }
        out.append(start == last ? "\(start)" : "\(start)–\(last)")
        return out.joined(separator: ", ")
    }
}

struct RulesShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "A rule set's thresholds, conversions and caps, each number with its source.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The rule set's id, or a year (the set that judges it).", valueName: "id|year"))
    var which: String

    func run() throws {
        let (book, _, _) = try ruleBookForReading(global)
        let set: RuleSet?
        if let year = Int(which), Day.plausibleYears.contains(year) {
            set = book.ruleSet(for: year)
        } else {
            set = book.sets.first { $0.id == which }
        }
        guard let set else {
            throw CLIFailure(
                zh: "没有规则“\(which)”（celedger rules list 列出全部）", en: "no rule set \(which) (celedger rules list shows them)",
                code: ExitStatus.badInput)
        }
        Context.say(RulesShow.describe(set, Context.lang), terminator: "")
    }

    static func describe(_ set: RuleSet, _ lang: Lang) -> String {
        let zh = lang == .zh
        var out = "\(set.name.text(lang))  [\(set.id)]\n"
        out += (zh ? "施行：" : "In force: ") + set.period(lang) + "\n"
        out += (zh ? "依据：" : "Source: ") + set.source + "\n\n"
        out += zh ? "年度要求\n" : "Each year\n"
        let t = set.thresholds
        out += "  " + (zh ? "合计不少于 \(t.totalHours.compact) 学时" : "at least \(t.totalHours.compact) hours in all") + "\n"
        out +=
            "  "
            + (zh ? "专业科目不少于 \(t.professionalHours.compact) 学时" : "at least \(t.professionalHours.compact) professional hours")
            + "\n"
        if let p = t.publicHours {
            out += "  " + (zh ? "公需科目不少于 \(p.compact) 学时" : "at least \(p.compact) public hours") + "\n"
        }
        out += zh ? "\n学时折算（建议认定学时）\n" : "\nConversions (suggested recognised hours)\n"
        if set.conversions.isEmpty { out += zh ? "  （无：按申报学时）\n" : "  (none: the claimed hours)\n" }
        for mode in Mode.allCases {
            let list = set.conversions(for: mode)
            guard !list.isEmpty else { continue }
            out += "  \(mode.label(lang))\n"
            for (i, c) in list.enumerated() {
                let mark = i == 0 ? (zh ? "（默认）" : " (default)") : ""
                out += "    \(c.name.text(lang))\(mark)  [\(c.id)]  \(c.describe(lang))\n"
                for n in c.sourcedNumbers {
                    out += "      \(n.label.text(lang)) \(n.value.value.compact)：\(n.value.source)\n"
                }
            }
        }
        out += zh ? "\n年度上限\n" : "\nPer-year caps\n"
        if set.caps.isEmpty { out += zh ? "  （无）\n" : "  (none)\n" }
        for cap in set.caps {
            out += "  \(cap.name.text(lang))  [\(cap.id)]  \(cap.describe(lang))：\(cap.maxHours.source)\n"
        }
        return out
    }
}

struct RulesCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a rule file: a bad value is reported with its path inside the file. Exit 1 when bad.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The rule file (JSON).", valueName: "file"))
    var file: String

    func run() throws {
        let set = try RulesCheck.load(file)
        Context.say(
            Context.text(
                "\(file)：有效 — \(set.id)，\(set.period(.zh))，合计 \(set.thresholds.totalHours.compact)、专业 \(set.thresholds.professionalHours.compact) 学时，\(set.conversions.count) 种折算方式，\(set.caps.count) 项年度上限",
                "\(file): valid — \(set.id), \(set.period(.en)), \(set.thresholds.totalHours.compact) hours, \(set.thresholds.professionalHours.compact) professional, \(set.conversions.count) conversions, \(set.caps.count) caps"
            ))
    }

    /// Reads and decodes a rule file; a problem names the file and the path of the bad value in it.
    static func load(_ file: String) throws -> RuleSet {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CLIFailure(zh: "无法读取 \(file)", en: "cannot read \(file)", code: ExitStatus.badInput)
        }
        do {
            return try RuleSet.decode(data)
        } catch {
            let at = error.path.isEmpty ? "" : error.path + Context.text("：", ": ")
            throw CLIFailure(
                zh: "\(file)：\(at)\(error.message.zh)", en: "\(file): \(at)\(error.message.en)", code: ExitStatus.badInput)
        }
    }
}

struct RulesAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract:
            "Keep a rule file in the ledger (a unit's own rules, or a newer version of one) and recompute the years it judges.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The rule file (JSON).", valueName: "file"))
    var file: String

    func run() throws {
        let set = try RulesCheck.load(file)
        let data = FileManager.default.contents(atPath: file)!
        let ledger = try Context.openRuleLedger(global)
        let years = try ledger.addRuleSet(data, by: Context.actor(global))
        let judged = RulesList.spans(
            ledger.rules.judgedYears(of: set, among: Day.plausibleYears.lowerBound...Self.currentYear + 1))
        Context.say(
            Context.text(
                "已加入规则 \(set.id)（判定 \(judged)）；重算了 \(years.isEmpty ? "0 个年度" : RulesList.spans(years)) 的合计",
                "added rule set \(set.id) (judges \(judged)); totals recomputed for \(years.isEmpty ? "no year" : RulesList.spans(years))"
            ))
    }
}

struct RulesRemove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Stop using one of the ledger's own rule sets (the removal is kept) and recompute the years it judged.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The rule set's id.", valueName: "id"))
    var id: String

    func run() throws {
        let ledger = try Context.openRuleLedger(global)
        let years = try ledger.removeRuleSet(id: id, by: Context.actor(global))
        Context.say(
            Context.text(
                "已停用规则 \(id)；重算了 \(years.isEmpty ? "0 个年度" : RulesList.spans(years)) 的合计",
                "removed rule set \(id); totals recomputed for \(years.isEmpty ? "no year" : RulesList.spans(years))"))
    }
}
