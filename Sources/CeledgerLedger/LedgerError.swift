import CeledgerDomain
import Foundation

/// Everything that can go wrong with a ledger, whatever database stands behind it. Callers and tests match
/// the case (`.locked`, `.duplicateRecord`, `.busy`); the clerk reads `message`, computed from the case in
/// both languages, so one refusal reads the same wherever it arises.
public enum LedgerError: Error, Sendable, Hashable, CustomStringConvertible {
    // The ledger file or server.
    /// A file that is not a celedger ledger (left untouched).
    case notALedger(path: String)
    /// The ledger cannot be read: its pages are damaged.
    case corrupt(path: String)
    /// A backup's copy failed SQLite's check of its pages (the ledger copied is damaged): it was removed.
    case damagedCopy(source: String, target: String)
    /// Another process holds the write lock and kept it longer than the ledger waits.
    case busy(path: String)
    /// The ledger cannot be written (file mode, read-only mount).
    case readOnly(path: String)
    case diskFull(path: String)
    case cannotOpen(path: String)
    /// The path names a folder, not a ledger file.
    case isFolder(path: String)
    /// Nothing at the path, and the command does not create ledgers.
    case noLedger(path: String)
    /// The ledger's schema is older than this program's and the command may not migrate it.
    case olderSchema(path: String)
    /// A backup written by a newer program than this one.
    case newerSchema(path: String)
    /// The ledger lacks part of its own schema (a trigger or index someone dropped).
    case incompleteSchema(type: String, name: String)
    /// Another program recomputed the totals under different rules while this one had the ledger open.
    case summaryOutdated
    /// An error of the database this case does not know; `detail` is the database's own words, kept for
    /// tests and debugging but never shown: a clerk reads what happened and what to do, not SQLite's text.
    case database(path: String, detail: String)
    /// Something other than the database failed while the ledger worked (rare: a bug or the system).
    case unexpected(path: String, detail: String)

    // Files beside the ledger.
    case cannotCreateFolder(path: String, reason: String)
    case cannotCreateLedger(path: String, reason: String)
    case cannotRead(path: String, reason: String)
    case cannotWrite(path: String)
    /// A backup's target exists; it is never overwritten.
    case targetExists(path: String)
    /// A move's target ledger already holds data (`what`: its counts in the clerk's words); nothing was
    /// written.
    case targetNotEmpty(path: String, what: Message)
    /// A move's target refused a row of the source (`what`: which table's) by one of its checks.
    case moveRefused(path: String, what: Message)
    /// A move into a server ledger needs its owner (the triggers are set aside for the copy).
    case moveNeedsOwner(path: String, owner: String)

    // Edits.
    /// A recognised record is locked; the database refuses to change it.
    case locked
    /// The same activity (mode, title, dates) for the same person.
    case duplicateRecord
    /// The ID number belongs to another person of the ledger (masked).
    case duplicatePerson(maskedID: String)
    /// The row was deleted (perhaps by another program) since it was read.
    case gone
    case rejectionNeedsReason
    /// Recognition may not be set back to pending: that is a reopening, with a reason.
    case pendingNeedsReopen
    case reopenNeedsReason
    case personHasRecords(count: Int)
    /// An import's undo would delete a person it added who has records since, entered by someone else:
    /// the person (name, masked ID number), how many records, and who entered them.
    case importedPersonHasRecords(name: String, maskedID: String, count: Int, by: String?)
    /// A card's first year is after its last.
    case yearsReversed

