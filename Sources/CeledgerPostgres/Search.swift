import CeledgerDomain
import CeledgerLedger
import Foundation

/// The persons list's search on a server, as on a file (Sources/CeledgerSQLite/Search.swift): every
/// person's name, initials and ID number read in one pass into the shared `SearchIndex`, with each year's
/// flags (listed, met) and the pickers' units and departments, kept while nothing changed. A keystroke
/// then scans memory and sends the server only the page's row ids, where SQL over every person at each
/// keystroke cost 16 ms at the median and over 100 ms at the 99th percentile (43,000 persons, loopback).
///
/// "Nothing changed" is `changes` (`receivedChanges`, LISTEN/NOTIFY): each thing is kept with the count it
/// was read at, taken before its transaction's snapshot, so a commit the snapshot may have missed always
/// moves the count past it afterwards. A session that cannot listen keeps nothing and reads the index in
/// each search's transaction.
///
/// What the index holds is what the connecting role reads: it is read through the same login role, so a
/// unit's clerk's row-level security limits it as it limits every other read.
final class PostgresSearch: @unchecked Sendable {
    /// The units and departments present, for the filter pickers.
    struct PickerLists {
        let units: [String]
        let byUnit: [String: [String]]
        let all: [String]

        func departments(unit: String?) -> [String] { unit.map { byUnit[$0] ?? [] } ?? all }
    }

    /// A year of the stored summary for the index's positions: the flags (`SearchIndex.YearFlags`, the
    /// professionally short by `thresholds`) and each listed person's hours, for the orders by them.
    final class YearFigures: @unchecked Sendable {
        let thresholds: RuleSet.Thresholds
        let flags: [UInt8]
        let publicTenths: [Int32], professionalTenths: [Int32], totalTenths: [Int32], neededTenths: [Int32]

        init(
            thresholds: RuleSet.Thresholds, flags: [UInt8], publicTenths: [Int32], professionalTenths: [Int32],
            totalTenths: [Int32], neededTenths: [Int32]
        ) {
            self.thresholds = thresholds
            self.flags = flags
            (self.publicTenths, self.professionalTenths) = (publicTenths, professionalTenths)
            (self.totalTenths, self.neededTenths) = (totalTenths, neededTenths)
        }

        /// Each position's value in an order by hours (`listOrder`'s column), nil for the other orders.
        func values(_ sort: PersonSort) -> [Int32]? {
            switch sort {
            case .publicHours: publicTenths
            case .professionalHours: professionalTenths
            case .totalHours: totalTenths
            case .status: neededTenths
            default: nil
            }
        }
    }

    struct Kept {
        var index: (changes: Int64, index: SearchIndex)?
        var years: [Int: (changes: Int64, year: YearFigures)] = [:]
        var pickers: (changes: Int64, lists: PickerLists)?
        /// The count of the index a search was last answered from: the clerk is searching when it is the
        /// kept one's, and `prepareSearch` then reads the index again after a change.
        var served: Int64?
        /// The count a search waiting for the index last had a read queued at (`searchIsBeingPrepared`).
        var kicked: Int64?
        /// The counts reads are queued for: the index, each year's flags.
        var queuedIndex: Int64?
        var queuedYears: [Int: Int64] = [:]
    }

    let kept = Locked(Kept())
    let preparing = Locked(SearchPreparing())
    /// The year whose flags `prepareSearch` was last asked for.
    let yearWanted = Locked<Int?>(nil)
    /// Entered for each read queued, left when it is done: a search that needs it waits here.
    let reads = DispatchGroup()
    /// The search's matches as an array for SQL (`p.id = ANY`): a keystroke asks twice (the count and the
    /// page), so the last answer is kept.
    let lastHits = Locked<(index: SearchIndex, search: String, array: String)?>(nil)
    /// Whether the persons list counts and pages a search in memory (tests turn it off to compare with
    /// SQL's answer for the index's matches).
    let inMemory = Locked(true)

