import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import CeledgerSheets
import Foundation

/// A ledger kept in plain Swift arrays, behind the same protocols as the SQLite ledger: screens run on it
/// without any database, and a test can make it refuse the next write (`refuseNext`) or hold a search as if
/// its index were still being read (`preparing`), which the SQLite ledger cannot be told to do.
///
/// It keeps the promises the screens rely on, computed the simple way: totals by the domain's
/// `AnnualTotals.evaluate`, recognised records locked, duplicates refused, every change a history entry.
/// Paging sorts the whole list and slices it, which is fine for the handful of persons a test holds.
final class MemoryLedger: LedgerWriter, @unchecked Sendable {
    struct StoredRow {
        var personRowID: Int64
        var record: Record
        var reviewedBy: String?
    }

    let rules: RuleBook
    private let lock = NSLock()
    fileprivate var persons: [Int64: Person] = [:]
    fileprivate var records: [Int64: StoredRow] = [:]
    fileprivate var entries: [HistoryEntry] = []
    private var cards: [String: IssuedCard] = [:]
    /// Proof of records (issue 19): the items and their bytes, by evidence number.
    private var proofs: [Int64: (item: EvidenceItem, bytes: [UInt8])] = [:]
    private var nextID: Int64 = 1
    private var changes: Int64 = 0
    /// Who writes: a test switches it (`acting`) to play another clerk in another window.
    fileprivate var actor: String
    /// Each row's version, moved by every change (as the SQLite ledger's `version` column).
    private var versions: [Int64: Int64] = [:]
    private var clerkList: [Clerk] = []

    /// The next write fails with this error, changing nothing.
    var refuseNext: LedgerError?
    /// Years whose search is "being prepared": a search in them waits until the year is removed.
    var preparing: Set<Int> = []
    /// Every write asked of the ledger, by name, in order (what a screen really did).
    private(set) var writes: [String] = []
    /// Searches asked while their year was `preparing`: on the SQLite ledger each would have waited for the
    /// index on the key's thread (up to its five seconds), so a screen must never ask one.
    private(set) var searchesWhilePreparing = 0

    /// Names sort and are found by their pinyin initials, as on every ledger.
    private let pinyin: PinyinIndex

    init(rules: [RuleSet], pinyin: PinyinIndex, actor: String = "clerk") {
        self.rules = RuleBook(rules)
        self.pinyin = pinyin
        self.actor = actor
    }

    /// The name's order: full pinyin (the SQLite ledger's `name_key`, the same function).
    private func nameKey(_ name: String) -> String { pinyin.nameKey(of: name) }

    fileprivate func locked<T>(_ body: () throws(LedgerError) -> T) throws(LedgerError) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    fileprivate func writing<T>(
        _ name: String, _ action: ClerkAction = .enter, _ body: () throws(LedgerError) -> T
    ) throws(LedgerError) -> T {
        try locked { () throws(LedgerError) -> T in
            writes.append(name)
            if let e = refuseNext {
                refuseNext = nil
                throw e
            }
            try gate(action)
            let value = try body()
            changes += 1
            return value
        }
    }

    /// Runs `body` as another clerk (another window of the same ledger).
    func acting<T>(as name: String, _ body: () throws -> T) rethrows -> T {
        let mine = lock.withLock { actor }
        lock.withLock { actor = name }
        defer { lock.withLock { actor = mine } }
        return try body()
    }

    /// The clerk rules, as the SQLite ledger keeps them: no clerks, no rules.
    private func gate(_ action: ClerkAction) throws(LedgerError) {
        guard !clerkList.isEmpty else { return }
        guard let c = clerkList.first(where: { $0.name == actor }) else { throw .notAClerk(name: actor) }
        guard c.isActive else { throw .clerkRemoved(name: actor) }
        guard c.role.allows(action) else { throw .roleForbids(name: c.name, role: c.role, action: action) }
    }

    fileprivate func bump(_ id: Int64) { versions[id, default: 1] += 1 }
    fileprivate func version(of id: Int64) -> Int64 { versions[id, default: 1] }

    /// Refuses a save read at another version, with the entries since (the SQLite ledger's rule).
    fileprivate func check(_ entity: HistoryEntry.Entity, _ id: Int64, exists: Bool, expected: Int64?) throws(LedgerError) {
        guard let expected else {
            if !exists { throw .gone }
            return
        }
        if exists && version(of: id) == expected { return }
        let mine = entries.filter { $0.entity == entity && $0.entityID == id }
        let since =
            exists
            ? Array(mine.filter { $0.action == .update }.suffix(Int(max(0, version(of: id) - expected))))
            : Array(mine.filter { $0.action == .delete }.suffix(1))
        throw .changedMeanwhile(
            ConcurrentChange(
                entity: entity, rowID: id, expected: expected, current: exists ? version(of: id) : nil, entries: since))
    }

    fileprivate func newID() -> Int64 {
        defer { nextID += 1 }
        return nextID
    }

