/// A resident identity number (GB 11643-1999): 6 region + 8 birth date + 3 sequence + check.
public struct ResidentID: Hashable, Sendable, CustomStringConvertible {
    /// Always 18 characters, upper-case X.
    public let value: String
    public let birthDate: Day
    public let gender: Gender
    public var description: String { value }

    public enum Problem: Error, Equatable, Sendable {
        case empty
        case wrongLength(Int)
        case badCharacter
        case badBirthDate
        /// The check character does not match; `expected` is what the first 17 characters call for.
        case badCheckCharacter(expected: Character)
    }

    /// For values already validated when they were stored.
    public init(unchecked value: String, birthDate: Day, gender: Gender) {
        self.value = value
        self.birthDate = birthDate
        self.gender = gender
    }

    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkChars: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

    /// The check character for 17 digits.
    public static func checkCharacter(for first17: [Int]) -> Character {
        precondition(first17.count == 17)
        var sum = 0
        for i in 0..<17 { sum += first17[i] * weights[i] }
        return checkChars[sum % 11]
    }

    /// Accepts 18 characters (lower-case x allowed) or a legacy 15-digit number, which is upgraded by
    /// inserting "19" before the two-digit year and appending the check character.
    public static func parse(_ text: String) -> Result<ResidentID, Problem> {
        let raw = text.trimmedField
        if let fast = parseASCII18(raw) { return fast }
        return parseCharacters(raw)
    }

    /// The common case, 18 ASCII characters, read as bytes: the same answer as `parseCharacters`, which
    /// a test holds it to, without forming a Character for each digit. Nil when the text is not that case.
    static func parseASCII18(_ raw: String) -> Result<ResidentID, Problem>? {
        let utf8 = raw.utf8
        guard utf8.count == 18 else { return nil }
        return utf8.withContiguousStorageIfAvailable { b -> Result<ResidentID, Problem>? in
            var digits = [Int](repeating: 0, count: 17)
            for i in 0..<17 {
                guard (0x30...0x39).contains(b[i]) else { return nil }
                digits[i] = Int(b[i] - 0x30)
            }
            let lastByte = b[17]
            let last: Character
            switch lastByte {
            case 0x30...0x39: last = Character(Unicode.Scalar(lastByte))
            case 0x58, 0x78: last = "X"
            default: return nil
            }
            func number(_ r: Range<Int>) -> Int { r.reduce(0) { $0 * 10 + digits[$1] } }
            guard let birth = Day(year: number(6..<10), month: number(10..<12), day: number(12..<14)),
                birth.year >= 1900
            else { return .failure(.badBirthDate) }
            let expected = checkCharacter(for: digits)
            guard expected == last else { return .failure(.badCheckCharacter(expected: expected)) }
            let value = lastByte == 0x78 ? String(raw.dropLast()) + "X" : raw
            return .success(ResidentID(unchecked: value, birthDate: birth, gender: digits[16] % 2 == 1 ? .male : .female))
        } ?? nil
    }

    static func parseCharacters(_ raw: String) -> Result<ResidentID, Problem> {
        if raw.isEmpty { return .failure(.empty) }
        var chars = Array(raw.uppercased())
        for (i, c) in chars.enumerated() {
            if let d = c.asciiOrFullWidthDigit { chars[i] = Character(String(d)) }
        }
        if chars.count == 15 {
            guard chars.allSatisfy({ $0.isASCII && $0.isNumber }) else { return .failure(.badCharacter) }
            chars.insert(contentsOf: ["1", "9"], at: 6)
            let digits = chars.map { Int(String($0))! }
            chars.append(checkCharacter(for: digits))
        } else if chars.count != 18 {
            return .failure(.wrongLength(chars.count))
        }
        let first17 = chars.prefix(17)
        guard first17.allSatisfy({ $0.isASCII && $0.isNumber }) else { return .failure(.badCharacter) }
        let last = chars[17]
        guard (last.isASCII && last.isNumber) || last == "X" else { return .failure(.badCharacter) }
        let digits = first17.map { Int(String($0))! }
        func number(_ r: Range<Int>) -> Int { r.reduce(0) { $0 * 10 + digits[$1] } }
        guard let birth = Day(year: number(6..<10), month: number(10..<12), day: number(12..<14)),
            birth.year >= 1900
        else { return .failure(.badBirthDate) }
        let expected = checkCharacter(for: digits)
        guard expected == last else { return .failure(.badCheckCharacter(expected: expected)) }
        return .success(ResidentID(unchecked: String(chars), birthDate: birth, gender: digits[16] % 2 == 1 ? .male : .female))
    }

    /// Builds a valid number from its parts (used by the demo generator and tests).
    public static func make(region: String, birth: Day, sequence: Int) -> ResidentID {
        precondition(region.count == 6 && (0...999).contains(sequence))
        let body = region + String(birth.iso.filter { $0 != "-" }) + String(1000 + sequence).dropFirst()
        let digits = body.map { Int(String($0))! }
        let id = body + String(checkCharacter(for: digits))
        return ResidentID(unchecked: id, birthDate: birth, gender: sequence % 2 == 1 ? .male : .female)
    }

    /// 3601**********1235: region prefix and last four shown, the rest hidden.
    public var masked: String { ResidentID.mask(value) }

    public static func mask(_ value: String) -> String {
        guard value.count > 8 else { return value }
        return String(value.prefix(4)) + String(repeating: "*", count: value.count - 8) + String(value.suffix(4))
    }
}

extension ResidentID.Problem {
    public var message: Message {
        switch self {
        case .empty:
            Message(zh: "身份证号为空", en: "ID number is empty")
        case .wrongLength(let n):
            Message(zh: "身份证号应为18位（或旧15位），此处为\(n)位", en: "ID number must have 18 characters (or legacy 15), found \(n)")
        case .badCharacter:
            Message(zh: "身份证号只能含数字，末位可为X", en: "ID number may contain only digits, with X allowed last")
        case .badBirthDate:
            Message(zh: "身份证号中的出生日期不存在", en: "the birth date inside the ID number is not a real date")
        case .badCheckCharacter(let e):
            Message(zh: "身份证号校验位错误（按前17位应为\(e)）", en: "ID number check character is wrong (the first 17 digits call for \(e))")
        }
    }
}

/// Unified social credit code of an employer (GB 32100-2015).
public enum CreditCode {
    static let alphabet: [Character] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    public enum Verdict: Equatable, Sendable {
        case valid
        /// Some early codes fail the check yet are legal: warn, never reject.
        case checkMismatch(expected: Character)
        case malformed
    }

    public static func check(_ text: String) -> Verdict {
        let chars = Array(text.trimmedField.uppercased())
        guard chars.count == 18 else { return .malformed }
        var values: [Int] = []
        for c in chars {
            guard let v = alphabet.firstIndex(of: c) else { return .malformed }
            values.append(v)
        }
        var sum = 0
        for i in 0..<17 { sum += values[i] * weights[i] }
        let check = (31 - sum % 31) % 31
        return values[17] == check ? .valid : .checkMismatch(expected: alphabet[check])
    }
}
