import CeledgerDomain
import Foundation
internal import GRDB

/// Every person's name, pinyin initials and ID number as bytes, for the persons list's search: a
/// keystroke scans them in memory. Read again when the ledger changed.
final class SearchIndex: @unchecked Sendable {
    /// What the persons were when it was read: their number and the last history entry about any of them
    /// (every change to a person writes one). The same on every connection, so another thread can read it.
    struct Key: Equatable {
        let persons: Int
        let lastChange: Int64?

        init(_ db: Database) throws {
            let row = try Row.fetchOne(db, sql: "SELECT (SELECT count(*) FROM person), (SELECT max(id) FROM history WHERE entity = 'person')")!
            persons = row[0]
            lastChange = row[1]
        }
    }

    let key: Key
    private var ids: [Int64] = []
    /// All persons' fields end to end, each person's as: name (ASCII letters in lower case), a space and
    /// the initials (" zs sz": each reading's initials after a space, so a search matches from a word's
    /// start), then the ID number. `starts[i]` is where person i's name begins; `marks` where its
    /// initials and number begin.
    private var bytes: [UInt8] = []
    private var starts: [Int] = []
    private var initialsAt: [Int] = []
    private var numberAt: [Int] = []
    /// Positions (indexes into `ids`) in the persons list's orders by name (name_key, id) and by ID
    /// number, and each position's rank in them: a search pages its matches here, so that SQL reads only
    /// the rows shown instead of sorting and counting thousands of matches at every keystroke.
    private var nameOrder: [Int32] = [], nameRank: [Int32] = []
    private var numberOrder: [Int32] = [], numberRank: [Int32] = []

    init(_ db: Database) throws {
        key = try Key(db)
        let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM person") ?? 0
        ids.reserveCapacity(count)
        starts.reserveCapacity(count + 1)
        initialsAt.reserveCapacity(count)
        numberAt.reserveCapacity(count)
        bytes.reserveCapacity(count * 32)
        // Straight from SQLite's buffers into one array: no String or array for each of the cells.
        let rows = try Row.fetchCursor(db, sql: "SELECT id, name, name_initials, id_number FROM person ORDER BY id")
        while let row = try rows.next() {
            ids.append(row[0])
            starts.append(bytes.count)
            let nameStart = bytes.count
            try row.withUnsafeData(atIndex: 1) { d in if let d { bytes.append(contentsOf: d) } }
            for k in nameStart..<bytes.count where (0x41...0x5A).contains(bytes[k]) { bytes[k] |= 0x20 }
            initialsAt.append(bytes.count)
            bytes.append(0x20)
            try row.withUnsafeData(atIndex: 2) { d in if let d { bytes.append(contentsOf: d) } }
            numberAt.append(bytes.count)
            try row.withUnsafeData(atIndex: 3) { d in if let d { bytes.append(contentsOf: d) } }
        }
        starts.append(bytes.count)
        // SQLite sorts, so that the order is exactly the one the list's SQL pages in.
        (nameOrder, nameRank) = try orderOf(db, "SELECT id FROM person ORDER BY name_key, id")
        (numberOrder, numberRank) = try orderOf(db, "SELECT id FROM person ORDER BY id_number, id")
    }

    private func orderOf(_ db: Database, _ sql: String) throws -> ([Int32], [Int32]) {
        var order: [Int32] = []
        order.reserveCapacity(ids.count)
        var rank = [Int32](repeating: -1, count: ids.count)
        let rows = try Int64.fetchCursor(db, sql: sql)
        while let id = try rows.next() {
            // A person added since the read above (another connection) is left to the next read.
            guard let pos = position(of: id) else { continue }
            rank[pos] = Int32(order.count)
            order.append(Int32(pos))
        }
        return (order, rank)
    }

