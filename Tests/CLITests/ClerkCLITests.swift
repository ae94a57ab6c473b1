import CeledgerTestSupport
import Foundation
import Testing

/// Clerks from the command line (issue 17): `clerk add|list|set|remove`, who is working (--user, then
/// $CELEDGER_USER, then the name the UI remembered for the ledger), and the roles held at every write.
@Suite("clerks")
struct ClerkCLITests {
    /// Persons of two units, records entered by 李明 (a recorder), and the clerks 管理员, 王芳 (reviewer),
    /// 李明 (recorder), 赵科 (recorder of 南昌市第一医院).
    static func ledger() throws -> Sandbox {
        let s = try Sandbox()
        try s.importOK(
            "persons", "p.csv",
            """
            id_number,name,unit
            \(Staff.zhang),张三,南昌市第一医院
            \(Staff.ouyang),欧阳明辉,江西省建筑设计研究院

            """)
        try s.ok(["clerk", "add", "管理员", "--role", "admin", "--user", "管理员"])
        try s.ok(["clerk", "add", "王芳", "--role", "reviewer", "--user", "管理员"])
        try s.ok(["clerk", "add", "李明", "--role", "recorder", "--user", "管理员"])
        try s.ok(["clerk", "add", "赵科", "--role", "recorder", "--unit", "南昌市第一医院", "--user", "管理员"])
        let records = try s.write(
            "r.csv",
            """
            身份证号,学习方式,科目类别,内容,结束日期,申报学时
            \(Staff.zhang),培训,专业,甲,2024-03-10,8
            \(Staff.ouyang),培训,专业,乙,2024-03-11,8

            """)
        try s.ok(["import", "records", records, "--user", "李明"])
        return s
    }

    @Test("the first clerk must be an admin; then only an admin changes clerks; list shows roles and units; remove is soft")
    func managingClerks() throws {
        let s = try Sandbox()
        try s.ok(["init"])
        let first = try s.run(["clerk", "add", "王芳", "--role", "reviewer", "--user", "王芳"], lang: "zh")
        #expect(first.status == 1, "a refusal is the asker's to fix: exit 1")
        #expect(first.stderr.contains("第一位经办人须是管理员"), "\(first.summary)")
        try s.ok(["clerk", "add", "管理员", "--role", "admin", "--user", "管理员"])
        try s.ok(["clerk", "add", "王芳", "--role", "reviewer", "--unit", "南昌市第一医院", "--unit", "九江学院", "--user", "管理员"])
        let byReviewer = try s.run(["clerk", "add", "新人", "--role", "recorder", "--user", "王芳"], lang: "zh")
        #expect(byReviewer.status == 1, "a refusal is the asker's to fix: exit 1")
        #expect(byReviewer.stderr.contains("“王芳”是审核员，不能管理经办人"), "\(byReviewer.summary)")
        let list = try s.ok(["clerk", "list"], lang: "zh").stdout
        #expect(list.contains("王芳") && list.contains("审核员") && list.contains("九江学院、南昌市第一医院"), "\(list)")
        try s.ok(["clerk", "set", "王芳", "--all-units", "--role", "admin", "--user", "管理员"])
        try s.ok(["clerk", "remove", "管理员", "--user", "王芳"])
        let after = try s.ok(["clerk", "list"], lang: "en").stdout
        #expect(after.contains("removed (王芳"), "\(after)")
        #expect(after.contains("all units"))
        let last = try s.run(["clerk", "remove", "王芳", "--user", "王芳"], lang: "en")
        #expect(last.status == 1 && last.stderr.contains("last admin"), "\(last.summary)")
    }