    // Clerks (a ledger with clerks: every write names an active clerk, held to their role and units).
    /// The row changed or was deleted since the save read it (another clerk, window or process).
    case changedMeanwhile(ConcurrentChange)
    /// The name the write is made under is no clerk of this ledger.
    case notAClerk(name: String)
    /// The clerk was removed; the history keeps the name, but they write no more.
    case clerkRemoved(name: String)
    /// The clerk's role does not allow the action.
    case roleForbids(name: String, role: ClerkRole, action: ClerkAction)
    /// A recognition of records the deciding clerk entered or last changed (how many).
    case ownEntries(count: Int)
    /// A person outside the units the clerk reaches (the unit named).
    case outsideUnits(name: String, unit: String)
    /// An import by a recorder whose file holds decided rows: the lines and the column that decides them.
    case decidedRowsNeedReviewer(name: String, lines: [Int], column: String)
    case clerkExists(name: String)
    case noSuchClerk(name: String)
    /// A ledger's first clerk must be an admin, or nobody could manage the clerks after.
    case firstClerkMustBeAdmin
    /// The last active admin cannot be removed or made something else.
    case lastAdmin(name: String)
    /// A clerk's name that cannot be one (blank, a control character).
    case badClerkName
    /// Something this kind of ledger cannot do yet (`what` in the clerk's words).
    case notOnThisLedger(what: Message)
    // Clerks on a PostgreSQL server, where the connecting login role is the clerk.
    /// The login role connected is no clerk of this server ledger.
    case loginRoleNotAClerk(role: String)
    /// A clerk on a server is added with the login role it connects as.
    case clerkNeedsLoginRole
    /// No login role of that name on the server.
    case noSuchLoginRole(role: String)
    /// The login role is another active clerk's already.
    case loginRoleTaken(role: String, clerk: String)
    /// The ledger's owner or a superuser cannot be a unit's clerk: row-level security does not hold them.
    case ownerSeesEverything(role: String)
    /// The server refused a clerk's statement on its grants or row-level security.
    case serverRefused(name: String)

    // Rules and the data folder.
    case noRules(year: Int)
    case dataFolderNotFound
    case unreadableDataFile(path: String)
    case unreadableRuleFile(path: String)
    /// A rule file that does not decode: where in it (a JSON path, possibly empty) and the decoder's words.
    case invalidRuleFile(path: String, at: String, Message)
    case noRuleFiles(folder: String)
    /// A rule set handed to `rules add` that does not decode.
    case invalidRuleSet(at: String, Message)
    case ruleFileNotUTF8
    /// A rule set stored in the ledger that this program reads differently from the one that stored it.
    case unreadableStoredRuleSet(id: String, at: String, Message)
    case noOwnRuleSet(id: String)

    // Proof of records (issue 19).
    /// A proof file that cannot be kept (empty, too large, not a kind known, a bad name): the domain's words.
    case evidenceRefused(name: String, Message)
    /// No proof with this number.
    case noEvidence(id: Int64)
    /// Proof removed already (removal is once, with its reason).
    case evidenceRemoved(id: Int64)
    case evidenceRemovalNeedsReason
    /// Recognition asked for records whose activity has not ended (`Plausibility`): nothing was decided.
    case notEnded(count: Int, lastEnd: Day)

    // A ledger on a server (issue 18).
    /// The server could not be reached or refused the connection, with what the clerk or the
    /// administrator can do about it.
    case cannotConnect(path: String, why: ServerProblem)

