import CeledgerTestSupport
import Foundation
import Testing

// Outputs for people in the user's language (issue 15): XLSX exports and reports with Chinese headers
// and values under a Chinese UI, IDs as text, hours as numbers; the printable annual report.

@Suite("outputs for people", .enabled(if: Python.openpyxl, Python.unavailable))
struct PeopleOutputTests {
    /// Each sheet's header, first data row's Python types, the ID column's number format, print setup.
    static let inspect = """
        import json, sys, openpyxl
        wb = openpyxl.load_workbook(sys.argv[1])
        out = {}
        for ws in wb.worksheets:
            rows = list(ws.iter_rows(values_only=True))
            out[ws.title] = {
                "rows": [[("" if v is None else str(v)) for v in r] for r in rows],
                "types": [type(v).__name__ for v in rows[1]] if len(rows) > 1 else [],
                "printTitles": ws.print_title_rows,
                "fitWidth": ws.page_setup.fitToWidth, "fitHeight": ws.page_setup.fitToHeight,
                "fitToPage": ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else None,
                "paper": ws.page_setup.paperSize,
                "merged": [str(m) for m in ws.merged_cells.ranges],
                "formats": [c.number_format for c in ws[2]] if ws.max_row > 1 else [],
            }
        print(json.dumps(out, ensure_ascii=False))
        """

    static func sheets(_ path: String) throws -> [String: [String: Any]] {
        let r = try Python.run(["-c", inspect, path])
        guard r.status == 0, let obj = try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: [String: Any]] else {
            throw SetupError("openpyxl could not read \(path): \(r.summary)")
        }
        return obj
    }

    @Test(
        "XLSX exports under Chinese: Chinese headers and values, the records with names, IDs text, hours numbers; they import back"
    )
    func chineseExports() throws {
        let s = try ExportTests.awkwardLedger()
        try s.ok(["export", "persons", "--format", "xlsx", "-o", s.path("人员.xlsx")], lang: "zh")
        try s.ok(["export", "records", "--format", "xlsx", "-o", s.path("记录.xlsx")], lang: "zh")
        let persons = try #require(try Self.sheets(s.path("人员.xlsx"))["人员"])
        let prows = try #require(persons["rows"] as? [[String]])
        #expect(prows.first == ["身份证号", "姓名", "性别", "单位", "部门", "职称", "职称级别", "专业", "在职状态", "状态日期", "人员类别"])
        #expect(prows.dropFirst().contains { $0.contains("在职") && $0.contains("男") && $0.contains("单位职工") })
        #expect((persons["formats"] as? [String])?.first == "@")
        let records = try #require(try Self.sheets(s.path("记录.xlsx"))["学习记录"])
        let rrows = try #require(records["rows"] as? [[String]])
        #expect(rrows.first?.prefix(4) == ["身份证号", "姓名", "学习方式", "科目类别"])
        #expect(rrows[1][1] == "张三" && rrows[1][2] == "培训" && rrows[1][3] == "公需科目", "\(rrows[1])")
        #expect(rrows[1].contains("已认定"))
        let types = try #require(records["types"] as? [String])
        #expect(types[0] == "str" && types[10] == "int" || types[10] == "float", "\(types)")
        // Everything exported imports back: the same ledger.
        let fresh = try Sandbox()
        try fresh.ok(["import", "persons", s.path("人员.xlsx")])
        try fresh.ok(["import", "records", s.path("记录.xlsx")])
        #expect(try fresh.export("persons") == s.export("persons"))
        #expect(try fresh.export("records") == s.export("records"))
    }

    @Test("report annual under Chinese: CSV and XLSX in Chinese; the XLSX has a printable sheet set up for A4")
    func chineseAnnual() throws {
        let s = try ExportTests.awkwardLedger()
        try s.ok(["settings", "--employer", "南昌市第一医院"])
        let csv = try s.ok(["report", "annual", "--year", "2024", "--format", "csv"], lang: "zh").stdout
        #expect(csv.hasPrefix("\u{FEFF}身份证号,姓名,单位,部门,年度,公需学时"), "\(csv.prefix(200))")
        #expect(csv.contains("未达标") && !csv.contains(",short,"))
        try s.ok(["report", "annual", "--year", "2024", "--format", "xlsx", "-o", s.path("a.xlsx")], lang: "zh")
        let book = try Self.sheets(s.path("a.xlsx"))
        #expect(Set(book.keys) == ["2024年度达标", "打印", "导出信息"])
        let data = try #require(book["2024年度达标"])
        #expect((data["rows"] as? [[String]])?.first?.prefix(2) == ["身份证号", "姓名"])
        #expect((data["types"] as? [String])?[5] == "float" || (data["types"] as? [String])?[5] == "int")
        #expect(data["printTitles"] as? String == "1:1" || data["printTitles"] as? String == "$1:$1")
        #expect(data["fitWidth"] as? Int == 1 && data["fitToPage"] as? Bool == true)
        let print = try #require(book["打印"])
        let rows = try #require(print["rows"] as? [[String]])
        #expect(rows.first?.first == "南昌市第一医院2024年度专业技术人员继续教育学时达标情况")
        #expect(rows[1].first?.hasPrefix("执行规则：") == true)
        #expect(rows.contains { $0.first == "序号" && $0.contains("达标情况") })
        #expect(rows.contains { $0.count > 1 && $0[1].hasPrefix("小计：") })
        #expect(rows.contains { $0.count > 1 && $0[1] == "合计" })
        #expect(rows.last?.first?.hasPrefix("制表：") == true)
        #expect((print["printTitles"] as? String)?.contains("4") == true, "\(print["printTitles"] ?? "")")
        #expect(print["paper"] as? Int == 9 && print["fitWidth"] as? Int == 1 && print["fitHeight"] as? Int == 0)
        #expect((print["merged"] as? [String])?.contains("A1:I1") == true)
    }

    @Test("report annual --format html: an A4 page with the title, the rule, subtotals and the sign line")
    func printableHTML() throws {
        let s = try ExportTests.awkwardLedger()
        try s.ok(["settings", "--employer", "南昌市第一医院"])
        let html = try s.ok(["report", "annual", "--year", "2024", "--format", "html"], lang: "zh").stdout
        #expect(html.contains("@page { size: A4 portrait;"))
        #expect(html.contains("thead { display: table-header-group; }"))
        #expect(html.contains("<h1>南昌市第一医院2024年度专业技术人员继续教育学时达标情况</h1>"))
        #expect(html.contains("执行规则："))
        #expect(html.contains("<tr class=\"subtotal\">"))
        #expect(html.contains("制表：") && html.contains("审核：") && html.contains("日期："))
        #expect(!html.contains(Staff.zhang), "ID numbers are masked without --reveal")
    }

    @Test("window and stats CSV under Chinese speak Chinese; under English they keep their keys")
    func windowAndStats() throws {
        let s = try ExportTests.awkwardLedger()
        let w = try s.ok(["report", "window", "--from", "2023", "--to", "2024", "--format", "csv"], lang: "zh").stdout
        #expect(w.hasPrefix("身份证号,姓名,单位,部门,2023年合计学时"), "\(w.prefix(120))")
        let st = try s.ok(["report", "stats", "--year", "2024", "--format", "csv"], lang: "zh").stdout
        #expect(st.hasPrefix("统计维度,单位,单位,部门,人数,达标人数"), "\(st.prefix(120))")
        #expect(st.contains("\n合计,"))
        let en = try s.ok(["report", "stats", "--year", "2024", "--format", "csv"]).stdout
        #expect(en.hasPrefix("by,key,unit,department,persons,met"))
    }
}
