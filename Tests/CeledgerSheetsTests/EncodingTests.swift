import Foundation
import Testing

@testable import CeledgerSheets

/// The fixtures folder beside this file (made by Fixtures/make_fixtures.py).
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

func allRows(_ reader: any RowSource) throws(CSVError) -> [CSVRow] {
    var out: [CSVRow] = []
    while let row = try reader.next() { out.append(row) }
    return out
}

func gb18030(_ text: String) -> [UInt8] {
    // Encoded by the C library (iconv), independently of the reader's decoder being tested... which also
    // uses iconv; the committed fixtures are encoded by Python's codecs instead.
    let cd = iconv_open("GB18030", "UTF-8")!
    defer { iconv_close(cd) }
    var input = Array(text.utf8)
    var out = [UInt8](repeating: 0, count: input.count * 2 + 8)
    let n = input.withUnsafeMutableBufferPointer { i in
        out.withUnsafeMutableBufferPointer { o in
            var ip: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(i.baseAddress!).assumingMemoryBound(to: CChar.self)
            var il = i.count
            var op: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(o.baseAddress!).assumingMemoryBound(to: CChar.self)
            var ol = o.count
            _ = iconv(cd, &ip, &il, &op, &ol)
            return o.count - ol
        }
    }
    return Array(out[0..<n])
}

@Suite struct EncodingTests {
    @Test("GB18030/GBK files are detected and decoded; the rows equal those of the same text in UTF-8")
    func gb18030FixturesReadLikeUTF8() throws {
        for name in ["persons", "records"] {
            let utf8 = try allRows(CSVReader(path: fixture("\(name)-utf8-bom.csv")))
            let reader = try CSVReader(path: fixture("\(name)-gb18030.csv"))
            let gb = try allRows(reader)
            #expect(reader.encoding == .gb18030)
            #expect(gb.map(\.fields) == utf8.map(\.fields))
            #expect(gb.map(\.line) == utf8.map(\.line))
            #expect(gb.count > 3)
        }
        // A character outside the BMP (CJK Extension B) is a four-byte GB18030 sequence.
        let records = try allRows(CSVReader(path: fixture("records-gb18030.csv")))
        #expect(records.last?.fields.last == "𠀀 扩展B区汉字")
        #expect(records[1].fields.last == "第一行, 含逗号\r\n第二行")
    }

    @Test("a file whose first 300 rows are ASCII and whose Chinese comes later is still read as GBK")
    func asciiFirstGBKLater() throws {
        let reader = try CSVReader(path: fixture("persons-late-gbk.csv"))
        let rows = try allRows(reader)
        #expect(rows.count == 302)
        #expect(rows.last?.fields == [rows.last!.fields[0], "司马相如", "江西省南昌市红谷滩新区人民医院"])
        #expect(reader.encoding == .gb18030)
    }

    @Test("UTF-8 with and without a BOM; a BOM decides UTF-8 even before any Chinese")
    func utf8() throws {
        let text = "id_number,name\n34052419800101001X,张三\n"
        let plain = CSVReader(bytes: Array(text.utf8))
        #expect(try allRows(plain).map(\.fields) == [["id_number", "name"], ["34052419800101001X", "张三"]])
        #expect(plain.encoding == .utf8)
        let bom = CSVReader(bytes: [0xEF, 0xBB, 0xBF] + Array("a,b\n1,2\n".utf8))
        #expect(try allRows(bom).map(\.fields) == [["a", "b"], ["1", "2"]])
        #expect(bom.encoding == .utf8)
        let ascii = CSVReader(bytes: Array("a,b\n1,2\n".utf8))
        _ = try allRows(ascii)
        #expect(ascii.encoding == nil, "all ASCII: no decision needed")
    }

