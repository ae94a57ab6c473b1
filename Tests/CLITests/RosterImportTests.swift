import CeledgerTestSupport
import Foundation
import Testing

// A clerk's own spreadsheets (issue 15): the header found below a title, unknown columns ignored, total and
// empty rows skipped, a unit for a one-employer file, the title level derived from the title.

enum Rosters {
    static let male = residentID("360722", "19800101", 1)
    /// A woman's ID whose check character is X, written with a lower-case x in the roster.
    static let femaleX: String = {
        (0..<500).map { residentID("360722", "19800101", $0 * 2 + 2) }.first { $0.hasSuffix("X") }!
    }()
    static let femaleAsNumber = residentID("360722", "19800101", 20)
    static let male2 = residentID("360722", "19800101", 41)

    /// The county hospital's roster of the issue: a merged title row, columns the ledger has no use for,
    /// no unit column, a lower-case x, an ID stored as a number, a blank row and a 合计 row.
    static func hospital(_ path: String) throws {
        let script = """
            import openpyxl, sys
            wb = openpyxl.Workbook(); ws = wb.active
            ws.append(["XX县人民医院2024年度专业技术人员花名册"]); ws.merge_cells("A1:I1")
            ws.append(["序号", "姓名", "性别", "身份证号", "科室", "职称", "参加工作时间", "联系电话", "备注"])
            ws.append([1, "张伟", "男", "\(male)", "内科", "副主任医师", "2005-07-01", "13800000000", ""])
            ws.append([2, "李娜", "女", "\(femaleX.lowercased())", "外科", "主治医师", "2010-08-01", "", ""])
            ws.append([3, "王芳", "女", \(femaleAsNumber), "护理部", "主管护师", "2012-09-01", "", ""])
            ws.append([4, "刘洋", "男", "\(male2)", "检验科", "主管技师", "", "", "新进"])
            ws.append([])
            ws.append(["合计", "4人"])
            wb.save(sys.argv[1])
            """
        let r = try Python.run(["-c", script, path])
        guard r.status == 0 else { throw SetupError("openpyxl: \(r.summary)") }
    }

    /// Another real shape: a WPS-style sheet with two header rows (a group row with merged cells over the
    /// real headers, 姓名 and 身份证号码 merged down both rows), a 职称级别 the file gives, and a 小计 row.
    static func twoHeaderRows(_ path: String) throws {
        let script = """
            import openpyxl, sys
            wb = openpyxl.Workbook(); ws = wb.active
            ws.append(["姓名", "身份证号码", "基本信息", None, "职务信息", None, "联系方式"])
            ws.append([None, None, "性别", "所在部门", "职称名称", "职称等级", "手机"])
            ws.merge_cells("A1:A2"); ws.merge_cells("B1:B2"); ws.merge_cells("C1:D1"); ws.merge_cells("E1:F1")
            ws.append(["赵敏", "\(male)", "男", "财务科", "会计师", "", "139"])
            ws.append(["钱进", "\(male2)", "男", "信息科", "工程师", "副高级", "137"])
            ws.append(["小 计", None, None, None, None, None, None])
            wb.save(sys.argv[1])
            """
        let r = try Python.run(["-c", script, path])
        guard r.status == 0 else { throw SetupError("openpyxl: \(r.summary)") }
    }
}

