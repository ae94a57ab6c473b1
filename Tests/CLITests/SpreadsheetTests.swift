import CeledgerTestSupport
import Foundation
import Testing

// Spreadsheets in and out (issue 5): CSV encodings, the byte-order mark, the --stamp line, XLSX import and
// export, templates, the annual report as a spreadsheet.

/// Fixtures made by other writers (XlsxWriter, openpyxl, Python's codecs): see make_fixtures.py there.
enum SheetFixtures {
    static let folder = Paths.repo.appendingPathComponent("Tests/CeledgerSheetsTests/Fixtures")
    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    static let zhang = residentID("360102", "19800101", 1)
    static let li = residentID("360102", "19850215", 2)
    static let ouyang = residentID("360103", "19900310", 3)
}

/// Python with openpyxl, when the machine has it (scripts/ensure-deps.sh installs it); nil otherwise.
enum Python {
    static let unavailable: Comment = "python3 with openpyxl is not available (scripts/ensure-deps.sh installs it)"

    static let openpyxl: Bool = {
        guard let r = try? run(["-c", "import openpyxl"]) else { return false }
        return r.status == 0
    }()

    /// python3 as the developer's PATH finds it (the one scripts/ensure-deps.sh installed openpyxl into).
    static func run(_ args: [String], in dir: URL = URL(fileURLWithPath: NSTemporaryDirectory())) throws -> CLIResult {
        var env = ProcessInfo.processInfo.environment
        env["LANG"] = "C.UTF-8"
        env["PYTHONIOENCODING"] = "utf-8"
        return try RunningProcess(
            executable: "/usr/bin/env", arguments: ["python3"] + args, environment: env, directory: dir, stdin: nil
        ).finish()
    }

    /// The workbook as openpyxl reads it: sheet names, properties, and the first sheet's cells as text
    /// (dates as ISO dates, whole floats without ".0", booleans TRUE/FALSE, empty cells "").
    static let dumpScript = """
        import json, sys, datetime, openpyxl
        wb = openpyxl.load_workbook(sys.argv[1])
        ws = wb.worksheets[0]
        def text(v):
            if v is None: return ""
            if isinstance(v, bool): return "TRUE" if v else "FALSE"
            if isinstance(v, datetime.datetime): return v.date().isoformat() if v.time() == datetime.time() else v.isoformat()
            if isinstance(v, float): return str(int(v)) if v.is_integer() else repr(v)
            return str(v)
        rows = [[text(v) for v in row] for row in ws.iter_rows(values_only=True)]
        print(json.dumps({
            "sheets": wb.sheetnames,
            "creator": wb.properties.creator,
            "created": wb.properties.created.isoformat() if wb.properties.created else None,
            "freeze": ws.freeze_panes,
            "bold": bool(ws.cell(row=1, column=1).font.b),
            "idFormat": ws.cell(row=2, column=1).number_format if ws.max_row > 1 else None,
            "rows": rows,
            "second": [[text(v) for v in row] for row in wb.worksheets[1].iter_rows(values_only=True)] if len(wb.worksheets) > 1 else [],
        }, ensure_ascii=False))
        """

    static func dump(_ path: String) throws -> [String: Any] {
        let r = try run(["-c", dumpScript, path])
        guard r.status == 0, let obj = try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any] else {
            throw SetupError("openpyxl could not read \(path): \(r.summary)")
        }
        return obj
    }
}

@Suite("spreadsheets: XLSX export and import")
struct XLSXCLITests {
    @Test("export persons and records as XLSX → import into an empty ledger → the same ledger (CSV exports byte-identical)")
    func roundTrip() throws {
        let s = try ExportTests.awkwardLedger()
        try s.ok(["export", "persons", "--format", "xlsx", "-o", s.path("p.xlsx")])
        try s.ok(["export", "records", "--format", "xlsx", "--output", s.path("r.xlsx")])
        #expect(try s.mode(s.path("p.xlsx")) == 0o600)
        let fresh = try Sandbox()
        let p = try fresh.ok(["import", "persons", s.path("p.xlsx")])
        #expect(p.stdout == "imported persons: 4 added, 0 updated, 0 unchanged\n", "\(p.summary)")
        let r = try fresh.ok(["import", "records", s.path("r.xlsx")])
        #expect(r.stdout == "imported records: 6 added\n", "\(r.summary)")
        #expect(try fresh.export("persons") == s.export("persons"))
        #expect(try fresh.export("records") == s.export("records"))
        #expect(try fresh.annualJSON(2024).count == s.annualJSON(2024).count)
        // --year works for XLSX as for CSV.
        try s.ok(["export", "records", "--year", "2023", "--format", "xlsx", "-o", s.path("r2023.xlsx")])
        let y = try Sandbox()
        try y.ok(["import", "persons", s.path("p.xlsx")])
        #expect(try y.ok(["import", "records", s.path("r2023.xlsx")]).stdout == "imported records: 1 added\n")
    }

