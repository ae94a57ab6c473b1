import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import CeledgerSheets
import Foundation
import GRDB
import Testing

@testable import CeledgerSQLite

let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let pinyin = PinyinIndex(
    table: try! String(contentsOf: repoRoot.appendingPathComponent("data/pinyin/initials.tsv"), encoding: .utf8))
let shippedRules = [try! RuleSet.decode(Data(contentsOf: repoRoot.appendingPathComponent("data/rules/jiangxi-2023.json")))]
let rules = RuleBook(shippedRules)

/// The domain's totals of records that have no ledger row ids yet.
func domainTotals(year: Int, records: [CeledgerDomain.Record]) -> AnnualTotals {
    AnnualTotals.evaluate(year: year, records: records.enumerated().map { (Int64($0 + 1), $1) }, rules: rules.ruleSet(for: year)!)
        .totals
}

let personsCSV = """
    身份证号,姓名,单位,部门,职称,职称级别,专业
    34052419800101001X,张三,南昌市第一医院,内科,主治医师,中级,内科学
    11010519491231002X,欧阳明辉,江西省建筑设计研究院,结构所,高级工程师,副高级,结构
    360102199005170422,李小明,南昌市第一医院,外科,医师,初级,

    """

func importing(
    _ ledger: SQLiteLedger, _ kind: RowKind, _ text: String, _ options: ImportOptions = ImportOptions()
) throws -> ImportReport {
    try ledger.importRows(kind, from: CSVReader(text: text), options: options)
}

func annual(_ ledger: SQLiteLedger, _ year: Int, filter: ReportFilter = ReportFilter()) throws -> [String: AnnualRow] {
    var out: [String: AnnualRow] = [:]
    try ledger.annualReport(year: year, filter: filter) { out[$0.name] = $0 }
    return out
}

func recordCount(_ ledger: SQLiteLedger) throws -> Int { try ledger.counts().records }

