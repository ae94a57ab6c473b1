import Foundation
import Testing

@testable import CeledgerDomain

private func h(_ s: String) -> Hours { try! Hours.parse(s).get() }
private func d(_ s: String) -> Day { try! Day.parse(s).get() }
private func ref(_ s: String) -> Sourced<Hours> { Sourced(h(s), source: "reference value") }

/// The shipped Jiangxi set, read from data/rules as a clerk's ledger reads it.
private let jiangxiSet = try! RuleSet.decode(
    Data(contentsOf: RuleSetTests.repo.appendingPathComponent("data/rules/jiangxi-2023.json")))

@Suite struct ConversionTests {
    func suggest(
        _ mode: Mode, basis: String? = nil, _ start: String, _ end: String, quantity: Int? = nil,
        role: Role = .participant, assessment: Assessment = .passed, claimed: String = "0", set: RuleSet = jiangxiSet
    ) -> Result<Suggestion, FieldIssue> {
        set.suggest(
            mode: mode, basis: basis, start: d(start), end: d(end), quantity: quantity, role: role,
            assessment: assessment, claimed: h(claimed))
    }

    @Test func perDayCountsTheDaysOfTheDatesOrTheQuantity() throws {
        let s = try suggest(.training, "2024-06-01", "2024-06-04").get()
        #expect(s.hours == h("32"))
        #expect(s.conversionID == "training-day")
        #expect(s.working.zh == "培训、进修、研修（按天）：4 天 × 8 = 32")
        #expect(s.working.en.hasSuffix("4 days × 8 = 32"))
        #expect(try suggest(.training, "2024-06-01", "2024-06-14", quantity: 3).get().hours == h("24"))
        // More days than the dates hold is a mistake in the quantity.
        if case .failure(let issue) = suggest(.training, "2024-06-01", "2024-06-02", quantity: 5) {
            #expect(issue.field == .quantity)
            #expect(issue.message.zh.contains("超过起止日期的 2 天"))
        } else {
            Issue.record("5 days in a 2-day span was accepted")
        }
    }

    @Test func halfDaysAndTheirDefault() throws {
        let s = try suggest(.training, basis: "training-half-day", "2024-06-01", "2024-06-01", quantity: 1).get()
        #expect(s.hours == h("4"))
        #expect(s.working.zh == "培训（按半天）：1 个半天 × 4 = 4")
        #expect(try suggest(.training, basis: "培训（按半天）", "2024-06-01", "2024-06-02").get().hours == h("16"))  // by its Chinese name
    }

    @Test func aPerItemCapTrimsTheSuggestionAndSaysSo() throws {
        let s = try suggest(.practice, "2024-03-01", "2024-03-31").get()  // 31 days × 6 = 186, at most 60
        #expect(s.hours == h("60"))
        #expect(s.working.zh == "到教学、科研、生产单位实践（按天）：31 天 × 6 = 186；单项最多 60，计 60")
        #expect(s.working.en.contains("at most 60 an item, 60 counted"))
    }

    @Test func conferencesCountFixedHoursAndMoreForAPresenter() throws {
        #expect(try suggest(.academic, "2024-05-10", "2024-05-12").get().hours == h("8"))  // provincial, the default
        let national = try suggest(.academic, basis: "conference-national", "2024-05-10", "2024-05-12", role: .presenter).get()
        #expect(national.hours == h("20"))
        #expect(national.working.zh == "全国性学术会议：报告人每项 20")
        #expect(try suggest(.academic, basis: "conference-national", "2024-05-10", "2024-05-12").get().hours == h("12"))
        if case .failure(let issue) = suggest(.academic, "2024-05-10", "2024-05-12", quantity: 2) {
            #expect(issue.field == .quantity)
        } else {
            Issue.record("a quantity for a fixed item was accepted")
        }
    }

