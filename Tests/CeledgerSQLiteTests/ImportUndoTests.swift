import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import CeledgerSheets
import Foundation
import Testing

@testable import CeledgerSQLite

/// An import taken back in one step (`Undoable.imported`): what the importer said it did, reverted in one
/// transaction that the history records as new entries naming the clerk.
@Suite struct ImportUndoTests {
    /// Persons and records as `ClerkRuleTests` has them, with 管理员, 王芳 (reviewer) and 李明 (recorder).
    func ledger() throws -> (String) throws -> SQLiteLedger {
        let w = try TwoWindows()
        let open: (String) throws -> SQLiteLedger = { try w.open($0) }
        let l = try open("管理员")
        _ = try importing(l, .person, personsCSV)
        _ = try importing(l, .record, clerkRecordsCSV)
        _ = try l.addClerk(name: "管理员", role: .admin, units: [])
        _ = try l.addClerk(name: "王芳", role: .reviewer, units: [])
        _ = try l.addClerk(name: "李明", role: .recorder, units: [])
        return open
    }

    /// A person the fixtures do not have (a valid ID number).
    static let gao = ResidentID.make(region: "360102", birth: Day(year: 1991, month: 1, day: 1)!, sequence: 11).value

    func keeping() -> ImportOptions {
        var o = ImportOptions()
        o.keepsBefore = true
        return o
    }

    static let decidedFile = """
        身份证号,学习方式,科目类别,内容,结束日期,申报学时,认定学时,认定状态,认定说明
        34052419800101001X,培训,专业科目,甲,2024-07-10,8,,待认定,
        34052419800101001X,培训,专业科目,乙,2024-07-11,8,8,已认定,
        11010519491231002X,培训,专业科目,丙,2024-07-12,8,,不予认定,未提供证明
        """