    fileprivate func log(
        _ action: HistoryEntry.Action, _ entity: HistoryEntry.Entity, _ id: Int64, _ idNumber: String,
        old: [String: String] = [:], new: [String: String] = [:]
    ) {
        entries.append(
            HistoryEntry(
                id: Int64(entries.count + 1), at: "2024-11-25T08:00:00.000Z", actor: actor, action: action,
                entity: entity, entityID: id, idNumber: idNumber, old: old, new: new))
    }

    fileprivate static func columns(_ r: Record) -> [String: String] {
        [
            "title": r.title, "start_date": r.startDate.description, "end_date": r.endDate.description,
            "recognition": r.recognition.rawValue, "claimed_tenths": String(r.claimedHours.tenths),
            "recognized_tenths": r.recognizedHours.map { String($0.tenths) } ?? "",
        ]
    }

    // MARK: Reading

    func version() throws(LedgerError) -> Int64 { try locked { changes } }

    private var employerName: String?
    func employer() throws(LedgerError) -> String? { try locked { employerName } }
    func setEmployer(_ name: String?) throws(LedgerError) {
        try locked {
            employerName = name.flatMap { $0.trimmedField.isEmpty ? nil : $0.trimmedField }
            changes += 1
        }
    }

    private func result(_ personRowID: Int64, _ year: Int) throws(LedgerError) -> YearResult {
        guard let set = rules.ruleSet(for: year) else { throw .noRules(year: year) }
        let mine = records.filter { $0.value.personRowID == personRowID }.map { (rowID: $0.key, record: $0.value.record) }
        return AnnualTotals.evaluate(year: year, records: mine, rules: set)
    }

    /// The whole list of a query, in its order.
    private func list(_ q: PersonListQuery) throws(LedgerError) -> [PersonListRow] {
        if !q.search.trimmingCharacters(in: .whitespaces).isEmpty && preparing.contains(q.year) { searchesWhilePreparing += 1 }
        var rows: [PersonListRow] = []
        for (rowID, p) in persons where p.isActive(in: q.year) {
            if let u = q.unit, p.unit != u { continue }
            if let d = q.department, p.department != d { continue }
            let needle = q.search.trimmingCharacters(in: .whitespaces).lowercased()
            if !needle.isEmpty && !p.name.contains(needle) && !p.id.value.contains(needle)
                && !pinyin.initials(of: p.name).lowercased().contains(needle)
            {
                continue
            }
            let totals = try result(rowID, q.year).totals
            switch q.status {
            case .all: break
            case .met: if totals.status != .met { continue }
            case .short: if totals.status == .met { continue }
            case .professionalShort: if totals.shortfallProfessionalHours == .zero { continue }
            }
            let sortValue: ListKey.Value =
                switch q.sort {
                case .name: .text(nameKey(p.name))
                case .idNumber: .text(p.id.value)
                case .unit: .text(p.unit + "\u{0}" + p.department + "\u{0}" + nameKey(p.name))
                case .title: .text(p.title)
                case .publicHours: .int(Int64(totals.publicHours.tenths))
                case .professionalHours: .int(Int64(totals.professionalHours.tenths))
                case .totalHours: .int(Int64(totals.totalHours.tenths))
                case .status: .int(Int64(-totals.hoursNeeded.tenths))
                }
            rows.append(
                PersonListRow(
                    key: ListKey(values: [sortValue], id: rowID), rowID: rowID, idNumber: p.id.value, name: p.name,
                    unit: p.unit, department: p.department, title: p.title, titleLevel: p.titleLevel,
                    totals: totals))
        }
        func less(_ a: ListKey, _ b: ListKey) -> Bool {
            switch (a.values[0], b.values[0]) {
            case (.text(let x), .text(let y)) where x != y: return x < y
            case (.int(let x), .int(let y)) where x != y: return x < y
            default: return a.id < b.id
            }
        }
        rows.sort { less($0.key, $1.key) }
        return q.descending ? rows.reversed() : rows
    }

    func personSummary(_ q: PersonListQuery) throws(LedgerError) -> YearSummary {
        try locked { () throws(LedgerError) -> YearSummary in
            let rows = try list(q)
            return YearSummary(persons: rows.count, met: rows.filter { $0.totals.status == .met }.count)
        }
    }

    func personRows(
        _ q: PersonListQuery, from key: ListKey?, forward: Bool, including: Bool, limit: Int
    ) throws(LedgerError)
        -> [PersonListRow]
    {
        try locked { () throws(LedgerError) -> [PersonListRow] in
            let rows = try list(q)
            if forward {
                let start = key.map { k in rows.firstIndex { $0.key == k }.map { including ? $0 : $0 + 1 } ?? rows.count } ?? 0
                return Array(rows[start...].prefix(limit))
            }
            let end = key.map { k in rows.firstIndex { $0.key == k }.map { including ? $0 + 1 : $0 } ?? 0 } ?? rows.count
            return Array(rows[..<end].suffix(limit))
        }
    }

