import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import CeledgerSheets
import Foundation
import Testing

@testable import CeledgerPostgres

/// Clerks on a server are login roles, held by the database itself (pg6): each test makes login roles
/// of its own on the throwaway cluster, maps them as clerks, and connects as each, through the ledger
/// (what the terminal UI and the commands call) and through raw SQL (what the clerk's psql would send).
@Suite("clerks as PostgreSQL login roles")
struct ServerClerkTests {
    static let unitA = "南昌市第一医院"
    static let unitB = "九江学院附属医院"

    /// A new login role, unique to this test run.
    static func loginRole(_ label: String) throws -> String {
        let name = "c_" + label + "_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(10)
        try PGConnection(uri: Backend.serverURI!).exec("CREATE ROLE \(name) LOGIN")
        return name
    }

    /// The database's URI, connecting as `role` instead of the owner.
    static func uri(_ uri: String, as role: String) -> String {
        let scheme = uri.range(of: "://")!.upperBound
        let at = uri[scheme...].firstIndex(of: "@")!
        return String(uri[..<scheme]) + role + String(uri[at...])
    }

    static func open(_ uri: String, actor: String = "冒名者") throws -> PostgresLedger {
        try PostgresLedger.open(uri: uri, pinyin: pinyin, rules: shippedRules, actor: actor)
    }

    /// A ledger with two units' persons and records, its admin, a recorder and a reviewer of unit A and a
    /// recorder of unit B, each a login role of its own.
    struct Fixture {
        let uri: String
        let owner: PostgresLedger
        let admin: String, recorderA: String, reviewerA: String, recorderB: String
        let a1: Person, a2: Person, b1: Person
        let a1Row: Int64, b1Row: Int64
        let recordA: Int64, recordB: Int64

        func ledger(_ role: String) throws -> PostgresLedger { try ServerClerkTests.open(ServerClerkTests.uri(uri, as: role)) }
        func raw(_ role: String) throws -> PGConnection { try PGConnection(uri: ServerClerkTests.uri(uri, as: role)) }
    }

    static func fixture() throws -> Fixture? {
        guard let uri = try Backend.newDatabase() else { return nil }
        let owner = try open(uri, actor: "所有者")
        let a1 = person("张三", "36010219800101001", unit: unitA)
        let a2 = person("李四", "36010219800101002", unit: unitA)
        let b1 = person("王五", "36040219800101003", unit: unitB)
        let a1Row = try owner.addPerson(a1)
        _ = try owner.addPerson(a2)
        let b1Row = try owner.addPerson(b1)
        let recordA = try owner.addRecord(record(a1), personRowID: a1Row, reviewer: "所有者")
        let recordB = try owner.addRecord(record(b1, title: "护理管理"), personRowID: b1Row, reviewer: "所有者")
        let admin = try loginRole("admin"), recA = try loginRole("reca"), revA = try loginRole("reva")
        let recB = try loginRole("recb")
        _ = try owner.addClerk(name: "王管理", role: .admin, units: [], dbRole: admin)
        _ = try owner.addClerk(name: "李录入", role: .recorder, units: [unitA], dbRole: recA)
        _ = try owner.addClerk(name: "赵审核", role: .reviewer, units: [unitA], dbRole: revA)
        _ = try owner.addClerk(name: "钱录入", role: .recorder, units: [unitB], dbRole: recB)
        return Fixture(
            uri: uri, owner: owner, admin: admin, recorderA: recA, reviewerA: revA, recorderB: recB, a1: a1, a2: a2, b1: b1,
            a1Row: a1Row, b1Row: b1Row, recordA: recordA, recordB: recordB)
    }

