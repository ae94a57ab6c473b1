import CeledgerTestSupport
import Foundation
import GRDB
import Testing

// Support for the reliability suite: runs the built `celedger` binary in a sandbox (both from
// CeledgerTestSupport, shared with the CLI suite), looks at a ledger file from the outside through GRDB,
// watches a child's progress through /proc, and mounts small file systems.

// MARK: - the binary and its data

enum Paths {
    static let repo: URL = TestRepository.root

    static let data: String = TestRepository.data

    static var binary: String? { TestBinary.celedger }
    static func requireBinary() throws -> String { try TestBinary.require() }
    static var sqlite3: String? { TestBinary.sqlite3 }

    /// Whether /proc shows another process's open files and their offsets (Linux).
    static let hasProcFDInfo: Bool = FileManager.default.fileExists(atPath: "/proc/self/fdinfo/0")
}

/// One test's private folder (`TestSandbox`: HOME, XDG_DATA_HOME and a ledger path in it), in /tmp (where
/// the probes for `chattr` and tmpfs look), and the ways this suite runs the binary there.
final class Sandbox: TestSandbox, @unchecked Sendable {
    init(_ label: String = #function) throws {
        try super.init(label: label, prefix: "celedger-rel", in: URL(fileURLWithPath: "/tmp"))
    }

    /// Starts the binary with `--db <ledger> --lang en` after the arguments.
    func start(_ args: [String], db: String? = nil, timeout: TimeInterval = 60) throws -> RunningProcess {
        let full = args + ["--db", db ?? self.db, "--lang", "en"]
        return try RunningProcess(
            executable: binary, arguments: full, environment: environment(), directory: dir, timeout: timeout)
    }

    /// Runs to the end and checks that nothing looks like a crash.
    @discardableResult
    func run(_ args: [String], db: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) async throws -> CLIResult {
        let process = try start(args, db: db)
        let r = await process.finished()
        expectNoCrash(r, sourceLocation: sourceLocation)
        return r
    }

    /// Runs and expects exit 0.
    @discardableResult
    func ok(_ args: [String], db: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) async throws -> CLIResult {
        let r = try await run(args, db: db, sourceLocation: sourceLocation)
        #expect(r.status == 0, "\(r.summary)", sourceLocation: sourceLocation)
        if r.status != 0 { throw SetupError("celedger \(args.joined(separator: " ")) failed:\n\(r.summary)") }
        return r
    }

    /// `export persons` and `export records` together: what the ledger holds, as the CLI sees it.
    func snapshot(db: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let p = try await ok(["export", "persons"], db: db, sourceLocation: sourceLocation).stdout
        let r = try await ok(["export", "records"], db: db, sourceLocation: sourceLocation).stdout
        return p + "\n--- records ---\n" + r
    }
}

/// Every line of stderr is one whole problem: it starts with `celedger: ` (the summary or a ledger error)
/// or with `<file>: line N` (one bad row), and holds no control character (no CR, no escape sequence).
func expectOneLinePerProblem(_ r: CLIResult, file: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(!r.stderrLines.isEmpty, "no message at all:\n\(r.summary)", sourceLocation: sourceLocation)
    let name = file.map { ($0 as NSString).lastPathComponent }
    for line in r.stderrLines {
        let known = line.hasPrefix("celedger: ") || (name.map { line.hasPrefix("\($0): line ") } ?? false)
        #expect(
            known,
            "a stderr line that is not a whole message (a message broken over lines?): \(line.debugDescription.prefix(300))\n\(r.summary)",
            sourceLocation: sourceLocation)
        // A tab is harmless; CR, ESC and the other controls can rewrite what the terminal shows.
        let controls = line.unicodeScalars.filter {
            ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F || (0x80..<0xA0).contains($0.value)
        }
        #expect(
            controls.isEmpty,
            "control characters \(controls.map { String(format: "U+%04X", $0.value) }) in the message \(line.debugDescription.prefix(300))",
            sourceLocation: sourceLocation)
    }
}

// MARK: - looking at a ledger from outside