    @Test func passedCoursesCountAndAFailedOneDoesNot() throws {
        #expect(try suggest(.degree, "2024-01-01", "2024-06-30", quantity: 2).get().hours == h("30"))
        let failed = try suggest(.degree, "2024-01-01", "2024-06-30", assessment: .failed).get()
        #expect(failed.hours == .zero)
        #expect(failed.working.zh.hasSuffix("考核不合格，0"))
    }

    @Test func projectsCountByRank() throws {
        let second = try suggest(.other, basis: "research-project-national", "2024-01-01", "2024-12-31", quantity: 2).get()
        #expect(second.hours == h("56"))
        #expect(second.working.zh.hasSuffix("第 2 名 56"))
        if case .failure(let issue) = suggest(.other, basis: "research-project-national", "2024-01-01", "2024-12-31") {
            #expect(issue.message.zh.contains("须填写排名"))
        } else {
            Issue.record("no rank was accepted")
        }
        if case .failure(let issue) = suggest(.other, basis: "research-project-national", "2024-01-01", "2024-12-31", quantity: 6)
        {
            #expect(issue.message.zh.contains("排名 6 超出"))
        } else {
            Issue.record("rank 6 of 5 was accepted")
        }
    }

    @Test func actualHoursAreCappedByTheDays() throws {
        #expect(try suggest(.online, "2024-05-01", "2024-05-20", claimed: "30").get().hours == h("30"))
        let capped = try suggest(.online, "2024-05-01", "2024-05-02", claimed: "30").get()  // at most 8 a day
        #expect(capped.hours == h("16"))
        #expect(capped.working.zh == "网络学习（按实际学时）：实际 30；每天最多 8 × 2 天 = 16")
    }

    @Test func aConversionOfAnotherModeOrUnknownIsRefused() {
        if case .failure(let issue) = suggest(.online, basis: "training-day", "2024-05-01", "2024-05-02") {
            #expect(issue.field == .basis)
            #expect(issue.message.zh.contains("属于培训"))
        } else {
            Issue.record("a training conversion was accepted for online learning")
        }
        if case .failure(let issue) = suggest(.online, basis: "no-such", "2024-05-01", "2024-05-02") {
            #expect(issue.message.zh.contains("online-actual"))  // says what there is
        } else {
            Issue.record("an unknown conversion was accepted")
        }
    }

    @Test func withoutAConversionTheClaimedHoursAreSuggested() throws {
        let bare = ruleSet(jiangxi)
        let s = try suggest(.online, "2024-05-01", "2024-05-02", claimed: "12.5", set: bare).get()
        #expect(s.hours == h("12.5"))
        #expect(s.conversionID == nil)
        #expect(s.working.zh == "按申报学时：12.5")
    }

    @Test func theParserSuggestsAndARecognisedRecordWithoutHoursTakesTheSuggestion() throws {
        let parser = RowParser(rules: RuleBook([jiangxiSet]))
        let r = try parser.record([
            .idNumber: "34052419800101001X", .mode: "培训班", .category: "专业", .title: "BIM 应用培训",
            .startDate: "2024-06-01", .endDate: "2024-06-05", .claimedHours: "40", .recognition: "已认定",
        ]).get()
        #expect(r.suggestedHours == h("40"))
        #expect(r.recognizedHours == h("40"))
        #expect(!r.overridesSuggestion)
        // Without rules, the same row is refused: recognised hours are missing.
        #expect(throws: RowProblems.self) {
            try RowParser().record([
                .idNumber: "34052419800101001X", .mode: "培训班", .category: "专业", .title: "BIM 应用培训",
                .startDate: "2024-06-01", .endDate: "2024-06-05", .claimedHours: "40", .recognition: "已认定",
            ]).get()
        }
        // A bad quantity is the quantity's problem, with the row's other problems.
        if case .failure(let p) = parser.record([
            .idNumber: "34052419800101001X", .mode: "学术会议", .category: "专业", .title: "年会", .endDate: "2024-06-05",
            .claimedHours: "8", .quantity: "二", .role: "作报告",
        ]) {
            #expect(p.issues.map(\.field) == [.quantity])
        } else {
            Issue.record("quantity 二 was accepted")
        }
    }
}

