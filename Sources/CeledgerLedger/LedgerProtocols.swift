import CeledgerDomain
import Foundation

/// Reading a ledger: what the screens show. Speaks only in domain values and the value types of this module,
/// so that a screen neither knows nor cares which database stands behind it (the SQLite file of
/// `CeledgerSQLite`, or a server). Every read is one consistent moment of the ledger.
///
/// The persons list is paged by keys (`ListKey`), never by offsets, so that a page costs the same at the end
/// of a million records as at the start; an implementation must keep that promise for the list to stay fast.
public protocol LedgerReader: AnyObject, Sendable {
    /// The rule sets that judge the ledger's years: the shipped ones and the ledger's own.
    var rules: RuleBook { get }

    /// Changes whenever the ledger's content may have changed, by this process or another: screens read
    /// again only when it moved. Only values taken from the same ledger object compare.
    func version() throws(LedgerError) -> Int64

    // MARK: The persons list of a year

    /// How many persons the query lists, and how many of them met the year's requirement.
    func personSummary(_ q: PersonListQuery) throws(LedgerError) -> YearSummary
    /// Rows of the list next to `key`: after it (`forward`) or before it, in list order; from the start (or
    /// the end) without a key. `including` takes the key's own row too.
    func personRows(
        _ q: PersonListQuery, from key: ListKey?, forward: Bool, including: Bool, limit: Int
    ) throws(LedgerError)
        -> [PersonListRow]
    /// A person's key in the list, or nil when the query does not list them.
    func personKey(of personRowID: Int64, in q: PersonListQuery) throws(LedgerError) -> ListKey?
    /// Starts reading, in the background, what makes a search of `year` fast (the first keystroke then
    /// does not wait). Returns at once.
    func prepareSearch(year: Int?)
    /// True while a search of `year` would have to wait for `prepareSearch`'s reading.
    func searchIsBeingPrepared(year: Int) -> Bool
    /// Units and departments present, for the filter menus.
    func units() throws(LedgerError) -> [String]
    func departments(unit: String?) throws(LedgerError) -> [String]

    // MARK: One person

    func person(rowID: Int64) throws(LedgerError) -> StoredPerson?
    func recordCount(personRowID: Int64) throws(LedgerError) -> Int
    /// A person's records of one year (by end date), in date order.
    func records(personRowID: Int64, year: Int) throws(LedgerError) -> [StoredRecord]
    /// A person's year evaluated by the domain from their records: totals, what the caps trimmed, and the
    /// notes that say so.
    func yearResult(personRowID: Int64, year: Int) throws(LedgerError) -> (result: YearResult, notes: [Message])
    /// The history of everything that happened to a person and their records, oldest first.
    func history(idNumber: String) throws(LedgerError) -> [HistoryEntry]
    /// The head of the history's hash chain (nil when there is none), for what is printed.
    func historyHead() throws(LedgerError) -> HistoryHead?
    /// What a record card is made from, read at one moment; nil when the person is not in the ledger.
    func cardSource(personRowID: Int64, years: ClosedRange<Int>) throws(LedgerError) -> CardSource?

    // MARK: Review and statistics

    /// Records waiting for recognition in a year (or every year), oldest first.
    func pendingRecords(year: Int?, limit: Int) throws(LedgerError) -> [PendingRow]
    /// A year's statistics (of one unit, when given), every person evaluated by the domain.
    func statistics(year: Int, unit: String?) throws(LedgerError) -> YearStatistics

    // MARK: The ledger's own settings

    /// The employer a one-employer ledger belongs to, set once: the unit of rows without one and the
    /// issuer of its cards; nil when not set.
    func employer() throws(LedgerError) -> String?

    // MARK: Proof of records (issue 19)

    /// The proof of these records (removed files too when `includingRemoved`), by record then number.
    func evidence(recordRowIDs: [Int64], includingRemoved: Bool) throws(LedgerError) -> [EvidenceItem]
    /// One proof file by its number, removed or not; nil when there is none.
    func evidenceItem(id: Int64) throws(LedgerError) -> EvidenceItem?
    /// The bytes of a proof file, exactly as added (`.noEvidence` when there is none).
    func evidenceBytes(id: Int64) throws(LedgerError) -> [UInt8]
    // MARK: Clerks

    /// Every clerk the ledger has had, removed ones too, by name; empty for a ledger without clerks (open
    /// to whoever opens it, as before clerks existed).
    func clerks() throws(LedgerError) -> [Clerk]
    /// The clerk this ledger object acts as (the name it was opened with), nil when the ledger has no
    /// clerks or the name is none of them. In a ledger with clerks every write names an active clerk and
    /// is held to their role; a clerk with units reads and writes only those units' persons.
    func actingClerk() throws(LedgerError) -> Clerk?
}

