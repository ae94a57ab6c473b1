import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import CeledgerSheets
import Foundation
import GRDB
import Testing

@testable import CeledgerSQLite

private func ledgerWithPersons() throws -> SQLiteLedger {
    let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
    #expect(try importing(l, .person, personsCSV).inserted == 3)
    return l
}

private func rowID(_ l: SQLiteLedger, _ id: String) throws -> Int64 { try l.personRowID(idNumber: id)! }

private let zhang = "34052419800101001X", ouyang = "11010519491231002X", li = "360102199005170422"

private func date(_ iso: String) -> Date {
    let f = ISO8601DateFormatter()
    return f.date(from: iso)!
}

@Suite("Card numbers")
struct CardNumberTests {
    let utc = TimeZone(identifier: "UTC")!

    @Test("the same content keeps its number; changed content, another person or years get the next one")
    func numbering() throws {
        let l = try ledgerWithPersons()
        let z = try rowID(l, zhang), o = try rowID(l, ouyang)
        let at = date("2024-11-25T03:00:00Z")
        let first = try l.issueCard(
            personRowID: z, firstYear: 2024, lastYear: 2024, issuer: "南昌市第一医院", digest: "aaa", by: "王芳", now: at, timeZone: utc)
        #expect(first.number == "JX-2024-000001")
        #expect(!first.reprint)
        #expect(first.issuedBy == "王芳" && first.issuedOn == Day(year: 2024, month: 11, day: 25)!)
        // Reprinted a week later by someone else: the same number, the first issue's date and clerk.
        let again = try l.issueCard(
            personRowID: z, firstYear: 2024, lastYear: 2024, issuer: "南昌市第一医院", digest: "aaa", by: "李静",
            now: date("2024-12-02T03:00:00Z"), timeZone: utc)
        #expect(again.number == first.number && again.reprint && again.issuedBy == "王芳" && again.issuedOn == first.issuedOn)
        let changed = try l.issueCard(
            personRowID: z, firstYear: 2024, lastYear: 2024, issuer: "南昌市第一医院", digest: "bbb", by: "王芳", now: at, timeZone: utc)
        #expect(changed.number == "JX-2024-000002" && !changed.reprint)
        // Back to the first content: the first number again.
        #expect(
            try l.issueCard(
                personRowID: z, firstYear: 2024, lastYear: 2024, issuer: "南昌市第一医院", digest: "aaa", by: "x", now: at, timeZone: utc
            ).number == first.number)
        let otherIssuer = try l.issueCard(
            personRowID: z, firstYear: 2024, lastYear: 2024, issuer: "南昌市卫健委", digest: "aaa", by: "x", now: at, timeZone: utc)
        let otherYears = try l.issueCard(
            personRowID: z, firstYear: 2023, lastYear: 2024, issuer: "南昌市第一医院", digest: "aaa", by: "x", now: at, timeZone: utc)
        let otherPerson = try l.issueCard(
            personRowID: o, firstYear: 2024, lastYear: 2024, issuer: "南昌市第一医院", digest: "aaa", by: "x", now: at, timeZone: utc)
        #expect(
            [otherIssuer.number, otherYears.number, otherPerson.number] == ["JX-2024-000003", "JX-2024-000004", "JX-2024-000005"])
        // A new issue year starts again at 1; the local day decides the year (UTC 16:30 on 31 December is 1 January in Beijing).
        let beijing = TimeZone(identifier: "Asia/Shanghai")!
        let newYear = try l.issueCard(
            personRowID: o, firstYear: 2024, lastYear: 2024, issuer: "南昌市第一医院", digest: "ccc", by: "x",
            now: date("2024-12-31T16:30:00Z"), timeZone: beijing)
        #expect(newYear.number == "JX-2025-000001" && newYear.issuedOn == Day(year: 2025, month: 1, day: 1)!)
        let numbers = try l.cards(personRowID: z, timeZone: utc).map(\.card.number)
        #expect(numbers == ["JX-2024-000001", "JX-2024-000002", "JX-2024-000003", "JX-2024-000004"])
        let all = try l.db.read { try String.fetchAll($0, sql: "SELECT number FROM card") }
        #expect(Set(all).count == all.count && all.count == 6)
    }

    @Test("a card for a person no longer in the ledger is refused; the sequence passes 999,999 without breaking")
    func edges() throws {
        let l = try ledgerWithPersons()
        #expect(throws: LedgerError.gone) {
            try l.issueCard(personRowID: 999, firstYear: 2024, lastYear: 2024, issuer: "x", digest: "d", by: "x")
        }
        let z = try rowID(l, zhang)
        try l.db.write { db in
            try db.execute(
                sql: """
                    INSERT INTO card (number, person_id, first_year, last_year, issuer, digest, issued_at, issued_by)
                    VALUES ('JX-2024-999999', ?, 2024, 2024, 'x', 'old', '2024-01-01T00:00:00Z', 'x')
                    """, arguments: [z])
        }
        let next = try l.issueCard(
            personRowID: z, firstYear: 2024, lastYear: 2024, issuer: "x", digest: "new", by: "x",
            now: date("2024-06-01T00:00:00Z"), timeZone: utc)
        #expect(next.number == "JX-2024-1000000")
    }

    @Test("the card's source is the person and each year's records under the rule set in force")
    func source() throws {
        let l = try ledgerWithPersons()
        _ = try importing(
            l, .record,
            """
            身份证号,学习方式,科目类别,内容,开始日期,结束日期,申报学时,认定学时
            \(zhang),培训,专业,急诊技能培训,2023-04-01,2023-04-05,40,40
            \(zhang),网络学习,公需,公需课,2024-05-01,2024-05-20,30,30
            \(zhang),其他,公需,职业道德,2024-06-01,2024-06-01,20,

            """)
        let s = try #require(try l.cardSource(personRowID: try rowID(l, zhang), years: 2023...2024))
        #expect(s.person.person.name == "张三")
        #expect(s.years.map(\.year) == [2023, 2024])
        #expect(s.years.map { $0.records.map(\.record.title) } == [["急诊技能培训"], ["公需课", "职业道德"]])
        #expect(s.years.allSatisfy { $0.ruleSet.id == "jiangxi-2023" })
        #expect(try l.cardSource(personRowID: 999, years: 2024...2024) == nil)
    }
}

