import CeledgerDomain

/// A person as stored, with the ledger's row id and the version of the row it was read from.
public struct StoredPerson: Sendable, Hashable {
    public let rowID: Int64
    public let person: Person
    /// Moves with every change of the row (by anyone): an edit hands it back (`updatePerson(…expected:)`),
    /// and a save against a row that changed since is refused instead of overwriting the other change.
    public let version: Int64
    public init(rowID: Int64, person: Person, version: Int64 = 1) {
        self.rowID = rowID
        self.person = person
        self.version = version
    }
}

/// A record as stored, with the ledger's row id.
public struct StoredRecord: Sendable, Hashable {
    public let rowID: Int64
    public let record: CeledgerDomain.Record
    /// Who decided the recognition, and when (UTC, ISO 8601); nil while nobody has.
    public let reviewedBy: String?
    public let reviewedAt: String?
    /// The version of the row it was read from (see `StoredPerson.version`).
    public let version: Int64
    /// Who entered the record and who last changed its content (not its recognition); nil when the ledger
    /// does not know (written before it kept them): nobody recognises a record they entered or last changed.
    public let enteredBy: String?
    public let changedBy: String?
    public init(
        rowID: Int64, record: CeledgerDomain.Record, reviewedBy: String? = nil, reviewedAt: String? = nil, version: Int64 = 1,
        enteredBy: String? = nil, changedBy: String? = nil
    ) {
        self.rowID = rowID
        self.record = record
        self.reviewedBy = reviewedBy
        self.reviewedAt = reviewedAt
        self.version = version
        self.enteredBy = enteredBy
        self.changedBy = changedBy
    }
}

/// A record waiting for recognition, with whose it is.
public struct PendingRow: Hashable, Sendable {
    public let personRowID: Int64
    public let personName: String
    public let stored: StoredRecord
    public init(personRowID: Int64, personName: String, stored: StoredRecord) {
        self.personRowID = personRowID
        self.personName = personName
        self.stored = stored
    }
}

/// What adding one activity for many persons did.
public struct BatchResult: Sendable, Hashable {
    /// Persons (row ids) who got the record, in the order given.
    public let added: [Int64]
    /// Persons who already had this activity (same mode, title and dates): skipped, never counted twice.
    public let duplicates: [Int64]
    public init(added: [Int64], duplicates: [Int64]) {
        self.added = added
        self.duplicates = duplicates
    }
}

/// Which records a review command or screen works on; nil fields do not filter.
public struct RecordFilter: Sendable, Hashable {
    public var year: Int?
    public var recognition: Recognition?
    public var unit: String?
    public var department: String?
    public var idNumber: String?
    public var mode: Mode?
    public var recordIDs: [Int64]?
    /// Only records without proof (issue 19): no file attached, or every one removed.
    public var withoutEvidence = false
    public init() {}
}

/// A rule set the ledger keeps of its own (a unit's rules), with who added it and when; either backend
/// keeps them in its table `rule_set`.
public struct OwnRuleSet: Sendable {
    public let set: RuleSet
    public let addedAt: String
    public let addedBy: String
    public init(set: RuleSet, addedAt: String, addedBy: String) {
        self.set = set
        self.addedAt = addedAt
        self.addedBy = addedBy
    }
}