@Suite struct CapTests {
    let caps = [
        YearCap(id: "online", name: Message(zh: "网络", en: "online"), mode: .online, maxHours: ref("30")),
        YearCap(id: "public", name: Message(zh: "公需", en: "public"), category: .public, maxHours: ref("40")),
    ]

    func item(
        _ id: Int64, _ mode: Mode, _ category: CeledgerDomain.Category, _ hours: String, _ end: String,
        recognition: Recognition = .recognized
    ) -> YearItem {
        YearItem(
            recordID: id, mode: mode, category: category, recognition: recognition, assessment: .passed,
            recognizedHours: h(hours), endDate: d(end))
    }

    @Test func aYearCapLetsEarlierRecordsCountFirstAndTrimsTheRest() {
        let items = [
            item(3, .online, .professional, "20", "2024-09-01"),
            item(1, .online, .professional, "20", "2024-03-01"),
            item(2, .training, .professional, "60", "2024-05-01"),
            item(4, .online, .professional, "5", "2024-12-01"),
        ]
        let r = AnnualTotals.evaluate(year: 2024, items: items, rules: ruleSet(jiangxi, caps: caps))
        #expect(r.totals.professionalHours == h("90"))  // 20 + 60 + 10 of the second online course
        #expect(r.totals.trimmedHours == h("15"))
        #expect(
            r.trims == [
                Trim(capID: "online", recordID: 3, endDate: d("2024-09-01"), hours: h("10")),
                Trim(capID: "online", recordID: 4, endDate: d("2024-12-01"), hours: h("5")),
            ])
        #expect(r.counted[.online]?[.professional] == h("30"))
        let notes = r.notes(ruleSet(jiangxi, caps: caps), titles: [3: "网课二"], lang: .zh)
        #expect(notes == ["网络学习每年最多 30 学时：扣减 15.0（#3 2024-09-01 网课二 扣 10.0；#4 2024-12-01 扣 5.0）"])
        #expect(
            r.notes(ruleSet(jiangxi, caps: caps), lang: .en) == [
                "online: at most 30 hours a year: 15.0 trimmed (#3 2024-09-01 −10.0; #4 2024-12-01 −5.0)"
            ])
    }

    @Test func overlappingCapsTakeTheTighterAndRecordsThatDoNotCountUseNone() {
        let items = [
            item(1, .online, .public, "25", "2024-02-01"),
            item(2, .online, .public, "50", "2024-03-01", recognition: .pending),  // counts nothing, uses no cap
            item(3, .other, .public, "20", "2024-04-01"),
            item(4, .online, .public, "10", "2024-05-01"),
        ]
        let r = AnnualTotals.evaluate(year: 2024, items: items, rules: ruleSet(jiangxi, caps: caps))
        // online: 25, then 5 of 10 (cap 30); public: 25 + 15 of 20 would reach 40 first.
        #expect(r.totals.publicHours == h("40"))
        #expect(r.trims.map(\.capID) == ["public", "public"])
        #expect(r.trims.map(\.hours) == [h("5"), h("10")])
        #expect(r.totals.trimmedHours == h("15"))
    }

    @Test func withoutCapsNothingIsTrimmedAndOrderDoesNotMatter() {
        let items = (1...20).map { item(Int64($0), .online, .professional, "8.1", "2024-0\($0 % 9 + 1)-01") }
        let r = AnnualTotals.evaluate(year: 2024, items: items.reversed(), rules: ruleSet(jiangxi))
        #expect(r.totals.professionalHours == Hours(tenths: 1620))
        #expect(r.trims.isEmpty && r.totals.trimmedHours == .zero)
    }

    @Test func hoursNeededIsTheFewestThatMeetEveryThreshold() {
        let withPublic = RuleSet.Thresholds(totalHours: h("90"), professionalHours: h("60"), publicHours: h("20"))
        func needed(_ pub: String, _ prof: String, _ t: RuleSet.Thresholds = jiangxi) -> Hours {
            AnnualTotals(year: 2024, publicHours: h(pub), professionalHours: h(prof), thresholds: t).hoursNeeded
        }
        #expect(needed("40", "30") == h("30"))  // 30 professional hours fix both
        #expect(needed("10", "60") == h("20"))  // total only
        #expect(needed("0", "0") == h("90"))
        #expect(needed("30", "60") == .zero)
        #expect(needed("5", "50", withPublic) == h("35"))  // 10 professional and 15 public, though the total needs only 35
        #expect(needed("15", "80", withPublic) == h("5"))
    }
}

