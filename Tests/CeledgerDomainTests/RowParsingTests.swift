import Testing

@testable import CeledgerDomain

@Suite struct RowParsingTests {
    let parser = RowParser()

    func issues(_ r: Result<Record, RowProblems>) -> [Field] {
        if case .failure(let p) = r { return p.issues.map(\.field) }
        return []
    }

    let base: [Field: String] = [
        .idNumber: "34052419800101001X", .mode: "培训班", .category: "专业", .title: "BIM 应用培训",
        .startDate: "2024/6/1", .endDate: "2024年6月5日", .assessment: "合格", .claimedHours: "40", .recognizedHours: "40",
    ]

    @Test func chineseValuesAndDateFormsAreUnderstood() throws {
        let r = try parser.record(base).get()
        #expect(r.mode == .training)
        #expect(r.category == .professional)
        #expect(r.startDate.iso == "2024-06-01" && r.endDate.iso == "2024-06-05")
        #expect(r.recognition == .recognized)  // recognised hours given, no status: recognised
        #expect(r.year == 2024)
    }

    @Test func withoutRecognisedHoursARecordIsPending() throws {
        var cells = base
        cells[.recognizedHours] = nil
        let r = try parser.record(cells).get()
        #expect(r.recognition == .pending)
        #expect(r.recognizedHours == nil)
    }

    @Test func everyProblemOfARowIsReportedByField() {
        var cells = base
        cells[.mode] = "自学"
        cells[.endDate] = "2024-05-01"
        cells[.claimedHours] = "4.25"
        cells[.idNumber] = "340524198001010013"
        #expect(Set(issues(parser.record(cells))) == [.mode, .endDate, .claimedHours, .idNumber])
    }

    @Test func recognitionMustBeConsistentWithTheHours() {
        var cells = base
        cells[.recognizedHours] = nil
        cells[.recognition] = "已认定"
        #expect(issues(parser.record(cells)) == [.recognizedHours])
        cells[.recognition] = "不予认定"
        cells[.recognizedHours] = "10"
        #expect(issues(parser.record(cells)) == [.recognizedHours])
    }

    @Test func oneDateServesAOneDayActivity() throws {
        var cells = base
        cells[.startDate] = nil
        let r = try parser.record(cells).get()
        #expect(r.startDate == r.endDate)
    }

    @Test func personGenderMustMatchTheIDAndLeaversNeedADate() {
        let cells: [Field: String] = [.idNumber: "34052419800101001X", .name: "张三", .gender: "女"]
        guard case .failure(let p) = parser.person(cells) else {
            Issue.record("expected failure")
            return
        }
        #expect(p.issues.map(\.field) == [.gender])
        let left: [Field: String] = [.idNumber: "34052419800101001X", .name: "张三", .status: "离职"]
        guard case .failure(let q) = parser.person(left) else {
            Issue.record("expected failure")
            return
        }
        #expect(q.issues.map(\.field) == [.statusDate])
        #expect(
            (try? parser.person([.idNumber: "34052419800101001X", .name: "张三", .status: "退休", .statusDate: "2024.6.30"]).get())?
                .statusDate?.iso == "2024-06-30")
    }

    @Test func headersInEitherLanguage() {
        #expect(Field.fromHeader("身份证号", kind: .record) == .idNumber)
        #expect(Field.fromHeader("内容", kind: .record) == .title)
        #expect(Field.fromHeader("职称", kind: .person) == .title)
        #expect(Field.fromHeader("category", kind: .person) == .personCategory)
        #expect(Field.fromHeader("category", kind: .record) == .category)
        #expect(Field.fromHeader("Claimed_Hours", kind: .record) == .claimedHours)
        #expect(Field.fromHeader("内容", kind: .person) == nil)
        #expect(Field.fromHeader("colour", kind: .record) == nil)
    }

    @Test func controlCharactersAndOverlongTextAreRefused() {
        var cells = base
        cells[.title] = "a\u{0}b"
        #expect(issues(parser.record(cells)) == [.title])
        cells[.title] = String(repeating: "长", count: 201)
        #expect(issues(parser.record(cells)) == [.title])
    }
}

@Suite struct PinyinTests {
    let index = PinyinIndex(table: "# test\n张\tz\n三\ts\n欧\to\n阳\ty\n明\tm\n辉\th\n单\tdcs\ts\n丽\tl\n丁\tdz\n曾\tcz\tz\n")

    @Test func initialsOfNames() {
        #expect(index.initials(of: "张三") == "zs")
        #expect(index.initials(of: "欧阳明辉") == "oymh")
    }

    @Test func aSurnameReadingComesFirstAndRareReadingsAreLeftOut() {
        #expect(index.initials(of: "单丽") == "sl dl")
        #expect(index.initials(of: "曾丽") == "zl cl")
        #expect(index.initials(of: "丁丽") == "dl")  // 丁 zhēng is no surname reading
        #expect(index.initials(of: "丽单") == "ld")  // only a first character reads as a surname
    }

    @Test func latinLettersStay() {
        #expect(index.initials(of: "张Amy") == "zamy")
    }
}
