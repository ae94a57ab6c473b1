import Foundation
import Testing
import ZIPFoundation

@testable import CeledgerSheets

/// The IDs make_fixtures.py uses (`ResidentID.make` of regions 360102–360104: written out, since the formats'
/// tests know no domain).
enum FixtureIDs {
    static let zhang = "360102198001010013"
    static let li = "360102198502150022"
    static let ouyang = "36010319900310003X"
    static let wang = "360104197511200050"
}

func xlsxRows(_ name: String) throws -> [CSVRow] {
    try allRows(XLSXReader(path: fixture(name)))
}

func tempFile(_ name: String) -> String {
    NSTemporaryDirectory() + "celedger-\(UUID().uuidString.prefix(8))-\(name)"
}

@Suite("XLSX reader: files made by other writers")
struct XLSXReaderTests {
    typealias ID = FixtureIDs

    @Test(
        "shared strings (XlsxWriter): header first, empty rows skipped, missing cells empty, sheet row numbers as lines, the second sheet ignored"
    )
    func sharedStrings() throws {
        let reader = try XLSXReader(path: fixture("persons-shared.xlsx"))
        #expect(reader.sheetName == "人员名单")
        let rows = try allRows(reader)
        #expect(rows.map(\.line) == [1, 2, 4, 5, 6])
        #expect(rows[0].fields == ["身份证号", "姓名", "单位", "部门", "职称级别", "在职状态", "状态日期"])
        #expect(rows[1].fields == [ID.zhang, "张三", "南昌市第一医院", "内科", "中级", "在职", ""])
        #expect(rows[2].fields == [ID.li, "李小明", "南昌市第一医院", "外科", "副高", "离职", "2024-06-30"])
        #expect(rows[3].fields == [ID.ouyang, "欧阳明辉", "江西省建筑设计院", "", "", "", ""])
        #expect(rows[1].damaged.isEmpty)
        // An 18-digit ID stored as a number: what is left, and the mark.
        #expect(rows[4].damaged == [0: .digitsLost])
        #expect(rows[4].fields[0].hasPrefix("3601041975112"))
        #expect(rows[4].fields[0] != ID.wang)
        #expect(rows[4].fields.count == 7)
    }

