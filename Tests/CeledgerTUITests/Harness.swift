import CeledgerDomain
import CeledgerLedger
import CeledgerSQLite
import CeledgerTestSupport
import Foundation
import Testing

@testable import CeledgerTUI

let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let pinyin = PinyinIndex(
    table: try! String(contentsOf: repoRoot.appendingPathComponent("data/pinyin/initials.tsv"), encoding: .utf8),
    readings: try! String(contentsOf: repoRoot.appendingPathComponent("data/pinyin/readings.tsv"), encoding: .utf8))
let shippedRules = ["national-2015", "jiangxi-2023"].map {
    try! RuleSet.decode(Data(contentsOf: repoRoot.appendingPathComponent("data/rules/\($0).json")))
}

func id(_ region: String, _ y: Int, _ m: Int, _ d: Int, _ seq: Int) -> ResidentID {
    ResidentID.make(region: region, birth: Day(year: y, month: m, day: d)!, sequence: seq)
}

/// A small ledger's persons and records: names of two, three and four characters and every status.
func fixturePeople() throws -> [(Person, [Record])] {
    let zhang = try ResidentID.parse("34052419800101001X").get()
    let ouyang = try ResidentID.parse("11010519491231002X").get()
    let people: [(Person, [(Mode, CeledgerDomain.Category, String, String, String, String, String, Recognition, Assessment)])] = [
        (
            Person(id: zhang, name: "张三", unit: "南昌市第一医院", department: "内科", title: "主治医师", titleLevel: .intermediate),
            [
                (.training, .professional, "心血管新进展研修班", "南昌大学", "2024-03-04", "2024-03-10", "60", .recognized, .passed),
                (.online, .public, "2024年公需科目网络课程", "省继续教育中心", "2024-05-01", "2024-05-20", "30", .recognized, .passed),
                (.other, .public, "职业道德专题", "本单位", "2024-06-01", "2024-06-02", "20", .pending, .passed),
                (.training, .professional, "急诊技能培训", "南昌大学", "2023-04-01", "2023-04-05", "40", .recognized, .passed),
            ]
        ),
        (
            Person(
                id: id("360102", 1985, 7, 12, 221), name: "张三丰", unit: "南昌市第一医院", department: "外科", title: "医师",
                titleLevel: .junior),
            [
                (.training, .professional, "外科进展", "南昌大学", "2024-04-01", "2024-04-08", "60", .recognized, .passed),
                (.online, .public, "2024年公需科目网络课程", "省继续教育中心", "2024-05-01", "2024-05-20", "29.5", .recognized, .passed),
            ]
        ),
        (
            Person(id: ouyang, name: "欧阳明辉", unit: "江西省建筑设计研究院", department: "结构所", title: "工程师", titleLevel: .intermediate),
            [
                (.academic, .professional, "全国结构工程学术会议", "中国建筑学会", "2024-09-10", "2024-09-12", "40", .recognized, .none),
                (.training, .professional, "BIM 应用培训", "江西省建设厅", "2024-06-01", "2024-06-05", "40", .rejected, .passed),
            ]
        ),
        (
            Person(
                id: id("360702", 1978, 3, 3, 442), name: "王五", unit: "江西省建筑设计研究院", department: "结构所", title: "高级工程师",
                titleLevel: .deputySenior),
            [
                (.online, .public, "公需科目", "省继续教育中心", "2024-02-01", "2024-02-20", "40.5", .recognized, .passed),
                (.practice, .professional, "施工现场实践", "本单位", "2024-07-01", "2024-07-31", "59.5", .recognized, .passed),
                (.degree, .professional, "工程硕士课程", "南昌大学", "2024-01-05", "2024-06-30", "10", .recognized, .failed),
            ]
        ),
        (
            Person(
                id: id("360403", 1992, 11, 30, 131), name: "李四", unit: "九江学院", department: "", title: "讲师",
                titleLevel: .intermediate),
            [
                (.training, .professional, "教学能力提升", "九江学院", "2024-10-10", "2024-10-12", "24", .pending, .passed)
            ]
        ),
    ]
    return people.map { p, rs in
        (
            p,
            rs.map { r in
                let h = try! Hours.parse(r.6).get()
                return Record(
                    personID: p.id, mode: r.0, category: r.1, title: r.2, provider: r.3, startDate: try! Day.parse(r.4).get(),
                    endDate: try! Day.parse(r.5).get(), assessment: r.8, claimedHours: h,
                    recognizedHours: r.7 == .recognized ? h : nil, recognition: r.7,
                    note: r.7 == .rejected ? "证明材料不全" : "")
            }
        )
    }
}

/// The fixture in a SQLite ledger in memory.
func fixtureLedger() throws -> SQLiteLedger {
    let ledger = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
    let people = try fixturePeople()
    var it = people.makeIterator()
    try ledger.bulkInsert(count: people.count) { it.next()! }
    return ledger
}

/// The same fixture in a ledger that is no database at all.
func memoryFixtureLedger() throws -> MemoryLedger {
    let ledger = MemoryLedger(rules: shippedRules, pinyin: pinyin)
    for (p, rs) in try fixturePeople() {
        let id = try ledger.addPerson(p)
        for r in rs { _ = try ledger.addRecord(r, personRowID: id, reviewer: "clerk") }
    }
    return ledger
}

func makeApp(_ ledger: (any LedgerWriter)? = nil, lang: Lang = .zh, width: Int = 120, height: Int = 24) throws -> App {
    let app = App(
        ledger: try ledger ?? fixtureLedger(), ledgerName: "ledger.sqlite", lang: lang, year: 2024,
        today: Day(year: 2024, month: 11, day: 25)!, reviewer: "clerk", width: width, height: height)
    // Golden screens show times as they would be in Jiangxi, whatever the machine's zone.
    app.timeZone = TimeZone(identifier: "Asia/Shanghai")!
    app.pinyin = pinyin
    return app
}

extension App {
    /// Presses keys written as tmux names ("Enter", "C-s", "j") or, with `type:`, types text.
    func press(_ keys: String...) {
        for k in keys {
            guard let key = Key.parse(k) else { fatalError("unknown key \(k)") }
            handle(key)
        }
    }

    func type(_ text: String) {
        for k in Key.typing(text) { handle(k) }
    }

    var screen: String { render().text }
}

/// Compares a rendered screen with Tests/CeledgerTUITests/Golden/<name>.txt (`GoldenFiles`; the file ends
/// with a newline the screen has not; CELEDGER_RECORD_GOLDEN=1 rewrites it and fails), printing the
/// whole screen when it differs.
func expectGolden(_ name: String, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
    GoldenFiles(repoRoot.appendingPathComponent("Tests/CeledgerTUITests/Golden"))
        .expect("\(name).txt", text + "\n", whole: text, sourceLocation: sourceLocation)
}