    @Test func aReviewersImportIsUndoneOnlyWithAReasonAndTheHistoryNamesTheClerk() throws {
        let open = try ledger()
        let wang = try open("王芳")
        let before = try wang.counts().records
        let entries = try wang.history(idNumber: "34052419800101001X").count
        let report = try wang.importRows(.record, from: CSVReader(text: Self.decidedFile), options: keeping())
        #expect(report.committed && report.inserted == 3)
        #expect(report.changes.addedRecords.count == 3 && report.changes.addedRecords.runs.count == 1)
        // 乙 arrived recognised, so locked: taking it back is a reopening, which needs the reason.
        #expect(throws: LedgerError.reopenNeedsReason) {
            _ = try wang.undo(.imported(report.changes), reason: "", reviewer: "王芳")
        }
        #expect(try wang.counts().records == before + 3, "nothing changed by the refusal")
        #expect(try wang.undo(.imported(report.changes), reason: "导错了文件", reviewer: "王芳") == 3)
        #expect(try wang.counts().records == before)
        // New entries after the import's (nothing rewritten): 乙 reopened with the reason, then the deletes.
        let history = try wang.history(idNumber: "34052419800101001X")
        #expect(history.count == entries + 2 + 3, "\(history.count - entries)")
        let undo = history.suffix(3)
        #expect(undo.allSatisfy { $0.actor == "王芳" })
        #expect(undo.first?.action == .update && undo.first?.new["recognition_note"] == "导错了文件")
        #expect(undo.dropFirst().allSatisfy { $0.action == .delete && $0.entity == .record })
    }

    @Test func aRecorderCannotTakeBackARecognisedRecordOfAnImport() throws {
        let open = try ledger()
        let report = try open("王芳").importRows(.record, from: CSVReader(text: Self.decidedFile), options: keeping())
        // Reopening is a reviewer's: the recorder's undo is refused whole, naming the role.
        let e = try #require(
            refusal { _ = try open("李明").undo(.imported(report.changes), reason: "理由", reviewer: "李明") })
        guard case .roleForbids(let name, _, _) = e else {
            Issue.record("\(e)")
            return
        }
        #expect(name == "李明")
        #expect(try open("李明").counts().records == 3 + 3)
    }

    @Test func aPersonChangedSinceTheImportRefusesTheUndoNamingWhoChangedWhat() throws {
        let open = try ledger()
        let li = try open("李明"), wang = try open("王芳")
        let file = """
            身份证号,姓名,部门
            34052419800101001X,张三,心内科
            \(Self.gao),高峰,外科
            """
        let report = try li.importRows(.person, from: CSVReader(text: file), options: keeping())
        #expect(report.committed && report.inserted == 1 && report.updated == 1)
        let zhang = try #require(try li.personRowID(idNumber: "34052419800101001X"))
        #expect(report.changes.changedPersons[zhang]?.person.department == "内科")
        #expect(report.changes.addedPersons.count == 1)
        // 王芳 changes 张三's title after the import.
        let stored = try #require(try wang.person(rowID: zhang))
        var p = stored.person
        p.title = "副主任医师"
        try wang.updatePerson(rowID: zhang, p, expected: stored.version)
        let e = try #require(refusal { _ = try li.undo(.imported(report.changes), reason: "", reviewer: "李明") })
        guard case .changedMeanwhile(let c) = e else {
            Issue.record("\(e)")
            return
        }
        #expect(c.who(.zh) == "王芳")
        #expect(e.message.zh.contains("王芳") && e.message.zh.contains("副主任医师"), "\(e.message.zh)")
        expectClerkWords(e)
        // Nothing changed: 高峰 is still there, 张三 as 王芳 left him.
        #expect(try li.personRowID(idNumber: Self.gao) != nil)
        #expect(try li.person(rowID: zhang)?.person.department == "心内科")
    }

    @Test func aPersonsImportIsUndoneAddedGoneChangedPutBack() throws {
        let open = try ledger()
        let li = try open("李明")
        let persons = try li.counts().persons
        let file = """
            身份证号,姓名,部门
            34052419800101001X,张三,心内科
            \(Self.gao),高峰,外科
            """
        let report = try li.importRows(.person, from: CSVReader(text: file), options: keeping())
        let zhang = try #require(try li.personRowID(idNumber: "34052419800101001X"))
        let entries = try li.history(idNumber: "34052419800101001X").count
        #expect(try li.undo(.imported(report.changes), reason: "", reviewer: "李明") == 2)
        #expect(try li.counts().persons == persons)
        #expect(try li.person(rowID: zhang)?.person.department == "内科")
        let h = try li.history(idNumber: "34052419800101001X")
        #expect(h.count == entries + 1 && h.last?.action == .update && h.last?.actor == "李明")
        #expect(try li.history(idNumber: Self.gao).last?.action == .delete)
    }

    @Test func aPersonAddedByTheImportWithSomeoneElsesRecordsSinceIsNotDeleted() throws {
        let open = try ledger()
        let li = try open("李明"), wang = try open("王芳")
        let report = try li.importRows(
            .person, from: CSVReader(text: "身份证号,姓名,单位\n\(Self.gao),高峰,南昌市第一医院\n"), options: keeping())
        let gao = try #require(try li.personRowID(idNumber: Self.gao))
        _ = try wang.addRecord(
            CeledgerDomain.Record(
                personID: try ResidentID.parse(Self.gao).get(), mode: .training, category: .professional,
                title: "院内讲座", startDate: Day(year: 2024, month: 6, day: 1)!, endDate: Day(year: 2024, month: 6, day: 1)!,
                claimedHours: Hours(tenths: 40)), personRowID: gao, reviewer: "王芳")
        let e = try #require(refusal { _ = try li.undo(.imported(report.changes), reason: "", reviewer: "李明") })
        #expect(e == .importedPersonHasRecords(name: "高峰", maskedID: ResidentID.mask(Self.gao), count: 1, by: "王芳"))
        #expect(e.message.zh.contains("高峰") && e.message.zh.contains("王芳录入") && e.message.zh.contains("未做任何改动"))
        #expect(try li.person(rowID: gao) != nil)
    }

    /// A deleted record's id can be given again (SQLite reuses the highest): the new record is not the
    /// import's, and the import's undo leaves it.
    @Test func aRecordIDGivenAgainAfterTheImportIsLeftAlone() throws {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        _ = try importing(l, .person, personsCSV)
        let report = try importing(l, .record, clerkRecordsCSV, keeping())
        let last = try #require(report.changes.addedRecords.runs.last?.upperBound)
        try l.deleteRecord(rowID: last)
        let pid = try #require(try l.personRowID(idNumber: "34052419800101001X"))
        let again = try l.addRecord(
            CeledgerDomain.Record(
                personID: try ResidentID.parse("34052419800101001X").get(), mode: .training, category: .professional,
                title: "后来录入", startDate: Day(year: 2024, month: 8, day: 1)!, endDate: Day(year: 2024, month: 8, day: 1)!,
                claimedHours: Hours(tenths: 20)), personRowID: pid, reviewer: "r")
        #expect(again == last, "the id was given again")
        #expect(try l.undo(.imported(report.changes), reason: "", reviewer: "r") == 2)
        #expect(try l.records(personRowID: pid, year: 2024).map(\.record.title) == ["后来录入"])
    }

    /// Five thousand records come back out in one step: a few statements over one run of ids, the
    /// year's totals as before the import.
    @Test func aLargeRecordsImportIsUndoneInOneStepAndTheTotalsAreAsBefore() throws {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        _ = try importing(l, .person, personsCSV)
        let totals = try annual(l, 2024)
        var csv = "id_number,mode,category,title,end_date,claimed_hours,recognized_hours,recognition\n"
        for i in 0..<5_000 {
            let who = ["34052419800101001X", "11010519491231002X", "360102199005170422"][i % 3]
            csv += "\(who),training,professional,课程\(i),2024-05-10,2,2,recognized\n"
        }
        let report = try importing(l, .record, csv, keeping())
        #expect(report.inserted == 5_000 && report.changes.addedRecords.runs.count == 1)
        #expect(try annual(l, 2024) != totals)
        #expect(throws: LedgerError.reopenNeedsReason) { _ = try l.undo(.imported(report.changes), reason: "", reviewer: "r") }
        #expect(try l.undo(.imported(report.changes), reason: "整批导错", reviewer: "r") == 5_000)
        #expect(try l.counts().records == 0)
        #expect(try annual(l, 2024) == totals)
        #expect(try l.check().filter { $0.severity == .error }.map(\.message.en) == [], "the chain and summaries hold")
        // The undo wrote the deletions' history set-wise with the delete triggers set aside: they are back.
        let pid = try #require(try l.personRowID(idNumber: "34052419800101001X"))
        let later = try l.addRecord(
            CeledgerDomain.Record(
                personID: try ResidentID.parse("34052419800101001X").get(), mode: .training, category: .professional,
                title: "之后", startDate: Day(year: 2024, month: 8, day: 1)!, endDate: Day(year: 2024, month: 8, day: 1)!,
                claimedHours: Hours(tenths: 20)), personRowID: pid, reviewer: "r")
        try l.deleteRecord(rowID: later)
        let last = try l.history(idNumber: "34052419800101001X").last
        #expect(last?.action == .delete && last?.entityID == later && last?.old["title"] == "之后")
    }
}

