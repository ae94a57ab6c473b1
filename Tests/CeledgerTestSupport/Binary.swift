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
public final class RunningProcess: @unchecked Sendable {
    public let process: Process
    public let arguments: [String]
    private let errBox = DataBox()
    private let outBox = DataBox()
    private let group = DispatchGroup()
    public let started = Date()

    public init(
        executable: String, arguments: [String], environment: [String: String], directory: URL,
        stdin: Data? = nil, displayArguments: [String]? = nil, timeout: TimeInterval = 90
    ) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = directory
        self.arguments = displayArguments ?? arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = stdin.map { _ in Pipe() }
        process.standardInput = input ?? FileHandle.nullDevice
        try process.run()
        if let input, let stdin {
            input.fileHandleForWriting.write(stdin)
            try? input.fileHandleForWriting.close()
        }
        // Drain both pipes on threads of their own: blocking reads on Dispatch's global queues can take
        // every worker thread of a 2-core machine, and then no Swift task (a poll) runs until the child ends.
        for (pipe, box) in [(out, outBox), (err, errBox)] {
            group.enter()
            Thread.detachNewThread { [group] in
                box.data = pipe.fileHandleForReading.readDataToEndOfFile()
                group.leave()
            }
        }
        // A hung (or stopped) binary fails its test instead of hanging the suite.
        let p = process
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
            if p.isRunning {
                kill(p.processIdentifier, SIGCONT)
                kill(p.processIdentifier, SIGKILL)
            }
        }
    }

    public var pid: pid_t { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }
    public var elapsed: Double { Date().timeIntervalSince(started) }

    public func signal(_ s: Int32) { if process.isRunning { kill(pid, s) } }

    /// Waits for the end (reading both pipes to their end first).
    public func finish() -> CLIResult {
        group.wait()
        process.waitUntilExit()
        return CLIResult(
            arguments: arguments, status: process.terminationStatus, stdoutData: outBox.data,
            stderrData: errBox.data, seconds: Date().timeIntervalSince(started),
            killedBySignal: process.terminationReason == .uncaughtSignal)
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
