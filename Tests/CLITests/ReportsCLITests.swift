import CeledgerTestSupport
import Foundation
import Testing

/// The current year as the binary sees it (cards are numbered by their issue year).
private var thisYear: Int { Calendar(identifier: .gregorian).component(.year, from: Date()) }

@Suite("card")
struct CardCLITests {
    /// 张三 with 2024 records: counted, pending, rejected, failed, and a title that is an HTML attack.
    static func ledger() throws -> Sandbox {
        let s = try Sandbox()
        try s.importOK(
            "persons", "p.csv",
            """
            身份证号,姓名,单位,部门,职称,职称级别,专业
            \(Staff.zhang),张三,南昌市第一医院,内科,主治医师,中级,临床医学
            \(Staff.ouyang),欧阳明辉,,,工程师,中级,

            """)
        try s.importOK(
            "records", "r.csv",
            """
            身份证号,学习方式,科目类别,内容,举办单位,开始日期,结束日期,考核结果,成绩,申报学时,认定学时,认定状态,认定说明,证明编号
            \(Staff.zhang),培训,专业,心血管新进展研修班,南昌大学,2024-03-04,2024-03-10,合格,92,56,56,已认定,,NCU-0311
            \(Staff.zhang),网络学习,公需,2024年公需科目网络课程,省人社厅,2024-05-01,2024-05-20,合格,,30,30,已认定,,
            \(Staff.zhang),其他,公需,职业道德专题,本单位,2024-06-15,2024-06-15,合格,,20,,待认定,,
            \(Staff.zhang),学术活动,专业,全国学术会议,中华医学会,2024-09-10,2024-09-12,,,12,,不予认定,无参会证明,
            \(Staff.zhang),学历教育,专业,硕士课程,南昌大学,2024-01-05,2024-06-30,不合格,52,15,15,已认定,,
            \(Staff.zhang),培训,专业,<script>alert('x')</script>,"<b>某机构</b>",2024-10-01,2024-10-01,合格,,8,8,已认定,,

            """)
        return s
    }