@Suite("import: a clerk's own spreadsheet", .enabled(if: Python.openpyxl, Python.unavailable))
struct RosterImportTests {
    @Test("the hospital roster imports with one command: header on line 2, four columns ignored, 合计 skipped, one bad row")
    func hospitalRoster() throws {
        let s = try Sandbox()
        let file = s.path("花名册.xlsx")
        try Rosters.hospital(file)
        try s.ok(["init", "--employer", "XX县人民医院"])
        let r = try s.run(["import", "persons", file, "--skip-invalid"], lang: "zh")
        #expect(r.status == 0, "\(r.summary)")
        #expect(r.stderr.contains("花名册.xlsx：第2行：是表头（其上1行为标题，已跳过）"), "\(r.summary)")
        #expect(r.stderr.contains("第2行：忽略登记簿不用的列：序号、参加工作时间、联系电话、备注"), "\(r.summary)")
        #expect(r.stderr.contains("第8行：是合计行（“合计”），已跳过"), "\(r.summary)")
        #expect(r.stderr.contains("第5行：身份证号：身份证号被存成了数字"), "\(r.summary)")
        // No English key in a Chinese message.
        #expect(r.stderr.range(of: "id_number|unit|title_level", options: .regularExpression) == nil, "\(r.summary)")
        #expect(r.stdout.contains("新增 3"), "\(r.summary)")
        #expect(r.stdout.contains("有误跳过 1"), "\(r.summary)")

        let persons = csvRecords(try s.export("persons"))
        #expect(persons.rows.count == 3)
        let li = try #require(persons.rows.first { $0["name"] == "李娜" })
        #expect(li["id_number"] == Rosters.femaleX)
        #expect(li["unit"] == "XX县人民医院")
        #expect(li["title_level"] == "intermediate")
        #expect(persons.rows.first { $0["name"] == "张伟" }?["title_level"] == "deputy_senior")

        // The bad row went to a workbook beside the input, its ID as text, with the reason in Chinese.
        let rejected = try Python.dump(s.path("花名册.rejected.xlsx"))
        let rows = try #require(rejected["rows"] as? [[String]])
        #expect(rows.first?.prefix(3) == ["行号", "出错列", "原因"])
        #expect(rows.count == 2)
        #expect(rows.last?.first == "5")
        #expect(rows.last?[2].hasPrefix("身份证号被存成了数字") == true)
        let cell = try Python.run([
            "-c",
            "import openpyxl,sys; c=openpyxl.load_workbook(sys.argv[1]).active.cell(row=2, column=7); print(c.data_type, c.number_format)",
            s.path("花名册.rejected.xlsx"),
        ])
        #expect(cell.stdout == "s @\n", "the ID cell is text in a Text-formatted column: \(cell.summary)")
    }

    @Test("--unit fills a file without a unit column; --strict refuses the columns the ledger does not know")
    func unitAndStrict() throws {
        let s = try Sandbox()
        let file = s.path("roster.xlsx")
        try Rosters.hospital(file)
        let strict = try s.run(["import", "persons", file, "--strict", "--unit", "某医院"])
        #expect(strict.status == 1)
        #expect(strict.stderr.contains("line 2: 序号: unknown column \"序号\""), "\(strict.summary)")
        #expect(csvRecords(try s.export("persons")).rows.isEmpty)

        let r = try s.run(["import", "persons", file, "--skip-invalid", "--unit", "某医院"])
        #expect(r.status == 0, "\(r.summary)")
        #expect(csvRecords(try s.export("persons")).rows.allSatisfy { $0["unit"] == "某医院" })
    }

    @Test("a sheet with two header rows: the second row is the header, merged cells above fill its gaps")
    func twoHeaderRows() throws {
        let s = try Sandbox()
        let file = s.path("wps.xlsx")
        try Rosters.twoHeaderRows(file)
        let r = try s.run(["import", "persons", file, "--unit", "某县财政局"])
        #expect(r.status == 0, "\(r.summary)")
        #expect(r.stderr.contains("wps.xlsx: line 2: is the header (the 1 row above it, a title, skipped)"), "\(r.summary)")
        #expect(r.stderr.contains("line 2: ignored columns the ledger does not use: 手机 (--strict refuses them)"), "\(r.summary)")
        #expect(r.stderr.contains("line 5: a total row (\"小 计\")"), "\(r.summary)")
        let persons = csvRecords(try s.export("persons"))
        #expect(persons.rows.count == 2)
        let zhao = try #require(persons.rows.first { $0["name"] == "赵敏" })
        #expect(zhao["department"] == "财务科")
        #expect(zhao["title_level"] == "intermediate")
        // The file's own level wins over the table (工程师 is 中级 there).
        #expect(persons.rows.first { $0["name"] == "钱进" }?["title_level"] == "deputy_senior")
    }

    @Test("a missing required column lists the file's columns, names the near miss and suggests the template")
    func missingColumn() throws {
        let s = try Sandbox()
        let file = try s.write("p.csv", "序号,姓名,身份证编号\n1,张三,\(Rosters.male)\n")
        let r = try s.run(["import", "persons", file], lang: "zh")
        #expect(r.status == 1)
        #expect(r.stderr.contains("缺少必需的列“身份证号”；文件中的“身份证编号”是否就是它？"), "\(r.summary)")
        #expect(r.stderr.contains("其列为：序号、姓名、身份证编号"), "\(r.summary)")
        #expect(r.stderr.contains("celedger template persons"), "\(r.summary)")
    }

