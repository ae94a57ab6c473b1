import Foundation
import Testing

// Running the built `celedger` binary from tests: shared by the CLI and reliability suites (test targets
// cannot import each other, so this is a library target of its own).

public struct SetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

/// The binary under test and the tools beside it.
public enum TestBinary {
    /// The `celedger` built with the tests: next to the test bundle (Linux: <scratch>/debug/
    /// celedgerPackageTests.xctest; macOS: inside <scratch>/debug/celedgerPackageTests.xctest/Contents/MacOS).
    /// $CELEDGER_BIN overrides.
    public static let celedger: String? = {
        let fm = FileManager.default
        if let b = ProcessInfo.processInfo.environment["CELEDGER_BIN"], fm.isExecutableFile(atPath: b) { return b }
        var starts: [URL] = [Bundle.main.bundleURL]
        if let e = Bundle.main.executableURL { starts.append(e.deletingLastPathComponent()) }
        starts.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        for start in starts {
            var dir = start.standardizedFileURL
            for _ in 0..<6 {
                let candidate = dir.appendingPathComponent("celedger").path
                var isDir: ObjCBool = false
                if fm.fileExists(atPath: candidate, isDirectory: &isDir), !isDir.boolValue, fm.isExecutableFile(atPath: candidate)
                {
                    return candidate
                }
                dir = dir.deletingLastPathComponent()
            }
        }
        return nil
    }()

    public static func require() throws -> String {
        guard let b = celedger else {
            throw SetupError(
                "cannot find the built celedger binary near \(Bundle.main.bundleURL.path); build with --build-tests or set CELEDGER_BIN"
            )
        }
        return b
    }

    public static let sqlite3: String? = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3", "/bin/sqlite3"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// What one run of the binary produced.
public struct CLIResult: Sendable {
    public let arguments: [String]
    public let status: Int32
    public let stdoutData: Data
    public let stderrData: Data
    public let seconds: Double
    /// True when the process ended by a signal; `status` is then the signal number.
    public var killedBySignal = false

    public var stdout: String { String(decoding: stdoutData, as: UTF8.self) }
    public var stderr: String { String(decoding: stderrData, as: UTF8.self) }
    /// Non-empty lines of stderr, split on LF only (a CR or another control character inside a line stays in it).
    public var stderrLines: [String] {
        stderr.unicodeScalars.split(separator: "\n").map { String(String.UnicodeScalarView($0)) }
    }
    public var stdoutLines: [String] { stdout.split(whereSeparator: \.isNewline).map(String.init) }

    public var summary: String {
        "celedger \(arguments.joined(separator: " ").prefix(600)) → \(killedBySignal ? "signal" : "exit") \(status) after \(String(format: "%.2f", seconds)) s\n--- stdout ---\n\(stdout.prefix(4000))\n--- stderr ---\n\(stderr.prefix(4000))"
    }
}

/// Texts that only a crash prints. No run of the binary may print them.
public let crashMarkers = [
    "Fatal error", "Stack dump", "Current stack trace", "Backtrace", "💣", "SIGSEGV", "SIGBUS", "SIGILL",
    "Illegal instruction", "Segmentation fault", "Bus error",
]

/// No crash text in the output, and no ending by a signal (a Swift trap, or the watchdog's timeout).
public func expectNoCrash(_ r: CLIResult, sourceLocation: SourceLocation = #_sourceLocation) {
    for marker in crashMarkers where r.stdout.contains(marker) || r.stderr.contains(marker) {
        Issue.record("output looks like a crash (\(marker)):\n\(r.summary)", sourceLocation: sourceLocation)
    }
    #expect(!r.killedBySignal, "ended by signal \(r.status):\n\(r.summary)", sourceLocation: sourceLocation)
}

private final class DataBox: @unchecked Sendable {
    var data = Data()
}

/// A running process whose output is drained on threads of its own, with its pid for signals.
///
/// Started with `posix_spawn` rather than Foundation's `Process`: on Linux, `Process.run()` of Swift 6.3.1
/// crashes now and then (a 256-byte over-read of `/proc/self/fd` entries in
/// `findMaximumOpenFromProcSelfFD`, swift-corelibs-foundation #5472), which a suite starting thousands of
/// processes met about once in eight runs. Every descriptor made here is close-on-exec, so a child started
/// at the same moment by another test never holds these pipes open.
public final class RunningProcess: @unchecked Sendable {
    public let pid: pid_t
    public let arguments: [String]
    private let errBox = DataBox()
    private let outBox = DataBox()
    private let group = DispatchGroup()
    private let lock = NSLock()
    private var waitStatus: Int32?
    public let started = Date()

