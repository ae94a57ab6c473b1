import ArgumentParser
import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import CeledgerSQLite
import CeledgerSheets
import CeledgerText
import Foundation

enum ImportKind: String, ExpressibleByArgument, CaseIterable {
    case persons, records
    var rowKind: RowKind { self == .persons ? .person : .record }
}

/// `--encoding`: utf-8, gb18030, or gbk (read as GB18030, its superset).
enum EncodingOption: String, ExpressibleByArgument, CaseIterable {
    case utf8 = "utf-8"
    case gb18030, gbk

    init?(argument: String) {
        switch TextEncoding(name: argument) {
        case .utf8?: self = .utf8
        case .gb18030?: self = argument.lowercased() == "gbk" ? .gbk : .gb18030
        case nil: return nil
        }
    }

    var encoding: TextEncoding { self == .utf8 ? .utf8 : .gb18030 }
}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract:
            "Import persons, records or a class (one activity, many participants) from a CSV or XLSX file (English keys or Chinese headers, any order).",
        discussion: """
            Atomic by default: if any row is bad, nothing is imported and every bad row is reported as \
            'line N: column: reason'. A record already in the ledger is reported as a duplicate and skipped. \
            A CSV file may be UTF-8 (with or without a byte-order mark) or GB18030/GBK, detected unless \
            --encoding says; an .xlsx file (recognised by its content) is read from its first worksheet.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "persons, records or class")
    var kind: ImportTarget  // class: ClassImportCommand.swift

    @Argument(help: ArgumentHelp("The CSV or XLSX file.", valueName: "file"))
    var file: String

    @Option(
        name: .long,
        help: ArgumentHelp("The CSV file's encoding: utf-8, gb18030 or gbk (default: detected).", valueName: "encoding"))
    var encoding: EncodingOption?

    @Flag(
        name: .long,
        help:
            "Import the good rows; write the bad ones with reasons beside the input (staff.csv → staff.rejected.csv). Not for class: a class is imported whole or not at all."
    )
    var skipInvalid = false

    @Flag(name: .long, help: "Only validate; write nothing.")
    var dryRun = false

    @Flag(
        name: .long,
        help: "Refuse columns the ledger does not know (by default they are ignored, and named).")
    var strict = false

    @OptionGroup(title: "A class from a sign-in sheet (import class)") var classDetails: ClassDetails

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The unit of persons whose row has none, for a file without a unit column (default: the ledger's employer).",
            valueName: "name"))
    var unit: String?

    func run() throws {
        if kind == .class {
            var run = ClassImport(global: global, file: file, dryRun: dryRun, skipInvalid: skipInvalid, reader: { try source() })
            run.given = classDetails.given
            return try run.run()
        }
        if !classDetails.given.isEmpty {
            throw CLIFailure(
                zh: "--mode、--title 等培训班选项只用于 import class",
                en: "--mode, --title and the other class options are for import class only",
                code: ExitStatus.usage)
        }
        let lang = Context.lang
        let fileReader = try source()
        // A dry run reads only: it never changes the file, even to migrate it.
        let ledger = try Context.openImporter(global, dryRun: dryRun)
        let employer = kind == .persons ? try ledger.employer() : nil
        let roster = RosterSource(
            fileReader, kind: kind.rowKind,
            filling: RosterSource.Filling(unit: unit ?? employer, titleLevels: kind == .persons ? DataFiles.titleLevels() : [:]))
        let progress = ProgressLine(Context.text("导入中", "importing"))
        var options = ImportOptions(skipInvalid: skipInvalid, dryRun: dryRun, strict: strict)
        options.source = (file as NSString).lastPathComponent
        // Rejected rows go to their file as they are found, never held (a file may have millions); the file
        // is of the input's kind, so Excel cannot mangle the ID numbers of a workbook's rows.
        let rejectedFile =
            skipInvalid && !dryRun
            ? RejectedFile(base: rejectedBase(), spreadsheet: fileReader is XLSXReader, kind: kind.rowKind) : nil
        if let rejectedFile { options.rejectedRows = { header, row in rejectedFile.add(header, row) } }
        let report: ImportReport
        do {
            report = try ledger.importRows(kind.rowKind, from: roster, options: options, progress: progress.update)
        } catch {
            rejectedFile?.abandon()
            throw error
        }
        progress.finish()

        let name = (file as NSString).lastPathComponent
        describe(roster, report: report, name: name)
        func located(_ e: RowError) -> String {
            var s = lang == .zh ? "\(name)：第\(e.line)行" : "\(name): line \(e.line)"
            if !e.column.isEmpty { s += lang == .zh ? "：\(e.column)" : ": \(e.column)" }
            return s + (lang == .zh ? "：" : ": ") + e.message.text(lang)
        }
        for e in report.errors { Context.printError(located(e)) }
        for d in report.duplicates { Context.printError(located(d)) }
        if report.duplicateCount > report.duplicates.count {
            let more = report.duplicateCount - report.duplicates.count
            Context.printError(Context.text("……另有\(more.grouped)处重复未列出", "… and \(more.grouped) more duplicates not listed"))
        }
        let unshown = report.badRowCount - Set(report.errors.map(\.line)).count
        if unshown > 0 {
            Context.printError(Context.text("……另有\(unshown.grouped)行有误未列出", "… and \(unshown.grouped) more bad rows not listed"))
        }

        let badRows = report.badRowCount
        if report.fileIsBroken || (!report.errors.isEmpty && !skipInvalid) || !report.committed && !dryRun {
            rejectedFile?.abandon()
        }
        if report.fileIsBroken || (!report.errors.isEmpty && !skipInvalid) {
            throw CLIFailure(
                zh: "\(name)：\(badRows)行有误，未导入任何数据",
                en: "\(name): \(badRows) bad row\(badRows == 1 ? "" : "s"); nothing imported",
                code: ExitStatus.badInput)
        }
        var rejectedPath: String?
        var rejectedCount = 0
        if let rejectedFile, report.committed, rejectedFile.count > 0 {
            rejectedCount = rejectedFile.count
            rejectedPath = try rejectedFile.close()
        }
        let dup = report.duplicateCount
        let what = kind == .persons ? Context.text("人员", "persons") : Context.text("记录", "records")
        var summary: String
        if dryRun {
            summary = Context.text(
                "试运行：\(report.rows.grouped)行，其中可导入\((report.inserted + report.updated + report.unchanged).grouped)行；未写入任何数据",
                "dry run: \(report.rows.grouped) rows, \((report.inserted + report.updated + report.unchanged).grouped) would import; nothing written"
            )
        } else if kind == .persons {
            summary = Context.text(
                "已导入\(what)：新增 \(report.inserted.grouped)，更新 \(report.updated.grouped)，未变 \(report.unchanged.grouped)",
                "imported \(what): \(report.inserted.grouped) added, \(report.updated.grouped) updated, \(report.unchanged.grouped) unchanged"
            )
        } else {
            summary = Context.text(
                "已导入\(what)：新增 \(report.inserted.grouped)", "imported \(what): \(report.inserted.grouped) added")
        }
        if dup > 0 { summary += Context.text("，重复跳过 \(dup.grouped)", ", \(dup.grouped) duplicate\(dup == 1 ? "" : "s") skipped") }
        if let rejectedPath {
            let n = rejectedCount
            summary += Context.text(
                "，有误跳过 \(n.grouped)（见 \(rejectedPath)）",
                ", \(n.grouped) bad row\(n == 1 ? "" : "s") skipped (see \(rejectedPath))")
        }
        Context.say(summary)
        // Imported, but worth a second look: recognised hours far from the rule's suggestion.
        if report.farFromSuggestionCount > 0 {
            let n = report.farFromSuggestionCount
            Context.printError(
                Context.text(
                    "其中 \(n.grouped) 行的认定学时与规则建议相差悬殊，请核对：",
                    "\(n.grouped) row\(n == 1 ? "" : "s") with recognised hours far from the rule's suggestion; check them:"))
            for e in report.farFromSuggestion { Context.printError("  " + located(e)) }
            if n > report.farFromSuggestion.count {
                let more = n - report.farFromSuggestion.count
                Context.printError(Context.text("  ……另有\(more.grouped)行未列出", "  … and \(more.grouped) more not listed"))
            }
        }
    }

    /// How many ignored columns the import names before it only counts the rest.
    static let ignoredColumnsNamed = 20

    /// What the roster made of the file, on stderr before the errors, each located like them ("file: line N:"):
    /// where the header was found, the columns ignored, the rows left out.
    func describe(_ roster: RosterSource, report: ImportReport, name: String) {
        let zh = Context.lang == .zh
        guard let h = roster.fileHeader else { return }
        func note(_ line: Int, _ zhText: String, _ enText: String) {
            Context.printError(zh ? "\(name)：第\(line)行：\(zhText)" : "\(name): line \(line): \(enText)")
        }
        let above = roster.skipped.filter { $0.reason == .aboveHeader }.count
        if h.line != 1 && above > 0 {
            note(
                h.line, "是表头（其上\(above)行为标题，已跳过）",
                "is the header (the \(above) row\(above == 1 ? "" : "s") above it, a title, skipped)")
        }
        let ignored = roster.ignoredColumns
        if !ignored.isEmpty && !strict {
            // Named, but only so many: a file of thousands of columns gets one readable line, not thousands.
            let shown = ignored.prefix(Self.ignoredColumnsNamed).map { Message.excerpt($0) }
            let more = ignored.count - shown.count
            note(
                h.line,
                "忽略登记簿不用的列：\(shown.joined(separator: "、"))\(more > 0 ? "等，共\(ignored.count.grouped)列" : "")（用 --strict 则拒绝这些列）",
                "ignored columns the ledger does not use: \(shown.joined(separator: ", "))\(more > 0 ? " and \(more.grouped) more" : "") (--strict refuses them)"
            )
        }
        if unit != nil, h.fields.contains(where: { Field.fromHeader($0, kind: kind.rowKind) == .unit }) {
            note(h.line, "文件有单位列，--unit 只填补其中的空单元格", "the file has a unit column; --unit fills only its empty cells")
        }
        for s in roster.skipped where s.reason != .aboveHeader { note(s.line, s.message.zh, s.message.en) }
    }

    /// The file's rows: a workbook's first sheet, or CSV in its detected (or forced) encoding; a pipe too.
    func source() throws -> any RowSource {
        do {
            return try RowFile.open(path: file, encoding: encoding?.encoding)
        } catch {
            throw CLIFailure(error.text, code: ExitStatus.badInput)
        }
    }

    /// Where the rejected rows go: beside the input file, without its extension (staff.csv → staff.rejected.csv,
    /// staff.xlsx → staff.rejected.xlsx).
    func rejectedBase() -> String {
        let lower = file.lowercased()
        let base =
            lower.hasSuffix(".csv")
            ? String(file.dropLast(4))
            : lower.hasSuffix(".xlsx") || lower.hasSuffix(".xlsm") ? String(file.dropLast(5)) : file
        return base + ".rejected"
    }
}

/// The rejected rows of `--skip-invalid`, written as the import finds them (opened at the first one, put
/// in place when the import commits, removed when it does not) by the writer the TUI's import screen uses
/// too (`RejectedRowsFile`): CSV for a CSV input, a workbook for a workbook.
final class RejectedFile: @unchecked Sendable {
    private let file: RejectedRowsFile
    var path: String { file.path }
    var count: Int { file.count }

    init(base: String, spreadsheet: Bool, kind: RowKind) {
        file = RejectedRowsFile(base: base, spreadsheet: spreadsheet, kind: kind, lang: Context.lang, creator: Context.userName)
    }

    func add(_ header: [String], _ row: RejectedRow) { file.add(header, row) }

    /// Puts the file in place; its path.
    func close() throws -> String {
        do {
            return try file.close()
        } catch let e as SheetError {
            throw CLIFailure(e.text, code: ExitStatus.badInput)
        }
    }

    func abandon() { file.abandon() }
}

/// `import class`'s details of the class, named after the records file's keys, for a plain sign-in sheet
/// (names and ID numbers, perhaps an assessment column): what the class lines of a class file would say.
struct ClassDetails: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("How it was learned: training, practice, academic, online, degree, other (or 培训…).", valueName: "mode")
    )
    var mode: String?
    @Option(name: .long, help: ArgumentHelp("public or professional (公需科目, 专业科目).", valueName: "category"))
    var category: String?
    @Option(name: .long, help: ArgumentHelp("The class's content (内容).", valueName: "text"))
    var title: String?
    @Option(name: .long, help: ArgumentHelp("Who held it (举办单位).", valueName: "name"))
    var provider: String?
    @Option(name: .customLong("start-date"), help: ArgumentHelp("The first day, yyyy-mm-dd.", valueName: "date"))
    var startDate: String?
    @Option(name: .customLong("end-date"), help: ArgumentHelp("The last day, yyyy-mm-dd.", valueName: "date"))
    var endDate: String?
    @Option(
        name: .customLong("claimed-hours"),
        help: ArgumentHelp(
            "Hours claimed for each participant (default: the rule's suggestion, where it has one).", valueName: "hours"))
    var claimedHours: String?
    @Option(
        name: .customLong("recognized-hours"), help: ArgumentHelp("Hours recognised for each participant.", valueName: "hours"))
    var recognizedHours: String?
    @Option(name: .long, help: ArgumentHelp("pending, recognized or rejected (待认定, 已认定, 不予认定).", valueName: "state"))
    var recognition: String?
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Everyone's assessment (a column of the sheet overrides it): passed, failed, none…", valueName: "result"))
    var assessment: String?

    var given: ClassFile.Given {
        var g = ClassFile.Given()
        g.set(.mode, mode, name: "--mode")
        g.set(.category, category, name: "--category")
        g.set(.title, title, name: "--title")
        g.set(.provider, provider, name: "--provider")
        g.set(.startDate, startDate, name: "--start-date")
        g.set(.endDate, endDate, name: "--end-date")
        g.set(.claimedHours, claimedHours, name: "--claimed-hours")
        g.set(.recognizedHours, recognizedHours, name: "--recognized-hours")
        g.set(.recognition, recognition, name: "--recognition")
        g.set(.assessment, assessment, name: "--assessment")
        return g
    }
}
