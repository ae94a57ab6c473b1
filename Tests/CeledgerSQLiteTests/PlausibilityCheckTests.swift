import CeledgerDomain
import CeledgerLedger
import Foundation
import Testing

@testable import CeledgerSQLite

/// `check` names the rows already in a ledger that `Plausibility` would refuse today (they came in before
/// the rules, or by a program that does not judge them), with their person and record.
@Suite struct PlausibilityCheckTests {
    @Test func checkNamesEachImplausibleRowWithItsPersonAndRecord() throws {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        let id = ResidentID.make(region: "360102", birth: Day(year: 1980, month: 1, day: 1)!, sequence: 1)
        let pid = try l.addPerson(Person(id: id, name: "张三"))
        func add(_ title: String, _ start: String, _ end: String, claimed: Int, recognized: Int?, note: String = "") throws {
            _ = try l.addRecord(
                CeledgerDomain.Record(
                    personID: id, mode: .training, category: .professional, title: title,
                    startDate: try Day.parse(start).get(), endDate: try Day.parse(end).get(), claimedHours: Hours(whole: claimed),
                    recognizedHours: recognized.map(Hours.init(whole:)), recognition: recognized == nil ? .pending : .recognized,
                    recognitionNote: note),
                personRowID: pid, reviewer: "审")
        }
        try add("远期培训", "2099-05-01", "2099-05-02", claimed: 16, recognized: 16)
        try add("两天九千学时", "2024-05-01", "2024-05-02", claimed: 16, recognized: 9999)
        try add("多认定无理由", "2024-06-10", "2024-06-12", claimed: 8, recognized: 24)
        try add("多认定有理由", "2024-07-10", "2024-07-12", claimed: 8, recognized: 24, note: "按签到表")
        try add("预告的培训", "2099-05-01", "2099-05-03", claimed: 16, recognized: nil)
        let findings = try l.check(today: Day(year: 2026, month: 6, day: 15)!)
        let plausibility = findings.filter { $0.location.hasPrefix("record") }
        // The 9,999 hours are both more than two days hold and more than was claimed without a reason.
        #expect(plausibility.count == 4, "\(plausibility.map { "\($0.location) \($0.message.en)" })")
        #expect(plausibility.filter { $0.location.contains("两天九千学时") }.count == 2)
        #expect(!plausibility.contains { $0.location.contains("多认定有理由") || $0.location.contains("预告的培训") })
        let future = try #require(plausibility.first { $0.location.contains("远期培训") })
        #expect(future.location.contains("张三 3601**********"))
        #expect(future.severity == .error && future.message.zh.hasPrefix("认定状态：活动尚未结束（2099-05-02 结束，今天 2026-06-15）"))
        let span = try #require(plausibility.first { $0.location.contains("两天九千学时") })
        #expect(span.severity == .error && span.message.en.hasPrefix("recognized_hours: recognised hours 9999 are more than"))
        let reason = try #require(plausibility.first { $0.location.contains("多认定无理由") })
        #expect(reason.severity == .warning && reason.message.zh.contains("须在“认定说明”中写明理由"))
    }

    @Test func aPendingRecordThatHasNotEndedCannotBeRecognisedByReview() throws {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        let id = ResidentID.make(region: "360102", birth: Day(year: 1980, month: 1, day: 1)!, sequence: 1)
        let pid = try l.addPerson(Person(id: id, name: "张三"))
        let ahead = try l.addRecord(
            CeledgerDomain.Record(
                personID: id, mode: .training, category: .professional, title: "预告的培训",
                startDate: Day(year: 2099, month: 5, day: 1)!,
                endDate: Day(year: 2099, month: 5, day: 2)!, claimedHours: Hours(whole: 16)),
            personRowID: pid, reviewer: "审")
        let past = try l.addRecord(
            CeledgerDomain.Record(
                personID: id, mode: .training, category: .professional, title: "已结束的培训",
                startDate: Day(year: 2024, month: 5, day: 1)!,
                endDate: Day(year: 2024, month: 5, day: 2)!, claimedHours: Hours(whole: 16)),
            personRowID: pid, reviewer: "审")
        let head = try l.historyHead()
        #expect(throws: LedgerError.notEnded(count: 1, lastEnd: Day(year: 2099, month: 5, day: 2)!)) {
            try l.decideRecognition(rowIDs: [past, ahead], to: .recognized, reason: "", reviewer: "审")
        }
        #expect(try l.historyHead() == head, "the batch is refused whole")
        #expect(
            LedgerError.notEnded(count: 1, lastEnd: Day(year: 2099, month: 5, day: 2)!).message.zh.contains(
                "尚未结束（最晚 2099-05-02 结束），不能认定"))
        // Rejecting it is allowed (a cancelled class), and the ended one is recognised.
        #expect(try l.decideRecognition(rowIDs: [past], to: .recognized, reason: "", reviewer: "审").changed == 1)
        #expect(try l.decideRecognition(rowIDs: [ahead], to: .rejected, reason: "培训取消", reviewer: "审").changed == 1)
    }
}
