import CeledgerDomain
import CeledgerTestSupport
import Foundation
import Testing

@testable import CeledgerReports

let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func ruleSet(_ path: String) -> RuleSet {
    try! RuleSet.decode(Data(contentsOf: repoRoot.appendingPathComponent("data/rules/\(path).json")))
}

/// 2023 is judged by the Jiangxi measures (no caps); 2024 by the example unit's rules, whose online cap of
/// 45 hours a year trims the third online course.
let jiangxi = ruleSet("jiangxi-2023")
let unitRules = ruleSet("examples/example-unit-2024")

let ouyang = Person(
    id: try! ResidentID.parse("11010519491231002X").get(), name: "欧阳明辉", unit: "江西省人民医院",
    department: "心血管内科", title: "主任医师", titleLevel: .senior, specialty: "临床医学")

func day(_ s: String) -> Day { try! Day.parse(s).get() }

func record(
    _ mode: Mode, _ cat: CeledgerDomain.Category, _ title: String, _ provider: String, _ start: String, _ end: String,
    _ hours: String, _ recognition: Recognition, _ assessment: Assessment = .passed, score: String? = nil,
    certificate: String = "", note: String = "", person: Person = ouyang
) -> Record {
    let h = try! Hours.parse(hours).get()
    return Record(
        personID: person.id, mode: mode, category: cat, title: title, provider: provider, startDate: day(start),
        endDate: day(end),
        assessment: assessment, score: score, claimedHours: h, recognizedHours: recognition == .recognized ? h : nil,
        recognition: recognition, certificateNo: certificate, recognitionNote: note)
}

/// Records of 2023 and 2024, with row ids as a ledger would give them: a cross-year online course, a
/// trimmed one, a pending, a rejected and a failed one.
let fixtureRecords: [(rowID: Int64, record: Record)] = [
    (1, record(.training, .professional, "急诊技能培训", "南昌大学第一附属医院", "2023-04-01", "2023-04-05", "40", .recognized, score: "88")),
    (2, record(.online, .public, "跨年网络公需课", "江西省继续教育中心", "2023-12-30", "2024-01-01", "6", .recognized)),
    (
        3,
        record(
            .training, .professional, "心血管新进展研修班", "南昌大学", "2024-03-04", "2024-03-10", "56", .recognized, score: "92",
            certificate: "NCU-2024-0311")
    ),
    (4, record(.online, .public, "2024年公需科目网络课程", "江西省人力资源和社会保障厅", "2024-05-01", "2024-05-20", "30", .recognized)),
    (5, record(.online, .professional, "临床路径管理在线课程", "好医生网", "2024-06-01", "2024-06-30", "24", .recognized, .none)),
    (6, record(.other, .public, "职业道德专题讲座", "本单位", "2024-06-15", "2024-06-15", "20", .pending)),
    (
        7,
        record(
            .academic, .professional, "全国心血管病学术会议", "中华医学会", "2024-09-10", "2024-09-12", "12", .rejected, .none,
            note: "无参会证明")
    ),
    (8, record(.degree, .professional, "临床医学硕士课程", "南昌大学", "2024-01-05", "2024-06-30", "15", .recognized, .failed, score: "52")),
]

func fixtureCard(
    person: Person = ouyang, issuer: String = "江西省人民医院", years: ClosedRange<Int> = 2023...2024,
    records: [(rowID: Int64, record: Record)] = fixtureRecords
) -> RecordCard {
    RecordCard.build(
        person: person, issuer: issuer,
        years: years.map { y in
            RecordCard.YearInput(
                year: y, ruleSet: y >= 2024 ? unitRules : jiangxi, records: records.filter { $0.record.year == y })
        })
}

let issue = CardIssue(number: "JX-2024-000123", issuedOn: day("2024-11-25"), printedOn: day("2024-11-25"), issuedBy: "王芳")

/// Compares output with Tests/CeledgerReportsTests/Golden/<name> (`GoldenFiles`; CELEDGER_RECORD_GOLDEN=1
/// rewrites it and fails).
func expectGolden(_ name: String, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
    GoldenFiles(repoRoot.appendingPathComponent("Tests/CeledgerReportsTests/Golden")).expect(
        name, text, sourceLocation: sourceLocation)
}