    public var message: Message {
        switch self {
        case .notALedger(let p):
            Message(zh: "\(p) 不是 celedger 登记簿（未做任何改动）", en: "\(p) is not a celedger ledger (left untouched)")
        case .corrupt(let p):
            Message(
                zh: "\(p) 已损坏，无法读取（未做任何改动）；请从备份恢复：\(LedgerError.restoreCommand(p, zh: true))",
                en:
                    "\(p) is corrupt and cannot be read (left untouched); restore it from a backup: \(LedgerError.restoreCommand(p, zh: false))"
            )
        case .damagedCopy(let source, let target):
            Message(
                zh: "备份失败：\(source) 已损坏，复制出的 \(target) 未通过完整性检查，已删除；请从更早的备份恢复：\(LedgerError.restoreCommand(source, zh: true))",
                en:
                    "backup failed: \(source) is damaged, so the copy \(target) failed SQLite's integrity check and was removed; restore from an earlier backup: \(LedgerError.restoreCommand(source, zh: false))"
            )
        case .busy(let p):
            Message(
                zh: "登记簿 \(p) 正被另一个程序写入，等待后仍未释放；请稍后再试",
                en: "the ledger \(p) is locked by another process and stayed locked; try again shortly")
        case .readOnly(let p):
            Message(zh: "登记簿 \(p) 为只读，无法写入", en: "the ledger \(p) is read-only")
        case .diskFull(let p):
            Message(zh: "磁盘已满，无法写入 \(p)（登记簿未改动）", en: "the disk is full, cannot write \(p) (ledger unchanged)")
        case .cannotOpen(let p):
            Message(zh: "无法打开登记簿 \(p)", en: "cannot open the ledger \(p)")
        case .cannotConnect(let p, let why):
            Message(zh: "无法打开登记簿 \(p)：\(why.message.zh)", en: "cannot open the ledger \(p): \(why.message.en)")
        case .isFolder(let p):
            Message(zh: "\(p) 是一个目录，不是登记簿文件", en: "\(p) is a directory, not a ledger file")
        case .noLedger(let p):
            Message(zh: "没有登记簿 \(p)（用 celedger init 创建）", en: "no ledger at \(p) (create one with celedger init)")
        case .olderSchema(let p):
            Message(
                zh: "登记簿 \(p) 的结构较旧，请先运行 celedger init 升级",
                en: "the ledger \(p) has an older schema; run celedger init to migrate it")
        case .newerSchema(let p):
            Message(zh: "\(p) 由较新版本的 celedger 写入，无法恢复", en: "\(p) was written by a newer celedger and cannot be restored")
        case .incompleteSchema(let type, let name):
            Message(zh: "登记簿缺少\(name)（\(type)），结构不完整", en: "the ledger has no \(type) \(name): its schema is incomplete")
        case .summaryOutdated:
            Message(
                zh: "另一程序用不同的规则重算了年度合计；请重新打开登记簿",
                en: "another program recomputed the totals under different rules; reopen the ledger")
        case .database(let p, _):
            Message(
                zh: "登记簿 \(p) 未能完成这项操作（未做任何改动）；请运行 celedger check 检查登记簿，仍不行请告诉管理员你刚才做了什么",
                en:
                    "the ledger \(p) could not do this (nothing changed); run celedger check on it, and if that does not help tell your administrator what you did"
            )
        case .unexpected(let p, let detail):
            Message(zh: "\(p)：\(detail)", en: "\(p): \(detail)")
        case .cannotCreateFolder(let p, let reason):
            Message(zh: "无法创建目录 \(p)：\(reason)", en: "cannot create folder \(p): \(reason)")
        case .cannotCreateLedger(let p, let reason):
            Message(zh: "无法创建登记簿 \(p)：\(reason)", en: "cannot create the ledger \(p): \(reason)")
        case .cannotRead(let p, let reason):
            Message(zh: "无法读取 \(p)：\(reason)", en: "cannot read \(p): \(reason)")
        case .cannotWrite(let p):
            Message(zh: "无法写入 \(p)", en: "cannot write \(p)")
        case .targetExists(let p):
            Message(zh: "\(p) 已存在，不会覆盖", en: "\(p) already exists; it is not overwritten")
        case .moveNeedsOwner(let p, let owner):
            Message(
                zh: "迁入 \(p) 须以该登记簿的所有者（\(owner)）连接：迁移时要暂停其触发器；未写入任何内容",
                en:
                    "moving into \(p) needs its owner's connection (\(owner)): the move sets its triggers aside; nothing was written"
            )
        case .moveRefused(let p, let what):
            Message(
                zh: "\(p) 拒收源登记簿中的\(what.zh)（有一行不符合它的约束，例如日期格式）；请先对源登记簿运行 celedger check 并改正",
                en:
                    "\(p) refused the source ledger's \(what.en) (a row breaks one of its constraints, a date's format for one); run celedger check on the source ledger and correct it first"
            )
        case .targetNotEmpty(let p, let what):
            Message(
                zh: "目标登记簿 \(p) 不是空的（\(what.zh)）：只能迁入空的登记簿，未写入任何内容；请新建一个数据库再迁移",
                en:
                    "the target ledger \(p) is not empty (\(what.en)): a ledger moves only into an empty one; nothing was written. Create a new database and migrate again"
            )
        case .locked:
            Message(
                zh: "已认定的记录已锁定，不能修改或删除；如需更正，请先重新打开（须写明理由）",
                en:
                    "a recognised record is locked and cannot be changed or deleted; reopen it first (with a reason) to correct it"
            )
        case .duplicateRecord:
            Message(zh: "此人已登记同一活动（方式、内容、起止日期相同）", en: "this person already has this activity (same mode, title and dates)")
        case .duplicatePerson(let id):
            Message(zh: "身份证号 \(id) 已在登记簿中", en: "ID number \(id) is already in the ledger")
        case .gone:
            Message(
                zh: "该条目已不在登记簿中（可能已被另一程序删除）",
                en: "the entry is no longer in the ledger (another program may have deleted it)")
        case .rejectionNeedsReason:
            Message(zh: "不予认定须填写理由", en: "a rejection needs a reason")
        case .pendingNeedsReopen:
            Message(zh: "退回待认定请用“重新打开”，并写明理由", en: "to send a record back to pending, reopen it with a reason")
        case .reopenNeedsReason:
            Message(zh: "重新打开已认定的记录须写明理由", en: "reopening a recognised record needs a reason")
        case .importedPersonHasRecords(let name, let id, let n, let by):
            Message(
                zh: "不能撤销这次导入：导入新增的\(name)（\(id)）此后已有 \(n) 条记录（\(by ?? "另一位经办人")录入），须先处理这些记录（未做任何改动）",
                en:
                    "cannot undo this import: \(name) (\(id)), added by it, has \(n) records since (entered by \(by ?? "another clerk")); deal with them first (nothing changed)"
            )
        case .personHasRecords(let n):
            Message(zh: "此人还有\(n)条记录，不能删除", en: "this person still has \(n) records and cannot be deleted")
        case .yearsReversed:
            Message(zh: "起始年度晚于结束年度", en: "the first year is after the last")
        case .changedMeanwhile(let c):
            LedgerError.changedMessage(c)
        case .notAClerk(let name):
            Message(
                zh: "“\(name)”不是本登记簿的经办人，不能修改（未做任何改动）；请用 --user 或 CELEDGER_USER 写明经办人，或请管理员用 celedger clerk add 添加",
                en:
                    "“\(name)” is not a clerk of this ledger and cannot change it (nothing changed); name a clerk with --user or CELEDGER_USER, or ask an admin to add you with celedger clerk add"
            )
        case .clerkRemoved(let name):
            Message(
                zh: "经办人“\(name)”已被移除，不能再修改登记簿（未做任何改动）",
                en: "the clerk “\(name)” was removed and can no longer change the ledger (nothing changed)")
        case .roleForbids(let name, let role, let action):
            Message(
                zh: "“\(name)”是\(role.label(.zh))，不能\(action.label(.zh))（需要\(ClerkRole.least(for: action).label(.zh))或以上；未做任何改动）",
                en:
                    "“\(name)” is a \(role.label(.en)) and may not \(action.label(.en)) (that needs a \(ClerkRole.least(for: action).label(.en)) or above; nothing changed)"
            )
        case .ownEntries(let n):
            Message(
                zh: "不能认定自己录入或最后修改的记录（\(n) 条）；请另一位审核员认定",
                en: "nobody recognises a record they entered or last changed (\(n) such); ask another reviewer")
        case .outsideUnits(let name, let unit):
            Message(
                zh: "“\(name)”不负责“\(unit.isEmpty ? "未填单位" : unit)”的人员，不能修改（未做任何改动）",
                en: "“\(name)” does not look after the persons of “\(unit.isEmpty ? "no unit" : unit)” (nothing changed)")
        case .decidedRowsNeedReviewer(let name, let lines, let column):
            Message(
                zh:
                    "“\(name)”是录入员，文件第 \(LedgerError.lineList(lines, zh: true)) 行的“\(column)”已是已认定或不予认定：导入已认定的记录需要审核员或管理员（未导入任何记录）",
                en:
                    "“\(name)” is a recorder, and line\(lines.count == 1 ? "" : "s") \(LedgerError.lineList(lines, zh: false)) of the file arrive already decided in “\(column)”: importing decided records needs a reviewer or an admin (nothing imported)"
            )
        case .clerkExists(let name):
            Message(zh: "已有经办人“\(name)”", en: "there is a clerk “\(name)” already")
        case .noSuchClerk(let name):
            Message(zh: "没有经办人“\(name)”（celedger clerk list 列出全部）", en: "no clerk “\(name)” (celedger clerk list shows them)")
        case .firstClerkMustBeAdmin:
            Message(
                zh: "登记簿的第一位经办人须是管理员（--role admin），否则以后无人能管理经办人",
                en: "a ledger's first clerk must be an admin (--role admin), or nobody could manage the clerks afterwards")
        case .lastAdmin(let name):
            Message(
                zh: "“\(name)”是最后一位管理员，不能移除或改为其他角色；请先添加另一位管理员",
                en: "“\(name)” is the last admin and cannot be removed or given another role; add another admin first")
        case .notOnThisLedger(let what):
            Message(
                zh: "此登记簿（PostgreSQL 服务器上的）尚不支持\(what.zh)；未做任何改动",
                en: "this ledger (on a PostgreSQL server) cannot \(what.en) yet; nothing changed")
        case .loginRoleNotAClerk(let role):
            Message(
                zh: "数据库登录角色“\(role)”不是本登记簿的经办人，不能读写（未做任何改动）；请管理员用 celedger clerk add 姓名 --role 角色 --db-role \(role) 添加",
                en:
                    "the database login role “\(role)” is not a clerk of this ledger and may not read or change it (nothing changed); ask an admin to add it with celedger clerk add NAME --role ROLE --db-role \(role)"
            )
        case .clerkNeedsLoginRole:
            Message(
                zh: "服务器上的经办人就是数据库登录角色：请用 --db-role 写明其登录角色（须已用 CREATE ROLE … LOGIN 建好）",
                en:
                    "a clerk on a server is a database login role: name it with --db-role (created beforehand with CREATE ROLE … LOGIN)"
            )
        case .noSuchLoginRole(let role):
            Message(
                zh: "服务器上没有可登录的角色“\(role)”；请数据库管理员先建好：CREATE ROLE \(role) LOGIN PASSWORD '…'（未做任何改动）",
                en:
                    "the server has no login role “\(role)”; have the database administrator create it first: CREATE ROLE \(role) LOGIN PASSWORD '…' (nothing changed)"
            )
        case .loginRoleTaken(let role, let clerk):
            Message(
                zh: "登录角色“\(role)”已是经办人“\(clerk)”的；每位经办人用自己的登录角色（未做任何改动）",
                en:
                    "the login role “\(role)” is the clerk “\(clerk)”'s already; each clerk has a login role of their own (nothing changed)"
            )
        case .ownerSeesEverything(let role):
            Message(
                zh: "“\(role)”是登记簿的所有者或超级用户，行级安全管不住它，不能做只管部分单位的经办人；请为该经办人另建登录角色（未做任何改动）",
                en:
                    "“\(role)” owns the ledger or is a superuser, which row-level security does not hold, so it cannot be a clerk of some units only; create a login role of its own for the clerk (nothing changed)"
            )
        case .serverRefused(let name):
            Message(
                zh: "数据库不允许经办人“\(name)”做这项修改（其角色或单位的权限不够；未做任何改动）",
                en:
                    "the database does not let the clerk “\(name)” make this change (their role or units do not allow it; nothing changed)"
            )
        case .badClerkName:
            Message(zh: "经办人姓名不能为空，也不能含有控制字符", en: "a clerk's name cannot be blank or hold control characters")
        case .noRules(let year):
            Message(zh: "没有可用于\(year)年的规则", en: "no rule set applies to \(year)")
        case .dataFolderNotFound:
            Message(
                zh: "找不到数据目录（规则、拼音表）；请设置 CELEDGER_DATA 指向 data/ 目录",
                en: "cannot find the data folder (rules, pinyin table); set CELEDGER_DATA to the data/ folder")
        case .unreadableDataFile(let p):
            Message(zh: "无法读取数据文件 \(p)", en: "cannot read data file \(p)")
        case .unreadableRuleFile(let p):
            Message(zh: "无法读取规则文件 \(p)", en: "cannot read rule file \(p)")
        case .invalidRuleFile(let p, let at, let m):
            Message(
                zh: "规则文件 \(p)\(at.isEmpty ? "" : " " + at)：\(m.zh)", en: "rule file \(p)\(at.isEmpty ? "" : " " + at): \(m.en)")
        case .noRuleFiles(let dir):
            Message(zh: "\(dir) 中没有规则文件", en: "no rule files in \(dir)")
        case .invalidRuleSet(let at, let m):
            Message(zh: "\(at.isEmpty ? "" : at + "：")\(m.zh)", en: "\(at.isEmpty ? "" : at + ": ")\(m.en)")
        case .ruleFileNotUTF8:
            Message(zh: "规则文件不是 UTF-8 文本", en: "the rule file is not UTF-8 text")
        case .unreadableStoredRuleSet(let id, let at, let m):
            Message(zh: "登记簿中的规则“\(id)”无法读取：\(at) \(m.zh)", en: "the ledger's rule set \(id) cannot be read: \(at) \(m.en)")
        case .noOwnRuleSet(let id):
            Message(zh: "登记簿中没有自有规则“\(id)”", en: "the ledger has no rule set of its own with id \(id)")
        case .evidenceRefused(let name, let m):
            Message(zh: "\(name)：\(m.zh)；未添加", en: "\(name): \(m.en); not added")
        case .noEvidence(let id):
            Message(
                zh: "没有编号为 E\(id) 的证明材料（celedger evidence list 列出编号）",
                en: "no proof numbered E\(id) (celedger evidence list shows the numbers)")
        case .evidenceRemoved(let id):
            Message(zh: "证明材料 E\(id) 已被移除", en: "proof E\(id) was removed already")
        case .evidenceRemovalNeedsReason:
            Message(zh: "移除证明材料须写明理由（--reason）", en: "removing proof needs a reason (--reason)")
        case .notEnded(let n, let end):
            Message(
                zh: "\(n) 条记录的活动尚未结束（最晚 \(end.iso) 结束），不能认定；结束后再认定（未做任何改动）",
                en:
                    "\(n) record\(n == 1 ? "'s" : "s'") activity has not ended (the last ends \(end.iso)): recognise after it ends (nothing changed)"
            )
        }
    }

