import CeledgerDomain
import CeledgerLedger
import CeledgerSQLite
import Foundation
import Testing

@testable import CeledgerPostgres

let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let pinyin = PinyinIndex(
    table: try! String(contentsOf: repoRoot.appendingPathComponent("data/pinyin/initials.tsv"), encoding: .utf8))
let shippedRules = [try! RuleSet.decode(Data(contentsOf: repoRoot.appendingPathComponent("data/rules/jiangxi-2023.json")))]
let rules = RuleBook(shippedRules)

/// A ledger backend the contract runs against: each test gets a new, empty ledger of its own.
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// The server the PostgreSQL half runs on: a throwaway cluster (`make test` starts one with
    /// scripts/pg-cluster.sh). Each test creates a database of its own there.
    static let serverURI = ProcessInfo.processInfo.environment["CELEDGER_TEST_PG"].flatMap { $0.isEmpty ? nil : $0 }

    /// A new empty ledger, or nil (with the reason printed) when this backend cannot run here.
    func make(actor: String = "测试员") throws -> (any LedgerWriter)? {
        switch self {
        case .sqlite:
            return try SQLiteLedger.inMemory(pinyin: pinyin, actor: actor, rules: shippedRules)
        case .postgres:
            guard let uri = try Backend.newDatabase() else { return nil }
            return try PostgresLedger.open(uri: uri, pinyin: pinyin, rules: shippedRules, actor: actor)
        }
    }

    /// The URI of a new empty database on the test server, or nil when CELEDGER_TEST_PG is not set.
    static func newDatabase() throws -> String? {
        guard let server = serverURI else {
            print("skipped: PostgreSQL backend, CELEDGER_TEST_PG is not set (make test starts a throwaway cluster)")
            return nil
        }
        let name = "contract_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        let admin = try PGConnection(uri: server)
        try admin.exec("CREATE DATABASE \(name)")
        return uri(server, database: String(name))
    }

    /// The same server with another database name.
    static func uri(_ server: String, database: String) -> String {
        var base = server
        if let q = base.firstIndex(of: "?") { base = String(base[..<q]) }
        let scheme = base.range(of: "://")!.upperBound
        if let slash = base[scheme...].firstIndex(of: "/") { base = String(base[..<slash]) }
        return base + "/" + database
    }
}

// MARK: Fixtures

func id(_ digits17: String) -> ResidentID {
    // The check digit of GB 11643.
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    let sum = zip(digits17, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
    let check = Array("10X98765432")[sum % 11]
    return try! ResidentID.parse(digits17 + String(check)).get()
}

func person(_ name: String, _ digits17: String, unit: String = "南昌市第一医院", department: String = "内科") -> Person {
    let rid = id(digits17)
    return Person(
        id: rid, name: name, unit: unit, department: department, title: "主治医师", titleLevel: .intermediate, specialty: "",
        status: .active, statusDate: nil, category: .employee)
}

func record(
    _ who: Person, title: String = "心血管新进展", mode: Mode = .training, category: CeledgerDomain.Category = .professional,
    hours: String = "8", start: String = "2024-03-01", end: String = "2024-03-02", recognition: Recognition = .pending
) -> CeledgerDomain.Record {
    let h = Hours.parse(hours).successValue!
    return CeledgerDomain.Record(
        personID: who.id, mode: mode, category: category, title: title, provider: "省医学会",
        startDate: Day.parse(start).successValue!, endDate: Day.parse(end).successValue!, assessment: .passed, score: nil,
        claimedHours: h, recognizedHours: recognition == .recognized ? h : nil, recognition: recognition, certificateNo: "",
        note: "", recognitionNote: "", basis: nil, quantity: nil, role: .participant, suggestedHours: nil)
}

/// Every row of the persons list, read page by page forwards.
func allRows(_ l: any LedgerReader, _ q: PersonListQuery, page: Int = 7) throws -> [PersonListRow] {
    var out: [PersonListRow] = []
    var key: ListKey?
    while true {
        let rows = try l.personRows(q, from: key, forward: true, including: false, limit: page)
        out += rows
        guard rows.count == page, let last = rows.last else { return out }
        key = last.key
    }
}

/// The same list read backwards from its end.
func allRowsBackwards(_ l: any LedgerReader, _ q: PersonListQuery, page: Int = 7) throws -> [PersonListRow] {
    var out: [PersonListRow] = []
    var key: ListKey?
    while true {
        let rows = try l.personRows(q, from: key, forward: false, including: false, limit: page)
        out = rows + out
        guard rows.count == page, let first = rows.first else { return out }
        key = first.key
    }
}

/// What a clerk sees of the list: who, in which order, with which totals.
func shown(_ rows: [PersonListRow]) -> [String] {
    rows.map { "\($0.name) \($0.idNumber) \($0.totals.publicHours) \($0.totals.professionalHours) \($0.totals.status)" }
}

/// The ledger's failure as the case it is, for `#expect(throws:)` on typed throws.
func failure(_ body: () throws -> Void) -> LedgerError? {
    do {
        try body()
        return nil
    } catch let e as LedgerError {
        return e
    } catch {
        Issue.record("not a LedgerError: \(error)")
        return nil
    }
}

extension Backend {
    /// Two ledger objects on the same new ledger, each naming its own clerk: two windows, two clerks.
    func makePair(_ a: String, _ b: String) throws -> (any LedgerWriter, any LedgerWriter)? {
        switch self {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("contract-" + UUID().uuidString)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let path = dir.appendingPathComponent("ledger.celedger").path
            let first = try SQLiteLedger.open(path: path, pinyin: pinyin, rules: shippedRules, actor: a)
            return (first, try SQLiteLedger.open(path: path, pinyin: pinyin, rules: shippedRules, actor: b))
        case .postgres:
            guard let uri = try Backend.newDatabase() else { return nil }
            let first = try PostgresLedger.open(uri: uri, pinyin: pinyin, rules: shippedRules, actor: a)
            return (first, try PostgresLedger.open(uri: uri, pinyin: pinyin, rules: shippedRules, actor: b))
        }
    }
}

/// Today on this machine's calendar, as the ledger's `Day`.
func today() -> Day {
    let c = Calendar.current.dateComponents([.year, .month, .day], from: Date())
    return Day(year: c.year!, month: c.month!, day: c.day!)!
}

/// The other window's version once it moved from `seen`: a notification travels from the committing
/// session through the server to this one, so it is looked for again until it came (never longer than
/// `patience`, so that a broken delivery fails instead of hanging).
func moved(_ ledger: any LedgerWriter, from seen: Int64, patience: TimeInterval = 60) throws -> Int64? {
    let deadline = Date().addingTimeInterval(patience)
    repeat {
        let v = try ledger.version()
        if v != seen { return v }
        usleep(2_000)
    } while Date() < deadline
    return nil
}
