import CeledgerTestSupport
import Foundation
import Testing

/// Issue 19's rows that got in without a word: each refused by the import and by a class file, named by
/// file, line and column in both languages, and nothing written.
@Suite("import: hours that cannot be true")
struct PlausibilityCLITests {
    static let persons = "id_number,name,unit\n\(Staff.zhang),张三,南昌市第一医院\n\(Staff.li),李小明,南昌市第一医院\n"

    func ledger() throws -> Sandbox {
        let s = try Sandbox()
        try s.importOK("persons", "p.csv", Self.persons)
        return s
    }

    @Test("2099, 9,999 hours in two days, 24 recognised against 8.5 without a reason: each refused where it is")
    func theIssuesThreeRows() throws {
        let s = try ledger()
        let path = try s.write(
            "r.csv",
            """
            id_number,mode,category,title,start_date,end_date,claimed_hours,recognized_hours,recognition
            \(Staff.zhang),training,professional,远期培训,2099-05-01,2099-05-02,16,16,recognized
            \(Staff.zhang),training,professional,两天培训,2024-05-01,2024-05-02,16,9999,recognized
            \(Staff.li),training,professional,三天培训,2024-06-10,2024-06-12,8.5,24,recognized
            \(Staff.li),training,professional,通知中的培训,2099-05-01,2099-05-02,16,,pending

            """)
        let en = try s.run(["import", "records", path])
        #expect(en.status == 1)
        #expect(
            en.stderrLines.contains(
                "r.csv: line 2: recognition: the activity has not ended (end date 2099-05-02 is after today, \(today())): register it as pending and recognise it once it has ended"
            ), "\(en.summary)")
        #expect(
            en.stderrLines.contains(
                "r.csv: line 3: recognized_hours: recognised hours 9999 are more than the activity's span can hold, 48 (2 days from 2024-05-01 to 2024-05-02, 24 hours a day at most)"
            ), "\(en.summary)")
        #expect(
            en.stderrLines.contains(
                "r.csv: line 4: recognition_note: more hours recognised (24.0) than claimed (8.5); give the reason in the recognition note"
            ), "\(en.summary)")
        #expect(!en.stderr.contains("line 5"), "a class announced ahead may be pending")
        #expect(en.stderrLines.last == "celedger: r.csv: 3 bad rows; nothing imported")
        let zh = try s.run(["import", "records", path], lang: "zh")
        #expect(zh.stderrLines.contains { $0.hasPrefix("r.csv：第2行：recognition：活动尚未结束（2099-05-02 结束，今天") }, "\(zh.summary)")
        #expect(zh.stderrLines.contains("r.csv：第4行：recognition_note：认定学时（24.0）多于申报学时（8.5），须在“认定说明”中写明理由"), "\(zh.summary)")
        #expect(csvRecords(try s.export("records")).rows.isEmpty)

        // With the reason in its column the third row imports; the far figure is listed, not refused.
        let fixed = try s.write(
            "fixed.csv",
            """
            id_number,mode,category,title,start_date,end_date,claimed_hours,recognized_hours,recognition,recognition_note
            \(Staff.li),training,professional,三天培训,2024-06-10,2024-06-12,8.5,24,recognized,按签到表三天全勤
            \(Staff.zhang),training,professional,一天培训,2024-05-01,2024-05-01,20,20,recognized,

            """)
        let ok = try s.run(["import", "records", fixed])
        #expect(ok.status == 0, "\(ok.summary)")
        #expect(ok.stdout == "imported records: 2 added\n")
        #expect(
            ok.stderrLines == [
                "1 row with recognised hours far from the rule's suggestion; check them:",
                "  fixed.csv: line 3: recognized_hours: recognised hours 20 are far from the rule's suggestion, 8 (more than 2×); check them",
            ])
    }

    @Test("a class file recognising a class that has not ended is refused at its class line")
    func aClassAhead() throws {
        let s = try ledger()
        let path = try s.write(
            "class.csv",
            """
            学习方式,培训
            科目类别,专业科目
            内容,明年的培训
            开始日期,2099-06-01
            结束日期,2099-06-02
            申报学时,16
            认定学时,16

            身份证号,姓名
            \(Staff.zhang),张三

            """)
        let r = try s.run(["import", "class", path], lang: "zh")
        #expect(r.status == 1)
        #expect(r.stderrLines.first?.hasPrefix("class.csv：第1行：认定状态：活动尚未结束（2099-06-02 结束") == true, "\(r.summary)")
        #expect(csvRecords(try s.export("records")).rows.isEmpty)
        // As pending it is registered: the class announced ahead.
        let pending = try s.write(
            "pending.csv",
            (try String(contentsOfFile: path, encoding: .utf8)).replacingOccurrences(of: "认定学时,16", with: "认定状态,待认定"))
        #expect(try s.run(["import", "class", pending]).status == 0)
    }

    func today() -> String {
        let c = Calendar(identifier: .gregorian).dateComponents([.year, .month, .day], from: Date())
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }
}
