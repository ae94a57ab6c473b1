import ArgumentParser
import CeledgerDomain
import CeledgerLedger
import CeledgerPostgres
import CeledgerSQLite
import CeledgerText
import Foundation

/// `celedger clerk`: the ledger's named clerks, their roles and units. A ledger without clerks is open to
/// whoever opens it; its first clerk must be an admin, and after that only an admin changes clerks.
struct ClerkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clerk", abstract: "The ledger's clerks: add, list, set, remove (roles recorder, reviewer, admin).",
        discussion: """
            A ledger with clerks takes writes only from an active clerk (--user NAME, else $CELEDGER_USER, else the \
            name the terminal UI remembered for this ledger) and holds each to their role: a recorder enters and \
            edits persons and records, a reviewer also recognises, rejects and reopens, an admin also manages \
            clerks, rules and settings. Nobody recognises a record they entered or last changed. A clerk with \
            --unit reaches only those units' persons. On a PostgreSQL server a clerk is a database login role \
            (--db-role): the role celedger connects as is the clerk, --user does not apply, and the server itself \
            holds each clerk to their role and units, also in psql (docs/postgresql.md).
            """,
        subcommands: [ClerkAdd.self, ClerkList.self, ClerkSet.self, ClerkRemove.self])
}

extension ClerkRole: ExpressibleByArgument {
    public init?(argument: String) { self.init(text: argument) }
}

struct ClerkAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a clerk (the first clerk of a ledger must be an admin).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The clerk's name, as the history and cards will print it.", valueName: "name"))
    var name: String

    @Option(name: .long, help: ArgumentHelp("recorder, reviewer or admin (录入员、审核员、管理员).", valueName: "role"))
    var role: ClerkRole

    @Option(
        name: .long,
        help: ArgumentHelp("A unit the clerk reaches (repeat for several; none: every unit).", valueName: "unit"))
    var unit: [String] = []

    @Option(
        name: .customLong("db-role"),
        help: ArgumentHelp(
            "On a PostgreSQL server: the existing login role the clerk connects as (granted what the role needs).",
            valueName: "login"))
    var dbRole: String?

    func run() throws {
        let c: Clerk
        if Context.isServer(global) {
            let ledger = try Context.openPostgres(global)
            c =
                if let dbRole {
                    try ledger.addClerk(name: name, role: role, units: unit, dbRole: dbRole)
                } else {
                    try ledger.addClerk(name: name, role: role, units: unit)
                }
        } else {
            if dbRole != nil {
                throw CLIFailure(
                    zh: "--db-role 只用于 PostgreSQL 服务器上的登记簿（经办人即数据库登录角色）；文件登记簿的经办人不需要它，请去掉 --db-role",
                    en:
                        "--db-role is for a ledger on a PostgreSQL server (where a clerk is a database login role); a file ledger's clerks need none: leave --db-role out",
                    code: ExitStatus.usage)
            }
            c = try Context.openLedger(global).addClerk(name: name, role: role, units: unit)
        }
        Context.say(
            Context.text(
                "已添加经办人 \(c.name)：\(c.role.label(.zh))，\(c.unitsText(.zh))",
                "clerk \(c.name) added: \(c.role.label(.en)), \(c.unitsText(.en))"))
    }
}

struct ClerkList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Every clerk of the ledger, removed ones too, with role, units and who added them.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let server = Context.isServer(global)
        let ledger: any LedgerWriter =
            server ? try Context.openPostgres(global) : try Context.openLedger(global, access: .readOnly)
        let clerks = try ledger.clerks()
        let logins = try (ledger as? PostgresLedger)?.clerkLoginRoles() ?? [:]
        let lang = Context.lang, zh = lang == .zh
        guard !clerks.isEmpty else {
            if server {
                Context.say(
                    Context.text(
                        "本登记簿没有经办人：能连接的登录角色都可以修改。添加第一位（须是管理员）：celedger clerk add 姓名 --role admin --db-role 登录角色",
                        "this ledger has no clerks: whoever can connect may change it. Add the first (an admin): celedger clerk add NAME --role admin --db-role LOGIN"
                    ))
                return
            }
            Context.say(
                Context.text(
                    "本登记簿没有经办人：谁打开都可以修改。添加第一位（须是管理员）：celedger clerk add 姓名 --role admin",
                    "this ledger has no clerks: whoever opens it may change it. Add the first (an admin): celedger clerk add NAME --role admin"
                ))
            return
        }
        var columns: [TextTable.Column] = [
            .init(zh ? "姓名" : "Name", maxWidth: 20), .init(zh ? "角色" : "Role", maxWidth: 10),
            .init(zh ? "单位" : "Units", maxWidth: 40), .init(zh ? "添加" : "Added", maxWidth: 30),
            .init(zh ? "状态" : "State", maxWidth: 34),
        ]
        if server { columns.insert(.init(zh ? "登录角色" : "Login role", maxWidth: 24), at: 1) }
        var table = TextTable(columns: columns)
        for c in clerks {
            let added = "\(c.createdBy) \(c.createdAt.prefix(10))"
            let state =
                c.removedAt.map {
                    zh ? "已移除（\(c.removedBy ?? "") \($0.prefix(10))）" : "removed (\(c.removedBy ?? "") \($0.prefix(10)))"
                }
                ?? (zh ? "在用" : "active")
            var cells = [c.name, c.role.label(lang), c.unitsText(lang), added, state]
            if server { cells.insert(logins[c.name] ?? "", at: 1) }
            table.append(cells)
        }
        for line in table.render() { Context.say(line) }
    }
}

struct ClerkSet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Change a clerk's role or units (an admin's).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The clerk's name.", valueName: "name"))
    var name: String

    @Option(name: .long, help: ArgumentHelp("The new role: recorder, reviewer or admin.", valueName: "role"))
    var role: ClerkRole?

    @Option(
        name: .long, help: ArgumentHelp("The units the clerk reaches from now on (repeat; replaces them).", valueName: "unit"))
    var unit: [String] = []

    @Flag(name: .long, help: "The clerk reaches every unit again.")
    var allUnits = false

    func validate() throws {
        if allUnits && !unit.isEmpty {
            throw ValidationError(Context.text("--all-units 与 --unit 不能同时使用", "--all-units and --unit cannot go together"))
        }
        if role == nil && unit.isEmpty && !allUnits {
            throw ValidationError(
                Context.text("请用 --role、--unit 或 --all-units 说明要改什么", "say what changes: --role, --unit or --all-units"))
        }
    }

    func run() throws {
        let ledger: any LedgerWriter =
            Context.isServer(global) ? try Context.openPostgres(global) : try Context.openLedger(global)
        let c = try ledger.changeClerk(name: name, role: role, units: allUnits ? [] : (unit.isEmpty ? nil : unit))
        Context.say(
            Context.text(
                "经办人 \(c.name)：\(c.role.label(.zh))，\(c.unitsText(.zh))",
                "clerk \(c.name): \(c.role.label(.en)), \(c.unitsText(.en))"))
    }
}

struct ClerkRemove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove a clerk (softly: the history and the clerk list keep the name).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The clerk's name.", valueName: "name"))
    var name: String

    func run() throws {
        let ledger: any LedgerWriter =
            Context.isServer(global) ? try Context.openPostgres(global) : try Context.openLedger(global)
        try ledger.removeClerk(name: name)
        Context.say(
            Context.text(
                "已移除经办人 \(name)（修改记录仍保留其姓名；此后不能再修改登记簿）",
                "clerk \(name) removed (the history keeps the name; they can change the ledger no more)"))
    }
}
