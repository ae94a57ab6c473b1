import Foundation
import Testing

@testable import CeledgerDomain

private let jiangxiBook = RuleBook([
    try! RuleSet.decode(Data(contentsOf: RuleSetTests.repo.appendingPathComponent("data/rules/jiangxi-2023.json")))
])
private let today = Day(year: 2026, month: 6, day: 15)!

/// The rules of what a record cannot be, as the parser applies them to every row that is written.
@Suite struct PlausibilityTests {
    let parser = RowParser(rules: jiangxiBook, today: today)

    func row(_ extra: [Field: String]) -> [Field: String] {
        var cells: [Field: String] = [
            .idNumber: "34052419800101001X", .mode: "培训", .category: "专业", .title: "BIM 应用培训",
            .startDate: "2026-03-02", .endDate: "2026-03-03", .claimedHours: "16", .recognition: "已认定",
        ]
        for (k, v) in extra { cells[k] = v }
        return cells
    }

    func issues(_ extra: [Field: String]) -> [FieldIssue] {
        if case .failure(let p) = parser.record(row(extra)) { return p.issues }
        return []
    }

    @Test func anActivityThatHasNotEndedMayBePendingButNotRecognised() throws {
        let future = issues([.startDate: "2099-05-01", .endDate: "2099-05-02"])
        #expect(future.map(\.field) == [.recognition])
        #expect(future.first?.message.zh.contains("活动尚未结束（2099-05-02 结束，今天 2026-06-15）") == true)
        #expect(future.first?.message.en.contains("register it as pending") == true)
        // Pending is fine: a class announced ahead (Art. 16).
        let pending = try parser.record(row([.startDate: "2099-05-01", .endDate: "2099-05-02", .recognition: "待认定"])).get()
        #expect(pending.recognition == Recognition.pending)
        // Ending today is over.
        #expect(issues([.startDate: "2026-06-15", .endDate: "2026-06-15", .claimedHours: "8"]).isEmpty)
    }

    @Test func hoursTheSpanCannotHoldAreRefusedForActivitiesCountedByTime() throws {
        // 9,999 hours for a two-day training (the issue's example; the suggestion was 16).
        let huge = issues([.claimedHours: "9999", .recognizedHours: "9999"])
        #expect(Set(huge.map(\.field)) == [.claimedHours, .recognizedHours])
        #expect(huge.first?.message.zh.contains("超过活动时间所能容纳的 48") == true)
        // 48 in two days is the most; 48.1 is not.
        #expect(issues([.claimedHours: "48", .recognizedHours: "48", .recognitionNote: "全天"]).isEmpty)
        #expect(issues([.claimedHours: "48.1", .recognition: "待认定"]).map(\.field) == [.claimedHours])
        // Online learning on one day, counted by its actual hours.
        #expect(
            issues([.mode: "网络学习", .startDate: "2026-03-02", .endDate: "2026-03-02", .claimedHours: "30", .recognition: "待认定"])
                .map(\.field) == [.claimedHours])
        // A research project credited by rank is not time: 64 hours for a one-day entry stand.
        let project = try parser.record(
            row([
                .mode: "其他", .basis: "research-project-national", .quantity: "1", .startDate: "2026-03-02",
                .endDate: "2026-03-02", .claimedHours: "64",
            ])
        ).get()
        #expect(project.recognizedHours == Hours(whole: 64))
        #expect(
            !Plausibility.isCountedByTime(mode: .other, conversion: jiangxiBook.sets[0].conversion(named: "qualification-exam")))
        #expect(Plausibility.isCountedByTime(mode: .training, conversion: nil))
        #expect(!Plausibility.isCountedByTime(mode: .degree, conversion: nil))
    }

    @Test func recognisingMoreThanWasClaimedNeedsAReason() throws {
        // 24 recognised against a claim of 8.5, without a reason: refused on the recognition note.
        let bare = issues([.startDate: "2026-03-02", .endDate: "2026-03-04", .claimedHours: "8.5", .recognizedHours: "24"])
        #expect(bare.map(\.field) == [.recognitionNote])
        #expect(bare.first?.message.zh == "认定学时（24.0）多于申报学时（8.5），须在“认定说明”中写明理由")
        let reasoned = try parser.record(
            row([
                .startDate: "2026-03-02", .endDate: "2026-03-04", .claimedHours: "8.5", .recognizedHours: "24",
                .recognitionNote: "按签到表三天全勤",
            ])
        ).get()
        #expect(reasoned.recognizedHours == Hours(whole: 24))
        // Less than claimed needs none.
        #expect(issues([.claimedHours: "16", .recognizedHours: "12"]).isEmpty)
    }

    @Test func aFigureFarFromTheSuggestionIsNamedButNotRefused() throws {
        let far = try parser.record(row([.claimedHours: "40", .recognizedHours: "40"])).get()  // suggestion 16
        #expect(far.suggestedHours == Hours(whole: 16))
        #expect(Plausibility.farFromSuggestion(far)?.zh.contains("与规则建议的 16 相差悬殊") == true)
        let near = try parser.record(row([.claimedHours: "30", .recognizedHours: "30"])).get()  // under twice
        #expect(Plausibility.farFromSuggestion(near) == nil)
        let low = try parser.record(row([.claimedHours: "7", .recognizedHours: "7"])).get()  // under half
        #expect(Plausibility.farFromSuggestion(low) != nil)
    }

    @Test func aParserWithoutTodayJudgesNoPlausibility() throws {
        // Only for reading a row for something else (a suggestion's probe): every writer passes today.
        let r = try RowParser(rules: jiangxiBook).record(row([.claimedHours: "9999", .recognizedHours: "9999"])).get()
        #expect(r.recognizedHours == Hours(whole: 9999))
    }
}

/// The demo writes only records a clerk could register: none that the import's plausibility refuses.
@Suite struct DemoPlausibilityTests {
    @Test("the demo's records all pass plausibility, also for persons who left early in a year")
    func theDemoWritesNothingTheImportRefuses() throws {
        func text(_ name: String) throws -> String {
            try String(contentsOf: RuleSetTests.repo.appendingPathComponent("data/demo/\(name)"), encoding: .utf8)
        }
        let pools = try DemoPools(
            surnames: text("surnames.txt"), given: text("given.txt"), units: text("units.tsv"),
            activities: text("activities.tsv"), regions: text("regions.tsv"))
        // Seed 1 over 2021–2025 (make bench's ledger): among its first persons is one who left on
        // 2024-01-01 and was given a 30-hour online course squeezed into that one day.
        var generator = DemoGenerator(pools: pools, seed: 1, years: 2021...2025)
        var records = 0, leavers = 0
        for _ in 0..<400 {
            let (person, rs) = generator.next()
            if person.statusDate != nil { leavers += 1 }
            for r in rs {
                records += 1
                let problems = Plausibility.problems(r, today: Day(year: 2026, month: 12, day: 31)!, rules: jiangxiBook)
                #expect(problems.isEmpty, "\(person.name) \(r.title) \(r.startDate.iso)–\(r.endDate.iso): \(problems)")
            }
        }
        #expect(records > 8_000 && leavers > 10, "\(records) records, \(leavers) who left or retired")
    }
}