/// A record change's undo carries the version the change left: another clerk's change since refuses it,
/// naming them; the clerk's own later change, undone first (the stack's order), does not.
@Suite struct RecordUndoVersionTests {
    @Test func anotherClerksChangeSinceRefusesTheUndoOfAnEdit() throws {
        let w = try TwoWindows()
        let li = try w.open("李明"), wang = try w.open("王芳")
        _ = try importing(li, .person, personsCSV)
        _ = try importing(li, .record, clerkRecordsCSV)
        let pid = try #require(try li.personRowID(idNumber: "34052419800101001X"))
        let a = try #require(try li.records(personRowID: pid, year: 2024).first { $0.record.title == "A" })
        var mine = a.record
        mine.provider = "南昌大学"
        try li.updateRecord(rowID: a.rowID, mine, reviewer: "李明", expected: a.version)
        let undo = Undoable.recordsChanged(before: [a.rowID: a.record], versions: [a.rowID: a.version + 1])
        // 李明's own second edit, then its undo: his first edit can still be undone after that.
        var again = mine
        again.note = "再改"
        try li.updateRecord(rowID: a.rowID, again, reviewer: "李明", expected: a.version + 1)
        _ = try li.undo(
            .recordsChanged(before: [a.rowID: mine], versions: [a.rowID: a.version + 2]), reason: "", reviewer: "李明")
        // 王芳 changes the note in her window: the undo of 李明's edit would throw hers away.
        let now = try #require(try wang.records(personRowID: pid, year: 2024).first { $0.rowID == a.rowID })
        var hers = now.record
        hers.note = "王芳补的"
        try wang.updateRecord(rowID: a.rowID, hers, reviewer: "王芳", expected: now.version)
        let e = try #require(refusal { _ = try li.undo(undo, reason: "", reviewer: "李明") })
        guard case .changedMeanwhile(let c) = e else {
            Issue.record("\(e)")
            return
        }
        #expect(c.who(.zh).contains("王芳"))
        #expect(try li.records(personRowID: pid, year: 2024).first { $0.rowID == a.rowID }?.record.note == "王芳补的")
    }

    @Test func theOwnLaterStepsUndoneFirstAreNoConflict() throws {
        let w = try TwoWindows()
        let li = try w.open("李明")
        _ = try importing(li, .person, personsCSV)
        _ = try importing(li, .record, clerkRecordsCSV)
        let pid = try #require(try li.personRowID(idNumber: "34052419800101001X"))
        let a = try #require(try li.records(personRowID: pid, year: 2024).first { $0.record.title == "A" })
        var first = a.record
        first.provider = "南昌大学"
        try li.updateRecord(rowID: a.rowID, first, reviewer: "李明", expected: a.version)
        var second = first
        second.note = "再改"
        try li.updateRecord(rowID: a.rowID, second, reviewer: "李明", expected: a.version + 1)
        _ = try li.undo(
            .recordsChanged(before: [a.rowID: first], versions: [a.rowID: a.version + 2]), reason: "", reviewer: "李明")
        _ = try li.undo(
            .recordsChanged(before: [a.rowID: a.record], versions: [a.rowID: a.version + 1]), reason: "", reviewer: "李明")
        #expect(try li.records(personRowID: pid, year: 2024).first { $0.rowID == a.rowID }?.record == a.record)
    }
}
