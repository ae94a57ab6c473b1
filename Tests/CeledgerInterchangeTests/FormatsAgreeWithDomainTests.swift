import CeledgerDomain
import CeledgerText
import Testing

@testable import CeledgerSheets

/// The formats know no domain, so they carry their own small copy of how the domain reads a date typed as
/// text. These tests hold the copy to the original.
@Suite struct FormatsAgreeWithDomainTests {
    @Test("a date typed as text reads as the domain reads it")
    func datesParseAsTheDomainParses() {
        var texts = [
            "2024-03-04", "2024-3-4", "2024/3/4", "2024.3.4", "2024年3月4日", "2024年3月4", "20240304", " 2024-03-04 ",
            "\u{3000}2024-03-04", "\u{FEFF}2024-03-04", "２０２４-０３-０４", "2024-02-29", "2023-02-29", "1899-12-31",
            "2101-01-01", "1900-01-01", "2100-12-31", "3/4/2024", "24-3-4", "2024-03-04T", "2024-13-01", "2024-00-10",
            "2024/03-04", "2024--03", "", " ", "abc", "123456789", "00000000", "2024-3-04", "2024-03-4x", "2024-03-0４",
        ]
        // And texts of the characters dates are made of, at random.
        let alphabet: [Character] = ["0", "1", "2", "9", "-", "/", ".", "年", "月", "日", " ", "T", "２", "\u{3000}", ":"]
        var state: UInt64 = 0x9E3779B97F4A7C15
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33)
        }
        for _ in 0..<20_000 {
            texts.append(String((0..<(next() % 12)).map { _ in alphabet[next() % alphabet.count] }))
        }
        // Every day of the years around the plausible ones, in the usual forms.
        for year in [1899, 1900, 1904, 2000, 2024, 2100, 2101] {
            var day = Day(year: year, month: 1, day: 1)!
            while day.year == year {
                texts += [day.iso, "\(day.year)/\(day.month)/\(day.day)", "\(day.year)年\(day.month)月\(day.day)日"]
                day = day.adding(days: 1)
            }
        }
        var differ: [String] = []
        for t in texts where SheetDate.parse(t)?.iso != Day.parse(t).successValue?.iso { differ.append(t) }
        #expect(differ.isEmpty, "\(differ.prefix(20))")
    }

    @Test("serial days and ISO text as the domain's Day counts them")
    func civilDatesCountAsTheDomainCounts() {
        for ordinal in stride(from: -800_000, through: 2_950_000, by: 37) {
            let d = Day(ordinal: ordinal), c = SheetDate.Civil(ordinal: ordinal)
            #expect(c.iso == d.iso && c.ordinal == d.ordinal && c.ordinal == ordinal)
        }
        #expect(
            SheetDate.Civil(year: 2024, month: 3, day: 4).adding(days: 365).iso
                == Day(year: 2024, month: 3, day: 4)!.adding(days: 365).iso)
    }
}
