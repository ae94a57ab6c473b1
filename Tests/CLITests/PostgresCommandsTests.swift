import CeledgerDomain
import CeledgerTestSupport
import Foundation
import Testing

/// The commands that came to a server last (`import persons`, `import class`, `rules`, `report window`,
/// `evidence`, `review list --missing-evidence`, `card --bundle`): each run on a PostgreSQL ledger and on a
/// SQLite file with the same input, and what the clerk sees compared, refusals included.
@Suite("the remaining commands on a PostgreSQL ledger")
struct PostgresCommandsTests {
    /// A file ledger and a server ledger, both set up by `prepare`, or nil without a server.
    static func pair(_ prepare: [String] = []) throws -> (file: Sandbox, server: Sandbox)? {
        guard let uri = try PostgresCLITests.newDatabase() else { return nil }
        let file = try Sandbox()
        let server = try Sandbox()
        server.db = uri
        for s in [file, server] { try s.ok(["init", "--employer", "XX县人民医院"] + prepare) }
        return (file, server)
    }

    static func id(_ region: String, _ y: Int, _ m: Int, _ d: Int, _ seq: Int) -> String {
        ResidentID.make(region: region, birth: Day(year: y, month: m, day: d)!, sequence: seq).value
    }

    static let zhao = id("360102", 1975, 3, 8, 11), qian = id("360102", 1988, 10, 2, 22)
    static let sun = id("360103", 1990, 6, 15, 34), li = id("360104", 1983, 12, 1, 45)

    /// The hospital's roster as HR keeps it: a title row, columns the ledger does not use, no unit column,
    /// a total row, and (when `bad`) one ID number a digit short on line 5.
    static func roster(bad: Bool) -> String {
        """
        XX县人民医院2024年度专业技术人员花名册,,,,,
        序号,姓名,身份证号,科室,职称,联系电话
        1,赵建国,\(zhao),内科,副主任医师,13800000001
        2,钱晓燕,\(qian),护理部,主管护师,13800000002
        \(bad ? "3,周明,36010219900101123,药剂科,药师,13800000003\n" : "")4,孙丽,\(sun),检验科,主管技师,13800000004
        合计,4人,,,,

        """
    }

    /// The same text from both, but for the folder each sandbox works in.
    static func same(_ a: CLIResult, _ b: CLIResult, _ file: Sandbox, _ server: Sandbox, _ what: String) {
        func here(_ text: String, _ s: Sandbox) -> String { text.replacingOccurrences(of: s.dir.path, with: "DIR") }
        #expect(a.status == b.status, "\(what): \(a.summary)\n\(b.summary)")
        #expect(here(a.stdout, file) == here(b.stdout, server), "\(what): \(a.summary)\n\(b.summary)")
        #expect(here(a.stderr, file) == here(b.stderr, server), "\(what): \(a.summary)\n\(b.summary)")
    }

