import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import CeledgerSQLite
import CeledgerSheets
import Foundation
import Testing

@testable import CeledgerPostgres

/// Whole-file imports through `LedgerImporter` (the TUI's import screen's protocol) on both backends, and
/// what only a server shows: clerks importing at once.
@Suite struct ImportContractTests {
    static func roster(_ people: [Person], department: String) -> String {
        "身份证号,姓名,单位,科室\n" + people.map { "\($0.id.value),\($0.name),\($0.unit),\(department)\n" }.joined()
    }

    @Test(
        "import persons through LedgerImporter: added, updated and unchanged row by row, the same on both backends",
        arguments: Backend.allCases)
    func importPersonsCountsAlike(_ backend: Backend) throws {
        guard let ledger = try backend.make() as? any LedgerImporter else {
            if backend == .postgres && Backend.serverURI == nil { return }
            Issue.record("\(backend) is no LedgerImporter")
            return
        }
        let a = person("甲", "36010219800101001"), b = person("乙", "36010219800101002")
        let first = try ledger.importRows(
            .person, from: CSVReader(text: Self.roster([a, b], department: "内科")), options: ImportOptions(), progress: nil)
        #expect((first.inserted, first.updated, first.unchanged, first.committed) == (2, 0, 0, true))
        // b moves, a stays, and c is new: named twice, the second row a change of the first.
        let c = person("丙", "36010219800101003")
        let text = "身份证号,姓名,科室\n\(a.id.value),甲,内科\n\(b.id.value),乙,外科\n\(c.id.value),丙,内科\n\(c.id.value),丙,儿科\n"
        let dry = try ledger.importRows(.person, from: CSVReader(text: text), options: ImportOptions(dryRun: true), progress: nil)
        #expect(dry.committed == false && dry.rows == 4)
        #expect(try ledger.personSummary(PersonListQuery(year: 2024)).persons == 2, "a dry run writes nothing")
        let second = try ledger.importRows(.person, from: CSVReader(text: text), options: ImportOptions(), progress: nil)
        #expect((second.inserted, second.updated, second.unchanged) == (1, 2, 1))
        var q = PersonListQuery(year: 2024)
        q.search = c.id.value
        let row = try #require(try ledger.personRows(q, from: nil, forward: true, including: false, limit: 1).first)
        let stored = try #require(try ledger.person(rowID: row.rowID))
        #expect(stored.person.department == "儿科" && stored.person.unit.isEmpty, "a column the file lacks stays empty")
        q.search = b.id.value
        let bRow = try #require(try ledger.personRows(q, from: nil, forward: true, including: false, limit: 1).first)
        let bStored = try #require(try ledger.person(rowID: bRow.rowID))
        #expect(bStored.person.department == "外科" && bStored.version == 2, "an update moves the version by one")
        #expect(try ledger.history(idNumber: b.id.value).map(\.action) == [.insert, .update])
        // A bad row: nothing written without --skip-invalid, the row named with its column.
        let bad = "身份证号,姓名,科室\n\(a.id.value),甲,眼科\n36010219800101009,丁,内科\n"
        let refused = try ledger.importRows(.person, from: CSVReader(text: bad), options: ImportOptions(), progress: nil)
        #expect(!refused.committed && refused.badRowCount == 1 && refused.errors.first?.line == 3)
        #expect(refused.errors.first?.column == "身份证号")
        q.search = a.id.value
        let aRow = try #require(try ledger.personRows(q, from: nil, forward: true, including: false, limit: 1).first)
        #expect(try ledger.person(rowID: aRow.rowID)?.person.department == "内科")
    }