struct LedgerState: Sendable, CustomStringConvertible {
    let integrity: String
    let foreignKeyProblems: Int
    let persons: Int
    let records: Int
    /// The names of the ledger's triggers and indexes (an import drops some inside its transaction).
    var objects: Set<String> = []
    var description: String {
        "integrity \(integrity), \(foreignKeyProblems) foreign-key problems, \(persons) persons, \(records) records"
    }
}

enum Probe {
    /// Examines a copy of the ledger (the main file and its -wal), so that SQLite's crash recovery runs on the
    /// copy and never on the ledger under test: the next celedger run must recover it by itself.
    static func inspect(_ path: String) throws -> LedgerState {
        let fm = FileManager.default
        let dir = URL(fileURLWithPath: "/tmp").appendingPathComponent("celedger-probe-\(UUID().uuidString.prefix(8))")
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: dir) }
        let copy = dir.appendingPathComponent("l.sqlite").path
        try fm.copyItem(atPath: path, toPath: copy)
        if fm.fileExists(atPath: path + "-wal") { try fm.copyItem(atPath: path + "-wal", toPath: copy + "-wal") }
        let queue = try DatabaseQueue(path: copy)
        defer { try? queue.close() }
        return try queue.read { db in
            // A damaged file makes the other queries fail: then they say -1, and integrity says why.
            let integrity: String
            do {
                integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ")
            } catch {
                return LedgerState(integrity: "\(error)", foreignKeyProblems: -1, persons: -1, records: -1)
            }
            guard integrity == "ok" else {
                return LedgerState(integrity: integrity, foreignKeyProblems: -1, persons: -1, records: -1)
            }
            let fk = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count
            // A ledger killed before its first migration has no tables yet: it holds nothing.
            func count(_ table: String) throws -> Int {
                guard
                    try Int.fetchOne(
                        db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", arguments: [table]) == 1
                else { return 0 }
                return try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? -1
            }
            let persons = try count("person")
            let records = try count("record")
            let objects = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type IN ('trigger', 'index')")
            return LedgerState(
                integrity: integrity, foreignKeyProblems: fk, persons: persons, records: records, objects: Set(objects))
        }
    }

    /// Copies a ledger that no process has open, with its -wal if it has one (never its -shm), over
    /// whatever was at `to`.
    static func copyLedger(_ from: String, to: String) throws {
        let fm = FileManager.default
        for suffix in ["", "-wal", "-shm"] { try? fm.removeItem(atPath: to + suffix) }
        try fm.copyItem(atPath: from, toPath: to)
        if fm.fileExists(atPath: from + "-wal") { try fm.copyItem(atPath: from + "-wal", toPath: to + "-wal") }
    }
}

// MARK: - watching a child process

/// How far a child has read into a file: the offset of its descriptor, from /proc/PID/fdinfo (Linux).
final class ReadPosition: @unchecked Sendable {
    let pid: pid_t
    let target: String
    private var fd: String?

    init(pid: pid_t, file: String) {
        self.pid = pid
        self.target = URL(fileURLWithPath: file).resolvingSymlinksInPath().path
    }

    /// The offset, or nil while the file is not open (or the process is gone).
    func offset() -> Int? {
        let dir = "/proc/\(pid)/fd"
        // The file may be opened more than once (a first look at its kind, then the reading): a number
        // found before may since belong to another file.
        if let known = fd, (try? FileManager.default.destinationOfSymbolicLink(atPath: dir + "/" + known)) != target { fd = nil }
        if fd == nil {
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return nil }
            fd = entries.first { (try? FileManager.default.destinationOfSymbolicLink(atPath: dir + "/" + $0)) == target }
            guard fd != nil else { return nil }
        }
        guard let text = readSmallFile("/proc/\(pid)/fdinfo/\(fd!)") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("pos:") {
            return Int(line.dropFirst(4).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }
}

/// Reads a file whose size the kernel does not report (procfs).
func readSmallFile(_ path: String) -> String? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var out = [UInt8]()
    var buf = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        out += buf[0..<n]
    }
    return String(decoding: out, as: UTF8.self)
}