    static let queue = DispatchQueue(label: "celedger.pg-search", qos: .utility)
    static let settleBeforeFlags = 0.25
    static let keptYears = 4

    // MARK: Reading, on any connection

    /// Every person the session reads, with its places in the list's orders by name and by ID number,
    /// sorted by the server as the list's own SQL sorts them (`COLLATE "C"`): one query.
    static func readIndex(_ c: PGConnection) throws(PGFailure) -> SearchIndex {
        var built = SearchIndex.Builder(capacity: 0)
        var byName: [Int32] = [], byNumber: [Int32] = []
        try c.eachRow(
            """
            SELECT id, name, name_initials, id_number,
                   row_number() OVER (ORDER BY name_key, id) - 1, row_number() OVER (ORDER BY id_number, id) - 1
            FROM person ORDER BY id
            """
        ) { row in
            built.add(id: row.int64(0), name: row.bytes(1), initials: row.bytes(2), number: row.bytes(3))
            byName.append(Int32(row.int64(4)))
            byNumber.append(Int32(row.int64(5)))
        }
        // Each position's rank, as the order of positions.
        func order(_ ranks: [Int32]) -> [Int32] {
            var order = [Int32](repeating: 0, count: ranks.count)
            for (pos, r) in ranks.enumerated() { order[Int(r)] = Int32(pos) }
            return order
        }
        return SearchIndex(built, nameOrder: order(byName), numberOrder: order(byNumber))
    }

    /// A year's figures for `index` from the stored summary: a row for every person active in the year.
    /// Met and short as the list's SQL filters them (`needed_tenths = 0`; total reached, professional not).
    static func readYear(
        _ c: PGConnection, _ index: SearchIndex, year: Int, thresholds t: RuleSet.Thresholds
    ) throws(PGFailure) -> YearFigures {
        var flags = SearchIndex.YearFlags(for: index)
        let n = index.count
        var pub = [Int32](repeating: 0, count: n), prof = pub, total = pub, needed = pub
        let (req, reqProf) = (Int64(t.totalHours.tenths), Int64(t.professionalHours.tenths))
        try c.eachRow(
            """
            SELECT person_id, needed_tenths, public_tenths, professional_tenths, total_tenths
            FROM person_year WHERE year = $1::int ORDER BY person_id
            """, [String(year)]
        ) { row in
            let need = row.int64(1), p = row.int64(3), all = row.int64(4)
            guard let pos = flags.add(personID: row.int64(0), met: need == 0, professionalShort: all >= req && p < reqProf)
            else { return }
            (needed[pos], pub[pos], prof[pos], total[pos]) = (Int32(need), Int32(row.int64(2)), Int32(p), Int32(all))
        }
        return YearFigures(
            thresholds: t, flags: flags.flags, publicTenths: pub, professionalTenths: prof, totalTenths: total,
            neededTenths: needed)
    }

