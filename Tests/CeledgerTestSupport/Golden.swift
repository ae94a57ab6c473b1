import Foundation
import Testing

/// A suite's golden files: what a rendering must be, kept in a folder beside its tests (read through
/// #filePath, not bundled). With CELEDGER_RECORD_GOLDEN=1 a comparison rewrites its file and fails, so
/// that a new golden never passes silently.
public struct GoldenFiles: Sendable {
    public let folder: URL

    public init(_ folder: URL) { self.folder = folder }

    /// Compares `actual` with the file `name` in the folder. `whole`, when given, is printed in full after
    /// the differing lines (a screen is easier to judge whole).
    public func expect(_ name: String, _ actual: String, whole: String? = nil, sourceLocation: SourceLocation = #_sourceLocation)
    {
        let url = folder.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["CELEDGER_RECORD_GOLDEN"] == "1" {
            do {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(actual.utf8).write(to: url)
                Issue.record(
                    "recorded golden file \(url.path); check it, then run again without CELEDGER_RECORD_GOLDEN",
                    sourceLocation: sourceLocation)
            } catch {
                Issue.record("cannot write golden file \(url.path): \(error)", sourceLocation: sourceLocation)
            }
            return
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            Issue.record(
                "golden file \(url.path) is missing; record it with CELEDGER_RECORD_GOLDEN=1", sourceLocation: sourceLocation)
            return
        }
        let expected = String(decoding: data, as: UTF8.self)
        if expected != actual {
            Issue.record(
                "output differs from golden \(name):\n\(lineDiff(expected, actual))\(whole.map { "\n--- got ---\n\($0)" } ?? "")",
                sourceLocation: sourceLocation)
        }
    }
}

/// The first differing lines (at most 8), enough to see what changed.
public func lineDiff(_ expected: String, _ actual: String) -> String {
    // Split on the LF scalar: Swift treats CRLF as one Character. Show CR visibly.
    func lines(_ t: String) -> [String] {
        t.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
            .map { String(String.UnicodeScalarView($0)).replacingOccurrences(of: "\r", with: "\\r") }
    }
    let e = lines(expected), a = lines(actual)
    var out: [String] = []
    for i in 0..<max(e.count, a.count) where (i < e.count ? e[i] : nil) != (i < a.count ? a[i] : nil) {
        out.append("line \(i + 1):\n  expected: \(i < e.count ? e[i] : "<none>")\n  actual:   \(i < a.count ? a[i] : "<none>")")
        if out.count >= 8 { break }
    }
    return out.joined(separator: "\n")
}
