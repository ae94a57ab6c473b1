import CeledgerTestSupport
import Foundation
import Testing

@testable import CeledgerPostgres

/// `--db postgresql://…`: the commands that work on a server give what they give on a file; the others
/// refuse at once, and nothing is created on disk.
@Suite("the CLI on a PostgreSQL ledger")
struct PostgresCLITests {
    /// A new database on the throwaway cluster `make test` starts, or nil (printed) without one.
    static func newDatabase() throws -> String? {
        guard let server = ProcessInfo.processInfo.environment["CELEDGER_TEST_PG"], !server.isEmpty else {
            print("skipped: CLI on PostgreSQL, CELEDGER_TEST_PG is not set (make test starts a throwaway cluster)")
            return nil
        }
        let name = "cli_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try PGConnection(uri: server).exec("CREATE DATABASE \(name)")
        let scheme = server.range(of: "://")!.upperBound
        let hostEnd = server[scheme...].firstIndex(of: "/") ?? server.endIndex
        return String(server[..<hostEnd]) + "/" + name
    }

    @Test("a command not made for a server yet refuses it, says which, and creates no folder 'postgresql:'")
    func unsupportedCommandsRefuse() throws {
        let s = try Sandbox()
        s.db = "postgresql://clerk@127.0.0.1:1/ledger"
        let csv = try s.write("p.csv", "id_number,name\n")
        for args in [["import", "persons", csv], ["check"], ["review", "list"], ["backup", "b.sqlite"]] {
            let r = try s.run(args)
            #expect(r.status == 2, "\(r.summary)")
            #expect(r.stderr.contains("does not work on a PostgreSQL ledger yet"), "\(r.summary)")
            #expect(r.stderr.contains(args[0]), "\(r.summary)")
        }
        let zh = try s.run(["check"], lang: "zh")
        #expect(zh.stderr.contains("尚不支持 PostgreSQL 登记簿"), "\(zh.summary)")
        #expect(!s.exists(s.dir.appendingPathComponent("postgresql:").path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: s.dir.path).allSatisfy { !$0.hasPrefix("postgres") })
    }

    @Test("a server that cannot be reached is named with its password masked, exit status 3")
    func unreachableServerMasksThePassword() throws {
        let s = try Sandbox()
        s.db = "postgresql://clerk:s3cret@127.0.0.1:1/ledger"
        let r = try s.run(["report", "annual", "--year", "2024"])
        #expect(r.status == 3, "\(r.summary)")
        #expect(r.stderr.contains("postgresql://clerk:***@127.0.0.1:1/ledger"), "\(r.summary)")
        #expect(!r.stderr.contains("s3cret") && !r.stdout.contains("s3cret"))
    }

    @Test("init, demo, the annual report, the statistics, export and history say the same on a server as on a file")
    func sameAnswersAsSQLite() throws {
        guard let uri = try PostgresCLITests.newDatabase() else { return }
        let file = try Sandbox()
        let server = try Sandbox()
        server.db = uri
        let created = try server.ok(["init", "--employer", "江西省人民医院"])
        #expect(created.stdout.contains("server ledger ready: \(uri)"), "\(created.summary)")
        try file.ok(["init", "--employer", "江西省人民医院"])
        for s in [file, server] { try s.ok(["demo", "--persons", "150", "--seed", "11", "--years", "2023-2025"]) }
        let again = try server.run(["demo", "--persons", "10"])
        #expect(again.status != 0 && again.stderr.contains("already has persons"), "\(again.summary)")
        for args in [
            ["report", "annual", "--year", "2024", "--format", "csv"],
            ["report", "annual", "--year", "2025", "--status", "short"],
            ["report", "stats", "--year", "2024", "--by", "mode"],
            ["report", "stats", "--year", "2023", "--format", "json"],
            ["export", "records", "--format", "json"],
            ["export", "persons", "--format", "csv"],
        ] {
            let a = try file.ok(args), b = try server.ok(args)
            #expect(!a.stdout.isEmpty)
            // The history chain's head is the backend's own (docs/postgresql.md); its count of entries is not.
            func withoutHead(_ text: String) -> String {
                text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                    line.hasPrefix("Ledger history:") ? String(line.prefix { $0 != "·" }) : String(line)
                }.joined(separator: "\n")
            }
            #expect(withoutHead(a.stdout) == withoutHead(b.stdout), "\(args)")
        }
        // A person's history on the server names who made the demo, as the file's does.
        let someone = try #require(
            try file.ok(["export", "persons", "--format", "csv"]).stdoutLines.dropFirst().first?.split(separator: ",").first)
        let h = try server.ok(["history", String(someone), "--format", "json"])
        #expect(h.stdout.contains("\"action\":\"insert\"") || h.stdout.contains("\"action\": \"insert\""), "\(h.summary)")
    }
}