    public var description: String {
        if case .database(_, let d) = self { return message.en + " [" + d + "]" }
        return message.en
    }

    /// "3、5、8" / "3, 5, 8", the first ten and how many more.
    static func lineList(_ lines: [Int], zh: Bool) -> String {
        let shown = lines.prefix(10).map(String.init).joined(separator: zh ? "、" : ", ")
        if lines.count <= 10 { return shown }
        return shown + (zh ? " 等 \(lines.count) " : " and \(lines.count - 10) more")
    }

    /// A stale save: who changed (or deleted) the row, when, and what, in the clerk's words.
    /// The message, its times (of a change made meanwhile) on the clock of `zone`: a screen gives its own.
    public func message(in zone: TimeZone) -> Message {
        if case .changedMeanwhile(let c) = self { return LedgerError.changedMessage(c, zone: zone) }
        return message
    }

    /// The refusal of an undo, in the undo's words: another clerk's change since yours is why it was not
    /// taken back (the save's words, "not saved … reload it", would tell the clerk to do the wrong thing).
    public func undoMessage(in zone: TimeZone) -> Message {
        guard case .changedMeanwhile(let c) = self else { return message }
        func text(_ lang: Lang) -> String {
            let (what, when, detail) = LedgerError.changeParts(c, lang, zone: zone)
            if c.deleted {
                return lang == .zh
                    ? "未撤销：\(what)已被 \(c.who(.zh)) \(when)删除" : "not undone: \(what) was deleted by \(c.who(.en))\(when)"
            }
            return lang == .zh
                ? "未撤销：你改过之后，\(what)又被 \(c.who(.zh)) \(when)修改\(detail)"
                : "not undone: after your change, \(what) was changed by \(c.who(.en))\(when)\(detail)"
        }
        return Message(zh: text(.zh), en: text(.en))
    }

