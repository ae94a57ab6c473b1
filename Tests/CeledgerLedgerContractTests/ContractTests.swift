import CeledgerDomain
import CeledgerLedger
import Foundation
import Testing

/// The ledger contract: what a clerk relies on, asked of every backend through the protocols alone. A
/// backend that passes these behaves, for the screens and commands, as the SQLite ledger does.
@Suite struct LedgerContractTests {
    @Test(arguments: Backend.allCases)
    func personsRoundTripAndDuplicatesAreRefusedWithTheMaskedNumber(_ backend: Backend) throws {
        guard let l = try backend.make() else { return }
        let zhang = person("张三", "36010219900517041")
        let rowID = try l.addPerson(zhang)
        #expect(try l.person(rowID: rowID)?.person == zhang)
        let again = failure { _ = try l.addPerson(zhang) }
        #expect(again == .duplicatePerson(maskedID: zhang.id.masked))
        #expect(again?.message.zh.contains(zhang.id.value) == false)

        var changed = zhang
        changed.name = "张三丰"
        changed.department = "外科"
        try l.updatePerson(rowID: rowID, changed)
        #expect(try l.person(rowID: rowID)?.person.name == "张三丰")
        #expect(try l.departments(unit: "南昌市第一医院") == ["外科"])
        #expect(failure { try l.updatePerson(rowID: rowID + 1000, person("无此人", "36010219900517099")) } == .gone)

        let li = try l.addPerson(person("李四", "36010219850101002"))
        _ = try l.addRecord(record(person("李四", "36010219850101002")), personRowID: li, reviewer: "审核员")
        #expect(failure { try l.deletePerson(rowID: li) } == .personHasRecords(count: 1))
        try l.deletePerson(rowID: rowID)
        #expect(try l.person(rowID: rowID) == nil)
    }

    @Test(arguments: Backend.allCases)
    func recordsCountInTheirYearAndTheSameActivityTwiceIsRefused(_ backend: Backend) throws {
        guard let l = try backend.make() else { return }
        let p = person("王五", "36010219800101003")
        let pid = try l.addPerson(p)
        let r = record(p, hours: "12.5", recognition: .recognized)
        _ = try l.addRecord(r, personRowID: pid, reviewer: "审核员")
        #expect(failure { _ = try l.addRecord(r, personRowID: pid, reviewer: "审核员") } == .duplicateRecord)
        let stored = try l.records(personRowID: pid, year: 2024)
        #expect(stored.map(\.record) == [r])
        #expect(stored.first?.reviewedBy == "审核员")
        #expect(try l.records(personRowID: pid, year: 2023).isEmpty)
        #expect(try l.recordCount(personRowID: pid) == 1)
        // The list shows the domain's totals, exactly.
        let expected = AnnualTotals.evaluate(year: 2024, records: [(1, r)], rules: rules.ruleSet(for: 2024)!).totals
        let row = try l.personRows(PersonListQuery(year: 2024), from: nil, forward: true, including: false, limit: 10)
        #expect(row.map(\.totals) == [expected])
        #expect(try l.yearResult(personRowID: pid, year: 2024).result.totals == expected)
    }

    @Test(arguments: Backend.allCases)
    func aRecognisedRecordIsLockedUntilReopenedWithAReason(_ backend: Backend) throws {
        guard let l = try backend.make() else { return }
        let p = person("赵六", "36010219800101004")
        let pid = try l.addPerson(p)
        let rid = try l.addRecord(record(p), personRowID: pid, reviewer: "审核员")
        #expect(try l.setRecognition(rowIDs: [rid], to: .recognized, reason: "", reviewer: "审核员") == 1)
        var edited = record(p, hours: "20")
        #expect(failure { try l.updateRecord(rowID: rid, edited, reviewer: "审核员") } == .locked)
        #expect(failure { try l.deleteRecord(rowID: rid) } == .locked)
        #expect(failure { _ = try l.reopen(rowIDs: [rid], reason: " ", reviewer: "审核员") } == .reopenNeedsReason)
        #expect(try l.reopen(rowIDs: [rid], reason: "学时有误", reviewer: "审核员") == 1)
        edited.recognition = .pending
        try l.updateRecord(rowID: rid, edited, reviewer: "审核员")
        #expect(try l.records(personRowID: pid, year: 2024).first?.record.claimedHours == Hours(whole: 20))
        try l.deleteRecord(rowID: rid)
        #expect(failure { try l.deleteRecord(rowID: rid) } == .gone)
    }