    @Test("a cell in neither encoding is an error at its line and column, in both languages")
    func undecodable() throws {
        do throws(CSVError) {
            _ = try allRows(try! CSVReader(path: fixture("undecodable.csv")))
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 3)
            #expect(error.column == 2)
            #expect(error.message.zh.hasPrefix("不是 UTF-8 或 GB18030 编码的文本"))
            #expect(error.message.en.hasPrefix("not UTF-8 or GB18030 text"))
        }
    }

    @Test("--encoding forces one: GBK text read as UTF-8 is an error naming UTF-8; UTF-8 read as GB18030 names GB18030")
    func forced() throws {
        let gbk = gb18030("id_number,name\n1,张三\n")
        #expect(try allRows(CSVReader(bytes: gbk, encoding: .gb18030)).last?.fields == ["1", "张三"])
        do throws(CSVError) {
            _ = try allRows(CSVReader(bytes: gbk, encoding: .utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 2 && error.column == 2)
            #expect(error.message.en.contains("not UTF-8 text"))
        }
        // 张三 in UTF-8 is E5 BC A0 E4 B8 89; as GB18030 those are three valid pairs: a forced GB18030
        // reads mojibake, which is what the user asked for. Bytes invalid in GB18030 are an error.
        do throws(CSVError) {
            _ = try allRows(CSVReader(bytes: Array("a\n".utf8) + [0x80, 0x0A], encoding: .gb18030))
            Issue.record("expected an error")
        } catch {
            #expect(error.message.en.contains("not GB18030/GBK text"))
        }
        #expect(TextEncoding(name: "GBK") == .gb18030)
        #expect(TextEncoding(name: "utf8") == .utf8)
        #expect(TextEncoding(name: "latin1") == nil)
    }

    @Test("a file that changes encoding part-way is an error where it changes, saying so")
    func mixed() throws {
        let bytes = Array("id_number,name\n1,张三丰\n".utf8) + gb18030("2,李小明\n")
        do throws(CSVError) {
            _ = try allRows(CSVReader(bytes: bytes))
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 3 && error.column == 2)
            #expect(
                error.message.en.contains("the encoding changes here (earlier text is UTF-8, this looks like GB18030)"),
                "\(error.message.en)")
        }
    }

    @Test(
        "short samples valid in both: GBK 小 (also UTF-8 for Cyrillic С) reads as 小; UTF-8 Chinese, Latin, combining marks, emoji stay UTF-8"
    )
    func ambiguousSamples() throws {
        let gbk = gb18030("a,b\n1,小\n")
        #expect(EncodingSniffer.utf8ValidPrefix(gbk[4...]) == gbk.count - 4, "the test needs bytes valid in both")
        #expect(try allRows(CSVReader(bytes: gbk)).last?.fields == ["1", "小"])
        for cell in ["小", "Zoë", "\u{301}", "😀"] {
            #expect(
                try allRows(CSVReader(bytes: Array("a,b\n1,".utf8) + Array(cell.utf8) + [0x0A])).last?.fields == ["1", cell],
                "\(cell)")
        }
    }

    @Test("a UTF-16 file is refused on line 1 with advice")
    func utf16() {
        var bytes: [UInt8] = [0xFF, 0xFE]
        for u in "a,b\n".utf16 { bytes += [UInt8(u & 0xFF), UInt8(u >> 8)] }
        do throws(CSVError) {
            _ = try allRows(CSVReader(bytes: bytes))
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 1)
            #expect(error.message.en.contains("UTF-16"))
        }
    }

    @Test("a file read through a small buffer detects the encoding from text beyond the current buffer")
    func detectionAcrossBuffers() throws {
        // 70,000 ASCII bytes, then GBK: the first Chinese cell lies beyond the reader's first 64 KB buffer.
        var text = "id,name\n"
        while text.utf8.count < 70_000 { text += "1,ascii name\n" }
        text += "2,张三\n3,李四\n"
        let path = NSTemporaryDirectory() + "celedger-late-\(UUID().uuidString).csv"
        try Data(gb18030(text)).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        let rows = try allRows(CSVReader(path: path))
        #expect(rows.suffix(2).map(\.fields) == [["2", "张三"], ["3", "李四"]])
    }

    @Test("the --stamp line is skipped, also when a spreadsheet padded it with empty cells; other # lines are data")
    func stampLine() throws {
        let stamp = ExportStamp.line(["export records by 王芳, \"x\" at 2025-01-05T08:00:00Z from l.sqlite; 2 rows"])
        #expect(stamp.hasPrefix("# celedger export records by 王芳， 'x' at"))
        #expect(!stamp.dropLast(2).contains(",") && !stamp.dropLast(2).contains("\""))
        let rows = try allRows(CSVReader(text: "a,b\n1,2\n" + stamp + "# celedger padded,,\n# note,x\n"))
        #expect(rows.map(\.fields) == [["a", "b"], ["1", "2"], ["# note", "x"]])
    }
}
