import CeledgerTestSupport
import Foundation
import Testing

@testable import CeledgerPostgres

/// `clerk add --db-role` on a server, and what a unit's clerk then sees: with celedger and with the real
/// `psql`, connecting as its own login role.
@Suite("clerks as login roles, from the command line")
struct ServerClerkCLITests {
    static let psqlBinary = ["/usr/bin/psql", "/usr/local/bin/psql"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// A new login role on the test server.
    static func loginRole(_ server: String, _ label: String) throws -> String {
        let name = "cli_" + label + "_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(10)
        try PGConnection(uri: server).exec("CREATE ROLE \(name) LOGIN")
        return name
    }

    static func uri(_ uri: String, as role: String) -> String {
        let scheme = uri.range(of: "://")!.upperBound
        let at = uri[scheme...].firstIndex(of: "@")!
        return String(uri[..<scheme]) + role + String(uri[at...])
    }

    /// `psql URI -Atc SQL`: its output lines and status.
    static func psql(_ uri: String, _ sql: String, in s: Sandbox) throws -> CLIResult {
        let binary = try #require(psqlBinary)
        return try RunningProcess(
            executable: binary, arguments: [uri, "-X", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql],
            environment: s.environment(), directory: s.dir
        ).finish()
    }

    @Test("clerk add --db-role maps a login role; its clerk sees only its unit, in celedger and in psql")
    func unitClerkFromTheCommandLine() throws {
        guard let server = ProcessInfo.processInfo.environment["CELEDGER_TEST_PG"], !server.isEmpty,
            let db = try PostgresCLITests.newDatabase()
        else { return }
        let s = try Sandbox()
        s.db = db
        _ = try s.ok(["demo", "--persons", "40", "--years", "2023-2024"])
        let owner = try PGConnection(uri: db)
        let units = try owner.exec("SELECT DISTINCT unit FROM person ORDER BY unit").rows.map { $0.text(0) }
        try #require(units.count >= 2)
        let mine = units[0]
        let total = try owner.exec("SELECT count(*) FROM person").first!.int(0)
        let inMine = try owner.exec("SELECT count(*) FROM person WHERE unit = $1", [mine]).first!.int(0)
        let others = Set(try owner.exec("SELECT id_number FROM person WHERE unit <> $1", [mine]).rows.map { $0.text(0) })

        let admin = try Self.loginRole(server, "admin"), clerk = try Self.loginRole(server, "unit")
        // The first clerk must be an admin; then the unit's recorder.
        let refused = try s.run(["clerk", "add", "甲", "--role", "recorder", "--db-role", clerk])
        #expect(refused.status != 0 && refused.stderr.contains("first clerk must be an admin"), "\(refused.summary)")
        _ = try s.ok(["clerk", "add", "王管理", "--role", "admin", "--db-role", admin])
        let added = try s.ok(["clerk", "add", "李录入", "--role", "recorder", "--unit", mine, "--db-role", clerk]).stdout
        #expect(added.contains("李录入") && added.contains(mine))
        let list = try s.ok(["clerk", "list"]).stdout
        #expect(list.contains(clerk) && list.contains(admin))
        // No login role of that name: refused in the clerk's words.
        let missing = try s.run(["clerk", "add", "丙", "--role", "recorder", "--db-role", "no_such_login_x"], lang: "zh")
        #expect(missing.status != 0 && missing.stderr.contains("没有可登录的角色“no_such_login_x”"), "\(missing.summary)")
        #expect(!missing.stderr.contains("SQLSTATE"))

        // As the unit's clerk: the export lists its unit's persons only.
        let asClerk = Self.uri(db, as: clerk)
        s.db = asClerk
        let exported = try s.ok(["export", "persons", "--format", "csv"]).stdout
        let rows = parseCSV(exported).dropFirst().filter { !$0.isEmpty }
        #expect(rows.count == inMine && inMine < total)
        #expect(others.allSatisfy { !exported.contains($0) })
        // --user is no second identity on a server with clerks.
        let user = try s.run(["--user", "王管理", "settings"])
        #expect(user.status == 2 && user.stderr.contains("leave out --user"), "\(user.summary)")

        // The real psql, connected as the clerk's login role: no other unit's ID numbers, not even in the history.
        guard Self.psqlBinary != nil else {
            print("skipped: psql half, no psql binary")
            return
        }
        let ids = try Self.psql(asClerk, "SELECT id_number FROM person", in: s)
        #expect(ids.status == 0, "\(ids.summary)")
        #expect(ids.stdoutLines.count == inMine)
        #expect(Set(ids.stdoutLines).isDisjoint(with: others))
        let history = try Self.psql(
            asClerk, "SELECT id_number || coalesce(old_values, '') || coalesce(new_values, '') FROM history", in: s)
        #expect(history.status == 0 && !history.stdoutLines.isEmpty, "\(history.summary)")
        #expect(others.allSatisfy { id in !history.stdout.contains(id) })
        // A recorder's recognition from psql is refused by the database.
        let recognise = try Self.psql(
            asClerk,
            """
            SET celedger.actor = '冒名';
            UPDATE record SET recognition = 'recognized', recognized_tenths = claimed_tenths, reviewed_by = 'x',
                version = version + 1 WHERE recognition = 'pending'
            """, in: s)
        #expect(recognise.status != 0 && recognise.stderr.contains("a recorder does not decide"), "\(recognise.summary)")
        // A login role that is no clerk reads nothing.
        let stranger = try Self.loginRole(server, "stranger")
        let nothing = try Self.psql(Self.uri(db, as: stranger), "SELECT count(*) FROM person", in: s)
        #expect(nothing.status != 0 && nothing.stderr.contains("permission denied"), "\(nothing.summary)")
        s.db = Self.uri(db, as: stranger)
        let refusedLedger = try s.run(["report", "annual", "--year", "2024"])
        #expect(
            refusedLedger.status == 3 && refusedLedger.stderr.contains("is not a clerk of this ledger"),
            "\(refusedLedger.summary)")
    }

    @Test("--db-role on a file ledger is refused with a reason, and adds nobody")
    func dbRoleOnAFileIsRefused() throws {
        let s = try Sandbox()
        _ = try s.ok(["init"])
        let r = try s.run(["clerk", "add", "王管理", "--role", "admin", "--db-role", "wang"])
        #expect(r.status == 2 && r.stderr.contains("--db-role is for a ledger on a PostgreSQL server"), "\(r.summary)")
        let zh = try s.run(["clerk", "add", "王管理", "--role", "admin", "--db-role", "wang"], lang: "zh")
        #expect(zh.status == 2 && zh.stderr.contains("--db-role 只用于 PostgreSQL 服务器上的登记簿"), "\(zh.summary)")
        #expect(try s.ok(["clerk", "list"]).stdout.contains("this ledger has no clerks"))
    }
}
