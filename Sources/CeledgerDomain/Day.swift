/// A calendar date without time or zone: what a certificate or a training notice carries.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Nil unless the date exists in the proleptic Gregorian calendar (2024-02-29 yes, 2023-02-29 no).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...Day.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public static func < (a: Day, b: Day) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    /// ISO 8601, the form the ledger stores and exports: 2024-03-04.
    public var description: String { iso }
    public var iso: String {
        func pad(_ n: Int, _ w: Int) -> String {
            let s = String(n)
            return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// Days since 1970-01-01 (negative before). Used for durations ("5 days").
    public var ordinal: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public init(ordinal z0: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.year = y
        self.month = m
        self.day = d
    }

    public func adding(days: Int) -> Day { Day(ordinal: ordinal + days) }

    /// Inclusive day count: 2024-03-04 to 2024-03-10 is 7 days.
    public func days(through end: Day) -> Int { end.ordinal - ordinal + 1 }

    public static func firstOf(year: Int) -> Day { Day(year: year, month: 1, day: 1)! }
    public static func lastOf(year: Int) -> Day { Day(year: year, month: 12, day: 31)! }

    public enum ParseError: Error, Equatable, Sendable {
        case unrecognised
        case notARealDate
        case outOfRange
    }

    /// The years a ledger date may fall in; anything else is a typo.
    public static let plausibleYears = 1900...2100

    /// Accepts 2024-03-04, 2024-3-4, 2024/3/4, 2024.3.4, 2024年3月4日 and 20240304.
    public static func parse(_ text: String) -> Result<Day, ParseError> {
        let s = text.trimmedField
        if let fast = parseISO(s) { return fast }
        return parseCharacters(s)
    }

    /// The common case, YYYY-MM-DD in ASCII, read as bytes: the same answer as `parseCharacters`, which a
    /// test holds it to. Nil when the text is not that case.
    static func parseISO(_ s: String) -> Result<Day, ParseError>? {
        let utf8 = s.utf8
        guard utf8.count == 10 else { return nil }
        return utf8.withContiguousStorageIfAvailable { b -> Result<Day, ParseError>? in
            guard b[4] == 0x2D, b[7] == 0x2D else { return nil }
            var n = [0, 0, 0]
            for (k, range) in [0..<4, 5..<7, 8..<10].enumerated() {
                for i in range {
                    guard (0x30...0x39).contains(b[i]) else { return nil }
                    n[k] = n[k] * 10 + Int(b[i] - 0x30)
                }
            }
            guard let day = Day(year: n[0], month: n[1], day: n[2]) else { return .failure(.notARealDate) }
            guard plausibleYears.contains(n[0]) else { return .failure(.outOfRange) }
            return .success(day)
        } ?? nil
    }

    static func parseCharacters(_ s: String) -> Result<Day, ParseError> {
        var numbers: [Int] = []
        var current: Int? = nil
        var digitCount = 0
        var separators: [Character] = []
        for ch in s {
            if let d = ch.asciiOrFullWidthDigit {
                current = (current ?? 0) * 10 + d
                digitCount += 1
                if digitCount > 8 { return .failure(.unrecognised) }
            } else {
                guard let c = current else { return .failure(.unrecognised) }
                numbers.append(c)
                current = nil
                digitCount = 0
                separators.append(ch)
            }
        }
        if let c = current { numbers.append(c) }
        let y: Int, m: Int, d: Int
        if numbers.count == 1 && separators.isEmpty && s.count == 8 {
            let n = numbers[0]
            (y, m, d) = (n / 10000, n / 100 % 100, n % 100)
        } else if numbers.count == 3 {
            let seps = String(separators)
            guard ["--", "//", "..", "年月", "年月日"].contains(seps) else { return .failure(.unrecognised) }
            (y, m, d) = (numbers[0], numbers[1], numbers[2])
            // A four-digit year first; 3/4/2024 is ambiguous and refused.
            let yearDigits = s.prefix { $0.asciiOrFullWidthDigit != nil }.count
            guard yearDigits == 4 else { return .failure(.unrecognised) }
        } else {
            return .failure(.unrecognised)
        }
        guard let day = Day(year: y, month: m, day: d) else { return .failure(.notARealDate) }
        guard plausibleYears.contains(y) else { return .failure(.outOfRange) }
        return .success(day)
    }
}
