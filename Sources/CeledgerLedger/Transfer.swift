import CeledgerDomain

/// A whole ledger moved between the backends (`celedger migrate --to postgresql://…`, `celedger backup FILE`
/// from a server): the stored tables both keep, column by column, as plain values. Each backend reads its
/// own tables into this shape and writes this shape into its own (its SQL stays in its module); the CLI
/// only connects a reader to a writer and compares both afterwards.
///
/// Rows, not domain values: a move keeps what is stored as it is (row ids, versions, who entered and who
/// changed a record, the history's texts byte for byte), which the protocols' values do not all carry.
/// The per-person-year totals are not moved: the target's own settle recomputes them with the domain,
/// and the comparison afterwards sets both sides' totals side by side.
public enum TransferValue: Sendable, Hashable {
    case null
    case int(Int64)
    case text(String)
    case bytes([UInt8])
}

/// One table as both backends keep it: the columns a move copies, in order, and their kinds.
public struct TransferTable: Sendable, Hashable {
    public enum Kind: Sendable, Hashable { case int, text, bytes }
    public let name: String
    public let columns: [String]
    public let kinds: [Kind]
    /// Absent from a ledger without them is no loss (the clerks' tables on a server before they exist).
    public let optional: Bool
    /// The order both backends read the rows in (byte order for text), so that two ledgers compare row by row.
    public let orderBy: [String]

    init(_ name: String, optional: Bool = false, orderBy: [String]? = nil, _ columns: [(String, Kind)]) {
        self.name = name
        self.columns = columns.map(\.0)
        self.kinds = columns.map(\.1)
        self.optional = optional
        self.orderBy = orderBy ?? [columns[0].0]
    }

    public var columnList: String { columns.joined(separator: ", ") }
}

public enum LedgerTransfer {
    public static let person = TransferTable(
        "person",
        [
            ("id", .int), ("id_number", .text), ("name", .text), ("name_initials", .text), ("gender", .text),
            ("birth_date", .text), ("unit", .text), ("department", .text), ("title", .text), ("title_level", .text),
            ("specialty", .text), ("status", .text), ("status_date", .text), ("category", .text), ("created_at", .text),
            ("updated_at", .text), ("version", .int), ("name_key", .text),
        ])
    public static let record = TransferTable(
        "record",
        [
            ("id", .int), ("person_id", .int), ("mode", .text), ("category", .text), ("title", .text), ("provider", .text),
            ("start_date", .text), ("end_date", .text), ("year", .int), ("assessment", .text), ("score", .text),
            ("claimed_tenths", .int), ("recognized_tenths", .int), ("recognition", .text), ("recognition_note", .text),
            ("reviewed_by", .text), ("reviewed_at", .text), ("certificate_no", .text), ("note", .text), ("basis", .text),
            ("quantity", .int), ("role", .text), ("suggested_tenths", .int), ("created_at", .text), ("updated_at", .text),
            ("version", .int), ("entered_by", .text), ("changed_by", .text),
        ])
    public static let evidence = TransferTable(
        "evidence",
        [
            ("id", .int), ("record_id", .int), ("name", .text), ("size", .int), ("type", .text), ("sha256", .text),
            ("added_at", .text), ("added_by", .text), ("removed_at", .text), ("removed_by", .text),
            ("removed_reason", .text), ("bytes", .bytes),
        ])
    public static let card = TransferTable(
        "card",
        [
            ("id", .int), ("number", .text), ("person_id", .int), ("first_year", .int), ("last_year", .int),
            ("issuer", .text), ("digest", .text), ("issued_at", .text), ("issued_by", .text),
        ])
    public static let ruleSet = TransferTable(
        "rule_set", orderBy: ["id", "added_at"],
        [
            ("id", .text), ("json", .text), ("added_at", .text), ("added_by", .text), ("removed_at", .text),
            ("removed_by", .text),
        ])
    public static let setting = TransferTable("setting", [("key", .text), ("value", .text)])
    /// Every entry as it was written. An insert's `new_values` carries the values the inserted row had
    /// (a server's triggers store them; a SQLite reader fills them in from the next change's old values or
    /// the row itself, exactly the text its hash chain covered), so the entry reads the same anywhere.
    public static let history = TransferTable(
        "history",
        [
            ("id", .int), ("at", .text), ("actor", .text), ("action", .text), ("entity", .text), ("entity_id", .int),
            ("id_number", .text), ("old_values", .text), ("new_values", .text),
        ])
    /// The SQLite ledger's links, in chain order, for a server to keep as the moved segment of its chain.
    public static let chain = TransferTable("history_chain", optional: true, [("history_id", .int), ("digest", .bytes)])
    public static let clerk = TransferTable(
        "clerk", optional: true,
        [
            ("id", .int), ("name", .text), ("role", .text), ("created_at", .text), ("created_by", .text),
            ("removed_at", .text), ("removed_by", .text),
        ])
    public static let clerkUnit = TransferTable(
        "clerk_unit", optional: true, orderBy: ["clerk_id", "unit"], [("clerk_id", .int), ("unit", .text)])
    public static let clerkLog = TransferTable(
        "clerk_log", optional: true,
        [
            ("id", .int), ("at", .text), ("actor", .text), ("action", .text), ("name", .text), ("role", .text),
            ("units", .text),
        ])

