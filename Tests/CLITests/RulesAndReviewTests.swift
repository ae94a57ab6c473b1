import CeledgerTestSupport
import Foundation
import Testing

/// Rule files, hour recognition and multi-year windows, as a clerk uses them from the command line.
@Suite("rules, review and report window")
struct RulesAndReviewTests {
    static let exampleRules = Paths.data + "/rules/examples/example-unit-2024.json"

    /// 张三 with online courses (70 hours in 2024: over the example's 45-hour cap) and a pending national
    /// conference where he presented; 李小明 with three recognised years.
    static func ledger() throws -> Sandbox {
        let s = try Sandbox()
        try s.importOK(
            "persons", "p.csv",
            """
            id_number,name,unit
            \(Staff.zhang),张三,南昌市第一医院
            \(Staff.li),李小明,南昌市第一医院

            """)
        try s.importOK(
            "records", "r.csv",
            """
            身份证号,学习方式,折算方式,科目类别,内容,开始日期,结束日期,参与身份,申报学时,认定学时,认定状态
            \(Staff.zhang),网络学习,,专业,网课一,2024-03-01,2024-03-20,,40,40,已认定
            \(Staff.zhang),网络学习,,专业,网课二,2024-06-01,2024-06-20,,30,30,已认定
            \(Staff.zhang),培训,,公需,公需班,2024-05-06,2024-05-09,,32,,
            \(Staff.zhang),学术活动,全国性学术会议,专业,全国年会,2024-09-10,2024-09-12,报告人,24,,
            \(Staff.li),培训,,专业,培训甲,2022-04-01,2022-04-12,,96,96,已认定
            \(Staff.li),培训,,专业,培训乙,2023-04-01,2023-04-12,,96,96,已认定
            \(Staff.li),培训,,专业,培训丙,2024-04-01,2024-04-05,,40,40,已认定

            """)
        return s
    }

