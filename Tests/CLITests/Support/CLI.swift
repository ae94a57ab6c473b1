import CeledgerTestSupport
import Foundation
import Testing

// End-to-end support: runs the built `celedger` binary in a clean environment and a private temporary
// folder per test, and collects its exit status, stdout and stderr.

/// Locations the suite needs: the binary under test and the repository's data folder.
enum Paths {
    static let repo: URL = TestRepository.root

    static let data: String = TestRepository.data

    static let golden: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Golden")

    static var binary: String? { TestBinary.celedger }
    static func requireBinary() throws -> String { try TestBinary.require() }
    static var sqlite3: String? { TestBinary.sqlite3 }
}

/// One test's private world (`TestSandbox`: a temporary folder with HOME, XDG_DATA_HOME and a ledger
/// path in it), and the ways this suite runs the binary there.
final class Sandbox: TestSandbox, @unchecked Sendable {
    init(_ label: String = #function) throws {
        try super.init(label: label, prefix: "celedger-cli", in: URL(fileURLWithPath: NSTemporaryDirectory()))
    }

    /// Starts the binary. `db: true` appends `--db <ledger>` after the arguments.
    func start(
        _ args: [String], db withDB: Bool = true, lang: String? = "en", env extra: [String: String] = [:],
        removingEnv: Set<String> = [], stdin: Data? = nil, umask mask: String? = nil
    ) throws -> RunningProcess {
        var full = args
        if withDB { full += ["--db", db] }
        if let lang { full += ["--lang", lang] }
        let env = environment(extra, removing: removingEnv)
        if let mask {
            // Through the shell only to set the umask; exec keeps the process the binary itself.
            return try RunningProcess(
                executable: "/bin/sh", arguments: ["-c", "umask \(mask); exec \"$0\" \"$@\"", binary] + full,
                environment: env, directory: dir, stdin: stdin, displayArguments: full)
        }
        return try RunningProcess(executable: binary, arguments: full, environment: env, directory: dir, stdin: stdin)
    }