    public init(
        executable: String, arguments: [String], environment: [String: String], directory: URL,
        stdin: Data? = nil, displayArguments: [String]? = nil, timeout: TimeInterval = 90
    ) throws {
        self.arguments = displayArguments ?? arguments
        func pipePair() throws -> (read: Int32, write: Int32) {
            var fds: [Int32] = [0, 0]
            guard RunningProcess.pipe2(&fds, O_CLOEXEC) == 0 else {
                throw SetupError("pipe2: \(String(cString: strerror(errno)))")
            }
            return (fds[0], fds[1])
        }
        let out = try pipePair(), err = try pipePair()
        let input: (read: Int32, write: Int32) =
            stdin == nil ? (open("/dev/null", O_RDONLY | O_CLOEXEC), -1) : try pipePair()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input.read, 0)
        posix_spawn_file_actions_adddup2(&actions, out.write, 1)
        posix_spawn_file_actions_adddup2(&actions, err.write, 2)
        _ = RunningProcess.addchdir(&actions, directory.path)
        // The child starts with no signal blocked and every signal at its default, whatever thread spawns it.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in argv + envp { free(p) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        for fd in [out.write, err.write, input.read] { close(fd) }
        guard rc == 0 else {
            for fd in [out.read, err.read, input.write] where fd >= 0 { close(fd) }
            throw SetupError("cannot start \(executable): \(String(cString: strerror(rc)))")
        }
        pid = child
        if let stdin {
            let writer = FileHandle(fileDescriptor: input.write, closeOnDealloc: true)
            writer.write(stdin)
            try? writer.close()
        }
        // Drain both pipes on threads of their own: blocking reads on Dispatch's global queues can take
        // every worker thread of a 2-core machine, and then no Swift task (a poll) runs until the child ends.
        for (fd, box) in [(out.read, outBox), (err.read, errBox)] {
            group.enter()
            Thread.detachNewThread { [group] in
                let reader = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
                box.data = reader.readDataToEndOfFile()
                group.leave()
            }
        }
        // A hung (or stopped) binary fails its test instead of hanging the suite.
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [self] in
            if isRunning {
                kill(pid, SIGCONT)
                kill(pid, SIGKILL)
            }
        }
    }

    // Two GNU functions Swift's Glibc module does not declare (glibc has had both since 2.29), looked up once.
    private static let pipe2 = unsafeBitCast(
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pipe2")!,
        to: (@convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32).self)
    private static let addchdir = unsafeBitCast(
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np")!,
        to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32).self)

    /// Whether the child has not ended yet (looked at without reaping it).
    public var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        if waitStatus != nil { return false }
        var info = siginfo_t()
        return waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info._sifields._kill.si_pid == 0
    }
    public var elapsed: Double { Date().timeIntervalSince(started) }

    public func signal(_ s: Int32) { if isRunning { kill(pid, s) } }

    /// Waits for the end (reading both pipes to their end first).
    public func finish() -> CLIResult {
        group.wait()
        lock.lock()
        if waitStatus == nil {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            waitStatus = status
        }
        let status = waitStatus!
        lock.unlock()
        // The wait status: the low seven bits are the signal that ended it (0: it exited, with the code above).
        let signal = status & 0x7f
        return CLIResult(
            arguments: arguments, status: signal == 0 ? (status >> 8) & 0xff : signal, stdoutData: outBox.data,
            stderrData: errBox.data, seconds: Date().timeIntervalSince(started), killedBySignal: signal != 0)
    }

    /// The same without blocking a Swift concurrency thread.
    public func finished() async -> CLIResult {
        await withCheckedContinuation { (c: CheckedContinuation<CLIResult, Never>) in
            Thread.detachNewThread { c.resume(returning: self.finish()) }
        }
    }
}

public func sameBytes(_ a: Data?, _ b: Data?) -> Bool { a == b }

/// A valid 18-character resident ID (GB 11643-1999) from region, birth date and sequence, computed here
/// independently of the code under test.
public func residentID(_ region: String = "360102", _ birth: String, _ sequence: Int) -> String {
    let seq = String(1000 + sequence % 1000).suffix(3)
    let body = region + birth + seq
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    let checks = Array("10X98765432")
    var sum = 0
    for (c, w) in zip(body, weights) { sum += Int(String(c))! * w }
    return body + String(checks[sum % 11])
}