    @Test(
        "dates with date formats (custom, built-in 14, Chinese, date and time) and as text; 8.1 stays 8.1, 40.0 is 40; rich text and phonetic runs"
    )
    func valuesAsShown() throws {
        let rows = try xlsxRows("records-shared.xlsx")
        #expect(rows.map(\.line) == [1, 2, 3, 5, 6])
        #expect(
            rows[1].fields == [
                ID.zhang, "培训班", "公需", "政策法规与职业道德", "江西省人社厅", "2024-03-04", "2024-03-05",
                "合格", "86", "8.1", "8.1", "已认定", "",
            ])
        #expect(
            rows[2].fields == [
                ID.zhang, "进修班", "专业", "内科新进展研修", "南昌大学", "2024/3/4", "2024年3月8日",
                "优秀", "95.5", "40", "40", "已认定", "第一行\n第二行",
            ])
        #expect(
            rows[3].fields == [
                ID.li, "网络学习", "公需科目", "在线课程", "", "2024-12-30", "2025-01-02",
                "未考核", "", "12", "", "待认定", "=SUM(A1)",
            ])
        #expect(
            rows[4].fields == [
                ID.ouyang, "学术会议", "专业", "学术年会 2024", "", "2024-06-01", "2024-06-02",
                "", "", "3", "3", "", "",
            ])
    }

    @Test("inline strings and rich inline strings (openpyxl), a boolean, a formula without a cached value")
    func inlineStrings() throws {
        let rows = try xlsxRows("persons-inline.xlsx")
        #expect(
            rows.map(\.fields) == [
                ["身份证号", "姓名", "单位", "部门"],
                [ID.zhang, "张三", "南昌市第一医院", "TRUE"],
                [ID.li, "李小明", "", "外科"],
            ])
    }

    @Test("the 1904 date system")
    func date1904() throws {
        let rows = try xlsxRows("dates-1904.xlsx")
        #expect(rows.map { $0.fields[4] } == ["结束日期", "2024-03-04", "1905-01-01"])
        #expect(rows.last?.fields.last == "2.5")
    }

    @Test(
        "bad packages: a corrupt zip, a zip that is no workbook, a workbook without sheets; each one clear error naming the file")
    func badPackages() {
        let cases = [
            ("corrupt.xlsx", "not a valid xlsx file", "不是有效的 xlsx 文件"),
            ("not-a-workbook.xlsx", "a zip file but not an xlsx workbook", "是 zip 文件，但不是 xlsx 工作簿"),
            ("no-sheet.xlsx", "the workbook has no worksheet", "工作簿中没有工作表"),
            ("undecodable.csv", "not a valid xlsx file", "不是有效的 xlsx 文件"),
        ]
        for (name, en, zh) in cases {
            do throws(SheetError) {
                _ = try XLSXReader(path: fixture(name))
                Issue.record("\(name): expected an error")
            } catch {
                #expect(error.message.en.hasPrefix(fixture(name) + ": "), "\(error.message.en)")
                #expect(error.message.en.contains(en), "\(name): \(error.message.en)")
                #expect(error.message.zh.contains(zh), "\(name): \(error.message.zh)")
            }
        }
    }

    @Test("numbers read as a spreadsheet shows them")
    func numbers() {
        func text(_ raw: String, date: Bool = false, date1904: Bool = false) -> String {
            SpreadsheetNumber.text(raw, isDate: date, date1904: date1904).0
        }
        #expect(text("8.0999999999999996") == "8.1")
        #expect(text("40.0") == "40")
        #expect(text("40") == "40")
        #expect(text("1E-3") == "0.001")
        #expect(text("1.5E-7") == "0.00000015")
        #expect(text("-0") == "0")
        #expect(text("-12.5") == "-12.5")
        #expect(text("123456789012345") == "123456789012345", "15 digits are exact")
        #expect(text("0.30000000000000004") == "0.30000000000000004")
        #expect(
            SpreadsheetNumber.text("360102850615123", isDate: false, date1904: false).1 == nil, "a legacy 15-digit ID survives")
        #expect(SpreadsheetNumber.text("1E+15", isDate: false, date1904: false).1 == .digitsLost)
        #expect(text("3.601041975112001E+17") == "360104197511200000")
        #expect(text("360102198001010013") == "360102198001010000", "what Excel would show")
        #expect(text("not a number") == "not a number")
        #expect(text("45355", date: true) == "2024-03-04")
        #expect(text("45355.75", date: true) == "2024-03-04")
        #expect(text("1", date: true) == "1900-01-01")
        #expect(text("59", date: true) == "1900-02-28")
        #expect(text("60", date: true) == "1900-02-29", "Excel's day that never was, left for the date check to refuse")
        #expect(text("61", date: true) == "1900-03-01")
        #expect(text("0", date: true, date1904: true) == "1904-01-01")
        #expect(text("43893", date: true, date1904: true) == "2024-03-04")
        #expect(text("0.5", date: true) == "0.5", "a time alone is not a date")
    }

    @Test("date formats: built-in ids and custom codes")
    func dateFormats() {
        for id in [14, 15, 17, 22, 27, 31, 36, 45, 50, 57, 58] {
            #expect(SpreadsheetNumber.isDateFormat(id: id, code: nil), "\(id)")
        }
        for id in [0, 1, 2, 9, 10, 11, 12, 13, 23, 37, 44, 48, 49, 59] {
            #expect(!SpreadsheetNumber.isDateFormat(id: id, code: nil), "\(id)")
        }
        for code in [
            "yyyy-mm-dd", "yyyy/m/d", "yyyy\"年\"m\"月\"d\"日\"", "[$-804]yyyy\"年\"m\"月\"", "d-mmm-yy", "mmm yyyy",
            "yyyy-mm-dd hh:mm:ss", "[DBNum1][$-804]yyyy\"年\"m\"月\"d\"日\"",
        ] {
            #expect(SpreadsheetNumber.isDateFormat(id: 164, code: code), "\(code)")
        }
        for code in [
            "General", "0.00", "#,##0", "@", "h:mm", "[h]:mm:ss", "0.0\"day\"", "\"Year\"0", "[Red]0.0", "mm:ss", "0.00E+00",
        ] {
            #expect(!SpreadsheetNumber.isDateFormat(id: 164, code: code), "\(code)")
        }
    }

    @Test("column references")
    func columnReferences() {
        func col(_ s: String) -> Int? { XLSXReader.columnIndex(Array(s.utf8)[...]) }
        #expect(col("A1") == 0)
        #expect(col("Z9") == 25)
        #expect(col("AA10") == 26)
        #expect(col("XFD1048576") == 16383)
        #expect(col("$B$2") == 1)
        #expect(col("1A") == nil)
        #expect(col("ABCD1") == nil)
    }
}