    /// Runs the binary to the end and checks that nothing it printed looks like a crash.
    @discardableResult
    func run(
        _ args: [String], db withDB: Bool = true, lang: String? = "en", env extra: [String: String] = [:],
        removingEnv: Set<String> = [], stdin: Data? = nil, umask mask: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> CLIResult {
        let r = try start(args, db: withDB, lang: lang, env: extra, removingEnv: removingEnv, stdin: stdin, umask: mask).finish()
        expectNoCrash(r, sourceLocation: sourceLocation)
        return r
    }

    /// Same, without blocking a Swift concurrency thread (for the long runs).
    @discardableResult
    func runAsync(
        _ args: [String], db withDB: Bool = true, lang: String? = "en", env extra: [String: String] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> CLIResult {
        let r = try await start(args, db: withDB, lang: lang, env: extra).finished()
        expectNoCrash(r, sourceLocation: sourceLocation)
        return r
    }

    /// Runs and expects exit 0.
    @discardableResult
    func ok(
        _ args: [String], db withDB: Bool = true, lang: String? = "en", env extra: [String: String] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> CLIResult {
        let r = try run(args, db: withDB, lang: lang, env: extra, sourceLocation: sourceLocation)
        #expect(r.status == 0, "\(r.summary)", sourceLocation: sourceLocation)
        return r
    }

    // MARK: conveniences over the CLI

    /// Imports a CSV text and expects success.
    @discardableResult
    func importOK(
        _ kind: String, _ name: String, _ text: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> CLIResult {
        let p = try write(name, text)
        return try ok(["import", kind, p], sourceLocation: sourceLocation)
    }

    func export(_ kind: String, _ extra: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try ok(["export", kind] + extra, sourceLocation: sourceLocation).stdout
    }

    /// `report annual --format json` parsed: one dictionary per person.
    func annualJSON(
        _ year: Int, _ extra: [String] = [], sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [[String: Any]] {
        let r = try ok(["report", "annual", "--year", String(year), "--format", "json"] + extra, sourceLocation: sourceLocation)
        let parsed = try JSONSerialization.jsonObject(with: r.stdoutData)
        guard let rows = parsed as? [[String: Any]] else {
            throw SetupError("report JSON is not an array of objects:\n\(r.stdout)")
        }
        return rows
    }
}

/// Byte equality without Swift Testing printing a diff of every byte when it fails.
/// The gender a resident ID encodes: the 17th character, odd for male.
func gender(of id: String) -> String {
    let digit = Int(String(Array(id)[16]))!
    return digit % 2 == 1 ? "male" : "female"
}

/// A small RFC 4180 parser, written for the tests so that they do not trust the reader under test.
/// Returns rows of fields; handles quotes, doubled quotes, embedded commas and line breaks, CRLF and a BOM.
func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = []
    var row: [String] = []
    var field = ""
    var inQuotes = false
    var justClosedQuote = false
    var scalars = Array(text.unicodeScalars)
    if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
    var i = 0
    func endRow() {
        row.append(field)
        field = ""
        if !(row.count == 1 && row[0].isEmpty) { rows.append(row) }
        row = []
    }
    while i < scalars.count {
        let c = scalars[i]
        if inQuotes {
            if c == "\"" {
                if i + 1 < scalars.count && scalars[i + 1] == "\"" {
                    field.unicodeScalars.append("\"")
                    i += 1
                } else {
                    inQuotes = false
                    justClosedQuote = true
                }
            } else {
                field.unicodeScalars.append(c)
            }
        } else {
            switch c {
            case "\"" where field.isEmpty && !justClosedQuote: inQuotes = true
            case ",":
                row.append(field)
                field = ""
                justClosedQuote = false
            case "\r":
                if i + 1 < scalars.count && scalars[i + 1] == "\n" { i += 1 }
                endRow()
                justClosedQuote = false
            case "\n":
                endRow()
                justClosedQuote = false
            default: field.unicodeScalars.append(c)
            }
        }
        i += 1
    }
    if !field.isEmpty || !row.isEmpty { endRow() }
    return rows
}

/// CSV rows as dictionaries keyed by the header.
func csvRecords(_ text: String) -> (header: [String], rows: [[String: String]]) {
    let rows = parseCSV(text)
    guard let header = rows.first else { return ([], []) }
    return (
        header,
        rows.dropFirst().map { r in
            Dictionary(uniqueKeysWithValues: header.enumerated().map { ($0.element, $0.offset < r.count ? r[$0.offset] : "") })
        }
    )
}

/// "8.1" → 81 tenths, exactly, from the decimal text; nil for anything else.
func tenths(_ s: String) -> Int? {
    let parts = s.split(separator: ".", omittingEmptySubsequences: false)
    guard (1...2).contains(parts.count), let whole = Int(parts[0]), whole >= 0 else { return nil }
    if parts.count == 1 { return whole * 10 }
    let frac = parts[1]
    guard frac.count == 1, let d = Int(frac) else { return nil }
    return whole * 10 + d
}

/// A JSON number as tenths. Fails (nil) for strings, booleans and anything with more than one decimal.
func jsonTenths(_ v: Any?) -> Int? {
    guard let n = v as? NSNumber, !(v is String) else { return nil }
    #if canImport(Darwin)
        if CFGetTypeID(n) == CFBooleanGetTypeID() { return nil }
    #endif
    let t = (n.doubleValue * 10).rounded()
    guard abs(n.doubleValue * 10 - t) < 1e-6 else { return nil }
    return Int(t)
}

/// Terminal display width, written for the tests: CJK ideographs, CJK punctuation and full-width forms
/// take two cells, everything else one.
func cells(_ s: some StringProtocol) -> Int {
    s.unicodeScalars.reduce(0) { w, u in
        switch u.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
            0x20000...0x3FFFD:
            return w + 2
        case 0x0300...0x036F, 0x200B...0x200F, 0xFE00...0xFE0F:
            return w
        default:
            return w + 1
        }
    }
}

// MARK: - golden files

/// Compares `actual` with Tests/CLITests/Golden/<name> (`GoldenFiles`; CELEDGER_RECORD_GOLDEN=1 rewrites it and fails).
func expectGolden(_ name: String, _ actual: String, sourceLocation: SourceLocation = #_sourceLocation) {
    GoldenFiles(Paths.golden).expect(name, actual, sourceLocation: sourceLocation)
}