    @Test(
        "openpyxl reads our XLSX: the same cells as the CSV export, numbers as numbers, dates as dates, bold frozen header, ID column as text, the user as creator",
        .enabled(if: Python.openpyxl, Python.unavailable))
    func openpyxlReadsIt() throws {
        let s = try ExportTests.awkwardLedger()
        for kind in ["persons", "records"] {
            let file = s.path("\(kind).xlsx")
            try s.ok(["export", kind, "--format", "xlsx", "-o", file, "--user", "王芳"])
            let book = try Python.dump(file)
            var csv = parseCSV(try s.export(kind, ["--no-bom"])).map { row in
                // CSV neutralises formulas with an apostrophe; XLSX string cells need none.
                row.map { $0.hasPrefix("'") ? String($0.dropFirst()) : $0 }
            }
            // The records workbook is for people: the person's name after the ID number.
            if kind == "records" {
                let names = Dictionary(
                    uniqueKeysWithValues: parseCSV(try s.export("persons", ["--no-bom"])).dropFirst().map { ($0[0], $0[1]) })
                csv = csv.enumerated().map { i, row in [row[0], i == 0 ? "name" : names[row[0]] ?? ""] + row.dropFirst() }
            }
            #expect(book["rows"] as? [[String]] == csv, "\(kind): openpyxl sees other cells than the CSV export has")
            #expect(book["sheets"] as? [String] == [kind == "persons" ? "Persons" : "Records", "Export info"])
            #expect(book["creator"] as? String == "王芳")
            #expect(book["freeze"] as? String == "A2")
            #expect(book["bold"] as? Bool == true)
            #expect(book["idFormat"] as? String == "@")
            let info = (book["second"] as? [[String]]) ?? []
            #expect(info.first == ["Item", "Value"])
            #expect(info.contains { $0.first == "User" && $0.last == "王芳" })
            #expect(info.contains { $0.first == "Ledger" && $0.last == "ledger.sqlite" })
            #expect(info.contains { $0.first == "Rows" && $0.last == String(csv.count - 1) })
            #expect(
                info.contains { $0.first == "Command" && $0.last?.hasPrefix("celedger export \(kind) --format xlsx -o ") == true }
            )
            let time = info.first { $0.first == "Time (UTC)" }?.last ?? ""
            #expect(time.hasSuffix("Z") && time.count == 20, "\(time)")
        }
        // Hours are numeric cells, dates date cells (openpyxl gives float/int and datetime).
        let check = try Python.run([
            "-c",
            """
            import sys, openpyxl, datetime
            ws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]
            row = [c.value for c in ws[2]]
            assert isinstance(row[6], datetime.datetime) and isinstance(row[7], datetime.datetime), row
            assert isinstance(row[10], (int, float)) and not isinstance(row[10], bool), row
            assert isinstance(row[0], str) and isinstance(row[9], str), row
            print("ok")
            """, s.path("records.xlsx"),
        ])
        #expect(check.stdout == "ok\n", "\(check.summary)")
    }

    @Test("XLSX needs -o: not to stdout, not to '-'; exit 2, nothing written")
    func needsOutput() throws {
        let s = try ExportTests.awkwardLedger()
        for args in [
            ["export", "records", "--format", "xlsx"], ["export", "persons", "--format", "xlsx", "-o", "-"],
            ["report", "annual", "--year", "2024", "--format", "xlsx"], ["template", "records", "--format", "xlsx"],
        ] {
            let r = try s.run(args)
            #expect(r.status == 2, "\(r.summary)")
            #expect(r.stdout.isEmpty)
            #expect(
                r.stderrLines == [
                    "celedger: xlsx needs an output file given with -o (it is not written to a terminal or standard output)"
                ], "\(r.summary)")
        }
        let zh = try s.run(["export", "records", "--format", "xlsx"], lang: "zh")
        #expect(zh.stderrLines == ["celedger: xlsx 格式须用 -o 指定输出文件（不能写到终端或标准输出）"])
        // A folder that does not exist: exit 1, no file.
        let bad = try s.run(["export", "records", "--format", "xlsx", "-o", s.path("no/such/r.xlsx")])
        #expect(bad.status == 1, "\(bad.summary)")
        #expect(
            bad.stderrLines.count == 1 && bad.stderr.hasPrefix("celedger: cannot write \(s.path("no/such/r.xlsx"))"),
            "\(bad.summary)")
        #expect(!s.listing().contains { $0.contains("tmp") }, "\(s.listing())")
    }

    @Test("import XLSX made by other writers: shared and inline strings, dates, numbers; line numbers are sheet rows")
    func foreignWorkbooks() throws {
        let s = try Sandbox()
        let p = try s.run(["import", "persons", SheetFixtures.path("persons-shared.xlsx")])
        // Row 6 holds an ID typed as a number: its last digits are gone.
        #expect(p.status == 1, "\(p.summary)")
        #expect(
            p.stderrLines.first?.hasPrefix(
                "persons-shared.xlsx: line 6: 身份证号: the ID number was stored as a number and lost its last digits (\"3601041975112"
            ) == true, "\(p.summary)")
        #expect(p.stderr.contains("format the column as Text and type the numbers again"))
        #expect(p.stderrLines.last == "celedger: persons-shared.xlsx: 1 bad row; nothing imported")
        let zh = try s.run(["import", "persons", SheetFixtures.path("persons-shared.xlsx")], lang: "zh")
        #expect(zh.stderrLines.first?.hasPrefix("persons-shared.xlsx：第6行：身份证号：身份证号被存成了数字，末尾几位已丢失") == true, "\(zh.summary)")
        #expect(zh.stderr.contains("请把该列设为文本格式后重新输入"))

        // Copied first: --skip-invalid writes the rejected rows beside its input.
        try FileManager.default.copyItem(atPath: SheetFixtures.path("persons-shared.xlsx"), toPath: s.path("persons.xlsx"))
        try s.ok(["import", "persons", s.path("persons.xlsx"), "--skip-invalid"])
        try s.ok(["import", "persons", SheetFixtures.path("persons-inline.xlsx")])
        let r = try s.ok(["import", "records", SheetFixtures.path("records-shared.xlsx")])
        #expect(r.stdout == "imported records: 4 added\n", "\(r.summary)")
        let rows = csvRecords(try s.export("records")).rows
        try #require(rows.count == 4)
        #expect(rows.map { $0["claimed_hours"] } == ["8.1", "40", "12", "3"])
        #expect(rows.map { $0["start_date"] } == ["2024-03-04", "2024-03-04", "2024-12-30", "2024-06-01"])
        #expect(rows.map { $0["end_date"] } == ["2024-03-05", "2024-03-08", "2025-01-02", "2024-06-02"])
        #expect(rows.map { $0["title"] } == ["政策法规与职业道德", "内科新进展研修", "在线课程", "学术年会 2024"])
        #expect(rows[2]["note"] == "'=SUM(A1)", "stored as typed; the CSV export neutralises it")
        #expect(rows[1]["note"] == "第一行\n第二行")
        let persons = csvRecords(try s.export("persons")).rows
        #expect(persons.first?["unit"] == "南昌市第一医院", "rich inline text joined")
    }

    @Test("--skip-invalid with an XLSX file: the good rows go in, the bad ones go to staff.rejected.xlsx (IDs as text)")
    func skipInvalid() throws {
        let s = try Sandbox()
        try FileManager.default.copyItem(atPath: SheetFixtures.path("persons-shared.xlsx"), toPath: s.path("staff.xlsx"))
        let r = try s.run(["import", "persons", s.path("staff.xlsx"), "--skip-invalid"])
        #expect(r.status == 0, "\(r.summary)")
        #expect(
            r.stdout
                == "imported persons: 3 added, 0 updated, 0 unchanged, 1 bad row skipped (see \(s.path("staff.rejected.xlsx")))\n",
            "\(r.summary)")
        #expect(!s.exists(s.path("staff.rejected.csv")))
        guard Python.openpyxl else { return }
        let book = try Python.dump(s.path("staff.rejected.xlsx"))
        let rows = try #require(book["rows"] as? [[String]])
        #expect(rows.first?.prefix(4) == ["line", "column", "reason", "身份证号"])
        #expect(rows.count == 2 && rows[1].first == "6")
        #expect(rows[1].contains("王五"))
    }

    @Test(
        "bad workbooks: a corrupt zip, a zip that is not a workbook, a workbook without sheets, an .xls: one line naming the file, exit 1, nothing imported"
    )
    func badWorkbooks() throws {
        let s = try Sandbox()
        try s.importOK("persons", "p.csv", "id_number,name\n\(SheetFixtures.zhang),张三\n")
        let before = try s.export("persons")
        try Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 504)).write(
            to: URL(fileURLWithPath: s.path("old.xls")))
        let cases: [(String, String, String)] = [
            (
                SheetFixtures.path("corrupt.xlsx"), "not a valid xlsx file: the zip structure is damaged or it is not a zip file",
                "不是有效的 xlsx 文件"
            ),
            (
                SheetFixtures.path("not-a-workbook.xlsx"), "a zip file but not an xlsx workbook (no xl/workbook.xml)",
                "是 zip 文件，但不是 xlsx 工作簿"
            ),
            (SheetFixtures.path("no-sheet.xlsx"), "the workbook has no worksheet", "工作簿中没有工作表"),
            (s.path("old.xls"), "this is a legacy Excel (.xls) file or one protected by a password", "旧版 Excel（.xls）"),
        ]
        for (file, en, zh) in cases {
            for kind in ["persons", "records"] {
                let r = try s.run(["import", kind, file])
                #expect(r.status == 1, "\(r.summary)")
                #expect(r.stdout.isEmpty)
                #expect(r.stderrLines.count == 1, "\(r.summary)")
                #expect(r.stderr.hasPrefix("celedger: \(file): \(en)"), "\(r.summary)")
            }
            let z = try s.run(["import", "records", file], lang: "zh")
            #expect(
                z.status == 1 && z.stderrLines.count == 1 && z.stderr.hasPrefix("celedger: \(file)：") && z.stderr.contains(zh),
                "\(z.summary)")
        }
        #expect(try s.export("persons") == before)
    }
}