@Suite("XLSX writer and reader together")
struct XLSXRoundTripTests {
    @Test(
        "cells come back exactly: formulas as text, apostrophes, _xHHHH_ look-alikes, CR, LF, tab, control characters, edge spaces, CJK beyond the BMP"
    )
    func cellsRoundTrip() throws {
        let path = tempFile("cells.xlsx")
        defer { unlink(path) }
        let w = try XLSXWriter(path: path, sheetName: "测试")
        let texts = [
            "=SUM(A1:A9)", "+86 123", "-坏账", "@cmd", "'quoted", "''=x", "_x0041_", "a_x005F_b", "x\r\ny\rz\n",
            "tab\there", "bell\u{7}", " edge ", "𠀀𠀁", "<&>\"'", "plain",
        ]
        try w.header(texts.indices.map { TableColumn("c\($0)") })
        try w.row(texts.map(TableCell.text))
        try w.row([
            .number("8.1"), .number("40"), .date("2024-03-04"), .date("1900-01-01"), .number("not"), .date("2024-02-30"),
            .text(""),
        ])
        try w.finish(creator: "测试员", created: Date(timeIntervalSince1970: 1_700_000_000), title: "t")
        let rows = try allRows(XLSXReader(path: path))
        #expect(rows.count == 3)
        // The import removes one apostrophe (CSVWriter.plain) from every cell: that is what must give the text back.
        #expect(rows[1].fields.map(CSVWriter.plain) == texts)
        #expect(
            rows[2].fields == ["8.1", "40", "2024-03-04", "1900-01-01", "not", "2024-02-30"]
                + Array(repeating: "", count: texts.count - 6),
            "padded to the header's width")
        // A formula-looking text is a plain string cell, not a formula, and has no apostrophe.
        let sheet = try packagePart(path, "xl/worksheets/sheet1.xml")
        #expect(sheet.contains("<is><t>=SUM(A1:A9)</t></is>"))
        #expect(!sheet.contains("<f>"))
        #expect(sheet.contains("<is><t>'''=x</t></is>"), "only a text that an import would change gets one more apostrophe")
        #expect(sheet.contains("<is><t>'quoted</t></is>"))
    }

    @Test("the package: parts, bold frozen header, widths by display width, the user and time in core.xml, a second sheet")
    func package() throws {
        let path = tempFile("p.xlsx")
        defer { unlink(path) }
        let w = try XLSXWriter(path: path, sheetName: "学习记录")
        try w.header([
            TableColumn("id_number", .code), TableColumn("name"), TableColumn("hours", .number), TableColumn("end", .date),
        ])
        try w.row([.text("360102198001010013"), .text("欧阳明辉欧阳明辉"), .number("8.1"), .date("2024-03-04")])
        w.addSheet(name: "导出信息", columns: [TableColumn("项目"), TableColumn("内容")], rows: [[.text("行数"), .number("1")]])
        try w.finish(creator: "王芳 <&>", created: Date(timeIntervalSince1970: 1_700_000_000), title: "celedger export records")
        let names = try packageNames(path)
        for part in [
            "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml",
            "xl/worksheets/sheet2.xml", "xl/styles.xml", "docProps/core.xml", "docProps/app.xml",
        ] {
            #expect(names.contains(part), "\(part) missing from \(names)")
        }
        let core = try packagePart(path, "docProps/core.xml")
        #expect(core.contains("<dc:creator>王芳 &lt;&amp;&gt;</dc:creator>"))
        #expect(core.contains("<dcterms:created xsi:type=\"dcterms:W3CDTF\">2023-11-14T22:13:20Z</dcterms:created>"))
        let sheet = try packagePart(path, "xl/worksheets/sheet1.xml")
        #expect(sheet.contains("state=\"frozen\""))
        #expect(sheet.contains("<c r=\"A1\" t=\"inlineStr\" s=\"1\">"), "bold header")
        #expect(sheet.contains("<col min=\"2\" max=\"2\" width=\"18\""), "8 Chinese characters are 16 cells, plus 2")
        #expect(sheet.contains("<col min=\"1\" max=\"1\" width=\"20\" style=\"3\""), "the ID column is formatted as text")
        #expect(sheet.contains("<c r=\"A2\" t=\"inlineStr\" s=\"3\"><is><t>360102198001010013</t></is></c>"))
        #expect(sheet.contains("<c r=\"C2\"><v>8.1</v></c>"))
        #expect(sheet.contains("<c r=\"D2\" s=\"2\"><v>45355</v></c>"))
        #expect(try packagePart(path, "xl/workbook.xml").contains("<sheet name=\"导出信息\" sheetId=\"2\" r:id=\"rId2\"/>"))
        // Reading it gives the first sheet only.
        let rows = try allRows(XLSXReader(path: path))
        #expect(
            rows.map(\.fields) == [
                ["id_number", "name", "hours", "end"], ["360102198001010013", "欧阳明辉欧阳明辉", "8.1", "2024-03-04"],
            ])
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
    }

    @Test("an abandoned or failed write leaves no file and no temporary files")
    func atomic() throws {
        let dir = NSTemporaryDirectory() + "celedger-atomic-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let w = try XLSXWriter(path: dir + "/a.xlsx", sheetName: "s")
        try w.header([TableColumn("a")])
        try w.row([.text("x")])
        w.abandon()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
        // An existing file stays as it was until the new one is complete.
        try Data("old".utf8).write(to: URL(fileURLWithPath: dir + "/b.xlsx"))
        do {
            let w2 = try XLSXWriter(path: dir + "/b.xlsx", sheetName: "s")
            try w2.header([TableColumn("a")])
            #expect(try String(contentsOfFile: dir + "/b.xlsx", encoding: .utf8) == "old")
            try w2.finish(creator: "u", created: Date(), title: "t")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["b.xlsx"])
        #expect(XLSXReader.looksLikeZip(path: dir + "/b.xlsx"))
        // A folder that does not exist: an error naming the file.
        #expect(throws: SheetError.self) { try XLSXWriter(path: dir + "/no/such/c.xlsx", sheetName: "s") }
    }

    @Test("a long sheet streams: 10,000 rows written and read back in order")
    func longSheet() throws {
        let path = tempFile("long.xlsx")
        defer { unlink(path) }
        let w = try XLSXWriter(path: path, sheetName: "long")
        // The columns of a records export (`ExportShape.columns(.record)`), written out.
        try w.header([
            TableColumn("id_number", .code), TableColumn("mode"), TableColumn("category"), TableColumn("title"),
            TableColumn("provider"),
            TableColumn("start_date", .date), TableColumn("end_date", .date), TableColumn("assessment"),
            TableColumn("score", .code),
            TableColumn("claimed_hours", .number), TableColumn("recognized_hours", .number), TableColumn("recognition"),
            TableColumn("recognition_note"), TableColumn("certificate_no", .code), TableColumn("note"), TableColumn("basis"),
            TableColumn("quantity"), TableColumn("role"),
        ])
        let id = "34052419800101001X"
        for i in 0..<10_000 {
            try w.row([
                .text(id), .text("training"), .text("public"), .text("课程 \(i)"), .text("江西省人社厅"), .date("2024-03-04"),
                .date("2024-03-05"), .text("passed"), .text("86"), .number("8.1"), .number("8.1"), .text("recognized"),
                .text(""), .text("C\(i)"), .text(""),
            ])
        }
        try w.finish(creator: "t", created: Date(), title: "t")
        let reader = try XLSXReader(path: path)
        var n = 0
        var last: CSVRow?
        while let row = try reader.next() {
            n += 1
            last = row
        }
        #expect(n == 10_001)
        #expect(last?.line == 10_001)
        #expect(last?.fields[3] == "课程 9999")
        #expect(reader.bytesRead <= reader.totalBytes! && reader.bytesRead > reader.totalBytes! - 100, "read to </sheetData>")
    }

    @Test("a sheet beyond the size limit is refused before it is read; a zip bomb by its ratio")
    func limits() throws {
        let path = tempFile("big.xlsx")
        defer { unlink(path) }
        let w = try XLSXWriter(path: path, sheetName: "big")
        try w.header([TableColumn("a")])
        for i in 0..<2_000 { try w.row([.text(String(repeating: "x", count: 100) + "\(i)")]) }
        try w.finish(creator: "t", created: Date(), title: "t")
        do throws(SheetError) {
            _ = try XLSXReader(path: path, limits: XLSXReader.Limits(sheetBytes: 100_000))
            Issue.record("expected an error")
        } catch {
            #expect(error.message.en.contains("xl/worksheets/sheet1.xml inflates to"), "\(error.message.en)")
        }

        // 120 MB of spaces deflate about 1,000 to 1: refused without inflating it.
        let bomb = tempFile("bomb.xlsx")
        defer { unlink(bomb) }
        try FileManager.default.copyItem(atPath: path, toPath: bomb)
        let archive = try Archive(url: URL(fileURLWithPath: bomb), accessMode: .update)
        try archive.remove(archive["xl/worksheets/sheet1.xml"]!)
        let size = 120 << 20
        let head = Data("<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>".utf8)
        let spaces = Data(repeating: 0x20, count: 1 << 16)
        try archive.addEntry(
            with: "xl/worksheets/sheet1.xml", type: .file, uncompressedSize: Int64(size), compressionMethod: .deflate,
            bufferSize: 1 << 16
        ) { position, chunk in
            position == 0 ? head + spaces.prefix(chunk - head.count) : spaces.prefix(chunk)
        }
        do throws(SheetError) {
            _ = try XLSXReader(path: bomb)
            Issue.record("expected an error")
        } catch {
            #expect(error.message.en.contains("zip bomb"), "\(error.message.en)")
        }
    }
}

