import ArgumentParser
import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import CeledgerSQLite
import CeledgerSheets
import CeledgerText
import Foundation

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Reports over the ledger.",
        subcommands: [AnnualReport.self, WindowReport.self, StatsReport.self])
}

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv, xlsx, html
}

/// Formats of the reports that have no spreadsheet form.
enum TextFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

enum ReportOrder: String, ExpressibleByArgument, CaseIterable {
    case unit, needed
}

struct AnnualReport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annual",
        abstract: "Each person's recognised hours for a year against the rule set in force that year.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "The year (default: the current year).")
    var year: Int?

    @Option(name: .long, help: "Only persons of this unit (employer).")
    var unit: String?

    @Option(name: .long, help: "Only persons of this department (of --unit, when given).")
    var department: String?

    @Option(name: .long, help: "Only met or short.")
    var status: StatusFilter?

    @Option(
        name: .long,
        help:
            "table, json, csv, xlsx (needs -o; a sheet of the rows and a printable sheet) or html (a printable A4 page: title, rule, subtotals by department, 制表/审核/日期)"
    )
    var format: ReportFormat = .table

    @Option(
        name: .long,
        help: ArgumentHelp(
            "unit (unit, department, ID number) or needed (most hours still needed first; the default with --status short).",
            valueName: "order"))
    var sort: ReportOrder?

    @Flag(name: .customLong("no-bom"), help: "CSV without the UTF-8 byte-order mark (for scripts).")
    var noBOM = false

    @Flag(
        name: .long,
        help: "CSV: end with a '# celedger report annual …' line naming who made it, when, and the ledger's history chain.")
    var stamp = false

    @Flag(name: .long, help: "Show full ID numbers in the table (masked by default).")
    var reveal = false

    @Option(
        name: [.short, .customLong("output")],
        help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    enum StatusFilter: String, ExpressibleByArgument, CaseIterable {
        case met, short
        var status: AnnualTotals.Status { self == .met ? .met : .short }
    }

    /// The report's rows in the order asked for: streamed by unit, or gathered and sorted by what is missing.
    func rows(_ ledger: any ReportLedger, year: Int, filter: ReportFilter, _ each: (AnnualRow) throws -> Void) throws {
        guard (sort ?? (status == .short ? .needed : .unit)) == .needed else {
            return try ledger.annualReport(year: year, filter: filter, each)
        }
        var all: [AnnualRow] = []
        try ledger.annualReport(year: year, filter: filter) { all.append($0) }
        // Stable: equal needs stay in unit order.
        for row in all.enumerated().sorted(by: {
            ($1.element.totals.hoursNeeded, $0.offset) < ($0.element.totals.hoursNeeded, $1.offset)
        }) {
            try each(row.element)
        }
    }

    func run() throws {
        let year = self.year ?? Self.currentYear
        if format == .xlsx { _ = try SpreadsheetOutput.requirePath(output) }
        let ledger = try Context.openForReports(global)
        let filter = ReportFilter(unit: unit, department: department, status: status?.status)
        func printable() throws -> AnnualPrintable {
            try AnnualPrintable.make(
                ledger, year: year, filter: filter, unit: unit, lang: Context.lang, reveal: reveal,
                preparedBy: Context.actor(global))
        }
        if format == .xlsx {
            let print = try printable()
            return try AnnualSpreadsheet.write(ledger, global: global, year: year, output: output, printable: print) { each in
                try rows(ledger, year: year, filter: filter, each)
            }
        }
        var out = try OutputSink(path: output)
        let lang = Context.lang
        switch format {
        case .html:
            out.write(try printable().html())
        case .json:
            var json = JSONWriter(capacity: 1 << 17)
            try rows(ledger, year: year, filter: filter) { row in
                json.item()
                ExportShape.appendJSON(row, lang: lang, to: &json)
                if json.bytes.count >= 1 << 15 { out.write(&json) }
            }
            json.endItems()
            out.write(&json)
        case .xlsx: break
        case .csv:
            if !noBOM { out.write("\u{FEFF}") }
            out.write(CSVWriter.line(PeopleShape.annualHeader(lang)))
            var count = 0
            try rows(ledger, year: year, filter: filter) {
                count += 1
                out.write(CSVWriter.line(PeopleShape.annualCells($0, lang)))
            }
            if stamp {
                out.write(
                    ExportStamp.line(
                        try ExportInfo(ledger: ledger, global: global).stampParts(what: "report annual \(year)", rows: count)))
            }
        case .table:
            let zh = lang == .zh
            var table = TextTable(columns: [
                .init(zh ? "姓名" : "Name", maxWidth: 12),
                .init(zh ? "身份证号" : "ID number", maxWidth: 18),
                .init(zh ? "单位/部门" : "Unit/department", maxWidth: 36),
                .init(zh ? "公需" : "Public", align: .right),
                .init(zh ? "专业" : "Prof.", align: .right),
                .init(zh ? "合计" : "Total", align: .right),
                .init(zh ? "尚需" : "Needed", align: .right),
                .init(zh ? "状态" : "Status", maxWidth: 20),
            ])
            var trimmedPersons = 0
            // The summary counts everyone in the year (and unit); the rows are those the filter asks for.
            var met = 0, short = 0
            try rows(ledger, year: year, filter: ReportFilter(unit: unit, department: department)) { row in
                let t = row.totals
                if t.status == .met { met += 1 } else { short += 1 }
                if let wanted = status?.status, t.status != wanted { return }
                let place = row.department.isEmpty ? row.unit : row.unit + "/" + row.department
                if t.trimmedHours != .zero { trimmedPersons += 1 }
                table.append([
                    row.name, reveal ? row.idNumber : ResidentID.mask(row.idNumber), place,
                    t.publicHours.description, t.professionalHours.description, t.totalHours.description,
                    t.hoursNeeded == .zero ? "—" : t.hoursNeeded.description,
                    t.shortage.label(lang)
                        + (t.trimmedHours == .zero ? "" : zh ? "（上限扣 \(t.trimmedHours)）" : " (capped −\(t.trimmedHours))"),
                ])
            }
            let rule = ledger.rules.ruleSet(for: year)!
            let listed = status == nil ? "" : zh ? "（列出\(table.rows.count.grouped)人）" : " (\(table.rows.count.grouped) listed)"
            out.write(
                zh
                    ? "\(year)年度  人员 \((met + short).grouped) · 达标 \(met.grouped) · 未达标 \(short.grouped)\(listed)  规则：\(rule.name.zh)\n"
                    : "\(year)  \((met + short).grouped) persons · \(met.grouped) met · \(short.grouped) short\(listed)  rules: \(rule.name.en)\n"
            )
            for line in table.render() { out.write(line + "\n") }
            if let h = try ledger.historyHead() {
                out.write((zh ? "登记簿历史：" : "Ledger history: ") + h.line.text(lang) + "\n")
            }
            if trimmedPersons > 0 {
                out.write(
                    zh
                        ? "有 \(trimmedPersons.grouped) 人的学时超过年度上限被扣减；--format json 或 csv 的 notes 列出扣减的记录\n"
                        : "\(trimmedPersons.grouped) persons had hours trimmed by per-year caps; the notes of --format json or csv name the records\n"
                )
            }
        }
        try out.close()
    }
}
