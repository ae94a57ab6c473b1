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

    func run() throws {
        if kind == .class {
            return try ClassImport(global: global, file: file, dryRun: dryRun, skipInvalid: skipInvalid, reader: { try source() })
                .run()
        }
        let lang = Context.lang
        let reader = try source()
        // A dry run reads only: it never changes the file, even to migrate it.
        let ledger = try Context.openLedger(global, access: dryRun ? .readOnly : .readWrite)
        let progress = ProgressLine(Context.text("导入中", "importing"))
        var options = ImportOptions(skipInvalid: skipInvalid, dryRun: dryRun)
        // Rejected rows go to their file as they are found, never held (a file may have millions).
        let rejectedFile = skipInvalid && !dryRun ? RejectedFile(path: rejectedPath()) : nil
        if let rejectedFile { options.rejectedRows = { header, row in rejectedFile.add(header, row) } }
        let report: ImportReport
        do {
            report = try ledger.importRows(kind.rowKind, from: reader, options: options, progress: progress.update)
        } catch {
            rejectedFile?.abandon()
            throw error
        }
        progress.finish()

        let name = (file as NSString).lastPathComponent
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
    }

    /// The file's rows: a workbook's first sheet, or CSV in its detected (or forced) encoding.
    func source() throws -> any RowSource {
        do {
            return try RowFile.open(path: file, encoding: encoding?.encoding)
        } catch {
            throw CLIFailure(error.text, code: ExitStatus.badInput)
        }
    }

    /// Where the rejected rows go: beside the input file (staff.csv or staff.xlsx → staff.rejected.csv).
    func rejectedPath() -> String {
        let lower = file.lowercased()
        let base =
            lower.hasSuffix(".csv")
            ? String(file.dropLast(4))
            : lower.hasSuffix(".xlsx") || lower.hasSuffix(".xlsm") ? String(file.dropLast(5)) : file
        return base + ".rejected.csv"
    }
}

/// The rejected rows as they were, with line, column and reason first, written as the import finds them
/// (opened at the first one, put in place when the import commits, removed when it does not).
/// Called from the import's writing thread only.
final class RejectedFile: @unchecked Sendable {
    let path: String
    private var out: OutputSink?
    private(set) var count = 0
    private var failure: Error?

    init(path: String) { self.path = path }

    func add(_ header: [String], _ row: RejectedRow) {
        if failure != nil { return }
        do {
            if out == nil {
                var o = try OutputSink(path: path)
                o.write("\u{FEFF}")
                o.write(CSVWriter.line(["line", "column", "reason"] + header))
                out = o
            }
            let columns = row.errors.map(\.column).joined(separator: "; ")
            let reasons = row.errors.map { $0.message.text(Context.lang) }.joined(separator: "; ")
            out!.write(CSVWriter.line([String(row.line), columns, reasons] + row.fields))
            count += 1
        } catch {
            failure = error
        }
    }

    /// Puts the file in place; its path.
    func close() throws -> String {
        if let failure {
            abandon()
            throw failure
        }
        try out?.close()
        out = nil
        return path
    }

    func abandon() {
        out?.abandon()
        out = nil
    }
}