/// Changing a ledger. Each call is one transaction that settles the totals it changed before it commits and
/// leaves its history entries (who, when, before and after) in the same transaction: all of it or none.
public protocol LedgerWriter: LedgerReader {
    /// Adds a person; `.duplicatePerson` when the ID number is taken. Returns the new row id.
    func addPerson(_ p: Person) throws(LedgerError) -> Int64
    /// Replaces a person's details. `expected` is the `StoredPerson.version` the edit was read from: when
    /// the row changed since, nothing is written and `.changedMeanwhile` says who changed what and when
    /// (also when it was deleted). nil saves whatever the row is now (undo, bulk commands, tests).
    func updatePerson(rowID: Int64, _ p: Person, expected version: Int64?) throws(LedgerError)
    /// Deletes a person without records (`.personHasRecords` otherwise: nothing disappears by accident);
    /// `expected` as for `updatePerson`.
    func deletePerson(rowID: Int64, expected version: Int64?) throws(LedgerError)

    /// Adds a record for a person; `.duplicateRecord` for the same activity twice. `reviewer` is who
    /// decided a recognition the record arrives with.
    func addRecord(_ r: Record, personRowID: Int64, reviewer: String) throws(LedgerError) -> Int64
    /// The same activity for many persons (one class): all or nothing; those who have it already are
    /// skipped and named, a person no longer in the ledger fails the whole batch (`.gone`).
    func addRecords(_ r: Record, personRowIDs: [Int64], reviewer: String) throws(LedgerError) -> BatchResult
    /// `.locked` for a recognised record; `expected` (the `StoredRecord.version` read) as for `updatePerson`:
    /// `.changedMeanwhile` when the record changed or went since.
    func updateRecord(rowID: Int64, _ r: Record, reviewer: String, expected version: Int64?) throws(LedgerError)
    func deleteRecord(rowID: Int64, expected version: Int64?) throws(LedgerError)
    /// Recognises or rejects records (a rejection needs a reason), saying why each record left unchanged
    /// was left (recognised already, locked, gone, changed since it was read, the clerk's own entry).
    /// `expected` holds the versions the records were shown at; a record whose version differs is left
    /// (`changedMeanwhile`): nobody decides on content they have not seen. Records missing from it are not
    /// checked. In a ledger with clerks a record the deciding clerk entered or last changed is left too
    /// (`ownEntries`).
    func decideRecognition(
        rowIDs: [Int64], to recognition: Recognition, reason: String, reviewer: String, expected versions: [Int64: Int64]
    ) throws(LedgerError) -> RecognitionOutcome
    /// Reverts an `Undoable` in one transaction (see `undo`); returns how many records it touched.
    func revert(_ change: Undoable, reason: String, reviewer: String) throws(LedgerError) -> Int
    /// Reopens recognised records for correction, with a reason; returns how many were reopened.
    func reopen(rowIDs: [Int64], reason: String, reviewer: String) throws(LedgerError) -> Int

    /// The certificate number of a record card with this content (`digest`): the one it got before when
    /// the same content was issued, else the next free one of the issue year.
    func issueCard(
        personRowID: Int64, firstYear: Int, lastYear: Int, issuer: String, digest: String, by actor: String,
        now: Date, timeZone: TimeZone, prefix: String
    ) throws(LedgerError) -> IssuedCard

    /// Sets the ledger's employer; nil or blank clears it.
    func setEmployer(_ name: String?) throws(LedgerError)

    // MARK: Proof of records (issue 19)

    /// Keeps a proof file of a record in the ledger, checked by `Evidence.admit` (name, size, kind by
    /// content), with its SHA-256; one transaction with its history entry. `.gone` when the record is not
    /// in the ledger, `.evidenceRefused` for a file that cannot be kept. `clerk` is who added it.
    func addEvidence(recordRowID: Int64, name: String, bytes: [UInt8], clerk: String) throws(LedgerError) -> EvidenceItem
    /// Removes a proof file with a reason: it stays in the ledger and its history, marked removed (who,
    /// when, why). `.noEvidence`, `.evidenceRemoved` (once only), `.evidenceRemovalNeedsReason`.
    func removeEvidence(id: Int64, reason: String, clerk: String) throws(LedgerError) -> EvidenceItem
    // MARK: Clerks (an admin's, except the first clerk of a ledger, who must be an admin)

    /// Adds a clerk; `.clerkExists` for a name taken (a removed clerk's too: the history keeps it).
    func addClerk(name: String, role: ClerkRole, units: [String]) throws(LedgerError) -> Clerk
    /// Changes a clerk's role or units (nil leaves it); `.lastAdmin` when it would leave no admin.
    func changeClerk(name: String, role: ClerkRole?, units: [String]?) throws(LedgerError) -> Clerk
    /// Removes a clerk, softly: the row stays with when and by whom, and the name writes no more.
    func removeClerk(name: String) throws(LedgerError)
}

extension LedgerReader {
    /// A person's totals for each year of a range (the five-year chart, multi-year checks).
    public func yearTotals(personRowID: Int64, years: ClosedRange<Int>) throws(LedgerError) -> [AnnualTotals] {
        try years.map { y throws(LedgerError) in try yearResult(personRowID: personRowID, year: y).result.totals }
    }

