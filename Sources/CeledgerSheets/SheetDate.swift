/// Calendar dates as spreadsheets hold them: a serial number of days, or ISO text. The formats know no
/// ledger, so this is the little of the domain's `Day` they need, giving the same answers (a test holds
/// `parse` to `Day.parse`): the proleptic Gregorian calendar, ISO text `2024-03-04`, years 1900–2100 for
/// dates read as text.
enum SheetDate {
    struct Civil: Hashable {
        let year: Int, month: Int, day: Int

        /// ISO 8601: 2024-03-04.
        var iso: String {
            func pad(_ n: Int, _ w: Int) -> String {
                let s = String(n)
                return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
            }
            return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
        }

        /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
        var ordinal: Int {
            let y = month <= 2 ? year - 1 : year
            let era = (y >= 0 ? y : y - 399) / 400
            let yoe = y - era * 400
            let mp = (month + 9) % 12
            let doy = (153 * mp + 2) / 5 + day - 1
            let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
            return era * 146097 + doe - 719468
        }

        init(year: Int, month: Int, day: Int) {
            self.year = year
            self.month = month
            self.day = day
        }

        /// The date `z0` days after 1970-01-01 (civil_from_days).
        init(ordinal z0: Int) {
            let z = z0 + 719468
            let era = (z >= 0 ? z : z - 146096) / 146097
            let doe = z - era * 146097
            let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
            let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
            let mp = (5 * doy + 2) / 153
            let d = doy - (153 * mp + 2) / 5 + 1
            let m = mp < 10 ? mp + 3 : mp - 9
            self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
        }

        func adding(days: Int) -> Civil { Civil(ordinal: ordinal + days) }
    }

    /// Whether the date exists (2024-02-29 yes, 2023-02-29 no), in years 1–9999.
    static func exists(_ y: Int, _ m: Int, _ d: Int) -> Bool {
        guard (1...9999).contains(y), (1...12).contains(m) else { return false }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = m == 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].contains(m) ? 30 : 31
        return (1...days).contains(d)
    }

    static let plausibleYears = 1900...2100

    /// A date typed as text, as the domain's `Day.parse` reads it: 2024-03-04, 2024-3-4, 2024/3/4, 2024.3.4,
    /// 2024年3月4日, 20240304 (ASCII or full-width digits, surrounding white space ignored), a real date in
    /// 1900–2100. Nil otherwise.
    static func parse(_ text: String) -> Civil? {
        let s = trimmed(text)
        if let fast = parseISO(s) { return fast }
        return parseCharacters(s)
    }

    /// The common case, YYYY-MM-DD in ASCII: `.some(nil)` when it has that shape but is no plausible date,
    /// nil when it has another shape.
    private static func parseISO(_ s: String) -> Civil?? {
        let utf8 = s.utf8
        guard utf8.count == 10 else { return nil }
        return utf8.withContiguousStorageIfAvailable { b -> Civil?? in
            guard b[4] == 0x2D, b[7] == 0x2D else { return nil }
            var n = [0, 0, 0]
            for (k, range) in [0..<4, 5..<7, 8..<10].enumerated() {
                for i in range {
                    guard (0x30...0x39).contains(b[i]) else { return nil }
                    n[k] = n[k] * 10 + Int(b[i] - 0x30)
                }
            }
            guard exists(n[0], n[1], n[2]), plausibleYears.contains(n[0]) else { return .some(nil) }
            return .some(Civil(year: n[0], month: n[1], day: n[2]))
        } ?? nil
    }

    private static func digit(_ ch: Character) -> Int? {
        guard let scalar = ch.unicodeScalars.first, ch.unicodeScalars.count == 1 else { return nil }
        switch scalar.value {
        case 0x30...0x39: return Int(scalar.value - 0x30)
        case 0xFF10...0xFF19: return Int(scalar.value - 0xFF10)
        default: return nil
        }
    }

    private static func parseCharacters(_ s: String) -> Civil? {
        var numbers: [Int] = []
        var current: Int? = nil
        var digitCount = 0
        var separators: [Character] = []
        for ch in s {
            if let d = digit(ch) {
                current = (current ?? 0) * 10 + d
                digitCount += 1
                if digitCount > 8 { return nil }
            } else {
                guard let c = current else { return nil }
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
            guard ["--", "//", "..", "年月", "年月日"].contains(String(separators)) else { return nil }
            (y, m, d) = (numbers[0], numbers[1], numbers[2])
            // A four-digit year first; 3/4/2024 is ambiguous and refused.
            guard s.prefix(while: { digit($0) != nil }).count == 4 else { return nil }
        } else {
            return nil
        }
        guard exists(y, m, d), plausibleYears.contains(y) else { return nil }
        return Civil(year: y, month: m, day: d)
    }

    /// The text with surrounding white space removed, including the ideographic space U+3000 and the
    /// byte-order mark (the domain's `trimmedField`).
    static func trimmed(_ text: String) -> String {
        func plain(_ u: Unicode.Scalar) -> Bool { (0x21...0x7E).contains(u.value) || (0x3400...0x9FFF).contains(u.value) }
        if let f = text.unicodeScalars.first, let l = text.unicodeScalars.last, plain(f), plain(l) { return text }
        if text.isEmpty { return text }
        let isSpace: (Character) -> Bool = { $0.isWhitespace || $0 == "\u{3000}" || $0 == "\u{FEFF}" }
        guard let first = text.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = text.lastIndex(where: { !isSpace($0) })!
        return String(text[first...last])
    }
}
