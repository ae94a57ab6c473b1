import Foundation

/// Every person's name, pinyin initials and ID number as bytes, for the persons list's search: a
/// keystroke scans them in memory. Both ledgers hold one, each read from its own database in one pass
/// (`Builder`), so that a search finds the same persons in the same order on a file and on a server: the
/// match rule, the scan and the paging through the list's orders are here, once.
package final class SearchIndex: @unchecked Sendable {
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

    /// The persons as a ledger reads them, in ascending row id: each one's fields appended straight from
    /// the database's buffers (no String for each cell).
    package struct Builder {
        fileprivate var ids: [Int64] = [], starts: [Int32] = [], initialsAt: [Int32] = [], numberAt: [Int32] = []
        fileprivate var bytes: [UInt8] = []

        package init(capacity: Int) {
            ids.reserveCapacity(capacity)
            starts.reserveCapacity(capacity + 1)
            initialsAt.reserveCapacity(capacity)
            numberAt.reserveCapacity(capacity)
            bytes.reserveCapacity(capacity * 32)
        }

        package var count: Int { ids.count }

        /// One person, after the last one added (row ids ascending).
        package mutating func add(
            id: Int64, name: UnsafeBufferPointer<UInt8>, initials: UnsafeBufferPointer<UInt8>,
            number: UnsafeBufferPointer<UInt8>
        ) {
            ids.append(id)
            starts.append(Int32(bytes.count))
            let nameStart = bytes.count
            bytes.append(contentsOf: name)
            for k in nameStart..<bytes.count where (0x41...0x5A).contains(bytes[k]) { bytes[k] |= 0x20 }
            initialsAt.append(Int32(bytes.count))
            bytes.append(0x20)
            bytes.append(contentsOf: initials)
            numberAt.append(Int32(bytes.count))
            bytes.append(contentsOf: number)
        }

        /// The positions of `ordered` (row ids in one of the list's orders) that were added, in that order.
        package func positions(inOrderOf ordered: [Int64]) -> [Int32] {
            var order: [Int32] = []
            order.reserveCapacity(ids.count)
            // Row ids are mostly dense: a table from id to position then answers at once, where a binary search
            // for each of half a million ids waited on memory at every step.
            let low = ids.first ?? 0, span = (ids.last ?? 0) - low + 1
            var table: [Int32] = []
            if span <= Int64(ids.count) * 4 {
                table = [Int32](repeating: -1, count: Int(span))
                for (pos, id) in ids.enumerated() { table[Int(id - low)] = Int32(pos) }
            }
            ids.withUnsafeBufferPointer { ids in
                table.withUnsafeBufferPointer { table in
                    for id in ordered {
                        let pos =
                            table.isEmpty
                            ? SearchIndex.position(of: id, in: ids) ?? -1
                            : id >= low && id - low < span ? Int(table[Int(id - low)]) : -1
                        if pos >= 0 && order.count < ids.count { order.append(Int32(pos)) }
                    }
                }
            }
            return order
        }
    }

    /// `nameOrder`, `numberOrder`: the builder's positions in the list's order by name (name_key, id) and
    /// by ID number (id_number, id), as the ledger's own SQL sorts them.
    package init(_ built: Builder, nameOrder: [Int32], numberOrder: [Int32]) {
        var starts = built.starts
        starts.append(Int32(built.bytes.count))
        func ranks(_ order: [Int32]) -> [Int32] {
            var rank = [Int32](repeating: -1, count: built.ids.count)
            for (r, p) in order.enumerated() { rank[Int(p)] = Int32(r) }
            return rank
        }
        (ids, bytes, self.starts, initialsAt, numberAt) = (built.ids, built.bytes, starts, built.initialsAt, built.numberAt)
        (self.nameOrder, nameRank) = (nameOrder, ranks(nameOrder))
        (self.numberOrder, numberRank) = (numberOrder, ranks(numberOrder))
    }

    /// How many persons it holds.
    package var count: Int { ids.count }

    private static func position(of id: Int64, in ids: UnsafeBufferPointer<Int64>) -> Int? {
        var lo = 0, hi = ids.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ids[mid] < id { lo = mid + 1 } else { hi = mid }
        }
        return lo < ids.count && ids[lo] == id ? lo : nil
    }

    /// Where the person with this row id is in `ids` (ascending), if the index has them.
    package func position(of id: Int64) -> Int? {
        ids.withUnsafeBufferPointer { SearchIndex.position(of: id, in: $0) }
    }

    package func rowID(at position: Int32) -> Int64 { ids[Int(position)] }

    /// The positions in one of the list's orders, and each position's rank in it; nil for an order the
    /// index does not keep.
    package func order(_ sort: PersonSort) -> (order: [Int32], rank: [Int32])? {
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
    package func matches(_ search: String) -> [Int64] {
        matched(search).positions.map { ids[Int($0)] }
    }

    /// What `matches` finds, as positions (ascending), with a membership test by position.
    package struct Matches {
        package let positions: [Int32]
        package let member: [Bool]
    }

    /// A keystroke asks more than once (the count and the page), typing goes on from the last search and
    /// backspace goes back to an earlier one: the last few answers are kept, and a search that extends a
    /// kept one looks only among what that one found (a longer search finds a subset: its name text
    /// contains the shorter, its digits or initials start the same).
    package func matched(_ search: String) -> Matches {
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
    package func matchPositions(_ search: String, among candidates: [Int32]? = nil, parts: Int? = nil) -> [Int32] {
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

    /// For one year, each position's place in the persons list: bit 0 listed (the year's summary has a
    /// row for the person: active in it), bit 1 met, bit 2 short of professional hours only (the total
    /// reached, the professional part not; a ledger that does not set it leaves that filter to SQL).
    /// Filled from the summary's rows of the year, in ascending person id, as the ledger reads them.
    package struct YearFlags {
        package private(set) var flags: [UInt8]
        private var pos = 0
        private let ids: [Int64]

        package init(for index: SearchIndex) {
            ids = index.ids
            flags = [UInt8](repeating: 0, count: index.count)
        }

        /// The summary's row of one person (ids ascending), and its position; one the index does not hold
        /// is passed over.
        @discardableResult
        package mutating func add(personID id: Int64, met: Bool, professionalShort: Bool = false) -> Int? {
            while pos < ids.count && ids[pos] < id { pos += 1 }
            guard pos < ids.count && ids[pos] == id else { return nil }
            flags[pos] = (met ? 3 : 1) | (professionalShort ? 4 : 0)
            return pos
        }
    }
}

/// A search the persons list counts and pages in memory: the matches come from the search index and
/// each person's place in the year (listed, met) from the index's flags for the year, so SQL reads only
/// the rows shown. Only for a summarised year without a unit or department filter and with a status
/// filter the flags answer; the rest goes through SQL, limited to the index's matches. `page` pages the
/// orders the index keeps (by name, by ID number).
package struct MemorySearch {
    package let index: SearchIndex
    package let matches: SearchIndex.Matches
    package let flags: [UInt8]
    package let status: StatusFilter

    package init(index: SearchIndex, matches: SearchIndex.Matches, flags: [UInt8], status: StatusFilter) {
        self.index = index
        self.matches = matches
        self.flags = flags
        self.status = status
    }

    /// Listed in the year, and met it (`SearchIndex.YearFlags`).
    func listed(_ position: Int32) -> Bool { flags[Int(position)] & 1 != 0 }
    func met(_ position: Int32) -> Bool { flags[Int(position)] & 3 == 3 }

    /// Whether the person at `position` is found and listed with the status filter.
    package func wanted(_ position: Int32) -> Bool {
        switch status {
        case .all: return listed(position)
        case .met: return met(position)
        case .short: return listed(position) && !met(position)
        case .professionalShort: return flags[Int(position)] & 5 == 5
        }
    }

    /// How many persons the search finds in the list, and how many of them met the year's requirement.
    package var summary: YearSummary {
        var n = 0, met = 0
        for p in matches.positions where wanted(p) {
            n += 1
            if self.met(p) { met += 1 }
        }
        return YearSummary(persons: n, met: met)
    }

    /// The row ids of the page next to `key` in the list's order (after it, or before it read
    /// backwards), or nil when the index does not keep the order or does not know the key's person.
    package func page(_ sort: PersonSort, descending: Bool, from key: ListKey?, including: Bool, limit: Int) -> [Int64]? {
        guard let (order, rank) = index.order(sort) else { return nil }
        var i: Int
        if let key, key.values.count == 1 {
            guard let pos = index.position(of: key.id), rank[pos] >= 0 else { return nil }
            let r = Int(rank[pos])
            i = including ? r : descending ? r - 1 : r + 1
        } else {
            i = descending ? order.count - 1 : 0
        }
        var out: [Int64] = []
        while i >= 0 && i < order.count && out.count < limit {
            let p = order[i]
            if matches.member[Int(p)] && wanted(p) { out.append(index.rowID(at: p)) }
            i += descending ? -1 : 1
        }
        return out
    }
}

/// Reads `prepareSearch` has queued or is doing: the index, and each year's flags.
package struct SearchPreparing {
    package var index = 0
    package var years: [Int: Int] = [:]

    package init() {}

    package mutating func add(index reading: Bool, year: Int?, by n: Int) {
        if reading { index += n }
        if let year { years[year, default: 0] += n }
        years = years.filter { $0.value > 0 }
    }

    /// Whether a search of `year` would wait for one of them.
    package func waits(year: Int) -> Bool { index > 0 || years[year, default: 0] > 0 }
}

/// A value shared between threads behind a lock.
package final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    package init(_ value: Value) { self.value = value }
    package func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
