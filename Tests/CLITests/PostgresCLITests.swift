import CeledgerLedger
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
        for args in [["restore", csv, "--yes"]] {
            let r = try s.run(args)
            #expect(r.status == 2, "\(r.summary)")
            #expect(r.stderr.contains("does not work on a PostgreSQL ledger yet"), "\(r.summary)")
            #expect(r.stderr.contains(args[0]), "\(r.summary)")
        }
        let zh = try s.run(["restore", csv, "--yes"], lang: "zh")
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
        // …and it says what to do, in the clerk's language, not the client library's words.
        #expect(r.stderr.contains("does not answer; check that it is running"), "\(r.summary)")
        let zh = try s.run(["report", "annual", "--year", "2024"], lang: "zh")
        #expect(zh.stderr.contains("连不上服务器 127.0.0.1:1；请检查服务器是否在运行"), "\(zh.summary)")
        #expect(!zh.stderr.contains("Connection refused") && !zh.stderr.contains("TCP/IP"), "\(zh.summary)")
    }

    @Test("a database or a login role the server does not have is named, with what to do, exit status 3")
    func missingDatabaseOrRoleIsNamed() throws {
        guard let server = ProcessInfo.processInfo.environment["CELEDGER_TEST_PG"], !server.isEmpty else {
            print("skipped: CELEDGER_TEST_PG is not set")
            return
        }
        let s = try Sandbox()
        let scheme = server.range(of: "://")!.upperBound
        let hostEnd = server[scheme...].firstIndex(of: "/") ?? server.endIndex
        let hostPort = String(server[server[scheme...].firstIndex(of: "@").map { server.index(after: $0) }!..<hostEnd])
        s.db = "postgresql://postgres@\(hostPort)/no_such_ledger"
        let noDB = try s.run(["report", "annual", "--year", "2024"], lang: "zh")
        #expect(noDB.status == 3, "\(noDB.summary)")
        #expect(noDB.stderr.contains("服务器上没有数据库 no_such_ledger；请检查地址中的数据库名"), "\(noDB.summary)")
        s.db = "postgresql://nobody_here@\(hostPort)/celedger_test"
        let noRole = try s.run(["report", "annual", "--year", "2024"])
        #expect(noRole.status == 3, "\(noRole.summary)")
        #expect(noRole.stderr.contains("the server has no login role nobody_here"), "\(noRole.summary)")
        #expect(!noRole.stderr.contains("FATAL"), "\(noRole.summary)")
    }

    @Test("libpq's connection failures, English or the Chinese it ships, become the clerk's next step")
    func connectionFailuresAreClassified() {
        func why(_ message: String, needsPassword: Bool = false) -> ServerProblem? {
            PostgresConnectFailure.classify(
                message: message, needsPassword: needsPassword, host: "ledger.example.org", port: "5432", user: "wangfang",
                database: "association")
        }
        #expect(why("", needsPassword: true) == .needsPassword(user: "wangfang"))
        #expect(
            why(
                #"connection to server at "ledger.example.org" (10.0.0.5), port 5432 failed: FATAL:  password authentication failed for user "wangfang""#
            )
                == .wrongPassword(user: "wangfang"))
        #expect(
            why(
                #"connection to server at "ledger.example.org" (10.0.0.5), port 5432 failed: FATAL:  no pg_hba.conf entry for host "10.0.0.9", user "wangfang", database "association", no encryption"#
            )
                == .notAllowedFromHere(user: "wangfang"))
        #expect(why("server does not support SSL, but SSL was required") == .noTLS)
        #expect(why(#"server certificate for "localhost" does not match host name "ledger.example.org""#) == .certificate)
        #expect(why(#"根认证文件"/x.crt"不存在"#) == .certificate)
        #expect(why("FATAL:  sorry, too many clients already") == .full)
        #expect(why("FATAL:  the database system is starting up") == .notReady)
        #expect(why(#"无法解释主机名 "ledger.example.org" 到地址: 未知的名称或服务"#) == .unknownHost(host: "ledger.example.org"))
        #expect(why("timeout expired") == .unreachable(host: "ledger.example.org:5432"))
        #expect(why("something new") == nil)
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

    @Test("import records on a server: the same rows written, the same duplicates and refusals as on a file")
    func importRecordsAsOnAFile() throws {
        guard let uri = try PostgresCLITests.newDatabase() else { return }
        let file = try Sandbox()
        let server = try Sandbox()
        server.db = uri
        for s in [file, server] { try s.ok(["demo", "--persons", "40", "--seed", "3", "--years", "2024-2024"]) }
        let persons = try file.ok(["export", "persons", "--format", "csv"]).stdoutLines.dropFirst().map {
            String($0.split(separator: ",").first!)
        }
        let existing = try #require(try file.ok(["export", "records", "--format", "csv"]).stdoutLines.dropFirst().first)
        let header = "id_number,mode,category,title,start_date,end_date,claimed_hours,recognized_hours,recognition"
        let rows = [
            "\(persons[0]),training,public,新法规解读,2024-05-06,2024-05-07,8,8,recognized",
            "\(persons[1]),online,professional,线上课程,2024-06-01,2024-06-03,12.5,,pending",
            "\(persons[1]),online,professional,线上课程,2024-06-01,2024-06-03,12.5,,pending",
            "360102199005170422,training,public,无此人,2024-03-04,2024-03-05,6,6,recognized",
            "\(persons[2]),training,public,坏日期,2024-13-04,2024-03-05,6,6,recognized",
        ]
        let csv = header + "\n" + rows.joined(separator: "\n") + "\n"
        // Without --skip-invalid a bad row means nothing is written, on both.
        for s in [file, server] {
            let p = try s.write("r.csv", csv)
            let refused = try s.run(["import", "records", p])
            #expect(refused.status == 1, "\(refused.summary)")
            #expect(refused.stderr.contains("nothing imported"), "\(refused.summary)")
        }
        let a = try file.run(["import", "records", try file.write("r.csv", csv), "--skip-invalid"])
        let b = try server.run(["import", "records", try server.write("r.csv", csv), "--skip-invalid"])
        #expect(a.status == b.status)
        // The same report, but for the folder each sandbox keeps the rejected rows in.
        func here(_ text: String, _ s: Sandbox) -> String { text.replacingOccurrences(of: s.dir.path, with: "DIR") }
        #expect(here(a.stdout, file) == here(b.stdout, server), "\(a.summary)\n\(b.summary)")
        #expect(here(a.stderr, file) == here(b.stderr, server), "\(a.summary)\n\(b.summary)")
        #expect(a.stdout.contains("2 added, 1 duplicate skipped, 2 bad rows skipped"), "\(a.summary)")
        // The rejected rows (the server finds the missing person only inside its transaction) as the file wrote them.
        let fromFile = try file.read("r.rejected.csv"), fromServer = try server.read("r.rejected.csv")
        #expect(fromFile == fromServer, "\(fromFile)\n---\n\(fromServer)")
        #expect(try server.read("r.rejected.csv").contains("360102199005170422,training,public,无此人"))
        // A record already in the ledger is a duplicate on both.
        let fields = existing.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let exportHeader = try file.ok(["export", "records", "--format", "csv"]).stdoutLines.first!
        for s in [file, server] {
            let r = try s.run([
                "import", "records", try s.write("again.csv", exportHeader + "\n" + fields.joined(separator: ",") + "\n"),
            ])
            #expect(r.status == 0 && r.stdout.contains("1 duplicate skipped"), "\(r.summary)")
        }
        for args in [["export", "records", "--format", "json"], ["report", "annual", "--year", "2024", "--format", "csv"]] {
            #expect(try file.ok(args).stdout == (try server.ok(args).stdout), "\(args)")
        }
        let h = try server.ok(["history", persons[0], "--format", "json"])
        #expect(h.stdout.contains("新法规解读"), "\(h.summary)")
    }

    @Test("settings, review and card on a server: the same answers and the same refusals as on a file")
    func reviewAndCardsAsOnAFile() throws {
        guard let uri = try PostgresCLITests.newDatabase() else { return }
        let file = try Sandbox()
        let server = try Sandbox()
        server.db = uri
        for s in [file, server] { try s.ok(["demo", "--persons", "30", "--seed", "5", "--years", "2024-2024"]) }
        let pending = try file.ok(["review", "list", "--year", "2024", "--format", "csv"])
        let record = try #require(pending.stdoutLines.dropFirst().first?.split(separator: ",").first.map(String.init))
        let person = try #require(
            try file.ok(["export", "persons", "--format", "csv"]).stdoutLines.dropFirst().first?.split(separator: ",").first
                .map(String.init))
        func withoutHead(_ text: String) -> String {
            text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                line.hasPrefix("Ledger history:") ? String(line.prefix { $0 != "·" }) : String(line)
            }.joined(separator: "\n")
        }
        for args in [
            ["settings", "--employer", "南昌市第一医院"],
            ["review", "list", "--year", "2024", "--format", "csv"],
            ["review", "recognize", record],
            ["review", "reject", record, "--reason", "无证明"],
            ["review", "reopen", record, "--reason", "学时有误"],
            ["review", "list", "--state", "all", "--id", person],
            ["card", person, "--year", "2024"],
            ["card", person, "--year", "2024"],
        ] {
            let a = try file.run(args), b = try server.run(args)
            #expect(a.status == b.status, "\(args): \(a.summary)\n\(b.summary)")
            #expect(withoutHead(a.stdout) == withoutHead(b.stdout), "\(args)")
            #expect(a.stderr == b.stderr, "\(args)")
        }
    }
}
