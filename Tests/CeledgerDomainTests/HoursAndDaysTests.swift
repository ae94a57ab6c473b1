import Testing

@testable import CeledgerDomain

@Suite struct HoursTests {
    @Test func tenRecordsOfEightPointOneAndOneOfNineAreExactlyNinety() {
        var sum = Hours.zero
        for _ in 0..<10 { sum += try! Hours.parse("8.1").get() }
        sum += try! Hours.parse("9").get()
        #expect(sum == Hours(whole: 90))
        #expect(sum.description == "90.0")
    }

    @Test(arguments: [("8", 80), ("8.1", 81), ("8.10", 81), (" 12.5 ", 125), ("0", 0), (".5", 5), ("８", 80), ("+3", 30)])
    func parsesWhatClerksWrite(_ text: String, _ tenths: Int) {
        #expect(Hours.parse(text) == .success(Hours(tenths: tenths)))
    }

    @Test func refusesWhatIsNotAnHourCount() {
        #expect(Hours.parse("8.15") == .failure(.tooManyDecimals))
        #expect(Hours.parse("-1") == .failure(.negative))
        #expect(Hours.parse("abc") == .failure(.notANumber))
        #expect(Hours.parse("") == .failure(.notANumber))
        #expect(Hours.parse("1.2.3") == .failure(.notANumber))
        #expect(Hours.parse("100000") == .failure(.tooLarge))
    }

    @Test func shortfallIsNeverNegative() {
        #expect(Hours(whole: 95).shortfall(below: Hours(whole: 90)) == .zero)
        #expect(Hours(tenths: 895).shortfall(below: Hours(whole: 90)) == Hours(tenths: 5))
    }

    @Test func compactAndFullForms() {
        #expect(Hours(tenths: 900).compact == "90")
        #expect(Hours(tenths: 81).compact == "8.1")
        #expect(Hours(tenths: 5).description == "0.5")
    }
}

@Suite struct DayTests {
    @Test(arguments: ["2024-03-04", "2024-3-4", "2024/3/4", "2024.3.4", "2024年3月4日", "20240304", " 2024/03/04 "])
    func acceptsTheFormsClerksUse(_ text: String) {
        #expect(Day.parse(text) == .success(Day(year: 2024, month: 3, day: 4)!))
    }

    @Test func refusesDatesThatDoNotExistOrAreAmbiguous() {
        #expect(Day.parse("2023-02-29") == .failure(.notARealDate))
        #expect(Day.parse("2024-13-01") == .failure(.notARealDate))
        #expect(Day.parse("3/4/2024") == .failure(.unrecognised))
        #expect(Day.parse("2024-03") == .failure(.unrecognised))
        #expect(Day.parse("2024/03-04") == .failure(.unrecognised))
        #expect(Day.parse("1800-01-01") == .failure(.outOfRange))
        #expect(Day.parse("2024-02-29") == .success(Day(year: 2024, month: 2, day: 29)!))
    }

    @Test func ordinalsRoundTripAndCountDaysInclusively() {
        let d = Day(year: 2024, month: 3, day: 4)!
        #expect(Day(ordinal: d.ordinal) == d)
        #expect(Day(year: 1970, month: 1, day: 1)!.ordinal == 0)
        #expect(d.days(through: Day(year: 2024, month: 3, day: 10)!) == 7)
        #expect(Day(year: 2023, month: 12, day: 31)!.adding(days: 1) == Day(year: 2024, month: 1, day: 1))
    }
}