@Suite("spreadsheets: CSV encodings, byte-order mark, stamp")
struct CSVEncodingCLITests {
    @Test("GB18030 files (as Excel on Chinese Windows saves CSV) import exactly as their UTF-8 twins")
    func gb18030() throws {
        let utf8 = try Sandbox()
        try utf8.ok(["import", "persons", SheetFixtures.path("persons-utf8-bom.csv")])
        try utf8.ok(["import", "records", SheetFixtures.path("records-utf8-bom.csv")])
        let gb = try Sandbox()
        let p = try gb.ok(["import", "persons", SheetFixtures.path("persons-gb18030.csv")])
        #expect(p.stdout == "imported persons: 3 added, 0 updated, 0 unchanged\n", "\(p.summary)")
        try gb.ok(["import", "records", SheetFixtures.path("records-gb18030.csv")])
        #expect(try gb.export("persons") == utf8.export("persons"))
        #expect(try gb.export("records") == utf8.export("records"))
        #expect(csvRecords(try gb.export("persons")).rows.map { $0["name"] } == ["张三", "李小明", "欧阳明辉"])
        // Forced: gbk is read as GB18030.
        let forced = try Sandbox()
        try forced.ok(["import", "persons", SheetFixtures.path("persons-gb18030.csv"), "--encoding", "gbk"])
        #expect(try forced.export("persons") == utf8.export("persons"))
        try forced.ok(["import", "persons", "--encoding=UTF-8", SheetFixtures.path("persons-utf8-bom.csv")])
        // ASCII for 300 rows, then GBK.
        let late = try Sandbox()
        let r = try late.ok(["import", "persons", SheetFixtures.path("persons-late-gbk.csv")])
        #expect(r.stdout == "imported persons: 301 added, 0 updated, 0 unchanged\n", "\(r.summary)")
        #expect(try late.export("persons").contains("司马相如"))
    }