    /// Where the person with this row id is in `ids` (ascending), if the index has them.
    func position(of id: Int64) -> Int? {
        var lo = 0, hi = ids.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ids[mid] < id { lo = mid + 1 } else { hi = mid }
        }
        return lo < ids.count && ids[lo] == id ? lo : nil
    }

    func rowID(at position: Int32) -> Int64 { ids[Int(position)] }

    /// The positions in one of the list's orders, and each position's rank in it; nil for an order the
    /// index does not keep.
    func order(_ sort: PersonSort) -> (order: [Int32], rank: [Int32])? {
        switch sort {
        case .name: (nameOrder, nameRank)
        case .idNumber: (numberOrder, numberRank)
        default: nil
        }
    }

    /// ASCII upper case to lower case; SQL's LIKE treats ASCII letters so, and clerks type either.
    static func lower(_ b: UInt8) -> UInt8 { (0x41...0x5A).contains(b) ? b | 0x20 : b }

    /// The row ids of the persons the search finds: the name contains it (ASCII letters in either case);
    /// or, for digits (and X), the ID number does; or, for ASCII letters, the pinyin initials start with it
    /// ("zs" finds 张三, and 张三丰).
    func matches(_ search: String) -> [Int64] {
        matched(search).positions.map { ids[Int($0)] }
    }

    /// What `matches` finds, as positions (ascending), with a membership test by position. A keystroke
    /// asks more than once (the count and the page), so the last answer is kept.
    struct Matches {
        let positions: [Int32]
        let member: [Bool]
    }

    func matched(_ search: String) -> Matches {
        if let (s, m) = lastMatched.withLock({ $0 }), s == search { return m }
        let positions = matchPositions(search)
        var member = [Bool](repeating: false, count: ids.count)
        for p in positions { member[Int(p)] = true }
        let m = Matches(positions: positions, member: member)
        lastMatched.withLock { $0 = (search, m) }
        return m
    }

    private let lastMatched = Locked<(String, Matches)?>(nil)

    private func matchPositions(_ search: String) -> [Int32] {
        let q = Array(search.utf8).map(SearchIndex.lower)
        guard !q.isEmpty else { return ids.indices.map { Int32($0) } }
        let digits = search.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "X" || $0 == "x") }
        let letters = search.allSatisfy { $0.isASCII && $0.isLetter }
        let upper = Array(search.uppercased().utf8)
        let wordStart = [0x20] + q
        var out: [Int32] = []
        bytes.withUnsafeBufferPointer { all in
            for i in ids.indices {
                if SearchIndex.contains(all, starts[i], initialsAt[i], q)
                    || (digits && SearchIndex.contains(all, numberAt[i], starts[i + 1], upper))
                    || (letters && SearchIndex.contains(all, initialsAt[i], numberAt[i], wordStart)) {
                    out.append(Int32(i))
                }
            }
        }
        return out
    }

    /// For one year, each position's place in the persons list: bit 0 listed (the year's summary has a
    /// row for the person: active in it), bit 1 met. Read from the summary again when the year or the
    /// ledger changed (or on another connection, whose data_version counts apart).
    func yearFlags(_ db: Database, year: Int) throws -> [UInt8] {
        let key = YearKey(year: year, connection: UInt(bitPattern: db.sqliteConnection), version: try Ledger.version(db))
        if let (k, flags) = lastYear.withLock({ $0 }), k == key { return flags }
        var flags = [UInt8](repeating: 0, count: ids.count)
        let rows = try Row.fetchCursor(db, sql: "SELECT person_id, needed_tenths = 0 FROM person_year WHERE year = ? ORDER BY person_id",
                                       arguments: [year])
        var pos = 0
        while let r = try rows.next() {
            let id: Int64 = r[0]
            while pos < ids.count && ids[pos] < id { pos += 1 }
            if pos < ids.count && ids[pos] == id { flags[pos] = (r[1] as Bool) ? 3 : 1 }
        }
        lastYear.withLock { $0 = (key, flags) }
        return flags
    }

    struct YearKey: Equatable {
        let year: Int
        let connection: UInt
        let version: Int64
    }

    private let lastYear = Locked<(YearKey, [UInt8])?>(nil)

    /// The row ids `matches` finds, as a JSON array for SQL's `json_each`. A keystroke asks twice (the
    /// count and the page), so the last answer is kept.
    func matchesJSON(_ search: String) -> String {
        if let (s, json) = lastMatch.withLock({ $0 }), s == search { return json }
        let json = SearchIndex.json(matches(search))
        lastMatch.withLock { $0 = (search, json) }
        return json
    }

    /// Row ids as a JSON array, for SQL's `json_each`.
    static func json(_ ids: [Int64]) -> String {
        var json = "["
        json.reserveCapacity(ids.count * 7 + 2)
        for (i, id) in ids.enumerated() {
            if i > 0 { json.append(",") }
            json.append(String(id))
        }
        json.append("]")
        return json
    }

    private let lastMatch = Locked<(String, String)?>(nil)

    /// Whether `hay[from..<to]` contains `needle`.
    static func contains(_ hay: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, _ needle: [UInt8]) -> Bool {
        let n = needle.count
        guard n > 0 else { return true }
        guard n <= to - from else { return false }
        let first = needle[0]
        var i = from
        while i <= to - n {
            if hay[i] == first {
                var j = 1
                while j < n && hay[i + j] == needle[j] { j += 1 }
                if j == n { return true }
            }
            i += 1
        }
        return false
    }
}

extension Ledger {
    /// The search index for the persons as they are now; read again only when a person changed.
    func searchIndex(_ db: Database) throws -> SearchIndex {
        let key = try SearchIndex.Key(db)
        if let cached = cachedSearch.withLock({ $0 }), cached.key == key { return cached }
        // The first keystroke may come while `prepareSearch` is still reading: waiting for it costs less
        // than reading a second one beside it on the same cores.
        if let reading = searchBeingRead.withLock({ $0 }) {
            _ = reading.wait(timeout: .now() + 5)
            reading.signal()
            if let cached = cachedSearch.withLock({ $0 }), cached.key == key { return cached }
        }
        let index = try SearchIndex(db)
        cachedSearch.withLock { $0 = index }
        return index
    }

    /// Reads the search index on a thread of its own, through a connection of its own, so that the first
    /// search keystroke finds it ready (the UI calls it once its first screen is drawn).
    public func prepareSearch() {
        guard path != ":memory:", cachedSearch.withLock({ $0 }) == nil, searchBeingRead.withLock({ $0 }) == nil else { return }
        let path = self.path, cache = cachedSearch, reading = DispatchSemaphore(value: 0)
        searchBeingRead.withLock { $0 = reading }
        Thread.detachNewThread {
            defer { reading.signal() }
            guard let reader = try? DatabaseQueue(path: path, configuration: Ledger.configuration(readonly: true)),
                  let index = try? reader.read({ try SearchIndex($0) }) else { return }
            cache.withLock { if $0 == nil { $0 = index } }
            try? reader.close()
        }
    }
}

/// A value shared between threads behind a lock.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
