import CeledgerTestSupport
import Foundation
import GRDB
import Testing

// Hostile input: files a clerk may be sent, and ledger files that are not what they should be. Each one
// gets a clear error, one line per problem, a non-zero exit, no crash, and the ledger stays as it was.

/// Deterministic bytes (SplitMix64), so that a failure can be replayed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func randomBytes(_ count: Int, seed: UInt64) -> Data {
    var g = SplitMix(seed: seed)
    var d = Data(count: count)
    for i in 0..<count { d[i] = UInt8(truncatingIfNeeded: g.next()) }
    return d
}

let recordsHeader = "id_number,mode,category,title,end_date,claimed_hours"

enum HostileFile: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case randomBytes, emptyFile, tenMBField, tenMBQuotedField, invalidUTF8, gbkEncoded, utf16, nulBytes,
        fiveMBLineOfCommas, fiveMBLineWithoutNewline, fiveMBUnterminatedQuote, semicolonSeparated, tabSeparated

    var testDescription: String { rawValue }

    func contents(person id: String) -> Data {
        let row = "\(id),training,public,"
        func big(_ n: Int, _ c: UInt8) -> Data { Data(repeating: c, count: n) }
        switch self {
        case .randomBytes: return HostileInputTests.randomFile
        case .emptyFile: return Data()
        case .tenMBField:
            return Data("\(recordsHeader)\n\(row)".utf8) + big(10 << 20, UInt8(ascii: "x")) + Data(",2024-01-01,3\n".utf8)
        case .tenMBQuotedField:
            return Data("\(recordsHeader)\n\(row)\"".utf8) + big(10 << 20, UInt8(ascii: "y")) + Data("\",2024-01-01,3\n".utf8)
        case .invalidUTF8:
            return Data("\(recordsHeader)\n\(row)ok,2024-01-01,3\n\(row)".utf8) + Data([0xC3, 0x28, 0xFF])
                + Data(",2024-01-02,3\n".utf8)
        case .gbkEncoded:
            // 身份证号,学习方式 in GBK, as a spreadsheet saved without "CSV UTF-8" writes it: read as GB18030,
            // a header that lacks the required columns.
            return Data([
                0xC9, 0xED, 0xB7, 0xDD, 0xD6, 0xA4, 0xBA, 0xC5, 0x2C, 0xD1, 0xA7, 0xCF, 0xB0, 0xB7, 0xBD, 0xCA, 0xBD, 0x0A,
            ])
        case .utf16:
            var d = Data([0xFF, 0xFE])
            for u in "\(recordsHeader)\n\(row)t,2024-01-01,3\n".utf16 { d += Data([UInt8(u & 0xFF), UInt8(u >> 8)]) }
            return d
        case .nulBytes:
            return Data("\(recordsHeader)\n\(row)a".utf8) + Data([0, 0, 0]) + Data("b,2024-01-01,3\n".utf8)
        case .fiveMBLineOfCommas:
            return Data("\(recordsHeader)\n".utf8) + big(5 << 20, UInt8(ascii: ","))
        case .fiveMBLineWithoutNewline:
            return Data("\(recordsHeader)\n\(row)".utf8) + big(5 << 20, UInt8(ascii: "z"))
        case .fiveMBUnterminatedQuote:
            var d = Data("\(recordsHeader)\n\(row)\"".utf8)
            for _ in 0..<(5 << 20) / 64 {
                d += Data("a line of text, with a comma; still inside the quotes............\n".utf8.prefix(64))
            }
            return d
        case .semicolonSeparated:
            return Data(
                "\(recordsHeader.replacingOccurrences(of: ",", with: ";"))\n\(row.replacingOccurrences(of: ",", with: ";"))t;2024-01-01;3\n"
                    .utf8)
        case .tabSeparated:
            return Data(
                "\(recordsHeader.replacingOccurrences(of: ",", with: "\t"))\n\(row.replacingOccurrences(of: ",", with: "\t"))t\t2024-01-01\t3\n"
                    .utf8)
        }
    }

    /// What the message must say, one of these (empty: anything clear will do).
    var expected: [String] {
        switch self {
        case .randomBytes, .utf16: []
        case .emptyFile: ["empty"]
        case .tenMBField, .tenMBQuotedField, .fiveMBLineWithoutNewline: ["larger than 1 MB"]
        case .invalidUTF8: ["line 3: title: not UTF-8 or GB18030"]
        case .gbkEncoded: ["is missing"]
        case .nulBytes: ["NUL"]
        // The reader stops at 16,384 cells (`CSVReader.maxFields`) instead of holding five million.
        case .fiveMBLineOfCommas: ["a row has more than 16384 cells"]
        // The quoted cell passes 1 MB before the end of the file shows the quote never closes.
        case .fiveMBUnterminatedQuote: ["unterminated", "line 2: title: a cell is larger than 1 MB"]
        case .semicolonSeparated: ["separated by semicolon"]
        case .tabSeparated: ["separated by tab"]
        }
    }
}

