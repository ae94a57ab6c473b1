import CeledgerDomain
import CeledgerLedger
import CeledgerSQLite
import Foundation
import Testing

@testable import CeledgerPostgres

/// The persons list's search finds the same persons, in the same order and counts, on a file and on a
/// server: both match in memory with one index (`SearchIndex`), each read from its own database, and a
/// change made by another clerk is found afterwards.
@Suite struct SearchContractTests {
    static let names = [
        "张三", "张三丰", "欧阳明辉", "单丽", "曾国藩", "Anna Li", "李Anna", "王5", "司马相如", "ZHANG Wei", "乐乐", "章子怡",
        "赵四", "周周", "李四",
    ]

    /// The same persons and records on a ledger: two units, departments (one left empty), and hours that
    /// leave some persons met, some short and some short of professional hours only.
    static func fill(_ l: any LedgerWriter) throws {
        for (i, n) in names.enumerated() {
            let digits =
                (i % 2 == 0 ? "360102" : "360402") + "19\(80 + i)0\(1 + i % 9)1\(i % 10)" + String(format: "%03d", i * 7 + 1)
            let p = person(
                n, digits, unit: i % 3 == 0 ? "九江学院附属医院" : "南昌市第一医院",
                department: i % 4 == 0 ? "" : i % 2 == 0 ? "内科" : "外科")
            let pid = try l.addPerson(p)
            if i % 5 != 4 {
                _ = try l.addRecord(
                    record(p, hours: String(i * 7), start: "2024-01-02", end: "2024-03-30", recognition: .recognized),
                    personRowID: pid, reviewer: "审核员")
                _ = try l.addRecord(
                    record(
                        p, title: "公需课", category: .public, hours: "50", start: "2024-04-01", end: "2024-06-30",
                        recognition: .recognized), personRowID: pid, reviewer: "审核员")
            }
        }
    }

    static let searches = [
        "", "张", "张三", "zs", "ZS", "z", "s", "sl", "dl", "zg", "anna", "ANNA", "An", "li", "5", "0101", "1980", "19", "x", "X",
        "司马", "m", "ly", "乐", "wei", " Wei ", "%", "_", "zh", "无此人",
    ]

    @Test func aSearchGivesTheSameRowsAndCountsOnBothBackends() throws {
        guard let pg = try Backend.postgres.make() else { return }
        let sqlite = try #require(try Backend.sqlite.make())
        try Self.fill(sqlite)
        try Self.fill(pg)
        var everyone = PersonListQuery(year: 2024)
        let counts = try StatusFilter.allCases.map { s in
            everyone.status = s
            return try sqlite.personSummary(everyone).persons
        }
        #expect(counts[0] == Self.names.count && counts.dropFirst().allSatisfy { $0 > 0 && $0 < Self.names.count }, "\(counts)")
        for year in [2024, 2030] {
            for search in Self.searches {
                var q = PersonListQuery(year: year)
                q.search = search
                func same(_ q: PersonListQuery, _ label: String) throws {
                    let a = try allRows(sqlite, q, page: 4), b = try allRows(pg, q, page: 4)
                    #expect(shown(a) == shown(b), "\(label)")
                    #expect(shown(try allRowsBackwards(pg, q, page: 4)) == shown(b), "\(label) backwards")
                    #expect(try sqlite.personSummary(q) == (try pg.personSummary(q)), "\(label) counts")
                    #expect(try pg.personSummary(q).persons == b.count, "\(label) counted as listed")
                    // A listed person's key finds the same row again; one the search does not find has none.
                    if let row = b.dropFirst(b.count / 2).first {
                        #expect(try pg.personKey(of: row.rowID, in: q) == row.key, "\(label) key")
                        #expect(try pg.personRows(q, from: row.key, forward: true, including: true, limit: 1) == [row])
                    }
                    let listed = Set(b.map(\.rowID))
                    if let other = try allRows(pg, PersonListQuery(year: year)).first(where: { !listed.contains($0.rowID) }) {
                        #expect(try pg.personKey(of: other.rowID, in: q) == nil, "\(label) key of one not found")
                    }
                }
                for sort in [PersonSort.name, .idNumber, .totalHours, .status, .unit] {
                    for descending in [false, true] where sort == .name || !descending {
                        q.sort = sort
                        q.descending = descending
                        try same(q, "\(year) \(search) by \(sort)\(descending ? " descending" : "")")
                    }
                }
                q.sort = .name
                q.descending = false
                for status in StatusFilter.allCases {
                    var f = q
                    f.status = status
                    try same(f, "\(year) \(search) \(status)")
                }
                var f = q
                f.unit = "南昌市第一医院"
                try same(f, "\(year) \(search) in a unit")
                f.department = "外科"
                try same(f, "\(year) \(search) in a department")
                f.status = .short
                f.descending = true
                try same(f, "\(year) \(search) short in a department, descending")
            }
        }
        // What a clerk expects of a few searches.
        func names(_ search: String) throws -> [String] {
            var q = PersonListQuery(year: 2024)
            q.search = search
            return try allRows(pg, q).map(\.name)
        }
        let zs = try names("zs")
        #expect(zs == ["张三", "张三丰", "赵四"], "\(zs)")
        #expect(try names("ANNA") == ["Anna Li", "李Anna"])
        #expect(try names("司马") == ["司马相如"])
        #expect(try names("无此人").isEmpty)
        #expect(try names("1980").count == 1)
    }

