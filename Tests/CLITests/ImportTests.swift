import CeledgerTestSupport
import Foundation
import Testing

/// People used across the import tests.
enum Staff {
    static let zhang = residentID("360102", "19800101", 1)  // 张三, male
    static let li = residentID("360102", "19850215", 2)  // 李小明, female
    static let ouyang = residentID("360103", "19900310", 3)  // 欧阳明辉, male
    static let wang = residentID("360104", "19751120", 5)  // 王五
    static let zhao = residentID("360111", "19700101", 7)  // 赵六
    static let sun = residentID("360121", "19881212", 9)  // 孙七
    static let stranger = residentID("360981", "19950306", 11)  // never imported

    /// An ID whose check character is X, for the lower-case x rule.
    static let withX: String = {
        for seq in 1...999 {
            let id = residentID("360502", "19920708", seq)
            if id.hasSuffix("X") { return id }
        }
        fatalError("no sequence gives X")
    }()

    /// A legacy 15-digit number (YYMMDD, no check) and the 18-character number it upgrades to.
    static let legacy15 = "360102850615123"
    static let legacyUpgraded = residentID("360102", "19850615", 123)
}

@Suite("import: headers, values, dates, CSV forms")
struct ImportFormatTests {
    @Test("Chinese headers, Chinese values, all date forms, RFC 4180 quoting, CRLF and a BOM")
    func chineseSpreadsheet() throws {
        let s = try Sandbox()
        let xLower = Staff.withX.lowercased()
        let persons =
            [
                "身份证号,姓名,单位,部门,职称,职称级别,专业",
                "\(Staff.zhang),张三,南昌市第一医院,内科,主治医师,中级,临床医学",
                "\(xLower),李小明,\"南昌市第一医院\",\"外科,二病区\",主管护师,副高级,护理",
                "\(Staff.legacy15),欧阳明辉,江西省建筑设计院,\"结构所\"\"一室\"\"\",高级工程师,正高,结构工程",
            ].joined(separator: "\r\n") + "\r\n"
        let pr = try s.ok(["import", "persons", try s.write("人员.csv", persons, bom: true)])
        #expect(pr.stdout == "imported persons: 3 added, 0 updated, 0 unchanged\n", "\(pr.summary)")

        let records =
            [
                "身份证号,学习方式,科目类别,内容,举办单位,开始日期,结束日期,考核结果,成绩,申报学时,认定学时,认定状态,证明编号,备注",
                "\(Staff.zhang),培训班,公需,政策法规与职业道德,江西省人社厅,2024-03-04,2024/3/5,合格,86,12,12,已认定,JX-001,\"第一行, 含逗号\r\n第二行\"",
                "\(Staff.zhang),进修班,专业,\"内科\"\"新进展\"\"研修\",南昌大学,2024.3.4,2024年3月8日,优秀,95.5,40,38.5,已认定,,",
                "\(Staff.zhang),研修班,专业科目,心电图判读,省医学会,2024年5月1日,2024-05-01,不合格,55,8,8,已认定,,",
                "\(xLower),网络学习,公需科目,在线课程,,2024/12/30,2025/1/2,未考核,,20,,待认定,,",
                "\(Staff.legacy15),学术会议,专业,学术年会,,2024-06-01,2024-06-02,,,12,0,不予认定,,",
            ].joined(separator: "\r\n") + "\r\n"
        let rr = try s.ok(["import", "records", try s.write("学时.csv", records, bom: true)])
        #expect(rr.stdout == "imported records: 5 added\n", "\(rr.summary)")
        #expect(rr.stderr.isEmpty)

        let expectedPersons =
            "\u{FEFF}"
            + [
                "id_number,name,gender,unit,department,title,title_level,specialty,status,status_date,category",
                "\(Staff.zhang),张三,male,南昌市第一医院,内科,主治医师,intermediate,临床医学,active,,employee",
                "\(Staff.withX),李小明,\(gender(of: Staff.withX)),南昌市第一医院,\"外科,二病区\",主管护师,deputy_senior,护理,active,,employee",
                "\(Staff.legacyUpgraded),欧阳明辉,male,江西省建筑设计院,\"结构所\"\"一室\"\"\",高级工程师,senior,结构工程,active,,employee",
            ].joined(separator: "\r\n") + "\r\n"
        let exportedPersons = try s.export("persons")
        #expect(exportedPersons == expectedPersons, "\(lineDiff(expectedPersons, exportedPersons))")

        let expectedRecords =
            "\u{FEFF}"
            + [
                "id_number,mode,category,title,provider,start_date,end_date,assessment,score,claimed_hours,recognized_hours,recognition,recognition_note,certificate_no,note,basis,quantity,role",
                "\(Staff.zhang),training,public,政策法规与职业道德,江西省人社厅,2024-03-04,2024-03-05,passed,86,12,12,recognized,,JX-001,\"第一行, 含逗号\r\n第二行\",,,participant",
                "\(Staff.zhang),training,professional,\"内科\"\"新进展\"\"研修\",南昌大学,2024-03-04,2024-03-08,excellent,95.5,40,38.5,recognized,,,,,,participant",
                "\(Staff.zhang),training,professional,心电图判读,省医学会,2024-05-01,2024-05-01,failed,55,8,8,recognized,,,,,,participant",
                "\(Staff.withX),online,public,在线课程,,2024-12-30,2025-01-02,none,,20,,pending,,,,,,participant",
                "\(Staff.legacyUpgraded),academic,professional,学术年会,,2024-06-01,2024-06-02,none,,12,,rejected,,,,,,participant",
            ].joined(separator: "\r\n") + "\r\n"
        let exported = try s.export("records")
        #expect(exported == expectedRecords, "\(lineDiff(expectedRecords, exported))")
    }

