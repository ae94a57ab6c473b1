import CeledgerDomain
import CeledgerLedger
import CeledgerSheets
import Foundation
import GRDB
import Testing

@testable import CeledgerSQLite

/// The persons list sorted by name is in full pinyin order, whichever way a person was written, whether
/// the list is paged by SQL or searched in memory, and after an old ledger is migrated.
@Suite struct NameOrderTests {
    static func id(_ n: Int) -> ResidentID {
        ResidentID.make(region: "360102", birth: Day(year: 1980, month: 1 + n / 28, day: 1 + n % 28)!, sequence: n * 2 + 1)
    }

    /// The names in the order a dictionary gives them (what the clerk should see), shuffled when written.
    static let ordered = [
        "Amy Wang", "陈兵", "邓华", "高峰", "郭婷", "黎明", "李娜", "李强", "刘洋", "区伟", "欧阳明辉", "沙明", "单雄飞", "王芳",
        "尉迟恭", "曾兵", "张三", "Zoë",
    ]

    /// Every name in the list, page by page (three a page, so that each page starts after the last row's key).
    func wholeList(_ l: SQLiteLedger, descending: Bool = false, search: String = "") throws -> [String] {
        var q = PersonListQuery(year: 2024)
        q.sort = .name
        q.descending = descending
        q.search = search
        var names: [String] = []
        var key: ListKey?
        while true {
            let page = try l.personRows(q, from: key, limit: 3)
            names += page.map(\.name)
            guard page.count == 3 else { break }
            key = page.last!.key
        }
        return names
    }

    /// Each row's stored key is the one the domain computes for its name.
    func keysAgree(_ l: SQLiteLedger) throws {
        let rows = try l.db.read { try Row.fetchAll($0, sql: "SELECT name, name_key FROM person") }
        for row in rows {
            let name: String = row["name"]
            #expect(row["name_key"] as String == pinyin.nameKey(of: name), "\(name)")
        }
    }

    @Test func theListIsInPinyinOrderBothWaysAcrossPages() throws {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        var shuffled = Array(Self.ordered.enumerated())
        var rng = SystemRandomNumberGenerator()
        shuffled.shuffle(using: &rng)
        for (n, name) in shuffled { try l.addPerson(Person(id: Self.id(n), name: name)) }
        try keysAgree(l)
        #expect(try wholeList(l) == Self.ordered)
        #expect(try wholeList(l, descending: true) == Self.ordered.reversed())
        // Backwards from the end, as the list's Page Up does.
        var q = PersonListQuery(year: 2024)
        q.sort = .name
        let last = try l.personRows(q, from: nil, forward: false, limit: 3)
        #expect(last.map(\.name) == Array(Self.ordered.suffix(3)))
        let before = try l.personRows(q, from: last.first!.key, forward: false, limit: 3)
        #expect(before.map(\.name) == Array(Self.ordered.dropLast(3).suffix(3)))
    }

    @Test func theSearchIndexPagesInTheSameOrderAsSQL() throws {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        for (n, name) in Self.ordered.enumerated().reversed() { try l.addPerson(Person(id: Self.id(n), name: name)) }
        for search in ["", "l", "s", "明", "z", "1980"] {
            for descending in [false, true] {
                let memory = try wholeList(l, descending: descending, search: search)
                l.searchesInMemory.withLock { $0 = false }
                let sql = try wholeList(l, descending: descending, search: search)
                l.searchesInMemory.withLock { $0 = true }
                #expect(memory == sql, "search \(search) descending \(descending)")
                #expect(memory == (descending ? Self.ordered.reversed() : Self.ordered).filter { sql.contains($0) })
            }
        }
        // 李娜 and 刘洋 among "l": li before liu (the issue: 刘 sorted before 李).
        #expect(try wholeList(l, search: "l").filter { ["李娜", "刘洋"].contains($0) } == ["李娜", "刘洋"])
    }

    /// Every way a person's name is written fills the key: adding, editing, importing (new and updated
    /// rows), the bulk writer behind demo ledgers, and undoing a deletion and an edit.
    @Test func everyWriteOfANameFillsItsKey() throws {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        // Bulk (demo): 郭婷, 李强.
        var bulk = [(3, "郭婷"), (5, "李强")].makeIterator()
        try l.bulkInsert(count: 2) {
            let (n, name) = bulk.next()!
            return (Person(id: Self.id(n), name: name), [])
        }
        // Added: 尉迟恭, then renamed to 高峰 (an edit).
        let added = try l.addPerson(Person(id: Self.id(1), name: "尉迟恭"))
        try l.updatePerson(rowID: added, Person(id: Self.id(1), name: "高峰"))
        // Imported: two new, then one renamed by a second import.
        let csv = """
            身份证号,姓名
            \(Self.id(2).value),单雄飞
            \(Self.id(4).value),刘洋

            """
        #expect(try importing(l, .person, csv).inserted == 2)
        let rename = "身份证号,姓名\n\(Self.id(4).value),李娜\n"
        #expect(try importing(l, .person, rename).updated == 1)
        // Undone: 曾兵 deleted and brought back; 陈兵 renamed and the rename undone.
        let zeng = try l.addPerson(Person(id: Self.id(6), name: "曾兵"))
        try l.deletePerson(rowID: zeng)
        _ = try l.undo(.personDeleted(Person(id: Self.id(6), name: "曾兵")), reason: "", reviewer: "test")
        let chen = try l.addPerson(Person(id: Self.id(7), name: "陈兵"))
        try l.updatePerson(rowID: chen, Person(id: Self.id(7), name: "程冰"))
        _ = try l.undo(.personChanged(rowID: chen, before: Person(id: Self.id(7), name: "陈兵")), reason: "", reviewer: "test")

        try keysAgree(l)
        #expect(try wholeList(l) == ["陈兵", "高峰", "郭婷", "李娜", "李强", "单雄飞", "曾兵"])
    }