    func personKey(of personRowID: Int64, in q: PersonListQuery) throws(LedgerError) -> ListKey? {
        try locked { () throws(LedgerError) -> ListKey? in try list(q).first { $0.rowID == personRowID }?.key }
    }

    func prepareSearch(year: Int?) {}

    func searchIsBeingPrepared(year: Int) -> Bool { lock.withLock { preparing.contains(year) } }

    func units() throws(LedgerError) -> [String] {
        try locked { Set(persons.values.map(\.unit)).filter { !$0.isEmpty }.sorted() }
    }

    func departments(unit: String?) throws(LedgerError) -> [String] {
        try locked {
            Set(persons.values.filter { unit == nil || $0.unit == unit }.map(\.department)).filter { !$0.isEmpty }.sorted()
        }
    }

    func person(rowID: Int64) throws(LedgerError) -> StoredPerson? {
        try locked { persons[rowID].map { StoredPerson(rowID: rowID, person: $0, version: version(of: rowID)) } }
    }

    func recordCount(personRowID: Int64) throws(LedgerError) -> Int {
        try locked { records.values.filter { $0.personRowID == personRowID }.count }
    }

    private func stored(_ id: Int64, _ row: StoredRow) -> StoredRecord {
        StoredRecord(
            rowID: id, record: row.record, reviewedBy: row.reviewedBy,
            reviewedAt: row.reviewedBy.map { _ in "2024-11-25T08:00:00Z" }, version: version(of: id))
    }

    private func recordsOf(_ personRowID: Int64, _ year: Int) -> [StoredRecord] {
        records.filter { $0.value.personRowID == personRowID && $0.value.record.year == year }
            .sorted {
                ($0.value.record.startDate, $0.value.record.endDate, $0.key) < (
                    $1.value.record.startDate, $1.value.record.endDate, $1.key
                )
            }
            .map { stored($0.key, $0.value) }
    }

    func records(personRowID: Int64, year: Int) throws(LedgerError) -> [StoredRecord] {
        try locked { recordsOf(personRowID, year) }
    }

    func yearResult(personRowID: Int64, year: Int) throws(LedgerError) -> (result: YearResult, notes: [Message]) {
        try locked { () throws(LedgerError) -> (result: YearResult, notes: [Message]) in
            let r = try result(personRowID, year)
            guard let set = rules.ruleSet(for: year), !r.trims.isEmpty else { return (r, []) }
            let titles = Dictionary(
                uniqueKeysWithValues: r.trims.compactMap { t in records[t.recordID].map { (t.recordID, $0.record.title) } })
            return (
                r,
                zip(r.notes(set, titles: titles, lang: .zh), r.notes(set, titles: titles, lang: .en)).map {
                    Message(zh: $0, en: $1)
                }
            )
        }
    }

    func history(idNumber: String) throws(LedgerError) -> [HistoryEntry] {
        try locked { entries.filter { $0.idNumber == idNumber } }
    }

    func cardSource(personRowID: Int64, years: ClosedRange<Int>) throws(LedgerError) -> CardSource? {
        try locked { () throws(LedgerError) -> CardSource? in
            guard let p = persons[personRowID] else { return nil }
            var out: [CardSource.Year] = []
            for y in years {
                guard let set = rules.ruleSet(for: y) else { throw .noRules(year: y) }
                out.append(CardSource.Year(year: y, ruleSet: set, records: recordsOf(personRowID, y)))
            }
            return CardSource(person: StoredPerson(rowID: personRowID, person: p), years: out)
        }
    }

    func pendingRecords(year: Int?, limit: Int) throws(LedgerError) -> [PendingRow] {
        try locked {
            Array(
                records.filter { $0.value.record.recognition == .pending && (year == nil || $0.value.record.year == year) }
                    .sorted { ($0.value.record.endDate, $0.key) < ($1.value.record.endDate, $1.key) }
                    .map {
                        PendingRow(
                            personRowID: $0.value.personRowID, personName: persons[$0.value.personRowID]?.name ?? "",
                            stored: stored($0.key, $0.value))
                    }
                    .prefix(limit))
        }
    }

    func statistics(year: Int, unit: String?) throws(LedgerError) -> YearStatistics {
        try locked { () throws(LedgerError) -> YearStatistics in
            guard let set = rules.ruleSet(for: year) else { throw .noRules(year: year) }
            var stats = YearStatistics(year: year, unit: unit, ruleSet: set)
            for (rowID, p) in persons where p.isActive(in: year) && (unit == nil || p.unit == unit) {
                let r = try result(rowID, year)
                stats.add(unit: p.unit, department: p.department, titleLevel: p.titleLevel?.rawValue ?? "", r)
            }
            return stats
        }
    }

    // MARK: Writing