    @Test("English keys in any order, LF line ends, no BOM; status, status date, category and gender columns")
    func englishKeysAnyOrder() throws {
        let s = try Sandbox()
        let persons = """
            specialty,status_date,name,category,title_level,id_number,unit,gender,title,department,status
            护理,,李小明,employee,junior,\(Staff.li),南昌市第一医院,female,护士,外科,active
            ,2023-06-30,王五,employee,,\(Staff.wang),江西省建筑设计院,male,,结构所,left
            土木,,赵六,freelancer,senior,\(Staff.zhao),,male,教授级高工,,在职
            ,2023/9/1,孙七,自由职业,,\(Staff.sun),,,,,退休

            """
        let pr = try s.ok(["import", "persons", try s.write("p.csv", persons)])
        #expect(pr.stdout == "imported persons: 4 added, 0 updated, 0 unchanged\n", "\(pr.summary)")
        let records = """
            note,recognition,recognized_hours,claimed_hours,score,assessment,end_date,start_date,provider,title,category,mode,id_number,certificate_no
            ,recognized,6,6,,passed,2024-04-02,2024-04-01,医院,"Case review, week 1",professional,practice,\(Staff.li),
            ,,,3,,,2024-07-07,,,Lecture,public,Academic,\(Staff.li),C-7
            remote,RECOGNIZED,2.5,2.5,,PASSED,2024-08-01,2024-08-01,,Course,PUBLIC,online,\(Staff.zhao),

            """
        let rr = try s.ok(["import", "records", try s.write("r.csv", records)])
        #expect(rr.stdout == "imported records: 3 added\n", "\(rr.summary)")

        let expectedPersons =
            "\u{FEFF}"
            + [
                "id_number,name,gender,unit,department,title,title_level,specialty,status,status_date,category",
                "\(Staff.li),李小明,female,南昌市第一医院,外科,护士,junior,护理,active,,employee",
                "\(Staff.wang),王五,male,江西省建筑设计院,结构所,,,,left,2023-06-30,employee",
                "\(Staff.zhao),赵六,male,,,教授级高工,senior,土木,active,,freelancer",
                "\(Staff.sun),孙七,male,,,,,,retired,2023-09-01,freelancer",
            ].joined(separator: "\r\n") + "\r\n"
        #expect(try s.export("persons") == expectedPersons)
        // A one-day activity may carry one date; no recognition column value means pending.
        let expectedRecords =
            "\u{FEFF}"
            + [
                "id_number,mode,category,title,provider,start_date,end_date,assessment,score,claimed_hours,recognized_hours,recognition,recognition_note,certificate_no,note,basis,quantity,role",
                "\(Staff.li),practice,professional,\"Case review, week 1\",医院,2024-04-01,2024-04-02,passed,,6,6,recognized,,,,,,participant",
                "\(Staff.li),academic,public,Lecture,,2024-07-07,2024-07-07,none,,3,,pending,,C-7,,,,participant",
                "\(Staff.zhao),online,public,Course,,2024-08-01,2024-08-01,passed,,2.5,2.5,recognized,,,remote,,,participant",
            ].joined(separator: "\r\n") + "\r\n"
        #expect(try s.export("records") == expectedRecords)
    }