@Suite struct WindowTests {
    @Test func aWindowCountsTheYearsMetAndSkipsYearsNotRequired() {
        func t(_ y: Int, _ hours: String) -> AnnualTotals {
            AnnualTotals(year: y, publicHours: .zero, professionalHours: h(hours), thresholds: jiangxi)
        }
        let w = WindowResult(years: [(2020, nil), (2021, t(2021, "95")), (2022, t(2022, "90")), (2023, t(2023, "89.9"))])
        #expect(w.yearsMet == 2 && w.yearsRequired == 3)
        #expect(w.windowTotalHours == h("274.9"))
        #expect(!w.allMet)
        #expect(WindowResult(years: [(2021, t(2021, "95")), (2022, nil)]).allMet)
        #expect(!WindowResult(years: [(2022, nil)]).allMet)  // nothing required is not "all met"
    }
}

@Suite struct RuleFileTests {
    let base = """
        {"id": "x", "name": {"zh": "甲", "en": "A"}, "source": "s", "effective_from": "2023-03-01",
         "thresholds": {"total_hours": {"value": 90, "source": "a"}, "professional_hours": {"value": 60, "source": "b"}},
         "conversions": [CONVERSIONS], "caps": [CAPS]}
        """

    func decode(_ conversions: String = "", caps: String = "") -> Result<RuleSet, RuleSet.Problem> {
        Result { () throws(RuleSet.Problem) in
            try RuleSet.decode(
                Data(
                    base.replacingOccurrences(of: "CONVERSIONS", with: conversions).replacingOccurrences(of: "CAPS", with: caps)
                        .utf8))
        }
    }

    func path(_ r: Result<RuleSet, RuleSet.Problem>) -> String? {
        if case .failure(let p) = r { return p.path }
        return nil
    }

    let day =
        #"{"id": "d", "name": {"zh": "天", "en": "day"}, "mode": "training", "default": true, "method": "per_day", "hours_per_day": {"value": 8, "source": "reference value"}}"#