    func addPerson(_ p: Person) throws(LedgerError) -> Int64 {
        try writing("addPerson") { () throws(LedgerError) -> Int64 in
            if persons.values.contains(where: { $0.id == p.id }) { throw .duplicatePerson(maskedID: p.id.masked) }
            let id = newID()
            persons[id] = p
            log(.insert, .person, id, p.id.value, new: ["name": p.name])
            return id
        }
    }

    func updatePerson(rowID: Int64, _ p: Person, expected: Int64?) throws(LedgerError) {
        try writing("updatePerson") { () throws(LedgerError) in
            try check(.person, rowID, exists: persons[rowID] != nil, expected: expected)
            guard let old = persons[rowID] else { throw .gone }
            if persons.contains(where: { $0.key != rowID && $0.value.id == p.id }) {
                throw .duplicatePerson(maskedID: p.id.masked)
            }
            persons[rowID] = p
            bump(rowID)
            log(
                .update, .person, rowID, p.id.value, old: ["name": old.name, "department": old.department],
                new: ["name": p.name, "department": p.department])
        }
    }

    func deletePerson(rowID: Int64, expected: Int64?) throws(LedgerError) {
        try writing("deletePerson") { () throws(LedgerError) in
            try check(.person, rowID, exists: persons[rowID] != nil, expected: expected)
            let n = records.values.filter { $0.personRowID == rowID }.count
            if n > 0 { throw .personHasRecords(count: n) }
            guard let old = persons.removeValue(forKey: rowID) else { throw .gone }
            log(.delete, .person, rowID, old.id.value, old: ["name": old.name])
        }
    }

    fileprivate func isDuplicate(_ r: Record, of personRowID: Int64, except: Int64? = nil) -> Bool {
        records.contains { id, row in
            id != except && row.personRowID == personRowID && row.record.mode == r.mode && row.record.title == r.title
                && row.record.startDate == r.startDate && row.record.endDate == r.endDate
        }
    }

    fileprivate func insert(_ r: Record, _ personRowID: Int64, _ reviewer: String) throws(LedgerError) -> Int64 {
        guard let p = persons[personRowID] else {
            // Deleted meanwhile: said with who deleted them, as the SQLite ledger says it.
            if let e = entries.last(where: { $0.entity == .person && $0.entityID == personRowID && $0.action == .delete }) {
                throw .changedMeanwhile(
                    ConcurrentChange(entity: .person, rowID: personRowID, expected: 0, current: nil, entries: [e]))
            }
            throw .gone
        }
        var r = r
        r.personID = p.id
        let id = newID()
        records[id] = StoredRow(personRowID: personRowID, record: r, reviewedBy: r.recognition == .pending ? nil : reviewer)
        log(.insert, .record, id, p.id.value, new: MemoryLedger.columns(r))
        return id
    }

    func addRecord(_ r: Record, personRowID: Int64, reviewer: String) throws(LedgerError) -> Int64 {
        try writing("addRecord") { () throws(LedgerError) -> Int64 in
            if isDuplicate(r, of: personRowID) { throw .duplicateRecord }
            return try insert(r, personRowID, reviewer)
        }
    }

    func addRecords(_ r: Record, personRowIDs: [Int64], reviewer: String) throws(LedgerError) -> BatchResult {
        try writing("addRecords") { () throws(LedgerError) -> BatchResult in
            guard personRowIDs.allSatisfy({ persons[$0] != nil }) else { throw .gone }
            var added: [Int64] = [], duplicates: [Int64] = []
            for p in personRowIDs {
                if isDuplicate(r, of: p) {
                    duplicates.append(p)
                } else {
                    _ = try insert(r, p, reviewer)
                    added.append(p)
                }
            }
            return BatchResult(added: added, duplicates: duplicates)
        }
    }

    func updateRecord(rowID: Int64, _ r: Record, reviewer: String, expected: Int64?) throws(LedgerError) {
        try writing("updateRecord") { () throws(LedgerError) in
            if records[rowID]?.record.recognition == .recognized { throw .locked }
            try check(.record, rowID, exists: records[rowID] != nil, expected: expected)
            guard let old = records[rowID] else { throw .gone }
            if old.record.recognition == .recognized { throw .locked }
            if isDuplicate(r, of: old.personRowID, except: rowID) { throw .duplicateRecord }
            var r = r
            r.personID = old.record.personID
            records[rowID] = StoredRow(
                personRowID: old.personRowID, record: r, reviewedBy: r.recognition == .pending ? nil : reviewer)
            bump(rowID)
            log(.update, .record, rowID, r.personID.value, old: MemoryLedger.columns(old.record), new: MemoryLedger.columns(r))
        }
    }

    func deleteRecord(rowID: Int64, expected: Int64?) throws(LedgerError) {
        try writing("deleteRecord") { () throws(LedgerError) in
            if records[rowID]?.record.recognition == .recognized { throw .locked }
            try check(.record, rowID, exists: records[rowID] != nil, expected: expected)
            guard let old = records[rowID] else { throw .gone }
            if old.record.recognition == .recognized { throw .locked }
            records[rowID] = nil
            log(.delete, .record, rowID, old.record.personID.value, old: MemoryLedger.columns(old.record))
        }
    }

