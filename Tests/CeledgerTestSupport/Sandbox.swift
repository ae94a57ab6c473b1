import Foundation

// One test's private folder, shared by the suites that run the binary. Each suite subclasses it with
// the ways it runs the binary (the CLI suite mostly blocking, the reliability suite async).

/// The repository the tests run in, found from this file's path (Tests/CeledgerTestSupport/Sandbox.swift).
public enum TestRepository {
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The data folder the binary is pointed at (rules, pinyin, demo pools).
    public static let data: String = root.appendingPathComponent("data").path
}

/// One test's private world: a temporary folder with HOME, XDG_DATA_HOME and a ledger path in it, removed
/// when the sandbox goes (kept when CELEDGER_KEEP_TEMP is set, to look at a failure).
open class TestSandbox: @unchecked Sendable {
    public let dir: URL
    /// The binary under test.
    public let binary: String
    /// The ledger the suites' runs pass as `--db` unless told otherwise.
    public var db: String

    /// A folder `<prefix>-<label>-<8 random>` in `base`; the label (a test's name) is cut to its letters
    /// and digits, at most 40.
    public init(label: String, prefix: String, in base: URL) throws {
        binary = try TestBinary.require()
        let safe = label.filter { $0.isLetter || $0.isNumber }.prefix(40)
        dir = base.appendingPathComponent("\(prefix)-\(safe)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("home"), withIntermediateDirectories: true)
        db = dir.appendingPathComponent("ledger.sqlite").path
    }

    deinit {
        if ProcessInfo.processInfo.environment["CELEDGER_KEEP_TEMP"] == nil {
            try? FileManager.default.removeItem(at: dir)
        }
    }

    public func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// A clean environment: no inherited locale, HOME or XDG variables from the developer's shell.
    public func environment(_ extra: [String: String] = [:], removing: Set<String> = []) -> [String: String] {
        var env: [String: String] = [
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "HOME": dir.appendingPathComponent("home").path,
            "XDG_DATA_HOME": dir.appendingPathComponent("xdg").path,
            "CELEDGER_DATA": TestRepository.data,
            "TMPDIR": dir.path,
        ]
        for (k, v) in extra { env[k] = v }
        for k in removing { env.removeValue(forKey: k) }
        return env
    }

    /// Writes a file into the sandbox (UTF-8, exactly the given text), making its folder if need be.
    @discardableResult
    public func write(_ name: String, _ text: String, bom: Bool = false) throws -> String {
        var data = Data()
        if bom { data.append(contentsOf: [0xEF, 0xBB, 0xBF]) }
        data.append(Data(text.utf8))
        return try write(name, data)
    }

    @discardableResult
    public func write(_ name: String, _ data: Data) throws -> String {
        let p = path(name)
        try FileManager.default.createDirectory(
            atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: p))
        return p
    }

    public func read(_ name: String) throws -> String {
        try String(decoding: Data(contentsOf: URL(fileURLWithPath: path(name))), as: UTF8.self)
    }

    public func bytes(_ p: String) -> Data? { FileManager.default.contents(atPath: p) }

    public func exists(_ p: String) -> Bool { FileManager.default.fileExists(atPath: p) }

    /// The file's permission bits, e.g. 0o600.
    public func mode(_ p: String) throws -> Int {
        let attrs = try FileManager.default.attributesOfItem(atPath: p)
        return (attrs[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    public func listing(_ folder: String? = nil) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder ?? dir.path)) ?? []).sorted()
    }
}