    /// The units and departments present, from one query: each unit's departments in order, and all
    /// departments merged in byte order (SQL's `ORDER BY` on `COLLATE "C"`).
    static func readPickers(_ c: PGConnection) throws(PGFailure) -> PickerLists {
        var units: [String] = [], byUnit: [String: [String]] = [:], all = Set<String>()
        for row in try c.exec("SELECT DISTINCT unit, department FROM person ORDER BY unit, department").rows {
            let unit = row.text(0), department = row.text(1)
            if !unit.isEmpty && units.last != unit { units.append(unit) }
            if !department.isEmpty {
                byUnit[unit, default: []].append(department)
                all.insert(department)
            }
        }
        return PickerLists(
            units: units, byUnit: byUnit, all: all.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
    }

    // MARK: Keeping

    /// Keeps what was read at `changes`, unless something read later is kept already.
    func keep(index: SearchIndex, pickers: PickerLists?, at changes: Int64) {
        kept.withLock { k in
            if let old = k.index, old.changes > changes { return }
            k.index = (changes, index)
            k.years = [:]
            if let pickers, (k.pickers?.changes ?? .min) <= changes { k.pickers = (changes, pickers) }
        }
    }

    /// Keeps a year's figures for the index kept at `changes`; those of an older index go.
    func keep(year figures: YearFigures, year: Int, at changes: Int64) {
        kept.withLock { k in
            guard k.index?.changes == changes else { return }
            k.years = k.years.filter { $0.value.changes == changes }
            while k.years.count >= PostgresSearch.keptYears { k.years.removeValue(forKey: k.years.keys.first!) }
            k.years[year] = (changes, figures)
        }
    }

    /// The last order by hours of a search's matches (a keystroke asks for a page, paging asks again).
    let lastSorted = Locked<
        (index: SearchIndex, year: YearFigures, search: String, status: StatusFilter, sort: PersonSort, order: [Int32])?
    >(nil)
}

/// A search counted and paged in memory on a server: `MemorySearch` with the year's figures, which also
/// page the orders by hours.
struct ServerSearch {
    let memory: MemorySearch
    let year: PostgresSearch.YearFigures

    /// The row ids of the page next to `key` (`MemorySearch.page`); for an order by hours, the wanted
    /// matches sorted by (value, row id) as SQL sorts them, and the key found there by value.
    func page(
        _ sort: PersonSort, search: String, descending: Bool, from key: ListKey?, including: Bool, limit: Int,
        sorted: Locked<
            (
                index: SearchIndex, year: PostgresSearch.YearFigures, search: String, status: StatusFilter, sort: PersonSort,
                order: [Int32]
            )?
        >
    ) -> [Int64]? {
        if let page = memory.page(sort, descending: descending, from: key, including: including, limit: limit) { return page }
        guard let values = year.values(sort) else { return nil }
        let index = memory.index
        let order: [Int32]
        if let last = sorted.withLock({ $0 }), last.index === index, last.year === year, last.search == search,
            last.status == memory.status, last.sort == sort
        {
            order = last.order
        } else {
            // Positions ascend with row ids: (value, position) is SQL's (value, id).
            order = memory.matches.positions.filter(memory.wanted).sorted {
                values[Int($0)] != values[Int($1)] ? values[Int($0)] < values[Int($1)] : $0 < $1
            }
            sorted.withLock { $0 = (index, year, search, memory.status, sort, order) }
        }
        var i: Int
        if let key, key.values.count == 1 {
            guard case .int(let value) = key.values[0] else { return nil }
            // The first place at or after the key.
            func before(_ p: Int32) -> Bool {
                let v = Int64(values[Int(p)])
                return v < value || (v == value && index.rowID(at: p) < key.id)
            }
            var lo = 0, hi = order.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if before(order[mid]) { lo = mid + 1 } else { hi = mid }
            }
            let atKey = lo < order.count && index.rowID(at: order[lo]) == key.id
            i = descending ? (including && atKey ? lo : lo - 1) : (including || !atKey ? lo : lo + 1)
        } else {
            i = descending ? order.count - 1 : 0
        }
        var out: [Int64] = []
        while i >= 0 && i < order.count && out.count < limit {
            out.append(index.rowID(at: order[i]))
            i += descending ? -1 : 1
        }
        return out
    }
}

extension PostgresLedger {
    // MARK: What a search reads (the caller holds the lock, inside a read transaction)