    @Test("text card in Chinese: the person in full, counted and not-counted activities apart, a number kept on reprint")
    func textCard() throws {
        let s = try Self.ledger()
        let r = try s.ok(["card", Staff.zhang, "--year", "2024"], lang: "zh")
        let number = "JX-\(thisYear)-000001"
        for expected in [
            "继续教育学时证明", "证明编号：\(number)", "姓名：张三", "身份证号：\(Staff.zhang)", "工作单位：南昌市第一医院",
            "职称：主治医师（中级）", "2024年度", "心血管新进展研修班", "未计入学时的活动", "待认定，不计入",
            "不予认定，不计入", "参会证明", "考核不合格，不计入", "合计：公需 30.0 学时 · 专业 64.0 学时 · 合计 94.0 学时",
            "结论：达标", "依据：江西省专业技术人员继续教育办法（省政府令第259号）", "出具单位（盖章）：南昌市第一医院", "（单位盖章）",
        ] {
            #expect(r.stdout.contains(expected), "\(expected)\n\(r.stdout)")
        }
        for line in r.stdoutLines { #expect(cells(line) <= 80, "\(line)") }
        #expect(r.stderr.isEmpty)
        // The same content again: the same number.
        #expect(try s.ok(["card", Staff.zhang, "--year", "2024"], lang: "zh").stdout == r.stdout)
        // English.
        let en = try s.ok(["card", Staff.zhang, "--year", "2024"])
        #expect(en.stdout.contains("Continuing Education Record Card") && en.stdout.contains("Certificate no.: \(number)"))
    }

    @Test("HTML to a file: A4, escaped, owner-only; a changed record gives a new number; a draft takes none")
    func htmlCardAndNumbers() throws {
        let s = try Self.ledger()
        let out = s.path("张三.html")
        let r = try s.ok(["card", Staff.zhang, "--year", "2024", "-o", out], lang: "zh")
        #expect(r.stdout == "已写入 \(out)：证明编号 JX-\(thisYear)-000001（新签发）\n")
        let html = try s.read("张三.html")
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("@page { size: A4"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") && !html.contains("<script"))
        #expect(html.contains("&lt;b&gt;某机构&lt;/b&gt;"))
        #expect(try s.mode(out) == 0o600)
        let again = try s.ok(["card", Staff.zhang, "--year", "2024", "-o", out])
        #expect(again.stdout.contains("certificate JX-\(thisYear)-000001 (same content"))
        // A new record changes the card's content.
        try s.importOK(
            "records", "r2.csv",
            "id_number,mode,category,title,end_date,claimed_hours,recognized_hours\n\(Staff.zhang),online,public,补学课程,2024-12-01,4,4\n"
        )
        let changed = try s.ok(["card", Staff.zhang, "--year", "2024", "--format", "html"])
        #expect(changed.stdout.contains("JX-\(thisYear)-000002") && changed.stdout.contains("补学课程"))
        // A draft: no number, nothing kept (the next real card takes 000003).
        let draft = try s.ok(["card", Staff.zhang, "--year", "2023", "--to", "2024", "--draft"], lang: "zh")
        #expect(draft.stdout.contains("草稿：未编号，不作证明使用") && !draft.stdout.contains("JX-"))
        #expect(draft.stdout.contains("各年度汇总"))
        let multi = try s.ok(["card", Staff.zhang, "--year", "2023", "--to", "2024"])
        #expect(multi.stdout.contains("JX-\(thisYear)-000003"))
        if let sqlite = Paths.sqlite3 {
            let rows = try RunningProcess(
                executable: sqlite, arguments: [s.db, "SELECT number, first_year, last_year, issuer FROM card ORDER BY id"],
                environment: [:], directory: s.dir
            ).finish().stdout
            #expect(
                rows == """
                    JX-\(thisYear)-000001|2024|2024|南昌市第一医院
                    JX-\(thisYear)-000002|2024|2024|南昌市第一医院
                    JX-\(thisYear)-000003|2023|2024|南昌市第一医院

                    """)
        }
    }

    @Test("the issuer: --issuer, else CELEDGER_ISSUER (unless blank), else the person's unit; none at all is a usage error")
    func issuer() throws {
        let s = try Self.ledger()
        let none = try s.run(["card", Staff.ouyang, "--year", "2024"])
        #expect(none.status == 2 && none.stderr.contains("an issuing unit is needed"))
        let given = try s.ok(["card", Staff.ouyang, "--year", "2024", "--issuer", "江西省建筑设计院"], lang: "zh")
        #expect(given.stdout.contains("出具单位（盖章）：江西省建筑设计院"))
        #expect(given.stdout.contains("本年度没有计入学时的活动"))
        let env = try s.ok(["card", Staff.ouyang, "--year", "2024"], lang: "zh", env: ["CELEDGER_ISSUER": "某行业协会"])
        #expect(env.stdout.contains("出具单位（盖章）：某行业协会"))
        // A blank CELEDGER_ISSUER is none, as in the interface: the person's unit issues the card.
        let blank = try s.ok(["card", Staff.zhang, "--year", "2024"], lang: "zh", env: ["CELEDGER_ISSUER": " "])
        #expect(blank.stdout.contains("出具单位（盖章）：南昌市第一医院"))
    }

    @Test("bad input: an invalid ID (1), a person not in the ledger (1), years out of order (2)")
    func errors() throws {
        let s = try Self.ledger()
        let bad = try s.run(["card", "340524198001010013", "--year", "2024"])
        #expect(bad.status == 1 && bad.stderr.hasPrefix("celedger: invalid ID number"))
        let stranger = try s.run(["card", Staff.stranger, "--year", "2024"], lang: "zh")
        #expect(stranger.status == 1 && stranger.stderr.contains("登记簿中没有此人"))
        #expect(try s.run(["card", Staff.zhang, "--year", "2024", "--to", "2023"]).status == 2)
        #expect(try s.run(["card", Staff.zhang, "--year", "2010", "--to", "2024"]).status == 2)
    }

    @Test("a unit's caps: the trimmed hours and the cap are on the card")
    func caps() throws {
        let s = try Sandbox()
        try s.importOK("persons", "p.csv", "id_number,name,unit\n\(Staff.zhang),张三,南昌市第一医院\n")
        try s.ok(["rules", "add", Paths.data + "/rules/examples/example-unit-2024.json"])
        try s.importOK(
            "records", "r.csv",
            """
            id_number,mode,category,title,start_date,end_date,claimed_hours,recognized_hours
            \(Staff.zhang),online,professional,网课一,2024-03-01,2024-03-02,30,30
            \(Staff.zhang),online,professional,网课二,2024-04-01,2024-04-02,30,30

            """)
        let r = try s.ok(["card", Staff.zhang, "--year", "2024"], lang: "zh")
        #expect(r.stdout.contains("扣15.0"))
        #expect(r.stdout.contains("网络学习每年最多 45 学时：扣减 15.0 学时（第 2 项扣 15.0）"))
        #expect(r.stdout.contains("合计 45.0 学时"))
        #expect(r.stdout.contains("示例：某单位继续教育学时认定细则（2024）"))
    }
}

@Suite("report stats")
struct StatsCLITests {
    /// A demo ledger, and the figures counted here from its exports: the annual report (totals and status
    /// per person) and the records of the year (for the hours by mode).
    @Test("per unit and per mode, the figures equal an independent count from the exports")
    func figuresAgree() throws {
        let s = try Sandbox()
        try s.ok(["demo", "--persons", "150", "--years", "2023-2024", "--seed", "4"])
        let annual = try s.annualJSON(2024)
        let stats =
            try JSONSerialization.jsonObject(with: s.ok(["report", "stats", "--year", "2024", "--format", "json"]).stdoutData)
            as! [String: Any]
        #expect(
            stats["year"] as? Int == 2024 && stats["by"] as? String == "unit" && stats["rule_set"] as? String == "jiangxi-2023")
        let groups = stats["groups"] as! [[String: Any]]
        var byUnit: [String: [[String: Any]]] = [:]
        for row in annual { byUnit[row["unit"] as! String, default: []].append(row) }
        #expect(Set(groups.map { $0["key"] as! String }) == Set(byUnit.keys))
        for g in groups {
            let rows = byUnit[g["key"] as! String]!
            let met = rows.filter { $0["status"] as? String == "met" }.count
            let total = rows.reduce(0) { $0 + jsonTenths($1["total_hours"])! }
            #expect(g["persons"] as? Int == rows.count)
            #expect(g["met"] as? Int == met)
            #expect(jsonTenths(g["total_hours"]) == total)
            #expect(jsonTenths(g["rate"]) == (met * 2000 + rows.count) / (rows.count * 2))
            #expect(jsonTenths(g["average_hours"]) == (total * 2 + rows.count) / (rows.count * 2))
            let cat = g["hours_by_category"] as! [String: Any]
            #expect(jsonTenths(cat["public"]) == rows.reduce(0) { $0 + jsonTenths($1["public_hours"])! })
            #expect(jsonTenths(cat["professional"]) == rows.reduce(0) { $0 + jsonTenths($1["professional_hours"])! })
        }
        let total = stats["total"] as! [String: Any]
        #expect(total["persons"] as? Int == annual.count)
        #expect(total["met"] as? Int == annual.filter { $0["status"] as? String == "met" }.count)

