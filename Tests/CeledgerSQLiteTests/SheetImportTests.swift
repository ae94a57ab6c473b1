import CeledgerDomain
import CeledgerInterchange
import CeledgerSheets
import Foundation
import Testing

@testable import CeledgerSQLite

/// The spreadsheet and CSV fixtures of the formats' tests (made by their Fixtures/make_fixtures.py).
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("CeledgerSheetsTests/Fixtures")

func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

func allRows(_ reader: any RowSource) throws(CSVError) -> [CSVRow] {
    var out: [CSVRow] = []
    while let row = try reader.next() { out.append(row) }
    return out
}

func xlsxRows(_ name: String) throws -> [CSVRow] {
    try allRows(XLSXReader(path: fixture(name)))
}

func tempFile(_ name: String) -> String {
    NSTemporaryDirectory() + "celedger-\(UUID().uuidString.prefix(8))-\(name)"
}

/// Files read by the formats, imported into a ledger.
@Suite struct FormulaImportTests {
    @Test func aFormulaInACellIsStoredAsTextAndExportedSafely() throws {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        _ = try importing(l, .person, personsCSV)
        let csv =
            "id_number,mode,category,title,provider,end_date,claimed_hours\n34052419800101001X,training,professional,\"=HYPERLINK(\"\"x\"\")\",'-本单位,2024-03-10,8\n"
        #expect(try importing(l, .record, csv).inserted == 1)
        var stored: CeledgerDomain.Record?
        try l.eachRecord { stored = $0.record }
        #expect(stored?.title == "=HYPERLINK(\"x\")")  // kept as the clerk wrote it
        #expect(stored?.provider == "-本单位")  // the apostrophe a spreadsheet added is not part of the text
        let line = CSVWriter.line(ExportShape.cells(try #require(stored)))
        #expect(line.contains("\"'=HYPERLINK(\"\"x\"\")\",'-本单位,"))
    }
}

@Suite("XLSX reader: files made by other writers, imported")
struct XLSXImportTests {
    @Test(
        "an ID number as Excel stores a number (3.6010219800101E+17) is marked; the import reports it on its cell with the hint")
    func idAsNumber() throws {
        let rows = try xlsxRows("id-as-number.xlsx")
        #expect(rows[1].fields[0] == "360102198001010000")
        #expect(rows[1].damaged == [0: .digitsLost])
        #expect(rows[2].damaged.isEmpty)

        let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        let report = try l.importRows(.person, from: XLSXReader(path: fixture("id-as-number.xlsx")))
        #expect(report.badRowCount == 1)
        #expect(report.errors.count == 1, "the hint replaces the ID check's own verdict: \(report.errors)")
        let e = try #require(report.errors.first)
        #expect(e.line == 2 && e.column == "身份证号")
        #expect(e.message.zh.hasPrefix("身份证号被存成了数字，末尾几位已丢失"))
        #expect(e.message.zh.contains("请把该列设为文本格式后重新输入"))
        #expect(!report.committed)
        // With --skip-invalid the good row goes in.
        let skip = try l.importRows(
            .person, from: XLSXReader(path: fixture("id-as-number.xlsx")), options: ImportOptions(skipInvalid: true))
        #expect(skip.inserted == 1 && skip.rejected.map(\.line) == [2])
    }

    @Test("fixtures import: persons then records, the values a clerk sees")
    func importsIntoALedger() throws {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        let p = try l.importRows(
            .person, from: XLSXReader(path: fixture("persons-shared.xlsx")), options: ImportOptions(skipInvalid: true))
        #expect(p.inserted == 3)
        #expect(p.rejected.map(\.line) == [6])
        let r = try l.importRows(.record, from: XLSXReader(path: fixture("records-shared.xlsx")))
        #expect(r.errors.isEmpty, "\(r.errors)")
        #expect(r.inserted == 4)
        var titles: [String: CeledgerDomain.Record] = [:]
        try l.eachRecord { titles[$0.record.title] = $0.record }
        #expect(titles["政策法规与职业道德"]?.claimedHours == Hours(tenths: 81))
        #expect(titles["内科新进展研修"]?.startDate.iso == "2024-03-04")
        #expect(titles["内科新进展研修"]?.recognizedHours == Hours(tenths: 400))
        #expect(titles["在线课程"]?.endDate.iso == "2025-01-02")
        #expect(titles["在线课程"]?.note == "=SUM(A1)")
        #expect(titles["学术年会 2024"]?.startDate.iso == "2024-06-01")
    }
}

@Suite("XLSX writer and reader together, through a ledger")
struct XLSXLedgerRoundTripTests {
    @Test("export → XLSX → import into an empty ledger gives the same ledger (awkward values included)")
    func ledgerRoundTrip() throws {
        let a = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        _ = try importing(a, .person, personsCSV + "360102198001010013,'=司马,\"单位, 含逗号\",'-部门,,,\n")
        let records = """
            id_number,mode,category,title,provider,start_date,end_date,assessment,score,claimed_hours,recognized_hours,recognition,recognition_note,certificate_no,note
            34052419800101001X,training,public,"=HYPERLINK(""x"")",''=本单位,2024-03-04,2024-03-05,passed,86,8.1,8.1,recognized,,No.0012,"多行\r\n备注\t制表"
            34052419800101001X,online,professional,_x0041_,,2023-12-30,2024-01-02,none,,40,,pending,,,
            360102199005170422,academic,professional,年会,,1900-01-01,1900-03-01,failed,59.5,12,0,rejected,不予认定：重复,,

            """
        let r = try importing(a, .record, records)
        #expect(r.errors.isEmpty, "\(r.errors)")
        func export(_ l: SQLiteLedger, _ kind: RowKind) throws -> String {
            var out = ""
            let csv = CSVTable(byteOrderMark: false) { out += $0 }
            try csv.header(ExportShape.columns(kind))
            if kind == .person {
                try l.eachPerson { try csv.row(ExportShape.typedCells($0.person)) }
            } else {
                try l.eachRecord { try csv.row(ExportShape.typedCells($0.record)) }
            }
            return out
        }
        let b = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        for kind in [RowKind.person, .record] {
            let path = tempFile("\(kind).xlsx")
            defer { unlink(path) }
            let w = try XLSXWriter(path: path, sheetName: "data")
            try w.header(ExportShape.columns(kind))
            if kind == .person {
                try a.eachPerson { try w.row(ExportShape.typedCells($0.person)) }
            } else {
                try a.eachRecord { try w.row(ExportShape.typedCells($0.record)) }
            }
            try w.finish(creator: "t", created: Date(), title: "t")
            let report = try b.importRows(kind, from: XLSXReader(path: path))
            #expect(report.errors.isEmpty, "\(report.errors)")
            #expect(try export(b, kind) == export(a, kind))
        }
        #expect(try annual(a, 2024) == annual(b, 2024))
    }
}