    @Test("a unit's clerk lists, searches and counts only its unit's persons, through the ledger")
    func unitClerkSeesItsUnit() throws {
        guard let f = try Self.fixture() else { return }
        let l = try f.ledger(f.recorderA)
        #expect(try l.actingClerk()?.name == "李录入")
        let rows = try allRows(l, PersonListQuery(year: 2024))
        #expect(Set(rows.map(\.idNumber)) == Set([f.a1.id.value, f.a2.id.value]))
        #expect(try allRowsBackwards(l, PersonListQuery(year: 2024)).map(\.idNumber) == rows.map(\.idNumber))
        #expect(try l.counts() == (persons: 2, records: 1))
        #expect(try l.units() == [ServerClerkTests.unitA])
        #expect(try l.history(idNumber: f.b1.id.value).isEmpty)
        #expect(try l.person(rowID: f.b1Row) == nil)
        #expect(try l.records(personRowID: f.b1Row, year: 2024).isEmpty)
        #expect(try l.statistics(year: 2024, unit: nil).total.persons == 2)
        #expect(try l.personSummary(PersonListQuery(year: 2024)).persons == 2)
        // Search: another unit's person is not found by name, pinyin or ID number.
        for text in ["王五", "ww", "0101003"] {
            var q = PersonListQuery(year: 2024)
            q.search = text
            #expect(try allRows(l, q).isEmpty, "\(text)")
            #expect(try allRows(f.owner, q).map(\.idNumber) == [f.b1.id.value], "\(text)")
        }
        var own = PersonListQuery(year: 2024)
        own.search = "张三"
        #expect(try allRows(l, own).map(\.idNumber) == [f.a1.id.value])
        // What the screens read of one person and of the review queue.
        #expect(try l.pendingRecords(year: 2024, limit: 100).map(\.stored.rowID) == [f.recordA])
        #expect(try l.cardSource(personRowID: f.b1Row, years: 2024...2024) == nil)
        #expect(try l.cardSource(personRowID: f.a1Row, years: 2024...2024) != nil)
        #expect(try l.personKey(of: f.b1Row, in: PersonListQuery(year: 2024)) == nil)
        // The owner and an all-units clerk still see everyone.
        #expect(try f.owner.counts() == (persons: 3, records: 2))
        #expect(try f.ledger(f.admin).counts() == (persons: 3, records: 2))
    }

