import ArgumentParser
import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import CeledgerSQLite
import CeledgerSheets
import CeledgerText
import Foundation

/// `celedger report window`: several years at once, as title applications look at them (Art. 21).
struct WindowReport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "window",
        abstract:
            "Each person's totals over several years (3 to 5 for a title application): each year's status, years met, the window's hours."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "The first year.")
    var from: Int

    @Option(name: .long, help: "The last year.")
    var to: Int

    @Option(name: .long, help: "Only persons of this unit (employer).")
    var unit: String?

    @Flag(name: .long, help: "Only persons who did not meet every year they were required to.")
    var incomplete = false

    @Option(name: .long, help: "table, json or csv")
    var format: TextFormat = .table

    @Flag(name: .long, help: "Show full ID numbers in the table (masked by default).")
    var reveal = false

    @Option(
        name: [.short, .customLong("output")],
        help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    func validate() throws {
        guard Day.plausibleYears.contains(from), Day.plausibleYears.contains(to), from <= to, to - from < 30 else {
            throw ValidationError(
                Context.text(
                    "--from 和 --to 应是合理的年份，且 --from 不晚于 --to（至多 30 年）",
                    "--from and --to take plausible years, --from not after --to (at most 30 years)"))
        }
    }

    static func status(_ t: AnnualTotals?) -> String { t.map { $0.status.rawValue } ?? "not_required" }

    func run() throws {
        let ledger = try Context.openForReports(global)
        let lang = Context.lang, zh = lang == .zh
        let years = from...to
        var out = try OutputSink(path: output)
        var table = TextTable(
            columns: [
                .init(zh ? "姓名" : "Name", maxWidth: 12), .init(zh ? "身份证号" : "ID number", maxWidth: 18),
                .init(zh ? "单位/部门" : "Unit/department", maxWidth: 30),
            ] + years.map { .init(String($0), align: .right) } + [
                .init(zh ? "达标年数" : "Years met", align: .right), .init(zh ? "合计学时" : "Hours", align: .right),
                .init(zh ? "结论" : "Result", maxWidth: 12),
            ])
        var first = true
        var persons = 0, complete = 0
        // CSV is for people: Chinese headers and values under a Chinese UI, the keys under English.
        if format == .csv {
            out.write(
                CSVWriter.line(
                    zh
                        ? ["身份证号", "姓名", "单位", "部门"]
                            + years.flatMap { ["\($0)年合计学时", "\($0)年专业学时", "\($0)年达标情况"] }
                            + ["达标年数", "应达标年数", "期间合计学时", "全部达标"]
                        : ["id_number", "name", "unit", "department"]
                            + years.flatMap { ["\($0)_total_hours", "\($0)_professional_hours", "\($0)_status"] }
                            + ["years_met", "years_required", "window_total_hours", "all_met"]))
        }
        func statusText(_ t: AnnualTotals?) -> String {
            guard zh else { return WindowReport.status(t) }
            return t.map { $0.status.zh } ?? "不在职"
        }
        try ledger.windowReport(years: years, unit: unit) { row, w in
            persons += 1
            if w.allMet { complete += 1 }
            if incomplete && w.allMet { return }
            switch format {
            case .json:
                out.write(first ? "[\n" : ",\n")
                let perYear = w.years.map { y, t in
                    JSON.object([
                        ("year", String(y)), ("total_hours", t.map { JSON.hours($0.totalHours) } ?? "null"),
                        ("professional_hours", t.map { JSON.hours($0.professionalHours) } ?? "null"),
                        ("status", JSON.string(WindowReport.status(t))),
                    ])
                }
                out.write(
                    JSON.object([
                        ("id_number", JSON.string(row.idNumber)), ("name", JSON.string(row.name)),
                        ("unit", JSON.string(row.unit)),
                        ("department", JSON.string(row.department)), ("years", "[" + perYear.joined(separator: ",") + "]"),
                        ("years_met", String(w.yearsMet)), ("years_required", String(w.yearsRequired)),
                        ("window_total_hours", JSON.hours(w.windowTotalHours)), ("all_met", w.allMet ? "true" : "false"),
                    ]))
            case .csv:
                out.write(
                    CSVWriter.line(
                        [row.idNumber, row.name, row.unit, row.department]
                            + w.years.flatMap { _, t in
                                [t?.totalHours.description ?? "", t?.professionalHours.description ?? "", statusText(t)]
                            } + [
                                String(w.yearsMet), String(w.yearsRequired), w.windowTotalHours.description,
                                zh ? (w.allMet ? "是" : "否") : w.allMet ? "true" : "false",
                            ]))
            case .table:
                let place = row.department.isEmpty ? row.unit : row.unit + "/" + row.department
                table.append(
                    [row.name, reveal ? row.idNumber : ResidentID.mask(row.idNumber), place]
                        + w.years.map { _, t in t.map { $0.totalHours.description + ($0.status == .met ? " " : "✗") } ?? "— " }
                        + [
                            "\(w.yearsMet)/\(w.yearsRequired)", w.windowTotalHours.description,
                            w.allMet ? (zh ? "全部达标" : "all met") : (zh ? "未全部达标" : "not all met"),
                        ])
            }
            first = false
        }
        switch format {
        case .json: out.write(first ? "[]\n" : "\n]\n")
        case .csv: break
        case .table:
            out.write(
                zh
                    ? "\(from)–\(to) 年  人员 \(persons.grouped) · 全部达标 \(complete.grouped) · 未全部达标 \((persons - complete).grouped)（✗ 为当年未达标，— 为当年不在职）\n"
                    : "\(from)–\(to)  \(persons.grouped) persons · \(complete.grouped) met every year · \((persons - complete).grouped) did not (✗ short that year, — not required)\n"
            )
            for line in table.render() { out.write(line + "\n") }
        }
        try out.close()
    }
}
