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
