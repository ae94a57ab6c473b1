import CeledgerTestSupport
import Foundation
import Testing

@Suite("export")
struct ExportTests {
    /// A ledger with awkward content: quotes, commas, line breaks, edge cases of every column.
    static func awkwardLedger() throws -> Sandbox {
        let s = try Sandbox()
        let persons =
            [
                "身份证号,姓名,性别,单位,部门,职称,职称级别,专业,在职状态,状态日期,人员类别",
                "\(Staff.zhang),张三,男,\"南昌市第一医院, 总院\",\"内科\"\"一病区\"\"\",主治医师,中级,临床医学,在职,,单位职工",
                "\(Staff.li),李小明,女,南昌市第一医院,外科,主管护师,副高,护理,离职,2023年6月30日,职工",
                "\(Staff.ouyang),欧阳明辉,,江西省建筑设计院,结构所,,,,退休,2024.12.31,",
                "\(Staff.zhao),赵六,,,,,,,,,自由职业者",
            ].joined(separator: "\r\n") + "\r\n"
        try s.importOK("persons", "p.csv", persons)
        let records =
            [
                "身份证号,学习方式,科目类别,内容,举办单位,开始日期,结束日期,考核结果,成绩,申报学时,认定学时,认定状态,证明编号,备注",
                "\(Staff.zhang),培训,公需,\"法规, 政策与\"\"伦理\"\"\",\"省人社厅\",2023-12-30,2024-01-01,合格,86,30,30,已认定,\"No.1, A\",\"多行\n备注\r\n第三行\"",
                "\(Staff.zhang),实践,专业,临床带教,本院,2024/2/1,2024/2/29,优秀,95.5,40.5,40,认定,,",
                "\(Staff.zhang),学术活动,专业,年会,省医学会,2024.5.1,2024.5.2,不合格,59,12,12,已认定,,\"tab\there\"",
                "\(Staff.li),网络学习,公需科目,网课,,2023-03-01,2023-03-01,未考核,,8.5,,待认定,,",
                "\(Staff.ouyang),学历教育,专业科目,在职研究生课程,南昌大学,2024-09-01,2024-12-31,通过,,15,0,不予认定,,",
                "\(Staff.zhao),其他,专业,'=SUM(A1)',,2024年1月1日,2024年1月1日,,,1,1,已认定,,",
            ].joined(separator: "\r\n") + "\r\n"
        try s.importOK("records", "r.csv", records)
        return s
    }

    @Test("export → import into a fresh ledger → export is byte-identical, for persons and records")
    func roundTrip() throws {
        let s = try Self.awkwardLedger()
        let persons = try s.export("persons")
        let records = try s.export("records")
        #expect(csvRecords(persons).rows.count == 4)
        #expect(csvRecords(records).rows.count == 6)
        // The awkward cells survive as cells.
        let first = try #require(csvRecords(records).rows.first)
        #expect(first["title"] == "法规, 政策与\"伦理\"")
        #expect(first["note"] == "多行\n备注\r\n第三行")
        #expect(first["certificate_no"] == "No.1, A")

        let fresh = try Sandbox()
        try fresh.ok(["import", "persons", try fresh.write("persons.csv", persons)])
        try fresh.ok(["import", "records", try fresh.write("records.csv", records)])
        #expect(try fresh.export("persons") == persons)
        #expect(try fresh.export("records") == records)
        // And via -o files.
        try fresh.ok(["export", "persons", "-o", fresh.path("p2.csv")])
        try fresh.ok(["export", "records", "--output", fresh.path("r2.csv")])
        #expect(sameBytes(fresh.bytes(fresh.path("p2.csv")), Data(persons.utf8)))
        #expect(sameBytes(fresh.bytes(fresh.path("r2.csv")), Data(records.utf8)))
        // Each year's export round-trips too and the years add up to the whole.
        let y2023 = csvRecords(try fresh.export("records", ["--year", "2023"])).rows
        let y2024 = csvRecords(try fresh.export("records", ["--year", "2024"])).rows
        #expect(y2023.count == 1)
        #expect(y2024.count == 5, "a record from 2023-12-30 to 2024-01-01 belongs to 2024")
        #expect(y2023.allSatisfy { $0["end_date"]?.hasPrefix("2023") == true })
        #expect(y2024.allSatisfy { $0["end_date"]?.hasPrefix("2024") == true })
    }

    @Test("CSV export writes English keys and stored values, CRLF line ends, a UTF-8 BOM (none with --no-bom)")
    func csvShape() throws {
        let s = try Self.awkwardLedger()
        let persons = Data(try s.export("persons").utf8)
        #expect(persons.prefix(3) == Data([0xEF, 0xBB, 0xBF]), "Excel needs the BOM to read UTF-8")
        let bare = Data(try s.export("persons", ["--no-bom"]).utf8)
        #expect(bare == persons.dropFirst(3), "--no-bom: the same bytes without the mark")
        let text = String(decoding: bare, as: UTF8.self)
        #expect(
            text.hasPrefix("id_number,name,gender,unit,department,title,title_level,specialty,status,status_date,category\r\n"))
        let rows = csvRecords(text).rows
        let li = try #require(rows.first { $0["id_number"] == Staff.li })
        #expect(li["status"] == "left")
        #expect(li["status_date"] == "2023-06-30")
        #expect(li["title_level"] == "deputy_senior")
        #expect(li["category"] == "employee")
        #expect(rows.first { $0["id_number"] == Staff.zhao }?["category"] == "freelancer")
        #expect(rows.first { $0["id_number"] == Staff.ouyang }?["status"] == "retired")

