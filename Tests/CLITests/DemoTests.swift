import CeledgerTestSupport
import Foundation
import Testing

nonisolated(unsafe) private var demoFixtureFolder: String?

/// One demo ledger shared by the demo tests (building it is the slow part).
actor DemoFixture {
    static let shared = DemoFixture()
    static let arguments = ["demo", "--persons", "3000", "--years", "2021-2025", "--seed", "7"]

    struct Built: @unchecked Sendable {
        let sandbox: Sandbox
        let demo: CLIResult
        let persons: String
        let records: String
    }

    private var task: Task<Built, Error>?

    func get() async throws -> Built {
        if let task { return try await task.value }
        let t = Task { () throws -> Built in
            let s = try Sandbox("demo-shared")
            // The fixture lives as long as the test process: remove its folder when the process exits.
            demoFixtureFolder = s.dir.path
            atexit {
                if let d = demoFixtureFolder, ProcessInfo.processInfo.environment["CELEDGER_KEEP_TEMP"] == nil {
                    try? FileManager.default.removeItem(atPath: d)
                }
            }
            let demo = try await s.runAsync(Self.arguments)
            async let persons = s.runAsync(["export", "persons"])
            async let records = s.runAsync(["export", "records"])
            return Built(sandbox: s, demo: demo, persons: try await persons.stdout, records: try await records.stdout)
        }
        task = t
        return try await t.value
    }
}

@Suite("demo")
struct DemoTests {
    @Test("demo fills a ledger quietly (no progress on a pipe) and says what it made")
    func demoOutput() async throws {
        let built = try await DemoFixture.shared.get()
        let r = built.demo
        #expect(r.status == 0, "\(r.summary)")
        #expect(r.stderr.isEmpty, "progress must go only to a terminal: \(r.stderr.prefix(200))")
        #expect(r.stdout.hasPrefix("demo ledger: 3,000 persons, "), "\(r.summary)")
        #expect(r.stdout.contains("2021–2025 (seed 7)"))
        #expect(try built.sandbox.mode(built.sandbox.db) == 0o600)
    }