        // Hours by mode from the records: recognised, not failed, of persons active in 2024 (the shipped
        // rules have no caps, so nothing is trimmed).
        let active = Set(annual.map { $0["id_number"] as! String })
        let records =
            try JSONSerialization.jsonObject(with: Data(s.export("records", ["--year", "2024", "--format", "json"]).utf8))
            as! [[String: Any]]
        var hours: [String: Int] = [:], persons: [String: Set<String>] = [:]
        for r in records
        where active.contains(r["id_number"] as! String) && r["recognition"] as? String == "recognized"
            && r["assessment"] as? String != "failed"
        {
            let h = jsonTenths(r["recognized_hours"]) ?? 0
            guard h > 0 else { continue }
            hours[r["mode"] as! String, default: 0] += h
            persons[r["mode"] as! String, default: []].insert(r["id_number"] as! String)
        }
        let byMode =
            try JSONSerialization.jsonObject(
                with: s.ok(["report", "stats", "--year", "2024", "--by", "mode", "--format", "json"]).stdoutData)
            as! [String: Any]
        let modes = byMode["groups"] as! [[String: Any]]
        #expect(modes.map { $0["key"] as! String } == ["training", "practice", "academic", "online", "degree", "other"])
        let all = hours.values.reduce(0, +)
        for m in modes {
            let key = m["key"] as! String
            #expect(jsonTenths(m["hours"]) == hours[key] ?? 0, "\(key)")
            #expect(m["persons"] as? Int == persons[key]?.count ?? 0, "\(key)")
            #expect(jsonTenths(m["share"]) == ((hours[key] ?? 0) * 2000 + all) / (all * 2), "\(key)")
        }
        #expect(jsonTenths((byMode["total"] as! [String: Any])["hours"]) == all)
    }