func packageNames(_ path: String) throws -> [String] {
    try Archive(url: URL(fileURLWithPath: path), accessMode: .read).map(\.path)
}

func packagePart(_ path: String, _ part: String) throws -> String {
    let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
    var data = Data()
    _ = try archive.extract(archive[part]!) { data.append($0) }
    return String(decoding: data, as: UTF8.self)
}

@Suite("XLSX reader: damaged sheets")
struct XLSXFuzzTests {
    /// Deterministic bytes (SplitMix64), so that a failure can be replayed.
    struct Mix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test("a sheet's XML mutated at random (markup bytes, cuts, entities) gives rows or one CSVError, never a crash")
    func mutatedSheets() throws {
        let base = tempFile("base.xlsx")
        defer { unlink(base) }
        let w = try XLSXWriter(path: base, sheetName: "s")
        try w.header([TableColumn("id", .code), TableColumn("name"), TableColumn("hours", .number), TableColumn("day", .date)])
        for i in 0..<20 {
            try w.row([
                .text("36010219800101001\(i % 10)"), .text("名字 & <\(i)>"), .number("8.\(i % 10)"), .date("2024-03-0\(i % 9 + 1)"),
            ])
        }
        try w.finish(creator: "t", created: Date(), title: "t")
        let xml = Array(try packagePart(base, "xl/worksheets/sheet1.xml").utf8)
        let specials: [UInt8] = Array("<>&;/\"'=#x_ \n".utf8) + [0x00, 0xFF, 0xE4]
        var rng = Mix(state: 20_241_202)
        for round in 0..<150 {
            var bytes = xml
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: bytes[at] = specials.randomElement(using: &rng)!
                case 1: bytes.insert(specials.randomElement(using: &rng)!, at: at)
                case 2: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...40, using: &rng)))
                default: bytes = Array(bytes.prefix(at))
                }
                if bytes.isEmpty { bytes = [0x3C] }
            }
            let path = tempFile("m\(round).xlsx")
            defer { unlink(path) }
            try FileManager.default.copyItem(atPath: base, toPath: path)
            let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .update)
            try archive.remove(archive["xl/worksheets/sheet1.xml"]!)
            let data = Data(bytes)
            try archive.addEntry(
                with: "xl/worksheets/sheet1.xml", type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate
            ) { p, n in
                data.subdata(in: Int(p)..<Int(p) + n)
            }
            do {
                let reader = try XLSXReader(path: path)
                var n = 0
                while let row = try reader.next() {
                    n += 1
                    #expect(row.line >= 1 && n <= 25)
                }
            } catch let e as CSVError {
                #expect(e.line >= 1 && !e.message.en.isEmpty)
            } catch let e as SheetError {
                #expect(!e.message.en.isEmpty)
            }
        }
    }
}