    @Test("with --strict an unknown column is an error that names it; a missing required column too; nothing is imported")
    func unknownAndMissingColumns() throws {
        let s = try Sandbox()
        let unknown = try s.write("p.csv", "id_number,name,nickname\n\(Staff.zhang),张三,小张\n")
        let r = try s.run(["import", "persons", unknown, "--strict"])
        #expect(r.status == 1, "\(r.summary)")
        #expect(
            r.stderrLines.first
                == "p.csv: line 1: nickname: unknown column \"nickname\": delete it, or leave out --strict to have the import ignore it",
            "\(r.summary)")
        #expect(r.stderrLines.last?.hasPrefix("celedger: p.csv:") == true)
        #expect(r.stdout.isEmpty)

        let zh = try s.run(["import", "persons", unknown, "--strict"], lang: "zh")
        #expect(zh.status == 1)
        #expect(zh.stderrLines.first == "p.csv：第1行：nickname：未知的列“nickname”：请删去此列，或去掉 --strict 让导入忽略它", "\(zh.summary)")

        let chineseUnknown = try s.write("r.csv", "身份证号,学习方式,科目类别,内容,结束日期,学时数\n")
        let r2 = try s.run(["import", "records", chineseUnknown, "--strict"])
        #expect(r2.status == 1)
        #expect(r2.stderrLines.first?.hasPrefix("r.csv: line 1: 学时数: unknown column \"学时数\"") == true, "\(r2.summary)")
        // Without --strict the unknown column is ignored, and the missing hours column named with its near miss.
        let r2b = try s.run(["import", "records", chineseUnknown])
        #expect(r2b.status == 1)
        #expect(r2b.stderr.contains("ignored columns the ledger does not use: 学时数"), "\(r2b.summary)")
        #expect(r2b.stderr.contains("is the file's \"学时数\" that column?"), "\(r2b.summary)")

        let missing = try s.write(
            "m.csv", "id_number,mode,title,end_date,claimed_hours\n\(Staff.zhang),training,x,2024-01-01,3\n")
        let r3 = try s.run(["import", "records", missing])
        #expect(r3.status == 1)
        #expect(r3.stderr.contains("m.csv: line 1: required column category (科目类别) is missing"), "\(r3.summary)")
        #expect(r3.stderr.contains("celedger template records"), "\(r3.summary)")
        #expect(csvRecords(try s.export("persons")).rows.isEmpty)
    }
}