    func decideRecognition(
        rowIDs: [Int64], to recognition: Recognition, reason: String, reviewer: String, expected: [Int64: Int64]
    ) throws(LedgerError) -> RecognitionOutcome {
        if recognition == .rejected && reason.trimmingCharacters(in: .whitespaces).isEmpty { throw .rejectionNeedsReason }
        if recognition == .pending { throw .pendingNeedsReopen }
        return try writing("setRecognition", .decide) { () throws(LedgerError) -> RecognitionOutcome in
            // Nothing is recognised before it ends, as on SQLite (the fixtures' "today" is 2024-11-25).
            if recognition == .recognized {
                let late = rowIDs.compactMap { records[$0] }.filter {
                    $0.record.recognition == .pending && $0.record.endDate > Day(year: 2024, month: 11, day: 25)!
                }.map(\.record.endDate)
                if let last = late.max() { throw .notEnded(count: late.count, lastEnd: last) }
            }
            var n = RecognitionOutcome()
            for id in rowIDs {
                guard var row = records[id] else {
                    n.gone += 1
                    continue
                }
                if row.record.recognition == .recognized {
                    if recognition == .recognized { n.alreadyRecognized += 1 } else { n.locked += 1 }
                    continue
                }
                if let v = expected[id], v != version(of: id) {
                    n.changedMeanwhile += 1
                    continue
                }
                guard row.record.recognition == .pending else { continue }
                let old = row.record
                row.record.recognition = recognition
                row.record.recognizedHours =
                    recognition == .recognized ? (row.record.recognizedHours ?? row.record.claimedHours) : nil
                if !reason.isEmpty { row.record.recognitionNote = reason }
                row.reviewedBy = reviewer
                records[id] = row
                bump(id)
                log(
                    .update, .record, id, row.record.personID.value, old: MemoryLedger.columns(old),
                    new: MemoryLedger.columns(row.record))
                n.changed += 1
                n.changedRowIDs.append(id)
            }
            return n
        }
    }

    func revert(_ change: Undoable, reason: String, reviewer: String) throws(LedgerError) -> Int {
        try writing("revert") { () throws(LedgerError) -> Int in
            let reason = reason.trimmingCharacters(in: .whitespaces)
            // A recognised record is reopened first, which needs a reason (all checked before any change).
            func ids() -> [Int64] {
                switch change {
                case .recordAdded(let id): return [id]
                case .recordsChanged(let before, _): return Array(before.keys)
                case .recordDeleted, .personAdded, .personChanged, .personDeleted, .imported: return []
                case .classAdded(let r, let ps):
                    return records.filter { ps.contains($0.value.personRowID) && $0.value.record.title == r.title }.map(\.key)
                }
            }
            let targets = ids()
            if targets.contains(where: { records[$0]?.record.recognition == .recognized }) && reason.isEmpty {
                throw .reopenNeedsReason
            }
            switch change {
            case .imported(let c):
                return try revertImport(c, reason: reason)
            case .recordAdded, .classAdded:
                for id in targets {
                    guard let old = records[id] else { continue }
                    records[id] = nil
                    log(.delete, .record, id, old.record.personID.value, old: MemoryLedger.columns(old.record))
                }
                return targets.count
            case .recordsChanged(let before, let versions):
                // Someone else's change since refuses (the clerk's own are later steps, undone already).
                for (id, v) in versions where before[id] != nil && records[id] != nil && version(of: id) != v {
                    let since = entries.filter { $0.entity == .record && $0.entityID == id && $0.action == .update }
                        .suffix(Int(max(0, version(of: id) - v)))
                    if since.contains(where: { $0.actor != actor }) {
                        throw .changedMeanwhile(
                            ConcurrentChange(
                                entity: .record, rowID: id, expected: v, current: version(of: id), entries: Array(since)))
                    }
                }
                for (id, r) in before {
                    guard let old = records[id] else { throw .gone }
                    records[id] = StoredRow(personRowID: old.personRowID, record: r, reviewedBy: nil)
                    bump(id)
                    log(
                        .update, .record, id, r.personID.value, old: MemoryLedger.columns(old.record),
                        new: MemoryLedger.columns(r))
                }
                return before.count
            case .recordDeleted(let r, let person):
                guard persons[person] != nil else { throw .gone }
                _ = try insert(r, person, reviewer)
                return 1
            case .personAdded, .personChanged, .personDeleted:
                throw .gone  // `undo` takes these through the person calls
            }
        }
    }