/// Byte equality without Swift Testing printing every byte when it fails.
func fileSize(_ path: String) -> Int {
    var st = stat()
    return stat(path, &st) == 0 ? Int(st.st_size) : 0
}

/// Polls `condition` every millisecond or so until it holds, the process ends, or `limit` passes.
/// Returns whether the condition held (false: the process ended first or time ran out).
func poll(while process: RunningProcess, limit: TimeInterval = 30, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(limit)
    while process.isRunning && Date() < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(1))
    }
    return false
}

/// Polls a condition (no process) until it holds or `limit` passes.
func eventually(limit: TimeInterval = 10, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(limit)
    while Date() < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return condition()
}

// MARK: - small file systems (root only)

/// Runs a system tool and returns its status and stderr.
@discardableResult
func system(_ tool: String, _ args: [String]) -> (status: Int32, stderr: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: tool)
    p.arguments = args
    let err = Pipe()
    p.standardOutput = FileHandle.nullDevice
    p.standardError = err
    do { try p.run() } catch { return (-1, "\(error)") }
    let data = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

func tool(_ name: String) -> String? {
    ["/usr/bin/", "/bin/", "/usr/sbin/", "/sbin/"].map { $0 + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// A tmpfs of a given size mounted on a folder; unmounted by `unmount()` (call it in a `defer`).
final class Tmpfs: @unchecked Sendable {
    let mountPoint: String
    private var mounted = false

    init(at mountPoint: String, kilobytes: Int) throws {
        self.mountPoint = mountPoint
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        guard let mount = tool("mount") else { throw SetupError("no mount") }
        let r = system(mount, ["-t", "tmpfs", "-o", "size=\(kilobytes)k,mode=0700", "tmpfs", mountPoint])
        guard r.status == 0 else { throw SetupError("mount -t tmpfs failed: \(r.stderr)") }
        mounted = true
    }

    /// The kernel refuses while any process holds a file on it open for writing; with tests running in
    /// parallel, a child another test just forked can hold an inherited descriptor for a moment (until it
    /// execs or exits), so a busy mount point is tried again a few times before the setup gives up.
    func remountReadOnly() throws {
        var r = system(tool("mount")!, ["-o", "remount,ro", mountPoint])
        for _ in 0..<20 where r.status != 0 && r.stderr.contains("busy") {
            usleep(100_000)
            r = system(tool("mount")!, ["-o", "remount,ro", mountPoint])
        }
        guard r.status == 0 else { throw SetupError("remount,ro failed: \(r.stderr)") }
    }

    func unmount() {
        guard mounted, let umount = tool("umount") else { return }
        if system(umount, [mountPoint]).status != 0 { system(umount, ["-l", mountPoint]) }
        mounted = false
    }

    deinit { unmount() }

    /// Whether this process may mount a tmpfs (root with CAP_SYS_ADMIN, outside a locked-down container).
    static let available: Bool = {
        guard getuid() == 0, tool("mount") != nil, tool("umount") != nil else { return false }
        let probe = "/tmp/celedger-mount-probe-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: probe) }
        guard let t = try? Tmpfs(at: probe, kilobytes: 64) else { return false }
        t.unmount()
        return true
    }()
}

/// `chattr +i`: a file that even root cannot open for writing (what `chmod 0444` is for other users).
enum Immutable {
    static func set(_ path: String, _ on: Bool) -> Bool {
        guard let chattr = tool("chattr") else { return false }
        return system(chattr, [on ? "+i" : "-i", path]).status == 0
    }

    /// Whether `chattr +i` works in /tmp here (it needs root and a file system that supports it, e.g. ext4).
    static let available: Bool = {
        guard getuid() == 0 else { return false }
        let probe = "/tmp/celedger-chattr-probe-\(getpid())"
        FileManager.default.createFile(atPath: probe, contents: Data("x".utf8))
        defer {
            _ = set(probe, false)
            try? FileManager.default.removeItem(atPath: probe)
        }
        guard set(probe, true) else { return false }
        // Really refused?
        let fd = open(probe, O_WRONLY)
        if fd >= 0 {
            close(fd)
            return false
        }
        return true
    }()
}

// MARK: - test data (independent of the code under test)

/// `count` persons with distinct valid IDs (born on different days of 1970–1999).
func personIDs(_ count: Int) -> [String] {
    (0..<count).map { i in
        let year = 1970 + (i / 336) % 30
        let month = 1 + (i / 28) % 12
        let day = 1 + i % 28
        return residentID("360102", String(format: "%04d%02d%02d", year, month, day), i % 997)
    }
}

/// A persons CSV for those IDs.
func personsCSV(_ ids: [String]) -> String {
    "id_number,name,unit,department\n" + ids.enumerated().map { "\($1),测试\($0),南昌市第一医院,内科\n" }.joined()
}

/// A records CSV with `perPerson` valid, distinct records for each ID; `note` pads each row.
func recordsCSV(_ ids: [String], perPerson: Int, tag: String = "课程", note: String = "") -> String {
    var out = "id_number,mode,category,title,start_date,end_date,assessment,claimed_hours,recognized_hours,recognition,note\n"
    for id in ids {
        for k in 0..<perPerson {
            let day = String(format: "2024-%02d-%02d", 1 + k % 12, 1 + k % 28)
            out +=
                "\(id),training,\(k % 3 == 0 ? "public" : "professional"),\(tag)第\(k)讲,\(day),\(day),passed,8.1,8.1,recognized,\(note)\n"
        }
    }
    return out
}

/// Rows of a CSV file that has no quoted line breaks (the fixtures): its lines without the header.
func dataLines(_ text: String) -> (header: Substring, rows: [Substring]) {
    let lines = text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    return (lines.first ?? "", Array(lines.dropFirst()))
}

/// 28123 → "28,123", as the CLI prints counts in English.
func grouped(_ n: Int) -> String {
    let digits = Array(String(n))
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return out
}

// MARK: - a large demo ledger, made once for the suite

/// A demo ledger exported to CSV, and a ledger holding its persons only, shared by the heavy tests.
struct DemoFixture: Sendable {
    let dir: String
    let personsCSV: String
    let recordsCSV: String
    /// A ledger with every person and no record, closed cleanly (no -wal beside it).
    let personsOnlyLedger: String
    let persons: Int
    let records: Int

    static let personsCount = 2000

    static func make() async throws -> DemoFixture {
        let s = try Sandbox("fixture")
        let dir = "/tmp/celedger-rel-fixture-\(getpid())"
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        fixtureDirectory = dir
        atexit { if let d = fixtureDirectory { try? FileManager.default.removeItem(atPath: d) } }
        let demo = dir + "/demo.sqlite"
        try await s.ok(["demo", "--persons", String(personsCount), "--years", "2024-2025", "--seed", "11"], db: demo)
        let persons = dir + "/persons.csv", records = dir + "/records.csv"
        try await s.ok(["export", "persons", "-o", persons], db: demo)
        try await s.ok(["export", "records", "-o", records], db: demo)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: demo + suffix) }
        let base = dir + "/persons-only.sqlite"
        try await s.ok(["import", "persons", persons], db: base)
        let state = try Probe.inspect(base)
        let recordCount = dataLines(try String(contentsOfFile: records, encoding: .utf8)).rows.count
        guard state.persons == personsCount, recordCount > 10_000 else {
            throw SetupError("fixture is not as expected: \(state), \(recordCount) records in the CSV")
        }
        return DemoFixture(
            dir: dir, personsCSV: persons, recordsCSV: records, personsOnlyLedger: base,
            persons: personsCount, records: recordCount)
    }

    private static let shared = FixtureCache()
    static func get() async throws -> DemoFixture { try await shared.get() }
}

nonisolated(unsafe) private var fixtureDirectory: String?

private actor FixtureCache {
    var task: Task<DemoFixture, Error>?
    func get() async throws -> DemoFixture {
        if let task { return try await task.value }
        let t = Task { try await DemoFixture.make() }
        task = t
        return try await t.value
    }
}