    @Test(
        "in a ledger with clerks a write by no clerk is refused and nothing changes; $CELEDGER_USER and the remembered name count"
    )
    func whoIsWorking() throws {
        let s = try Self.ledger()
        let before = try s.export("persons")
        let file = try s.write("p2.csv", "id_number,name,unit\n\(Staff.wang),王五,九江学院\n")
        let stranger = try s.run(["import", "persons", file], lang: "zh")  // the OS user is no clerk
        #expect(stranger.status == 1, "a refusal is the asker's to fix: exit 1")
        #expect(stranger.stderr.contains("不是本登记簿的经办人") && stranger.stderr.contains("未做任何改动"), "\(stranger.summary)")
        #expect(!stranger.stderr.contains("SQLite") && !stranger.stderr.contains("constraint"))
        #expect(try s.export("persons") == before)
        // $CELEDGER_USER names the clerk.
        try s.ok(["import", "persons", file], env: ["CELEDGER_USER": "李明"])
        // The name the UI remembered for this ledger counts too: 李明, a recorder, may not recognise.
        let config = s.path("home/.config/celedger")
        try FileManager.default.createDirectory(atPath: config, withIntermediateDirectories: true)
        try "\(s.db)\t李明\n".write(toFile: config + "/clerks", atomically: true, encoding: .utf8)
        let recognise = try s.run(["review", "recognize", "--all", "--year", "2024"], lang: "zh")
        #expect(recognise.status == 1, "a refusal is the asker's to fix: exit 1")
        #expect(recognise.stderr.contains("“李明”是录入员，不能认定"), "\(recognise.summary)")
        // --user wins over the remembered name, and the history names the clerk.
        try s.ok(["review", "recognize", "--all", "--year", "2024", "--user", "王芳"])
        let h = try s.ok(["history", Staff.zhang], lang: "zh").stdout
        #expect(h.contains("王芳") && h.contains("李明"), "\(h)")
    }

    @Test("nobody recognises a record they entered or last changed: the command says so and exits 1")
    func noSelfRecognition() throws {
        let s = try Self.ledger()
        let mine = try s.write("mine.csv", "身份证号,学习方式,科目类别,内容,结束日期,申报学时\n\(Staff.zhang),培训,专业,王芳自录,2024-05-10,4\n")
        try s.ok(["import", "records", mine, "--user", "王芳"])
        let r = try s.run(["review", "recognize", "--all", "--year", "2024", "--user", "王芳"], lang: "zh")
        #expect(r.status == 0, "the others are recognised: \(r.summary)")
        #expect(r.stdout.contains("已认定 2 条记录（认定人 王芳）"), "\(r.summary)")
        #expect(r.stderr.contains("1 条是你自己录入或最后修改的"), "\(r.summary)")
        let again = try s.run(["review", "recognize", "--all", "--year", "2024", "--user", "王芳"], lang: "en")
        #expect(again.status == 1)
        #expect(again.stderr.contains("entered or last changed by you"), "\(again.summary)")
    }

    @Test("a recorder's file with decided rows is refused naming the rows; a reviewer's is imported and says so")
    func decidedImports() throws {
        let s = try Self.ledger()
        let file = try s.write(
            "外部.csv",
            """
            身份证号,学习方式,科目类别,内容,结束日期,申报学时,认定学时,认定状态
            \(Staff.zhang),培训,专业,丙,2024-06-10,8,8,已认定
            \(Staff.zhang),培训,专业,丁,2024-06-11,8,,待认定

            """)
        let before = try s.export("records")
        let r = try s.run(["import", "records", file, "--user", "李明"], lang: "zh")
        #expect(r.status != 0)
        #expect(r.stderr.contains("第 2 行") && r.stderr.contains("“认定状态”"), "\(r.summary)")
        #expect(try s.export("records") == before)
        try s.ok(["import", "records", file, "--user", "王芳"])
        let records = try s.export("records")
        #expect(records.contains("导入时即为已认定（来自 外部.csv）"), "\(records)")
    }

    @Test("a clerk with a unit exports, reports and writes only that unit's persons")
    func unitLimits() throws {
        let s = try Self.ledger()
        let persons = try s.ok(["export", "persons", "--user", "赵科"]).stdout
        #expect(persons.contains("张三") && !persons.contains("欧阳明辉"), "\(persons)")
        let report = try s.ok(["report", "annual", "--year", "2024", "--format", "csv", "--user", "赵科"]).stdout
        #expect(report.contains("张三") && !report.contains("欧阳明辉"), "\(report)")
        let outside = try s.write("o.csv", "id_number,name,unit\n\(Staff.ouyang),欧阳明辉,江西省建筑设计研究院\n")
        let r = try s.run(["import", "persons", outside, "--user", "赵科"], lang: "zh")
        #expect(r.status != 0)
        #expect(r.stderr.contains("“赵科”不负责“江西省建筑设计研究院”的人员"), "\(r.summary)")
    }
}