    /// As the persons screen does: the search prepared beforehand, then asked once it is ready.
    func prepared(_ l: any LedgerWriter, year: Int) {
        l.prepareSearch(year: year)
        let deadline = Date().addingTimeInterval(60)
        while l.searchIsBeingPrepared(year: year) && Date() < deadline { usleep(2_000) }
    }

    @Test(arguments: Backend.allCases)
    func aChangeByAnotherClerkIsFoundAfterwards(_ backend: Backend) throws {
        guard let (mine, theirs) = try backend.makePair("李明", "王芳") else { return }
        let zhang = person("张三", "36010219800101001"), li = person("李四", "36010219800101002")
        let zhangRow = try mine.addPerson(zhang)
        _ = try mine.addPerson(li)
        _ = try mine.addRecord(record(zhang, recognition: .recognized), personRowID: zhangRow, reviewer: "审核员")
        prepared(mine, year: 2024)
        func found(_ search: String) throws -> [String] {
            var q = PersonListQuery(year: 2024)
            q.search = search
            let rows = try allRows(mine, q)
            #expect(try mine.personSummary(q).persons == rows.count, "\(search) counted")
            return rows.map(\.name)
        }
        #expect(try found("张") == ["张三"])
        #expect(try found("zs") == ["张三"])
        var seen = try mine.version()

        let xinRow = try theirs.addPerson(person("张新", "36010219900202002"))
        seen = try #require(try moved(mine, from: seen), "the other clerk's commit never showed")
        prepared(mine, year: 2024)
        #expect(try found("张") == ["张三", "张新"])
        #expect(try found("zx") == ["张新"])

        // Renamed elsewhere: found by the new name only, without preparing again.
        var renamed = zhang
        renamed.name = "王三"
        try theirs.updatePerson(rowID: zhangRow, renamed)
        seen = try #require(try moved(mine, from: seen))
        #expect(try found("张") == ["张新"])
        #expect(try found("ws") == ["王三"])
        #expect(try found("0101001") == ["王三"])

        try theirs.deletePerson(rowID: xinRow)
        _ = try #require(try moved(mine, from: seen))
        #expect(try found("张").isEmpty)
        #expect(try found("0202002").isEmpty)
    }

    @Test("on a server, reopening a picker asks the server nothing; another clerk's new unit shows after")
    func pickersAreKeptWhileNothingChanged() throws {
        guard let (mine, theirs) = try Backend.postgres.makePair("李明", "王芳") else { return }
        let screen = try #require(mine as? PostgresLedger)
        try Self.fill(mine)
        let units = try screen.units()
        #expect(units == ["九江学院附属医院", "南昌市第一医院"])
        let all = try screen.departments(unit: nil), first = try screen.departments(unit: units[1])
        #expect(all == ["内科", "外科"] && first == ["内科", "外科"])
        let sent = screen.connection.statements
        #expect(
            try screen.units() == units && screen.departments(unit: nil) == all && screen.departments(unit: units[1]) == first)
        #expect(try screen.departments(unit: "无此单位").isEmpty)
        #expect(screen.connection.statements == sent, "a picker reopened with nothing changed asked the server")

        let seen = try screen.version()
        _ = try theirs.addPerson(person("新人", "36010219950101001", unit: "江西省人民医院", department: "儿科"))
        _ = try #require(try moved(screen, from: seen))
        #expect(try screen.units() == ["九江学院附属医院", "南昌市第一医院", "江西省人民医院"])
        #expect(try screen.departments(unit: "江西省人民医院") == ["儿科"])
        #expect(try screen.departments(unit: nil) == ["儿科", "内科", "外科"])
    }

    @Test("on a server, the search in memory gives what SQL gives for the index's matches")
    func theServersMemorySearchAgreesWithItsSQL() throws {
        guard let l = try Backend.postgres.make() as? PostgresLedger else { return }
        try Self.fill(l)
        for search in Self.searches {
            for status in StatusFilter.allCases {
                for sort in [PersonSort.name, .idNumber, .totalHours, .status, .publicHours, .professionalHours] {
                    for descending in [false, true] {
                        var q = PersonListQuery(year: 2024)
                        (q.search, q.status, q.sort, q.descending) = (search, status, sort, descending)
                        let memory = (try allRows(l, q, page: 3), try allRowsBackwards(l, q, page: 3), try l.personSummary(q))
                        l.search.inMemory.withLock { $0 = false }
                        l.summaries.removeAll()
                        defer {
                            l.search.inMemory.withLock { $0 = true }
                            l.summaries.removeAll()
                        }
                        let label = "\(search) \(status) \(sort) \(descending)"
                        #expect(shown(memory.0) == shown(try allRows(l, q, page: 3)), "\(label)")
                        #expect(shown(memory.1) == shown(memory.0), "\(label) backwards")
                        #expect(memory.2 == (try l.personSummary(q)), "\(label) counts")
                    }
                }
            }
        }
    }
}