    @Test(
        "a note with a line break (CR LF or LF), a tab and a backslash arrives as written, the same on both backends",
        arguments: Backend.allCases)
    func notesWithLineBreaksAndTabsArriveAsWritten(_ backend: Backend) throws {
        guard let l = try backend.make() else { return }
        let a = person("钱一", "36010219800101041")
        let pa = try l.addPerson(a)
        let notes = ["第一行\r\n第二行", "甲\n乙", "制表\t之后", "反斜\\杠", "引号\"在内"]
        let csv =
            "id_number,mode,category,title,start_date,end_date,claimed_hours,note\r\n"
            + notes.enumerated().map { i, note in
                "\(a.id.value),training,professional,活动\(i),2024-03-0\(i + 1),2024-03-0\(i + 1),4,\"\(note.replacingOccurrences(of: "\"", with: "\"\""))\"\r\n"
            }.joined()
        let report: ImportReport
        if let s = l as? SQLiteLedger {
            report = try s.importRows(.record, from: CSVReader(text: csv), options: ImportOptions())
        } else {
            report = try (l as! PostgresLedger).importRecords(from: CSVReader(text: csv), options: ImportOptions())
        }
        #expect(report.committed && report.inserted == notes.count, "\(report.errors)")
        let stored = try l.records(personRowID: pa, year: 2024).sorted { $0.record.title < $1.record.title }
        #expect(stored.map(\.record.note) == notes)
    }

    @Test("four clerks importing overlapping rosters at once on a server: every person once, nothing lost")
    func fourClerksImportingAtOnceLoseNothing() throws {
        guard let uri = try Backend.newDatabase() else { return }
        let setup = try PostgresLedger.open(uri: uri, pinyin: pinyin, rules: shippedRules, actor: "setup")
        let people = (0..<40).map { person("员工\($0)", "360102198003030" + String(format: "%02d", $0)) }
        let clerks = 4
        let ledgers = try (0..<clerks).map { w in
            try PostgresLedger.open(uri: uri, pinyin: pinyin, rules: shippedRules, actor: "职员\(w)")
        }
        let reports = Locked([ImportReport?](repeating: nil, count: clerks))
        // Each clerk's roster: half the persons, overlapping the next clerk's by half.
        DispatchQueue.concurrentPerform(iterations: clerks) { w in
            let mine = (0..<20).map { people[(w * 10 + $0) % people.count] }
            let r = try? ledgers[w].importRows(
                .person, from: CSVReader(text: Self.roster(mine, department: "科\(w)")), options: ImportOptions(), progress: nil)
            reports.withLock { $0[w] = r }
        }
        let done = reports.withLock { $0 }
        #expect(done.allSatisfy { $0?.committed == true }, "\(done)")
        #expect(done.compactMap { $0?.inserted }.reduce(0, +) == people.count, "each person added by exactly one clerk")
        #expect(try setup.counts().persons == people.count)
        for p in people {
            let h = try setup.history(idNumber: p.id.value)
            #expect(h.filter { $0.action == .insert }.count == 1, "\(p.name)")
        }
        #expect(try setup.verifyChain())
    }

    @Test("an activity another clerk commits while an import waits for it is skipped as a duplicate, the rest goes in")
    func anActivityCommittedMeanwhileIsSkippedNotFailed() throws {
        guard let uri = try Backend.newDatabase() else { return }
        let ledger = try PostgresLedger.open(uri: uri, pinyin: pinyin, rules: shippedRules, actor: "甲")
        let a = person("孙一", "36010219800101051")
        let pa = try ledger.addPerson(a)
        // Another clerk's insert of the same activity, not committed yet when the import looks for duplicates.
        let other = try PGConnection(uri: uri)
        try other.exec("BEGIN")
        try other.exec("SET LOCAL celedger.actor = '乙'")
        try other.exec(
            """
            INSERT INTO record (person_id, mode, category, title, start_date, end_date, year, claimed_tenths, created_at, updated_at)
            VALUES ($1, 'training', 'professional', '院感培训', '2024-05-06', '2024-05-06', 2024, 40, 'now', 'now')
            """, [String(pa)])
        let csv = """
            id_number,mode,category,title,start_date,end_date,claimed_hours
            \(a.id.value),training,professional,急救培训,2024-04-01,2024-04-01,4
            \(a.id.value),training,professional,院感培训,2024-05-06,2024-05-06,4

            """
        let result = Locked<Result<ImportReport, LedgerError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            result.withLock { $0 = Result { () throws(LedgerError) in try ledger.importRecords(from: CSVReader(text: csv)) } }
            done.signal()
        }
        // The import's insert waits on the other clerk's row (the unique index) before that one commits.
        let watch = try PGConnection(uri: uri)
        var waited = false
        for _ in 0..<400 where !waited {
            waited =
                try watch.exec(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
                .first?.int(0) ?? 0 > 0
            if !waited { usleep(25_000) }
        }
        #expect(waited, "the import never waited for the other clerk's row")
        try other.exec("COMMIT")
        done.wait()
        let report = try #require(try result.withLock { $0 }?.get())
        #expect(report.committed && report.inserted == 1 && report.duplicateCount == 1, "\(report)")
        #expect(report.duplicates.map(\.line) == [3])
        let stored = try ledger.records(personRowID: pa, year: 2024).map(\.record.title).sorted()
        #expect(stored == ["急救培训", "院感培训"], "each activity once")
        #expect(report.changes.addedRecords.count == 1, "the undo removes only what the import wrote")
        // (The other clerk wrote with psql: its entry is in the history, outside the hash chain celedger keeps.)
        let entries = try ledger.history(idNumber: a.id.value).filter { $0.entity == .record }
        #expect(entries.map(\.action) == [.insert, .insert] && Set(entries.map(\.actor)) == ["甲", "乙"])
    }

    @Test("the server's unique refusals: the same activity is a duplicate record, another key (two clerks at once) is busy")
    func uniqueRefusalsSayWhatTheyAre() {
        func said(_ constraint: String?) -> LedgerError {
            LedgerError.from(PGFailure(sqlState: "23505", constraint: constraint, serverMessage: "(values)"), at: "服务器")
        }
        #expect(said("record_activity") == .duplicateRecord)
        #expect(said(nil) == .duplicateRecord)
        #expect(said("card_number_key") == .busy(path: "服务器"))
        #expect(said("clerk_name_key") == .busy(path: "服务器"))
    }
}
