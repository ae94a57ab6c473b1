import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import Foundation
internal import GRDB
internal import GRDBSQLite

/// Every person's name, pinyin initials and ID number as bytes, for the persons list's search: a
/// keystroke scans them in memory. Read again when the ledger changed.
final class SearchIndex: @unchecked Sendable {
    /// What the persons were when it was read: the last history entry about any of them (every insert,
    /// update and delete of a person writes one) and the highest row id. The same on every connection, so
    /// another thread can read it; two index lookups, where counting the persons read all of an index
    /// at every keystroke (5 ms for 430,000).
    struct Key: Equatable {
        let lastPerson: Int64?
        let lastChange: Int64?

        init(_ db: Database) throws {
            let row = try Row.fetchOne(
                db, sql: "SELECT (SELECT max(id) FROM person), (SELECT max(id) FROM history WHERE entity = 'person')")!
            lastPerson = row[0]
            lastChange = row[1]
        }
    }

    let key: Key
    private let ids: [Int64]
    /// All persons' fields end to end, each person's as: name (ASCII letters in lower case), a space and
    /// the initials (" zs sz": each reading's initials after a space, so a search matches from a word's
    /// start), then the ID number. `starts[i]` is where person i's name begins, `initialsAt[i]` and
    /// `numberAt[i]` where its initials and number begin (32 bits: two gigabytes of text, some fifty million persons).
    private let bytes: [UInt8]
    private let starts: [Int32]
    private let initialsAt: [Int32]
    private let numberAt: [Int32]
    /// Positions (indexes into `ids`) in the persons list's orders by name (name_key, id) and by ID
    /// number, and each position's rank in them: a search pages its matches here, so that SQL reads only
    /// the rows shown instead of sorting and counting thousands of matches at every keystroke.
    private let nameOrder: [Int32], nameRank: [Int32]
    private let numberOrder: [Int32], numberRank: [Int32]

