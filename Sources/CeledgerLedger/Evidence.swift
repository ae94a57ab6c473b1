import CeledgerDomain

/// One proof file of a record as the ledger keeps it, without its bytes (`LedgerReader.evidenceBytes`).
public struct EvidenceItem: Sendable, Hashable {
    /// The evidence number ("E12" to a clerk).
    public let id: Int64
    public let recordRowID: Int64
    /// The file's own name when it was added (a base name; never a path).
    public let name: String
    public let size: Int
    public let kind: EvidenceKind
    /// SHA-256 of the bytes, 64 hex digits: what the card and the history cite.
    public let sha256: String
    /// UTC, ISO 8601; who added it (the clerk).
    public let addedAt: String
    public let addedBy: String
    /// Set once when removed: when, by whom and why. A removed file stays in the ledger.
    public let removedAt: String?
    public let removedBy: String?
    public let removedReason: String?

    public init(
        id: Int64, recordRowID: Int64, name: String, size: Int, kind: EvidenceKind, sha256: String, addedAt: String,
        addedBy: String, removedAt: String? = nil, removedBy: String? = nil, removedReason: String? = nil
    ) {
        self.id = id
        self.recordRowID = recordRowID
        self.name = name
        self.size = size
        self.kind = kind
        self.sha256 = sha256
        self.addedAt = addedAt
        self.addedBy = addedBy
        self.removedAt = removedAt
        self.removedBy = removedBy
        self.removedReason = removedReason
    }

    public var isRemoved: Bool { removedAt != nil }
    /// "E12".
    public var number: String { "E\(id)" }
}

extension Evidence {
    /// What a ledger checks before it keeps a file, whichever database stands behind it: the stored name
    /// and the kind, or the refusal in the clerk's words (`LedgerError.evidenceRefused`).
    public static func admit(name: String, bytes: [UInt8]) throws(LedgerError) -> (name: String, kind: EvidenceKind) {
        let stored: String
        switch storedName(name) {
        case .success(let n): stored = n
        case .failure(let p): throw LedgerError.evidenceRefused(name: Message.excerpt(name), p.message)
        }
        switch check(bytes) {
        case .success(let kind): return (stored, kind)
        case .failure(let p): throw LedgerError.evidenceRefused(name: stored, p.message)
        }
    }
}