    @Test(
        "an undecodable CSV: '<file>: line N: <column>: not UTF-8 or GB18030 text', exit 1, nothing imported; a forced encoding names itself"
    )
    func undecodable() throws {
        let s = try Sandbox()
        let file = SheetFixtures.path("undecodable.csv")
        let r = try s.run(["import", "persons", file])
        #expect(r.status == 1)
        #expect(
            r.stderrLines == [
                "undecodable.csv: line 3: name: not UTF-8 or GB18030 text (save as \"CSV UTF-8\")",
                "celedger: undecodable.csv: 1 bad row; nothing imported",
            ], "\(r.summary)")
        let zh = try s.run(["import", "persons", file], lang: "zh")
        #expect(zh.stderrLines.first == "undecodable.csv：第3行：name：不是 UTF-8 或 GB18030 编码的文本（请另存为“CSV UTF-8”）", "\(zh.summary)")
        #expect(csvRecords(try s.export("persons")).rows.isEmpty)
        let forced = try s.run(["import", "persons", SheetFixtures.path("persons-gb18030.csv"), "--encoding", "utf-8"])
        #expect(forced.status == 1)
        #expect(
            forced.stderrLines.first == "persons-gb18030.csv: line 1: not UTF-8 text (read as --encoding utf-8)",
            "\(forced.summary)")
        let bogus = try s.run(["import", "persons", file, "--encoding", "latin1"])
        #expect(bogus.status == 2, "\(bogus.summary)")
    }

    @Test("CSV exports and the annual report carry a UTF-8 BOM; --no-bom leaves it out; import reads both")
    func byteOrderMark() throws {
        let s = try ExportTests.awkwardLedger()
        for args in [["export", "persons"], ["export", "records"], ["report", "annual", "--year", "2024", "--format", "csv"]] {
            let with = try s.ok(args).stdoutData
            let without = try s.ok(args + ["--no-bom"]).stdoutData
            #expect(Array(with.prefix(3)) == [0xEF, 0xBB, 0xBF], "\(args)")
            #expect(with.dropFirst(3) == without, "\(args)")
        }
        // JSON never has one.
        #expect(try s.ok(["export", "persons", "--format", "json"]).stdout.hasPrefix("["))
        let fresh = try Sandbox()
        try fresh.ok(["import", "persons", try fresh.write("p.csv", try s.export("persons", ["--no-bom"]))])
        try fresh.ok(["import", "records", try fresh.write("r.csv", try s.export("records"))])
        #expect(try fresh.export("records") == s.export("records"))
    }

    @Test("--stamp ends a CSV export with '# celedger export … by <user> at <UTC> from <ledger>; N rows'; import skips it")
    func stamp() throws {
        let s = try ExportTests.awkwardLedger()
        let out = try s.ok(["export", "records", "--stamp", "--user", "王芳, 科长"]).stdout
        let last = out.components(separatedBy: "\r\n").filter { !$0.isEmpty }.last ?? ""
        #expect(last.hasPrefix("# celedger export records by 王芳， 科长 at 20"), "\(last)")
        // ... and the ledger's history chain (its head's first 16 hex digits), to compare with `celedger check`.
        #expect(last.contains("Z from ledger.sqlite; 6 rows; history "), "\(last)")
        #expect(last.range(of: #"; history \d+ entries · chain [0-9a-f]{16}$"#, options: .regularExpression) != nil, "\(last)")
        #expect(try s.export("records") + last + "\r\n" == out, "the stamp is only added at the end")
        let fresh = try Sandbox()
        try fresh.ok(["import", "persons", try fresh.write("p.csv", try s.export("persons", ["--stamp"]))])
        let r = try fresh.ok(["import", "records", try fresh.write("r.csv", out)])
        #expect(r.stdout == "imported records: 6 added\n", "\(r.summary)")
        #expect(r.stderr.isEmpty, "\(r.summary)")
    }
}

