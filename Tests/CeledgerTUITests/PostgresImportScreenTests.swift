import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import CeledgerSQLite
import Foundation
import Testing

@testable import CeledgerPostgres
@testable import CeledgerTUI

/// The import screen (`I`) on a PostgreSQL ledger: the same screens as on a SQLite file for the same
/// roster and class, and the same persons and records written. Needs a server: CELEDGER_TEST_PG (make
/// test starts a throwaway cluster); skipped, with the reason printed, without one.
@Suite struct PostgresImportScreenTests {
    /// The fixture's persons in a new database of the test server, or nil without one.
    static func serverLedger() throws -> PostgresLedger? {
        guard let server = ProcessInfo.processInfo.environment["CELEDGER_TEST_PG"], !server.isEmpty else {
            print("skipped: the import screen on PostgreSQL, CELEDGER_TEST_PG is not set (make test starts a throwaway cluster)")
            return nil
        }
        let name = "tui_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try PGConnection(uri: server).exec("CREATE DATABASE \(name)")
        let scheme = server.range(of: "://")!.upperBound
        let hostEnd = server[scheme...].firstIndex(of: "/") ?? server.endIndex
        let ledger = try PostgresLedger.open(
            uri: String(server[..<hostEnd]) + "/" + name, pinyin: pinyin, rules: shippedRules, actor: "clerk")
        let people = try fixturePeople()
        var it = people.makeIterator()
        _ = try ledger.bulkInsert(count: people.count) { it.next()! }
        return ledger
    }

    /// The screens of one run through `I` (the subject chosen, the file, then `form`'s keys): the dry
    /// run's preview, the question, and the screen after the import.
    static func run(
        _ ledger: any LedgerWriter, subject: Int, file: String, text: String, form: (App) -> Void = { _ in }
    )
        throws -> [String]
    {
        let sandbox = try ImportSandbox()
        try sandbox.write(file, text)
        let app = try makeApp(ledger, lang: .zh, width: 120, height: 32)
        app.environment = ["HOME": sandbox.dir.path, "CELEDGER_EXPORT_DIR": sandbox.exports.path]
        app.workingDirectory = sandbox.dir.path
        app.runInBackground = { $0() }
        app.clock = { Date(timeIntervalSince1970: 1_732_521_600) }
        app.titleLevels = RosterSource.titleLevels(
            csv: try String(contentsOf: repoRoot.appendingPathComponent("data/titles/title-levels.csv"), encoding: .utf8))
        var screens: [String] = []
        app.press("I")
        for _ in 0..<subject { app.press("Down") }
        app.press("Enter", "Enter")
        form(app)
        app.tick()
        screens.append(app.screen)
        app.press("Enter")
        screens.append(app.screen)
        app.press("y")
        app.tick()
        screens.append(app.screen)
        return screens
    }

    @Test func theHospitalRosterThroughIOnAServerShowsAndWritesWhatItDoesOnAFile() throws {
        guard let server = try PostgresImportScreenTests.serverLedger() else { return }
        let file = try fixtureLedger()
        let roster = hospitalRoster()
        let a = try PostgresImportScreenTests.run(file, subject: 0, file: "花名册.csv", text: roster.csv)
        let b = try PostgresImportScreenTests.run(server, subject: 0, file: "花名册.csv", text: roster.csv)
        #expect(b[0].contains("可导入 4 行（新增 4，更新 0，未变 0） · 有误 1 行"), "\(b[0])")
        #expect(b[0].contains("第 \(roster.badLine) 行 身份证号："), "\(b[0])")
        #expect(b[2].contains("已从 花名册.csv 导入人员：新增 4，更新 0，未变 0，有误未导入 1 行"), "\(b[2])")
        for (x, y) in zip(a, b) { #expect(x == y) }
        let listed = try server.personSummary(PersonListQuery(year: 2024)).persons
        #expect(listed == (try file.personSummary(PersonListQuery(year: 2024)).persons))
        #expect(listed == (try fixtureLedger().personSummary(PersonListQuery(year: 2024)).persons) + 4)
        for id in roster.goodIDs {
            #expect(try server.personRowID(idNumber: id) != nil, "\(id)")
        }
    }

    @Test func aSignInSheetThroughIOnAServerBecomesTheSameClassAsOnAFile() throws {
        guard let server = try PostgresImportScreenTests.serverLedger() else { return }
        let file = try fixtureLedger()
        let zhang = "34052419800101001X"
        let li = id("360403", 1992, 11, 30, 131).value
        let sheet = "心血管新进展研修班 签到表\n序号,姓名,身份证号,签名\n1,张三,\(zhang),\n2,李四,\(li),\n"
        func form(_ app: App) {
            app.press("Tab", "Tab", "Tab", "Tab")
            app.type("院内感染防控培训")
            app.press("Tab")
            app.type("本院")
            app.press("Tab", "C-u")
            app.type("2024-10-08")
            app.press("Tab", "C-u")
            app.type("2024-10-08")
            app.press("C-s")
        }
        let a = try PostgresImportScreenTests.run(file, subject: 2, file: "签到表.csv", text: sheet, form: form)
        let b = try PostgresImportScreenTests.run(server, subject: 2, file: "签到表.csv", text: sheet, form: form)
        #expect(b[0].contains("可导入 2 行"), "\(b[0])")
        #expect(b[2].contains("已从 签到表.csv 登记培训班“院内感染防控培训”：新增 2 人"), "\(b[2])")
        for (x, y) in zip(a, b) { #expect(x == y) }
        for ledger in [file, server] as [any LedgerWriter] {
            var q = PersonListQuery(year: 2024)
            q.search = zhang
            let row = try #require(try ledger.personRows(q, from: nil, forward: true, including: false, limit: 1).first)
            #expect(try ledger.records(personRowID: row.rowID, year: 2024).contains { $0.record.title == "院内感染防控培训" })
        }
        // The same sheet again: both say the two are there already.
        let again = try PostgresImportScreenTests.run(server, subject: 2, file: "签到表.csv", text: sheet, form: form)
        let before = try PostgresImportScreenTests.run(file, subject: 2, file: "签到表.csv", text: sheet, form: form)
        #expect(again[0] == before[0])
        #expect(again[0].contains("重复"), "\(again[0])")
    }
}
