import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import Foundation

/// The program's data folder (data/ in the source tree, share/celedger when installed): rule sets, the
/// pinyin table, demo pools, templates. Shared by the command line and the benchmark driver, so both open a
/// ledger exactly alike.
public struct DataFolder: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// `$CELEDGER_DATA`, else `../share/celedger` beside the executable, else a `data/` folder above it (the
    /// source tree it was built in), else `./data`.
    public static func locate(environment: [String: String], executable: String) -> DataFolder? {
        let fm = FileManager.default
        func ok(_ d: String) -> Bool { fm.fileExists(atPath: d + "/rules") }
        if let d = environment["CELEDGER_DATA"], ok(d) { return DataFolder(path: d) }
        var dir = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        let share = dir.appendingPathComponent("../share/celedger").standardized.path
        if ok(share) { return DataFolder(path: share) }
        for _ in 0..<8 {
            let candidate = dir.appendingPathComponent("data").path
            if ok(candidate) { return DataFolder(path: candidate) }
            dir = dir.deletingLastPathComponent()
        }
        let cwd = fm.currentDirectoryPath + "/data"
        return ok(cwd) ? DataFolder(path: cwd) : nil
    }

    public static let notFound = LedgerError.dataFolderNotFound

    /// A file's text (UTF-8).
    public func read(_ relative: String) throws(LedgerError) -> String {
        let file = path + "/" + relative
        guard let data = FileManager.default.contents(atPath: file), let s = String(data: data, encoding: .utf8) else {
            throw LedgerError.unreadableDataFile(path: file)
        }
        return s
    }

    /// The pinyin tables (initials and full readings), read when first needed; their absence is an error at once.
    public func pinyinLoader() throws(LedgerError) -> @Sendable () -> PinyinIndex {
        let initials = path + "/pinyin/initials.tsv"
        let readings = path + "/pinyin/readings.tsv"
        for file in [initials, readings] where !FileManager.default.isReadableFile(atPath: file) {
            throw LedgerError.unreadableDataFile(path: file)
        }
        return {
            let a = FileManager.default.contents(atPath: initials) ?? Data()
            let b = FileManager.default.contents(atPath: readings) ?? Data()
            return PinyinIndex(table: String(decoding: a, as: UTF8.self), readings: String(decoding: b, as: UTF8.self))
        }
    }

    /// Both pinyin tables at once.
    public func pinyin() throws(LedgerError) -> PinyinIndex { try pinyinLoader()() }

    /// Every rule set under rules/; a bad file stops with its name and the path of the bad value in it.
    public func ruleSets() throws(LedgerError) -> [RuleSet] {
        let dir = path + "/rules"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        var sets: [RuleSet] = []
        for name in names {
            let file = dir + "/" + name
            guard let data = FileManager.default.contents(atPath: file) else {
                throw LedgerError.unreadableRuleFile(path: file)
            }
            do {
                sets.append(try RuleSet.decode(data))
            } catch {
                throw LedgerError.invalidRuleFile(path: file, at: error.path, error.message)
            }
        }
        if sets.isEmpty { throw LedgerError.noRuleFiles(folder: dir) }
        return sets
    }

    /// Opens a ledger as every command does: shipped rules, the pinyin table when a name is first written,
    /// and, when opened for writing, its stored totals brought up to date (`progress` while that runs).
    public func openLedger(
        path ledgerPath: String, access: SQLiteLedger.Access, actor: String, progress: (() -> ProgressHandler?)? = nil
    ) throws(LedgerError) -> SQLiteLedger {
        let ledger = try SQLiteLedger.open(
            path: ledgerPath, pinyinLoader: try pinyinLoader(), rules: try ruleSets(), access: access, actor: actor)
        if access == .readWrite, try ledger.totalsNeedRefresh() {
            try ledger.refreshTotals(progress: progress?() ?? nil)
        }
        return ledger
    }
}