    /// The search index for the ledger as this transaction sees it: the kept one while nothing changed;
    /// else the one `prepareSearch` is reading (the first keystroke may come while it still reads: waiting
    /// costs less than a second read beside it); else read here, in this transaction.
    func searchIndex() throws -> SearchIndex {
        guard let seen = snapshotChanges else { return try PostgresSearch.readIndex(connection) }
        func kept() -> SearchIndex? {
            search.kept.withLock { k in
                guard let i = k.index, i.changes == seen else { return nil }
                k.served = seen
                return i.index
            }
        }
        if let index = kept() { return index }
        if search.preparing.withLock({ $0.index > 0 }) {
            _ = search.reads.wait(timeout: .now() + 5)
            if let index = kept() { return index }
        }
        let index = try PostgresSearch.readIndex(connection)
        search.keep(index: index, pickers: nil, at: seen)
        search.kept.withLock { $0.served = seen }
        return index
    }

    /// The year's figures for `index` (`searchIndex()`'s) by the year's thresholds: kept, being read
    /// beforehand, or read here.
    func searchYear(_ index: SearchIndex, year: Int, thresholds: RuleSet.Thresholds) throws -> PostgresSearch.YearFigures {
        guard let seen = snapshotChanges else {
            return try PostgresSearch.readYear(connection, index, year: year, thresholds: thresholds)
        }
        func kept() -> PostgresSearch.YearFigures? {
            search.kept.withLock { k in
                guard k.index?.index === index, let y = k.years[year], y.changes == seen, y.year.thresholds == thresholds
                else { return nil }
                return y.year
            }
        }
        if let figures = kept() { return figures }
        if search.preparing.withLock({ $0.waits(year: year) }) {
            _ = search.reads.wait(timeout: .now() + 5)
            if let figures = kept() { return figures }
        }
        let figures = try PostgresSearch.readYear(connection, index, year: year, thresholds: thresholds)
        search.keep(year: figures, year: year, at: seen)
        return figures
    }

    /// The row ids the search finds, as an array for SQL (`p.id = ANY`).
    func searchHits(_ search: String) throws -> String {
        let index = try searchIndex()
        if let last = self.search.lastHits.withLock({ $0 }), last.index === index, last.search == search { return last.array }
        let array = PostgresLedger.array(index.matches(search))
        self.search.lastHits.withLock { $0 = (index, search, array) }
        return array
    }

    /// The search counted and paged in memory (`ServerSearch`), for a summarised year without a unit or
    /// department filter; nil for the rest, which SQL answers limited to the index's matches. The
    /// professionally short are listed from memory also without a search: no index of the summary serves
    /// that filter, and SQL read every person of the year in name order to find a page of them (70 ms).
    func memorySearch(_ q: PersonListQuery) throws -> ServerSearch? {
        let search = q.search.trimmedField
        guard !search.isEmpty || q.status == .professionalShort, q.unit == nil, q.department == nil,
            self.search.inMemory.withLock({ $0 }),
            let set = rules.ruleSet(for: q.year), try source(of: q.year) == .summary
        else { return nil }
        let index = try searchIndex()
        let year = try searchYear(index, year: q.year, thresholds: set.thresholds)
        return ServerSearch(
            memory: MemorySearch(index: index, matches: index.matched(search), flags: year.flags, status: q.status), year: year)
    }

    /// The pickers' lists as this transaction sees them: kept while nothing changed (read beforehand with
    /// the index), else read here and kept.
    func pickerLists() throws -> PostgresSearch.PickerLists {
        if let seen = snapshotChanges, let kept = search.kept.withLock({ $0.pickers }), kept.changes == seen {
            return kept.lists
        }
        let lists = try PostgresSearch.readPickers(connection)
        if let seen = snapshotChanges {
            search.kept.withLock { k in if (k.pickers?.changes ?? .min) <= seen { k.pickers = (seen, lists) } }
        }
        return lists
    }

    // MARK: Beforehand, on a connection of its own