    @Test(arguments: Backend.allCases)
    func aDecisionSaysWhyEachRecordLeftUnchangedWasLeft(_ backend: Backend) throws {
        guard let l = try backend.make() else { return }
        let p = person("钱七", "36010219800101005")
        let pid = try l.addPerson(p)
        let a = try l.addRecord(record(p, title: "甲"), personRowID: pid, reviewer: "r")
        let b = try l.addRecord(record(p, title: "乙"), personRowID: pid, reviewer: "r")
        let c = try l.addRecord(record(p, title: "丙"), personRowID: pid, reviewer: "r")
        _ = try l.setRecognition(rowIDs: [a], to: .recognized, reason: "", reviewer: "r")
        try l.deleteRecord(rowID: c)
        #expect(
            failure { _ = try l.decideRecognition(rowIDs: [b], to: .rejected, reason: "", reviewer: "r") }
                == .rejectionNeedsReason)
        let again = try l.decideRecognition(rowIDs: [a, b, c], to: .recognized, reason: "", reviewer: "r")
        #expect((again.changed, again.alreadyRecognized, again.gone, again.changedRowIDs) == (1, 1, 1, [b]))
        let reject = try l.decideRecognition(rowIDs: [a], to: .rejected, reason: "无证明", reviewer: "r")
        #expect(reject.locked == 1 && reject.changed == 0)
        #expect(try l.pendingRecords(year: 2024).isEmpty)
    }

    @Test(arguments: Backend.allCases)
    func theHistoryNamesTheClerkAndEveryChangeInOrder(_ backend: Backend) throws {
        guard let l = try backend.make(actor: "李会计") else { return }
        let p = person("孙八", "36010219800101006")
        let pid = try l.addPerson(p)
        let rid = try l.addRecord(record(p), personRowID: pid, reviewer: "李会计")
        try l.updateRecord(rowID: rid, record(p, hours: "9.5"), reviewer: "李会计")
        try l.deleteRecord(rowID: rid)
        let h = try l.history(idNumber: p.id.value)
        #expect(
            h.map { "\($0.action.rawValue) \($0.entity.rawValue)" } == [
                "insert person", "insert record", "update record", "delete record",
            ])
        #expect(Set(h.map(\.actor)) == ["李会计"])
        #expect(h[1].new["title"] == "心血管新进展")
        #expect(h[2].changes.map(\.column) == ["claimed_tenths"])
        #expect(h[2].details(.zh).contains("8.0 → 9.5") || h[2].details(.zh).contains("8 → 9.5"))
        let head = try l.historyHead()
        #expect(head?.entries == 4)
        #expect(head?.digest.count == 64)
    }

    @Test(arguments: Backend.allCases)
    func aClassIsAddedForAllOrNoneAndDuplicatesAreNamed(_ backend: Backend) throws {
        guard let l = try backend.make() else { return }
        let a = person("周一", "36010219800101007"), b = person("吴二", "36010219800101008")
        let ia = try l.addPerson(a), ib = try l.addPerson(b)
        _ = try l.addRecord(record(a, title: "院感培训"), personRowID: ia, reviewer: "r")
        let r = record(a, title: "院感培训")
        let result = try l.addRecords(r, personRowIDs: [ia, ib, ib], reviewer: "r")
        #expect(result == BatchResult(added: [ib], duplicates: [ia]))
        #expect(failure { _ = try l.addRecords(record(a, title: "新课"), personRowIDs: [ia, 999_999], reviewer: "r") } == .gone)
        #expect(try l.records(personRowID: ia, year: 2024).map(\.record.title) == ["院感培训"])
        // Undo of the class takes back what it added.
        #expect(try l.undo(.classAdded(r, personRowIDs: [ib]), reason: "", reviewer: "r") == 1)
        #expect(try l.recordCount(personRowID: ib) == 0)
    }

    @Test(arguments: Backend.allCases)
    func undoPutsBackWhatWasThereAsNewHistory(_ backend: Backend) throws {
        guard let l = try backend.make() else { return }
        let p = person("郑九", "36010219800101009")
        let pid = try l.addPerson(p)
        let original = record(p)
        let rid = try l.addRecord(original, personRowID: pid, reviewer: "r")
        _ = try l.setRecognition(rowIDs: [rid], to: .recognized, reason: "", reviewer: "r")
        var pendingOriginal = original
        pendingOriginal.recognition = .pending
        #expect(
            failure { _ = try l.undo(.recordsChanged(before: [rid: pendingOriginal]), reason: "", reviewer: "r") }
                == .reopenNeedsReason)
        #expect(try l.undo(.recordsChanged(before: [rid: pendingOriginal]), reason: "误认定", reviewer: "r") == 1)
        #expect(try l.records(personRowID: pid, year: 2024).first?.record.recognition == .pending)
        try l.deleteRecord(rowID: rid)
        #expect(try l.undo(.recordDeleted(pendingOriginal, personRowID: pid), reason: "", reviewer: "r") == 1)
        #expect(try l.records(personRowID: pid, year: 2024).map(\.record) == [pendingOriginal])
        let before = try l.history(idNumber: p.id.value).count
        var renamed = p
        renamed.name = "郑十"
        try l.updatePerson(rowID: pid, renamed)
        _ = try l.undo(.personChanged(rowID: pid, before: p), reason: "", reviewer: "r")
        #expect(try l.person(rowID: pid)?.person.name == "郑九")
        #expect(try l.history(idNumber: p.id.value).count == before + 2)
    }

    @Test(arguments: Backend.allCases)
    func aCardKeepsItsNumberForTheSameContentAndTheNextOneOtherwise(_ backend: Backend) throws {
        guard let l = try backend.make() else { return }
        let p = person("冯十一", "36010219800101010")
        let pid = try l.addPerson(p)
        let utc = TimeZone(identifier: "UTC")!
        let now = Date(timeIntervalSince1970: 1_733_000_000)
        let first = try l.issueCard(
            personRowID: pid, firstYear: 2023, lastYear: 2024, issuer: "单位", digest: "d1", by: "r", now: now, timeZone: utc,
            prefix: "JX")
        let reprint = try l.issueCard(
            personRowID: pid, firstYear: 2023, lastYear: 2024, issuer: "单位", digest: "d1", by: "r", now: now, timeZone: utc,
            prefix: "JX")
        let other = try l.issueCard(
            personRowID: pid, firstYear: 2024, lastYear: 2024, issuer: "单位", digest: "d2", by: "r", now: now, timeZone: utc,
            prefix: "JX")
        #expect(first.number == "JX-2024-000001" && !first.reprint)
        #expect(reprint.number == first.number && reprint.reprint)
        #expect(other.number == "JX-2024-000002")
        #expect(
            failure { _ = try l.issueCard(personRowID: pid, firstYear: 2025, lastYear: 2024, issuer: "", digest: "", by: "r") }
                == .yearsReversed)
        let source = try l.cardSource(personRowID: pid, years: 2023...2024)
        #expect(source?.years.map(\.year) == [2023, 2024])
    }

    @Test(arguments: Backend.allCases)
    func theEmployerIsSetAndCleared(_ backend: Backend) throws {
        guard let l = try backend.make() else { return }
        #expect(try l.employer() == nil)
        let v = try l.version()
        try l.setEmployer("  江西省人民医院 ")
        #expect(try l.employer() == "江西省人民医院")
        #expect(try l.version() != v)
        try l.setEmployer(" ")
        #expect(try l.employer() == nil)
    }

    @Test(arguments: Backend.allCases)
    func theListPagesTheSameRowsForwardsAndBackwardsInEveryOrder(_ backend: Backend) throws {
        guard let l = try backend.make() else { return }
        let names = [
            "张三", "张三丰", "李四", "欧阳明辉", "王小明", "赵敏", "钱多多", "孙悟空", "周杰", "吴用", "郑和", "冯巩",
            "陈晨", "褚遂良", "卫青", "蒋欣", "沈括", "韩信", "杨过", "朱熹", "秦琼", "尤勇", "许仙", "何炅", "吕布",
        ]
        for (i, n) in names.enumerated() {
            let p = person(
                n, "360102198001010" + String(format: "%02d", i), unit: i % 3 == 0 ? "甲院" : "乙院",
                department: i % 2 == 0 ? "内科" : "外科")
            let pid = try l.addPerson(p)
            if i % 4 != 0 {
                _ = try l.addRecord(record(p, hours: String(i * 3)), personRowID: pid, reviewer: "r")
                _ = try l.addRecord(
                    record(p, title: "公需课", category: .public, hours: String(i)), personRowID: pid, reviewer: "r")
            }
        }
        for sort in PersonSort.allCases {
            for descending in [false, true] {
                var q = PersonListQuery(year: 2024)
                q.sort = sort
                q.descending = descending
                let forwards = try allRows(l, q)
                #expect(forwards.count == names.count, "\(sort) \(descending)")
                #expect(shown(try allRowsBackwards(l, q)) == shown(forwards), "\(sort) \(descending)")
                #expect(Set(forwards.map(\.rowID)).count == names.count)
                // A row's key finds the same row again.
                let middle = forwards[10]
                #expect(try l.personKey(of: middle.rowID, in: q) == middle.key)
                let from = try l.personRows(q, from: middle.key, forward: true, including: true, limit: 1)
                #expect(from.map(\.rowID) == [middle.rowID])
            }
        }
        var q = PersonListQuery(year: 2024)
        q.search = "zs"
        #expect(Set(try allRows(l, q).map(\.name)) == ["张三", "张三丰"])
        q.search = "三"
        #expect(try l.personSummary(q).persons == 2)
        q.search = "0101"
        #expect(try l.personSummary(q).persons == names.count)
        q.search = ""
        q.unit = "甲院"
        q.department = "内科"
        #expect(try allRows(l, q).allSatisfy { $0.unit == "甲院" && $0.department == "内科" })
        #expect(try l.units() == ["乙院", "甲院"].sorted())
    }

    @Test(arguments: Backend.allCases)
    func statusFiltersCountWhatTheDomainSays(_ backend: Backend) throws {
        guard let l = try backend.make() else { return }
        let set = rules.ruleSet(for: 2024)!
        var expectedMet = 0
        for i in 0..<12 {
            let p = person("测试\(i)", "360102197001010" + String(format: "%02d", i))
            let pid = try l.addPerson(p)
            let pro = record(p, hours: String(i * 6), recognition: .recognized)
            let pub = record(p, title: "公需课", category: .public, hours: String(i * 2), recognition: .recognized)
            _ = try l.addRecords(pro, personRowIDs: [pid], reviewer: "r")
            _ = try l.addRecords(pub, personRowIDs: [pid], reviewer: "r")
            if AnnualTotals.evaluate(year: 2024, records: [(1, pro), (2, pub)], rules: set).totals.status == .met {
                expectedMet += 1
            }
        }
        var q = PersonListQuery(year: 2024)
        #expect(try l.personSummary(q) == YearSummary(persons: 12, met: expectedMet))
        q.status = .met
        #expect(try allRows(l, q).count == expectedMet)
        q.status = .short
        #expect(try allRows(l, q).count == 12 - expectedMet)
        // A year no record reached lists everyone active with nothing.
        #expect(try l.personSummary(PersonListQuery(year: 2021)).persons == 12)
    }
}
