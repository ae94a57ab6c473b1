import CeledgerDomain
import Testing
import CeledgerLedger
@testable import CeledgerSQLite

func rows(_ text: String) throws(CSVError) -> [CSVRow] {
    let r = CSVReader(text: text)
    var out: [CSVRow] = []
    while let row = try r.next() { out.append(row) }
    return out
}

@Suite struct CSVReaderTests {
    @Test func quotedFieldsWithCommasQuotesAndLineBreaks() throws {
        let got = try rows("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\nlast,,\n")
        #expect(got.map(\.fields) == [["a", "b", "c"], ["x, y", "say \"hi\"", "two\nlines"], ["last", "", ""]])
    }

    @Test func lineNumbersCountPhysicalLines() throws {
        let got = try rows("h1,h2\n\"multi\nline\nvalue\",1\nnext,2\n")
        #expect(got.map(\.line) == [1, 2, 5])
    }

    @Test func byteOrderMarkIsSkippedAndBlankLinesIgnored() throws {
        let got = try rows("\u{FEFF}身份证号,姓名\n\n34052419800101001X,张三")
        #expect(got.map(\.fields) == [["身份证号", "姓名"], ["34052419800101001X", "张三"]])
        #expect(got.map(\.line) == [1, 3])
    }

    @Test func unterminatedQuoteIsReportedWhereItStarts() {
        #expect(throws: CSVError.self) { try rows("a,b\n1,\"open\n2,3\n") }
        do throws(CSVError) {
            _ = try rows("a,b\n1,\"open\n2,3\n")
        } catch {
            #expect(error.line == 2)
            #expect(error.column == 2)
        }
    }

    @Test func textAfterAClosingQuoteIsAnError() {
        do throws(CSVError) {
            _ = try rows("a,b\n\"x\"y,1\n")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 2)
        }
    }

    @Test func invalidUTF8AndNULBytesAreRefused() {
        for bytes: [UInt8] in [[0x61, 0x2C, 0x62, 0x0A, 0xC3, 0x28, 0x0A], [0x61, 0x0A, 0x00, 0x0A]] {
            do throws(CSVError) {
                let r = CSVReader(bytes: bytes)
                while try r.next() != nil {}
                Issue.record("expected an error")
            } catch {
                #expect(error.line == 2)
            }
        }
    }

    @Test func writerQuotesWhatNeedsQuoting() throws {
        let fields = ["plain", "a,b", "say \"hi\"", "two\nlines", " edge", "欧阳"]
        let line = CSVWriter.line(fields)
        #expect(try rows(line).first?.fields == fields)
    }
}

@Suite struct FormulaNeutralisationTests {
    @Test func formulaCellsAreNeutralisedAndComeBackExactly() throws {
        let cells = ["=SUM(A1:A9)", "+86 123", "-坏账", "@cmd", "'quoted", "''=x", "plain", "", "3-5"]
        let line = CSVWriter.line(cells)
        #expect(line.hasPrefix("'=SUM(A1:A9),'+86 123,'-坏账,'@cmd,''quoted,'''=x,plain,,3-5"))
        #expect(try rows(line).first?.fields.map(CSVWriter.plain) == cells)
    }

    @Test func aFormulaInACellIsStoredAsTextAndExportedSafely() throws {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        _ = try importing(l, .person, personsCSV)
        let csv = "id_number,mode,category,title,provider,end_date,claimed_hours\n34052419800101001X,training,professional,\"=HYPERLINK(\"\"x\"\")\",'-本单位,2024-03-10,8\n"
        #expect(try importing(l, .record, csv).inserted == 1)
        var stored: CeledgerDomain.Record?
        try l.eachRecord { stored = $0.record }
        #expect(stored?.title == "=HYPERLINK(\"x\")")  // kept as the clerk wrote it
        #expect(stored?.provider == "-本单位")  // the apostrophe a spreadsheet added is not part of the text
        let line = CSVWriter.line(ExportShape.cells(try #require(stored)))
        #expect(line.contains("\"'=HYPERLINK(\"\"x\"\")\",'-本单位,"))
    }
}
