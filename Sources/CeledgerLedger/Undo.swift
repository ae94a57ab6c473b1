import CeledgerDomain

/// A change the clerk can take back in one step (`undo`): what it did, with what the records were before.
/// The screens keep the last one they made; the ledger reverts it in one transaction, as a new change in
/// the history (which is never rewritten).
public enum Undoable: Sendable, Hashable {
    /// A record added (the form): undo deletes it.
    case recordAdded(rowID: Int64)
    /// One activity added for many persons (a class registration): undo deletes each of those records.
    case classAdded(Record, personRowIDs: [Int64])
    /// Records changed (an edit, a recognition batch), with what each was before: undo puts that back.
    case recordsChanged(before: [Int64: Record])
    /// A record deleted, as it was: undo adds it again.
    case recordDeleted(Record, personRowID: Int64)
    /// A person added: undo deletes them (refused while they have records, as a delete is).
    case personAdded(rowID: Int64)
    /// A person changed, with what they were: undo puts that back.
    case personChanged(rowID: Int64, before: Person)
    /// A person deleted (they had no records): undo adds them again.
    case personDeleted(Person)
}

extension LedgerWriter {
    /// Reverts `change` in one transaction. A record recognised since (or by the change) is locked: it is
    /// reopened first, as `reopen` does, which needs a `reason` (`.reopenNeedsReason` without one).
    /// Returns how many records it touched.
    public func undo(_ change: Undoable, reason: String, reviewer: String) throws(LedgerError) -> Int {
        // A person's change is one of the writer's own calls (each one transaction); a record's is `revert`.
        switch change {
        case .personAdded(let id):
            try deletePerson(rowID: id)
            return 1
        case .personChanged(let id, let before):
            try updatePerson(rowID: id, before)
            return 1
        case .personDeleted(let p):
            _ = try addPerson(p)
            return 1
        default:
            return try revert(change, reason: reason, reviewer: reviewer)
        }
    }
}