@Suite("spreadsheets: templates and the annual report")
struct TemplateCLITests {
    @Test("template persons|records writes the CSV in data/templates: Chinese headers the importer accepts, BOM, CRLF")
    func csvTemplates() throws {
        let s = try Sandbox()
        for kind in ["persons", "records"] {
            let out = try s.ok(["template", kind], db: false).stdoutData
            let shipped = try #require(
                FileManager.default.contents(atPath: Paths.data + "/templates/\(kind).csv"), "data/templates/\(kind).csv")
            #expect(out == shipped, "data/templates/\(kind).csv differs from `celedger template \(kind)`")
            #expect(Array(out.prefix(3)) == [0xEF, 0xBB, 0xBF])
            #expect(String(decoding: out, as: UTF8.self).hasSuffix("\r\n"))
            // The header alone imports: every column is known.
            let r = try s.ok(["import", kind, try s.write("\(kind).csv", String(decoding: out, as: UTF8.self))])
            #expect(r.stderr.isEmpty, "\(r.summary)")
            try s.ok(["template", kind, "-o", s.path("t-\(kind).csv")], db: false)
            #expect(s.bytes(s.path("t-\(kind).csv")) == shipped)
        }
        #expect(
            try s.ok(["template", "persons"], db: false).stdout.hasPrefix("\u{FEFF}身份证号,姓名,单位,部门,职称,职称级别,专业,在职状态,状态日期,人员类别\r\n"))
        // A filled-in template imports.
        let template = try s.ok(["template", "persons"], db: false).stdout
        let filled = template + "\(SheetFixtures.zhang),张三,南昌市第一医院,内科,主治医师,中级,临床医学,在职,,单位职工\r\n"
        #expect(try s.ok(["import", "persons", try s.write("filled.csv", filled)]).stdout.contains("1 added"))
    }

    @Test("template --format xlsx imports (no rows)")
    func xlsxTemplateImports() throws {
        let s = try Sandbox()
        for kind in ["persons", "records"] {
            try s.ok(["template", kind, "--format", "xlsx", "-o", s.path("\(kind).xlsx")], db: false, lang: "zh")
            let r = try s.ok(["import", kind, s.path("\(kind).xlsx")])
            #expect(r.stderr.isEmpty, "\(r.summary)")
            #expect(r.stdout.contains(" 0 added") || r.stdout.contains("新增 0"), "\(r.summary)")
        }
    }

    @Test(
        "template --format xlsx, read by openpyxl: the Chinese headers and an instructions sheet, one line per column",
        .enabled(if: Python.openpyxl, Python.unavailable))
    func xlsxTemplate() throws {
        let s = try Sandbox()
        for kind in ["persons", "records"] {
            try s.ok(["template", kind, "--format", "xlsx", "-o", s.path("\(kind).xlsx")], db: false, lang: "zh")
            let book = try Python.dump(s.path("\(kind).xlsx"))
            let csvHeader = parseCSV(try s.ok(["template", kind], db: false).stdout).first
            #expect((book["rows"] as? [[String]])?.first == csvHeader)
            let help = (book["second"] as? [[String]]) ?? []
            #expect(help.first == ["列", "是否必填", "可填写的值", "说明"], "\(book["sheets"] ?? "")")
            #expect(help.dropFirst().map(\.first) == csvHeader?.map { Optional($0) }, "one line per column")
            #expect(help.contains { $0.count == 4 && $0[0] == "身份证号" && $0[1] == "必填" })
            if kind == "records" {
                #expect(help.contains { $0.count == 4 && $0[0] == "学习方式" && $0[2].hasPrefix("培训、实践、学术活动、网络学习、学历教育、其他") })
            }
        }
        let en = try s.ok(["template", "records", "--format", "xlsx", "-o", s.path("en.xlsx")], db: false)
        #expect(en.stderr.isEmpty)
        #expect(
            (try Python.dump(s.path("en.xlsx"))["second"] as? [[String]])?.first == [
                "Column", "Required", "Accepted values", "Notes",
            ])
    }

    @Test(
        "report annual --format xlsx -o: the CSV's cells as a sheet, hours as numbers, and the export information",
        .enabled(if: Python.openpyxl, Python.unavailable))
    func annualXLSX() throws {
        let s = try ExportTests.awkwardLedger()
        let r = try s.ok(["report", "annual", "--year", "2024", "--format", "xlsx", "-o", s.path("a.xlsx")])
        #expect(r.stdout.isEmpty && r.stderr.isEmpty, "\(r.summary)")
        let asCSV = parseCSV(try s.ok(["report", "annual", "--year", "2024", "--format", "csv"]).stdout)
        let book = try Python.dump(s.path("a.xlsx"))
        // Hours read back as numbers: 9.0 becomes 9 as a number.
        let normalised = asCSV.enumerated().map { i, row in
            i == 0 ? row : row.map { $0.hasSuffix(".0") ? String($0.dropLast(2)) : $0 }
        }
        #expect(book["rows"] as? [[String]] == normalised)
        #expect(book["sheets"] as? [String] == ["Annual 2024", "Print", "Export info"])
    }
}