@Suite("import: bad rows, atomicity, --dry-run, --skip-invalid")
struct ImportBadRowsTests {
    /// Line 1 header; a quoted note spans lines 4-5 and a blank line sits at 11, so the numbering is tested.
    static let badFile =
        [
            "id_number,mode,category,title,start_date,end_date,claimed_hours,recognized_hours,recognition,note",
            "\(Staff.zhang),training,public,Good one,2024-01-10,2024-01-11,8,8,recognized,",  // 2 ok
            "340524198001010013,training,public,Bad ID,2024-01-10,2024-01-11,8,8,recognized,",  // 3 check char
            "\(Staff.zhang),online,professional,Good two,2024-02-01,2024-02-01,4,4,recognized,\"two",  // 4-5 ok
            "lines, one note\"",
            "\(Staff.zhang),training,public,Bad date,2024-02-30,2024-03-01,8,8,recognized,",  // 6 not a date
            "\(Staff.zhang),training,public,Bad hours,2024-03-01,2024-03-01,8.15,8,recognized,",  // 7 decimals
            "\(Staff.zhang),夜校,public,Bad mode,2024-03-01,2024-03-01,8,8,recognized,",  // 8 mode
            "\(Staff.zhang),training,public,Backwards,2024-03-05,2024-03-01,8,8,recognized,",  // 9 end < start
            "\(Staff.stranger),training,public,Stranger,2024-03-01,2024-03-01,8,8,recognized,",  // 10 no person
            "",  // 11 blank
            "\(Staff.zhang),training,public,Too short,2024-03-01",  // 12 field count
            "\(Staff.zhang),training,public,Rejected with hours,2024-03-01,2024-03-01,8,8,不予认定,",  // 13 rejected yet hours
        ].joined(separator: "\n") + "\n"

    static func ledgerWithZhang() throws -> Sandbox {
        let s = try Sandbox()
        try s.importOK("persons", "p.csv", "id_number,name\n\(Staff.zhang),张三\n")
        return s
    }