    /// In the order a writer inserts them (a row after the rows it refers to).
    public static let tables: [TransferTable] = [
        person, record, evidence, card, ruleSet, setting, history, chain, clerk, clerkUnit, clerkLog,
    ]
    /// The clerks' tables: moved only when both sides have them.
    public static let clerkTables: Set<String> = ["clerk", "clerk_unit", "clerk_log"]

    /// The setting a server keeps for the part of its chain moved in from a SQLite ledger (`MovedChain`).
    public static let movedChainKey = "history_chain.moved"
}

/// Rows handed from a reader to a writer, one table after another, each table's rows in key order.
public typealias TransferSink = (TransferTable, [TransferValue]) throws -> Void

/// What a ledger reads out of itself for a move, in one consistent moment (one read transaction).
public protocol TransferSource {
    /// The tables of `tables` this ledger has, in order, each row through `each`. Fails with a
    /// `LedgerError` of its own, or with what `each` threw, as it was (the target's failure is the target's).
    func readTables(_ tables: [TransferTable], progress: ((Int, Int?) -> Void)?, _ each: TransferSink) throws
}

/// Carries what a move's target threw out through the source's read, which would otherwise take it for
/// its own database's failure.
public final class TransferRelay {
    public private(set) var failure: (any Error)?
    public init() {}
    /// Runs the target's step; its failure is kept and a marker thrown in its place.
    public func pass(_ body: () throws -> Void) throws {
        do { try body() } catch {
            failure = error
            throw Relayed()
        }
    }
    /// The target's failure if there was one, else `error`.
    public func original(_ error: LedgerError) -> any Error { failure ?? error }
    struct Relayed: Error {}
}

/// What a move wrote, table by table.
public struct TransferCounts: Sendable, Equatable {
    public var rows: [String: Int] = [:]
    /// Rows of tables the target does not have (the clerks, on a server without clerk tables).
    public var notMoved: [String: Int] = [:]
    public init() {}
    public subscript(_ table: String) -> Int { rows[table] ?? 0 }
}

/// The part of a server's hash chain that came from a SQLite ledger by `celedger migrate`: its links are
/// SQLite's (`celedger-history-v1`, over SQLite's texts of each entry), kept as they were so that the
/// SQLite ledger's printed heads still stand for it; the server's own links (`celedger-history-pg-v1`)
/// continue from its last link. Kept as one setting: the text only says which encoding checks which
/// links, so changing it can make a sound chain fail its check but never a changed entry pass.
public struct MovedChain: Sendable, Equatable {
    /// The chain positions 1...lastSeq are SQLite's links.
    public let lastSeq: Int64
    /// The SQLite ledger's head when it was moved (hex), as its cards and reports printed it.
    public let head: String
    public let encoding: String
    public init(lastSeq: Int64, head: String, encoding: String = "celedger-history-v1") {
        self.lastSeq = lastSeq
        self.head = head
        self.encoding = encoding
    }

    public var setting: String { "\(encoding) \(lastSeq) \(head)" }

    public static func parse(_ text: String?) -> MovedChain? {
        guard let parts = text?.split(separator: " "), parts.count == 3, let seq = Int64(parts[1]) else { return nil }
        return MovedChain(lastSeq: seq, head: String(parts[2]), encoding: String(parts[0]))
    }
}
