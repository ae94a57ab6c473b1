import ArgumentParser
import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import CeledgerPostgres
import CeledgerSQLite
import Foundation

/// A ledger that can be moved out of and into, on either backend (`LedgerTransfer`).
protocol MovableLedger: TransferSource, ReportLedger {
    func receiveTransfer(_ produce: (TransferSink) throws -> Void) throws(LedgerError) -> TransferCounts
}

extension SQLiteLedger: MovableLedger {}
extension PostgresLedger: MovableLedger {}

/// `celedger migrate --to postgresql://…`: a unit's SQLite ledger moved into an empty server ledger in one
/// server transaction, then both compared.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract:
            "Move the SQLite ledger (--db FILE) into an empty PostgreSQL ledger in one transaction, then compare both. Exit 1 when they differ."
    )

    @OptionGroup var global: GlobalOptions

    @Option(
        name: .long,
        help: ArgumentHelp("The empty PostgreSQL ledger to move into: postgresql://user@host:port/db.", valueName: "uri"))
    var to: String

    func run() throws {
        guard !Context.isServer(global) else {
            throw CLIFailure(
                zh: "--db 应为要迁出的 SQLite 登记簿文件，--to 为目标服务器", en: "--db names the SQLite ledger file to move; --to the server",
                code: ExitStatus.usage)
        }
        guard PostgresURI.isServer(to) else {
            throw CLIFailure(
                zh: "--to 应为 PostgreSQL 服务器上的登记簿：postgresql://用户@主机:端口/数据库",
                en: "--to names a PostgreSQL ledger: postgresql://user@host:port/db", code: ExitStatus.usage)
        }
        let source = try Context.openLedger(global, access: .readOnly)
        var server = global
        server.db = to
        let target = try Context.openPostgres(server)
        let progress = ProgressLine(Context.text("迁移中", "moving"))
        let counts: TransferCounts
        do {
            counts = try target.receiveTransfer { sink in
                try source.readTables(LedgerTransfer.tables, progress: progress.update, sink)
            }
        } catch {
            progress.finish()
            let reason = error.message
            switch error {
            case .targetNotEmpty, .moveNeedsOwner: throw CLIFailure(reason, code: ExitStatus.ledger)
            default: break
            }
            throw CLIFailure(
                zh: "迁移未完成，目标登记簿 \(target.location) 未写入任何内容（一个事务，已撤销）：\(reason.zh)",
                en:
                    "the move did not complete; nothing was written to \(target.location) (one transaction, rolled back): \(reason.en)",
                code: ExitStatus.ledger)
        }
        progress.finish()
        Context.say(Context.text("已迁入 \(target.location)：", "moved into \(target.location): ") + MoveReport.counts(counts))
        for (table, n) in counts.notMoved.sorted(by: { $0.key < $1.key }) where table == "clerk" {
            Context.say(
                Context.text(
                    "经办人 \(n.grouped) 位未迁入：服务器上的经办人是数据库登录角色，文件里的经办人没有对应的角色；请为每人建好登录角色后，在服务器上用 clerk add … --db-role 重新添加（见 docs/postgresql.md）",
                    "\(n.grouped) clerk\(n == 1 ? "" : "s") not moved: on a server a clerk is a login role, which a file's clerks do not have; create a login role for each and add them again on the server with clerk add … --db-role (see docs/postgresql.md)"
                ))
        }
        // Compared through a fresh connection: what any clerk opening the server now reads.
        let moved = try Context.openPostgres(server)
        let compareProgress = ProgressLine(Context.text("比对中", "comparing"))
        let differences = try MoveReport.compare(
            source, moved, skipping: Set(counts.notMoved.keys), progress: compareProgress.update)
        compareProgress.finish()
        try MoveReport.finish(
            differences, zhFix: "服务器上的登记簿已写入；请删除该数据库并报告此问题",
            enFix: "the server ledger was written; drop that database and report this")
    }
}