@Suite("Statistics")
struct StatisticsTests {
    /// The statistics against the annual report (the totals' other reader) and against a count made here
    /// from the records themselves.
    @Test("per unit: headcount, met, hours and categories agree with the annual report; modes with the records")
    func agreesWithTheAnnualReportAndTheRecords() throws {
        for seed in [3, 11] as [UInt64] {
            let (l, _) = try SummaryTests().randomLedger(seed: seed, persons: 60)
            for year in 2023...2025 {
                let stats = try l.statistics(year: year)
                var rows: [AnnualRow] = []
                try l.annualReport(year: year) { rows.append($0) }
                let groups = stats.groups(by: .unit)
                #expect(groups.map(\.key) == Array(Set(rows.map(\.unit))).sorted())
                for g in groups {
                    let mine = rows.filter { $0.unit == g.key }
                    #expect(g.persons == mine.count)
                    #expect(g.met == mine.filter { $0.totals.status == .met }.count)
                    #expect(g.hours == mine.reduce(.zero) { $0 + $1.totals.totalHours })
                    #expect(g.byCategory[.public, default: .zero] == mine.reduce(.zero) { $0 + $1.totals.publicHours })
                    #expect(
                        g.byCategory[.professional, default: .zero] == mine.reduce(.zero) { $0 + $1.totals.professionalHours })
                    #expect(Mode.allCases.reduce(Hours.zero) { $0 + (g.byMode[$1] ?? .zero) } == g.hours)
                }
                let total = stats.total
                #expect(total.persons == rows.count && total.met == rows.filter { $0.totals.status == .met }.count)
                // Modes and categories cover the same hours as the persons.
                #expect(stats.groups(by: .mode).reduce(Hours.zero) { $0 + $1.hours } == total.hours)
                #expect(stats.groups(by: .category).reduce(Hours.zero) { $0 + $1.hours } == total.hours)
                #expect(stats.groups(by: .titleLevel).reduce(0) { $0 + $1.persons } == total.persons)
            }
        }
    }

    @Test("without caps, each mode's hours and persons are the recognised, not failed records of active persons")
    func modesFromTheRecords() throws {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)  // Jiangxi: no caps
        var rng = SeededRandom(seed: 5)
        var people: [(Person, [CeledgerDomain.Record])] = []
        for i in 0..<50 {
            let id = ResidentID.make(region: "360102", birth: Day(year: 1970 + i % 30, month: 1, day: 1 + i % 28)!, sequence: i)
            let status = [EmploymentStatus.active, .active, .left].randomElement(using: &rng)!
            let p = Person(
                id: id, name: "人\(i)", unit: ["甲", "乙", ""][i % 3], titleLevel: [nil, .junior, .senior][i % 3], status: status,
                statusDate: status == .active ? nil : Day(year: 2023, month: 6, day: 30))
            let recs = (0..<Int.random(in: 0...8, using: &rng)).map { j in
                let recognition = [Recognition.recognized, .recognized, .pending, .rejected].randomElement(using: &rng)!
                let h = Hours(tenths: Int.random(in: 1...400, using: &rng))
                let end = Day(year: 2024, month: Int.random(in: 1...12, using: &rng), day: 10)!
                return CeledgerDomain.Record(
                    personID: id, mode: Mode.allCases.randomElement(using: &rng)!,
                    category: CeledgerDomain.Category.allCases.randomElement(using: &rng)!, title: "课\(j)",
                    startDate: end, endDate: end, assessment: Assessment.allCases.randomElement(using: &rng)!,
                    claimedHours: h, recognizedHours: recognition == .rejected ? nil : h, recognition: recognition)
            }
            people.append((p, recs))
        }
        var it = people.makeIterator()
        try l.bulkInsert(count: people.count) { it.next()! }
        let stats = try l.statistics(year: 2024)
        var hours: [Mode: Int] = [:], persons: [Mode: Set<String>] = [:]
        for (p, recs) in people where p.isActive(in: 2024) {
            for r in recs where r.recognition == .recognized && r.assessment != .failed && (r.recognizedHours ?? .zero) != .zero {
                hours[r.mode, default: 0] += r.recognizedHours!.tenths
                persons[r.mode, default: []].insert(p.id.value)
            }
        }
        for g in stats.groups(by: .mode) {
            let m = Mode(rawValue: g.key)!
            #expect(g.hours.tenths == hours[m] ?? 0, "\(m)")
            #expect(g.persons == persons[m]?.count ?? 0, "\(m)")
        }
        #expect(stats.total.persons == people.filter { $0.0.isActive(in: 2024) }.count)
        #expect(stats.groups(by: .titleLevel).map(\.key) == ["junior", "senior", ""])
        // One unit only.
        let a = try l.statistics(year: 2024, unit: "甲")
        #expect(a.total.persons == people.filter { $0.0.unit == "甲" && $0.0.isActive(in: 2024) }.count)
        #expect(a.groups(by: .unit).map(\.key) == ["甲"])
    }

    @Test("rates and averages are rounded half up from exact integers")
    func rounding() {
        var g = StatsGroup(key: "x")
        g.persons = 3
        g.met = 2
        g.hours = Hours(tenths: 2000)  // 200.0 / 3 = 66.67
        #expect(g.rateTenths == 667 && StatsGroup.percent(g.rateTenths) == "66.7%")
        #expect(g.averageHours == Hours(tenths: 667))
        g.persons = 8
        g.met = 1  // 12.5%
        #expect(g.rateTenths == 125)
        g.hours = Hours(tenths: 4)  // 0.05 → 0.1
        #expect(g.averageHours == Hours(tenths: 1))
        #expect(StatsGroup(key: "").rateTenths == nil && StatsGroup.percent(nil) == "—")
    }
}

