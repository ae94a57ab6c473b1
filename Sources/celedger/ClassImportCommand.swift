import ArgumentParser
import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import CeledgerSQLite
import CeledgerSheets
import CeledgerText
import Foundation

/// What `celedger import` reads: persons, records, or a class (one activity, many participants).
enum ImportTarget: String, ExpressibleByArgument, CaseIterable {
    case persons, records
    case `class`
    var rowKind: RowKind { self == .persons ? .person : .record }
}

/// `celedger import class FILE`: one training class, many participants (Art. 16). The file is the class's
/// `key,value` lines, then a participants table; see docs/cli.md.
struct ClassImport {
    let global: GlobalOptions
    let file: String
    let dryRun: Bool
    let skipInvalid: Bool
    /// Opens the file as `import` does for persons and records (CSV in any encoding, or a workbook).
    let reader: () throws -> any RowSource
    /// The class's details from the command line (`--mode`, `--title`…): the file may then be a sign-in sheet.
    var given = ClassFile.Given()

    func run() throws {
        if skipInvalid {
            throw CLIFailure(
                zh: "import class 不支持 --skip-invalid：一个培训班整体导入或不导入",
                en: "import class takes no --skip-invalid: a class is imported whole or not at all", code: ExitStatus.usage)
        }
        let lang = Context.lang
        let reader = try self.reader()
        let ledger = try Context.openImporter(global, dryRun: dryRun)
        let progress = ProgressLine(Context.text("导入中", "importing"))
        let report = try ledger.importClass(from: reader, given: given, dryRun: dryRun, today: nil, progress: progress.update)
        progress.finish()

        let name = (file as NSString).lastPathComponent
        func located(_ e: RowError) -> String {
            // Line 0: a value given on the command line, named by its option.
            if e.line == 0 { return "\(e.column)" + (lang == .zh ? "：" : ": ") + e.message.text(lang) }
            var s = lang == .zh ? "\(name)：第\(e.line)行" : "\(name): line \(e.line)"
            if !e.column.isEmpty { s += lang == .zh ? "：\(e.column)" : ": \(e.column)" }
            return s + (lang == .zh ? "：" : ": ") + e.message.text(lang)
        }
        if !report.ignoredColumns.isEmpty {
            let list = report.ignoredColumns
            Context.printError(
                lang == .zh
                    ? "\(name)：第\(report.headerLine)行：忽略签到表中登记簿不用的列：\(list.joined(separator: "、"))"
                    : "\(name): line \(report.headerLine): ignored columns the ledger does not use: \(list.joined(separator: ", "))"
            )
        }
        for e in report.errors { Context.printError(located(e)) }
        for d in report.duplicates { Context.printError(located(d)) }
        if !report.errors.isEmpty {
            let n = report.badRowCount
            throw CLIFailure(
                zh: "\(name)：\(n)行有误，未导入任何数据", en: "\(name): \(n) bad line\(n == 1 ? "" : "s"); nothing imported",
                code: ExitStatus.badInput)
        }
        let dup = report.duplicates.count
        var what = ""
        if let r = report.record {
            let span = r.startDate == r.endDate ? r.startDate.iso : "\(r.startDate.iso)~\(r.endDate.iso)"
            what = Context.text("“\(r.title)”（\(span)）", "\"\(r.title)\" (\(span))")
        }
        var summary: String
        if dryRun {
            summary = Context.text(
                "试运行：培训班\(what)参加人员 \(report.rows.grouped) 人，可导入 \(report.inserted.grouped) 人；未写入任何数据",
                "dry run: class \(what), \(report.rows.grouped) participants, \(report.inserted.grouped) would import; nothing written"
            )
        } else {
            summary = Context.text(
                "已导入培训班\(what)：新增 \(report.inserted.grouped)", "imported class \(what): \(report.inserted.grouped) added")
        }
        if dup > 0 { summary += Context.text("，重复跳过 \(dup.grouped)", ", \(dup.grouped) duplicate\(dup == 1 ? "" : "s") skipped") }
        Context.say(summary)
        if !report.farFromSuggestion.isEmpty {
            Context.printError(
                Context.text("认定学时与规则建议相差悬殊，请核对：", "recognised hours far from the rule's suggestion; check them:"))
            for e in report.farFromSuggestion { Context.printError("  " + located(e)) }
        }
    }
}