    init(_ db: Database) throws {
        key = try Key(db)
        let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM person") ?? 0
        // Built in local arrays and read through SQLite's C API, straight from its buffers: no Row, Data or
        // String for each cell, and none of the checks a class's own arrays get at every access.
        var ids: [Int64] = [], starts: [Int32] = [], initialsAt: [Int32] = [], numberAt: [Int32] = [], bytes: [UInt8] = []
        ids.reserveCapacity(count)
        starts.reserveCapacity(count + 1)
        initialsAt.reserveCapacity(count)
        numberAt.reserveCapacity(count)
        bytes.reserveCapacity(count * 32)
        try SearchIndex.eachRow(db, "SELECT id, name, name_initials, id_number FROM person ORDER BY id") { s in
            func append(_ column: Int32) {
                guard let text = sqlite3_column_text(s, column) else { return }
                bytes.append(contentsOf: UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(s, column))))
            }
            ids.append(sqlite3_column_int64(s, 0))
            starts.append(Int32(bytes.count))
            let nameStart = bytes.count
            append(1)
            for k in nameStart..<bytes.count where (0x41...0x5A).contains(bytes[k]) { bytes[k] |= 0x20 }
            initialsAt.append(Int32(bytes.count))
            bytes.append(0x20)
            append(2)
            numberAt.append(Int32(bytes.count))
            append(3)
        }
        starts.append(Int32(bytes.count))
        // SQLite sorts, so that the order is exactly the one the list's SQL pages in.
        (nameOrder, nameRank) = try SearchIndex.orderOf(db, "SELECT id FROM person ORDER BY name_key, id", ids)
        (numberOrder, numberRank) = try SearchIndex.orderOf(db, "SELECT id FROM person ORDER BY id_number, id", ids)
        (self.ids, self.starts, self.initialsAt, self.numberAt, self.bytes) = (ids, starts, initialsAt, numberAt, bytes)
    }

    /// Steps through a query's rows with SQLite's C API, handing `body` the statement at each row.
    private static func eachRow(_ db: Database, _ sql: String, _ body: (OpaquePointer?) -> Void) throws {
        let statement = try db.makeStatement(sql: sql)
        let s = statement.sqliteStatement
        defer { sqlite3_reset(s) }
        while try step(s, db) { body(s) }
    }

    /// The statement's next row: true at a row, false at the end, SQLite's error otherwise.
    private static func step(_ s: OpaquePointer?, _ db: Database) throws -> Bool {
        let code = sqlite3_step(s)
        if code == SQLITE_ROW { return true }
        if code == SQLITE_DONE { return false }
        throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
    }

    /// The positions (indexes into `ids`, ascending) in the order of the query's row ids, and each
    /// position's rank in it.
    private static func orderOf(_ db: Database, _ sql: String, _ ids: [Int64]) throws -> ([Int32], [Int32]) {
        let n = ids.count
        var order = [Int32](repeating: 0, count: n), rank = [Int32](repeating: -1, count: n)
        var found = 0
        // Row ids are mostly dense: a table from id to position then answers at once, where a binary search
        // for each of half a million ids waited on memory at every step.
        let low = ids.first ?? 0, span = (ids.last ?? 0) - low + 1
        var table: [Int32] = []
        if span <= Int64(n) * 4 {
            table = [Int32](repeating: -1, count: Int(span))
            for (pos, id) in ids.enumerated() { table[Int(id - low)] = Int32(pos) }
        }
        let statement = try db.makeStatement(sql: sql)
        let s = statement.sqliteStatement
        defer { sqlite3_reset(s) }
        try ids.withUnsafeBufferPointer { ids in
            try table.withUnsafeBufferPointer { table in
                try order.withUnsafeMutableBufferPointer { order in
                    try rank.withUnsafeMutableBufferPointer { rank in
                        while try step(s, db) {
                            let id = sqlite3_column_int64(s, 0)
                            // The same read transaction as the ids: every person is there.
                            let pos =
                                table.isEmpty
                                ? position(of: id, in: ids) ?? -1 : id >= low && id - low < span ? Int(table[Int(id - low)]) : -1
                            guard pos >= 0, found < n else { continue }
                            rank[pos] = Int32(found)
                            order[found] = Int32(pos)
                            found += 1
                        }
                    }
                }
            }
        }
        order.removeLast(n - found)
        return (order, rank)
    }

    private static func position(of id: Int64, in ids: UnsafeBufferPointer<Int64>) -> Int? {
        var lo = 0, hi = ids.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ids[mid] < id { lo = mid + 1 } else { hi = mid }
        }
        return lo < ids.count && ids[lo] == id ? lo : nil
    }

    /// Where the person with this row id is in `ids` (ascending), if the index has them.
    func position(of id: Int64) -> Int? {
        ids.withUnsafeBufferPointer { SearchIndex.position(of: id, in: $0) }
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

    /// What `matches` finds, as positions (ascending), with a membership test by position.
    struct Matches {
        let positions: [Int32]
        let member: [Bool]
    }

    /// A keystroke asks more than once (the count and the page), typing goes on from the last search and
    /// backspace goes back to an earlier one: the last few answers are kept, and a search that extends a
    /// kept one looks only among what that one found (a longer search finds a subset: its name text
    /// contains the shorter, its digits or initials start the same).
    func matched(_ search: String) -> Matches {
        let kept = recent.withLock { $0 }
        if let hit = kept.first(where: { $0.search == search }) { return hit.matches }
        let bytes = Array(search.utf8)
        let base = kept.filter { !$0.search.isEmpty && bytes.starts(with: $0.search.utf8) }
            .max { $0.search.utf8.count < $1.search.utf8.count }
        let positions = matchPositions(search, among: base?.matches.positions)
        var member = [Bool](repeating: false, count: ids.count)
        for p in positions { member[Int(p)] = true }
        let m = Matches(positions: positions, member: member)
        recent.withLock { $0 = [(search, m)] + $0.filter { $0.search != search }.prefix(SearchIndex.keptAnswers - 1) }
        return m
    }

    static let keptAnswers = 6
    private let recent = Locked<[(search: String, matches: Matches)]>([])

    /// The positions whose person the search finds, ascending; among `candidates` (ascending) if given,
    /// else among all. A long list is split between the cores.
    func matchPositions(_ search: String, among candidates: [Int32]? = nil, parts: Int? = nil) -> [Int32] {
        let q = Array(search.utf8).map(SearchIndex.lower)
        guard !q.isEmpty else { return candidates ?? ids.indices.map { Int32($0) } }
        let digits = search.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "X" || $0 == "x") }
        let letters = search.allSatisfy { $0.isASCII && $0.isLetter }
        let needles = Needles(
            name: q, number: digits ? Array(search.uppercased().utf8) : nil, initials: letters ? [0x20] + q : nil)
        let count = candidates?.count ?? ids.count
        let n = max(1, min(parts ?? (count >= SearchIndex.splitFrom ? SearchIndex.cores : 1), count))
        if n == 1 { return scan(needles, candidates, 0..<count) }
        let pieces = Locked([[Int32]](repeating: [], count: n))
        DispatchQueue.concurrentPerform(iterations: n) { k in
            let part = scan(needles, candidates, count * k / n..<count * (k + 1) / n)
            pieces.withLock { $0[k] = part }
        }
        return pieces.withLock { $0.flatMap { $0 } }
    }

    /// Lists at least this long are scanned on every core.
    static let splitFrom = 50_000
    static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    private struct Needles {
        let name: [UInt8]
        /// Upper case, for ID numbers: only a search of digits (and X).
        let number: [UInt8]?
        /// A space and the search, for initials from a word's start: only a search of ASCII letters.
        let initials: [UInt8]?
    }

    /// The positions in `range` (of `candidates`, or of all) whose person matches.
    private func scan(_ needles: Needles, _ candidates: [Int32]?, _ range: Range<Int>) -> [Int32] {
        var out: [Int32] = []
        // Everything the loop reads as raw buffers: an array read in the loop would be retained and
        // released at each person, atomically, by both cores at once on the same counts.
        let number = needles.number ?? [], initials = needles.initials ?? []
        let hasNumber = needles.number != nil, hasInitials = needles.initials != nil
        let packed = needles.name + number + initials
        let (a, b) = (needles.name.count, needles.name.count + number.count)
        packed.withUnsafeBufferPointer { packed in
            let name = UnsafeBufferPointer(rebasing: packed[..<a]), number = UnsafeBufferPointer(rebasing: packed[a..<b]),
                initials = UnsafeBufferPointer(rebasing: packed[b...])
            bytes.withUnsafeBufferPointer { all in
                starts.withUnsafeBufferPointer { starts in
                    initialsAt.withUnsafeBufferPointer { initialsAt in
                        numberAt.withUnsafeBufferPointer { numberAt in
                            func matches(_ i: Int) -> Bool {
                                let s = Int(starts[i]), ini = Int(initialsAt[i]), num = Int(numberAt[i])
                                return SearchIndex.contains(all, s, ini, name)
                                    || (hasNumber && SearchIndex.contains(all, num, Int(starts[i + 1]), number))
                                    || (hasInitials && SearchIndex.contains(all, ini, num, initials))
                            }
                            if let candidates {
                                candidates.withUnsafeBufferPointer { candidates in
                                    for k in range where matches(Int(candidates[k])) { out.append(candidates[k]) }
                                }
                            } else {
                                for i in range where matches(i) { out.append(Int32(i)) }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// For one year, each position's place in the persons list: bit 0 listed (the year's summary has a
    /// row for the person: active in it), bit 1 met. Read from the summary (a tenth of a second for
    /// 430,000 persons) again when the year's summary may have changed; kept for a few years, so that
    /// `prepareSearch(year:)` can read them beforehand on another connection.
    func yearFlags(_ db: Database, year: Int) throws -> [UInt8] {
        let key = try YearKey(db, year: year)
        if let flags = years.withLock({ $0[key] }) { return flags }
        var flags = [UInt8](repeating: 0, count: ids.count)
        var pos = 0
        // Through the C API, as the index is read: a year has a row for every person active in it.
        try ids.withUnsafeBufferPointer { ids in
            try SearchIndex.eachRow(
                db, "SELECT person_id, \(SQLiteLedger.metSQL()) FROM person_year WHERE year = \(year) ORDER BY person_id"
            ) { s in
                let id = sqlite3_column_int64(s, 0)
                while pos < ids.count && ids[pos] < id { pos += 1 }
                if pos < ids.count && ids[pos] == id { flags[pos] = sqlite3_column_int(s, 1) != 0 ? 3 : 1 }
            }
        }
        years.withLock { kept in
            // Flags read before the last change are of no more use; past that, any year may go.
            if kept.count >= SearchIndex.keptYears {
                kept = kept.filter { $0.key.lastChange == key.lastChange }
                while kept.count >= SearchIndex.keptYears { kept.removeValue(forKey: kept.keys.first!) }
            }
            kept[key] = flags
        }
        return flags
    }

    /// What a year's summary was when its flags were read, the same on every connection: the last
    /// history entry (every change to persons and records writes one in the same transaction as the
    /// summary's), and the year's row of summary_year (the rules it was made by, its counts).
    struct YearKey: Hashable {
        let year: Int
        let lastChange: Int64?
        let summary: String?

        init(_ db: Database, year: Int) throws {
            self.year = year
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT (SELECT max(id) FROM history),
                           (SELECT rule_set || ' ' || digest || ' ' || persons || ' ' || met FROM summary_year WHERE year = ?)
                    """, arguments: [year])!
            lastChange = row[0]
            summary = row[1]
        }
    }

    static let keptYears = 4
    private let years = Locked<[YearKey: [UInt8]]>([:])
    /// Whether the year's flags are kept as the year's summary is now.
    func hasFlags(_ db: Database, year: Int) throws -> Bool {
        let key = try YearKey(db, year: year)
        return years.withLock { $0[key] != nil }
    }

    /// The years whose flags are kept (for tests).
    var keptFlagYears: [Int] { years.withLock { $0.keys.map(\.year).sorted() } }

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
        var json = JSONWriter(capacity: ids.count * 7 + 2)
        json.array(ids)
        return json.text
    }

    private let lastMatch = Locked<(String, String)?>(nil)

    /// Whether `hay[from..<to]` contains `needle`.
    @inline(__always)
    static func contains(_ hay: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, _ needle: UnsafeBufferPointer<UInt8>) -> Bool
    {
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

extension SQLiteLedger {
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

    /// Reads the search index in the background, through a connection of its own, so that the first
    /// search keystroke finds it ready (the UI calls it once its first screen is drawn); with a year, also
    /// that year's flags (the UI calls it again when the year changes). One read at a time, in order; a
    /// year no longer wanted when its turn comes is skipped.
    public func prepareSearch(year: Int? = nil) {
        guard path != ":memory:" else { return }
        if let year { searchYearWanted.withLock { $0 = year } }
        let reading: DispatchSemaphore? = searchBeingRead.withLock { being in
            guard being == nil, cachedSearch.withLock({ $0 }) == nil else { return nil }
            being = DispatchSemaphore(value: 0)
            return being
        }
        guard reading != nil || year != nil else { return }
        // A year whose flags are kept for the index as it is needs nothing (two index lookups to know).
        if reading == nil, let year, let index = cachedSearch.withLock({ $0 }),
            (try? db.read({ db in try SearchIndex.Key(db) == index.key && index.hasFlags(db, year: year) })) == true
        {
            return
        }
        searchPreparing.withLock { $0.add(index: reading != nil, year: year, by: 1) }
        let path = self.path, cache = cachedSearch, preparing = searchPreparing, wanted = searchYearWanted
        // A year alone is read once the clerk has stayed on it a moment: paging through years reads none of
        // those passed over, and leaves the other core to the keys meanwhile.
        SQLiteLedger.searchQueue.asyncAfter(deadline: .now() + (reading == nil ? SQLiteLedger.settleBeforeFlags : 0)) {
            defer { preparing.withLock { $0.add(index: reading != nil, year: year, by: -1) } }
            let reader = try? DatabaseQueue(path: path, configuration: SQLiteLedger.configuration(readonly: true))
            if let reading {
                if let index = try? reader?.read({ try SearchIndex($0) }) { cache.withLock { if $0 == nil { $0 = index } } }
                reading.signal()
            }
            if let year, wanted.withLock({ $0 }) == year, let index = cache.withLock({ $0 }) {
                _ = try? reader?.read { db in
                    // Only for the index as the persons are now; a stale one is read again on its first use.
                    if try SearchIndex.Key(db) == index.key { _ = try index.yearFlags(db, year: year) }
                }
            }
            try? reader?.close()
        }
    }

    static let searchQueue = DispatchQueue(label: "celedger.search", qos: .utility)
    static let settleBeforeFlags = 0.25
}

extension SQLiteLedger {
    /// True while `prepareSearch` is still reading the search index or the year's flags: a search asked now
    /// would wait for them (a third of a second for the index of 430,000 persons, a tenth for a year's
    /// flags, seconds when the ledger is not in the page cache yet), so the persons list shows what was
    /// typed and searches once they are ready.
    public func searchIsBeingPrepared(year: Int) -> Bool {
        searchPreparing.withLock { $0.index > 0 || $0.years[year, default: 0] > 0 }
    }
}

/// Reads `prepareSearch` has queued or is doing.
struct SearchPreparing {
    var index = 0
    var years: [Int: Int] = [:]

    mutating func add(index reading: Bool, year: Int?, by n: Int) {
        if reading { index += n }
        if let year { years[year, default: 0] += n }
        years = years.filter { $0.value > 0 }
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