@Suite("One class, many participants")
struct BatchTests {
    let record = CeledgerDomain.Record(
        personID: try! ResidentID.parse(zhang).get(), mode: .training, category: .professional,
        title: "医疗质量安全培训", provider: "江西省卫健委", startDate: Day(year: 2024, month: 6, day: 1)!,
        endDate: Day(year: 2024, month: 6, day: 2)!, assessment: .passed, claimedHours: Hours(whole: 16),
        recognizedHours: Hours(whole: 16), recognition: .recognized)

    @Test("addRecords adds one record per person in one transaction, skips and names duplicates, settles the totals")
    func addRecords() throws {
        let l = try ledgerWithPersons()
        let z = try rowID(l, zhang), o = try rowID(l, ouyang), x = try rowID(l, li)
        try l.addRecord(record, personRowID: o, reviewer: "clerk")
        let r = try l.addRecords(record, personRowIDs: [z, o, x, z], reviewer: "王芳")
        #expect(r.added == [z, x] && r.duplicates == [o])
        #expect(try recordCount(l) == 3)
        let reviewers = try l.db.read {
            try String.fetchAll($0, sql: "SELECT reviewed_by FROM record WHERE person_id IN (?, ?)", arguments: [z, x])
        }
        #expect(reviewers == ["王芳", "王芳"])
        #expect(try annual(l, 2024)["李小明"]!.totals.professionalHours == Hours(whole: 16))
        try expectSummaryAgrees(l)
    }