/// `celedger backup FILE` of a server ledger: a SQLite snapshot of one moment, written to a temporary
/// file beside FILE and renamed to it only when whole and compared.
enum ServerBackup {
    static func run(_ global: GlobalOptions, to file: String) throws {
        if FileManager.default.fileExists(atPath: file) {
            throw CLIFailure(LedgerError.targetExists(path: file).message, code: ExitStatus.badInput)
        }
        let source = try Context.openPostgres(global)
        let stem =
            (file as NSString).deletingLastPathComponent.isEmpty
            ? ".\(file).partial-"
            : ((file as NSString).deletingLastPathComponent + "/." + (file as NSString).lastPathComponent + ".partial-")
        let temp = stem + "\(getpid())"
        func removeTemp() {
            for suffix in sqliteSuffixes { try? FileManager.default.removeItem(atPath: temp + suffix) }
        }
        removeTemp()
        removeLeftovers(stem: stem)
        let differences: [MoveReport.Difference]
        let counts: TransferCounts
        do {
            (counts, differences) = try write(source, into: temp, global)
        } catch {
            removeTemp()
            throw error
        }
        guard differences.isEmpty else {
            removeTemp()
            try MoveReport.finish(differences, zhFix: "未写入备份", enFix: "no backup was written")
            return
        }
        // link(2) refuses an existing name: a file made meanwhile is never replaced.
        if link(temp, file) != 0 {
            let reason = String(cString: strerror(errno))
            removeTemp()
            if errno == EEXIST { throw CLIFailure(LedgerError.targetExists(path: file).message, code: ExitStatus.badInput) }
            throw CLIFailure(
                zh: "无法写入 \(file)：\(reason)", en: "cannot write \(file): \(reason)", code: ExitStatus.ledger)
        }
        removeTemp()
        Context.say(
            Context.text("已备份 \(source.location)：", "backed up \(source.location): ") + MoveReport.counts(counts) + " → \(file)")
    }

    /// A SQLite file and what SQLite may keep beside it.
    static let sqliteSuffixes = ["", "-wal", "-shm", "-journal"]

    /// What an earlier backup to the same file left when it was killed (`stem` + PID and its journal files,
    /// of a process no longer running): removed, so that a killed backup leaves nothing for long.
    static func removeLeftovers(stem: String) {
        let folder = (stem as NSString).deletingLastPathComponent
        let prefix = (stem as NSString).lastPathComponent
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder) else { return }
        for name in names where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard let pid = Int32(digits), sqliteSuffixes.contains(String(rest.dropFirst(digits.count))) else { continue }
            // A backup still running (this one among them) keeps its file.
            if kill(pid, 0) == 0 || errno != ESRCH { continue }
            try? FileManager.default.removeItem(atPath: folder.isEmpty ? name : folder + "/" + name)
        }
    }

    /// The snapshot written and compared, the file closed (its write-ahead log folded in) before it is renamed.
    static func write(
        _ source: PostgresLedger, into temp: String, _ global: GlobalOptions
    ) throws -> (
        TransferCounts, [MoveReport.Difference]
    ) {
        let snapshot = try DataFiles.run { folder throws(LedgerError) in
            try folder.openLedger(path: temp, access: .readWrite, actor: Context.actor(global))
        }
        let progress = ProgressLine(Context.text("备份中", "backing up"))
        defer { progress.finish() }
        do {
            // The copy and the comparison read one moment of the server.
            return try source.withSnapshot {
                let counts = try snapshot.receiveTransfer { sink in
                    try source.readTables(LedgerTransfer.tables, progress: progress.update, sink)
                }
                let differences = try MoveReport.compare(source, snapshot, skipping: Set(counts.notMoved.keys), progress: nil)
                try snapshot.closeForCopy()
                return (counts, differences)
            }
        } catch let e as LedgerError {
            throw CLIFailure(e.message, code: ExitStatus.ledger)
        }
    }
}

/// The counts of a move and the comparison of both ledgers afterwards: every table row by row, the
/// history entry by entry, and every person's annual totals for every year, computed by each ledger.
enum MoveReport {
    struct Difference {
        let what: Message
    }

