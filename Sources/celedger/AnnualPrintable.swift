import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import CeledgerReports
import CeledgerSQLite
import CeledgerSheets
import Foundation

/// The annual report to print and sign: a title ("<单位>2024年度专业技术人员继续教育学时达标情况"), the rule
/// applied, the persons by department with a subtotal after each, the total, and a 制表/审核/日期 line. As
/// an A4 HTML page (`--format html`) and as the "打印" sheet of the XLSX report.
struct AnnualPrintable {
    let year: Int
    /// Whose report it is: --unit, else the ledger's employer, else the one unit every row has.
    let unit: String
    let rule: RuleSet
    let lang: Lang
    let reveal: Bool
    let preparedBy: String
    let date: Day
    /// The rows in unit, department order.
    var rows: [AnnualRow] = []

    var zh: Bool { lang == .zh }

    var title: String {
        zh
            ? "\(unit)\(year)年度专业技术人员继续教育学时达标情况"
            : "\(unit.isEmpty ? "" : unit + ": ")continuing education hours, \(year)"
    }

    var ruleLine: String {
        let t = rule.thresholds
        let publicPart = t.publicHours.map { zh ? "，公需科目不少于\($0)学时" : ", public at least \($0)" } ?? ""
        return zh
            ? "执行规则：\(rule.name.zh)（全年不少于\(t.totalHours)学时，其中专业科目不少于\(t.professionalHours)学时\(publicPart)）。学时为已认定且考核未不合格的学时，超过年度上限的部分不计。"
            : "Rule applied: \(rule.name.en) (at least \(t.totalHours) hours a year, of which \(t.professionalHours) professional\(publicPart)). Hours are recognised hours of activities not failed, after per-year caps."
    }

    var summaryLine: String {
        let met = rows.filter { $0.totals.status == .met }.count
        return zh
            ? "共 \(rows.count) 人，达标 \(met) 人，未达标 \(rows.count - met) 人。"
            : "\(rows.count) persons, \(met) met, \(rows.count - met) short."
    }

    var signLine: String {
        zh
            ? "制表：\(preparedBy)　　　　审核：＿＿＿＿＿＿　　　　日期：\(date.year)年\(date.month)月\(date.day)日"
            : "Prepared by: \(preparedBy)        Checked by: ____________        Date: \(date.iso)"
    }

    var headers: [String] {
        zh
            ? ["序号", "姓名", "身份证号", "部门", "公需学时", "专业学时", "合计学时", "尚需学时", "达标情况"]
            : ["No.", "Name", "ID number", "Department", "Public", "Professional", "Total", "Needed", "Status"]
    }

    var columns: [TableColumn] {
        let kinds: [TableColumn.Kind] = [.number, .text, .code, .text, .number, .number, .number, .number, .text]
        return zip(headers, kinds).map { TableColumn($0, $1) }
    }

    /// A line of the table: a person, a department's subtotal, or the total.
    enum Line {
        case person(Int, AnnualRow)
        case subtotal(String, [AnnualRow])
        case total([AnnualRow])
    }

    var lines: [Line] {
        var out: [Line] = []
        var group: [AnnualRow] = []
        var n = 0
        func place(_ r: AnnualRow) -> String { r.unit == unit || unit.isEmpty ? r.department : r.unit + " " + r.department }
        func close() {
            guard let first = group.first else { return }
            let name = place(first).trimmingCharacters(in: .whitespaces)
            out.append(.subtotal(name.isEmpty ? (zh ? "未填部门" : "no department") : name, group))
            group = []
        }
        for r in rows {
            if let last = group.last, place(last) != place(r) { close() }
            n += 1
            group.append(r)
            out.append(.person(n, r))
        }
        close()
        out.append(.total(rows))
        return out
    }

    func sums(_ rows: [AnnualRow]) -> [Hours] {
        var s = [Hours.zero, .zero, .zero, .zero]
        for r in rows {
            s[0] += r.totals.publicHours
            s[1] += r.totals.professionalHours
            s[2] += r.totals.totalHours
            s[3] += r.totals.hoursNeeded
        }
        return s
    }

    func cells(_ line: Line) -> [TableCell] {
        switch line {
        case .person(let n, let r):
            let t = r.totals
            return [
                .number(String(n)), .text(r.name), .text(reveal ? r.idNumber : ResidentID.mask(r.idNumber)), .text(r.department),
                .number(t.publicHours.description), .number(t.professionalHours.description), .number(t.totalHours.description),
                .number(t.hoursNeeded.description), .text(t.shortage.label(lang)),
            ]
        case .subtotal(let name, let rows):
            return summary(zh ? "小计：\(name)" : "Subtotal: \(name)", rows)
        case .total(let rows):
            return summary(zh ? "合计" : "Total", rows)
        }
    }