    @Test("import persons on a server: the same refusal, dry run, report, rejected rows, updates and export as on a file")
    func importPersonsAsOnAFile() throws {
        guard let (file, server) = try PostgresCommandsTests.pair() else { return }
        let bad = PostgresCommandsTests.roster(bad: true)
        // A bad row: refused with where and what, nothing written, on both.
        var results: [CLIResult] = []
        for s in [file, server] {
            let r = try s.run(["import", "persons", try s.write("花名册.csv", bad)])
            #expect(r.status == 1, "\(r.summary)")
            #expect(r.stderr.contains("花名册.csv: line 5: 身份证号:"), "\(r.summary)")
            #expect(r.stderr.contains("1 bad row; nothing imported"), "\(r.summary)")
            #expect(try s.ok(["export", "persons", "--format", "csv"]).stdoutLines.count == 1, "nothing written")
            results.append(r)
        }
        PostgresCommandsTests.same(results[0], results[1], file, server, "refused")
        // The dry run and the import of the good rows, the bad one beside the file.
        for args in [["--dry-run"], ["--skip-invalid"]] {
            let a = try file.run(["import", "persons", try file.write("花名册.csv", bad)] + args)
            let b = try server.run(["import", "persons", try server.write("花名册.csv", bad)] + args)
            PostgresCommandsTests.same(a, b, file, server, "\(args)")
        }
        let rejected = "花名册.rejected.csv"
        #expect(try file.read(rejected) == (try server.read(rejected)))
        #expect(try server.read(rejected).contains("36010219900101123"))
        #expect(try server.ok(["export", "persons", "--format", "csv"]).stdoutLines.count == 4)

        // A second roster: one moved and left, one unchanged, one new (named twice, the second time
        // promoted), in a file with a unit column.
        let update = """
            姓名,身份证号,单位,科室,职称,人员状态,状态日期
            赵建国,\(PostgresCommandsTests.zhao),XX县人民医院,外科,副主任医师,离职,2024-09-30
            钱晓燕,\(PostgresCommandsTests.qian),XX县人民医院,护理部,主管护师,在职,
            李伟,\(PostgresCommandsTests.li),XX县中医院,外科,医师,在职,
            李伟,\(PostgresCommandsTests.li),XX县中医院,外科,主治医师,在职,

            """
        for args in [["--dry-run"], []] {
            let a = try file.run(["import", "persons", try file.write("更新.csv", update)] + args)
            let b = try server.run(["import", "persons", try server.write("更新.csv", update)] + args)
            PostgresCommandsTests.same(a, b, file, server, "update \(args)")
            if args.isEmpty { #expect(b.stdout.contains("1 added, 2 updated, 1 unchanged"), "\(b.summary)") }
        }
        let exported = try file.ok(["export", "persons", "--format", "csv"]).stdout
        #expect(exported == (try server.ok(["export", "persons", "--format", "csv"]).stdout))
        #expect(exported.contains("外科") && exported.contains("left,2024-09-30") && exported.contains("主治医师"))
        // The server's history has the update, made by its trigger, with the values before and after.
        let h = try server.ok(["history", PostgresCommandsTests.zhao, "--format", "json"])
        #expect(h.stdout.contains("\"action\":\"update\""), "\(h.summary)")
        #expect(h.stdout.contains("内科") && h.stdout.contains("外科"), "\(h.summary)")
        // The same roster again: nobody added; 李伟's two rows change him there and back, row by row, on both.
        let a = try file.ok(["import", "persons", try file.write("更新.csv", update)])
        let b = try server.ok(["import", "persons", try server.write("更新.csv", update)])
        PostgresCommandsTests.same(a, b, file, server, "again")
        #expect(b.stdout.contains("0 added, 2 updated, 2 unchanged"), "\(b.summary)")
        #expect(try file.ok(["export", "persons", "--format", "csv"]).stdout == exported)
        #expect(try server.ok(["export", "persons", "--format", "csv"]).stdout == exported)
    }

    @Test("import class on a server: the same refusals, dry run, class and duplicates as on a file")
    func importClassAsOnAFile() throws {
        guard let (file, server) = try PostgresCommandsTests.pair() else { return }
        let roster = PostgresCommandsTests.roster(bad: false)
        for s in [file, server] { try s.ok(["import", "persons", try s.write("花名册.csv", roster)]) }
        let details = [
            "--mode", "training", "--category", "professional", "--title", "院内感染防控培训", "--provider", "县卫健委",
            "--start-date", "2024-05-10", "--end-date", "2024-05-11", "--claimed-hours", "16",
        ]
        let stranger = PostgresCommandsTests.li
        let bad = """
            姓名,身份证号
            赵建国,\(PostgresCommandsTests.zhao)
            钱小燕,\(PostgresCommandsTests.qian)
            李伟,\(stranger)

            """
        let good = """
            姓名,身份证号
            赵建国,\(PostgresCommandsTests.zhao)
            钱晓燕,\(PostgresCommandsTests.qian)
            孙丽,\(PostgresCommandsTests.sun)

            """
        var refusals: [CLIResult] = []
        for s in [file, server] {
            let r = try s.run(["import", "class", try s.write("签到表.csv", bad)] + details)
            #expect(r.status == 1, "\(r.summary)")
            #expect(r.stderr.contains("签到表.csv: line 3: 姓名: name \"钱小燕\" differs"), "\(r.summary)")
            #expect(r.stderr.contains("签到表.csv: line 4: 身份证号: no person with this ID number"), "\(r.summary)")
            #expect(try s.ok(["export", "records", "--format", "csv"]).stdoutLines.count == 1, "nothing written")
            refusals.append(r)
        }
        PostgresCommandsTests.same(refusals[0], refusals[1], file, server, "refused class")
        for args in [["--dry-run"], [], []] {
            let a = try file.run(["import", "class", try file.write("签到表.csv", good)] + details + args)
            let b = try server.run(["import", "class", try server.write("签到表.csv", good)] + details + args)
            PostgresCommandsTests.same(a, b, file, server, "class \(args)")
        }
        let last = try server.ok(["import", "class", try server.write("签到表.csv", good)] + details)
        #expect(last.stdout.contains("0 added, 3 duplicates skipped"), "\(last.summary)")
        let records = try file.ok(["export", "records", "--format", "csv"]).stdout
        #expect(records == (try server.ok(["export", "records", "--format", "csv"]).stdout))
        #expect(records.components(separatedBy: "院内感染防控培训").count - 1 == 3)
        // A class that has not ended cannot arrive recognised, on either.
        let future = ["--start-date", "2099-05-10", "--end-date", "2099-05-11", "--recognition", "recognized"]
        let early: [String] = Array(details.prefix(8)) + ["--claimed-hours", "16"] + future
        let a = try file.run(["import", "class", try file.write("签到表.csv", good)] + early)
        let b = try server.run(["import", "class", try server.write("签到表.csv", good)] + early)
        #expect(b.status != 0, "\(b.summary)")
        PostgresCommandsTests.same(a, b, file, server, "not ended")
    }

    @Test("rules and report window on a server: the same list, rule set, recomputed years and window as on a file")
    func rulesAndWindowAsOnAFile() throws {
        guard let (file, server) = try PostgresCommandsTests.pair() else { return }
        for s in [file, server] { try s.ok(["demo", "--persons", "60", "--seed", "8", "--years", "2023-2025"]) }
        let ruleFile = Paths.repo.appendingPathComponent("data/rules/examples/example-unit-2024.json").path
        let window = ["report", "window", "--from", "2023", "--to", "2025"]
        for args in [
            ["rules", "list", "--years", "2020-2026"], ["rules", "show", "2024"], window + ["--format", "csv"],
            ["rules", "add", ruleFile], ["rules", "list", "--years", "2020-2026"], ["rules", "show", "2025"],
            window + ["--format", "json"], window + ["--incomplete"], window + ["--unit", "XX县人民医院", "--format", "csv"],
            ["report", "annual", "--year", "2024", "--format", "csv"], ["rules", "remove", "example-unit-2024"],
            ["rules", "remove", "example-unit-2024"], window,
        ] {
            let a = try file.run(args), b = try server.run(args)
            PostgresCommandsTests.same(a, b, file, server, "\(args)")
            #expect(!b.stdout.isEmpty || b.status != 0, "\(args): \(b.summary)")
        }
        let listed = try server.ok(["rules", "list"]).stdout
        #expect(!listed.contains("example-unit-2024"), "removed: \(listed)")
        let removedTwice = try server.run(["rules", "remove", "example-unit-2024"])
        #expect(removedTwice.status != 0 && removedTwice.stderr.contains("example-unit-2024"), "\(removedTwice.summary)")
    }

    @Test("evidence, review --missing-evidence and card --bundle on a server: the same files and answers as on a file")
    func evidenceAsOnAFile() throws {
        guard let (file, server) = try PostgresCommandsTests.pair() else { return }
        for s in [file, server] { try s.ok(["demo", "--persons", "20", "--seed", "4", "--years", "2024-2024"]) }
        let recognized = try file.ok(["review", "list", "--state", "recognized", "--format", "csv"]).stdoutLines.dropFirst()
        let fields = try #require(recognized.first?.split(separator: ",").map(String.init))
        let (record, person) = (fields[0], fields[1])
        let pdf = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 40)
        for s in [file, server] {
            try s.write("证书.pdf", pdf)
            try Data(png).write(to: s.dir.appendingPathComponent("成绩单.png"))
            try s.write("说明.txt", "not proof\n")
        }
        // Dates and times differ by the moment each ran: compared without them.
        func timeless(_ text: String) -> String {
            text.replacingOccurrences(of: #"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"#, with: "T", options: .regularExpression)
        }
        for args in [
            ["evidence", "add", record, "证书.pdf", "说明.txt"], ["evidence", "add", record, "证书.pdf", "成绩单.png"],
            ["evidence", "list", record], ["evidence", "list", "--id", person, "--format", "json"],
            ["evidence", "get", "E2", "-o", "取回.png"], ["review", "list", "--missing-evidence", "--format", "csv"],
            ["evidence", "remove", "E1", "--reason", "上传错了"], ["evidence", "remove", "E1", "--reason", "再次"],
            ["evidence", "list", "--removed", "--format", "json"], ["review", "list", "--missing-evidence"],
            ["evidence", "get", "E9", "-o", "无.pdf"],
        ] {
            let a = try file.run(args), b = try server.run(args)
            #expect(a.status == b.status, "\(args): \(a.summary)\n\(b.summary)")
            #expect(timeless(a.stdout) == timeless(b.stdout), "\(args): \(a.summary)\n\(b.summary)")
            #expect(a.stderr == b.stderr, "\(args): \(a.summary)\n\(b.summary)")
        }
        #expect(try Data(contentsOf: server.dir.appendingPathComponent("取回.png")) == Data(png))
        let history = try server.ok(["history", person]).stdout
        #expect(history.contains("上传错了"), "the removal is in the server's history: \(history)")
        // The card's bundle holds the card and the proof still kept.
        let a = try file.run(["card", person, "--year", "2024", "--bundle", "证明.zip"])
        let b = try server.run(["card", person, "--year", "2024", "--bundle", "证明.zip"])
        PostgresCommandsTests.same(a, b, file, server, "card --bundle")
        #expect(b.stdout.contains("1 proof file"), "\(b.summary)")
        let zip = try Data(contentsOf: server.dir.appendingPathComponent("证明.zip"))
        #expect(zip.range(of: Data("E2-成绩单.png".utf8)) != nil)
    }
}