    @Test("every bad row is reported as <file>: line N: <column>: <reason>, exit 1, nothing imported")
    func badRowsEnglish() throws {
        let s = try Self.ledgerWithZhang()
        let file = try s.write("bad.csv", Self.badFile)
        let r = try s.run(["import", "records", file])
        #expect(r.status == 1, "\(r.summary)")
        #expect(r.stdout.isEmpty)
        let prefixes = r.stderrLines.map { line -> String in
            // "<file>: line N: <column>: " up to the reason.
            let parts = line.components(separatedBy: ": ")
            return parts.prefix(3).joined(separator: ": ")
        }
        #expect(
            prefixes == [
                "bad.csv: line 3: id_number",
                "bad.csv: line 6: start_date",
                "bad.csv: line 7: claimed_hours",
                "bad.csv: line 8: mode",
                "bad.csv: line 9: end_date",
                "bad.csv: line 10: id_number",
                "bad.csv: line 12: has 5 fields, the header has 10",
                "bad.csv: line 13: recognized_hours",
                "celedger: bad.csv: 8 bad rows; nothing imported",
            ], "\(r.summary)")
        // Reasons are English and say what is wrong.
        #expect(r.stderr.contains("line 3: id_number: ID number check character is wrong"))
        #expect(r.stderr.contains("line 6: start_date: \"2024-02-30\" is not a real date"))
        #expect(r.stderr.contains("no person with this ID number (3609**********"))
        expectGolden("import-errors-en.txt", r.stderr)
        // Atomic: not even the good rows went in.
        #expect(csvRecords(try s.export("records")).rows.isEmpty, "nothing imported")
    }

    @Test("the same errors in Chinese with --lang zh, Chinese headers named as in the file")
    func badRowsChinese() throws {
        let s = try Self.ledgerWithZhang()
        let header = "身份证号,学习方式,科目类别,内容,开始日期,结束日期,申报学时,认定学时,认定状态,备注"
        let text = header + Self.badFile.drop { $0 != "\n" }
        let file = try s.write("学时登记.csv", text, bom: true)
        let r = try s.run(["import", "records", file], lang: "zh")
        #expect(r.status == 1, "\(r.summary)")
        let lines = r.stderrLines
        #expect(lines.count == 9)
        #expect(lines.first?.hasPrefix("学时登记.csv：第3行：身份证号：身份证号校验位错误") == true, "\(r.summary)")
        #expect(lines.contains { $0.hasPrefix("学时登记.csv：第6行：开始日期：日期“2024-02-30”不存在") }, "\(r.summary)")
        #expect(lines.contains { $0.hasPrefix("学时登记.csv：第8行：学习方式：“夜校”不是可选值") }, "\(r.summary)")
        #expect(lines.contains { $0.hasPrefix("学时登记.csv：第10行：身份证号：登记簿中没有此人") }, "\(r.summary)")
        #expect(lines.last == "celedger: 学时登记.csv：8行有误，未导入任何数据")
        // No English reason leaks into the Chinese messages.
        for word in ["line", "is not", "cannot", "must", "empty"] {
            #expect(!r.stderr.contains(word), "English word \(word) in: \(r.stderr)")
        }
        expectGolden("import-errors-zh.txt", r.stderr)
        #expect(csvRecords(try s.export("records")).rows.isEmpty, "nothing imported")
    }

    @Test("a record for a person who is not in the ledger is an error on its line")
    func unknownPerson() throws {
        let s = try Self.ledgerWithZhang()
        let file = try s.write(
            "r.csv",
            """
            id_number,mode,category,title,end_date,claimed_hours
            \(Staff.zhang),training,public,ok,2024-01-01,3
            \(Staff.stranger),training,public,who,2024-01-01,3

            """)
        let r = try s.run(["import", "records", file])
        #expect(r.status == 1)
        #expect(
            r.stderrLines.first
                == "r.csv: line 3: id_number: no person with this ID number (3609**********\(Staff.stranger.suffix(4))) in the ledger; import persons first",
            "\(r.summary)")
    }

    @Test("a row after a quoted cell with several line breaks (CRLF inside and out) has the right line number")
    func lineNumbersAfterMultilineCells() throws {
        let s = try Self.ledgerWithZhang()
        let text =
            [
                "id_number,mode,category,title,end_date,claimed_hours,note",  // 1
                "\(Staff.zhang),training,public,a,2024-01-01,3,\"x\r\ny\r\n\r\nz\"",  // 2-5
                "\(Staff.zhang),training,public,b,2024-01-01,3,\"\"\"q\"\", r\"",  // 6
                "\(Staff.zhang),training,public,c,2024-01-01,oops,",  // 7
            ].joined(separator: "\r\n") + "\r\n"
        let r = try s.run(["import", "records", try s.write("ml.csv", text)])
        #expect(r.status == 1)
        #expect(r.stderrLines.first == "ml.csv: line 7: claimed_hours: \"oops\" is not a number", "\(r.summary)")
    }

    @Test("file-level problems: unterminated quote, neither UTF-8 nor GB18030, empty file, wrong separator")
    func fileLevelProblems() throws {
        let s = try Self.ledgerWithZhang()
        let unterminated = try s.write(
            "u.csv", "id_number,mode,category,title,end_date,claimed_hours\n\(Staff.zhang),training,public,\"open,2024-01-01,3\n")
        let r1 = try s.run(["import", "records", unterminated])
        #expect(r1.status == 1)
        #expect(r1.stderrLines.first?.hasPrefix("u.csv: line 2: title: unterminated quoted field") == true, "\(r1.summary)")

        var bad = Data("id_number,name\n\(Staff.li),".utf8)
        bad.append(contentsOf: [0xC0, 0xEE, 0xFF, 0xFE, 0x0A])  // neither UTF-8 nor GB18030
        let p = s.path("bad.csv")
        try bad.write(to: URL(fileURLWithPath: p))
        let r2 = try s.run(["import", "persons", p])
        #expect(r2.status == 1)
        #expect(r2.stderrLines.first?.hasPrefix("bad.csv: line 2: name: not UTF-8 or GB18030 text") == true, "\(r2.summary)")

        let r3 = try s.run(["import", "persons", try s.write("empty.csv", "")])
        #expect(r3.status == 1)
        #expect(r3.stderrLines.first == "empty.csv: line 1: the file is empty: no header row", "\(r3.summary)")

        let r4 = try s.run(["import", "persons", try s.write("tabs.csv", "id_number\tname\n\(Staff.li)\t李小明\n")])
        #expect(r4.status == 1)
        #expect(r4.stderr.contains("separated by tab"), "\(r4.summary)")
        #expect(try s.export("persons").components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 2)
    }

    @Test("--dry-run validates and writes nothing")
    func dryRun() throws {
        let s = try Self.ledgerWithZhang()
        let good = try s.write(
            "r.csv",
            """
            id_number,mode,category,title,start_date,end_date,claimed_hours,recognized_hours
            \(Staff.zhang),training,public,a,2024-01-01,2024-01-02,30,30
            \(Staff.zhang),training,professional,b,2024-01-02,2024-01-04,60,60

            """)
        let r = try s.run(["import", "records", good, "--dry-run"])
        #expect(r.status == 0, "\(r.summary)")
        #expect(r.stdout == "dry run: 2 rows, 2 would import; nothing written\n", "\(r.summary)")
        #expect(csvRecords(try s.export("records")).rows.isEmpty, "nothing imported")
        #expect(try s.annualJSON(2024).first?["status"] as? String == "short")
        #expect(try s.ok(["init"]).stdout.contains("1 persons, 0 records"))
        // Persons too.
        let p = try s.write("p.csv", "id_number,name,unit\n\(Staff.zhang),张三,新单位\n\(Staff.li),李小明,外科\n")
        let rp = try s.run(["import", "persons", p, "--dry-run"])
        #expect(rp.status == 0)
        #expect(rp.stdout.hasPrefix("dry run: 2 rows, 2 would import"))
        #expect(
            try s.export("persons")
                == "\u{FEFF}id_number,name,gender,unit,department,title,title_level,specialty,status,status_date,category\r\n\(Staff.zhang),张三,male,,,,,,active,,employee\r\n"
        )
        // A dry run with bad rows fails like a real one.
        let bad = try s.write(
            "bad.csv", "id_number,mode,category,title,end_date,claimed_hours\n\(Staff.zhang),training,public,a,2024-13-01,3\n")
        let rb = try s.run(["import", "records", bad, "--dry-run"])
        #expect(rb.status == 1)
        #expect(rb.stderrLines.first?.hasPrefix("bad.csv: line 2: end_date:") == true)
    }

    @Test("--skip-invalid imports the good rows and writes the bad ones with line, column and reason beside the input")
    func skipInvalid() throws {
        let s = try Self.ledgerWithZhang()
        let file = try s.write("in/bad.csv", Self.badFile)
        let r = try s.run(["import", "records", file, "--skip-invalid"])
        #expect(r.status == 0, "\(r.summary)")
        let rejectedPath = s.path("in/bad.rejected.csv")
        #expect(r.stdout == "imported records: 2 added, 8 bad rows skipped (see \(rejectedPath))\n", "\(r.summary)")
        // The errors are still listed on stderr.
        #expect(r.stderrLines.count == 8, "\(r.summary)")
        let exported = csvRecords(try s.export("records")).rows
        #expect(exported.map { $0["title"] } == ["Good one", "Good two"])
        #expect(exported.last?["note"] == "two\nlines, one note")

        let rejectedText = try #require(s.bytes(rejectedPath)).map { $0 }
        #expect(Array(rejectedText.prefix(3)) == [0xEF, 0xBB, 0xBF], "the rejected file opens in Excel: UTF-8 with BOM")
        let (header, rows) = csvRecords(String(decoding: rejectedText, as: UTF8.self))
        #expect(
            header == [
                "line", "column", "reason", "id_number", "mode", "category", "title", "start_date", "end_date",
                "claimed_hours", "recognized_hours", "recognition", "note",
            ])
        #expect(rows.map { $0["line"] } == ["3", "6", "7", "8", "9", "10", "12", "13"])
        #expect(
            rows.map { $0["column"] } == [
                "id_number", "start_date", "claimed_hours", "mode", "end_date", "id_number", "", "recognized_hours",
            ])
        #expect(rows.allSatisfy { !($0["reason"] ?? "").isEmpty })
        // The cells are as they were, so that the clerk can fix and re-import them.
        #expect(rows.first?["id_number"] == "340524198001010013")
        #expect(rows.first?["title"] == "Bad ID")
        #expect(rows[3]["mode"] == "夜校")

        // A fixed row imports on its own.
        let fixed = try s.write(
            "in/fixed.csv",
            """
            id_number,mode,category,title,start_date,end_date,claimed_hours,recognized_hours,recognition,note
            \(Staff.zhang),training,public,Bad date,2024-02-28,2024-03-01,8,8,recognized,

            """)
        #expect(try s.run(["import", "records", fixed]).status == 0)
        #expect(csvRecords(try s.export("records")).rows.count == 3)
    }

    @Test("--skip-invalid cannot skip a bad header: an unknown column still fails with a non-zero status")
    func skipInvalidWithBadHeader() throws {
        let s = try Self.ledgerWithZhang()
        let file = try s.write(
            "h.csv",
            "id_number,mode,category,title,end_date,claimed_hours,hours\n\(Staff.zhang),training,public,a,2024-01-01,3,3\n")
        let r = try s.run(["import", "records", file, "--skip-invalid", "--strict"])
        #expect(r.stderrLines.first?.hasPrefix("h.csv: line 1: hours: unknown column \"hours\"") == true)
        // Nothing was imported and nothing could be: the run must not look like a success.
        #expect(
            r.status == 1,
            "BUG: exit \(r.status) and \"\(r.stdout.trimmingCharacters(in: .newlines))\" although the file was not read at all")
        #expect(csvRecords(try s.export("records")).rows.isEmpty)
    }

    @Test("--skip-invalid cannot skip a broken file: an unterminated quote fails with a non-zero status")
    func skipInvalidWithBrokenFile() throws {
        let s = try Self.ledgerWithZhang()
        let file = try s.write(
            "u.csv",
            """
            id_number,mode,category,title,end_date,claimed_hours
            \(Staff.zhang),training,public,good,2024-01-01,3
            \(Staff.zhang),training,public,"open,2024-01-02,3

            """)
        let r = try s.run(["import", "records", file, "--skip-invalid"])
        #expect(r.stderr.contains("u.csv: line 3: title: unterminated quoted field"), "\(r.summary)")
        let imported = csvRecords(try s.export("records")).rows.count
        // Either the good row is in and the bad one rejected, or the run fails; never "0 added" with exit 0.
        #expect(
            r.status != 0 || imported == 1,
            "BUG: exit 0 with \"\(r.stdout.trimmingCharacters(in: .newlines))\" but \(imported) rows imported and no rejected file"
        )
    }
}