    static let words: [String: (String, String)] = [
        "person": ("人", "persons"), "record": ("条记录", "records"), "history": ("条历史", "history entries"),
        "card": ("张证明", "cards"), "evidence": ("份证明材料", "proof files"), "rule_set": ("个规则集", "rule sets"),
        "setting": ("项设置", "settings"), "clerk": ("位经办人", "clerks"), "history_chain": ("个哈希链环节", "chain links"),
    ]
    static let names: [String: (String, String)] = [
        "person": ("人员", "persons"), "record": ("学习记录", "records"), "history": ("修改记录", "history"),
        "card": ("证明", "cards"), "evidence": ("证明材料", "proof files"), "rule_set": ("规则集", "rule sets"),
        "setting": ("设置", "settings"), "clerk": ("经办人", "clerks"), "clerk_unit": ("经办人的单位", "clerks' units"),
        "clerk_log": ("经办人变更记录", "clerk changes"),
    ]

    static func counts(_ c: TransferCounts) -> String {
        let order = ["person", "record", "history", "card", "evidence", "rule_set", "setting", "clerk"]
        return order.filter { c[$0] > 0 || ["person", "record", "history"].contains($0) }.map { t in
            let w = words[t]!
            return Context.lang == .zh ? "\(c[t].grouped) \(w.0)" : "\(c[t].grouped) \(w.1)"
        }.joined(separator: Context.lang == .zh ? "，" : ", ")
    }

    /// A table's rows in one digest, and the first rows by key, to name a difference.
    struct TableSum {
        var count = 0
        var hasher = RowFingerprint()
        var keys: [String: [Int]] = [:]
        var keep: Bool
    }

    static func sums(
        _ ledger: any TransferSource, _ tables: [TransferTable], keepRows: Set<String>, progress: ProgressHandler?
    ) throws -> [String: TableSum] {
        var out: [String: TableSum] = [:]
        try ledger.readTables(tables, progress: progress) { table, values in
            var values = values
            if table.name == "history" {
                // The values, not their JSON spelling: each database writes its own (`{"a":1}`, `{"a" : 1}`).
                for i in [7, 8] {
                    if case .text(let json) = values[i] {
                        values[i] = .text(
                            HistoryEntry.values(fromJSON: json).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                                .joined(separator: "\u{1F}"))
                    }
                }
            }
            var bytes: [UInt8] = []
            for v in values {
                switch v {
                case .null: bytes.append(0)
                case .int(let i):
                    bytes.append(1)
                    bytes.append(contentsOf: Array(String(i).utf8))
                case .text(let s):
                    bytes.append(2)
                    bytes.append(contentsOf: Array(String(s.utf8.count).utf8))
                    bytes.append(58)
                    bytes.append(contentsOf: Array(s.utf8))
                case .bytes(let b):
                    bytes.append(3)
                    bytes.append(contentsOf: SHA256.digest(b))
                }
                bytes.append(44)
            }
            bytes.append(10)
            var sum = out[table.name] ?? TableSum(keep: keepRows.contains(table.name))
            sum.count += 1
            sum.hasher.add(bytes)
            if sum.keep {
                let key: String
                switch values[0] {
                case .int(let i): key = String(i)
                case .text(let s): key = table.columns.count > 1 && table.orderBy.count > 1 ? s + "/" + "\(values[1])" : s
                default: key = "\(values[0])"
                }
                sum.keys[key] = RowFingerprint.of(bytes)
            }
            out[table.name] = sum
        }
        return out
    }