    @Test("table in both languages, CSV with a total line, one unit, title levels")
    func shapes() throws {
        let s = try Sandbox()
        try s.importOK(
            "persons", "p.csv",
            """
            id_number,name,unit,department,title_level
            \(Staff.zhang),张三,南昌市第一医院,内科,intermediate
            \(Staff.li),李小明,南昌市第一医院,外科,junior
            \(Staff.ouyang),欧阳明辉,江西省建筑设计院,结构所,

            """)
        try s.importOK(
            "records", "r.csv",
            """
            id_number,mode,category,title,start_date,end_date,claimed_hours,recognized_hours
            \(Staff.zhang),training,professional,专业课,2024-02-27,2024-03-01,60,60
            \(Staff.zhang),online,public,公需课,2024-03-31,2024-04-01,30,30
            \(Staff.li),online,public,公需课,2024-03-31,2024-04-01,30,30

            """)
        let zh = try s.ok(["report", "stats", "--year", "2024"], lang: "zh").stdout
        #expect(zh.hasPrefix("2024年度统计（按单位）  人员 3 · 达标 1 · 达标率 33.3% · 人均 40.0 学时"))
        let lines = zh.split(separator: "\n").map(String.init)
        #expect(lines[1].hasPrefix("单位") && lines[1].contains("达标率") && lines[1].contains("网络学习"))
        let hospital = lines.first { $0.hasPrefix("南昌市第一医院") }!
        let header = lines[1]
        // Columns line up by display width: the rate ends where its heading ends.
        let rateEnd = cells(header.prefix(upTo: header.range(of: "达标率")!.upperBound))
        #expect(cells(hospital.prefix(upTo: hospital.range(of: "50.0%")!.upperBound)) == rateEnd, "\(hospital)")
        #expect(lines.contains { $0.hasPrefix("合计") && $0.contains("33.3%") })
        let en = try s.ok(["report", "stats", "--year", "2024", "--by", "mode"]).stdout
        #expect(en.hasPrefix("2024 statistics by mode  3 persons · 2 with counted hours · 120.0 hours"))
        #expect(en.contains("online") && en.contains("50.0%"))
        let csv = csvRecords(try s.ok(["report", "stats", "--year", "2024", "--format", "csv"]).stdout)
        #expect(
            csv.header.prefix(9) == ["by", "key", "unit", "department", "persons", "met", "rate", "average_hours", "total_hours"])
        #expect(csv.rows.map { $0["by"]! } == ["unit", "unit", "total"])
        #expect(
            csv.rows.last!["persons"] == "3" && csv.rows.last!["total_hours"] == "120.0" && csv.rows.last!["online"] == "60.0")
        let one =
            try JSONSerialization.jsonObject(
                with: s.ok(["report", "stats", "--year", "2024", "--unit", "南昌市第一医院", "--by", "department", "--format", "json"])
                    .stdoutData) as! [String: Any]
        #expect(one["unit"] as? String == "南昌市第一医院")
        #expect((one["groups"] as! [[String: Any]]).map { $0["department"] as! String } == ["内科", "外科"])
        let levels = try s.ok(["report", "stats", "--year", "2024", "--by", "title_level"], lang: "zh").stdout
        #expect(levels.contains("初级") && levels.contains("中级") && levels.contains("（未填）"))
        #expect(try s.run(["report", "stats", "--by", "gender"]).status == 2)
    }
}

@Suite("import class")
struct ClassImportCLITests {
    static let file = """
        学习方式,培训
        科目类别,专业科目
        内容,医疗质量安全培训
        举办单位,江西省卫生健康委员会
        开始日期,2024-06-01
        结束日期,2024-06-02
        申报学时,16
        认定学时,16
        考核结果,合格

        身份证号,姓名,考核结果,成绩
        \(Staff.zhang),张三,优秀,95
        \(Staff.li),李小明,,
        \(Staff.ouyang),欧阳明辉,不合格,41

        """

