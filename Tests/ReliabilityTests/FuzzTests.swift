import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import CeledgerSQLite
import CeledgerSheets
import CeledgerTestSupport
import Foundation
import PropertyBased
import Testing

// Property-based tests over the CSV reader and writer and the import, in process. Each runs a bounded
// number of random cases; a failure prints the input and a `.fixedSeed(...)` to replay it.

/// Pieces random strings are made of: separators, quotes, line breaks, CJK, emoji (with a ZWJ sequence),
/// a combining mark (text in NFD, as macOS file names and some Excel exports have it), tabs.
let csvPieces: [String] = [
    "a", "Z", "7", " ", ",", "\"", "\r", "\n", "\r\n", "中", "文", "😀", "👩‍💻", "\u{301}", "\t", ";", "\u{3000}",
]

extension RandomNumberGenerator {
    mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &self)] }
}

/// A random string of up to `max` pieces.
func randomField<G: RandomNumberGenerator>(_ g: inout G, max: Int = 8) -> String {
    (0..<Int.random(in: 0...max, using: &g)).map { _ in g.pick(csvPieces) }.joined()
}

/// Rows of random fields; never a row of one empty field (that is a blank line, skipped by design).
func randomRows<G: RandomNumberGenerator>(_ g: inout G, rows: ClosedRange<Int> = 1...6) -> [[String]] {
    (0..<Int.random(in: rows, using: &g)).map { _ in
        var row = (0..<Int.random(in: 1...6, using: &g)).map { _ in randomField(&g) }
        if row == [""] { row = ["", ""] }
        return row
    }
}

/// Reads everything; the rows, or the error that stopped the reader.
func readAll(_ reader: CSVReader) -> (rows: [CSVRow], error: CSVError?) {
    var rows: [CSVRow] = []
    do throws(CSVError) {
        while let r = try reader.next() { rows.append(r) }
    } catch {
        return (rows, error)
    }
    return (rows, nil)
}

/// The highest line number text can have: LF, and CR not followed by LF, end lines.
func physicalLines(_ bytes: [UInt8]) -> Int {
    var n = 1
    for (i, b) in bytes.enumerated() where b == 0x0A || (b == 0x0D && (i + 1 == bytes.count || bytes[i + 1] != 0x0A)) { n += 1 }
    return n
}

/// Quotes a field when it holds a separator, quote or line break, checked scalar by scalar (the tests'
/// own writer, so that the import property does not depend on the writer under test).
func quoted(_ f: String) -> String {
    f.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
        ? "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : f
}

@Suite("Fuzz: CSV reader, writer and import")
struct FuzzTests {
    static let rules = [try! RuleSet.decode(Data(contentsOf: URL(fileURLWithPath: Paths.data + "/rules/jiangxi-2023.json")))]
    // MARK: (a) writer → reader round trip

