import CeledgerDomain
import CeledgerLedger
import Foundation
import Testing

/// No lost updates (issue 17), asked of both backends: two clerks in two windows on one ledger; a save
/// made on what a clerk read is refused when the other clerk changed the row since, naming them.
@Suite struct ConcurrentChangeContractTests {
    @Test(arguments: Backend.allCases)
    func aStalePersonSaveIsRefusedNamingTheOtherClerkAndWhatTheyChanged(_ backend: Backend) throws {
        guard let (mine, theirs) = try backend.makePair("李明", "王芳") else { return }
        let zhang = person("张三", "36010219900517041")
        let id = try mine.addPerson(zhang)
        let shown = try #require(try mine.person(rowID: id))
        let theirRead = try #require(try theirs.person(rowID: id))
        #expect(theirRead.version == shown.version)
        var their = theirRead.person
        their.department = "心内科"
        try theirs.updatePerson(rowID: id, their, expected: theirRead.version)
        #expect(try mine.person(rowID: id)?.version == shown.version + 1)

        var my = shown.person
        my.title = "副主任医师"
        let e = failure { try mine.updatePerson(rowID: id, my, expected: shown.version) }
        guard case .changedMeanwhile(let c)? = e else {
            Issue.record("expected changedMeanwhile, got \(String(describing: e))")
            return
        }
        #expect(c.who(.zh) == "王芳" && !c.deleted)
        #expect(c.changes(.zh).contains { $0.contains("内科 → 心内科") }, "\(c.changes(.zh))")
        #expect(e!.message.zh.contains("王芳"))
        // Nothing of the stale save was written; the other clerk's change stands.
        let now = try #require(try mine.person(rowID: id))
        #expect(now.person.department == "心内科" && now.person.title == "主治医师")
        // Saved again on the row as it is now, it goes through.
        my.department = "心内科"
        try mine.updatePerson(rowID: id, my, expected: now.version)
        #expect(try theirs.person(rowID: id)?.person.title == "副主任医师")

        // Deleted meanwhile: the save says so, and by whom.
        let last = try #require(try mine.person(rowID: id))
        try theirs.deletePerson(rowID: id, expected: last.version)
        let gone = failure { try mine.updatePerson(rowID: id, my, expected: last.version) }
        guard case .changedMeanwhile(let d)? = gone else {
            Issue.record("expected the deletion said, got \(String(describing: gone))")
            return
        }
        #expect(d.deleted && d.who(.zh) == "王芳")
        #expect(failure { try mine.updatePerson(rowID: id, my, expected: nil) } == .gone)
    }

    @Test(arguments: Backend.allCases)
    func aStaleRecordSaveDeleteOrDecisionIsRefusedAndARecognitionMeanwhileSaysLocked(_ backend: Backend) throws {
        guard let (mine, theirs) = try backend.makePair("李明", "王芳") else { return }
        let p = person("李四", "36010219850101002")
        let pid = try mine.addPerson(p)
        _ = try mine.addRecord(record(p), personRowID: pid, reviewer: "李明")
        let shown = try #require(try mine.records(personRowID: pid, year: 2024).first)
        let theirRead = try #require(try theirs.records(personRowID: pid, year: 2024).first)
        var their = theirRead.record
        their.note = "王芳改的"
        try theirs.updateRecord(rowID: shown.rowID, their, reviewer: "王芳", expected: theirRead.version)

        var my = shown.record
        my.provider = "南昌大学"
        let e = failure { try mine.updateRecord(rowID: shown.rowID, my, reviewer: "李明", expected: shown.version) }
        guard case .changedMeanwhile(let c)? = e else {
            Issue.record("expected changedMeanwhile, got \(String(describing: e))")
            return
        }
        #expect(c.entity == .record && c.who(.en) == "王芳")
        #expect(e!.message.en.contains("王芳"))
        let stale = failure { try mine.deleteRecord(rowID: shown.rowID, expected: shown.version) }
        guard case .changedMeanwhile? = stale else {
            Issue.record("a stale delete went through: \(String(describing: stale))")
            return
        }
        let kept = try #require(try mine.records(personRowID: pid, year: 2024).first)
        #expect(kept.record.note == "王芳改的" && kept.record.provider == "省医学会")
        // Who entered it and who changed it last, on the record itself.
        #expect(shown.enteredBy == "李明" && kept.enteredBy == "李明" && kept.changedBy == "王芳")

        // A recognition asked on what the reviewer saw is left when the record changed meanwhile.
        let outcome = try mine.decideRecognition(
            rowIDs: [shown.rowID], to: .recognized, reason: "", reviewer: "李明", expected: [shown.rowID: shown.version])
        #expect(outcome.changed == 0 && outcome.changedMeanwhile == 1)
        #expect(outcome.refusals(.zh)?.contains("已被他人修改") == true)
        #expect(try mine.records(personRowID: pid, year: 2024).first?.record.recognition == .pending)

        // Recognised meanwhile: the lock is what the clerk is told (reopen first), before the version.
        let decided = try theirs.decideRecognition(
            rowIDs: [kept.rowID], to: .recognized, reason: "", reviewer: "王芳", expected: [kept.rowID: kept.version])
        #expect(decided.changed == 1)
        #expect(failure { try mine.updateRecord(rowID: kept.rowID, my, reviewer: "李明", expected: kept.version) } == .locked)
        #expect(failure { try mine.deleteRecord(rowID: kept.rowID, expected: kept.version) } == .locked)
    }
}

/// Nothing recognised before it ends (issue 19), asked of both backends.
@Suite struct NotEndedContractTests {
    @Test(arguments: Backend.allCases)
    func recognisingABatchWithAnActivityNotYetEndedIsRefusedWholeNamingTheLastEnd(_ backend: Backend) throws {
        guard let l = try backend.make() else { return }
        let p = person("赵六", "36010219800101004")
        let pid = try l.addPerson(p)
        let ended = try l.addRecord(record(p), personRowID: pid, reviewer: "审核员")
        let start = today(), end = today().adding(days: 40)
        let running = try l.addRecord(
            record(p, title: "规培在读", start: start.iso, end: end.iso), personRowID: pid, reviewer: "审核员")
        let e = failure {
            _ = try l.decideRecognition(rowIDs: [ended, running], to: .recognized, reason: "", reviewer: "审核员", expected: [:])
        }
        #expect(e == .notEnded(count: 1, lastEnd: end))
        #expect(e?.message.zh.contains(end.iso) == true && e?.message.zh.contains("未做任何改动") == true)
        // The whole batch was left: the ended record is still pending too.
        #expect(try l.records(personRowID: pid, year: 2024).first?.record.recognition == .pending)
        #expect(try l.records(personRowID: pid, year: end.year).first { $0.rowID == running }?.record.recognition == .pending)
        // Once the batch holds only ended activities, it goes through; a rejection needs no end.
        let ok = try l.decideRecognition(rowIDs: [ended], to: .recognized, reason: "", reviewer: "审核员", expected: [:])
        #expect(ok.changed == 1)
        let no = try l.decideRecognition(rowIDs: [running], to: .rejected, reason: "尚未结业", reviewer: "审核员", expected: [:])
        #expect(no.changed == 1)
    }
}