@Suite("Hostile input")
struct HostileInputTests {
    static let randomFile = randomBytes(64 << 10, seed: 0xC0FFEE)

    /// A ledger with three persons and six records.
    static func smallLedger(_ s: Sandbox) async throws -> [String] {
        let ids = personIDs(3)
        try await s.ok(["import", "persons", try s.write("persons.csv", personsCSV(ids))])
        try await s.ok(["import", "records", try s.write("records.csv", recordsCSV(ids, perPerson: 2))])
        return ids
    }

    @Test(
        "a hostile CSV given to import records: exit 1, one line per problem, no crash, the ledger unchanged",
        arguments: HostileFile.allCases)
    func hostileCSV(_ kind: HostileFile) async throws {
        let s = try Sandbox(kind.rawValue)
        let ids = try await Self.smallLedger(s)
        let before = try await s.snapshot()
        let file = try s.write("hostile.csv", kind.contents(person: ids[0]))
        let r = try await s.run(["import", "records", file])
        #expect(r.status == 1, "\(r.summary)")
        expectOneLinePerProblem(r, file: file)
        if !kind.expected.isEmpty {
            #expect(kind.expected.contains { r.stderr.contains($0) }, "the message does not say \(kind.expected):\n\(r.summary)")
        }
        #expect(r.stderr.utf8.count < 4096, "the message is \(r.stderr.utf8.count) bytes long")
        #expect(r.stdout.isEmpty, "\(r.summary)")
        #expect(try await s.snapshot() == before, "the ledger changed")
        // The same file validated with --dry-run, and imported as persons: the same verdict.
        for args in [["import", "records", file, "--dry-run"], ["import", "persons", file]] {
            let other = try await s.run(args)
            #expect(other.status == 1, "\(other.summary)")
            expectOneLinePerProblem(other, file: file)
        }
        #expect(try await s.snapshot() == before, "the ledger changed")
    }

    @Test("a file with the header only imports nothing and succeeds (exit 0, '0 added'), the ledger unchanged")
    func headerOnly() async throws {
        let s = try Sandbox()
        _ = try await Self.smallLedger(s)
        let before = try await s.snapshot()
        let r = try await s.run(["import", "records", try s.write("h.csv", recordsHeader + "\r\n")])
        #expect(r.status == 0, "\(r.summary)")
        #expect(r.stdout == "imported records: 0 added\n", "\(r.summary)")
        let p = try await s.run(["import", "persons", try s.write("hp.csv", "id_number,name\n")])
        #expect(p.status == 0, "\(p.summary)")
        #expect(p.stdout.contains("0 added, 0 updated, 0 unchanged"), "\(p.summary)")
        #expect(try await s.snapshot() == before)
    }

