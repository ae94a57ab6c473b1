import CeledgerTestSupport
import Foundation
import Testing

/// The annual-totals rule as a user checks it: which records count, in which year, against 90/60.
@Suite("report annual")
struct AnnualReportTests {
    static let longUnit = "江西省南昌市红谷滩新区人民医院医疗集团总院"
    static let sima = residentID("360122", "19780505", 13)  // 司马相如

    /// A: ten records of 8.1 professional hours and one of 9 public: exactly 90.0, met.
    /// B: year attribution at 12-31/01-01, pending, rejected and failed records.
    /// C: no records. D: left in 2023. E: 95 hours but only 55 professional. F: 30 + 60 exactly.
    /// G: a four-character name in a unit too long for the table.
    static func ledger() throws -> Sandbox {
        let s = try Sandbox()
        try s.importOK(
            "persons", "p.csv",
            """
            id_number,name,unit,department,status,status_date
            \(Staff.zhang),张三,南昌市第一医院,内科,,
            \(Staff.li),李小明,南昌市第一医院,外科,,
            \(Staff.ouyang),欧阳明辉,江西省建筑设计院,结构所,,
            \(Staff.wang),王五,江西省建筑设计院,结构所,left,2023-06-30
            \(Staff.zhao),赵六,江西省建筑设计院,设备所,,
            \(Staff.sun),孙七,南昌市第一医院,内科,,
            \(sima),司马相如,\(longUnit),急诊科,,

            """)
        var rows = ["id_number,mode,category,title,start_date,end_date,assessment,claimed_hours,recognized_hours,recognition"]
        for i in 1...10 {
            rows.append(
                "\(Staff.zhang),training,professional,专业课程第\(i)讲,2024-03-\(String(format: "%02d", i)),2024-03-\(String(format: "%02d", i)),passed,8.1,8.1,recognized"
            )
        }
        rows.append("\(Staff.zhang),online,public,公需课,2024-04-01,2024-04-01,passed,9,9,recognized")
        rows += [
            "\(Staff.li),training,professional,年末培训,2023-12-25,2023-12-31,passed,30,30,recognized",
            "\(Staff.li),training,professional,跨年培训,2023-12-30,2024-01-01,passed,20,20,recognized",
            "\(Staff.li),practice,professional,待认定实践,2024-05-01,2024-05-31,passed,50,,pending",
            "\(Staff.li),academic,professional,不予认定会议,2024-06-01,2024-06-02,passed,40,,rejected",
            "\(Staff.li),degree,professional,考核不合格课程,2024-07-01,2024-07-31,failed,40,40,recognized",
            "\(Staff.li),online,public,未考核网课,2024-08-01,2024-08-01,none,10,10,recognized",
            "\(Staff.wang),training,professional,离职前培训,2023-05-01,2023-05-02,passed,12,12,recognized",
            "\(Staff.wang),training,professional,离职后培训,2024-05-01,2024-05-04,passed,90,90,recognized",
            "\(Staff.zhao),training,public,公需大课,2024-02-01,2024-02-05,passed,40,40,recognized",
            "\(Staff.zhao),training,professional,专业课,2024-03-01,2024-03-07,excellent,55,55,recognized",
        ]
        for i in 1...10 {
            rows.append(
                "\(Staff.sun),online,public,公需网课\(i),2024-01-\(String(format: "%02d", i)),2024-01-\(String(format: "%02d", i)),passed,3,3.0,recognized"
            )
        }
        for i in 1...6 {
            rows.append(
                "\(Staff.sun),training,professional,专业培训\(i),2024-02-\(String(format: "%02d", i)),2024-02-\(String(format: "%02d", i)),passed,10,10,recognized"
            )
        }
        try s.importOK("records", "r.csv", rows.joined(separator: "\n") + "\n")
        return s
    }

    static let keys: Set<String> = [
        "id_number", "name", "unit", "department", "year", "public_hours", "professional_hours", "total_hours",
        "required_hours", "required_professional_hours", "shortfall_hours", "shortfall_professional_hours", "status",
        "hours_needed", "trimmed_hours", "notes",
    ]