    func reopen(rowIDs: [Int64], reason: String, reviewer: String) throws(LedgerError) -> Int {
        if reason.trimmingCharacters(in: .whitespaces).isEmpty { throw .reopenNeedsReason }
        return try writing("reopen", .decide) { () throws(LedgerError) -> Int in
            var n = 0
            for id in rowIDs {
                guard var row = records[id], row.record.recognition == .recognized else { continue }
                let old = row.record
                row.record.recognition = .pending
                row.record.recognitionNote = reason
                row.reviewedBy = reviewer
                records[id] = row
                bump(id)
                log(
                    .update, .record, id, row.record.personID.value, old: MemoryLedger.columns(old),
                    new: MemoryLedger.columns(row.record))
                n += 1
            }
            return n
        }
    }

    func issueCard(
        personRowID: Int64, firstYear: Int, lastYear: Int, issuer: String, digest: String, by actor: String,
        now: Date, timeZone: TimeZone, prefix: String
    ) throws(LedgerError) -> IssuedCard {
        guard firstYear <= lastYear else { throw .yearsReversed }
        return try writing("issueCard") { () throws(LedgerError) -> IssuedCard in
            guard persons[personRowID] != nil else { throw .gone }
            let content = "\(personRowID)|\(firstYear)|\(lastYear)|\(issuer)|\(digest)"
            if let card = cards[content] {
                return IssuedCard(
                    number: card.number, issuedAt: card.issuedAt, issuedOn: card.issuedOn, issuedBy: card.issuedBy, reprint: true)
            }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            let c = calendar.dateComponents([.year, .month, .day], from: now)
            let day = Day(year: c.year!, month: c.month!, day: c.day!)!
            let number = "\(prefix)-\(day.year)-" + String(format: "%06d", cards.count + 1)
            let card = IssuedCard(
                number: number, issuedAt: "2024-11-25T08:00:00Z", issuedOn: day, issuedBy: actor, reprint: false)
            cards[content] = card
            return card
        }
    }

    // MARK: Proof of records (issue 19)

    func evidence(recordRowIDs: [Int64], includingRemoved: Bool) throws(LedgerError) -> [EvidenceItem] {
        try locked {
            let wanted = Set(recordRowIDs)
            return proofs.values.map(\.item).filter { wanted.contains($0.recordRowID) && (includingRemoved || !$0.isRemoved) }
                .sorted { ($0.recordRowID, $0.id) < ($1.recordRowID, $1.id) }
        }
    }

    func evidenceItem(id: Int64) throws(LedgerError) -> EvidenceItem? { try locked { proofs[id]?.item } }

    func evidenceBytes(id: Int64) throws(LedgerError) -> [UInt8] {
        try locked { () throws(LedgerError) -> [UInt8] in
            guard let p = proofs[id] else { throw .noEvidence(id: id) }
            return p.bytes
        }
    }

    private func proofColumns(_ e: EvidenceItem) -> [String: String] {
        [
            "record_id": String(e.recordRowID), "name": e.name, "size": String(e.size), "type": e.kind.rawValue,
            "sha256": e.sha256, "removed_reason": e.removedReason ?? "",
        ]
    }

    func addEvidence(recordRowID: Int64, name: String, bytes: [UInt8], clerk: String) throws(LedgerError) -> EvidenceItem {
        let (stored, kind) = try Evidence.admit(name: name, bytes: bytes)
        return try writing("addEvidence") { () throws(LedgerError) -> EvidenceItem in
            guard let row = records[recordRowID], let p = persons[row.personRowID] else { throw .gone }
            // Numbered on their own, E1 first, as the SQLite ledger's evidence table numbers them.
            let id = Int64(proofs.count + 1)
            let item = EvidenceItem(
                id: id, recordRowID: recordRowID, name: stored, size: bytes.count, kind: kind, sha256: SHA256.hex(bytes),
                addedAt: "2024-11-25T08:00:00Z", addedBy: clerk)
            proofs[id] = (item, bytes)
            log(.insert, .evidence, id, p.id.value, new: proofColumns(item))
            return item
        }
    }

    func removeEvidence(id: Int64, reason: String, clerk: String) throws(LedgerError) -> EvidenceItem {
        guard !reason.trimmedField.isEmpty else { throw .evidenceRemovalNeedsReason }
        return try writing("removeEvidence") { () throws(LedgerError) -> EvidenceItem in
            guard let (old, bytes) = proofs[id] else { throw .noEvidence(id: id) }
            if old.isRemoved { throw .evidenceRemoved(id: id) }
            let item = EvidenceItem(
                id: id, recordRowID: old.recordRowID, name: old.name, size: old.size, kind: old.kind, sha256: old.sha256,
                addedAt: old.addedAt, addedBy: old.addedBy, removedAt: "2024-11-25T08:00:00Z", removedBy: clerk,
                removedReason: reason.trimmedField)
            proofs[id] = (item, bytes)
            let number = records[old.recordRowID].flatMap { persons[$0.personRowID] }?.id.value ?? ""
            log(.update, .evidence, id, number, old: proofColumns(old), new: proofColumns(item))
            return item
        }
    }

    // MARK: Clerks