    func summary(_ label: String, _ rows: [AnnualRow]) -> [TableCell] {
        let s = sums(rows)
        let met = rows.filter { $0.totals.status == .met }.count
        return [
            .text(""), .text(label), .text(zh ? "\(rows.count)人" : "\(rows.count) persons"), .text(""),
            .number(s[0].description), .number(s[1].description), .number(s[2].description), .number(s[3].description),
            .text(zh ? "达标 \(met)，未达标 \(rows.count - met)" : "\(met) met, \(rows.count - met) short"),
        ]
    }

    /// Gathers the report's rows in unit and department order, and names its unit.
    static func make(
        _ ledger: any ReportLedger, year: Int, filter: ReportFilter, unit: String?, lang: Lang, reveal: Bool, preparedBy: String
    ) throws -> AnnualPrintable {
        let now = Calendar(identifier: .gregorian).dateComponents([.year, .month, .day], from: Date())
        var rows: [AnnualRow] = []
        try ledger.annualReport(year: year, filter: filter) { rows.append($0) }
        let units = Set(rows.map(\.unit))
        let employer = try ledger.employer()
        let name = unit ?? employer ?? (units.count == 1 ? units.first! : "")
        var p = AnnualPrintable(
            year: year, unit: name, rule: ledger.rules.ruleSet(for: year)!, lang: lang, reveal: reveal, preparedBy: preparedBy,
            date: Day(year: now.year!, month: now.month!, day: now.day!)!)
        p.rows = rows
        return p
    }

    /// The printable sheet of the XLSX report.
    func addSheet(to writer: XLSXWriter) {
        writer.addPrintSheet(
            name: zh ? "打印" : "Print", columns: columns, rows: lines.map(cells),
            layout: XLSXWriter.PrintLayout(title: title, above: [ruleLine, summaryLine], below: [signLine], landscape: false))
    }

    /// The A4 HTML page.
    func html() -> String {
        let e = CardHTML.escape
        var h = "<!DOCTYPE html>\n<html lang=\"\(zh ? "zh-CN" : "en")\">\n<head>\n<meta charset=\"utf-8\">\n"
        h += "<title>\(e(title))</title>\n<style>\n\(Self.css)</style>\n</head>\n<body>\n<main>\n"
        h += "<h1>\(e(title))</h1>\n<p class=\"rule\">\(e(ruleLine))</p>\n<p class=\"rule\">\(e(summaryLine))</p>\n"
        h += "<table>\n<thead><tr>" + headers.map { "<th>\(e($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for line in lines {
            let cls: String
            switch line {
            case .person(_, let r): cls = r.totals.status == .met ? "" : " class=\"short\""
            case .subtotal: cls = " class=\"subtotal\""
            case .total: cls = " class=\"total\""
            }
            h += "<tr\(cls)>"
            let row = cells(line)
            if case .person = line {
            } else {
                // A subtotal's or the total's label and count across the first four columns.
                h += "<td colspan=\"4\">\(e(row[1].text))　\(e(row[2].text))</td>"
                for c in row[4...] { h += "<td\(c.isNumber ? " class=\"n\"" : "")>\(e(c.text))</td>" }
                h += "</tr>\n"
                continue
            }
            for (i, c) in row.enumerated() {
                let numeric: Bool
                switch c {
                case .number: numeric = true
                default: numeric = false
                }
                h += "<td\(numeric || i == 0 ? " class=\"n\"" : "")>\(e(c.text))</td>"
            }
            h += "</tr>\n"
        }
        h += "</tbody>\n</table>\n<p class=\"sign\">\(e(signLine))</p>\n</main>\n</body>\n</html>\n"
        return h
    }

    /// A4 portrait; the header row repeats on every printed page (thead), rows never split.
    static let css = """
        @page { size: A4 portrait; margin: 15mm 12mm 15mm 12mm; }
        * { box-sizing: border-box; }
        body { margin: 0; color: #000; font-size: 10pt; line-height: 1.35;
          font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei",
            "SimSun", sans-serif; }
        main { width: 186mm; margin: 0 auto; }
        h1 { font-size: 15pt; text-align: center; margin: 0 0 3mm; }
        p.rule { margin: 0 0 2mm; font-size: 9pt; }
        table { width: 100%; border-collapse: collapse; table-layout: auto; }
        thead { display: table-header-group; }
        tr { break-inside: avoid; page-break-inside: avoid; }
        th, td { border: 0.6pt solid #000; padding: 1.2mm 1.5mm; vertical-align: middle; }
        th { background: #eee; font-weight: bold; text-align: center; white-space: nowrap; }
        td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        tr:not(.subtotal):not(.total) td:nth-child(2), tr:not(.subtotal):not(.total) td:nth-child(3), td:last-child { white-space: nowrap; }
        tr.subtotal td { font-weight: bold; background: #f4f4f4; }
        tr.total td { font-weight: bold; border-top: 1.2pt solid #000; }
        p.sign { margin: 8mm 0 0; font-size: 10.5pt; }
        @media screen { body { background: #ccc; } main { background: #fff; padding: 15mm 12mm; width: 210mm; min-height: 297mm; } }
        @media print { html { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }

        """
}

extension TableCell {
    var isNumber: Bool {
        if case .number = self { return true }
        return false
    }
}
