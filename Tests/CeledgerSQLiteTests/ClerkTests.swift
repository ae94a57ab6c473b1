import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import CeledgerSheets
import Foundation
import GRDB
import Testing

@testable import CeledgerSQLite

/// One ledger file, opened by two clerks as two windows (two connections) would.
struct TwoWindows {
    let path: String
    init() throws { path = try tempDir() + "/ledger.sqlite" }
    func open(_ actor: String) throws -> SQLiteLedger {
        try SQLiteLedger.open(path: path, pinyin: pinyin, rules: shippedRules, actor: actor)
    }
}

let clerkRecordsCSV = """
    id_number,mode,category,title,end_date,claimed_hours,recognition
    34052419800101001X,training,professional,A,2024-03-10,8,pending
    34052419800101001X,training,professional,B,2024-04-10,6,pending
    11010519491231002X,training,professional,C,2024-05-10,4,pending
    """

/// No message a clerk reads carries SQLite's words.
func expectClerkWords(_ e: LedgerError, sourceLocation: SourceLocation = #_sourceLocation) {
    for text in [e.message.zh, e.message.en] {
        for raw in ["SQLite", "sqlite3", "constraint", "CONSTRAINT", "NOT NULL", "history.id", "UNIQUE", "FOREIGN KEY"] {
            #expect(!text.contains(raw), "\(e): \(text)", sourceLocation: sourceLocation)
        }
    }
}

func refusal(_ body: () throws -> Void) -> LedgerError? {
    do {
        try body()
        return nil
    } catch let e as LedgerError {
        return e
    } catch {
        Issue.record("not a LedgerError: \(error)")
        return nil
    }
}