    func clerks() throws(LedgerError) -> [Clerk] { try locked { clerkList.sorted { $0.name < $1.name } } }

    func actingClerk() throws(LedgerError) -> Clerk? { try locked { clerkList.first { $0.name == actor } } }

    func addClerk(name: String, role: ClerkRole, units: [String]) throws(LedgerError) -> Clerk {
        try locked { () throws(LedgerError) -> Clerk in
            if clerkList.isEmpty {
                guard role == .admin else { throw .firstClerkMustBeAdmin }
            } else {
                try gate(.manageClerks)
            }
            if clerkList.contains(where: { $0.name == name }) { throw .clerkExists(name: name) }
            let c = Clerk(name: name, role: role, units: units, createdAt: "2024-11-25T08:00:00Z", createdBy: actor)
            clerkList.append(c)
            changes += 1
            return c
        }
    }

    func changeClerk(name: String, role: ClerkRole?, units: [String]?) throws(LedgerError) -> Clerk {
        try locked { () throws(LedgerError) -> Clerk in
            try gate(.manageClerks)
            guard let i = clerkList.firstIndex(where: { $0.name == name && $0.isActive }) else { throw .noSuchClerk(name: name) }
            let old = clerkList[i]
            let c = Clerk(
                name: name, role: role ?? old.role, units: units ?? old.units, createdAt: old.createdAt, createdBy: old.createdBy)
            clerkList[i] = c
            changes += 1
            return c
        }
    }

    func removeClerk(name: String) throws(LedgerError) {
        try locked { () throws(LedgerError) in
            try gate(.manageClerks)
            guard let i = clerkList.firstIndex(where: { $0.name == name && $0.isActive }) else { throw .noSuchClerk(name: name) }
            let old = clerkList[i]
            clerkList[i] = Clerk(
                name: name, role: old.role, units: old.units, createdAt: old.createdAt, createdBy: old.createdBy,
                removedAt: "2024-11-25T09:00:00Z", removedBy: actor)
            changes += 1
        }
    }
}

/// Imports as the SQLite ledger makes them, the simple way (every row checked by the same `RowPreparer`,
/// a person updated in the columns the file has): the import screen runs on the memory ledger too, and its
/// report says what it added and changed, for the undo.
extension MemoryLedger: LedgerImporter {
    func importRows(
        _ kind: RowKind, from reader: any RowSource, options: ImportOptions, progress: ProgressHandler?
    ) throws(LedgerError) -> ImportReport {
        var report = ImportReport()
        guard let (headerRow, mapped) = report.readHeader(of: reader, kind: kind, strict: options.strict) else { return report }
        let preparer = RowPreparer(
            kind: kind, header: headerRow, map: mapped.fields, rules: rules, today: options.today ?? Day.today())
        var good: [PreparedRow] = []
        do {
            while let row = try reader.next() {
                report.rows += 1
                let prepared = preparer.prepare(row)
                var errors: [RowError] = []
                switch prepared {
                case .fieldCount: errors = [preparer.fieldCountError(row)]
                case .person(.failure(let p), let d), .record(.failure(let p), let d):
                    errors = preparer.errors(line: row.line, p, damage: d)
                case .person(.success, let d), .record(.success, let d): errors = d
                }
                if errors.isEmpty {
                    good.append(prepared)
                } else {
                    report.badRowCount += 1
                    report.errors += errors
                    if options.skipInvalid {
                        report.rejected.append(RejectedRow(line: row.line, fields: row.fields, errors: errors))
                    }
                }
            }
        } catch {
            throw .gone
        }
        guard report.errors.isEmpty || options.skipInvalid else { return report }
        let present = preparer.present
        return try writing("importRows") { () throws(LedgerError) -> ImportReport in
            for prepared in good {
                switch prepared {
                case .person(.success(let p), _):
                    if let (id, old) = persons.first(where: { $0.value.id == p.id }) {
                        var new = old
                        if present.contains(.name) { new.name = p.name }
                        if present.contains(.unit) { new.unit = p.unit }
                        if present.contains(.department) { new.department = p.department }
                        if present.contains(.title) { new.title = p.title }
                        if present.contains(.titleLevel) { new.titleLevel = p.titleLevel }
                        if present.contains(.specialty) { new.specialty = p.specialty }
                        if present.contains(.status) { (new.status, new.statusDate) = (p.status, p.statusDate) }
                        if present.contains(.personCategory) { new.category = p.category }
                        guard new != old else {
                            report.unchanged += 1
                            continue
                        }
                        if options.dryRun {
                            report.updated += 1
                            continue
                        }
                        if report.changes.changedPersons[id] == nil {
                            report.changes.changedPersons[id] = PersonBefore(person: old, version: version(of: id) + 1)
                        } else {
                            report.changes.changedPersons[id] = PersonBefore(
                                person: report.changes.changedPersons[id]!.person, version: version(of: id) + 1)
                        }
                        persons[id] = new
                        bump(id)
                        log(.update, .person, id, p.id.value, old: ["name": old.name], new: ["name": new.name])
                        report.updated += 1
                    } else {
                        report.inserted += 1
                        guard !options.dryRun else { continue }
                        let id = newID()
                        persons[id] = p
                        log(.insert, .person, id, p.id.value, new: ["name": p.name])
                        report.changes.addedPersons.append(id)
                    }
                case .record(.success(let r), _):
                    guard let person = persons.first(where: { $0.value.id == r.personID })?.key else {
                        report.badRowCount += 1
                        continue
                    }
                    if isDuplicate(r, of: person) {
                        report.duplicateCount += 1
                        continue
                    }
                    report.inserted += 1
                    guard !options.dryRun else { continue }
                    report.changes.addedRecords.append(try insert(r, person, actor))
                default: continue
                }
            }
            report.committed = !options.dryRun
            return report
        }
    }