@Suite("import: duplicates and updates")
struct ImportDuplicateTests {
    static let persons = "id_number,name,unit,department\n\(Staff.zhang),张三,南昌市第一医院,内科\n\(Staff.li),李小明,南昌市第一医院,外科\n"
    static let records = """
        id_number,mode,category,title,start_date,end_date,claimed_hours,recognized_hours,recognition
        \(Staff.zhang),training,public,公需科目培训,2024-03-04,2024-03-08,30,30,已认定
        \(Staff.zhang),training,professional,专业科目培训,2024-04-01,2024-04-10,60,60,已认定
        \(Staff.li),online,professional,网络课程,2024-05-01,2024-05-03,20.5,20.5,已认定

        """

    @Test("importing the same records twice reports duplicates, adds nothing, exit 0, totals unchanged")
    func reimportRecords() throws {
        let s = try Sandbox()
        try s.importOK("persons", "p.csv", Self.persons)
        let file = try s.write("r.csv", Self.records)
        let first = try s.ok(["import", "records", file])
        #expect(first.stdout == "imported records: 3 added\n")
        let report = try s.ok(["report", "annual", "--year", "2024", "--format", "json"]).stdout
        let exported = try s.export("records")

        let second = try s.ok(["import", "records", file])
        #expect(second.stdout == "imported records: 0 added, 3 duplicates skipped\n", "\(second.summary)")
        #expect(
            second.stderrLines
                == (2...4).map {
                    "r.csv: line \($0): title: duplicate: this person already has this activity (same mode, title and dates); skipped"
                }, "\(second.summary)")
        #expect(try s.ok(["report", "annual", "--year", "2024", "--format", "json"]).stdout == report)
        #expect(try s.export("records") == exported)
        let zhang = try s.annualJSON(2024).first { $0["id_number"] as? String == Staff.zhang }
        #expect(jsonTenths(zhang?["total_hours"]) == 900)
        #expect(zhang?["status"] as? String == "met")