    /// Reads the search index (and the pickers' lists) in the background, on a second connection opened
    /// for it, so that the first search keystroke finds it ready (the UI calls it once its first screen is
    /// drawn, and again whenever the ledger or the year changed); with a year, also that year's flags.
    /// After a change the index is read again only while the clerk is searching (the last search was
    /// answered from it): a clerk who never searches costs the server one read. One read at a time, in
    /// order; a year no longer wanted when its turn comes is skipped, and a year alone is read once the
    /// clerk has stayed on it a moment (paging through years reads none of those passed over).
    public func prepareSearch(year: Int?) {
        lock.lock()
        defer { lock.unlock() }
        prepare(year: year, evenIfUnused: false)
    }

    /// True while a read `prepareSearch` queued is still to come for the index or the year's flags: a search
    /// asked now would wait for it, so the persons list shows what was typed and searches once it is ready.
    /// A search whose index or flags are out of date with nothing queued has a read queued now, once: if
    /// the ledger changes again before the search is answered, the search reads in the foreground rather
    /// than waiting again.
    public func searchIsBeingPrepared(year: Int) -> Bool {
        if lock.try() {
            defer { lock.unlock() }
            if let seen = receivedChanges() {
                let again = search.kept.withLock { k in
                    let stale = k.index?.changes != seen || k.years[year]?.changes != seen
                    return stale && (k.kicked ?? .min) <= (k.served ?? .min)
                }
                if again, prepare(year: year, evenIfUnused: true) { search.kept.withLock { $0.kicked = seen } }
            }
        }
        return search.preparing.withLock { $0.waits(year: year) }
    }

    /// Queues what is out of date (the caller holds the lock); true when a read was queued.
    @discardableResult
    private func prepare(year: Int?, evenIfUnused: Bool) -> Bool {
        guard let seen = receivedChanges() else { return false }
        if let year { search.yearWanted.withLock { $0 = year } }
        let thresholds = year.flatMap { rules.ruleSet(for: $0)?.thresholds }
        let (index, flags): (Bool, Bool) = search.kept.withLock { k in
            let fresh = k.index?.changes == seen
            let index =
                !fresh && k.queuedIndex != seen
                && (k.index == nil || evenIfUnused || k.served == k.index?.changes)
            let flags =
                thresholds != nil
                && year.map { y in
                    (fresh || index || k.queuedIndex == seen) && k.years[y]?.changes != seen && k.queuedYears[y] != seen
                }
                    ?? false
            if index { k.queuedIndex = seen }
            if flags, let year { k.queuedYears[year] = seen }
            return (index, flags)
        }
        guard index || flags else { return false }
        let options = connection.options(), masked = connection.maskedURI, search = self.search
        let flagsYear = flags ? year : nil
        search.preparing.withLock { $0.add(index: index, year: flagsYear, by: 1) }
        search.reads.enter()
        PostgresSearch.queue.asyncAfter(deadline: .now() + (index ? 0 : PostgresSearch.settleBeforeFlags)) {
            defer {
                search.kept.withLock { k in
                    if index && k.queuedIndex == seen { k.queuedIndex = nil }
                    if let flagsYear, k.queuedYears[flagsYear] == seen { k.queuedYears[flagsYear] = nil }
                }
                search.preparing.withLock { $0.add(index: index, year: flagsYear, by: -1) }
                search.reads.leave()
            }
            if !index, let flagsYear, search.yearWanted.withLock({ $0 }) != flagsYear { return }
            guard let reader = try? PGConnection.connect(options, masked: masked) else { return }
            do {
                try reader.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                if index {
                    search.keep(
                        index: try PostgresSearch.readIndex(reader), pickers: try PostgresSearch.readPickers(reader), at: seen)
                }
                // Only for the index read at the same count; a stale one is read again on its first use.
                if let flagsYear, let thresholds, let kept = search.kept.withLock({ $0.index }), kept.changes == seen {
                    search.keep(
                        year: try PostgresSearch.readYear(reader, kept.index, year: flagsYear, thresholds: thresholds),
                        year: flagsYear, at: seen)
                }
                try reader.exec("COMMIT")
            } catch {
                // The search reads in the foreground then.
            }
        }
        return true
    }
}