    public func pendingRecords(year: Int?) throws(LedgerError) -> [PendingRow] {
        try pendingRecords(year: year, limit: 10_000)
    }

    public func statistics(year: Int) throws(LedgerError) -> YearStatistics {
        try statistics(year: year, unit: nil)
    }

    /// A ledger without a hash chain has no head to print.
    public func historyHead() throws(LedgerError) -> HistoryHead? { nil }
}

extension LedgerWriter {
    /// An edit saved against whatever the row is now (nothing was read before it: undo, bulk commands).
    public func updatePerson(rowID: Int64, _ p: Person) throws(LedgerError) {
        try updatePerson(rowID: rowID, p, expected: nil)
    }
    public func deletePerson(rowID: Int64) throws(LedgerError) { try deletePerson(rowID: rowID, expected: nil) }
    public func updateRecord(rowID: Int64, _ r: Record, reviewer: String) throws(LedgerError) {
        try updateRecord(rowID: rowID, r, reviewer: reviewer, expected: nil)
    }
    public func deleteRecord(rowID: Int64) throws(LedgerError) { try deleteRecord(rowID: rowID, expected: nil) }
    public func decideRecognition(
        rowIDs: [Int64], to recognition: Recognition, reason: String, reviewer: String
    ) throws(LedgerError) -> RecognitionOutcome {
        try decideRecognition(rowIDs: rowIDs, to: recognition, reason: reason, reviewer: reviewer, expected: [:])
    }
    /// Recognises or rejects records (a rejection needs a reason); returns how many changed.
    @discardableResult
    public func setRecognition(
        rowIDs: [Int64], to recognition: Recognition, reason: String, reviewer: String, expected: [Int64: Int64] = [:]
    ) throws(LedgerError) -> Int {
        try decideRecognition(rowIDs: rowIDs, to: recognition, reason: reason, reviewer: reviewer, expected: expected).changed
    }

    public func issueCard(
        personRowID: Int64, firstYear: Int, lastYear: Int, issuer: String, digest: String, by actor: String, now: Date = Date()
    ) throws(LedgerError) -> IssuedCard {
        try issueCard(
            personRowID: personRowID, firstYear: firstYear, lastYear: lastYear, issuer: issuer, digest: digest, by: actor,
            now: now, timeZone: .current, prefix: IssuedCard.jiangxiPrefix)
    }
}

extension IssuedCard {
    /// The prefix of every certificate number: Jiangxi (江西).
    public static let jiangxiPrefix = "JX"
}

/// What a recognition decision did to the records it was asked for: how many changed, and why the others
/// did not (another window or reviewer may have decided them a moment before).
public struct RecognitionOutcome: Sendable, Hashable {
    public var changed = 0
    /// Asked to recognise, and recognised already.
    public var alreadyRecognized = 0
    /// Asked to reject, but recognised (locked: reopen it first).
    public var locked = 0
    /// No longer in the ledger.
    public var gone = 0
    /// Changed since they were shown (their version moved): left for the clerk to look at again.
    public var changedMeanwhile = 0
    /// Entered or last changed by the deciding clerk: somebody else recognises them.
    public var ownEntries = 0
    /// The records that changed (for the undo of the decision).
    public var changedRowIDs: [Int64] = []
    public init(
        changed: Int = 0, alreadyRecognized: Int = 0, locked: Int = 0, gone: Int = 0, changedMeanwhile: Int = 0,
        ownEntries: Int = 0
    ) {
        self.changed = changed
        self.alreadyRecognized = alreadyRecognized
        self.locked = locked
        self.gone = gone
        self.changedMeanwhile = changedMeanwhile
        self.ownEntries = ownEntries
    }

    /// The records left unchanged and why, in the clerk's words ("1 条已被认定（已锁定）…"); nil when all changed.
    public func refusals(_ lang: Lang) -> String? {
        var parts: [String] = []
        let zh = lang == .zh
        if alreadyRecognized > 0 {
            parts.append(
                zh ? "\(alreadyRecognized) 条已是已认定（他人刚刚认定）" : "\(alreadyRecognized) already recognised (just now, elsewhere)")
        }
        if locked > 0 {
            parts.append(
                zh ? "\(locked) 条已认定并锁定，须先按 u 重新打开" : "\(locked) recognised and locked; reopen with u first")
        }
        if gone > 0 { parts.append(zh ? "\(gone) 条已不在登记簿中" : "\(gone) no longer in the ledger") }
        if changedMeanwhile > 0 {
            parts.append(
                zh ? "\(changedMeanwhile) 条在显示后已被他人修改，请刷新后再看" : "\(changedMeanwhile) changed by someone since shown; look again")
        }
        if ownEntries > 0 {
            parts.append(
                zh
                    ? "\(ownEntries) 条是你自己录入或最后修改的，须由另一位审核员认定"
                    : "\(ownEntries) entered or last changed by you; another reviewer decides them")
        }
        return parts.isEmpty ? nil : parts.joined(separator: zh ? "；" : "; ")
    }
}