    /// (id, public, professional, total, shortfall, professional shortfall, status) in tenths.
    struct Row: Equatable, CustomStringConvertible {
        let id: String, pub: Int, prof: Int, total: Int, short: Int, profShort: Int, status: String
        init(_ id: String, _ pub: Int, _ prof: Int, _ total: Int, _ short: Int, _ profShort: Int, _ status: String) {
            (self.id, self.pub, self.prof, self.total, self.short, self.profShort, self.status) = (
                id, pub, prof, total, short, profShort, status
            )
        }
        var description: String { "\(id) \(pub)/\(prof)/\(total) short \(short)/\(profShort) \(status)" }
    }

    static func rows(_ json: [[String: Any]]) -> [Row] {
        json.map { o in
            Row(
                o["id_number"] as? String ?? "?", jsonTenths(o["public_hours"]) ?? -1, jsonTenths(o["professional_hours"]) ?? -1,
                jsonTenths(o["total_hours"]) ?? -1, jsonTenths(o["shortfall_hours"]) ?? -1,
                jsonTenths(o["shortfall_professional_hours"]) ?? -1, o["status"] as? String ?? "?")
        }
    }

    @Test("JSON: the keys the contract lists, hours as JSON numbers, totals exact (10 × 8.1 + 9 = 90.0, met)")
    func jsonShapeAndExactness() throws {
        let s = try Self.ledger()
        let r = try s.ok(["report", "annual", "--year", "2024", "--format", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: r.stdoutData) as? [[String: Any]])
        for o in json {
            #expect(Set(o.keys) == Self.keys)
            for k in Self.keys where k.hasSuffix("_hours") {
                #expect(o[k] is NSNumber && !(o[k] is String), "\(k) is not a number: \(String(describing: o[k]))")
            }
            #expect((o["year"] as? NSNumber)?.intValue == 2024)
            #expect(jsonTenths(o["required_hours"]) == 900)
            #expect(jsonTenths(o["required_professional_hours"]) == 600)
        }
        // In the text, hours have exactly one decimal and are never quoted; 90 is 90.0, not 89.99999999999999.
        let zhangLine = try #require(r.stdout.split(separator: "\n").first { $0.contains(Staff.zhang) })
        #expect(zhangLine.contains("\"public_hours\":9.0,\"professional_hours\":81.0,\"total_hours\":90.0,"), "\(zhangLine)")
        #expect(
            zhangLine.contains("\"shortfall_hours\":0.0,\"shortfall_professional_hours\":0.0,\"status\":\"met\""), "\(zhangLine)")
        let numberPattern = try NSRegularExpression(pattern: "\"[a-z_]*hours\":(\"|[0-9]+,|[0-9]+\\.[0-9]{2,})")
        #expect(
            numberPattern.firstMatch(in: r.stdout, range: NSRange(r.stdout.startIndex..., in: r.stdout)) == nil,
            "an hours value that is quoted or not written with one decimal")

        let expected: [Row] = [
            Row(Staff.zhang, 90, 810, 900, 0, 0, "met"),
            Row(Staff.sun, 300, 600, 900, 0, 0, "met"),
            Row(Staff.li, 100, 200, 300, 600, 400, "short"),
            Row(Self.sima, 0, 0, 0, 900, 600, "short"),
            Row(Staff.ouyang, 0, 0, 0, 900, 600, "short"),
            Row(Staff.zhao, 400, 550, 950, 0, 50, "short"),
        ]
        let actual = Self.rows(json)
        #expect(actual == expected)
        #expect(json.first?["name"] as? String == "张三")
        #expect(json.first?["unit"] as? String == "南昌市第一医院")
        #expect(json.first?["department"] as? String == "内科")
    }

    @Test(
        "year attribution: a record ending 2023-12-31 counts in 2023, one from 2023-12-30 to 2024-01-01 in 2024; a person who left in 2023 is in 2023 only"
    )
    func yearAttribution() throws {
        let s = try Self.ledger()
        let y2023 = Self.rows(try s.annualJSON(2023))
        let li2023 = try #require(y2023.first { $0.id == Staff.li })
        #expect(li2023.prof == 300 && li2023.pub == 0 && li2023.status == "short")
        let li2024 = try #require(Self.rows(try s.annualJSON(2024)).first { $0.id == Staff.li })
        #expect(li2024.prof == 200, "only the record ending 2024-01-01 counts among the professional ones")
        // 王五 left on 2023-06-30: in 2023 with what he earned, absent from 2024 although a 2024 record exists.
        let wang = try #require(y2023.first { $0.id == Staff.wang })
        #expect(wang.prof == 120)
        #expect(try s.annualJSON(2024).allSatisfy { $0["id_number"] as? String != Staff.wang })
        // Every other person is in 2023 with zeros where nothing counts.
        #expect(y2023.count == 7)
        #expect(y2023.first { $0.id == Staff.zhang }.map { $0.total == 0 && $0.status == "short" } == true)
        // Hours never carry over: 2025 is all zeros.
        #expect(Self.rows(try s.annualJSON(2025)).allSatisfy { $0.total == 0 && $0.short == 900 })
    }

    @Test("--unit and --status filter the rows; CSV has the same content as JSON")
    func filtersAndCSV() throws {
        let s = try Self.ledger()
        func ids(_ extra: [String]) throws -> [String] { try s.annualJSON(2024, extra).compactMap { $0["id_number"] as? String } }
        #expect(try ids(["--unit", "江西省建筑设计院"]) == [Staff.ouyang, Staff.zhao])
        #expect(try ids(["--status", "met"]) == [Staff.zhang, Staff.sun])
        // The shortfall list puts who needs most first (90, 90, 60 and 5 hours); --sort unit keeps the unit order.
        #expect(try ids(["--status", "short"]) == [Self.sima, Staff.ouyang, Staff.li, Staff.zhao])
        #expect(try ids(["--status", "short", "--sort", "unit"]) == [Staff.li, Self.sima, Staff.ouyang, Staff.zhao])
        #expect(
            try s.annualJSON(2024, ["--status", "short"]).compactMap { jsonTenths($0["hours_needed"]) } == [900, 900, 600, 50])
        #expect(try ids(["--unit", "南昌市第一医院", "--status", "short"]) == [Staff.li])
        // --department reports as --unit does (of the unit when both are given).
        #expect(try ids(["--department", "结构所"]) == [Staff.ouyang])
        #expect(try ids(["--unit", "南昌市第一医院", "--department", "内科"]) == [Staff.zhang, Staff.sun])
        #expect(try ids(["--unit", "江西省建筑设计院", "--department", "内科"]).isEmpty)
        #expect(try ids(["--unit", "没有这个单位"]).isEmpty)
        #expect(try ids(["--unit", "江西省建筑设计院"]).count == 2, "2024 excludes 王五 who left")

        let csv = try s.ok(["report", "annual", "--year", "2024", "--format", "csv"]).stdout
        let (header, rows) = csvRecords(csv)
        #expect(
            header == [
                "id_number", "name", "unit", "department", "year", "public_hours", "professional_hours", "total_hours",
                "required_hours", "required_professional_hours", "shortfall_hours", "shortfall_professional_hours", "status",
                "hours_needed", "trimmed_hours", "notes",
            ])
        let json = try s.annualJSON(2024)
        #expect(rows.count == json.count)
        for (c, j) in zip(rows, json) {
            #expect(c["id_number"] == j["id_number"] as? String)
            #expect(c["status"] == j["status"] as? String)
            for k in Self.keys where k.hasSuffix("_hours") {
                #expect(tenths(c[k] ?? "") == jsonTenths(j[k]), "\(k)")
            }
        }
        // Without --year: the current year.
        let thisYear = Calendar(identifier: .gregorian).component(.year, from: Date())
        #expect(
            try s.ok(["report", "annual", "--format", "csv"]).stdout
                == s.ok(["report", "annual", "--year", String(thisYear), "--format", "csv"]).stdout)
        // -o writes the file and nothing to stdout.
        let o = try s.ok(["report", "annual", "--year", "2024", "--format", "csv", "-o", s.path("report.csv")])
        #expect(o.stdout.isEmpty)
        #expect(try s.read("report.csv") == csv)
    }

    @Test("table lines up by display width with 2-, 3- and 4-character Chinese names (golden, Chinese)")
    func tableChinese() throws {
        let s = try Self.ledger()
        let r = try s.ok(["report", "annual", "--year", "2024"], lang: "zh")
        expectGolden("annual-2024-zh.txt", Self.chainHidden(r.stdout))
        // The last line: the ledger's history chain, as `celedger check` prints it.
        #expect(r.stdoutLines.last?.hasPrefix("登记簿历史：共 ") == true, "\(r.summary)")
        let lines = Array(r.stdoutLines.dropLast())
        #expect(lines.first?.hasPrefix("2024年度  人员 6 · 达标 2 · 未达标 4  规则：江西省专业技术人员继续教育办法") == true, "\(r.summary)")
        Self.expectAligned(Array(lines.dropFirst()), columns: 8, rightAligned: [3, 4, 5, 6])
        #expect(lines.contains { $0.hasPrefix("张三  ") && $0.hasSuffix("达标") })
        #expect(lines.contains { $0.contains("赵六") && $0.hasSuffix("专业不足 5.0") })
        #expect(lines.contains { $0.contains("李小明") && $0.hasSuffix("未达标 60.0") })
        // IDs are masked by default.
        #expect(!r.stdout.contains(Staff.zhang))
        #expect(r.stdout.contains("3601**********\(Staff.zhang.suffix(4))"))
    }

    @Test("table lines up by display width (golden, English); --reveal shows full ID numbers")
    func tableEnglish() throws {
        let s = try Self.ledger()
        let r = try s.ok(["report", "annual", "--year", "2024"])
        expectGolden("annual-2024-en.txt", Self.chainHidden(r.stdout))
        #expect(r.stdoutLines.last?.hasPrefix("Ledger history: ") == true, "\(r.summary)")
        let lines = Array(r.stdoutLines.dropLast())
        #expect(lines.first?.hasPrefix("2024  6 persons · 2 met · 4 short  rules: Jiangxi Measures") == true, "\(r.summary)")
        #expect(lines.dropFirst().first?.hasPrefix("Name") == true)
        Self.expectAligned(Array(lines.dropFirst()), columns: 8, rightAligned: [3, 4, 5, 6])
        #expect(lines.contains { $0.contains("赵六") && $0.hasSuffix("prof. short 5.0") })

        let revealed = try s.ok(["report", "annual", "--year", "2024", "--reveal"])
        #expect(revealed.stdout.contains(Staff.zhang))
        Self.expectAligned(Array(revealed.stdoutLines.dropFirst().dropLast()), columns: 8, rightAligned: [3, 4, 5, 6])
        // Filters apply to the table and its summary line.
        let unit = try s.ok(["report", "annual", "--year", "2024", "--unit", "江西省建筑设计院"])
        #expect(unit.stdoutLines.first?.hasPrefix("2024  2 persons · 0 met · 2 short") == true, "\(unit.summary)")
        #expect(unit.stdoutLines.count == 5)
    }

    /// The chain's head depends on when each history entry was written: golden files hold its place.
    static func chainHidden(_ text: String) -> String {
        text.replacingOccurrences(of: #"(chain|哈希链) [0-9a-f]{16}"#, with: "$1 <head>", options: .regularExpression)
    }

    /// Cells are separated by at least two spaces and contain at most single spaces. Left-aligned columns
    /// start at the same display column on every line; right-aligned ones end at the same column.
    static func expectAligned(
        _ lines: [String], columns: Int, rightAligned: Set<Int>,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        var starts: [[Int]] = [], ends: [[Int]] = []
        for line in lines {
            var cellsOfLine: [(start: Int, end: Int)] = []
            var col = 0, spaces = 0, cellStart: Int? = nil, lastEnd = 0
            for ch in line {
                let w = cells(String(ch))
                if ch == " " {
                    spaces += 1
                } else {
                    if cellStart == nil || spaces >= 2 {
                        if let s0 = cellStart { cellsOfLine.append((s0, lastEnd)) }
                        cellStart = col
                    }
                    spaces = 0
                    lastEnd = col + w
                }
                col += w
            }
            if let s0 = cellStart { cellsOfLine.append((s0, lastEnd)) }
            #expect(cellsOfLine.count == columns, "\(cellsOfLine.count) cells in: \(line)", sourceLocation: sourceLocation)
            starts.append(cellsOfLine.map(\.start))
            ends.append(cellsOfLine.map(\.end))
        }
        for c in 0..<columns {
            if rightAligned.contains(c) {
                let e = Set(ends.compactMap { c < $0.count ? $0[c] : nil })
                #expect(
                    e.count == 1,
                    "column \(c + 1) does not end at one display column: \(e.sorted())\n\(lines.joined(separator: "\n"))",
                    sourceLocation: sourceLocation)
            } else {
                let st = Set(starts.compactMap { c < $0.count ? $0[c] : nil })
                #expect(
                    st.count == 1,
                    "column \(c + 1) does not start at one display column: \(st.sorted())\n\(lines.joined(separator: "\n"))",
                    sourceLocation: sourceLocation)
            }
        }
    }
}
