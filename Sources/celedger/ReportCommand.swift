import ArgumentParser
import CeledgerDomain
import CeledgerStore
import CeledgerText
import Foundation

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Reports over the ledger.", subcommands: [AnnualReport.self])
}

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv, xlsx
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

    @Option(name: .long, help: "Only met or short.")
    var status: StatusFilter?

    @Option(name: .long, help: "table, json, csv or xlsx (xlsx needs -o)")
    var format: ReportFormat = .table

    @Flag(name: .customLong("no-bom"), help: "CSV without the UTF-8 byte-order mark (for scripts).")
    var noBOM = false

    @Flag(name: .long, help: "Show full ID numbers in the table (masked by default).")
    var reveal = false

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    enum StatusFilter: String, ExpressibleByArgument, CaseIterable {
        case met, short
        var status: AnnualTotals.Status { self == .met ? .met : .short }
    }

    func run() throws {
        let year = self.year ?? Self.currentYear
        if format == .xlsx { _ = try SpreadsheetOutput.requirePath(output) }
        let rules = try DataFiles.rules()
        let ledger = try Context.openLedger(global, access: .readOnly)
        let filter = ReportFilter(unit: unit, status: status?.status)
        if format == .xlsx {
            return try AnnualSpreadsheet.write(ledger, global: global, year: year, rules: rules, filter: filter, output: output)
        }
        var out = try OutputSink(path: output)
        let lang = Context.lang
        switch format {
        case .json:
            var first = true
            try ledger.annualReport(year: year, rules: rules, filter: filter) { row in
                out.write(first ? "[\n" : ",\n")
                out.write(ExportShape.json(row))
                first = false
            }
            out.write(first ? "[]\n" : "\n]\n")
        case .xlsx: break
        case .csv:
            if !noBOM { out.write("\u{FEFF}") }
            out.write(CSVWriter.line(ExportShape.annualKeys))
            try ledger.annualReport(year: year, rules: rules, filter: filter) { out.write(CSVWriter.line(ExportShape.annualCells($0))) }
        case .table:
            let zh = lang == .zh
            var table = TextTable(columns: [
                .init(zh ? "姓名" : "Name", maxWidth: 12),
                .init(zh ? "身份证号" : "ID number", maxWidth: 18),
                .init(zh ? "单位/部门" : "Unit/department", maxWidth: 36),
                .init(zh ? "公需" : "Public", align: .right),
                .init(zh ? "专业" : "Prof.", align: .right),
                .init(zh ? "合计" : "Total", align: .right),
                .init(zh ? "状态" : "Status", maxWidth: 20),
            ])
            // The summary counts everyone in the year (and unit); the rows are those the filter asks for.
            var met = 0, short = 0
            try ledger.annualReport(year: year, rules: rules, filter: ReportFilter(unit: unit)) { row in
                let t = row.totals
                if t.status == .met { met += 1 } else { short += 1 }
                if let wanted = status?.status, t.status != wanted { return }
                let place = row.department.isEmpty ? row.unit : row.unit + "/" + row.department
                table.append([row.name, reveal ? row.idNumber : ResidentID.mask(row.idNumber), place,
                              t.publicHours.description, t.professionalHours.description, t.totalHours.description,
                              t.shortage.label(lang)])
            }
            let rule = rules.ruleSet(for: year)!
            let listed = status == nil ? "" : zh ? "（列出\(table.rows.count.grouped)人）" : " (\(table.rows.count.grouped) listed)"
            out.write(zh
                ? "\(year)年度  人员 \((met + short).grouped) · 达标 \(met.grouped) · 未达标 \(short.grouped)\(listed)  规则：\(rule.name.zh)\n"
                : "\(year)  \((met + short).grouped) persons · \(met.grouped) met · \(short.grouped) short\(listed)  rules: \(rule.name.en)\n")
            for line in table.render() { out.write(line + "\n") }
        }
        try out.close()
    }
}