    func importClass(
        from reader: any RowSource, given: ClassFile.Given, dryRun: Bool, today: Day?, progress: ProgressHandler?
    ) throws(LedgerError) -> ClassImportReport {
        var report = ClassImportReport()
        guard case .success(let file) = ClassFile.read(from: reader, rules: rules, today: today ?? Day.today(), given: given)
        else {
            report.fileIsBroken = true
            report.badRowCount = 1
            return report
        }
        report.record = file.record
        var participants: [(Record, Int64)] = []
        do {
            while let row = try reader.next() {
                guard let p = file.participant(row) else { continue }
                report.rows += 1
                guard p.errors.isEmpty, let r = p.record,
                    let person = try locked({ persons.first(where: { $0.value.id == r.personID })?.key })
                else {
                    report.badRowCount += 1
                    report.errors += p.errors
                    continue
                }
                participants.append((r, person))
            }
        } catch {
            throw .gone
        }
        guard report.errors.isEmpty, report.badRowCount == 0, !participants.isEmpty else { return report }
        return try writing("importClass") { () throws(LedgerError) -> ClassImportReport in
            for (r, person) in participants {
                if isDuplicate(r, of: person) {
                    report.duplicates.append(file.duplicate(line: 0))
                    continue
                }
                report.inserted += 1
                if !dryRun { report.changes.addedRecords.append(try insert(r, person, actor)) }
            }
            report.committed = !dryRun
            return report
        }
    }

    /// An import taken back (`revert`'s `.imported`), as the SQLite ledger does it: records deleted
    /// (recognised ones only with a reason), added persons deleted unless they have records since, changed
    /// persons put back unless changed since — all checked before anything changes.
    fileprivate func revertImport(_ c: ImportedChange, reason: String) throws(LedgerError) -> Int {
        let ids = c.addedRecords.all.filter { records[$0] != nil }
        if ids.contains(where: { records[$0]?.record.recognition == .recognized }) && reason.isEmpty {
            throw .reopenNeedsReason
        }
        let remaining = records.filter { !ids.contains($0.key) }
        for id in c.addedPersons.all where persons[id] != nil {
            let theirs = remaining.values.filter { $0.personRowID == id }
            if !theirs.isEmpty {
                let by = entries.first {
                    $0.entity == .record && $0.action == .insert && remaining[$0.entityID]?.personRowID == id
                }?.actor
                throw .importedPersonHasRecords(
                    name: persons[id]!.name, maskedID: persons[id]!.id.masked, count: theirs.count, by: by)
            }
            try check(.person, id, exists: true, expected: c.changedPersons[id]?.version ?? 1)
        }
        for (id, b) in c.changedPersons where !c.addedPersons.contains(id) {
            try check(.person, id, exists: persons[id] != nil, expected: b.version)
        }
        var n = 0
        for id in ids {
            if var row = records[id], row.record.recognition == .recognized {
                // Reopened first, as `reopen` does, then deleted (both in the history).
                let old = row.record
                row.record.recognition = .pending
                row.record.recognitionNote = reason
                records[id] = row
                bump(id)
                log(
                    .update, .record, id, old.personID.value,
                    old: MemoryLedger.columns(old).merging(["recognition_note": old.recognitionNote]) { $1 },
                    new: MemoryLedger.columns(row.record).merging(["recognition_note": reason]) { $1 })
            }
            let old = records.removeValue(forKey: id)!
            log(.delete, .record, id, old.record.personID.value, old: MemoryLedger.columns(old.record))
            n += 1
        }
        for id in c.addedPersons.all {
            guard let old = persons.removeValue(forKey: id) else { continue }
            log(.delete, .person, id, old.id.value, old: ["name": old.name])
            n += 1
        }
        for (id, b) in c.changedPersons.sorted(by: { $0.key < $1.key }) where !c.addedPersons.contains(id) {
            let old = persons[id]!
            persons[id] = b.person
            bump(id)
            log(.update, .person, id, b.person.id.value, old: ["name": old.name], new: ["name": b.person.name])
            n += 1
        }
        return n
    }
}
