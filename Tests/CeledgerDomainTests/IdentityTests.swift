import Testing

@testable import CeledgerDomain

@Suite struct ResidentIDTests {
    @Test(arguments: ["34052419800101001X", "11010519491231002X"])
    func validNumbersPass(_ n: String) throws {
        let id = try ResidentID.parse(n).get()
        #expect(id.value == n)
    }

    @Test func invalidCheckCharacterIsRefusedAndSaysWhatItShouldBe() {
        guard case .failure(.badCheckCharacter(let expected)) = ResidentID.parse("340524198001010013") else {
            Issue.record("expected a check-character failure")
            return
        }
        #expect(expected == "X")
    }

    @Test func lowerCaseXIsAcceptedAndStoredUpperCase() throws {
        let id = try ResidentID.parse("34052419800101001x").get()
        #expect(id.value == "34052419800101001X")
    }

    @Test func birthDateAndGenderComeFromTheNumber() throws {
        let id = try ResidentID.parse("34052419800101001X").get()
        #expect(id.birthDate == Day(year: 1980, month: 1, day: 1))
        #expect(id.gender == .male)  // sequence 001: odd
        let woman = try ResidentID.parse("11010519491231002X").get()
        #expect(woman.gender == .female)  // sequence 002: even
        #expect(woman.birthDate.iso == "1949-12-31")
    }

    @Test func legacyFifteenDigitNumbersAreUpgraded() throws {
        // 340524800101001 -> 34052419800101001 + check X
        let id = try ResidentID.parse("340524800101001").get()
        #expect(id.value == "34052419800101001X")
    }

    @Test func wrongLengthsAndCharactersAndImpossibleBirthDates() {
        #expect(ResidentID.parse("") == .failure(.empty))
        #expect(ResidentID.parse("3405241980010100") == .failure(.wrongLength(16)))
        #expect(ResidentID.parse("3405241980010100AX") == .failure(.badCharacter))
        // 1980-02-30 does not exist; the check character is computed so only the date is wrong.
        let body = "34052419800230001"
        let check = ResidentID.checkCharacter(for: body.map { Int(String($0))! })
        #expect(ResidentID.parse(body + String(check)) == .failure(.badBirthDate))
    }

    @Test func whitespaceAndFullWidthDigitsAreTolerated() throws {
        #expect(try ResidentID.parse(" 34052419800101001X\u{3000}").get().value == "34052419800101001X")
        #expect(try ResidentID.parse("３４0524198001010０1X").get().value == "34052419800101001X")
    }

    @Test func madeNumbersAreValid() throws {
        let id = ResidentID.make(region: "360102", birth: Day(year: 1990, month: 5, day: 17)!, sequence: 42)
        #expect(try ResidentID.parse(id.value).get() == id)
        #expect(id.gender == .female)
    }

    @Test func maskingShowsRegionPrefixAndLastFour() {
        #expect(ResidentID.mask("360102199005170421") == "3601**********0421")
    }
}

@Suite struct CreditCodeTests {
    @Test func validCodePasses() {
        #expect(CreditCode.check("91430111MA4L41YT1U") == .valid)
    }

    @Test func checkMismatchIsAWarningWithTheExpectedCharacter() {
        #expect(CreditCode.check("91430111MA4L41YT1A") == .checkMismatch(expected: "U"))
    }

    @Test func lettersOutsideTheAlphabetAreMalformed() {
        #expect(CreditCode.check("91430111MA4L41YTIU") == .malformed)  // I is not used
        #expect(CreditCode.check("9143") == .malformed)
    }
}

/// The byte-level fast paths for the common forms (18 ASCII characters; YYYY-MM-DD) must answer exactly
/// as the general, Character-by-Character parsers do, for good and bad input alike.
@Suite struct FastPathTests {
    static func mutations(of s: String, _ rng: inout SeededRandom) -> [String] {
        let alphabet: [Character] = Array("0123456789Xx-/ .年a０９")
        var out = [s]
        for _ in 0..<6 {
            var chars = Array(s)
            guard !chars.isEmpty else { break }
            let i = Int.random(in: 0..<chars.count, using: &rng)
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: chars[i] = alphabet.randomElement(using: &rng)!
            case 1: chars.remove(at: i)
            default: chars.insert(alphabet.randomElement(using: &rng)!, at: i)
            }
            out.append(String(chars))
        }
        return out
    }

    @Test func residentIDsReadAsTheGeneralParserReadsThem() {
        var rng = SeededRandom(seed: 7)
        var fast = 0
        for n in 0..<3000 {
            let birth = Day(
                year: Int.random(in: 1890...2030, using: &rng), month: Int.random(in: 1...12, using: &rng),
                day: Int.random(in: 1...28, using: &rng))!
            var id = ResidentID.make(region: "360102", birth: birth, sequence: n % 1000).value
            if n % 5 == 0 { id = String(id.dropLast()) + "x" }
            if n % 7 == 0 { id = String(id.dropLast()) + String(Int.random(in: 0...9, using: &rng)) }
            for s in Self.mutations(of: id, &rng) + [
                "36010219800229001X", "36010219810229001X", "360102190001010010", "00000000000000000x",
            ] {
                if ResidentID.parseASCII18(s) != nil { fast += 1 }
                #expect(ResidentID.parse(s) == ResidentID.parseCharacters(s.trimmedField), "\(s)")
            }
        }
        #expect(fast > 3000)  // the fast path did answer most of them
    }

    @Test func isoDatesReadAsTheGeneralParserReadsThem() {
        var rng = SeededRandom(seed: 8)
        var fast = 0
        for _ in 0..<3000 {
            let text = String(
                format: "%04d-%02d-%02d", Int.random(in: 1880...2120, using: &rng), Int.random(in: 0...13, using: &rng),
                Int.random(in: 0...32, using: &rng))
            for s in Self.mutations(of: text, &rng) + ["2024-02-29", "2023-02-29", "0000-00-00", "2024-1-01", "2024/01/01"] {
                if Day.parseISO(s) != nil { fast += 1 }
                #expect(Day.parse(s) == Day.parseCharacters(s.trimmedField), "\(s)")
            }
        }
        #expect(fast > 3000)
    }
}