    @Test("all or nothing: a person no longer in the ledger fails the whole batch")
    func atomic() throws {
        let l = try ledgerWithPersons()
        let z = try rowID(l, zhang)
        #expect(throws: LedgerError.gone) { try l.addRecords(record, personRowIDs: [z, 999], reviewer: "x") }
        #expect(try recordCount(l) == 0)
    }

    static let classFile = """
        # 培训班信息（项目,内容）
        学习方式,培训班,,,
        科目类别,专业科目,,,
        内容,医疗质量安全培训,,,
        举办单位,江西省卫生健康委员会,,,
        开始日期,2024-06-01,,,
        结束日期,2024-06-02,,,
        申报学时,16,,,
        考核结果,合格,,,

        身份证号,姓名,考核结果,成绩,认定学时
        \(zhang),张三,优秀,95,16
        \(ouyang),欧阳明辉,,,
        \(li),李小明,不合格,40,16

        """

    @Test("a class file: class lines, then participants overriding the class's values")
    func importClass() throws {
        let l = try ledgerWithPersons()
        let r = try l.importClass(from: CSVReader(text: Self.classFile))
        #expect(r.errors.isEmpty, "\(r.errors.map(\.message.en))")
        #expect(r.committed && r.inserted == 3 && r.rows == 3)
        #expect(r.record?.title == "医疗质量安全培训" && r.record?.mode == .training)
        var recs: [String: CeledgerDomain.Record] = [:]
        try l.eachRecord { recs[$0.record.personID.value] = $0.record }
        #expect(recs[zhang]?.assessment == .excellent && recs[zhang]?.score == "95" && recs[zhang]?.recognition == .recognized)
        #expect(
            recs[ouyang]?.assessment == .passed && recs[ouyang]?.recognition == .pending && recs[ouyang]?.provider == "江西省卫生健康委员会"
        )
        #expect(recs[li]?.assessment == .failed)
        // Again: every participant is a duplicate, nothing fails.
        let again = try l.importClass(from: CSVReader(text: Self.classFile))
        #expect(again.errors.isEmpty && again.inserted == 0 && again.duplicates.count == 3)
        #expect(again.duplicates.map(\.line) == [12, 13, 14])
        try expectSummaryAgrees(l)
    }

    @Test("a class file's registration is undone in one step; 张三's arrived recognised, so a reason is asked")
    func importClassUndo() throws {
        let l = try ledgerWithPersons()
        let r = try l.importClass(from: CSVReader(text: Self.classFile))
        #expect(r.changes.addedRecords.count == 3 && r.changes.addedRecords.runs.count == 1)
        #expect(throws: LedgerError.reopenNeedsReason) { _ = try l.undo(.imported(r.changes), reason: "", reviewer: "x") }
        #expect(try recordCount(l) == 3)
        #expect(try l.undo(.imported(r.changes), reason: "登记错了班", reviewer: "x") == 3)
        #expect(try recordCount(l) == 0)
        #expect(try l.history(idNumber: zhang).suffix(2).map(\.action) == [.update, .delete])
        try expectSummaryAgrees(l)
    }

    @Test("bad participants are reported by line and column, and nothing is imported")
    func badRows() throws {
        let l = try ledgerWithPersons()
        let text =
            Self.classFile.replacingOccurrences(of: "\(ouyang),欧阳明辉,,,", with: "\(ouyang),欧阳明慧,,,")
            + "340524198001010013,某人,,,\n360981199503060110,陌生人,,,\n\(li),李小明,及格,abc,\n"
        let r = try l.importClass(from: CSVReader(text: text))
        #expect(!r.committed && r.inserted == 0)
        #expect(try recordCount(l) == 0)
        let found = r.errors.map { "\($0.line) \($0.column)" }
        #expect(found.contains("13 姓名"))  // name differs from the ledger's
        #expect(found.contains("15 身份证号"))  // bad check character
        #expect(found.contains("16 身份证号"))  // not in the ledger
        #expect(found.contains("17 成绩"))  // score not a number
        #expect(r.badRowCount == 4)
        // A dry run writes nothing and reports the same.
        let dry = try l.importClass(from: CSVReader(text: text), dryRun: true)
        #expect(dry.errors.count == r.errors.count)
    }

    @Test("a bad class line stops everything at its own line; so does a class column among the participants")
    func badClass() throws {
        let l = try ledgerWithPersons()
        let badDate = Self.classFile.replacingOccurrences(of: "结束日期,2024-06-02", with: "结束日期,2024-05-02")
        let r = try l.importClass(from: CSVReader(text: badDate))
        #expect(r.fileIsBroken && r.errors.count == 1 && r.errors[0].line == 7 && r.errors[0].column == "结束日期")
        let unknown = try l.importClass(from: CSVReader(text: "班级,一班\n" + Self.classFile))
        #expect(unknown.errors.first?.line == 1 && unknown.errors.first?.column == "班级")
        let perPerson = try l.importClass(
            from: CSVReader(text: Self.classFile.replacingOccurrences(of: "身份证号,姓名,考核结果,成绩,认定学时", with: "身份证号,姓名,考核结果,成绩,内容")))
        #expect(perPerson.fileIsBroken && perPerson.errors.first?.column == "内容" && perPerson.errors.first?.line == 11)
        let none = try l.importClass(from: CSVReader(text: "学习方式,培训\n内容,x\n"))
        #expect(none.fileIsBroken && none.errors.first?.message.en.contains("no participants table") == true)
        let missing = try l.importClass(from: CSVReader(text: "内容,x\n开始日期,2024-06-01\n申报学时,8\n身份证号\n\(zhang)\n"))
        #expect(missing.errors.map(\.column).sorted() == ["学习方式", "科目类别"])
        #expect(try recordCount(l) == 0)
    }
}