    @Test func everyShapeDecodes() throws {
        let set = try decode(
            [
                day,
                #"{"id": "h", "name": {"zh": "半天", "en": "half"}, "mode": "training", "method": "per_half_day", "hours_per_half_day": {"value": 4, "source": "广西"}}"#,
                #"{"id": "f", "name": {"zh": "会", "en": "conf"}, "mode": "academic", "method": "fixed", "hours": {"value": 12, "source": "河南"}, "presenter_hours": {"value": 20, "source": "河南"}, "max_per_item": {"value": 20, "source": "r"}}"#,
                #"{"id": "c", "name": {"zh": "课", "en": "course"}, "mode": "degree", "method": "per_course", "hours_per_course": {"value": 15, "source": "河南"}}"#,
                #"{"id": "r", "name": {"zh": "项", "en": "proj"}, "mode": "other", "method": "by_rank", "hours_by_rank": [{"value": 64, "source": "a"}, {"value": 56.5, "source": "b"}]}"#,
                #"{"id": "a", "name": {"zh": "网", "en": "online"}, "mode": "online", "method": "actual", "max_per_day": {"value": 8, "source": "r"}}"#,
            ].joined(separator: ","),
            caps:
                #"{"id": "o", "name": {"zh": "网", "en": "o"}, "mode": "online", "category": "public", "max_hours": {"value": 30, "source": "r"}}"#
        ).get()
        #expect(set.conversions.map(\.method.key) == ["per_day", "per_half_day", "fixed", "per_course", "by_rank", "actual"])
        #expect(set.conversions[4].method == .byRank([Sourced(h("64"), source: "a"), Sourced(h("56.5"), source: "b")]))
        #expect(
            set.caps == [
                YearCap(
                    id: "o", name: Message(zh: "网", en: "o"), mode: .online, category: .public,
                    maxHours: Sourced(h("30"), source: "r"))
            ])
        #expect(set.defaultConversion(for: .training)?.id == "d")
        #expect(set.conversions[2].describe(.zh) == "每项 12 学时，报告人 20 学时；单项最多 20")
    }

    @Test func badValuesAreReportedWithTheirPathInsideTheArrays() {
        #expect(
            path(decode(day.replacingOccurrences(of: "\"value\": 8", with: "\"value\": 8.25")))
                == "conversions[0].hours_per_day.value")
        #expect(path(decode(day.replacingOccurrences(of: "per_day\",", with: "per_week\","))) == "conversions[0].method")
        #expect(path(decode(day.replacingOccurrences(of: "training", with: "lecture"))) == "conversions[0].mode")
        #expect(
            path(decode(day.replacingOccurrences(of: ", \"source\": \"reference value\"", with: "")))
                == "conversions[0].hours_per_day.source")
        #expect(
            path(decode(day.replacingOccurrences(of: "\"reference value\"", with: "\"  \"")))
                == "conversions[0].hours_per_day.source")
        #expect(
            path(decode(day.replacingOccurrences(of: "{\"value\": 8, \"source\": \"reference value\"}", with: "8")))
                == "conversions[0].hours_per_day")
        #expect(path(decode(day + "," + day)) == "conversions[1].id")
        #expect(
            path(decode(day + "," + day.replacingOccurrences(of: "\"id\": \"d\"", with: "\"id\": \"e\"")))
                == "conversions[1].default")
        #expect(
            path(decode(caps: #"{"id": "o", "name": {"zh": "网", "en": "o"}, "max_hours": {"value": 30, "source": "r"}}"#))
                == "caps[0].mode")
        #expect(
            path(
                decode(
                    caps:
                        #"{"id": "o", "name": {"zh": "网", "en": "o"}, "mode": "online", "max_hours": {"value": -1, "source": "r"}}"#
                )) == "caps[0].max_hours.value")
    }

    @Test func aDigestChangesWithTheFile() throws {
        let a = try decode(day).get(), b = try decode(day.replacingOccurrences(of: "8", with: "7")).get()
        #expect(a.digest != b.digest && a.digest.count == 16)
        #expect(try decode(day).get().digest == a.digest)
    }

    /// Ledgers keep the digest of the set that made each year's totals: another function (SHA-256, say)
    /// would make every summarised year in the field stale. The published FNV-1a 64 vectors, and one of ours.
    @Test func theDigestIsFNV1a64() {
        #expect(RuleSet.fnv1a64(Data()) == "cbf29ce484222325")
        #expect(RuleSet.fnv1a64(Data("a".utf8)) == "af63dc4c8601ec8c")
        #expect(RuleSet.fnv1a64(Data("foobar".utf8)) == "85944171f73967e8")
        #expect(RuleSet.fnv1a64(Data("继续教育".utf8)) == "7f48a76dd38dd3dd")
    }

    @Test func shippedSetsEachNumberHasASource() throws {
        for name in ["jiangxi-2023", "national-2015", "examples/example-unit-2024"] {
            let set = try RuleSet.decode(Data(contentsOf: RuleSetTests.repo.appendingPathComponent("data/rules/\(name).json")))
            for c in set.conversions {
                for n in c.sourcedNumbers { #expect(!n.value.source.trimmedField.isEmpty, "\(name) \(c.id)") }
            }
            // Every mode of Art. 10 has a default way to suggest hours.
            for mode in Mode.allCases { #expect(set.defaultConversion(for: mode) != nil, "\(name) \(mode)") }
        }
        // The shipped provincial sets trim nothing: no published cap could be verified.
        #expect(jiangxiSet.caps.isEmpty)
    }
}