    static func changedMessage(_ c: ConcurrentChange, zone: TimeZone = .current) -> Message {
        func text(_ lang: Lang) -> String {
            let (what, when, detail) = changeParts(c, lang, zone: zone)
            if c.deleted {
                return lang == .zh
                    ? "未保存：\(what)已被 \(c.who(.zh)) \(when)删除，不在登记簿中了；你的修改没有写入"
                    : "not saved: \(what) was deleted by \(c.who(.en))\(when) and is no longer in the ledger; your change was not written"
            }
            return lang == .zh
                ? "未保存：你打开之后，\(what)已被 \(c.who(.zh)) \(when)修改\(detail)；请重新载入后再改"
                : "not saved: since you opened it, \(what) was changed by \(c.who(.en))\(when)\(detail); reload it and make your change again"
        }
        return Message(zh: text(.zh), en: text(.en))
    }

    /// A change made meanwhile, in `lang`, as both its messages say it: the row ("此人员"), when ("于 … " /
    /// " at …", empty when unknown) and the fields it changed in brackets (empty when none are known).
    static func changeParts(_ c: ConcurrentChange, _ lang: Lang, zone: TimeZone) -> (what: String, when: String, detail: String) {
        let zh = lang == .zh
        let what = c.entity == .person ? (zh ? "此人员" : "this person") : (zh ? "此记录" : "this record")
        let when = c.when(in: zone).map { zh ? "于 \($0) " : " at \($0)" } ?? ""
        let changes = c.changes(lang)
        let detail = changes.isEmpty ? "" : (zh ? "（\(changes.joined(separator: "；"))）" : " (\(changes.joined(separator: "; ")))")
        return (what, when, detail)
    }

    /// The command that puts a backup in place of a damaged ledger.
    public static func restoreCommand(_ path: String, zh: Bool) -> String {
        let quoted = path.allSatisfy { $0.isLetter || $0.isNumber || "/._-+".contains($0) } ? path : "'\(path)'"
        return "celedger --db \(quoted) restore \(zh ? "备份文件" : "BACKUP-FILE")"
    }
}