    @Test("the same seed gives the same ledger: two demos export byte-identical CSV")
    func deterministic() async throws {
        let built = try await DemoFixture.shared.get()
        let s = try Sandbox()
        let r = try await s.runAsync(DemoFixture.arguments)
        #expect(r.status == 0, "\(r.summary)")
        #expect(
            r.stdout.replacingOccurrences(of: s.db, with: "")
                == built.demo.stdout.replacingOccurrences(of: built.sandbox.db, with: ""))
        async let persons = s.runAsync(["export", "persons"])
        async let records = s.runAsync(["export", "records"])
        let (p, rec) = try await (persons, records)
        #expect(p.stdout == built.persons, "persons differ between two demos with seed 7")
        #expect(rec.stdout == built.records, "records differ between two demos with seed 7")
        // Another seed gives another ledger.
        let other = try Sandbox()
        try await other.runAsync(["demo", "--persons", "50", "--years", "2024", "--seed", "8"])
        let otherPersons = try await other.runAsync(["export", "persons"]).stdout
        #expect(parseCSV(otherPersons).dropFirst().first != parseCSV(built.persons).dropFirst().first)
    }

    @Test("the demo looks real: valid IDs, Jiangxi regions, all six modes, pending, rejected and failed records")
    func realistic() async throws {
        let built = try await DemoFixture.shared.get()
        let persons = csvRecords(built.persons).rows
        let records = csvRecords(built.records).rows
        #expect(persons.count == 3000)
        #expect(records.count > 3000 * 5)
        for p in persons {
            let id = p["id_number"] ?? ""
            #expect(
                id.count == 18
                    && residentID(String(id.prefix(6)), String(id.dropFirst(6).prefix(8)), Int(id.dropFirst(14).prefix(3))!)
                        == id,
                "invalid ID \(id)")
            #expect((p["name"] ?? "").unicodeScalars.allSatisfy { (0x4E00...0x9FFF).contains($0.value) }, "\(p["name"] ?? "")")
            #expect((2...4).contains(p["name"]?.count ?? 0))
        }
        // Mostly people born in Jiangxi (region 36xxxx), some from elsewhere, as in real ledgers.
        let jiangxi = persons.filter { $0["id_number"]?.hasPrefix("36") == true }.count
        #expect(jiangxi > persons.count / 2, "\(jiangxi) of \(persons.count) from Jiangxi")
        // Employees have a unit; freelancers (Art. 26) may not.
        let employees = persons.filter { $0["category"] == "employee" }
        #expect(employees.count > persons.count / 2)
        #expect(employees.allSatisfy { !($0["unit"] ?? "").isEmpty && !($0["department"] ?? "").isEmpty })
        #expect(Set(records.compactMap { $0["mode"] }) == ["training", "practice", "academic", "online", "degree", "other"])
        #expect(Set(records.compactMap { $0["category"] }) == ["public", "professional"])
        let recognition = Set(records.compactMap { $0["recognition"] })
        #expect(recognition == ["pending", "recognized", "rejected"])
        #expect(records.contains { $0["assessment"] == "failed" })
        let years = Set(records.map { String(($0["end_date"] ?? "").prefix(4)) })
        #expect(years == ["2021", "2022", "2023", "2024", "2025"])
        #expect(Set(persons.compactMap { $0["status"] }).count >= 2, "some persons left or retired")
    }

    @Test("acceptance: report annual --year 2024 --format json agrees with an independent computation over the exports")
    func reportAgreesWithIndependentComputation() async throws {
        let built = try await DemoFixture.shared.get()
        let s = built.sandbox
        async let reportRun = s.runAsync(["report", "annual", "--year", "2024", "--format", "json"])
        async let personsRun = s.runAsync(["export", "persons", "--year", "2024"])
        let (report, persons2024) = try await (reportRun, personsRun)
        #expect(report.status == 0 && persons2024.status == 0)

        // Independent: sum tenths as integers over the records CSV.
        var pub: [String: Int] = [:], prof: [String: Int] = [:]
        let (header, rows) = csvRecords(built.records)
        #expect(header.contains("recognized_hours"))
        var counted = 0
        for r in rows {
            guard r["end_date"]?.hasPrefix("2024-") == true, r["recognition"] == "recognized", r["assessment"] != "failed" else {
                continue
            }
            let id = r["id_number"] ?? ""
            let t = try #require(
                tenths(r["recognized_hours"] ?? ""), "recognized_hours \(r["recognized_hours"] ?? "") is not exact")
            if r["category"] == "public" { pub[id, default: 0] += t } else { prof[id, default: 0] += t }
            counted += 1
        }
        #expect(counted > 1000)

        let active = csvRecords(persons2024.stdout).rows.compactMap { $0["id_number"] }
        let json = try #require(try JSONSerialization.jsonObject(with: report.stdoutData) as? [[String: Any]])
        let reported = json.compactMap { $0["id_number"] as? String }
        #expect(Set(reported) == Set(active), "the report must list exactly the persons active in 2024")
        #expect(reported.count == Set(reported).count, "a person appears twice")
        #expect(active.count < 3000, "some demo persons left before 2024")

        var mismatches: [String] = []
        var met = 0
        for o in json {
            let id = o["id_number"] as? String ?? ""
            let p = pub[id] ?? 0, q = prof[id] ?? 0, total = p + q
            let status = total >= 900 && q >= 600 ? "met" : "short"
            if status == "met" { met += 1 }
            let got = (
                jsonTenths(o["public_hours"]), jsonTenths(o["professional_hours"]), jsonTenths(o["total_hours"]),
                jsonTenths(o["shortfall_hours"]), jsonTenths(o["shortfall_professional_hours"]), o["status"] as? String
            )
            if got.0 != p || got.1 != q || got.2 != total || got.3 != max(0, 900 - total) || got.4 != max(0, 600 - q)
                || got.5 != status
            {
                mismatches.append("\(id): report \(got), expected \((p, q, total, status))")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) persons differ, e.g.\n\(mismatches.prefix(5).joined(separator: "\n"))")
        // Both outcomes occur, so the comparison means something.
        #expect(met > 0 && met < json.count)
    }

    @Test(
        "on a terminal, demo shows progress on stderr (run under script(1) for a pseudo-terminal)",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func progressOnATerminal() async throws {
        let s = try Sandbox()
        let command = ([s.binary, "demo", "--persons", "1500", "--years", "2024", "--seed", "5", "--db", s.db, "--lang", "en"])
            .map { "'" + $0 + "'" }.joined(separator: " ")
        let r = try await RunningProcess(
            executable: "/usr/bin/script", arguments: ["-qec", command, "/dev/null"],
            environment: s.environment(), directory: s.dir
        ).finished()
        expectNoCrash(r)
        #expect(r.status == 0, "\(r.summary)")
        // script(1) merges the streams: the progress line is redrawn with CR and cleared before the summary.
        #expect(r.stdout.contains("\rgenerating demo ledger "), "\(r.summary)")
        #expect(r.stdout.contains("100%"), "\(r.summary)")
        #expect(r.stdout.contains("\r\u{1B}[Kdemo ledger: 1,500 persons"), "\(r.summary)")
    }

    @Test("demo refuses a ledger that already has persons and leaves it as it was")
    func demoRefusesNonEmptyLedger() throws {
        let s = try Sandbox()
        try s.importOK("persons", "p.csv", "id_number,name\n\(Staff.zhang),张三\n")
        let before = try s.export("persons")
        let r = try s.run(["demo", "--persons", "10", "--seed", "1"])
        #expect(r.status == 1, "\(r.summary)")
        #expect(r.stderrLines.count == 1)
        #expect(r.stderr.contains("already has persons"), "\(r.summary)")
        #expect(try s.export("persons") == before)
    }
}
