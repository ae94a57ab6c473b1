import CeledgerDomain
import CeledgerLedger
import Foundation
import GRDB
import Testing

@testable import CeledgerSQLite

/// The example unit rules: the Jiangxi thresholds and conversions with per-year caps (online 45, academic 40,
/// public 40), in force from 2024.
let capRuleData = try! Data(contentsOf: repoRoot.appendingPathComponent("data/rules/examples/example-unit-2024.json"))

/// Everything the stored summary says about a year, by ID number.
func stored(_ l: SQLiteLedger, _ year: Int) throws -> [String: [Int]] {
    try l.db.read { db in
        var out: [String: [Int]] = [:]
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT p.id_number, y.public_tenths, y.professional_tenths, y.total_tenths, y.trimmed_tenths, y.needed_tenths
                FROM person_year y JOIN person p ON p.id = y.person_id WHERE y.year = ?
                """, arguments: [year])
        {
            out[row[0]] = (1...5).map { row[$0] }
        }
        return out
    }
}

/// What the domain says of each active person's year, straight from their stored records.
func expected(_ l: SQLiteLedger, _ year: Int) throws -> [String: [Int]] {
    var byPerson: [String: [(Int64, CeledgerDomain.Record)]] = [:]
    var active: Set<String> = []
    try l.eachPerson(activeIn: year) { active.insert($0.person.id.value) }
    try l.eachRecord(year: year) { byPerson[$0.record.personID.value, default: []].append(($0.rowID, $0.record)) }
    let set = l.rules.ruleSet(for: year)!
    var out: [String: [Int]] = [:]
    for number in active {
        let t = AnnualTotals.evaluate(year: year, records: (byPerson[number] ?? []).map { ($0.0, $0.1) }, rules: set).totals
        out[number] = [
            t.publicHours.tenths, t.professionalHours.tenths, t.totalHours.tenths, t.trimmedHours.tenths, t.hoursNeeded.tenths,
        ]
    }
    return out
}

/// The stored summary of every year with records equals the domain's evaluation, and `check` agrees.
func expectSummaryAgrees(_ l: SQLiteLedger, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let years = try l.db.read { try Int.fetchAll($0, sql: "SELECT DISTINCT year FROM record ORDER BY year") }
    for year in years {
        #expect(try stored(l, year) == expected(l, year), "year \(year)", sourceLocation: sourceLocation)
    }
    #expect(try l.check().filter { $0.severity == .error }.map(\.message.en) == [], sourceLocation: sourceLocation)
}

@Suite struct SummaryTests {
    /// A random ledger: persons of every status, records of every mode, category, recognition and
    /// assessment over three years, with online and academic records heavy enough to hit the caps.
    func randomLedger(seed: UInt64, persons: Int = 40) throws -> (SQLiteLedger, [Int64]) {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        try l.addRuleSet(capRuleData, by: "test")
        var rng = SeededRandom(seed: seed)
        var people: [(Person, [CeledgerDomain.Record])] = []
        for i in 0..<persons {
            let id = ResidentID.make(
                region: "360102", birth: Day(year: 1970 + i % 30, month: 1 + i % 12, day: 1 + i % 28)!, sequence: i)
            let status = [EmploymentStatus.active, .active, .active, .left, .retired].randomElement(using: &rng)!
            let p = Person(
                id: id, name: "人\(i)", unit: ["甲", "乙"][i % 2], status: status,
                statusDate: status == .active ? nil : Day(year: Int.random(in: 2022...2025, using: &rng), month: 6, day: 30))
            var recs: [CeledgerDomain.Record] = []
            for j in 0..<Int.random(in: 0...14, using: &rng) {
                let end = Day(
                    year: Int.random(in: 2023...2025, using: &rng), month: Int.random(in: 1...12, using: &rng),
                    day: Int.random(in: 1...28, using: &rng))!
                let recognition = [Recognition.recognized, .recognized, .recognized, .pending, .rejected].randomElement(
                    using: &rng)!
                // At most 24 hours a day of the span it is given below (Plausibility: `check` would say so).
                let h = Hours(tenths: Int.random(in: 0...500, using: &rng))
                recs.append(
                    CeledgerDomain.Record(
                        personID: id,
                        mode: [Mode.online, .online, .academic, .training, .degree, .other, .practice].randomElement(
                            using: &rng)!,
                        category: CeledgerDomain.Category.allCases.randomElement(using: &rng)!, title: "课\(j)",
                        startDate: end.adding(days: -max(Int.random(in: 0...20, using: &rng), h.tenths / 240)), endDate: end,
                        assessment: Assessment.allCases.randomElement(using: &rng)!, claimedHours: h,
                        recognizedHours: recognition == .rejected ? nil : h, recognition: recognition))
            }
            people.append((p, recs))
        }
        var it = people.makeIterator()
        try l.bulkInsert(count: people.count) { it.next()! }
        let ids = try l.db.read { try Int64.fetchAll($0, sql: "SELECT id FROM record ORDER BY id") }
        return (l, ids)
    }

    @Test func theStoredTotalsEqualTheDomainsOnARandomLedgerWithCaps() throws {
        for seed in [1, 2, 3] as [UInt64] {
            let (l, _) = try randomLedger(seed: seed)
            try expectSummaryAgrees(l)
            // The caps did bite somewhere: the test would be weaker otherwise.
            let trimmed = try l.db.read {
                try Int.fetchOne($0, sql: "SELECT count(*) FROM person_year WHERE trimmed_tenths > 0") ?? 0
            }
            let online = try l.db.read {
                try Int.fetchOne(
                    $0,
                    sql:
                        "SELECT max(s) FROM (SELECT sum(recognized_tenths) AS s FROM record WHERE mode = 'online' AND recognition = 'recognized' AND year >= 2024 GROUP BY person_id, year)"
                ) ?? 0
            }
            #expect(trimmed > 0, "most online hours in a year: \(online)")
        }
    }

    @Test func everyKindOfChangeKeepsTheTotalsTrue() throws {
        let (l, ids) = try randomLedger(seed: 7)
        var rng = SeededRandom(seed: 99)
        let pid = try #require(
            try l.db.read { try Int64.fetchOne($0, sql: "SELECT person_id FROM record WHERE year = 2025 LIMIT 1") })
        // Recognise a batch, reject some, reopen and change one, delete one: each a transaction of its own.
        let pending = try l.pendingRecords(year: nil).map(\.stored.rowID)
        try l.setRecognition(rowIDs: Array(pending.prefix(10)), to: .recognized, reason: "", reviewer: "审")
        try expectSummaryAgrees(l)
        try l.setRecognition(rowIDs: Array(pending.dropFirst(10).prefix(5)), to: .rejected, reason: "材料不全", reviewer: "审")
        try expectSummaryAgrees(l)
        let recognised = try l.db.read {
            try Int64.fetchAll($0, sql: "SELECT id FROM record WHERE recognition = 'recognized' ORDER BY id LIMIT 5")
        }
        try l.reopen(rowIDs: recognised, reason: "更正", reviewer: "审")
        try expectSummaryAgrees(l)
        let moved = try #require(
            try l.db.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM record WHERE id = ?", arguments: [recognised[0]]).map { row in
                    StoredRecord(
                        row: row,
                        personID: try ResidentID.parse(
                            try String.fetchOne(
                                db, sql: "SELECT id_number FROM person WHERE id = ?", arguments: [row["person_id"]])!
                        ).get())
                }
            })
        var r = moved.record
        r.endDate = Day(year: 2024, month: 12, day: 31)!  // into another year: both years change
        r.startDate = min(r.startDate, r.endDate)
        r.recognition = .recognized
        r.recognizedHours = Hours(whole: 44)
        try l.updateRecord(rowID: moved.rowID, r, reviewer: "审")
        try expectSummaryAgrees(l)
        let deletable = try l.db.read { try Int64.fetchAll($0, sql: "SELECT id FROM record WHERE recognition <> 'recognized'") }
        try l.deleteRecord(rowID: deletable.randomElement(using: &rng)!)
        try expectSummaryAgrees(l)
        // A person leaving ends the years after: those rows go.
        let p = try #require(try l.person(rowID: pid))
        var changed = p.person
        changed.status = .left
        changed.statusDate = Day(year: 2024, month: 3, day: 1)
        try l.updatePerson(rowID: pid, changed)
        try expectSummaryAgrees(l)
        #expect(try stored(l, 2025)[p.person.id.value] == nil)
        #expect(try stored(l, 2024)[p.person.id.value] != nil)
        // A new person appears in every summarised year with zeros.
        let newcomer = Person(
            id: ResidentID.make(region: "360102", birth: Day(year: 1999, month: 9, day: 9)!, sequence: 777), name: "新人")
        try l.addPerson(newcomer)
        try expectSummaryAgrees(l)
        #expect(try stored(l, 2023)[newcomer.id.value] == [0, 0, 0, 0, 900])
        _ = ids
    }

    @Test func importsAndANewYearSettleInTheSameTransaction() throws {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        _ = try importing(l, .person, personsCSV)
        #expect(try stored(l, 2024).isEmpty)  // no record yet: no summarised year
        _ = try importing(
            l, .record,
            """
            身份证号,学习方式,科目类别,内容,开始日期,结束日期,申报学时,认定学时
            34052419800101001X,培训,专业,A,2024-03-04,2024-03-10,60,60
            """)
        // The year enters the summary for every active person, not only the one with a record.
        #expect(try stored(l, 2024).count == 3)
        #expect(try stored(l, 2024)["34052419800101001X"] == [0, 600, 600, 0, 300])
        try expectSummaryAgrees(l)
    }

    @Test func anotherProcessesRulesAreRecomputedByAWriterAndEvaluatedLiveByAReader() throws {
        let dir = try tempDir()
        let path = dir + "/l.sqlite"
        do {
            let l = try SQLiteLedger.open(path: path, pinyin: pinyin, rules: shippedRules)
            _ = try importing(l, .person, personsCSV)
            _ = try importing(
                l, .record,
                """
                id_number,mode,category,title,start_date,end_date,claimed_hours,recognized_hours
                34052419800101001X,online,professional,A,2024-03-08,2024-03-10,50,50
                34052419800101001X,online,public,B,2024-04-09,2024-04-10,30,30
                """)
        }
        // Another program whose rules cap online learning at 45 a year.
        let capped = [shippedRules[0], try RuleSet.decode(capRuleData)]
        let reader = try SQLiteLedger.open(path: path, pinyin: pinyin, rules: capped, access: .readOnly)
        let live = try annual(reader, 2024)["张三"]!
        #expect(live.totals.totalHours == Hours(whole: 45))
        #expect(live.totals.trimmedHours == Hours(whole: 35))
        #expect(live.notes.map(\.zh) == ["网络学习每年最多 45 学时：扣减 35.0（#1 2024-03-10 A 扣 5.0；#2 2024-04-10 B 扣 30.0）"])
        #expect(try stored(reader, 2024)["34052419800101001X"]?[2] == 800)  // the file still holds the other rules' totals
        let writer = try SQLiteLedger.open(path: path, pinyin: pinyin, rules: capped)
        #expect(try writer.totalsNeedRefresh())
        try writer.refreshTotals()
        #expect(try stored(writer, 2024)["34052419800101001X"] == [0, 450, 450, 350, 450])
        try expectSummaryAgrees(writer)
    }

    @Test func addingAndRemovingARuleSetRecomputesTheYearsItJudges() throws {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        _ = try importing(l, .person, personsCSV)
        _ = try importing(
            l, .record,
            """
            id_number,mode,category,title,start_date,end_date,claimed_hours,recognized_hours
            34052419800101001X,online,professional,A,2023-03-08,2023-03-10,60,60
            34052419800101001X,online,professional,B,2024-03-08,2024-03-10,60,60
            """)
        let years = try l.addRuleSet(capRuleData, by: "王芳")
        #expect(years == [2024])  // in force from 2024: 2023 keeps the Jiangxi set
        #expect(try annual(l, 2024)["张三"]?.totals.professionalHours == Hours(whole: 45))
        #expect(try annual(l, 2023)["张三"]?.totals.professionalHours == Hours(whole: 60))
        #expect(try l.ownRuleSets().map(\.addedBy) == ["王芳"])
        try l.removeRuleSet(id: "example-unit-2024", by: "王芳")
        #expect(try annual(l, 2024)["张三"]?.totals.professionalHours == Hours(whole: 60))
        // The removal is kept.
        #expect(try l.db.read { try String.fetchOne($0, sql: "SELECT removed_by FROM rule_set") } == "王芳")
        #expect(throws: LedgerError.noOwnRuleSet(id: "example-unit-2024")) {
            try l.removeRuleSet(id: "example-unit-2024", by: "王芳")
        }
        #expect(throws: LedgerError.self) { try l.addRuleSet(Data("{}".utf8), by: "王芳") }
    }

    @Test func aMigratedLedgerGetsItsTotalsOnFirstOpen() throws {
        let dir = try tempDir()
        let path = dir + "/old.sqlite"
        let q = try DatabaseQueue(path: path, configuration: SQLiteLedger.configuration(actor: "old"))
        try Schema.migrator.migrate(q, upTo: "v2")
        try q.write { db in
            try db.execute(
                sql: """
                    INSERT INTO person (id_number, name, gender, birth_date, created_at, updated_at)
                    VALUES ('34052419800101001X', '张三', 'male', '1980-01-01', 'x', 'x');
                    INSERT INTO record (person_id, mode, category, title, start_date, end_date, year, claimed_tenths, recognized_tenths,
                                        recognition, created_at, updated_at)
                    VALUES (1, 'training', 'professional', 'A', '2024-03-01', '2024-03-02', 2024, 900, 900, 'recognized', 'x', 'x');
                    """)
        }
        try q.close()
        let l = try SQLiteLedger.open(path: path, pinyin: pinyin, rules: shippedRules)
        #expect(try l.totalsNeedRefresh())
        try l.refreshTotals()
        #expect(try stored(l, 2024)["34052419800101001X"] == [0, 900, 900, 0, 0])
        #expect(try !l.totalsNeedRefresh())
    }
}

@Suite struct LockTests {
    func recognised() throws -> (SQLiteLedger, Int64) {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        _ = try importing(l, .person, personsCSV)
        _ = try importing(
            l, .record,
            """
            id_number,mode,category,title,end_date,claimed_hours,recognized_hours
            34052419800101001X,training,professional,A,2024-03-10,8,8
            """)
        return (l, try l.db.read { try Int64.fetchOne($0, sql: "SELECT id FROM record")! })
    }

    @Test func theDatabaseRefusesToChangeOrDeleteARecognisedRecord() throws {
        let (l, id) = try recognised()
        for sql in [
            // Each moves the row version as every update must (v7), so only the lock stands in the way.
            "UPDATE record SET title = 'B', version = version + 1 WHERE id = ?",
            "UPDATE record SET recognized_tenths = 90, version = version + 1 WHERE id = ?",
            "UPDATE record SET recognition = 'rejected', recognized_tenths = NULL, version = version + 1 WHERE id = ?",
            "DELETE FROM record WHERE id = ?",
        ] {
            do {
                try l.db.write { try $0.execute(sql: sql, arguments: [id]) }
                Issue.record("\(sql) was allowed")
            } catch let e as DatabaseError {
                #expect(LedgerError.from(e, path: "x") == .locked)
            }
        }
        #expect(throws: LedgerError.locked) { try l.deleteRecord(rowID: id) }
        // Recognising again leaves it as it was.
        #expect(try l.setRecognition(rowIDs: [id], to: .recognized, reason: "", reviewer: "x") == 0)
        #expect(try l.setRecognition(rowIDs: [id], to: .rejected, reason: "r", reviewer: "x") == 0)
        // And says why, for each kind of refusal.
        #expect(
            try l.decideRecognition(rowIDs: [id, 987_654], to: .recognized, reason: "", reviewer: "x")
                == RecognitionOutcome(changed: 0, alreadyRecognized: 1, locked: 0, gone: 1))
        #expect(
            try l.decideRecognition(rowIDs: [id], to: .rejected, reason: "r", reviewer: "x")
                == RecognitionOutcome(changed: 0, alreadyRecognized: 0, locked: 1, gone: 0))
    }

    @Test func reopeningNeedsAReasonAndThenTheRecordCanChange() throws {
        let (l, id) = try recognised()
        #expect(throws: LedgerError.reopenNeedsReason) { try l.reopen(rowIDs: [id], reason: " ", reviewer: "审") }
        #expect(try l.reopen(rowIDs: [id], reason: "学时录错", reviewer: "审") == 1)
        let r = try #require(try l.reviewRecords(RecordFilter()).first)
        #expect(r.stored.record.recognition == .pending)
        #expect(r.stored.record.recognizedHours == Hours(whole: 8))  // kept for when it is recognised again
        #expect(r.stored.reviewedBy == "审")
        try l.deleteRecord(rowID: id)
        #expect(try recordCount(l) == 0)
    }
}

@Suite struct SuggestionImportTests {
    @Test func anImportWithoutRecognisedHoursStoresTheSuggestionAndARecognisedRowTakesIt() throws {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        _ = try importing(l, .person, personsCSV)
        let report = try importing(
            l, .record,
            """
            身份证号,学习方式,折算方式,科目类别,内容,开始日期,结束日期,折算数量,参与身份,申报学时,认定状态
            34052419800101001X,学术活动,全国性学术会议,专业,全国年会,2024-05-10,2024-05-12,,作报告,24,已认定
            34052419800101001X,培训,,专业,BIM 培训,2024-06-01,2024-06-05,,,40,
            11010519491231002X,学历教育,,专业,在职研究生课程,2024-01-01,2024-06-30,2,,40,
            """)
        #expect(report.errors.isEmpty && report.inserted == 3)
        let rows = try l.reviewRecords(RecordFilter())
        let byTitle = Dictionary(uniqueKeysWithValues: rows.map { ($0.stored.record.title, $0.stored.record) })
        #expect(byTitle["全国年会"]?.suggestedHours == Hours(whole: 20))
        #expect(byTitle["全国年会"]?.recognizedHours == Hours(whole: 20))
        #expect(byTitle["全国年会"]?.basis == "conference-national")
        #expect(byTitle["全国年会"]?.role == .presenter)
        #expect(byTitle["BIM 培训"]?.suggestedHours == Hours(whole: 40))
        #expect(byTitle["BIM 培训"]?.recognition == .pending)
        #expect(byTitle["在职研究生课程"]?.suggestedHours == Hours(whole: 30))
        // Recognising a pending record without recognised hours takes the suggestion, not the claim.
        let course = try #require(rows.first { $0.stored.record.title == "在职研究生课程" })
        try l.setRecognition(rowIDs: [course.stored.rowID], to: .recognized, reason: "", reviewer: "审")
        #expect(try annual(l, 2024)["欧阳明辉"]?.totals.professionalHours == Hours(whole: 30))
    }

    @Test func aBadConversionIsTheRowsErrorInItsColumn() throws {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        _ = try importing(l, .person, personsCSV)
        let report = try importing(
            l, .record,
            """
            身份证号,学习方式,折算方式,科目类别,内容,结束日期,折算数量,申报学时
            34052419800101001X,网络学习,培训、进修、研修（按天）,专业,A,2024-05-10,,8
            34052419800101001X,学术活动,,专业,B,2024-05-10,3,8
            """)
        #expect(!report.committed)
        #expect(report.errors.map(\.line) == [2, 3])
        #expect(report.errors.map(\.column) == ["折算方式", "折算数量"])
    }
}

@Suite struct WindowReportTests {
    @Test func aWindowGivesEachYearAndSkipsYearsNotRequired() throws {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        _ = try importing(
            l, .person,
            """
            id_number,name,status,status_date
            34052419800101001X,张三,,
            11010519491231002X,欧阳明辉,retired,2023-06-30
            """)
        _ = try importing(
            l, .record,
            """
            id_number,mode,category,title,start_date,end_date,claimed_hours,recognized_hours
            34052419800101001X,training,professional,A,2022-03-07,2022-03-10,90,90
            34052419800101001X,training,professional,B,2023-03-07,2023-03-10,95,95
            34052419800101001X,training,professional,C,2024-03-08,2024-03-10,60,60
            11010519491231002X,training,professional,D,2022-03-07,2022-03-10,90,90
            11010519491231002X,training,professional,E,2023-03-07,2023-03-10,90,90
            """)
        var got: [String: WindowResult] = [:]
        try l.windowReport(years: 2022...2024) { row, w in got[row.name] = w }
        #expect(got["张三"]?.years.map { $0.totals?.totalHours } == [Hours(whole: 90), Hours(whole: 95), Hours(whole: 60)])
        #expect(got["张三"]?.yearsMet == 2 && got["张三"]?.allMet == false)
        #expect(got["张三"]?.windowTotalHours == Hours(whole: 245))
        #expect(got["欧阳明辉"]?.years.map { $0.totals == nil } == [false, false, true])  // retired in 2023: 2024 not required
        #expect(got["欧阳明辉"]?.allMet == true)
        // The same, person by person.
        let pid = try #require(try l.personRowID(idNumber: "11010519491231002X"))
        #expect(try l.window(personRowID: pid, years: 2022...2024) == got["欧阳明辉"])
    }
}

@Suite struct PersonListTests {
    @Test func theListSortsByWhatIsStillNeededAndCountsWhoMet() throws {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        _ = try importing(l, .person, personsCSV)
        _ = try importing(
            l, .record,
            """
            id_number,mode,category,title,start_date,end_date,claimed_hours,recognized_hours
            34052419800101001X,training,professional,A,2024-03-07,2024-03-10,90,90
            11010519491231002X,training,public,B,2024-03-08,2024-03-10,50,50
            """)
        var q = PersonListQuery(year: 2024)
        q.sort = .status
        #expect(try l.personRows(q, from: nil, limit: 10).map(\.name) == ["李小明", "欧阳明辉", "张三"])  // 90, 60, 0 still needed
        #expect(try l.personSummary(q) == YearSummary(persons: 3, met: 1))
        q.status = .short
        #expect(try l.personSummary(q) == YearSummary(persons: 2, met: 0))
        // A year no record has reached lists everyone with zeros.
        var empty = PersonListQuery(year: 2030)
        empty.sort = .totalHours
        #expect(try l.personRows(empty, from: nil, limit: 10).count == 3)
        #expect(try l.personSummary(empty) == YearSummary(persons: 3, met: 0))
    }
}

@Suite struct KeysetPagingTests {
    /// Every order, both directions, every filter: reading the list a page at a time through the keys,
    /// forwards and backwards, gives exactly the whole list in order, and each person's key finds them.
    @Test func pagesThroughTheKeysEqualTheWholeListInEveryOrder() throws {
        let (l, _) = try SummaryTests().randomLedger(seed: 11, persons: 60)
        for year in [2024, 2030] {  // a summarised year, and one no record has reached
            for sort in PersonSort.allCases {
                for descending in [false, true] {
                    for status in [StatusFilter.all, .short] {
                        var q = PersonListQuery(year: year)
                        q.sort = sort
                        q.descending = descending
                        q.status = status
                        let whole = try l.personRows(q, from: nil, limit: 10_000)
                        #expect(whole.count == (try l.personSummary(q).persons), "\(sort) \(descending) \(year)")
                        #expect(Set(whole.map(\.rowID)).count == whole.count)
                        var forward: [PersonListRow] = []
                        var page = try l.personRows(q, from: nil, limit: 7)
                        while !page.isEmpty {
                            forward += page
                            page = try l.personRows(q, from: page.last!.key, limit: 7)
                        }
                        #expect(forward.map(\.rowID) == whole.map(\.rowID), "forward \(sort) \(descending) \(year) \(status)")
                        var backward: [PersonListRow] = []
                        page = try l.personRows(q, from: nil, forward: false, limit: 5)
                        while !page.isEmpty {
                            backward = page + backward
                            page = try l.personRows(q, from: page.first!.key, forward: false, limit: 5)
                        }
                        #expect(backward.map(\.rowID) == whole.map(\.rowID), "backward \(sort) \(descending) \(year) \(status)")
                        for (i, row) in whole.enumerated() where i % 9 == 0 {
                            let key = try #require(try l.personKey(of: row.rowID, in: q))
                            #expect(key == row.key)
                            #expect(try l.personRows(q, from: key, including: true, limit: 1).first?.rowID == row.rowID)
                        }
                    }
                }
            }
        }
    }

    /// A search is counted and paged in memory (the search index keeps the orders by name and by ID
    /// number, and each person's place in the year); it must give exactly what SQL gives, page by page.
    @Test func aSearchPagedInMemoryGivesWhatSQLGives() throws {
        let (l, _) = try SummaryTests().randomLedger(seed: 13, persons: 90)
        // Names that sort apart from the random ledger's 人N, and persons with no record (zeros).
        for (i, name) in ["张三", "张三丰", "赵四", "Anna Zhang", "周周", "章子", "欧阳明辉", "赵"].enumerated() {
            _ = try l.addPerson(
                Person(
                    id: ResidentID.make(region: "360102", birth: Day(year: 1988, month: 3, day: 1 + i)!, sequence: 500 + i),
                    name: name))
        }
        func answers(_ q: PersonListQuery, memory: Bool) throws -> [String] {
            l.searchesInMemory.withLock { $0 = memory }
            defer { l.searchesInMemory.withLock { $0 = true } }
            var out = ["\(try l.personSummary(q))"]
            let whole = try l.personRows(q, from: nil, limit: 10_000)
            out.append(whole.map { "\($0.rowID)" }.joined(separator: " "))
            var page = try l.personRows(q, from: nil, limit: 4)
            while !page.isEmpty {
                out.append("f " + page.map { "\($0.rowID)" }.joined(separator: " "))
                page = try l.personRows(q, from: page.last!.key, limit: 4)
            }
            page = try l.personRows(q, from: nil, forward: false, limit: 3)
            while !page.isEmpty {
                out.append("b " + page.map { "\($0.rowID)" }.joined(separator: " "))
                page = try l.personRows(q, from: page.first!.key, forward: false, limit: 3)
            }
            for row in whole.prefix(5) {
                out.append(
                    "i "
                        + (try l.personRows(q, from: row.key, including: true, limit: 2)).map { "\($0.rowID)" }.joined(
                            separator: " "))
            }
            return out
        }
        var inMemory = 0
        for search in ["z", "zs", "张", "人1", "1", "2", "x", "Z", "anna", "r", "没有这个人"] {
            for sort in [PersonSort.name, .idNumber, .totalHours] {
                for descending in [false, true] {
                    for status in [StatusFilter.all, .met, .short] {
                        var q = PersonListQuery(year: 2024)
                        (q.search, q.sort, q.descending, q.status) = (search, sort, descending, status)
                        let memory = try answers(q, memory: true)
                        #expect(memory == (try answers(q, memory: false)), "\(search) \(sort) \(descending) \(status)")
                        if try l.db.read({ try l.memorySearch(q, $0) }) != nil { inMemory += 1 }
                    }
                }
            }
        }
        #expect(inMemory == 11 * 3 * 2 * 3)  // every one of these took the in-memory path
        // Not for a year no record has reached, nor with a unit filter.
        var q = PersonListQuery(year: 2030)
        q.search = "z"
        #expect(try l.db.read({ try l.memorySearch(q, $0) }) == nil)
        q.year = 2024
        q.unit = "甲"
        #expect(try l.db.read({ try l.memorySearch(q, $0) }) == nil)
        // A change to the year's totals is seen at once: the flags are read again.
        q.unit = nil
        q.status = .met
        let before = try l.personSummary(q)
        let zhangID = ResidentID.make(region: "360102", birth: Day(year: 1988, month: 3, day: 1)!, sequence: 500)
        let zhang = try #require(try l.personRowID(idNumber: zhangID.value))
        for (category, hours) in [(CeledgerDomain.Category.professional, 60), (.public, 30)] {
            let day = Day(year: 2024, month: 5, day: hours / 10)!
            _ = try l.addRecord(
                CeledgerDomain.Record(
                    personID: zhangID, mode: .training, category: category, title: "满学时", startDate: day, endDate: day,
                    claimedHours: Hours(whole: hours), recognizedHours: Hours(whole: hours), recognition: .recognized),
                personRowID: zhang, reviewer: "test")
        }
        #expect(try l.personSummary(q).met == before.met + 1)
    }

    @Test func theOrdersAreTheOnesTheClerkExpects() throws {
        let (l, _) = try SummaryTests().randomLedger(seed: 12, persons: 40)
        var q = PersonListQuery(year: 2024)
        q.sort = .totalHours
        q.descending = true
        let byTotal = try l.personRows(q, from: nil, limit: 100).map(\.totals.totalHours)
        #expect(byTotal == byTotal.sorted(by: >))
        q.sort = .status
        q.descending = false
        let needs = try l.personRows(q, from: nil, limit: 100).map(\.totals.hoursNeeded)
        #expect(needs == needs.sorted(by: >))  // who needs most first
        q.sort = .name
        let names = try l.personRows(q, from: nil, limit: 100)
        let initials = try l.db.read { db in
            try names.map {
                try String.fetchOne(
                    db, sql: "SELECT substr(name_initials, 1, 1) FROM person WHERE id = ?", arguments: [$0.rowID])!
            }
        }
        #expect(initials == initials.sorted())  // grouped by the surname's first pinyin letter
        #expect(try l.personKey(of: 999_999, in: q) == nil)
    }
}