@Suite struct VersionTests {
    @Test func everyUpdateMovesTheRowVersionByOne() throws {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        _ = try importing(l, .person, personsCSV)
        let id = try #require(try l.personRowID(idNumber: "34052419800101001X"))
        let v1 = try #require(try l.person(rowID: id)).version
        var p = try #require(try l.person(rowID: id)).person
        p.department = "心内科"
        try l.updatePerson(rowID: id, p, expected: v1)
        #expect(try l.person(rowID: id)?.version == v1 + 1)
        // An update that forgets the version (the sqlite3 shell, another program) is refused by the schema.
        #expect(throws: (any Error).self) {
            try l.db.write { try $0.execute(sql: "UPDATE person SET department = 'x' WHERE id = ?", arguments: [id]) }
        }
        #expect(try l.person(rowID: id)?.person.department == "心内科")
    }

    @Test func aStaleSaveOfAPersonIsRefusedNamingWhoChangedWhat() throws {
        let w = try TwoWindows()
        let mine = try w.open("李明"), theirs = try w.open("王芳")
        _ = try importing(mine, .person, personsCSV)
        let id = try #require(try mine.personRowID(idNumber: "34052419800101001X"))
        let read = try #require(try mine.person(rowID: id))
        // 王芳 changes the department in her window.
        var hers = try #require(try theirs.person(rowID: id))
        var changed = hers.person
        changed.department = "心内科"
        try theirs.updatePerson(rowID: id, changed, expected: hers.version)
        hers = try #require(try theirs.person(rowID: id))
        // 李明 saves the title against what he read: refused, nothing of his written, hers kept.
        var his = read.person
        his.title = "副主任医师"
        let e = refusal { try mine.updatePerson(rowID: id, his, expected: read.version) }
        guard case .changedMeanwhile(let c)? = e else {
            Issue.record("expected changedMeanwhile, got \(String(describing: e))")
            return
        }
        #expect(c.who(.zh) == "王芳")
        #expect(c.changes(.zh).contains { $0.contains("内科 → 心内科") }, "\(c.changes(.zh))")
        #expect(e!.message.zh.contains("王芳"))
        #expect(e!.message.zh.contains("内科 → 心内科"))
        expectClerkWords(e!)
        let now = try #require(try mine.person(rowID: id))
        #expect(now.person.title == "主治医师" && now.person.department == "心内科")
        // Saving against the new version goes through (what "keep mine" does).
        try mine.updatePerson(
            rowID: id,
            {
                var p = now.person
                p.title = "副主任医师"
                return p
            }(), expected: now.version)
        #expect(try mine.person(rowID: id)?.person.title == "副主任医师")
    }

    @Test func aStaleSaveOrDeleteOfARecordIsRefused() throws {
        let w = try TwoWindows()
        let mine = try w.open("李明"), theirs = try w.open("王芳")
        _ = try importing(mine, .person, personsCSV)
        _ = try importing(mine, .record, clerkRecordsCSV)
        let pid = try #require(try mine.personRowID(idNumber: "34052419800101001X"))
        let shown = try mine.records(personRowID: pid, year: 2024)
        let a = try #require(shown.first { $0.record.title == "A" })
        var edited = a.record
        edited.note = "王芳改的"
        try theirs.updateRecord(rowID: a.rowID, edited, reviewer: "王芳", expected: a.version)
        var mineEdit = a.record
        mineEdit.provider = "南昌大学"
        let e1 = refusal { try mine.updateRecord(rowID: a.rowID, mineEdit, reviewer: "李明", expected: a.version) }
        guard case .changedMeanwhile(let c)? = e1 else {
            Issue.record("expected changedMeanwhile, got \(String(describing: e1))")
            return
        }
        #expect(c.entity == .record && c.who(.en) == "王芳")
        let e2 = refusal { try mine.deleteRecord(rowID: a.rowID, expected: a.version) }
        guard case .changedMeanwhile? = e2 else {
            Issue.record("a stale delete went through: \(String(describing: e2))")
            return
        }
        #expect(try mine.records(personRowID: pid, year: 2024).first { $0.rowID == a.rowID }?.record.note == "王芳改的")
        // A recognition asked on what the reviewer saw is left when it changed meanwhile.
        let outcome = try mine.decideRecognition(
            rowIDs: [a.rowID], to: .recognized, reason: "", reviewer: "李明", expected: [a.rowID: a.version])
        #expect(outcome.changed == 0 && outcome.changedMeanwhile == 1)
        #expect(outcome.refusals(.zh)?.contains("已被他人修改") == true)
    }

    @Test func aRecordForAPersonDeletedInAnotherWindowSaysWhoDeletedThem() throws {
        let w = try TwoWindows()
        let mine = try w.open("李明"), theirs = try w.open("王芳")
        _ = try importing(mine, .person, personsCSV)
        let id = try #require(try mine.personRowID(idNumber: "360102199005170422"))
        let shown = try #require(try mine.person(rowID: id))
        try theirs.deletePerson(rowID: id, expected: nil)
        let r = Record(
            personID: shown.person.id, mode: .training, category: .professional, title: "急救",
            startDate: Day(year: 2024, month: 3, day: 1)!,
            endDate: Day(year: 2024, month: 3, day: 1)!, claimedHours: Hours(tenths: 80), recognition: .pending)
        let e = refusal { _ = try mine.addRecord(r, personRowID: id, reviewer: "李明") }
        guard case .changedMeanwhile(let c)? = e else {
            Issue.record("expected the deletion said, got \(String(describing: e))")
            return
        }
        #expect(c.deleted && c.who(.zh) == "王芳")
        #expect(e!.message.zh.contains("已被 王芳") && e!.message.zh.contains("删除"), "\(e!.message.zh)")
        expectClerkWords(e!)
        // The class registration and the person's own edit say it the same way.
        expectClerkWords(try #require(refusal { _ = try mine.addRecords(r, personRowIDs: [id], reviewer: "李明") }))
        let e3 = try #require(refusal { try mine.updatePerson(rowID: id, shown.person, expected: shown.version) })
        expectClerkWords(e3)
        #expect(e3.message.en.contains("deleted by 王芳"), "\(e3.message.en)")
        #expect(try mine.counts().records == 0)
    }

    @Test func anotherConnectionsCommitMovesTheVersionAScreenPolls() throws {
        let w = try TwoWindows()
        let screen = try w.open("李明"), cli = try w.open("王芳")
        _ = try importing(screen, .person, personsCSV)
        let before = try screen.version()
        #expect(try screen.version() == before, "nothing changed: the version stays")
        _ = try importing(cli, .record, clerkRecordsCSV)
        #expect(try screen.version() != before)
    }
}