    @Test(
        "a bad value holding a line break or an escape sequence, or such a column name, is reported on one line without control characters"
    )
    func messagesNeverCarryLineBreaksOrEscapes() async throws {
        let s = try Sandbox()
        let ids = try await Self.smallLedger(s)
        let before = try await s.snapshot()
        let files = [
            // A quoted cell may hold a line break; the value is not a learning mode.
            "\(recordsHeader)\n\(ids[0]),\"train\ning\",public,t,2024-01-01,3\n",
            // An ANSI escape sequence in a cell would recolour (or rewrite) the clerk's terminal.
            "\(recordsHeader)\n\(ids[0]),training,pub\u{1B}[31mlic\u{1B}[0m,t,2024-01-01,3\n",
            // A column name with a line break.
            "id_number,\"foo\r\nbar\",mode,category,title,end_date,claimed_hours\n",
            // A one-column header with a semicolon and a line break.
            "\"id_number\nmode;category\"\n1\n",
        ]
        for (i, text) in files.enumerated() {
            let file = try s.write("bad\(i).csv", text)
            // --strict refuses the unknown column; without it the column is ignored, and named on one line.
            let r = try await s.run(["import", "records", file, "--strict"])
            #expect(r.status == 1, "\(r.summary)")
            expectOneLinePerProblem(r, file: file)
            let lenient = try await s.run(["import", "records", file])
            expectOneLinePerProblem(lenient, file: file)
        }
        #expect(try await s.snapshot() == before)
    }

    // MARK: - the ledger file itself