    @Test("a unit's clerk's search index and pickers hold only its unit's persons, also when read beforehand")
    func unitClerksIndexHoldsItsUnit() throws {
        guard let f = try Self.fixture() else { return }
        let a2Row = try #require(try f.owner.personRowID(idNumber: f.a2.id.value))
        let l = try f.ledger(f.recorderA)
        // Read beforehand, on the clerk's second connection.
        l.prepareSearch(year: 2024)
        let deadline = Date().addingTimeInterval(60)
        while l.searchIsBeingPrepared(year: 2024) && Date() < deadline { usleep(2_000) }
        let prepared = try #require(l.search.kept.withLock { $0.index?.index })
        #expect(Set(prepared.matches("")) == [f.a1Row, a2Row])
        #expect(l.search.kept.withLock { $0.pickers?.lists.units } == [ServerClerkTests.unitA])
        // Read in the search's own transaction.
        l.search.kept.withLock { $0 = PostgresSearch.Kept() }
        let index = try l.read { () throws in try l.searchIndex() }
        #expect(index.count == 2)
        for text in ["王五", "ww", "0101003", "3604"] { #expect(index.matches(text).isEmpty, "\(text)") }
        #expect(try l.departments(unit: nil) == ["内科"])
        #expect(try l.departments(unit: ServerClerkTests.unitB).isEmpty)
        // The owner's holds everyone.
        #expect(try f.owner.read { () throws in try f.owner.searchIndex() }.count == 3)
    }

    @Test("a clerk's units changed by an admin reach the clerk's open screens: kept pickers and search follow")
    func changedUnitsReachOpenScreens() throws {
        guard let f = try Self.fixture() else { return }
        let l = try f.ledger(f.recorderA)
        #expect(try l.units() == [ServerClerkTests.unitA])
        var q = PersonListQuery(year: 2024)
        q.search = "王五"
        #expect(try l.personRows(q, from: nil, forward: true, including: false, limit: 5).isEmpty)
        let seen = try l.version()
        _ = try f.owner.changeClerk(name: "李录入", role: nil, units: [ServerClerkTests.unitA, ServerClerkTests.unitB])
        #expect(try moved(l, from: seen) != nil, "the change of units is a change the screens hear of")
        #expect(try l.units() == [ServerClerkTests.unitA, ServerClerkTests.unitB].sorted())
        #expect(try l.personRows(q, from: nil, forward: true, including: false, limit: 5).map(\.name) == ["王五"])
    }

    @Test("with raw SQL (psql) a unit's clerk reads no ID number, name or history of another unit")
    func rawSQLIsLimitedToo() throws {
        guard let f = try Self.fixture() else { return }
        let psql = try f.raw(f.recorderA)
        let ids = Set(try psql.exec("SELECT id_number FROM person").rows.map { $0.text(0) })
        #expect(ids == Set([f.a1.id.value, f.a2.id.value]))
        #expect(try psql.exec("SELECT count(*) FROM record").first?.int(0) == 1)
        #expect(try psql.exec("SELECT count(*) FROM person_year").first?.int(0) == 2)
        let history = try psql.exec("SELECT id_number, coalesce(old_values, '') || coalesce(new_values, '') FROM history").rows
        #expect(!history.isEmpty)
        #expect(
            history.allSatisfy {
                $0.text(0) != f.b1.id.value && !$0.text(1).contains(f.b1.id.value) && !$0.text(1).contains("王五")
            })
        // …and cannot write into another unit either: its rows are not there to update.
        try psql.exec("SET celedger.actor = '冒名者'")
        let moved = try psql.exec(
            "UPDATE person SET name = '改名', version = version + 1 WHERE id = $1", [String(f.b1Row)]
        ).changed
        #expect(moved == 0)
        #expect(try f.owner.person(rowID: f.b1Row)?.person.name == "王五")
        // A person into another unit, or moved there, is refused by the policy.
        let insert = failureState {
            try psql.exec(
                """
                INSERT INTO person (id_number, name, gender, birth_date, unit, created_at, updated_at)
                VALUES ('\(id("36040219800101004").value)', '外人', 'male', '1980-01-01', '\(ServerClerkTests.unitB)', 'x', 'x')
                """)
        }
        #expect(insert == "42501")
        let move = failureState {
            try psql.exec(
                "UPDATE person SET unit = $1, version = version + 1 WHERE id = $2", [ServerClerkTests.unitB, String(f.a1Row)])
        }
        #expect(move == "42501")
        // No forged history, no forged chain links.
        #expect(
            failureState {
                try psql.exec(
                    "INSERT INTO history (at, actor, action, entity, entity_id, id_number) VALUES ('x', 'x', 'insert', 'person', 1, 'x')"
                )
            } == "42501")
        #expect(
            failureState { try psql.exec("INSERT INTO history_chain (seq, history_id, digest) VALUES (999, 1, '\\x00')") }
                == "42501")
        // The owner's linking function links only the calling transaction's own entries, at the head.
        #expect(failureState { try psql.exec("SELECT celedger_link('{999}', '{1}', '{00}')") } == "P0001")
        #expect(try f.owner.verifyChain())
    }

    @Test("proof files: a unit's clerk reads only its units' files, and adds them in its own name")
    func proofIsLimited() throws {
        guard let f = try Self.fixture() else { return }
        let pdf = Array("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".utf8)
        let b = try f.ledger(f.recorderB).addEvidence(recordRowID: f.recordB, name: "证书.pdf", bytes: pdf, clerk: "冒名者")
        #expect(b.addedBy == "钱录入")
        let l = try f.ledger(f.recorderA)
        #expect(try l.evidence(recordRowIDs: [f.recordB], includingRemoved: true).isEmpty)
        #expect(failure { _ = try l.evidenceBytes(id: b.id) } == .noEvidence(id: b.id))
        #expect(try f.raw(f.recorderA).exec("SELECT count(*) FROM evidence").first?.int(0) == 0)
        #expect(failure { _ = try l.addEvidence(recordRowID: f.recordB, name: "x.pdf", bytes: pdf, clerk: "x") } == .gone)
        #expect(try f.owner.evidenceBytes(id: b.id) == pdf)
    }

    @Test("a person moved into a clerk's unit brings its history along")
    func movedPersonsHistory() throws {
        guard let f = try Self.fixture() else { return }
        let l = try f.ledger(f.recorderA)
        #expect(try l.history(idNumber: f.b1.id.value).isEmpty)
        var moved = f.b1
        moved.unit = ServerClerkTests.unitA
        try f.owner.updatePerson(rowID: f.b1Row, moved, expected: nil)
        let entries = try l.history(idNumber: f.b1.id.value)
        #expect(entries.count == 3)  // added, its record, moved
        #expect(entries.first?.action == .insert)
    }

    @Test("a unit's clerk cannot add a person to another unit, in its own words")
    func unitClerkCannotAddElsewhere() throws {
        guard let f = try Self.fixture() else { return }
        let l = try f.ledger(f.recorderA)
        #expect(
            failure { _ = try l.addPerson(person("外人", "36040219800101004", unit: ServerClerkTests.unitB)) }
                == .outsideUnits(name: "李录入", unit: ServerClerkTests.unitB))
        #expect(try f.owner.counts().persons == 3)
        // In its own unit it works, named as the clerk of the login role, whatever name it was opened with.
        let row = try l.addPerson(person("新人", "36010219800101005", unit: ServerClerkTests.unitA))
        let rec = try l.addRecord(
            record(person("新人", "36010219800101005", unit: ServerClerkTests.unitA)), personRowID: row, reviewer: "冒名者")
        let entries = try f.owner.history(idNumber: id("36010219800101005").value)
        #expect(entries.map(\.actor) == ["李录入", "李录入"])
        #expect(try f.owner.records(personRowID: row, year: 2024).first { $0.rowID == rec }?.enteredBy == "李录入")
        // Its writes keep the whole ledger's chain whole.
        #expect(try f.owner.verifyChain())
    }

    @Test("a recorder cannot recognise, neither through the ledger nor with an UPDATE in psql")
    func recorderCannotRecognise() throws {
        guard let f = try Self.fixture() else { return }
        let l = try f.ledger(f.recorderA)
        #expect(
            failure {
                _ = try l.decideRecognition(rowIDs: [f.recordA], to: .recognized, reason: "", reviewer: "x", expected: [:])
            }
                == .roleForbids(name: "李录入", role: .recorder, action: .decide))
        let psql = try f.raw(f.recorderA)
        let state = failureState {
            try psql.exec(
                """
                UPDATE record SET recognition = 'recognized', recognized_tenths = claimed_tenths, reviewed_by = '赵审核',
                    version = version + 1 WHERE id = $1
                """, [String(f.recordA)])
        }
        #expect(state == PostgresSchema.roleState)
        // Nor enter a record already decided.
        #expect(
            failure {
                _ = try l.addRecord(record(f.a1, title: "已认定", recognition: .recognized), personRowID: f.a1Row, reviewer: "x")
            }
                == .roleForbids(name: "李录入", role: .recorder, action: .decide))
        #expect(try f.owner.records(personRowID: f.a1Row, year: 2024).allSatisfy { $0.record.recognition == .pending })
        // Nor with an INSERT in psql, one row or many, whatever it says its actor is.
        try psql.exec("SET celedger.actor = '赵审核'")
        let insert = """
            INSERT INTO record (person_id, mode, category, title, start_date, end_date, year, assessment, claimed_tenths,
                recognized_tenths, recognition, reviewed_by, reviewed_at, role, created_at, updated_at)
            SELECT $1, 'training', 'professional', '插入' || g, '2024-05-0' || g, '2024-05-0' || g, 2024, 'passed', 80, 80,
                CASE WHEN g = 2 THEN 'recognized' ELSE 'pending' END, NULL, NULL, 'participant', '2024-05-01', '2024-05-01'
            FROM generate_series(1, 3) g
            """
        #expect(failureState { try psql.exec(insert, [String(f.a1Row)]) } == PostgresSchema.roleState)
        #expect(try f.owner.records(personRowID: f.a1Row, year: 2024).allSatisfy { $0.record.recognition == .pending })
    }

    @Test("nobody recognises their own entry: the database refuses it also from psql, and names the decider")
    func noSelfRecognition() throws {
        guard let f = try Self.fixture() else { return }
        let reviewer = try f.ledger(f.reviewerA)
        let a2Row = try #require(try f.owner.personRowID(idNumber: f.a2.id.value))
        let own = try reviewer.addRecord(record(f.a2, title: "自己录的"), personRowID: a2Row, reviewer: "x")
        let outcome = try reviewer.decideRecognition(rowIDs: [own], to: .recognized, reason: "", reviewer: "x", expected: [:])
        #expect(outcome.ownEntries == 1 && outcome.changed == 0)
        let psql = try f.raw(f.reviewerA)
        let state = failureState {
            try psql.exec(
                """
                UPDATE record SET recognition = 'recognized', recognized_tenths = claimed_tenths, reviewed_by = 'x',
                    version = version + 1 WHERE id = $1
                """, [String(own)])
        }
        #expect(state == PostgresSchema.ownEntryState)
        // Nor inserted recognised by oneself in psql; and a decision inserted in another's name is refused even
        // when the session claims that name as its actor, or written in the reviewer's own name otherwise.
        let insert = """
            INSERT INTO record (person_id, mode, category, title, start_date, end_date, year, assessment, claimed_tenths,
                recognized_tenths, recognition, reviewed_by, reviewed_at, role, created_at, updated_at, entered_by)
            VALUES ($1, 'training', 'professional', $2, '2024-06-01', '2024-06-01', 2024, 'passed', 80, 80, 'rejected',
                $3, '2024-06-02', 'participant', '2024-06-02', '2024-06-02', $4)
            """
        #expect(
            failureState {
                try psql.exec(
                    insert.replacingOccurrences(of: "'rejected'", with: "'recognized'"),
                    [String(a2Row), "自己插入的", "赵审核", "赵审核"])
            } == PostgresSchema.ownEntryState)
        try psql.exec("SET celedger.actor = '孙审核'")
        #expect(failureState { try psql.exec(insert, [String(a2Row), "冒名插入", "孙审核", "别人"]) } == "42501")
        try psql.exec(insert, [String(a2Row), "改名插入", "别人", "别人"])
        let renamed = try #require(try f.owner.records(personRowID: a2Row, year: 2024).first { $0.record.title == "改名插入" })
        #expect(renamed.reviewedBy == "赵审核")
        // Another reviewer's record: recognised, in the reviewer's own name, not the one the caller gave.
        let done = try reviewer.decideRecognition(
            rowIDs: [f.recordA], to: .recognized, reason: "", reviewer: "冒名者", expected: [:])
        #expect(done.changed == 1)
        let decided = try #require(try f.owner.records(personRowID: f.a1Row, year: 2024).first { $0.rowID == f.recordA })
        #expect(decided.record.recognition == .recognized && decided.reviewedBy == "赵审核")
        #expect(try f.owner.history(idNumber: f.a1.id.value).last?.actor == "赵审核")
        // A unit A reviewer does not reach unit B's record at all.
        let other = try reviewer.decideRecognition(rowIDs: [f.recordB], to: .recognized, reason: "", reviewer: "x", expected: [:])
        #expect(other.gone == 1 && other.changed == 0)
    }

    @Test("a login role that is no clerk reads nothing and writes nothing; a removed clerk's role loses its rights")
    func strangersAndRemovedClerks() throws {
        guard let f = try Self.fixture() else { return }
        let stranger = try ServerClerkTests.loginRole("stranger")
        #expect(failure { _ = try f.ledger(stranger) } == .loginRoleNotAClerk(role: stranger))
        #expect(failureState { try f.raw(stranger).exec("SELECT id_number FROM person") } == "42501")
        // Only an admin manages clerks; the admin (not the owner) can.
        let l = try f.ledger(f.recorderA)
        #expect(failure { try l.removeClerk(name: "钱录入") } == .roleForbids(name: "李录入", role: .recorder, action: .manageClerks))
        try f.ledger(f.admin).removeClerk(name: "钱录入")
        #expect(failure { _ = try f.ledger(f.recorderB) } == .loginRoleNotAClerk(role: f.recorderB))
        #expect(failureState { try f.raw(f.recorderB).exec("SELECT count(*) FROM person") } == "42501")
        #expect(try f.owner.clerks().first { $0.name == "钱录入" }?.removedBy == "王管理")
        // A changed role takes effect at once: made a reviewer, 李录入 may decide another's record.
        _ = try f.ledger(f.admin).changeClerk(name: "李录入", role: .reviewer, units: nil)
        let now = try f.ledger(f.recorderA)
        #expect(
            try now.decideRecognition(rowIDs: [f.recordA], to: .rejected, reason: "材料不全", reviewer: "x", expected: [:]).changed
                == 1)
    }

    @Test("the first clerk is an admin; a unit clerk's login role cannot be the owner; each login role is one clerk's")
    func addingRules() throws {
        guard let uri = try Backend.newDatabase() else { return }
        let owner = try ServerClerkTests.open(uri, actor: "所有者")
        let r = try ServerClerkTests.loginRole("first")
        #expect(failure { _ = try owner.addClerk(name: "甲", role: .recorder, units: [], dbRole: r) } == .firstClerkMustBeAdmin)
        #expect(
            failure { _ = try owner.addClerk(name: "甲", role: .admin, units: [], dbRole: "no_such_role_x") }
                == .noSuchLoginRole(role: "no_such_role_x"))
        #expect(failure { _ = try owner.addClerk(name: "甲", role: .admin, units: []) } == .clerkNeedsLoginRole)
        _ = try owner.addClerk(name: "甲", role: .admin, units: [], dbRole: r)
        #expect(
            failure { _ = try owner.addClerk(name: "乙", role: .recorder, units: [], dbRole: r) }
                == .loginRoleTaken(role: r, clerk: "甲"))
        #expect(
            failure { _ = try owner.addClerk(name: "乙", role: .recorder, units: ["某单位"], dbRole: "postgres") }
                == .ownerSeesEverything(role: "postgres"))
        #expect(failure { try owner.removeClerk(name: "甲") } == .lastAdmin(name: "甲"))
        #expect(try owner.clerks().map(\.name) == ["甲"])
        #expect(try owner.clerkLoginRoles() == ["甲": r])
        // The owner still works once there are clerks, named by its login role, not by what it claims.
        let p = person("所有者录", "36010219800101007")
        _ = try owner.addPerson(p)
        #expect(try owner.history(idNumber: p.id.value).map(\.actor) == ["postgres"])
        #expect(try owner.actingClerk() == nil)
    }

    @Test("a unit clerk's first record of a new year enters the year for every person, and the totals stay right")
    func newYearAndTotals() throws {
        guard let f = try Self.fixture() else { return }
        let l = try f.ledger(f.recorderA)
        _ = try l.addRecord(
            record(f.a1, title: "新年度", start: "2023-05-01", end: "2023-05-02"), personRowID: f.a1Row, reviewer: "x")
        let years = try f.owner.connection.exec("SELECT count(*) FROM person_year WHERE year = 2023").first?.int(0)
        #expect(years == 3)
        // The stored totals are those a full recomputation from every record gives, for every unit.
        let stored = "SELECT year, person_id, public_tenths, professional_tenths, needed_tenths FROM person_year ORDER BY 1, 2"
        let before = try f.owner.connection.exec(stored).rows
        try f.owner.recomputeTotals()
        #expect(try f.owner.connection.exec(stored).rows == before)
        #expect(before.contains { $0.int64(1) == f.b1Row && $0.int(0) == 2023 })
        #expect(try f.owner.statistics(year: 2023, unit: nil).total.persons == 3)
        // Cards issued by two units' clerks get numbers unique across the ledger.
        let ca = try l.issueCard(
            personRowID: f.a1Row, firstYear: 2024, lastYear: 2024, issuer: "协会", digest: "d1", by: "x", now: Date(),
            timeZone: .gmt, prefix: "JX")
        let cb = try f.ledger(f.recorderB).issueCard(
            personRowID: f.b1Row, firstYear: 2024, lastYear: 2024, issuer: "协会", digest: "d2", by: "x", now: Date(),
            timeZone: .gmt, prefix: "JX")
        #expect(ca.number != cb.number)
        #expect(ca.issuedBy == "李录入" && cb.issuedBy == "钱录入")
        #expect(try f.owner.verifyChain())
    }

    @Test(
        "imports on a server hold a clerk as on a file: another unit's row named, a recorder's decided rows refused, a reviewer's noted"
    )
    func importsHoldTheClerk() throws {
        guard let f = try Self.fixture() else { return }
        let recorder = try f.ledger(f.recorderA)
        // A roster with a new person for this unit and one for another unit: the second row is named.
        let roster = """
            身份证号,姓名,单位
            \(id("36010219900101004").value),孙六,\(Self.unitA)
            \(id("36040219900101005").value),周七,\(Self.unitB)
            """
        let refused = try recorder.importRows(.person, from: CSVReader(text: roster), options: ImportOptions(), progress: nil)
        #expect(!refused.committed && refused.inserted == 0 && refused.badRowCount == 1)
        #expect(refused.errors.map(\.line) == [3], "\(refused.errors)")
        #expect(refused.errors.first?.message.zh.contains("李录入") == true, "\(refused.errors)")
        #expect(refused.errors.first?.message.zh.contains(Self.unitB) == true, "\(refused.errors)")
        let skipped = try recorder.importRows(
            .person, from: CSVReader(text: roster), options: ImportOptions(skipInvalid: true), progress: nil)
        #expect(skipped.committed && skipped.inserted == 1)
        #expect(try f.owner.personRowID(idNumber: id("36040219900101005").value) == nil)
        // A file whose records arrive recognised: refused whole for a recorder, naming the lines.
        let decided = """
            身份证号,学习方式,科目类别,内容,开始日期,结束日期,申报学时,认定学时,认定状态
            \(f.a2.id.value),培训,专业,院外进修,2024-04-01,2024-04-02,8,8,已认定
            """
        do {
            _ = try recorder.importRows(.record, from: CSVReader(text: decided), options: ImportOptions(), progress: nil)
            Issue.record("a recorder imported recognised rows")
        } catch let e {
            guard case .decidedRowsNeedReviewer(let name, let lines, _) = e else {
                Issue.record("\(e)")
                return
            }
            #expect(name == "李录入" && lines == [2])
        }
        // A reviewer's: imported, recognised, and the note says it arrived so (not their own recognition).
        let reviewer = try f.ledger(f.reviewerA)
        var from = ImportOptions()
        from.source = "进修单位.csv"
        let done = try reviewer.importRows(.record, from: CSVReader(text: decided), options: from, progress: nil)
        #expect(done.committed && done.inserted == 1, "\(done.errors)")
        let row = try #require(try f.owner.personRowID(idNumber: f.a2.id.value))
        let stored = try #require(try f.owner.records(personRowID: row, year: 2024).first { $0.record.title == "院外进修" })
        #expect(stored.record.recognition == .recognized)
        #expect(stored.record.recognitionNote.contains("导入时即为已认定（来自 进修单位.csv）"), "\(stored.record.recognitionNote)")
        // Still, the reviewer's own entry typed in is not theirs to recognise, also through raw SQL.
        let own = try reviewer.addRecord(record(f.a2, title: "自录"), personRowID: row, reviewer: "赵审核")
        #expect(
            failureState {
                try f.raw(f.reviewerA).exec(
                    "UPDATE record SET recognition = 'recognized', recognized_tenths = 80, version = version + 1 WHERE id = $1",
                    [String(own)])
            } == PostgresSchema.ownEntryState)
    }
}

/// The SQLSTATE a raw statement failed with, nil when it did not.
func failureState(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch let f as PGFailure {
        return f.sqlState
    } catch {
        return "\(error)"
    }
}