@Suite struct ClerkRuleTests {
    /// A ledger with persons and records, and the clerks 管理员 (admin), 王芳 (reviewer), 李明 (recorder),
    /// 赵科 (recorder of 南昌市第一医院 only); returns a way to open it as anyone.
    func ledger() throws -> (TwoWindows, (String) throws -> SQLiteLedger) {
        let w = try TwoWindows()
        let open: (String) throws -> SQLiteLedger = { try w.open($0) }
        let l = try open("管理员")
        _ = try importing(l, .person, personsCSV)
        _ = try importing(l, .record, clerkRecordsCSV)
        #expect(throws: LedgerError.firstClerkMustBeAdmin) { _ = try l.addClerk(name: "王芳", role: .reviewer, units: []) }
        _ = try l.addClerk(name: "管理员", role: .admin, units: [])
        _ = try l.addClerk(name: "王芳", role: .reviewer, units: [])
        _ = try l.addClerk(name: "李明", role: .recorder, units: [])
        _ = try l.addClerk(name: "赵科", role: .recorder, units: ["南昌市第一医院"])
        return (w, open)
    }

    func pending(_ l: SQLiteLedger, _ title: String) throws -> StoredRecord {
        try #require(try l.reviewRecords(RecordFilter()).first { $0.stored.record.title == title }).stored
    }

    /// A class of which one participant (张三) arrives recognised (the file gives the hours recognised).
    static let classFile = """
        学习方式,培训班
        科目类别,专业科目
        内容,医疗质量安全培训
        开始日期,2024-06-01
        结束日期,2024-06-02
        申报学时,16

        身份证号,姓名,认定学时,认定状态
        34052419800101001X,张三,16,已认定
        11010519491231002X,欧阳明辉,,
        """