    /// A ledger written by the previous release (schema v6, the key generated from the first initial)
    /// migrates to full pinyin order: every row's key filled, the indexes rebuilt, no history entry for
    /// it, and the history's chain still sound.
    @Test func aV6LedgerMigratesToThePinyinOrder() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/v6.sqlite"
        try SQLiteLedger.create(path)
        let q = try DatabaseQueue(path: path, configuration: SQLiteLedger.configuration(actor: "老版本"))
        try Schema.migrator.migrate(q, upTo: "v6")
        try q.write { db in
            for (n, name) in Self.ordered.enumerated().reversed() {
                try db.execute(
                    sql: """
                        INSERT INTO person (id_number, name, name_initials, gender, birth_date, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, 'x', 'x')
                        """,
                    arguments: [
                        Self.id(n).value, name, pinyin.initials(of: name), Self.id(n).gender.rawValue, Self.id(n).birthDate.iso,
                    ])
            }
        }
        // Chained as that release did when it wrote them.
        try q.write { db in try HistoryChain.extend(db, after: 0) }
        // The old order: first initial, then code points (郭 before 高, 刘 before 李).
        let old = try q.read { try String.fetchAll($0, sql: "SELECT name FROM person ORDER BY name_key, id") }
        #expect(old.firstIndex(of: "郭婷")! < old.firstIndex(of: "高峰")!)
        #expect(old.firstIndex(of: "刘洋")! < old.firstIndex(of: "李娜")!)
        let historyBefore = try q.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM history") }
        try q.close()

        let l = try SQLiteLedger.open(path: path, pinyin: pinyin, rules: shippedRules)
        #expect(try l.schemaVersion() == Schema.migrator.migrations.last)
        try keysAgree(l)
        #expect(try wholeList(l) == Self.ordered)
        #expect(try l.db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM history") } == historyBefore)
        let indexes = try l.db.read {
            try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'person_%name%'")
        }
        #expect(Set(indexes).isSuperset(of: ["person_name_key", "person_unit_name"]))
        // The list pages by name through the index, not by sorting the table.
        let plan = try l.db.read {
            try Row.fetchAll($0, sql: "EXPLAIN QUERY PLAN SELECT id FROM person ORDER BY name_key LIMIT 3").map {
                $0["detail"] as String
            }
        }
        #expect(plan.contains { $0.contains("person_name_key") }, "\(plan)")
        let errors = try l.check().filter { $0.severity == .error }.map { "\($0.location): \($0.message.en)" }
        #expect(errors == [])
        // The trigger set aside during the migration is back: an edit writes its history entry.
        let row = try #require(try l.personRowID(idNumber: Self.id(0).value))
        try l.updatePerson(rowID: row, Person(id: Self.id(0), name: "王艾米"))
        #expect(try l.db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM history") } == historyBefore! + 1)
        try keysAgree(l)
    }
}

/// The pickers' lists, found seek by seek, are exactly what DISTINCT finds.
@Suite struct FilterListTests {
    @Test func unitsAndDepartmentsAreTheDistinctOnesInOrder() throws {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        let places = [
            ("南昌市第一医院", "外科"), ("南昌市第一医院", "内科"), ("南昌市第一医院", "外科"), ("九江学院", ""), ("", "后勤"),
            ("江西省建筑设计研究院", "结构所"), ("九江学院", "外科"), ("", ""), ("Zeta", "a"), ("南昌市第一医院", ""),
        ]
        for (n, (unit, department)) in places.enumerated() {
            var p = Person(id: NameOrderTests.id(n), name: "张\(n)")
            p.unit = unit
            p.department = department
            try l.addPerson(p)
        }
        func distinct(_ sql: String, _ args: StatementArguments = []) throws -> [String] {
            try l.db.read { try String.fetchAll($0, sql: sql, arguments: args) }
        }
        #expect(try l.units() == distinct("SELECT DISTINCT unit FROM person WHERE unit <> '' ORDER BY unit"))
        #expect(try l.units().count == 4)
        #expect(
            try l.departments(unit: nil)
                == distinct("SELECT DISTINCT department FROM person WHERE department <> '' ORDER BY department"))
        for unit in try l.units() + ["", "无此单位"] {
            #expect(
                try l.departments(unit: unit)
                    == distinct(
                        "SELECT DISTINCT department FROM person WHERE unit = ? AND department <> '' ORDER BY department", [unit]),
                "\(unit)")
        }
        #expect(try l.departments(unit: "南昌市第一医院") == ["内科", "外科"])
    }
}
