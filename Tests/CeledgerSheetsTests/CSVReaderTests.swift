import Testing

@testable import CeledgerSheets

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
}