/// A new empty folder of the test's own.
func tempDir() throws -> String {
    let d = FileManager.default.temporaryDirectory.appendingPathComponent("celedger-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return d
}

@Suite struct ImportTests {
    func ledgerWithPersons() throws -> SQLiteLedger {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        let r = try importing(l, .person, personsCSV)
        #expect(r.errors.isEmpty)
        #expect(r.inserted == 3)
        return l
    }

    @Test func personsImportWithChineseHeadersAndGetSearchInitials() throws {
        let l = try ledgerWithPersons()
        var people: [Person] = []
        try l.eachPerson { people.append($0.person) }
        #expect(people.map(\.name) == ["张三", "欧阳明辉", "李小明"])
        #expect(people[0].titleLevel == .intermediate)
        #expect(people[1].gender == .female)
        let initials = try l.db.read { try String.fetchOne($0, sql: "SELECT name_initials FROM person WHERE name = '欧阳明辉'") }
        #expect(initials == "oymh")
    }

    @Test func aPersonReimportUpdatesOnlyTheColumnsTheFileHas() throws {
        let l = try ledgerWithPersons()
        let r = try importing(l, .person, "id_number,name,department\n34052419800101001X,张三,心内科\n11010519491231002X,欧阳明辉,结构所\n")
        #expect(r.updated == 1 && r.unchanged == 1 && r.inserted == 0)
        var zhang: Person?
        try l.eachPerson { if $0.person.name == "张三" { zhang = $0.person } }
        #expect(zhang?.department == "心内科")
        #expect(zhang?.title == "主治医师")  // not in the file: kept
    }

    @Test func anyBadRowMeansNothingIsImportedAndEveryBadRowIsReported() throws {
        let l = try ledgerWithPersons()
        let csv = """
            id_number,mode,category,title,start_date,end_date,claimed_hours,recognized_hours
            34052419800101001X,training,professional,心血管新进展,2024-03-04,2024-03-10,60,60
            34052419800101001X,training,professional,"坏的, 日期",2024-03-04,2024-02-30,8,8
            34052419800101001X,self-study,professional,X,2024-03-04,2024-03-05,8,8
            360102199001010000,training,professional,Y,2024-03-04,2024-03-05,8,8
            """
        let r = try importing(l, .record, csv)
        #expect(!r.committed)
        #expect(r.inserted == 0)
        #expect(try recordCount(l) == 0)
        #expect(r.errors.map(\.line) == [3, 4, 5])
        #expect(r.errors.map(\.column) == ["end_date", "mode", "id_number"])
    }

    @Test func skipInvalidImportsTheGoodRowsAndKeepsTheBadOnes() throws {
        let l = try ledgerWithPersons()
        let csv = """
            id_number,mode,category,title,end_date,claimed_hours
            34052419800101001X,training,professional,A,2024-03-10,60
            34052419800101001X,training,professional,B,2024-03-10,-1
            """
        let r = try importing(l, .record, csv, ImportOptions(skipInvalid: true))
        #expect(r.committed && r.inserted == 1)
        #expect(r.rejected.map(\.line) == [3])
        #expect(r.rejected.first?.fields[3] == "B")
        #expect(try recordCount(l) == 1)
    }

    @Test func aCorrectedRejectedFileImportsAsItIs() throws {
        let l = try ledgerWithPersons()
        // What --skip-invalid writes: line, column, reason, then the input's own columns.
        let csv = """
            line,column,reason,id_number,mode,category,title,end_date,claimed_hours
            3,claimed_hours,hours cannot be negative (-1),34052419800101001X,training,professional,B,2024-03-10,1
            """
        let r = try importing(l, .record, csv)
        #expect(r.errors.isEmpty && r.inserted == 1)
    }

    @Test func dryRunWritesNothing() throws {
        let l = try ledgerWithPersons()
        let r = try importing(
            l, .record, "id_number,mode,category,title,end_date,claimed_hours\n34052419800101001X,培训,专业,A,2024-03-10,60\n",
            ImportOptions(dryRun: true))
        #expect(r.errors.isEmpty && !r.committed)
        #expect(try recordCount(l) == 0)
    }

    @Test func theSameActivityIsNeverCountedTwice() throws {
        let l = try ledgerWithPersons()
        let csv = """
            身份证号,学习方式,科目类别,内容,开始日期,结束日期,申报学时,认定学时
            34052419800101001X,培训,专业科目,心血管新进展研修班,2024-03-04,2024-03-10,60,60
            34052419800101001X,培训,专业科目,心血管新进展研修班,2024/3/4,2024/3/10,60,60
            """
        let first = try importing(l, .record, csv)
        #expect(first.inserted == 1 && first.duplicates.map(\.line) == [3])
        let again = try importing(l, .record, csv)
        #expect(again.committed && again.inserted == 0 && again.duplicates.count == 2)
        #expect(try annual(l, 2024)["张三"]?.totals.professionalHours == Hours(whole: 60))
    }

    @Test func headerProblemsAreReportedOnLineOne() throws {
        let l = try ledgerWithPersons()
        let r = try importing(l, .record, "身份证号,学习方式,颜色,内容\n")
        #expect(r.errors.contains { $0.line == 1 && $0.column == "颜色" })
        // Required and missing: the message names it in both languages, the column is left empty.
        #expect(r.errors.contains { $0.line == 1 && $0.column == "" && $0.message.zh.contains("缺少必需的列“科目类别”") })
        let tabs = try importing(l, .record, "id_number\tmode\tcategory\n")
        #expect(tabs.errors.count == 1 && tabs.errors[0].message.en.contains("tab"))
        let empty = try importing(l, .record, "")
        #expect(empty.errors.count == 1 && !empty.committed)
    }

    @Test func wrongFieldCountIsAnErrorOnItsLine() throws {
        let l = try ledgerWithPersons()
        let r = try importing(
            l, .record,
            "id_number,mode,category,title,end_date,claimed_hours\n34052419800101001X,training,professional,A,2024-03-10\n")
        #expect(r.errors.map(\.line) == [2])
    }

    @Test func aBrokenFileStopsTheImportWithNothingWritten() throws {
        let l = try ledgerWithPersons()
        let r = try importing(
            l, .record,
            "id_number,mode,category,title,end_date,claimed_hours\n34052419800101001X,training,professional,A,2024-03-10,8\n34052419800101001X,training,professional,\"B,2024-03-10,8\n"
        )
        #expect(!r.committed)
        #expect(r.errors.first?.line == 3)
        #expect(try recordCount(l) == 0)
    }
}

@Suite struct ReportTests {
    @Test func reportAgreesWithTheDomainOnARandomLedger() throws {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        var rng = SeededRandom(seed: 42)
        var byPerson: [String: (Person, [CeledgerDomain.Record])] = [:]
        var people: [(Person, [CeledgerDomain.Record])] = []
        for i in 0..<60 {
            let id = ResidentID.make(region: "360102", birth: Day(year: 1980, month: 1, day: 1 + i % 28)!, sequence: i)
            let status: EmploymentStatus = i % 10 == 0 ? .left : .active
            let p = Person(
                id: id, name: "人\(i)", unit: i % 2 == 0 ? "甲" : "乙", status: status,
                statusDate: status == .left ? Day(year: 2023, month: 6, day: 1) : nil)
            var recs: [CeledgerDomain.Record] = []
            for j in 0..<Int.random(in: 0...12, using: &rng) {
                let end = Day(
                    year: Int.random(in: 2023...2024, using: &rng), month: Int.random(in: 1...12, using: &rng),
                    day: Int.random(in: 1...28, using: &rng))!
                let recognition = [Recognition.recognized, .recognized, .recognized, .pending, .rejected].randomElement(
                    using: &rng)!
                let h = Hours(tenths: Int.random(in: 0...400, using: &rng))
                recs.append(
                    Record(
                        personID: id, mode: Mode.allCases.randomElement(using: &rng)!,
                        category: CeledgerDomain.Category.allCases.randomElement(using: &rng)!,
                        title: "课\(j)", startDate: end.adding(days: -Int.random(in: 0...400, using: &rng)), endDate: end,
                        assessment: Assessment.allCases.randomElement(using: &rng)!, claimedHours: h,
                        recognizedHours: recognition == .rejected ? nil : h, recognition: recognition))
            }
            people.append((p, recs))
            byPerson[p.name] = (p, recs)
        }
        var iterator = people.makeIterator()
        try l.bulkInsert(count: people.count) { iterator.next()! }
        for year in [2023, 2024] {
            let report = try annual(l, year)
            let expectedNames = Set(people.filter { $0.0.isActive(in: year) }.map(\.0.name))
            #expect(Set(report.keys) == expectedNames)
            for (name, row) in report {
                let (_, recs) = byPerson[name]!
                #expect(row.totals == domainTotals(year: year, records: recs))
            }
        }
        let onlyA = try annual(l, 2024, filter: ReportFilter(unit: "甲", status: .short))
        #expect(onlyA.values.allSatisfy { $0.unit == "甲" && $0.totals.status == .short })
    }

    @Test func activeInYearSQLMatchesTheDomainRule() throws {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        let cases: [(EmploymentStatus, Day?)] = [
            (.active, nil), (.left, Day(year: 2023, month: 12, day: 31)), (.left, Day(year: 2024, month: 1, day: 1)),
            (.retired, Day(year: 2022, month: 5, day: 5)),
        ]
        var i = 0
        try l.bulkInsert(count: cases.count) {
            defer { i += 1 }
            let id = ResidentID.make(region: "360102", birth: Day(year: 1970, month: 1, day: 1)!, sequence: i)
            return (Person(id: id, name: "P\(i)", status: cases[i].0, statusDate: cases[i].1), [])
        }
        for year in 2021...2025 {
            let names = try Set(annual(l, year).keys)
            let expected = Set(
                cases.indices.filter { Person.isActive(status: cases[$0].0, statusDate: cases[$0].1, in: year) }.map { "P\($0)" })
            #expect(names == expected, "year \(year)")
        }
    }
}

@Suite struct RoundTripTests {
    @Test func exportedRowsImportBackExactly() throws {
        let pools = try DemoPools(
            surnames: String(contentsOf: repoRoot.appendingPathComponent("data/demo/surnames.txt"), encoding: .utf8),
            given: String(contentsOf: repoRoot.appendingPathComponent("data/demo/given.txt"), encoding: .utf8),
            units: String(contentsOf: repoRoot.appendingPathComponent("data/demo/units.tsv"), encoding: .utf8),
            activities: String(contentsOf: repoRoot.appendingPathComponent("data/demo/activities.tsv"), encoding: .utf8),
            regions: String(contentsOf: repoRoot.appendingPathComponent("data/demo/regions.tsv"), encoding: .utf8))
        var gen = DemoGenerator(pools: pools, seed: 3, years: 2022...2024)
        let a = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        try a.bulkInsert(count: 150) { gen.next() }

        func export(_ l: SQLiteLedger) throws -> (String, String) {
            var p = CSVWriter.line(ExportShape.header(.person))
            try l.eachPerson { p += CSVWriter.line(ExportShape.cells($0.person)) }
            var r = CSVWriter.line(ExportShape.header(.record))
            try l.eachRecord { r += CSVWriter.line(ExportShape.cells($0.record)) }
            return (p, r)
        }
        let (persons, records) = try export(a)
        let b = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        #expect(try importing(b, .person, persons).errors.isEmpty)
        let r = try importing(b, .record, records)
        #expect(r.errors.isEmpty && r.duplicates.isEmpty)
        let (persons2, records2) = try export(b)
        #expect(persons2 == persons)
        #expect(records2 == records)
        #expect(try annual(a, 2024) == annual(b, 2024))
    }
}

@Suite struct LedgerFileTests {

    @Test func aNewLedgerIsOwnerOnlyAndInWALMode() throws {
        let path = try tempDir() + "/sub/ledger.sqlite"
        let l = try SQLiteLedger.open(path: path, pinyin: pinyin, rules: shippedRules)
        _ = try importing(l, .person, personsCSV)
        for f in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: f) {
            let mode = try FileManager.default.attributesOfItem(atPath: f)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(f)")
        }
        let journal = try l.db.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
        let fk = try l.db.read { try Int.fetchOne($0, sql: "PRAGMA foreign_keys") }
        #expect(fk == 1)
    }

    @Test func reopeningChangesNothing() throws {
        let path = try tempDir() + "/ledger.sqlite"
        _ = try importing(try SQLiteLedger.open(path: path, pinyin: pinyin, rules: shippedRules), .person, personsCSV)
        let again = try SQLiteLedger.open(path: path, pinyin: pinyin, rules: shippedRules)
        #expect(try again.counts().persons == 3)
        #expect(try again.schemaVersion() == "v7")
    }

    @Test func aFileThatIsNotALedgerIsNeverWritten() throws {
        let dir = try tempDir()
        let text = dir + "/notes.txt"
        try "not a database\n".write(toFile: text, atomically: true, encoding: .utf8)
        let other = dir + "/other.sqlite"
        let q = try DatabaseQueue(path: other)
        try q.write { try $0.execute(sql: "CREATE TABLE t(x); INSERT INTO t VALUES (1)") }
        try q.close()
        for path in [text, other] {
            let before = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(throws: LedgerError.self) { try SQLiteLedger.open(path: path, pinyin: pinyin, rules: shippedRules) }
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
            #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        }
    }

    @Test func aDirectoryIsNotALedger() throws {
        let dir = try tempDir()
        #expect(throws: LedgerError.self) { try SQLiteLedger.open(path: dir, pinyin: pinyin, rules: shippedRules) }
    }

    @Test func defaultPathHonoursXDG() {
        #expect(
            SQLiteLedger.defaultPath(environment: ["XDG_DATA_HOME": "/x/data", "HOME": "/home/a"])
                == "/x/data/celedger/ledger.sqlite")
        #expect(SQLiteLedger.defaultPath(environment: ["HOME": "/home/a"]) == "/home/a/.local/share/celedger/ledger.sqlite")
    }

    @Test func aSecondWriterWaitsThenGetsAClearMessage() throws {
        let path = try tempDir() + "/ledger.sqlite"
        let a = try SQLiteLedger.open(path: path, pinyin: pinyin, rules: shippedRules)
        // Another connection holds the write lock.
        let holder = try DatabaseQueue(path: path)
        try holder.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            let start = Date()
            #expect(throws: LedgerError.self) { try importing(a, .person, personsCSV) }
            #expect(Date().timeIntervalSince(start) >= 1)  // it waited (busy timeout) before giving up
            try db.execute(sql: "ROLLBACK")
        }
        #expect(try importing(a, .person, personsCSV).inserted == 3)
    }
}
