/// Continuing-education hours (学时), exact to one decimal place.
///
/// Stored as an integer count of tenths so that no sum ever passes through binary floating point:
/// ten records of 8.1 hours plus one of 9 are exactly 90.0.
public struct Hours: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var tenths: Int

    public init(tenths: Int) { self.tenths = tenths }
    public init(whole: Int) { self.tenths = whole * 10 }

    public static let zero = Hours(tenths: 0)
    /// The largest value a single field accepts; guards against typos and overflow.
    public static let fieldMaximum = Hours(tenths: 99_999)

    public static func + (a: Hours, b: Hours) -> Hours { Hours(tenths: a.tenths + b.tenths) }
    public static func - (a: Hours, b: Hours) -> Hours { Hours(tenths: a.tenths - b.tenths) }
    public static func += (a: inout Hours, b: Hours) { a.tenths += b.tenths }
    public static func * (a: Hours, n: Int) -> Hours { Hours(tenths: a.tenths * n) }
    public static func < (a: Hours, b: Hours) -> Bool { a.tenths < b.tenths }

    /// `max(0, self - other)`.
    public func shortfall(below required: Hours) -> Hours {
        required.tenths > tenths ? Hours(tenths: required.tenths - tenths) : .zero
    }

    /// Always one decimal: "90.0", "8.1", "-0.5".
    public var description: String {
        // Digits by hand: reports write millions of these.
        var m = tenths.magnitude
        var bytes: [UInt8] = [UInt8(0x30 + m % 10), 0x2E]
        m /= 10
        repeat {
            bytes.append(UInt8(0x30 + m % 10))
            m /= 10
        } while m > 0
        if tenths < 0 { bytes.append(0x2D) }
        return String(decoding: bytes.reversed(), as: UTF8.self)
    }

    /// Shortest exact text: "90", "8.1". Used where a clerk would write the number.
    public var compact: String {
        tenths % 10 == 0 ? String(tenths / 10) : description
    }

    public enum ParseError: Error, Equatable, Sendable {
        case notANumber
        case negative
        case tooManyDecimals
        case tooLarge
    }

    /// Parses "8", "8.1", "8.10", " 12.5 ", "８" (full-width digits), "8。5" is refused.
    /// At most one significant decimal; a trailing zero beyond it is accepted ("8.10").
    public static func parse(_ text: String) -> Result<Hours, ParseError> {
        var s = Substring(text.trimmedField)
        var negative = false
        if s.first == "-" {
            negative = true
            s = s.dropFirst()
        } else if s.first == "+" {
            s = s.dropFirst()
        }
        guard !s.isEmpty else { return .failure(.notANumber) }
        var whole = 0
        var fraction: [Int] = []
        var seenPoint = false
        var digitsBefore = 0
        for ch in s {
            if ch == "." || ch == "．" {
                if seenPoint { return .failure(.notANumber) }
                seenPoint = true
                continue
            }
            guard let d = ch.asciiOrFullWidthDigit else { return .failure(.notANumber) }
            if seenPoint {
                fraction.append(d)
            } else {
                digitsBefore += 1
                if digitsBefore > 7 { return .failure(.tooLarge) }
                whole = whole * 10 + d
            }
        }
        if digitsBefore == 0 && fraction.isEmpty { return .failure(.notANumber) }
        if fraction.dropFirst().contains(where: { $0 != 0 }) { return .failure(.tooManyDecimals) }
        let t = whole * 10 + (fraction.first ?? 0)
        if negative && t != 0 { return .failure(.negative) }
        if t > fieldMaximum.tenths { return .failure(.tooLarge) }
        return .success(Hours(tenths: t))
    }
}

extension Character {
    /// 0-9 for ASCII or full-width digits (Excel on Chinese Windows sometimes produces the latter).
    var asciiOrFullWidthDigit: Int? {
        guard let scalar = unicodeScalars.first, unicodeScalars.count == 1 else { return nil }
        switch scalar.value {
        case 0x30...0x39: return Int(scalar.value - 0x30)
        case 0xFF10...0xFF19: return Int(scalar.value - 0xFF10)
        default: return nil
        }
    }
}

extension String {
    /// The field with surrounding white space removed, including the ideographic space U+3000 and
    /// the no-break space spreadsheets like to leave behind.
    public var trimmedField: String {
        // Most cells start and end with a visible ASCII character: nothing to trim, no Characters to form.
        // (A visible ASCII character or a CJK ideograph can neither be space nor combine with one.)
        func plain(_ u: Unicode.Scalar) -> Bool { (0x21...0x7E).contains(u.value) || (0x3400...0x9FFF).contains(u.value) }
        if let f = unicodeScalars.first, let l = unicodeScalars.last, plain(f), plain(l) { return self }
        if isEmpty { return self }
        let isSpace: (Character) -> Bool = { $0.isWhitespace || $0 == "\u{3000}" || $0 == "\u{FEFF}" }
        guard let first = firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = lastIndex(where: { !isSpace($0) })!
        return String(self[first...last])
    }
}
