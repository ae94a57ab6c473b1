import Foundation
import Testing

@testable import CeledgerDomain

let jiangxi = RuleSet.Thresholds(totalHours: Hours(whole: 90), professionalHours: Hours(whole: 60))
let someone = try! ResidentID.parse("34052419800101001X").get()

/// A rule set with these thresholds and nothing else.
func ruleSet(_ t: RuleSet.Thresholds, caps: [YearCap] = [], conversions: [Conversion] = []) -> RuleSet {
    RuleSet(
        id: "test", name: Message(zh: "测试", en: "test"), source: "test", effectiveFrom: Day.firstOf(year: 2000),
        thresholds: t, conversions: conversions, caps: caps)
}

/// The year's totals of records without ledger row ids (numbered in the order given).
func totals(year: Int, records: [Record], thresholds: RuleSet.Thresholds) -> AnnualTotals {
    AnnualTotals.evaluate(year: year, records: records.enumerated().map { (Int64($0 + 1), $1) }, rules: ruleSet(thresholds))
        .totals
}

func record(
    _ category: CeledgerDomain.Category, _ hours: String, start: String = "2024-03-01", end: String = "2024-03-02",
    recognition: Recognition = .recognized, assessment: Assessment = .passed, title: String = "课程"
) -> Record {
    let h = try! Hours.parse(hours).get()
    return Record(
        personID: someone, mode: .training, category: category, title: title,
        startDate: try! Day.parse(start).get(), endDate: try! Day.parse(end).get(), assessment: assessment,
        claimedHours: h, recognizedHours: recognition == .rejected ? nil : h, recognition: recognition)
}

@Suite struct AnnualTotalsTests {
    @Test func exactSumsMeetTheRequirement() {
        var records = (0..<10).map { record(.professional, "8.1", title: "课程\($0)") }
        records.append(record(.public, "9"))
        let t = totals(year: 2024, records: records, thresholds: jiangxi)
        #expect(t.totalHours == Hours(whole: 90))
        #expect(t.professionalHours == Hours(tenths: 810))
        #expect(t.status == .met)
        #expect(t.shortfallHours == .zero)
    }

    @Test func aRecordBelongsToTheYearOfItsEndDate() {
        let records = [
            record(.professional, "60", start: "2023-12-30", end: "2024-01-01"),
            record(.public, "30", start: "2023-12-31", end: "2023-12-31"),
        ]
        let y2023 = totals(year: 2023, records: records, thresholds: jiangxi)
        let y2024 = totals(year: 2024, records: records, thresholds: jiangxi)
        #expect(y2023.publicHours == Hours(whole: 30) && y2023.professionalHours == .zero)
        #expect(y2024.professionalHours == Hours(whole: 60) && y2024.publicHours == .zero)
        // Hours never carry over: neither year is met.
        #expect(y2023.status == .short && y2024.status == .short)
    }

    @Test func onlyRecognisedAndNotFailedHoursCount() {
        let records = [
            record(.professional, "40"),
            record(.professional, "20", recognition: .pending, title: "待认定"),
            record(.professional, "20", recognition: .rejected, title: "不予认定"),
            record(.professional, "20", assessment: .failed, title: "不合格"),
            record(.public, "30", assessment: .none, title: "未考核"),
            record(.public, "1", assessment: .excellent, title: "优秀"),
        ]
        let t = totals(year: 2024, records: records, thresholds: jiangxi)
        #expect(t.professionalHours == Hours(whole: 40))
        #expect(t.publicHours == Hours(whole: 31))
        #expect(records[1].contribution == .none(.pending))
        #expect(records[2].contribution == .none(.rejected))
        #expect(records[3].contribution == .none(.failed))
    }

    @Test func statusesAndShortfalls() {
        let none = totals(year: 2024, records: [], thresholds: jiangxi)
        #expect(none.status == .short)
        #expect(none.shortfallHours == Hours(whole: 90))
        #expect(none.shortfallProfessionalHours == Hours(whole: 60))
        #expect(none.shortage == .total(Hours(whole: 90)))

        // Enough in total but the professional part short: 专业不足.
        let profShort = totals(
            year: 2024, records: [record(.public, "40.5"), record(.professional, "59.5", title: "b")], thresholds: jiangxi)
        #expect(profShort.totalHours == Hours(whole: 100))
        #expect(profShort.status == .short)
        #expect(profShort.shortage == .professionalOnly(Hours(tenths: 5)))
        #expect(profShort.shortage.label(.zh) == "专业不足 0.5")

        let justShort = totals(
            year: 2024, records: [record(.public, "29.5"), record(.professional, "60", title: "b")], thresholds: jiangxi)
        #expect(justShort.shortage.label(.zh) == "未达标 0.5")

        let allProfessional = totals(year: 2024, records: [record(.professional, "90")], thresholds: jiangxi)
        #expect(allProfessional.status == .met)
    }