        // The same activity with other hours is still the same activity: never counted twice.
        let changed = try s.write("r2.csv", Self.records.replacingOccurrences(of: ",30,30,", with: ",32,32,"))
        let third = try s.ok(["import", "records", changed])
        #expect(third.stdout == "imported records: 0 added, 3 duplicates skipped\n")
        #expect(try s.ok(["report", "annual", "--year", "2024", "--format", "json"]).stdout == report)
    }

    @Test("a duplicate inside one file is imported once")
    func duplicateWithinFile() throws {
        let s = try Sandbox()
        try s.importOK("persons", "p.csv", Self.persons)
        let text = Self.records + "\(Staff.zhang),培训,公需科目,公需科目培训,2024/3/4,2024年3月8日,30,30,recognized\n"
        let r = try s.ok(["import", "records", try s.write("r.csv", text)])
        #expect(r.stdout == "imported records: 3 added, 1 duplicate skipped\n", "\(r.summary)")
        #expect(
            r.stderrLines == [
                "r.csv: line 5: title: duplicate: this person already has this activity (same mode, title and dates); skipped"
            ])
        let zhang = try s.annualJSON(2024).first { $0["id_number"] as? String == Staff.zhang }
        #expect(jsonTenths(zhang?["public_hours"]) == 300)
    }

    @Test("re-importing persons updates them by id_number, keeps their records, and leaves absent columns alone")
    func reimportPersons() throws {
        let s = try Sandbox()
        try s.importOK("persons", "p.csv", Self.persons)
        try s.importOK("records", "r.csv", Self.records)
        let same = try s.ok(["import", "persons", s.path("p.csv")])
        #expect(same.stdout == "imported persons: 0 added, 0 updated, 2 unchanged\n")

        // Chinese headers, a new unit for 张三, 李小明 as before, one new person; no department column.
        let update = "身份证号,姓名,单位\n\(Staff.zhang),张三,江西省人民医院\n\(Staff.li),李小明,南昌市第一医院\n\(Staff.ouyang),欧阳明辉,江西省建筑设计院\n"
        let r = try s.ok(["import", "persons", try s.write("p2.csv", update)])
        #expect(r.stdout == "imported persons: 1 added, 1 updated, 1 unchanged\n", "\(r.summary)")
        let persons = csvRecords(try s.export("persons")).rows
        #expect(persons.count == 3)
        let zhang = try #require(persons.first { $0["id_number"] == Staff.zhang })
        #expect(zhang["unit"] == "江西省人民医院")
        #expect(zhang["department"] == "内科", "a column the file does not have is left as it was")
        let report = try s.annualJSON(2024)
        let row = try #require(report.first { $0["id_number"] as? String == Staff.zhang })
        #expect(row["unit"] as? String == "江西省人民医院")
        #expect(jsonTenths(row["total_hours"]) == 900)
        #expect(csvRecords(try s.export("records")).rows.count == 3)

        // A person who leaves: status and date.
        let leave = try s.ok(["import", "persons", try s.write("p3.csv", "身份证号,姓名,在职状态,状态日期\n\(Staff.li),李小明,离职,2024-06-30\n")])
        #expect(leave.stdout.contains("1 updated"))
        #expect(csvRecords(try s.export("persons")).rows.first { $0["id_number"] == Staff.li }?["status_date"] == "2024-06-30")
        #expect(try s.annualJSON(2025).count == 2)
    }
}
