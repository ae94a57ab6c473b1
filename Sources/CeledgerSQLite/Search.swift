import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import Foundation
internal import GRDB
internal import GRDBSQLite

/// The persons list's search index (`SearchIndex`, shared with the server ledger) as read from this file,
/// with what it was read at and the year flags kept for it. Read again when the ledger changed.
final class SQLiteSearch: @unchecked Sendable {
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
    let index: SearchIndex

    init(_ db: Database) throws {
        key = try Key(db)
        let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM person") ?? 0
        // Read through SQLite's C API, straight from its buffers: no Row, Data or String for each cell.
        var built = SearchIndex.Builder(capacity: count)
        try SQLiteSearch.eachRow(db, "SELECT id, name, name_initials, id_number FROM person ORDER BY id") { s in
            func text(_ column: Int32) -> UnsafeBufferPointer<UInt8> {
                UnsafeBufferPointer(start: sqlite3_column_text(s, column), count: Int(sqlite3_column_bytes(s, column)))
            }
            built.add(id: sqlite3_column_int64(s, 0), name: text(1), initials: text(2), number: text(3))
        }
        // SQLite sorts, so that the order is exactly the one the list's SQL pages in.
        func order(_ sql: String) throws -> [Int32] {
            var ids: [Int64] = []
            ids.reserveCapacity(count)
            try SQLiteSearch.eachRow(db, sql) { ids.append(sqlite3_column_int64($0, 0)) }
            return built.positions(inOrderOf: ids)
        }
        index = SearchIndex(
            built, nameOrder: try order("SELECT id FROM person ORDER BY name_key, id"),
            numberOrder: try order("SELECT id FROM person ORDER BY id_number, id"))
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

    /// For one year, each position's place in the persons list (`SearchIndex.YearFlags`). Read from the
    /// summary (a tenth of a second for 430,000 persons) again when the year's summary may have changed;
    /// kept for a few years, so that `prepareSearch(year:)` can read them beforehand on another connection.
    func yearFlags(_ db: Database, year: Int) throws -> [UInt8] {
        let key = try YearKey(db, year: year)
        if let flags = years.withLock({ $0[key] }) { return flags }
        var flags = SearchIndex.YearFlags(for: index)
        // Through the C API, as the index is read: a year has a row for every person active in it.
        try SQLiteSearch.eachRow(
            db, "SELECT person_id, \(SQLiteLedger.metSQL()) FROM person_year WHERE year = \(year) ORDER BY person_id"
        ) { s in
            flags.add(personID: sqlite3_column_int64(s, 0), met: sqlite3_column_int(s, 1) != 0)
        }
        years.withLock { kept in
            // Flags read before the last change are of no more use; past that, any year may go.
            if kept.count >= SQLiteSearch.keptYears {
                kept = kept.filter { $0.key.lastChange == key.lastChange }
                while kept.count >= SQLiteSearch.keptYears { kept.removeValue(forKey: kept.keys.first!) }
            }
            kept[key] = flags.flags
        }
        return flags.flags
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

    /// The row ids the index's search finds, as a JSON array for SQL's `json_each`. A keystroke asks twice
    /// (the count and the page), so the last answer is kept.
    func matchesJSON(_ search: String) -> String {
        if let (s, json) = lastMatch.withLock({ $0 }), s == search { return json }
        let json = SQLiteSearch.json(index.matches(search))
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
}

extension SQLiteLedger {
    /// The search index for the persons as they are now; read again only when a person changed.
    func searchIndex(_ db: Database) throws -> SQLiteSearch {
        let key = try SQLiteSearch.Key(db)
        if let cached = cachedSearch.withLock({ $0 }), cached.key == key { return cached }
        // The first keystroke may come while `prepareSearch` is still reading: waiting for it costs less
        // than reading a second one beside it on the same cores.
        if let reading = searchBeingRead.withLock({ $0 }) {
            _ = reading.wait(timeout: .now() + 5)
            reading.signal()
            if let cached = cachedSearch.withLock({ $0 }), cached.key == key { return cached }
        }
        let index = try SQLiteSearch(db)
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
            (try? db.read({ db in try SQLiteSearch.Key(db) == index.key && index.hasFlags(db, year: year) })) == true
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
                if let index = try? reader?.read({ try SQLiteSearch($0) }) { cache.withLock { if $0 == nil { $0 = index } } }
                reading.signal()
            }
            if let year, wanted.withLock({ $0 }) == year, let index = cache.withLock({ $0 }) {
                _ = try? reader?.read { db in
                    // Only for the index as the persons are now; a stale one is read again on its first use.
                    if try SQLiteSearch.Key(db) == index.key { _ = try index.yearFlags(db, year: year) }
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
        searchPreparing.withLock { $0.waits(year: year) }
    }
}