    @Test("rules check names the file and the path of a bad value; a good file is summarised; exit 1 when bad")
    func rulesCheck() throws {
        let s = try Sandbox()
        let good = try s.ok(["rules", "check", Self.exampleRules], db: false)
        #expect(
            good.stdout.contains("valid — example-unit-2024, from 2024-01-01, 90 hours, 60 professional, 11 conversions, 3 caps"),
            "\(good.summary)")
        let text = try String(contentsOfFile: Self.exampleRules, encoding: .utf8)
        let bad = try s.write("bad.json", text.replacingOccurrences(of: "\"value\": 45,", with: "\"value\": 45.25,"))
        let r = try s.run(["rules", "check", bad], db: false)
        #expect(r.status == 1)
        #expect(
            r.stderr
                == "celedger: \(bad): caps[0].max_hours.value: 45.25 is not a non-negative number of hours with at most one decimal\n",
            "\(r.summary)")
        let zh = try s.run(["rules", "check", bad], db: false, lang: "zh")
        #expect(zh.stderr.contains("caps[0].max_hours.value：“45.25”不是至多一位小数的非负学时"), "\(zh.summary)")
        let missing = try s.write("m.json", text.replacingOccurrences(of: "\"method\": \"per_day\",", with: ""))
        #expect(try s.run(["rules", "check", missing], db: false).stderr.contains("conversions[0].method: missing"))
    }

    @Test("rules show gives every number with its source; rules list says which years each set judges")
    func rulesShowAndList() throws {
        let s = try Self.ledger()
        let show = try s.ok(["rules", "show", "2024"], lang: "zh").stdout
        #expect(show.hasPrefix("江西省专业技术人员继续教育办法（省政府令第259号）  [jiangxi-2023]\n施行：2023-03-01 起\n"))
        #expect(show.contains("合计不少于 90 学时"))
        #expect(show.contains("    全国性学术会议  [conference-national]  每项 12 学时，报告人 20 学时\n      每项 12：reference value：参照河南省"))
        #expect(show.contains("年度上限\n  （无）"))
        let list = try s.ok(["rules", "list", "--years", "2014-2026"]).stdout
        #expect(
            list.contains { _ in true }
                && list.split(separator: "\n").contains { $0.hasPrefix("national-2015") && $0.hasSuffix("2014–2022") })
        #expect(list.split(separator: "\n").contains { $0.hasPrefix("jiangxi-2023") && $0.hasSuffix("2023–2026") })
        #expect(try s.run(["rules", "show", "no-such"]).status == 1)
    }

    @Test(
        "a unit's own rules: added to the ledger, the years they judge recomputed with the caps, trimmed hours and notes in the report, removed again"
    )
    func ownRulesAndCaps() throws {
        let s = try Self.ledger()
        let before = try #require(try s.annualJSON(2024).first { $0["id_number"] as? String == Staff.zhang })
        #expect(jsonTenths(before["professional_hours"]) == 700)
        let add = try s.ok(["rules", "add", Self.exampleRules, "--user", "王芳"])
        #expect(
            add.stdout
                == "added rule set example-unit-2024 (judges 2024–\(Calendar.current.component(.year, from: Date()) + 1)); totals recomputed for 2024\n",
            "\(add.summary)")
        let after = try #require(try s.annualJSON(2024).first { $0["id_number"] as? String == Staff.zhang })
        #expect(jsonTenths(after["professional_hours"]) == 450)
        #expect(jsonTenths(after["trimmed_hours"]) == 250)
        #expect(after["notes"] as? [String] == ["online: at most 45 hours a year: 25.0 trimmed (#2 2024-06-20 网课二 −25.0)"])
        let zh = try s.ok(["report", "annual", "--year", "2024", "--format", "json"], lang: "zh").stdout
        #expect(zh.contains("\"notes\":[\"网络学习每年最多 45 学时：扣减 25.0（#2 2024-06-20 网课二 扣 25.0）\"]"))
        // 2023 is still judged by the Jiangxi set.
        #expect(try s.ok(["rules", "show", "2023"]).stdout.hasPrefix("Jiangxi Measures"))
        #expect(try s.ok(["check"]).status == 0)
        let list = try s.ok(["rules", "list"]).stdout
        #expect(list.contains("ledger (王芳 "))
        try s.ok(["rules", "remove", "example-unit-2024"])
        let removed = try #require(try s.annualJSON(2024).first { $0["id_number"] as? String == Staff.zhang })
        #expect(jsonTenths(removed["trimmed_hours"]) == 0 && jsonTenths(removed["professional_hours"]) == 700)
        #expect(try s.run(["rules", "remove", "example-unit-2024"]).status == 1)  // refused: not the ledger's fault
    }

    @Test(
        "review: pending records listed with the rule's suggestion; recognised in bulk by filters with the reviewer; locked; reopened with a reason"
    )
    func reviewFlow() throws {
        let s = try Self.ledger()
        let list = try s.ok(["review", "list", "--year", "2024", "--format", "json"])
        let pending = try #require(try JSONSerialization.jsonObject(with: list.stdoutData) as? [[String: Any]])
        #expect(pending.map { $0["title"] as? String } == ["公需班", "全国年会"])
        #expect(pending.map { jsonTenths($0["suggested_hours"]) } == [320, 200])  // 4 days × 8; a presenter at a national conference
        #expect(pending[1]["working"] as? String == "national academic conference: presenter, 20 an item")
        let dry = try s.ok(["review", "recognize", "--all", "--year", "2024", "--dry-run"])
        #expect(
            dry.stdout == "dry run: 2 records would be recognised (by \(ProcessInfo.processInfo.userName)); nothing written\n")
        let noTarget = try s.run(["review", "recognize"])
        #expect(noTarget.status == 2 && noTarget.stderr.contains("--all"))
        let done = try s.ok(["review", "recognize", "--all", "--year", "2024", "--id", Staff.zhang, "--reviewer", "李审"])
        #expect(done.stdout == "recognised 2 records (by 李审)\n")
        let zhang = try #require(try s.annualJSON(2024).first { $0["id_number"] as? String == Staff.zhang })
        #expect(jsonTenths(zhang["public_hours"]) == 320 && jsonTenths(zhang["professional_hours"]) == 900)
        // Recognised records are locked: rejecting one needs a reopen first.
        let recognised = try #require(
            try JSONSerialization.jsonObject(
                with: s.ok(["review", "list", "--state", "recognized", "--id", Staff.zhang, "--format", "json"]).stdoutData)
                as? [[String: Any]])
        #expect(recognised.allSatisfy { $0["reviewed_by"] as? String != nil })
        let conference = try #require(recognised.first { $0["title"] as? String == "全国年会" }?["record"] as? Int)
        #expect(recognised.first { $0["title"] as? String == "全国年会" }?["reviewed_by"] as? String == "李审")
        let refused = try s.run(["review", "reject", "#\(conference)", "--reason", "材料不全"])
        #expect(refused.status == 1 && refused.stderr.contains("is recognised and locked; reopen it first"), "\(refused.summary)")
        #expect(try s.run(["review", "reopen", String(conference), "--reason", " "]).status == 2)
        try s.ok(["review", "reopen", String(conference), "--reason", "报告人身份待核实"])
        try s.ok(["review", "reject", String(conference), "--reason", "未提供报告证明"])
        let history = try s.ok(["history", Staff.zhang]).stdout
        #expect(history.contains("recognition: recognized → pending; recognition_note: — → 报告人身份待核实"), "\(history)")
        #expect(history.contains("recognition: pending → rejected"))
        #expect(try s.run(["review", "recognize", "99999"]).status == 1)
    }

    @Test("recognising a pending record without a reason keeps its note: an override's reason survives the review")
    func recognitionKeepsTheOverrideReason() throws {
        let s = try Sandbox()
        try s.importOK("persons", "p.csv", "id_number,name\n\(Staff.zhang),张三\n")
        try s.importOK(
            "records", "r.csv",
            """
            身份证号,学习方式,科目类别,内容,开始日期,结束日期,申报学时,认定学时,认定状态,认定说明
            \(Staff.zhang),培训,专业科目,测试培训,2024-03-01,2024-03-02,16,20,待认定,会议通知注明20学时

            """)
        try s.ok(["review", "recognize", "--all", "--year", "2024"])
        let records = try #require(
            try JSONSerialization.jsonObject(with: s.ok(["export", "records", "--format", "json"]).stdoutData) as? [[String: Any]]
        )
        #expect(records.count == 1)
        #expect(records.first?["recognition"] as? String == "recognized")
        #expect(records.first?["recognition_note"] as? String == "会议通知注明20学时")
        #expect(jsonTenths(records.first?["recognized_hours"]) == 200)
    }

    @Test("report window: each year's total and status, years met, the window's hours, all met (JSON keys as documented)")
    func window() throws {
        let s = try Self.ledger()
        let r = try s.ok(["report", "window", "--from", "2022", "--to", "2024", "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: r.stdoutData) as? [[String: Any]])
        let li = try #require(rows.first { $0["id_number"] as? String == Staff.li })
        #expect(
            Set(li.keys) == [
                "id_number", "name", "unit", "department", "years", "years_met", "years_required", "window_total_hours",
                "all_met",
            ])
        let years = try #require(li["years"] as? [[String: Any]])
        #expect(years.map { $0["year"] as? Int } == [2022, 2023, 2024])
        #expect(years.map { jsonTenths($0["total_hours"]) } == [960, 960, 400])
        #expect(years.map { $0["status"] as? String } == ["met", "met", "short"])
        #expect(li["years_met"] as? Int == 2)
        #expect(jsonTenths(li["window_total_hours"]) == 2320)
        #expect(li["all_met"] as? Bool == false)
        let table = try s.ok(["report", "window", "--from", "2022", "--to", "2024"], lang: "zh").stdout
        #expect(table.hasPrefix("2022–2024 年  人员 2 · 全部达标 0 · 未全部达标 2"))
        #expect(
            table.split(separator: "\n").contains {
                $0.hasPrefix("李小明") && $0.contains("96.0   96.0   40.0✗") && $0.hasSuffix("未全部达标")
            })
        let csv = try s.ok(["report", "window", "--from", "2022", "--to", "2024", "--format", "csv"]).stdout
        #expect(csv.hasPrefix("id_number,name,unit,department,2022_total_hours,2022_professional_hours,2022_status,"))
        #expect(try s.run(["report", "window", "--from", "2024", "--to", "2022"]).status == 2)
    }
}

extension ProcessInfo {
    /// The operating-system user the binary names when --user and --reviewer are not given.
    var userName: String { NSUserName() }
}