    @Test(
        "any rows of random strings (commas, quotes, CR/LF, CJK, emoji, combining marks) written with CSVWriter.line read back identical"
    )
    func writerReaderRoundTrip() async {
        let gen = Generator<[[String]], Shrink.None<[[String]]>>(run: { rng in randomRows(&rng) })
        await propertyCheck(count: 200, input: gen) { rows in
            let text = rows.map(CSVWriter.line).joined()
            let (read, error) = readAll(CSVReader(text: text))
            #expect(
                error == nil, "the writer's output does not read back: \(String(describing: error)) for \(rows.debugDescription)")
            #expect(
                read.map(\.fields) == rows,
                "written \(rows.debugDescription)\nas \(text.debugDescription)\nread back \(read.map(\.fields).debugDescription)")
        }
    }

    @Test(
        "the writer quotes a field whose separator, quote or line break is part of a larger character: CRLF, a comma or quote with a combining mark"
    )
    func writerQuotesGraphemeClusters() {
        for field in ["a\r\nb", "备注第一行\r\n第二行", "a,\u{301}b", "\"\u{301}x"] {
            let text = CSVWriter.line(["left", field, "right"])
            let (rows, error) = readAll(CSVReader(text: text))
            #expect(
                error == nil && rows.map(\.fields) == [["left", field, "right"]],
                "CSVWriter.line wrote \(field.debugDescription) as \(text.debugDescription): it reads back as \(rows.map(\.fields).debugDescription) \(error.map { "\($0)" } ?? "")"
            )
        }
    }

    @Test("a note with a Windows line break (CRLF) survives export → import into a new ledger → export, as docs/cli.md promises")
    func exportOfCRLFNoteImportsBack() async throws {
        let s = try Sandbox()
        let ids = personIDs(1)
        try await s.ok(["import", "persons", try s.write("p.csv", personsCSV(ids))])
        try await s.ok([
            "import", "records",
            try s.write(
                "r.csv",
                "id_number,mode,category,title,end_date,claimed_hours,note\r\n\(ids[0]),training,public,课程,2024-01-01,3,\"第一行\r\n第二行\"\r\n"
            ),
        ])
        let exported = try s.write("exported.csv", try await s.ok(["export", "records"]).stdout)
        let other = s.path("other.sqlite")
        try await s.ok(["import", "persons", try s.write("p2.csv", try await s.ok(["export", "persons"]).stdout)], db: other)
        let r = try await s.run(["import", "records", exported], db: other)
        #expect(r.status == 0, "BUG: the exported file does not import back: \(r.summary)")
        if r.status == 0 {
            // As bytes: String(contentsOfFile:encoding: .utf8) drops the byte-order mark exports start with.
            #expect(
                try await s.ok(["export", "records"], db: other).stdoutData == FileManager.default.contents(atPath: exported))
        }
    }

    // MARK: (b) random bytes

    @Test(
        "random bytes (biased to quotes, separators, line breaks, BOM and UTF-8 pieces) never crash the reader; rows and errors carry plausible line numbers"
    )
    func readerOnRandomBytes() async {
        let special: [UInt8] = [
            0x22, 0x22, 0x2C, 0x2C, 0x0D, 0x0A, 0x0A, 0x00, 0xEF, 0xBB, 0xBF, 0x61, 0xC3, 0xA9, 0xE4, 0xB8, 0xAD, 0xFF, 0x80,
            0x20,
        ]
        let gen = Generator<[UInt8], Shrink.None<[UInt8]>>(run: { rng in
            (0..<Int.random(in: 0...400, using: &rng)).map { _ in
                Bool.random(using: &rng) ? rng.pick(special) : UInt8.random(in: 0...255, using: &rng)
            }
        })
        await propertyCheck(count: 300, input: gen) { bytes in
            let maxLine = physicalLines(bytes)
            let (rows, error) = readAll(CSVReader(bytes: bytes))
            var last = 0
            for r in rows {
                #expect(r.line > last && r.line <= maxLine, "row line \(r.line) after \(last), \(maxLine) lines, in \(bytes)")
                #expect(!r.fields.isEmpty)
                last = r.line
            }
            if let error {
                #expect(error.line >= 1 && error.line <= maxLine, "error on line \(error.line) of \(maxLine): \(error)")
                #expect(error.column.map { $0 >= 1 } ?? true)
            }
        }
    }

    @Test("reading a file in 64 KB chunks gives exactly what reading the same bytes in memory gives")
    func fileReaderAgreesWithMemoryReader() async throws {
        let dir = URL(fileURLWithPath: "/tmp").appendingPathComponent("celedger-rel-fuzz-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let gen = Generator<[UInt8], Shrink.None<[UInt8]>>(run: { rng in
            var bytes: [UInt8] = Bool.random(using: &rng) ? [0xEF, 0xBB, 0xBF] : []
            let target = Int.random(in: 60_000...200_000, using: &rng)
            while bytes.count < target {
                let rows = randomRows(&rng, rows: 20...40)
                bytes += Array(
                    rows.map { $0.map(quoted).joined(separator: ",") + (Bool.random(using: &rng) ? "\r\n" : "\n") }.joined().utf8)
                if Int.random(in: 0..<50, using: &rng) == 0 { bytes.append(rng.pick([0x22, 0xFF, 0x00])) }
            }
            return bytes
        })
        await propertyCheck(count: 12, input: gen) { bytes in
            let path = dir.appendingPathComponent("f.csv").path
            FileManager.default.createFile(atPath: path, contents: Data(bytes))
            let fromMemory = readAll(CSVReader(bytes: bytes))
            let fromFile = readAll(try CSVReader(path: path))
            #expect(fromFile.rows.map(\.fields) == fromMemory.rows.map(\.fields))
            #expect(fromFile.rows.map(\.line) == fromMemory.rows.map(\.line))
            #expect(fromFile.error == fromMemory.error)
        }
    }

    // MARK: (c) import of mutated files

    static let ids = personIDs(5)

    /// A valid records file as rows of cells (header first).
    static let validRows: [[String]] = {
        var rows = [
            [
                "id_number", "mode", "category", "title", "start_date", "end_date", "assessment", "claimed_hours",
                "recognized_hours", "recognition", "note",
            ]
        ]
        for (i, id) in ids.enumerated() {
            rows.append([id, "training", "public", "课程\(i)", "2024-03-01", "2024-03-02", "passed", "12", "12", "recognized", ""])
            rows.append([id, "online", "professional", "在线\(i)", "2024-05-01", "2024-05-01", "none", "8.1", "", "pending", "备注"])
        }
        return rows
    }()

    /// Values a mutated cell may take: valid ones from other columns, near misses, and hostile text.
    static let cellValues = [
        "", " ", "x", "training", "培训班", "public", "专业", "passed", "不合格", "recognized", "rejected", "pending",
        "2024-02-30", "2024年3月4日", "２０２４-01-01", "1900-01-01", "2101-01-01", "-1", "0", "999.95", "1e9",
        "99999999999999999999", "8.15", "NaN", "\"", ",", "\n", "\r\n", "=1+1", "\u{0}", "\u{1B}[31m",
        String(repeating: "长", count: 300), ids[1], "36010219700101001X", "360102700101001",
    ]

    struct ImportCase: Sendable, CustomStringConvertible {
        let bytes: [UInt8]
        let skipInvalid: Bool
        var description: String {
            "skipInvalid: \(skipInvalid), file: \(String(decoding: bytes, as: UTF8.self).debugDescription)"
        }
    }

    static func mutated<G: RandomNumberGenerator>(_ g: inout G) -> ImportCase {
        var rows = validRows
        for _ in 0..<Int.random(in: 1...4, using: &g) {
            let r = Int.random(in: 0..<rows.count, using: &g)
            switch Int.random(in: 0..<9, using: &g) {
            case 0, 1, 2:
                if !rows[r].isEmpty { rows[r][Int.random(in: 0..<rows[r].count, using: &g)] = g.pick(cellValues) }
            case 3: if !rows[r].isEmpty { rows[r].remove(at: Int.random(in: 0..<rows[r].count, using: &g)) }
            case 4: rows[r].insert(g.pick(cellValues), at: Int.random(in: 0...rows[r].count, using: &g))
            case 5: rows.insert(rows[r], at: Int.random(in: 1...rows.count, using: &g))
            case 6: if rows.count > 1 { rows.remove(at: Int.random(in: 1..<rows.count, using: &g)) }
            case 7: if r > 0 { rows.swapAt(r, Int.random(in: 1..<rows.count, using: &g)) }
            default: rows[r] = rows[r].map { _ in randomField(&g, max: 3) }
            }
        }
        var bytes = Array(rows.map { $0.map(quoted).joined(separator: ",") + "\r\n" }.joined().utf8)
        // Sometimes damage the bytes themselves: a stray quote, an invalid byte, or a cut anywhere.
        switch Int.random(in: 0..<6, using: &g) {
        case 0: bytes.insert(0x22, at: Int.random(in: 0...bytes.count, using: &g))
        case 1: bytes.insert(0xFF, at: Int.random(in: 0...bytes.count, using: &g))
        case 2: bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &g)))
        default: break
        }
        return ImportCase(bytes: bytes, skipInvalid: Int.random(in: 0..<4, using: &g) == 0)
    }

    @Test(
        "importing random mutations of a valid records file never crashes or throws, is all-or-nothing, and every error's line is in the file"
    )
    func importOfMutatedFiles() async throws {
        let persons = personsCSV(Self.ids)
        let gen = Generator<ImportCase, Shrink.None<ImportCase>>(run: { rng in FuzzTests.mutated(&rng) })
        await propertyCheck(count: 200, input: gen) { c in
            let ledger = try SQLiteLedger.inMemory(pinyin: PinyinIndex(), rules: FuzzTests.rules)
            let p = try ledger.importRows(.person, from: CSVReader(text: persons))
            try #require(p.committed && p.inserted == Self.ids.count)
            let report: ImportReport
            do {
                report = try ledger.importRows(
                    .record, from: CSVReader(bytes: c.bytes), options: ImportOptions(skipInvalid: c.skipInvalid))
            } catch {
                Issue.record("importRows threw instead of reporting rows: \(error) — \(c)")
                return
            }
            let records = try ledger.counts().records
            let maxLine = physicalLines(c.bytes)
            if c.skipInvalid {
                #expect(report.committed == !report.fileIsBroken, "\(c)")
                if !report.fileIsBroken { #expect(report.rejected.count == report.badRowCount, "\(c)") }
            } else {
                #expect(
                    report.committed == report.errors.isEmpty,
                    "committed \(report.committed) with \(report.errors.count) errors — \(c)")
            }
            if report.committed {
                #expect(records == report.inserted, "\(records) records, report says \(report.inserted) inserted — \(c)")
                if !c.skipInvalid {
                    #expect(
                        report.rows == report.inserted + report.duplicateCount,
                        "\(report.rows) rows, \(report.inserted) inserted, \(report.duplicateCount) duplicates — \(c)")
                }
            } else {
                #expect(records == 0, "not committed, yet \(records) records are in — \(c)")
                #expect(!report.errors.isEmpty, "nothing imported and no error said why — \(c)")
            }
            #expect(
                report.errors.isEmpty == (report.badRowCount == 0),
                "\(report.badRowCount) bad rows, \(report.errors.count) errors — \(c)")
            for e in report.errors + report.duplicates {
                #expect(
                    e.line >= 1 && e.line <= maxLine, "error on line \(e.line) of a \(maxLine)-line file: \(e.message) — \(c)")
            }
        }
    }
}
