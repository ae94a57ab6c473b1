import Foundation
import Testing
import ZIPFoundation

@testable import CeledgerSheets

@Suite("Reader limits and the output file")
struct LimitsAndOutputTests {
    /// A workbook with one sheet and the given shared strings (each an `<si>`).
    static func workbook(strings: [String], at path: String) throws {
        let w = try XLSXWriter(path: path, sheetName: "s")
        try w.header([TableColumn("a")])
        try w.finish(creator: "t", created: Date(), title: "t")
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .update)
        let sst = Data(
            ("<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
                + strings.map { "<si><t>\($0)</t></si>" }.joined() + "</sst>").utf8)
        try archive.addEntry(
            with: "xl/sharedStrings.xml", type: .file, uncompressedSize: Int64(sst.count), compressionMethod: .deflate
        ) { position, size in sst.subdata(in: Int(position)..<Int(position) + size) }
    }

    @Test("the shared strings' total text, their number and a string's size each have a limit, named in the message")
    func sharedStringLimits() throws {
        let path = NSTemporaryDirectory() + "/celedger-sst-\(UUID().uuidString).xlsx"
        defer { unlink(path) }
        try Self.workbook(strings: Array(repeating: String(repeating: "z", count: 1000), count: 50), at: path)
        func refused(_ limits: XLSXReader.Limits, _ text: String) {
            do throws(SheetError) {
                _ = try XLSXReader(path: path, limits: limits)
                Issue.record("expected: \(text)")
            } catch {
                #expect(error.message.en.contains(text), "\(error.message.en)")
                #expect(error.message.en.hasPrefix(path), "the file is not named: \(error.message.en)")
            }
        }
        refused(XLSXReader.Limits(sharedStringsTextBytes: 20_000), "add up to more than")
        refused(XLSXReader.Limits(sharedStrings: 10), "more than 10 shared strings")
        refused(XLSXReader.Limits(cellBytes: 500), "shared string 1 in xl/sharedStrings.xml is larger than")
        #expect(throws: Never.self) { _ = try XLSXReader(path: path) }
    }

    @Test("every reader's limit is a named constant: XLSX as CSV, 1 MB a cell; 16,384 cells a row")
    func limitsAgree() {
        #expect(XLSXReader.Limits().cellBytes == CSVReader.maxFieldBytes)
        #expect(CSVReader.maxFields == XLSXReader.maxColumns)
        #expect(XMLPullParser.maxTokenBytes >= 6 * XLSXReader.Limits().cellBytes)
    }

    @Test("a CSV reader given a descriptor and the bytes already read from it loses nothing")
    func csvContinuesItsHead() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let text = "\u{FEFF}id_number,name\n1,张三\n"
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(fds[1], $0.baseAddress! + 8, $0.count - 8) }
        close(fds[1])
        let reader = CSVReader(fd: fds[0], head: Array(bytes[0..<8]))
        #expect(try reader.next()?.fields == ["id_number", "name"])
        #expect(try reader.next()?.fields == ["1", "张三"])
        #expect(try reader.next() == nil)
    }

    @Test("an output file: the temporary file is 0600 from its first byte (umask 000), the target replaced only at commit")
    func outputFileIsOwnerOnly() throws {
        let dir = NSTemporaryDirectory() + "/celedger-out-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let target = dir + "/card.html"
        FileManager.default.createFile(atPath: target, contents: Data("old".utf8))
        let old = umask(0)
        defer { umask(old) }
        let f = try OutputFile(path: target)
        let temps = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0 != "card.html" }
        #expect(temps.count == 1)
        var st = stat()
        stat(dir + "/" + temps[0], &st)
        #expect(st.st_mode & 0o777 == 0o600, "the temporary file is \(String(st.st_mode & 0o777, radix: 8))")
        try f.write("new")
        #expect(String(decoding: FileManager.default.contents(atPath: target)!, as: UTF8.self) == "old")
        try f.commit()
        #expect(String(decoding: FileManager.default.contents(atPath: target)!, as: UTF8.self) == "new")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["card.html"])
        // A link is refused; a directory too.
        let link = dir + "/link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(throws: SheetError.self) { try OutputFile.write(Data("x".utf8), to: link) }
        #expect(throws: SheetError.self) { try OutputFile.write(Data("x".utf8), to: dir) }
        #expect(String(decoding: FileManager.default.contents(atPath: target)!, as: UTF8.self) == "new")
    }
}