    /// Expects a refusal: exit 3, one line containing `text`, and the file byte for byte as it was.
    static func expectRefused(
        _ s: Sandbox, db: String, _ args: [String], contains text: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let bytes = s.bytes(db)
        let r = try await s.run(args, db: db, sourceLocation: sourceLocation)
        #expect(r.status == 3, "\(r.summary)", sourceLocation: sourceLocation)
        #expect(r.stderrLines.count == 1, "\(r.summary)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(text), "the message does not say \"\(text)\":\n\(r.summary)", sourceLocation: sourceLocation)
        #expect(
            sameBytes(s.bytes(db), bytes),
            "BUG: \(args.joined(separator: " ")) changed the file given as --db (\(bytes?.count ?? -1) → \(s.bytes(db)?.count ?? -1) bytes)",
            sourceLocation: sourceLocation)
    }

    /// A ledger with persons and `perPerson` records each, closed cleanly (no -wal), and where its record
    /// table starts.
    static func closedLedger(
        _ s: Sandbox, persons: Int = 3, perPerson: Int = 2
    ) async throws -> (path: String, pageSize: Int, recordRoot: Int, records: String) {
        let ids = personIDs(persons)
        try await s.ok(["import", "persons", try s.write("persons.csv", personsCSV(ids))])
        try await s.ok(["import", "records", try s.write("records.csv", recordsCSV(ids, perPerson: perPerson))])
        let more = try s.write("more.csv", recordsCSV(ids, perPerson: perPerson + 4, tag: "加课"))
        let queue = try DatabaseQueue(path: s.db)
        let (pageSize, root) = try await queue.read { db in
            (
                try Int.fetchOne(db, sql: "PRAGMA page_size")!,
                try Int.fetchOne(db, sql: "SELECT rootpage FROM sqlite_master WHERE name = 'record'")!
            )
        }
        try queue.close()
        #expect(!FileManager.default.fileExists(atPath: s.db + "-wal"))
        return (s.db, pageSize, root, more)
    }

    @Test("a text file given as --db to import: exit 3, 'not a celedger ledger', never written")
    func textFileAsLedger() async throws {
        let s = try Sandbox()
        let ids = personIDs(1)
        let notes = try s.write("notes.txt", "这不是登记簿\nnot a ledger\n")
        try await Self.expectRefused(
            s, db: notes, ["import", "persons", try s.write("p.csv", personsCSV(ids))], contains: "not a celedger ledger")
        try await Self.expectRefused(s, db: notes, ["demo", "--persons", "3"], contains: "not a celedger ledger")
    }

    @Test("a ledger wrecked after its header, or cut short: import refuses with exit 3 and never writes it")
    func wreckedLedger() async throws {
        let s = try Sandbox()
        let l = try await Self.closedLedger(s)
        let good = try #require(s.bytes(l.path))
        var wrecked = good
        for i in 100..<wrecked.count { wrecked[i] = UInt8(truncatingIfNeeded: i &* 31 &+ 7) }
        try wrecked.write(to: URL(fileURLWithPath: l.path))
        try await Self.expectRefused(s, db: l.path, ["import", "records", l.records], contains: "corrupt")

        let short = s.path("short.sqlite")
        try good.prefix(2 * l.pageSize + 100).write(to: URL(fileURLWithPath: short))
        let r = try await s.run(["import", "records", l.records], db: short)
        #expect(r.status == 3, "\(r.summary)")
        #expect(r.stderrLines.count == 1, "\(r.summary)")
        #expect(sameBytes(s.bytes(short), good.prefix(2 * l.pageSize + 100)), "BUG: the cut-short ledger was written")
    }

    /// A ledger of 2,000 records whose record table's root (an interior page) is wrecked from `offset` on.
    static func damagedLedger(_ s: Sandbox, from offset: Int) async throws -> (path: String, records: String, damaged: Data) {
        // Enough records for the table's root to be an interior page, which every insert goes through.
        let l = try await Self.closedLedger(s, persons: 50, perPerson: 40)
        var bytes = try #require(s.bytes(l.path))
        let start = (l.recordRoot - 1) * l.pageSize
        #expect(bytes[start] == 0x05, "the record table's root is not an interior page")
        for i in (start + offset)..<(start + l.pageSize) { bytes[i] = UInt8(truncatingIfNeeded: i &* 37 &+ 11) }
        try bytes.write(to: URL(fileURLWithPath: l.path))
        return (l.path, l.records, bytes)
    }

    @Test(
        "a ledger whose record table is damaged where every insert goes (the root page's right-most child): import says 'corrupt … left untouched', exit 3, and the file must really be untouched"
    )
    func damagedTableDetected() async throws {
        let s = try Sandbox()
        // From offset 8: the right-most child pointer of the interior page, and its cells.
        let l = try await Self.damagedLedger(s, from: 8)
        try await Self.expectRefused(s, db: l.path, ["import", "records", l.records], contains: "corrupt")
    }

    @Test(
        "a ledger whose record table's root has damaged cells (new rows still find the intact right-most pointer): import refuses, because it reads its new rows back by id to write their history"
    )
    func damagedCellsDetected() async throws {
        let s = try Sandbox()
        // From offset 12: the cells only. Inserting alone would not meet them (appending goes down the
        // right-most pointer); reading the new rows back by id searches the root's cells.
        let l = try await Self.damagedLedger(s, from: 12)
        #expect(try Probe.inspect(l.path).integrity != "ok")
        try await Self.expectRefused(s, db: l.path, ["import", "records", l.records], contains: "corrupt")
    }

    @Test(
        "an immutable ledger (chattr +i: read-only even for root): import fails with exit 3 'read-only', the ledger unchanged; reading still works",
        .enabled(if: Immutable.available, "needs root and chattr on the file system of /tmp"))
    func immutableLedger() async throws {
        let s = try Sandbox()
        let ids = try await Self.smallLedger(s)
        let before = try await s.snapshot()
        try #require(Immutable.set(s.db, true))
        defer { _ = Immutable.set(s.db, false) }
        try await Self.expectRefused(
            s, db: s.db, ["import", "records", try s.write("r.csv", recordsCSV(ids, perPerson: 5, tag: "新"))],
            contains: "read-only")
        try await Self.expectRefused(
            s, db: s.db, ["import", "persons", try s.write("p.csv", personsCSV(personIDs(5)))], contains: "read-only")
        #expect(try await s.snapshot() == before)
        try await s.ok(["report", "annual", "--year", "2024"])
    }

    @Test(
        "a ledger on a read-only file system: import fails with exit 3 and a message that says read-only; the ledger unchanged",
        .enabled(if: Tmpfs.available, "needs root allowed to mount a tmpfs"))
    func ledgerOnReadOnlyFileSystem() async throws {
        let s = try Sandbox()
        let fs = try Tmpfs(at: s.path("ro"), kilobytes: 2048)
        defer { fs.unmount() }
        let db = fs.mountPoint + "/ledger.sqlite"
        // A ledger copied onto read-only media: the file alone, as a clean close leaves it.
        let ids = try await Self.smallLedger(s)
        try FileManager.default.copyItem(atPath: s.db, toPath: db)
        try fs.remountReadOnly()
        try await Self.expectRefused(
            s, db: db, ["import", "records", try s.write("r.csv", recordsCSV(ids, perPerson: 5, tag: "新"))], contains: "read-only"
        )
    }

    @Test(
        "a ledger on a read-only file system can still be read: export and report work",
        .enabled(if: Tmpfs.available, "needs root allowed to mount a tmpfs"))
    func readingFromReadOnlyFileSystem() async throws {
        let s = try Sandbox()
        let fs = try Tmpfs(at: s.path("ro"), kilobytes: 2048)
        defer { fs.unmount() }
        let db = fs.mountPoint + "/ledger.sqlite"
        // A ledger copied onto read-only media (an archive, a read-only share): the file alone.
        _ = try await Self.smallLedger(s)
        let before = try await s.snapshot()
        try FileManager.default.copyItem(atPath: s.db, toPath: db)
        try fs.remountReadOnly()
        for args in [["export", "records"], ["export", "persons"], ["report", "annual", "--year", "2024", "--format", "csv"]] {
            let r = try await s.run(args, db: db)
            #expect(r.status == 0, "BUG: a read-only ledger (an archive copy, a read-only share) cannot be read: \(r.summary)")
        }
        let r = try await s.run(["export", "records"], db: db)
        #expect(before.hasSuffix(r.stdout))
    }

    @Test(
        "a full disk (a 700 KB tmpfs): import fails with exit 3 'disk is full', the ledger passes integrity_check and holds what it held",
        .enabled(if: Tmpfs.available, "needs root allowed to mount a tmpfs"))
    func fullDisk() async throws {
        let s = try Sandbox()
        let fs = try Tmpfs(at: s.path("small"), kilobytes: 700)  // a new ledger and its WAL take ~600 KB since v9
        defer { fs.unmount() }
        let db = fs.mountPoint + "/ledger.sqlite"
        let ids = personIDs(100)
        try await s.ok(["import", "persons", try s.write("p.csv", personsCSV(ids))], db: db)
        try await s.ok(["import", "records", try s.write("r1.csv", recordsCSV(Array(ids.prefix(10)), perPerson: 3))], db: db)
        let before = try await s.snapshot(db: db)
        let big = try s.write("big.csv", recordsCSV(ids, perPerson: 60, tag: "大批", note: String(repeating: "备注", count: 20)))
        #expect(fileSize(big) > 1_000_000)

        let r = try await s.run(["import", "records", big], db: db)
        #expect(r.status == 3, "\(r.summary)")
        #expect(r.stderrLines.count == 1, "\(r.summary)")
        #expect(r.stderr.contains("disk is full"), "\(r.summary)")
        let state = try Probe.inspect(db)
        #expect(state.integrity == "ok", "\(state)")
        #expect(state.persons == 100 && state.records == 30, "\(state)")
        #expect(try await s.snapshot(db: db) == before, "the ledger changed")
        // A small import still fits after the failed one gave its space back.
        let small = try await s.run(
            ["import", "records", try s.write("r2.csv", recordsCSV(Array(ids.prefix(2)), perPerson: 1, tag: "小"))], db: db)
        #expect(small.status == 0 || (small.status == 3 && small.stderr.contains("disk is full")), "\(small.summary)")
        #expect(try Probe.inspect(db).integrity == "ok")
    }
}
