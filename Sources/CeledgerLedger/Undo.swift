import CeledgerDomain

/// A change the clerk can take back in one step (`undo`): what it did, with what the records were before.
/// The screens keep the last ones they made; the ledger reverts one in one transaction, as a new change in
/// the history (which is never rewritten).
public enum Undoable: Sendable, Hashable {
    /// A record added (the form): undo deletes it.
    case recordAdded(rowID: Int64)
    /// One activity added for many persons (a class registration): undo deletes each of those records.
    case classAdded(Record, personRowIDs: [Int64])
    /// Records changed (an edit, a recognition batch), with what each was before: undo puts that back.
    /// `versions`: the version the change left each record at; a record changed since by someone else is
    /// refused, naming who changed what (the clerk's own later steps, undone already, are no conflict).
    case recordsChanged(before: [Int64: Record], versions: [Int64: Int64] = [:])
    /// A record deleted, as it was: undo adds it again.
    case recordDeleted(Record, personRowID: Int64)
    /// A person added: undo deletes them (refused while they have records, as a delete is). `version`: the
    /// row's version when added (1); when given, a person changed since is refused, naming who changed what.
    case personAdded(rowID: Int64, version: Int64? = nil)
    /// A person changed, with what they were, and the version the change left: undo puts that back, refused
    /// (naming who changed what) when someone changed the person since. Nil: no check.
    case personChanged(rowID: Int64, before: Person, version: Int64? = nil)
    /// A person deleted (they had no records): undo adds them again.
    case personDeleted(Person)
    /// A whole import (persons, records, or a class file), as the importer said it did
    /// (`ImportedChange`): undo removes what it added and puts back what it changed, all in one transaction.
    case imported(ImportedChange)
}

/// Row ids as runs of consecutive ids. The rows one import adds nearly always follow each other, so a
/// hundred thousand of them are one run or a few, and an undo removes them run by run in a few statements
/// instead of one by one.
public struct RowIDs: Sendable, Hashable {
    public private(set) var runs: [ClosedRange<Int64>] = []
    public init() {}
    public init<S: Sequence>(_ ids: S) where S.Element == Int64 {
        for id in ids.sorted() { append(id) }
    }
    /// Adds an id: it extends the last run when it follows it (ids given in increasing order make the
    /// fewest runs; any order is kept right).
    public mutating func append(_ id: Int64) {
        if let last = runs.last {
            if last.contains(id) { return }
            if id == last.upperBound + 1 {
                runs[runs.count - 1] = last.lowerBound...id
                return
            }
        }
        runs.append(id...id)
    }
    public mutating func append(run: ClosedRange<Int64>) {
        if let last = runs.last, run.lowerBound == last.upperBound + 1 {
            runs[runs.count - 1] = last.lowerBound...run.upperBound
        } else {
            runs.append(run)
        }
    }
    public var count: Int { runs.reduce(0) { $0 + Int($1.upperBound - $1.lowerBound + 1) } }
    public var isEmpty: Bool { runs.isEmpty }
    public func contains(_ id: Int64) -> Bool { runs.contains { $0.contains(id) } }
    /// Every id, in order (for a handful; a ledger works on the runs).
    public var all: [Int64] { runs.flatMap { Array($0) } }
}

/// A person as they were before an import changed them, with the version the import left: an undo finding
/// another version refuses, since someone changed the person after the import.
public struct PersonBefore: Sendable, Hashable {
    public let person: Person
    public let version: Int64
    public init(person: Person, version: Int64) {
        self.person = person
        self.version = version
    }
}

/// What an import did to the ledger, for its undo: the persons and records it added (row ids) and the
/// persons it changed (with what they were). Filled by the importer in the import's own transaction, so it
/// names exactly that import's rows.
public struct ImportedChange: Sendable, Hashable {
    public var addedPersons = RowIDs()
    public var changedPersons: [Int64: PersonBefore] = [:]
    public var addedRecords = RowIDs()
    /// The last history entry of the import, when the ledger can give a deleted row's id again (SQLite):
    /// a row inserted under one of these ids after that entry is not the import's and is left alone.
    public var lastHistoryID: Int64?
    public init() {}
    public var isEmpty: Bool { addedPersons.isEmpty && changedPersons.isEmpty && addedRecords.isEmpty }
}

extension LedgerWriter {
    /// Reverts `change` in one transaction. A record recognised since (or by the change) is locked: it is
    /// reopened first, as `reopen` does, which needs a `reason` (`.reopenNeedsReason` without one).
    /// Returns how many persons or records it touched.
    public func undo(_ change: Undoable, reason: String, reviewer: String) throws(LedgerError) -> Int {
        // A person's change is one of the writer's own calls (each one transaction, its version checked);
        // a record's or an import's is `revert`.
        switch change {
        case .personAdded(let id, let version):
            try deletePerson(rowID: id, expected: version)
            return 1
        case .personChanged(let id, let before, let version):
            try updatePerson(rowID: id, before, expected: version)
            return 1
        case .personDeleted(let p):
            _ = try addPerson(p)
            return 1
        default:
            return try revert(change, reason: reason, reviewer: reviewer)
        }
    }
}