    /// Everything in `a` against `b`; empty when they hold the same.
    static func compare(
        _ a: any MovableLedger, _ b: any MovableLedger, skipping: Set<String>, progress: ProgressHandler?
    ) throws -> [Difference] {
        let tables = LedgerTransfer.tables.filter { $0.name != LedgerTransfer.chain.name && !skipping.contains($0.name) }
        var differences: [Difference] = []
        var left = try sums(a, tables, keepRows: [], progress: progress)
        var right = try sums(b, tables, keepRows: [], progress: nil)
        let differing = tables.map(\.name).filter { t in
            left[t]?.count != right[t]?.count || left[t]?.hasher.digest() != right[t]?.hasher.digest()
        }
        if !differing.isEmpty {
            let subset = tables.filter { differing.contains($0.name) }
            left = try sums(a, subset, keepRows: Set(differing), progress: nil)
            right = try sums(b, subset, keepRows: Set(differing), progress: nil)
            for t in differing {
                let l = left[t]?.keys ?? [:], r = right[t]?.keys ?? [:]
                let keys = Set(l.keys).union(r.keys).filter { l[$0] != r[$0] }.sorted { a, b in
                    (Int64(a) ?? 0, a) < (Int64(b) ?? 0, b)
                }
                let name = names[t] ?? (t, t)
                let shown = keys.prefix(5).joined(separator: ", ")
                differences.append(
                    Difference(
                        what: Message(
                            zh:
                                "\(name.0)不一致：两边各 \(left[t]?.count ?? 0) 行、\(right[t]?.count ?? 0) 行，\(keys.count) 行不同（如 \(shown)）",
                            en:
                                "\(name.1) differ: \(left[t]?.count ?? 0) rows against \(right[t]?.count ?? 0), \(keys.count) differ (e.g. \(shown))"
                        )))
            }
        }
        // Every person's totals for every year with records, each ledger computing its own.
        var years = Set<Int>()
        try a.eachRecord(year: nil) { years.insert($0.record.endDate.year) }
        var checked = 0
        for year in years.sorted() {
            var l: [AnnualRow] = [], r: [AnnualRow] = []
            try a.annualReport(year: year, filter: ReportFilter()) { l.append($0) }
            try b.annualReport(year: year, filter: ReportFilter()) { r.append($0) }
            checked += l.count
            if l != r {
                let lk = Dictionary(l.map { ($0.idNumber, $0) }, uniquingKeysWith: { x, _ in x })
                let rk = Dictionary(r.map { ($0.idNumber, $0) }, uniquingKeysWith: { x, _ in x })
                let bad = Set(lk.keys).union(rk.keys).filter { lk[$0] != rk[$0] }.sorted().map(ResidentID.mask)
                differences.append(
                    Difference(
                        what: Message(
                            zh: "\(year)年的年度合计不一致：\(bad.count) 人（如 \(bad.prefix(3).joined(separator: ", "))）",
                            en:
                                "the annual totals of \(year) differ for \(bad.count) persons (e.g. \(bad.prefix(3).joined(separator: ", ")))"
                        )))
            }
        }
        if differences.isEmpty {
            let span = years.isEmpty ? "" : years.count == 1 ? "\(years.min()!)" : "\(years.min()!)–\(years.max()!)"
            Context.say(
                Context.text(
                    "比对一致：人员、学习记录、修改记录（\((left["history"]?.count ?? 0).grouped) 条）、证明、证明材料、规则集、设置逐行相同；\(span) 年每人的年度合计相同（共 \(checked.grouped) 人次）",
                    "both ledgers agree: persons, records, history (\((left["history"]?.count ?? 0).grouped) entries), cards, proof files, rule sets and settings row by row; every person's annual totals for \(span) (\(checked.grouped) person-years)"
                ))
        }
        return differences
    }

    static func finish(_ differences: [Difference], zhFix: String, enFix: String) throws {
        guard !differences.isEmpty else { return }
        for d in differences { Context.say(Context.text("不一致  ", "differs  ") + d.what.text(Context.lang)) }
        throw CLIFailure(
            zh: "两个登记簿不一致（\(differences.count) 处）：\(zhFix)", en: "the two ledgers differ (\(differences.count)): \(enFix)",
            code: ExitStatus.badInput)
    }
}

/// A 128-bit fingerprint of a stream of rows, without holding them: two of the standard library's
/// hashers (SipHash, keyed per process, so both ledgers' rows are hashed with the same key in one run),
/// told apart by a first value. Not a signature: it only has to tell two ledgers apart within one run,
/// and it is many times faster than SHA-256 in Swift.
struct RowFingerprint {
    private var a = Hasher(), b = Hasher()
    init() {
        a.combine(0x6365_6C65)
        b.combine(0x6467_6572)
    }
    mutating func add(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            a.combine(bytes: raw)
            b.combine(bytes: raw)
        }
        a.combine(bytes.count)
        b.combine(bytes.count)
    }
    func digest() -> [Int] { [a.finalize(), b.finalize()] }

    static func of(_ bytes: [UInt8]) -> [Int] {
        var f = RowFingerprint()
        f.add(bytes)
        return f.digest()
    }
}