    @Test(
        "a class file holds the clerk as any import: a recorder's decided lines refused, another unit's named, a reviewer's noted"
    )
    func aClassFileHoldsTheClerk() throws {
        let (_, open) = try ledger()
        let recorder = try open("李明")
        #expect(throws: LedgerError.decidedRowsNeedReviewer(name: "李明", lines: [9], column: "认定状态")) {
            _ = try recorder.importClass(from: CSVReader(text: Self.classFile))
        }
        let unitClerk = try open("赵科")
        let pendingOnly = Self.classFile.replacingOccurrences(of: "16,已认定", with: ",")
        let outside = try unitClerk.importClass(from: CSVReader(text: pendingOnly))
        #expect(!outside.committed && outside.errors.map(\.line) == [10], "\(outside.errors)")
        #expect(outside.errors.first?.message.zh.contains("江西省建筑设计研究院") == true, "\(outside.errors)")
        let reviewer = try open("王芳")
        let done = try reviewer.importClass(from: CSVReader(text: Self.classFile))
        #expect(done.committed && done.inserted == 2, "\(done.errors)")
        var notes: [String: CeledgerDomain.Record] = [:]
        try reviewer.eachRecord { if $0.record.title == "医疗质量安全培训" { notes[$0.record.personID.value] = $0.record } }
        #expect(notes["34052419800101001X"]?.recognition == .recognized)
        #expect(notes["34052419800101001X"]?.recognitionNote.contains("导入时即为已认定（来自 培训班文件）") == true)
        #expect(notes["11010519491231002X"]?.recognition == .pending)
    }

    @Test func aLedgerWithoutClerksBehavesAsBefore() throws {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, actor: "anyone", rules: shippedRules)
        _ = try importing(l, .person, personsCSV)
        _ = try importing(l, .record, clerkRecordsCSV)
        #expect(try l.clerks().isEmpty && l.actingClerk() == nil)
        let a = try pending(l, "A")
        #expect(try l.setRecognition(rowIDs: [a.rowID], to: .recognized, reason: "", reviewer: "anyone") == 1)
    }

    @Test func aWriteByANameThatIsNoClerkIsRefusedAndNothingChanges() throws {
        let (_, open) = try ledger()
        let stranger = try open("root")
        let before = try stranger.version()
        let id = try #require(try stranger.personRowID(idNumber: "34052419800101001X"))
        let p = try #require(try stranger.person(rowID: id))
        let e = try #require(refusal { try stranger.updatePerson(rowID: id, p.person, expected: p.version) })
        #expect(e == .notAClerk(name: "root"))
        #expect(e.message.zh.contains("不是本登记簿的经办人"))
        #expect(throws: LedgerError.notAClerk(name: "root")) {
            try importing(
                stranger, .record,
                "id_number,mode,category,title,end_date,claimed_hours\n34052419800101001X,training,professional,Z,2024-03-10,8\n")
        }
        #expect(try stranger.version() == before)
        // A removed clerk writes no more; the list keeps them.
        try open("管理员").removeClerk(name: "李明")
        #expect(throws: LedgerError.clerkRemoved(name: "李明")) {
            try open("李明").updatePerson(rowID: id, p.person, expected: nil)
        }
        #expect(try open("管理员").clerks().first { $0.name == "李明" }?.removedBy == "管理员")
    }

    @Test func rolesDecideWhoRecognisesAndWhoManagesClerks() throws {
        let (_, open) = try ledger()
        let recorder = try open("李明"), reviewer = try open("王芳")
        let a = try pending(recorder, "A")
        #expect(
            throws: LedgerError.roleForbids(name: "李明", role: .recorder, action: .decide)
        ) { _ = try recorder.setRecognition(rowIDs: [a.rowID], to: .recognized, reason: "", reviewer: "李明") }
        #expect(throws: LedgerError.roleForbids(name: "李明", role: .recorder, action: .decide)) {
            _ = try recorder.reopen(rowIDs: [a.rowID], reason: "x", reviewer: "李明")
        }
        #expect(throws: LedgerError.roleForbids(name: "王芳", role: .reviewer, action: .manageClerks)) {
            _ = try reviewer.addClerk(name: "新人", role: .recorder, units: [])
        }
        #expect(throws: LedgerError.roleForbids(name: "王芳", role: .reviewer, action: .changeSettings)) {
            try reviewer.setEmployer("某医院")
        }
        let outcome = try reviewer.decideRecognition(rowIDs: [a.rowID], to: .recognized, reason: "", reviewer: "冒名")
        #expect(outcome.changed == 1)
        // Recorded under the clerk, whatever name the caller passed.
        #expect(try pending(reviewer, "A").reviewedBy == "王芳")
        #expect(throws: LedgerError.lastAdmin(name: "管理员")) { try open("管理员").removeClerk(name: "管理员") }
    }

    @Test func nobodyRecognisesARecordTheyEnteredOrLastChanged() throws {
        let (_, open) = try ledger()
        let reviewer = try open("王芳"), recorder = try open("李明")
        let pid = try #require(try reviewer.personRowID(idNumber: "34052419800101001X"))
        // 王芳 enters a record herself: she may not recognise it.
        let r = Record(
            personID: try ResidentID.parse("34052419800101001X").get(), mode: .online, category: .public, title: "公需课",
            startDate: Day(year: 2024, month: 6, day: 1)!, endDate: Day(year: 2024, month: 6, day: 1)!,
            claimedHours: Hours(tenths: 40), recognition: .pending)
        let own = try reviewer.addRecord(r, personRowID: pid, reviewer: "王芳")
        var outcome = try reviewer.decideRecognition(rowIDs: [own], to: .recognized, reason: "", reviewer: "王芳")
        #expect(outcome.changed == 0 && outcome.ownEntries == 1)
        #expect(outcome.refusals(.zh)?.contains("你自己录入或最后修改") == true)
        // 李明 changes record B (entered by the admin's import): the last change is his, so 王芳 may; then she
        // changes it, and may not any more.
        let b = try pending(recorder, "B")
        var changed = b.record
        changed.note = "补充证明"
        try recorder.updateRecord(rowID: b.rowID, changed, reviewer: "李明", expected: b.version)
        let b2 = try pending(reviewer, "B")
        #expect(b2.enteredBy == "管理员" && b2.changedBy == "李明")
        changed.note = "王芳补充"
        try reviewer.updateRecord(rowID: b.rowID, changed, reviewer: "王芳", expected: b2.version)
        outcome = try reviewer.decideRecognition(rowIDs: [b.rowID], to: .recognized, reason: "", reviewer: "王芳")
        #expect(outcome.ownEntries == 1)
        // The admin imported A, C: 王芳 may recognise those; the admin may not.
        let c = try pending(reviewer, "C")
        #expect(try open("管理员").decideRecognition(rowIDs: [c.rowID], to: .recognized, reason: "", reviewer: "x").ownEntries == 1)
        #expect(try reviewer.decideRecognition(rowIDs: [c.rowID], to: .recognized, reason: "", reviewer: "x").changed == 1)
        // Entering a record as recognised is recognising one's own entry.
        var decided = r
        decided.title = "已认定的"
        decided.recognition = .recognized
        decided.recognizedHours = Hours(tenths: 40)
        #expect(throws: LedgerError.ownEntries(count: 1)) {
            _ = try reviewer.addRecord(decided, personRowID: pid, reviewer: "王芳")
        }
    }

    @Test func aRecordersFileWithDecidedRowsIsRefusedNamingTheRows() throws {
        let (_, open) = try ledger()
        let file = """
            身份证号,学习方式,科目类别,内容,结束日期,申报学时,认定学时,认定状态
            34052419800101001X,培训,专业科目,甲,2024-07-10,8,,待认定
            34052419800101001X,培训,专业科目,乙,2024-07-11,8,8,已认定
            11010519491231002X,培训,专业科目,丙,2024-07-12,8,,不予认定
            """
        let recorder = try open("李明")
        let before = try recorder.counts().records
        let e = try #require(refusal { _ = try importing(recorder, .record, file) })
        #expect(e == .decidedRowsNeedReviewer(name: "李明", lines: [3, 4], column: "认定状态"))
        #expect(e.message.zh.contains("第 3、4 行") && e.message.zh.contains("认定状态"), "\(e.message.zh)")
        #expect(try recorder.counts().records == before)
        // A reviewer's import of the same file goes through, and the records say they arrived decided.
        var options = ImportOptions()
        options.source = "外部系统.csv"
        let report = try open("王芳").importRows(.record, from: CSVReader(text: file), options: options)
        #expect(report.committed && report.inserted == 3)
        let arrived = try pending(recorder, "乙")
        #expect(arrived.record.recognitionNote.hasPrefix("导入时即为已认定"), "\(arrived.record.recognitionNote)")
        #expect(arrived.record.recognitionNote.contains("来自 外部系统.csv"), "\(arrived.record.recognitionNote)")
        let h = try recorder.history(idNumber: "34052419800101001X").last { $0.entity == .record && $0.action == .insert }
        #expect(h?.actor == "王芳")
        #expect(h?.new["recognition_note"]?.contains("外部系统.csv") == true)
    }

    @Test func aClerkWithAUnitReachesOnlyThatUnitsPersons() throws {
        let (_, open) = try ledger()
        let z = try open("赵科")
        // Reads: the persons list, units, a person, records, history, review, statistics, exports.
        let q = PersonListQuery(year: 2024)
        let rows = try z.personRows(q, from: nil, forward: true, including: false, limit: 50)
        #expect(Set(rows.map(\.unit)) == ["南昌市第一医院"], "\(rows.map(\.name))")
        #expect(try z.personSummary(q).persons == rows.count)
        var searched = q
        searched.search = "欧阳"
        #expect(try z.personRows(searched, from: nil, forward: true, including: false, limit: 50).isEmpty)
        #expect(try z.units() == ["南昌市第一医院"])
        let ouyang = try #require(try open("管理员").personRowID(idNumber: "11010519491231002X"))
        #expect(try z.person(rowID: ouyang) == nil)
        #expect(try z.records(personRowID: ouyang, year: 2024).isEmpty)
        #expect(throws: LedgerError.outsideUnits(name: "赵科", unit: "江西省建筑设计研究院")) {
            _ = try z.history(idNumber: "11010519491231002X")
        }
        #expect(try z.pendingRecords(year: 2024).allSatisfy { $0.personName != "欧阳明辉" })
        #expect(try z.statistics(year: 2024).total.persons == rows.count)
        var exported: [String] = []
        try z.eachPerson { exported.append($0.person.unit) }
        #expect(Set(exported) == ["南昌市第一医院"])
        var reported: [String] = []
        try z.annualReport(year: 2024) { reported.append($0.unit) }
        #expect(Set(reported) == ["南昌市第一医院"])
        // Writes outside the unit are refused; inside they go through.
        let admin = try open("管理员")
        let p = try #require(try admin.person(rowID: ouyang))
        #expect(throws: LedgerError.outsideUnits(name: "赵科", unit: "江西省建筑设计研究院")) {
            try z.updatePerson(rowID: ouyang, p.person, expected: p.version)
        }
        let zhang = try #require(try z.personRowID(idNumber: "34052419800101001X"))
        let zp = try #require(try z.person(rowID: zhang))
        try z.updatePerson(rowID: zhang, zp.person, expected: zp.version)
        // Moving a person to a unit the clerk does not reach is refused too.
        var moved = try #require(try z.person(rowID: zhang))
        var away = moved.person
        away.unit = "九江学院"
        #expect(throws: LedgerError.outsideUnits(name: "赵科", unit: "九江学院")) {
            try z.updatePerson(rowID: zhang, away, expected: moved.version)
        }
        moved = try #require(try z.person(rowID: zhang))
        #expect(moved.person.unit == "南昌市第一医院")
    }

    @Test func everyRefusalSpeaksTheClerksWords() throws {
        let (w, open) = try ledger()
        let recorder = try open("李明"), stranger = try open("root"), z = try open("赵科"), admin = try open("管理员")
        let pid = try #require(try admin.personRowID(idNumber: "34052419800101001X"))
        let ouyang = try #require(try admin.personRowID(idNumber: "11010519491231002X"))
        let p = try #require(try admin.person(rowID: pid))
        let a = try pending(admin, "A")
        let gone = try #require(try admin.personRowID(idNumber: "360102199005170422"))
        try admin.deletePerson(rowID: gone, expected: nil)
        var refusals: [LedgerError?] = [
            refusal { try stranger.updatePerson(rowID: pid, p.person, expected: p.version) },
            refusal { try open("李明").removeClerk(name: "王芳") },
            refusal { _ = try recorder.setRecognition(rowIDs: [a.rowID], to: .recognized, reason: "", reviewer: "") },
            refusal { try z.updatePerson(rowID: ouyang, p.person, expected: nil) },
            refusal { _ = try recorder.addRecord(a.record, personRowID: gone, reviewer: "") },
            refusal { _ = try recorder.addRecord(a.record, personRowID: pid, reviewer: "") },  // a duplicate
            refusal { try recorder.updatePerson(rowID: pid, p.person, expected: p.version - 1) },
            refusal { try recorder.deletePerson(rowID: pid, expected: nil) },  // has records
            refusal { try admin.removeClerk(name: "没有这人") },
            refusal { _ = try admin.addClerk(name: "王芳", role: .admin, units: []) },
            refusal { _ = try admin.addClerk(name: " ", role: .admin, units: []) },
            refusal { try admin.removeClerk(name: "管理员") },
        ]
        // A raw write the schema refuses still reaches the clerk in words.
        refusals.append(
            refusal {
                do {
                    try admin.db.write {
                        try $0.execute(sql: "UPDATE person SET name = '' , version = version + 1 WHERE id = ?", arguments: [pid])
                    }
                } catch {
                    throw LedgerError.from(error, path: w.path)
                }
            })
        for e in refusals {
            guard let e else {
                Issue.record("a refusal path went through")
                continue
            }
            expectClerkWords(e)
        }
    }
}
