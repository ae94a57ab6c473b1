import CeledgerDomain

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
    /// An error of the database this case does not know; `detail` is the database's own words.
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
    /// A card's first year is after its last.
    case yearsReversed

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
        case .database(let p, let detail):
            Message(zh: "登记簿 \(p) 出错：\(detail)", en: "ledger \(p) error: \(detail)")
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
        case .personHasRecords(let n):
            Message(zh: "此人还有\(n)条记录，不能删除", en: "this person still has \(n) records and cannot be deleted")
        case .yearsReversed:
            Message(zh: "起始年度晚于结束年度", en: "the first year is after the last")
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

    public var description: String { message.en }

    /// The command that puts a backup in place of a damaged ledger.
    public static func restoreCommand(_ path: String, zh: Bool) -> String {
        let quoted = path.allSatisfy { $0.isLetter || $0.isNumber || "/._-+".contains($0) } ? path : "'\(path)'"
        return "celedger --db \(quoted) restore \(zh ? "备份文件" : "BACKUP-FILE")"
    }
}