        let records = try s.export("records", ["--no-bom"])
        #expect(
            records.hasPrefix(
                "id_number,mode,category,title,provider,start_date,end_date,assessment,score,claimed_hours,recognized_hours,recognition,recognition_note,certificate_no,note,basis,quantity,role\r\n"
            ))
        let modes = csvRecords(records).rows.map { $0["mode"] ?? "" }
        #expect(modes == ["training", "practice", "academic", "online", "degree", "other"])
        // A formula-looking title stays text.
        #expect(csvRecords(records).rows.last?["title"] == "'=SUM(A1)'")
    }

    @Test("JSON export parses; hours and year are numbers, missing values are null")
    func jsonExport() throws {
        let s = try Self.awkwardLedger()
        let recordsJSON = try s.ok(["export", "records", "--format", "json"])
        let records = try #require(try JSONSerialization.jsonObject(with: recordsJSON.stdoutData) as? [[String: Any]])
        #expect(records.count == 6)
        let keys: Set<String> = [
            "id_number", "mode", "category", "title", "provider", "start_date", "end_date", "year",
            "assessment", "score", "claimed_hours", "recognized_hours", "recognition", "recognition_note", "certificate_no",
            "note",
            "basis", "quantity", "role", "suggested_hours",
        ]
        for r in records { #expect(Set(r.keys) == keys) }
        let first = records[0]
        #expect(first["title"] as? String == "法规, 政策与\"伦理\"")
        #expect(first["note"] as? String == "多行\n备注\r\n第三行")
        #expect(jsonTenths(first["claimed_hours"]) == 300)
        #expect(jsonTenths(first["recognized_hours"]) == 300)
        #expect((first["year"] as? NSNumber)?.intValue == 2024)
        #expect(!(first["year"] is String))
        #expect(first["score"] as? String == "86")
        let practice = records[1]
        #expect(jsonTenths(practice["claimed_hours"]) == 405)
        #expect(jsonTenths(practice["recognized_hours"]) == 400)
        let pending = records[3]
        #expect(pending["recognized_hours"] is NSNull)
        #expect(pending["score"] is NSNull)
        #expect(jsonTenths(pending["claimed_hours"]) == 85)
        #expect(records[2]["note"] as? String == "tab\there")
        // Hours are written as numbers in the text itself, never quoted.
        #expect(!recordsJSON.stdout.contains("\"claimed_hours\":\""))
        #expect(recordsJSON.stdout.contains("\"claimed_hours\":40.5"))

        let personsJSON = try s.ok(["export", "persons", "--format", "json"])
        let persons = try #require(try JSONSerialization.jsonObject(with: personsJSON.stdoutData) as? [[String: Any]])
        #expect(persons.count == 4)
        let zhang = try #require(persons.first { $0["id_number"] as? String == Staff.zhang })
        #expect(
            Set(zhang.keys) == [
                "id_number", "name", "gender", "birth_date", "unit", "department", "title", "title_level",
                "specialty", "status", "status_date", "category",
            ])
        #expect(zhang["birth_date"] as? String == "1980-01-01")
        #expect(zhang["gender"] as? String == "male")
        #expect(zhang["status_date"] is NSNull)
        #expect(zhang["unit"] as? String == "南昌市第一医院, 总院")
        #expect(persons.first { $0["id_number"] as? String == Staff.zhao }?["title_level"] is NSNull)

        // Empty results are still valid JSON.
        let empty = try s.ok(["export", "records", "--year", "1999", "--format", "json"])
        #expect(try JSONSerialization.jsonObject(with: empty.stdoutData) as? [Any] != nil)
        #expect((try JSONSerialization.jsonObject(with: empty.stdoutData) as? [Any])?.isEmpty == true)
    }

    @Test("export persons --year lists those active in that year")
    func personsActiveInYear() throws {
        let s = try Self.awkwardLedger()
        func ids(_ year: Int) throws -> Set<String> {
            Set(csvRecords(try s.export("persons", ["--year", String(year)])).rows.compactMap { $0["id_number"] })
        }
        #expect(try ids(2023) == [Staff.zhang, Staff.li, Staff.ouyang, Staff.zhao])
        #expect(try ids(2024) == [Staff.zhang, Staff.ouyang, Staff.zhao], "left 2023-06-30: not active in 2024")
        #expect(try ids(2025) == [Staff.zhang, Staff.zhao], "retired 2024-12-31: not active in 2025")
    }

    @Test("export -o into a folder that does not exist fails with one line and exit 1, stdout empty")
    func exportToBadPath() throws {
        let s = try Self.awkwardLedger()
        let r = try s.run(["export", "persons", "-o", s.path("no/such/folder/p.csv")])
        #expect(r.status == 1, "\(r.summary)")
        #expect(r.stderrLines.count == 1)
        #expect(r.stderr.hasPrefix("celedger: cannot write \(s.path("no/such/folder/p.csv"))"), "\(r.summary)")
        #expect(r.stdout.isEmpty)
    }
}