    @Test("the ledger's employer: set once, shown by settings, given to rows without a unit")
    func employerSetting() throws {
        let s = try Sandbox()
        try s.ok(["init"])
        #expect(try s.ok(["settings"]).stdout.contains("not set"))
        try s.ok(["settings", "--employer", "XX县人民医院"])
        #expect(try s.ok(["settings"]).stdout.contains("employer: XX县人民医院"))
        let file = try s.write("p.csv", "姓名,身份证号\n张三,\(Rosters.male)\n")
        try s.ok(["import", "persons", file])
        #expect(csvRecords(try s.export("persons")).rows.first?["unit"] == "XX县人民医院")
    }
}

@Suite("import class: a plain sign-in sheet", .enabled(if: Python.openpyxl, Python.unavailable))
struct SignInSheetTests {
    /// A GBK sign-in sheet as a county office saves it from Excel: a title, a date line, the table with
    /// columns the ledger does not use (序号, 科室, 签名), one assessment per person, a blank numbered line
    /// and a total.
    static func gbkSheet(_ s: Sandbox) throws -> String {
        let text = """
            2024年医疗质量安全培训班签到表
            培训时间：2024年6月1日至2日,,,,,
            序号,姓名,身份证号,科室,签名,考核
            1,张伟,\(Rosters.male),内科,,合格
            2,李娜,\(Rosters.femaleX.lowercased()),外科,,不合格
            3,,,,,
            合计,2人,,,,

            """
        let path = s.path("签到表.csv")
        let r = try Python.run([
            "-c", "import sys; open(sys.argv[1], 'wb').write(sys.argv[2].replace('\\n', '\\r\\n').encode('gbk'))", path, text,
        ])
        guard r.status == 0 else { throw SetupError("python: \(r.summary)") }
        return path
    }

    static func ledger() throws -> Sandbox {
        let s = try Sandbox()
        let roster = try s.write("p.csv", "姓名,身份证号\n张伟,\(Rosters.male)\n李娜,\(Rosters.femaleX)\n")
        try s.ok(["import", "persons", roster])
        return s
    }

    @Test("the class from options, the people from the sheet; claimed hours from the rule's suggestion")
    func signInSheet() throws {
        let s = try Self.ledger()
        let file = try Self.gbkSheet(s)
        let r = try s.run(
            [
                "import", "class", file, "--mode", "培训", "--category", "专业科目", "--title", "医疗质量安全培训",
                "--provider", "县卫生健康委", "--start-date", "2024-06-01", "--end-date", "2024-06-02",
            ], lang: "zh")
        #expect(r.status == 0, "\(r.summary)")
        #expect(r.stderr.contains("签到表.csv：第3行：忽略签到表中登记簿不用的列：序号、科室、签名"), "\(r.summary)")
        #expect(r.stdout == "已导入培训班“医疗质量安全培训”（2024-06-01~2024-06-02）：新增 2\n", "\(r.summary)")
        let records = csvRecords(try s.export("records")).rows
        #expect(records.count == 2)
        #expect(records.map { $0["assessment"] } == ["passed", "failed"])
        #expect(records.allSatisfy { $0["provider"] == "县卫生健康委" && $0["mode"] == "training" })
        // Two days of training: the rule's suggestion (it counts by day) is the claimed hours.
        let claimed = records.compactMap { $0["claimed_hours"] }
        #expect(claimed.count == 2 && claimed.allSatisfy { !$0.isEmpty && $0 != "0" }, "\(records)")
    }

    @Test("a bad option is named by the option; a sheet without options needs them")
    func badOption() throws {
        let s = try Self.ledger()
        let file = try Self.gbkSheet(s)
        let bad = try s.run(
            ["import", "class", file, "--mode", "wander", "--category", "public", "--title", "x", "--end-date", "2024-06-02"])
        #expect(bad.status == 1)
        #expect(bad.stderrLines.first?.hasPrefix("--mode: ") == true, "\(bad.summary)")
        let none = try s.run(["import", "class", file], lang: "zh")
        #expect(none.status == 1)
        #expect(none.stderr.contains("--mode"), "the message points to the options: \(none.summary)")
        #expect(csvRecords(try s.export("records")).rows.isEmpty)
    }
}