    static func ledger() throws -> Sandbox {
        let s = try Sandbox()
        try s.importOK(
            "persons", "p.csv",
            """
            id_number,name,unit
            \(Staff.zhang),张三,南昌市第一医院
            \(Staff.li),李小明,南昌市第一医院
            \(Staff.ouyang),欧阳明辉,江西省建筑设计院

            """)
        return s
    }

    @Test("a class for three: one record each, the participant's own values first; again: all duplicates, exit 0")
    func goodFile() throws {
        let s = try Self.ledger()
        let path = try s.write("培训班.csv", Self.file, bom: true)
        let r = try s.ok(["import", "class", path], lang: "zh")
        #expect(r.stdout == "已导入培训班“医疗质量安全培训”（2024-06-01~2024-06-02）：新增 3\n")
        let records = csvRecords(try s.export("records")).rows
        #expect(records.count == 3)
        #expect(records.map { $0["assessment"]! } == ["excellent", "passed", "failed"])
        #expect(
            records.allSatisfy {
                $0["recognition"] == "recognized" && $0["recognized_hours"] == "16" && $0["provider"] == "江西省卫生健康委员会"
            })
        let annual = try s.annualJSON(2024)
        #expect(annual.map { jsonTenths($0["professional_hours"]) }.sorted { ($0 ?? 0) < ($1 ?? 0) } == [0, 160, 160])
        let again = try s.run(["import", "class", path])
        #expect(again.status == 0)
        #expect(again.stdout == "imported class \"医疗质量安全培训\" (2024-06-01~2024-06-02): 0 added, 3 duplicates skipped\n")
        #expect(
            again.stderrLines
                == (12...14).map {
                    "培训班.csv: line \($0): 身份证号: duplicate: this person already has this class (same mode, title and dates); skipped"
                })
    }

    @Test("bad lines: each reported as FILE: line N: column: reason, in both languages, and nothing imported")
    func badLines() throws {
        let s = try Self.ledger()
        let text =
            Self.file.replacingOccurrences(of: "\(Staff.li),李小明,,", with: "\(Staff.li),李晓明,,")
            .replacingOccurrences(of: "不合格,41", with: "不合格,四十一") + "\(Staff.stranger),陌生人,,\n"
        let path = try s.write("class.csv", text)
        let en = try s.run(["import", "class", path])
        #expect(en.status == 1)
        #expect(
            en.stderrLines == [
                "class.csv: line 13: 姓名: name \"李晓明\" differs from the ledger's name for this ID number (李小明)",
                "class.csv: line 14: 成绩: score \"四十一\" is not a number",
                "class.csv: line 15: 身份证号: no person with this ID number (\(Staff.stranger.prefix(4))**********\(Staff.stranger.suffix(4))) in the ledger; import persons first",
                "celedger: class.csv: 3 bad lines; nothing imported",
            ])
        let zh = try s.run(["import", "class", path], lang: "zh")
        #expect(zh.stderrLines.first == "class.csv：第13行：姓名：姓名“李晓明”与登记簿中此身份证号的姓名“李小明”不符")
        #expect(zh.stderrLines.last == "celedger: class.csv：3行有误，未导入任何数据")
        #expect(csvRecords(try s.export("records")).rows.isEmpty)
        // A class line that is wrong stops it at that line.
        let bad = try s.run([
            "import", "class", try s.write("c2.csv", Self.file.replacingOccurrences(of: "学习方式,培训", with: "学习方式,夜校")),
        ])
        #expect(
            bad.status == 1
                && bad.stderrLines.first
                    == "c2.csv: line 1: 学习方式: \"夜校\" is not one of: training, practice, academic, online, degree, other"
        )
        // --skip-invalid has no meaning for a class.
        #expect(try s.run(["import", "class", path, "--skip-invalid"]).status == 2)
        // A dry run finds the same and writes nothing.
        #expect(try s.run(["import", "class", path, "--dry-run"]).status == 1)
    }

    @Test("the template in data/templates imports as it is")
    func template() throws {
        let s = try Sandbox()
        try s.importOK(
            "persons", "p.csv", "id_number,name,unit\n34052419800101001X,张三,南昌市第一医院\n11010519491231002X,欧阳明辉,江西省人民医院\n")
        let r = try s.ok(["import", "class", Paths.data + "/templates/class.csv"], lang: "zh")
        #expect(r.stdout == "已导入培训班“医疗质量安全管理培训班”（2024-06-01~2024-06-02）：新增 2\n")
    }
}