    @Test func aPublicMinimumAppliesOnlyWhenTheRuleSetHasOne() {
        let withPublic = RuleSet.Thresholds(
            totalHours: Hours(whole: 90), professionalHours: Hours(whole: 60), publicHours: Hours(whole: 24))
        let t = totals(year: 2024, records: [record(.professional, "90")], thresholds: withPublic)
        #expect(t.status == .short)
        #expect(t.shortage == .publicOnly(Hours(whole: 24)))
    }
}

@Suite struct PersonActivityTests {
    @Test func leavingEndsTheYearsAfterButNotTheYearItself() {
        let left = Day(year: 2023, month: 6, day: 30)!
        #expect(Person.isActive(status: .left, statusDate: left, in: 2023))
        #expect(!Person.isActive(status: .left, statusDate: left, in: 2024))
        #expect(Person.isActive(status: .retired, statusDate: left, in: 2020))
        #expect(Person.isActive(status: .active, statusDate: nil, in: 2030))
    }
}

@Suite struct RuleSetTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func shippedRuleFilesDecodeWithTheirThresholds() throws {
        for name in ["jiangxi-2023", "national-2015"] {
            let data = try Data(contentsOf: Self.repo.appendingPathComponent("data/rules/\(name).json"))
            let set = try RuleSet.decode(data)
            #expect(set.id == name)
            #expect(set.thresholds.totalHours == Hours(whole: 90))
            #expect(set.thresholds.professionalHours == Hours(whole: 60))
            #expect(set.thresholds.publicHours == nil)
        }
    }

    @Test func eachYearIsJudgedByTheSetInForce() throws {
        let national = try RuleSet.decode(Data(contentsOf: Self.repo.appendingPathComponent("data/rules/national-2015.json")))
        let jx = try RuleSet.decode(Data(contentsOf: Self.repo.appendingPathComponent("data/rules/jiangxi-2023.json")))
        let book = RuleBook([jx, national])
        #expect(book.ruleSet(for: 2022)?.id == "national-2015")
        #expect(book.ruleSet(for: 2023)?.id == "jiangxi-2023")  // in force from March 2023
        #expect(book.ruleSet(for: 2025)?.id == "jiangxi-2023")
        #expect(book.ruleSet(for: 2010)?.id == "national-2015")  // before any set: the first
    }

    func decode(_ json: String) -> RuleSet.Problem? {
        do {
            _ = try RuleSet.decode(Data(json.utf8))
            return nil
        } catch {
            return error
        }
    }

    let good = """
        {"id": "x", "name": {"zh": "甲", "en": "A"}, "source": "s", "effective_from": "2023-03-01",
         "thresholds": {"total_hours": {"value": 90, "source": "a"}, "professional_hours": {"value": 60.5, "source": "b"}}}
        """

    @Test func badValuesAreReportedWithTheirPath() {
        #expect(decode(good) == nil)
        #expect(
            decode(good.replacingOccurrences(of: "\"value\": 90,", with: "\"value\": \"90\",")).map(\.path)
                == "thresholds.total_hours.value")
        #expect(decode(good.replacingOccurrences(of: "60.5", with: "60.55"))?.path == "thresholds.professional_hours.value")
        #expect(decode(good.replacingOccurrences(of: "60.5", with: "95"))?.path == "thresholds.professional_hours.value")
        #expect(decode(good.replacingOccurrences(of: "2023-03-01", with: "2023-02-30"))?.path == "effective_from")
        #expect(
            decode(good.replacingOccurrences(of: "\"source\": \"a\"", with: "\"src\": \"a\""))?.path
                == "thresholds.total_hours.source")
        #expect(decode("{")?.path == "")
    }

    @Test func decimalThresholdsAreExact() throws {
        let set = try RuleSet.decode(Data(good.utf8))
        #expect(set.thresholds.professionalHours == Hours(tenths: 605))
    }
}
