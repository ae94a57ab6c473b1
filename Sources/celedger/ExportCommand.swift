import ArgumentParser
import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import CeledgerPostgres
import CeledgerSQLite
import CeledgerSheets
import Foundation

enum DataFormat: String, ExpressibleByArgument, CaseIterable {
    case csv, json, xlsx
}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract:
            "Export persons or records as CSV (English keys; imports back exactly), XLSX (for people: Chinese headers and values under a Chinese UI, records with the person's name; imports back too) or JSON.",
        discussion: """
            CSV is UTF-8 with a byte-order mark (Excel reads it right); --no-bom leaves the mark out, for \
            scripts. --stamp adds a last line '# celedger export … by <user> at <UTC time> …', which import \
            skips. XLSX needs -o; it names the user and the time in the file's properties and on a second \
            sheet.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "persons or records")
    var kind: ImportKind

    @Option(name: .long, help: "Only this year: records ending in it, persons active in it.")
    var year: Int?

    @Option(name: .long, help: "csv, xlsx or json")
    var format: DataFormat = .csv

    @Option(
        name: [.short, .customLong("output")],
        help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Flag(name: .customLong("no-bom"), help: "CSV without the UTF-8 byte-order mark (for scripts).")
    var noBOM = false

    @Flag(name: .long, help: "CSV: end with a '# celedger …' line naming the user and the time (import skips it).")
    var stamp = false

    func run() throws {
        if format == .xlsx { _ = try SpreadsheetOutput.requirePath(output) }
        let ledger = try Context.openForReports(global)
        let info = try ExportInfo(ledger: ledger, global: global)
        let title = kind == .persons ? Context.text("人员", "Persons") : Context.text("学习记录", "Records")
        if format == .xlsx {
            let writer = try SpreadsheetOutput.xlsx(output, sheet: title)
            do {
                try writePeopleRows(to: writer, ledger)
                try info.finish(writer, title: "celedger export \(kind.rawValue)")
            } catch {
                writer.abandon()
                throw error
            }
            return
        }
        var out = try OutputSink(path: output)
        if format == .json {
            var json = JSONWriter(capacity: 1 << 17)
            func item(_ append: (inout JSONWriter) -> Void) {
                json.item()
                append(&json)
                if json.bytes.count >= 1 << 15 { out.write(&json) }
            }
            do {
                switch kind {
                case .persons: try ledger.eachPerson(activeIn: year) { p in item { ExportShape.appendJSON(p.person, to: &$0) } }
                case .records: try ledger.eachRecord(year: year) { r in item { ExportShape.appendJSON(r.record, to: &$0) } }
                }
            } catch {
                out.abandon()
                throw error
            }
            json.endItems()
            out.write(&json)
            try out.close()
            return
        }
        let csv = CSVTable(byteOrderMark: !noBOM) { out.write($0) }
        do {
            try writeRows(to: csv, ledger)
        } catch {
            out.abandon()
            throw error
        }
        if stamp { csv.stamp(info.stampParts(what: "export \(kind.rawValue)", rows: csv.rowCount)) }
        try out.close()
    }

    /// A workbook for people: headers and values in the user's language, the records with the person's name.
    func writePeopleRows(to sink: TableSink, _ ledger: any ReportLedger) throws {
        let out = SinkGuard(sink)
        let lang = Context.lang
        switch kind {
        case .persons:
            try out.header(PeopleShape.personColumns(lang))
            try out.rows { try ledger.eachPerson(activeIn: year) { try out.row(PeopleShape.personCells($0.person, lang)) } }
        case .records:
            try out.header(PeopleShape.recordColumns(lang))
            try out.rows {
                try ledger.eachRecordNamed(year: year) { r, name in
                    try out.row(PeopleShape.recordCells(r.record, name: name, lang))
                }
            }
        }
    }

    func writeRows(to sink: TableSink, _ ledger: any ReportLedger) throws {
        let out = SinkGuard(sink)
        try out.header(ExportShape.columns(kind.rowKind))
        try out.rows {
            switch kind {
            case .persons: try ledger.eachPerson(activeIn: year) { try out.row(ExportShape.typedCells($0.person)) }
            case .records: try ledger.eachRecord(year: year) { try out.row(ExportShape.typedCells($0.record)) }
            }
        }
    }
}

/// Who made an export, from which ledger, with which command, and when: for the `--stamp` line of a CSV
/// and the "导出信息"/"Export info" sheet and document properties of an XLSX file.
struct ExportInfo {
    let ledgerName: String
    let command: String
    let user: String
    let time: Date
    /// The ledger's history chain at the export, so that paper can catch a history rewritten later.
    var history: HistoryHead?

    init(ledger: any ReportLedger, global: GlobalOptions, time: Date = Date()) throws {
        // A file by its name; a server by its masked URI (the database's name alone says too little).
        ledgerName = PostgresURI.isServer(ledger.location) ? ledger.location : (ledger.location as NSString).lastPathComponent
        history = try ledger.historyHead()
        command = (["celedger"] + CommandLine.arguments.dropFirst().map(ExportInfo.quoted)).joined(separator: " ")
        user = Context.actor(global)
        self.time = time
    }

    init(user: String, time: Date = Date()) {
        ledgerName = ""
        command = (["celedger"] + CommandLine.arguments.dropFirst().map(ExportInfo.quoted)).joined(separator: " ")
        self.user = user
        self.time = time
    }

    /// An argument as a shell would need it.
    static func quoted(_ arg: String) -> String {
        let plain =
            !arg.isEmpty
            && arg.unicodeScalars.allSatisfy { u in
                !" \t\n'\"\\$`!*?[]{}()<>|&;#~".unicodeScalars.contains(u)
            }
        return plain ? arg : "'" + arg.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// UTC, to the second: 2025-01-05T08:00:00Z.
    var utc: String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: time)
    }

    /// "# celedger export records by 王芳 at 2025-01-05T08:00:00Z from ledger.sqlite; 120 rows; history 4711
    /// entries · chain 0123456789abcdef"
    func stampParts(what: String, rows: Int) -> [String] {
        [
            "\(what) by \(user) at \(utc) from \(ledgerName); \(rows) row\(rows == 1 ? "" : "s")"
                + (history.map { "; history \($0.line.en)" } ?? "")
        ]
    }

    func sheetRows(rows: Int) -> [[TableCell]] {
        [
            [.text(Context.text("登记簿", "Ledger")), .text(ledgerName)],
            [.text(Context.text("命令", "Command")), .text(command)],
            [.text(Context.text("导出人", "User")), .text(user)],
            [.text(Context.text("导出时间（UTC）", "Time (UTC)")), .text(utc)],
            [.text(Context.text("数据行数", "Rows")), .number(String(rows))],
            [.text(Context.text("程序", "Program")), .text("celedger \(Celedger.configuration.version)")],
        ] + (history.map { [[.text(Context.text("登记簿历史", "Ledger history")), .text($0.line.text(Context.lang))]] } ?? [])
    }

    /// Adds the export-information sheet and writes the workbook, naming the user and time in its properties.
    func finish(_ writer: XLSXWriter, title: String) throws {
        writer.addSheet(
            name: Context.text("导出信息", "Export info"),
            columns: [TableColumn(Context.text("项目", "Item")), TableColumn(Context.text("内容", "Value"))],
            rows: sheetRows(rows: writer.rowCount))
        do {
            try writer.finish(creator: user, created: time, title: title)
        } catch {
            throw CLIFailure(error.text, code: ExitStatus.badInput)
        }
    }
}

/// Tells the output's failures (exit status 1: the file cannot be written, too many rows for a sheet) from
/// the ledger's (exit status 3), although both arrive through the ledger's row loop.
final class SinkGuard {
    let sink: TableSink
    private var failure: SheetError?

    init(_ sink: TableSink) { self.sink = sink }

    func header(_ columns: [TableColumn]) throws {
        do { try sink.header(columns) } catch { throw CLIFailure(error.text, code: ExitStatus.badInput) }
    }

    func row(_ cells: [TableCell]) throws {
        do {
            try sink.row(cells)
        } catch {
            failure = error
            throw error
        }
    }

    /// Runs the loop that calls `row`; a failure of the output becomes exit status 1.
    func rows(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch {
            if let failure { throw CLIFailure(failure.text, code: ExitStatus.badInput) }
            throw error
        }
    }
}

/// Spreadsheet output goes to a file: a workbook on a terminal or in a pipe helps nobody.
enum SpreadsheetOutput {
    static func requirePath(_ output: String?) throws -> String {
        guard let output, output != "-" else {
            throw CLIFailure(
                zh: "xlsx 格式须用 -o 指定输出文件（不能写到终端或标准输出）",
                en: "xlsx needs an output file given with -o (it is not written to a terminal or standard output)",
                code: ExitStatus.usage)
        }
        return output
    }

    static func xlsx(_ output: String?, sheet: String) throws -> XLSXWriter {
        let path = try requirePath(output)
        do {
            return try XLSXWriter(path: path, sheetName: sheet)
        } catch {
            throw CLIFailure(error.text, code: ExitStatus.badInput)
        }
    }
}
