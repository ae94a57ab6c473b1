import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import CeledgerPostgres
import CeledgerSQLite
import CeledgerSheets
import Foundation
import Testing

/// An import's undo (`Undoable.imported`) on every backend: what the importer returned is taken back in
/// one transaction, recognised records only with a reason, a person changed since refused naming who.
@Suite struct ImportUndoContractTests {
    /// Imports records the way each backend's `import records` does.
    func importRecords(_ l: any LedgerWriter, _ csv: String) throws -> ImportReport {
        var options = ImportOptions()
        options.keepsBefore = true
        if let s = l as? SQLiteLedger { return try s.importRows(.record, from: CSVReader(text: csv), options: options) }
        return try (l as! PostgresLedger).importRecords(from: CSVReader(text: csv), options: options)
    }

    @Test(arguments: Backend.allCases)
    func aRecordsImportIsTakenBackInOneStepAndARecordAddedSinceStays(_ backend: Backend) throws {
        guard let l = try backend.make() else { return }
        let a = person("孙一", "36010219800101021"), b = person("孙二", "36010219800101022")
        let pa = try l.addPerson(a)
        _ = try l.addPerson(b)
        let csv = """
            id_number,mode,category,title,start_date,end_date,claimed_hours,recognized_hours,recognition
            \(a.id.value),training,professional,甲,2024-03-01,2024-03-02,8,,pending
            \(a.id.value),training,professional,乙,2024-04-01,2024-04-02,8,8,recognized
            \(b.id.value),training,professional,丙,2024-05-01,2024-05-02,6,,pending
            """
        let report = try importRecords(l, csv)
        #expect(report.committed && report.inserted == 3)
        #expect(report.changes.addedRecords.count == 3)
        let hours = { try l.yearResult(personRowID: pa, year: 2024).result.totals.professionalHours }
        #expect(try hours() == Hours(whole: 8), "乙 recognised")
        let later = try l.addRecord(record(a, title: "后来录入"), personRowID: pa, reviewer: "r")
        let entries = try l.history(idNumber: a.id.value).count
        // 乙 is recognised: locked, so its undo is a reopening and needs the reason; nothing changes without.
        #expect(failure { _ = try l.undo(.imported(report.changes), reason: "", reviewer: "r") } == .reopenNeedsReason)
        #expect(try l.recordCount(personRowID: pa) == 3)
        #expect(try l.undo(.imported(report.changes), reason: "导错了文件", reviewer: "r") == 3)
        #expect(try l.records(personRowID: pa, year: 2024).map(\.rowID) == [later])
        // New entries, nothing rewritten: 乙 reopened, then 甲 and 乙 deleted.
        let h = try l.history(idNumber: a.id.value)
        #expect(h.count == entries + 3, "\(h.count - entries)")
        #expect(h.suffix(2).allSatisfy { $0.action == .delete && $0.entity == .record })
        #expect(try hours() == Hours(whole: 0), "the year's totals without the import")
    }

    @Test(arguments: Backend.allCases)
    func personsAddedAreDeletedChangedArePutBackAndAChangeSinceRefuses(_ backend: Backend) throws {
        guard let l = try backend.make() else { return }
        let kept = person("周一", "36010219800101031"), added = person("周二", "36010219800101032")
        let pk = try l.addPerson(kept)
        var changed = kept
        changed.department = "外科"
        try l.updatePerson(rowID: pk, changed, expected: 1)
        let pa = try l.addPerson(added)
        // What an import that added 周二 and moved 周一 to 外科 returns.
        var c = ImportedChange()
        c.addedPersons.append(pa)
        c.changedPersons[pk] = PersonBefore(person: kept, version: 2)
        // Another clerk renames 周一 meanwhile: the undo refuses, naming the change, and changes nothing.
        var renamed = changed
        renamed.name = "周一一"
        try l.updatePerson(rowID: pk, renamed, expected: 2)
        let e = failure { _ = try l.undo(.imported(c), reason: "", reviewer: "r") }
        guard case .changedMeanwhile(let cc)? = e else {
            Issue.record("\(String(describing: e))")
            return
        }
        #expect(cc.rowID == pk && cc.expected == 2 && cc.current == 3)
        #expect(e!.message.zh.contains("周一一"), "\(e!.message.zh)")
        #expect(try l.person(rowID: pa) != nil)
        // At the version now (as after an undo of that rename), it goes through: 周二 gone, 周一 as before.
        c.changedPersons[pk] = PersonBefore(person: kept, version: 3)
        #expect(try l.undo(.imported(c), reason: "", reviewer: "r") == 2)
        #expect(try l.person(rowID: pa) == nil)
        #expect(try l.person(rowID: pk)?.person == kept)
        #expect(try l.history(idNumber: added.id.value).last?.action == .delete)
    }

    @Test(arguments: Backend.allCases)
    func aPersonAddedByAnImportWithRecordsSinceIsKept(_ backend: Backend) throws {
        guard let l = try backend.make(actor: "王芳") else { return }
        let p = person("吴一", "36010219800101041")
        let pid = try l.addPerson(p)
        _ = try l.addRecord(record(p), personRowID: pid, reviewer: "王芳")
        var c = ImportedChange()
        c.addedPersons.append(pid)
        let e = failure { _ = try l.undo(.imported(c), reason: "", reviewer: "r") }
        #expect(e == .importedPersonHasRecords(name: "吴一", maskedID: p.id.masked, count: 1, by: "王芳"))
        #expect(try l.person(rowID: pid) != nil)
    }

    @Test(arguments: Backend.allCases)
    func aPersonsChangeIsUndoneOnlyAtTheVersionItLeft(_ backend: Backend) throws {
        guard let l = try backend.make() else { return }
        let p = person("郑一", "36010219800101051")
        let pid = try l.addPerson(p)
        var mine = p
        mine.department = "儿科"
        try l.updatePerson(rowID: pid, mine, expected: 1)
        var theirs = mine
        theirs.title = "副主任医师"
        try l.updatePerson(rowID: pid, theirs, expected: 2)
        // The undo of my change (which left version 2) would throw away theirs: refused.
        let e = failure { _ = try l.undo(.personChanged(rowID: pid, before: p, version: 2), reason: "", reviewer: "r") }
        guard case .changedMeanwhile? = e else {
            Issue.record("\(String(describing: e))")
            return
        }
        #expect(try l.person(rowID: pid)?.person == theirs)
    }
}
