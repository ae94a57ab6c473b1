import CeledgerDomain
import Foundation

/// What a clerk may do at a ledger. Each role includes the one before it: a recorder enters and edits
/// persons and records, a reviewer also decides recognitions (recognise, reject, reopen) and imports records
/// already decided elsewhere, an admin also manages clerks, rules and the ledger's settings. The roles are the
/// platforms' (单位管理员 / 审核) because that is what the clerks already know.
public enum ClerkRole: String, Sendable, Hashable, CaseIterable {
    case recorder, reviewer, admin

    public func label(_ lang: Lang) -> String {
        switch self {
        case .recorder: lang == .zh ? "录入员" : "recorder"
        case .reviewer: lang == .zh ? "审核员" : "reviewer"
        case .admin: lang == .zh ? "管理员" : "admin"
        }
    }

    /// The role a spelling names: the stored word or its Chinese label.
    public init?(text: String) {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let r = ClerkRole.allCases.first(where: { $0.rawValue == t || $0.label(.zh) == t }) else { return nil }
        self = r
    }

    /// Whether this role may do `action`.
    public func allows(_ action: ClerkAction) -> Bool {
        switch action {
        case .enter: true
        case .decide, .importDecided: self != .recorder
        case .manageClerks, .manageRules, .changeSettings: self == .admin
        }
    }

    /// The least role that may do `action`, for the message that refuses it.
    public static func least(for action: ClerkAction) -> ClerkRole {
        ClerkRole.allCases.first { $0.allows(action) } ?? .admin
    }
}

/// What a write asks of its clerk's role (see `ClerkRole.allows`).
public enum ClerkAction: String, Sendable, Hashable, CaseIterable {
    /// Adding, changing and deleting persons and records (pending ones).
    case enter
    /// Recognising, rejecting, reopening; entering or editing a record with a decision in it.
    case decide
    /// Importing records that arrive already recognised or rejected (decided elsewhere).
    case importDecided
    case manageClerks
    /// Adding and removing the ledger's own rule sets.
    case manageRules
    /// The ledger's settings (its employer).
    case changeSettings

    public func label(_ lang: Lang) -> String {
        let zh = lang == .zh
        switch self {
        case .enter: return zh ? "录入和修改人员、记录" : "enter and edit persons and records"
        case .decide: return zh ? "认定、不予认定或重新打开记录" : "recognise, reject or reopen records"
        case .importDecided: return zh ? "导入已认定或不予认定的记录" : "import records already recognised or rejected"
        case .manageClerks: return zh ? "管理经办人" : "manage clerks"
        case .manageRules: return zh ? "增删规则" : "add or remove rule sets"
        case .changeSettings: return zh ? "修改登记簿设置" : "change the ledger's settings"
        }
    }
}

/// A named clerk of a ledger. A ledger without clerks is open to whoever opens it (as before clerks
/// existed); once it has one, every write names an active clerk and is held to their role and units.
public struct Clerk: Sendable, Hashable {
    public let name: String
    public let role: ClerkRole
    /// The units whose persons the clerk reaches; empty reaches every unit.
    public let units: [String]
    /// UTC, ISO 8601, and who added the clerk.
    public let createdAt: String
    public let createdBy: String
    /// Set when the clerk was removed (soft: the history keeps the name, and so does this row).
    public let removedAt: String?
    public let removedBy: String?

    public init(
        name: String, role: ClerkRole, units: [String] = [], createdAt: String = "", createdBy: String = "",
        removedAt: String? = nil, removedBy: String? = nil
    ) {
        self.name = name
        self.role = role
        self.units = units
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.removedAt = removedAt
        self.removedBy = removedBy
    }

    public var isActive: Bool { removedAt == nil }

    /// Whether the clerk reaches a person of `unit`.
    public func reaches(unit: String) -> Bool { units.isEmpty || units.contains(unit) }

    /// The units as a clerk reads them: "全部单位" / "all units", or the names.
    public func unitsText(_ lang: Lang) -> String {
        units.isEmpty ? (lang == .zh ? "全部单位" : "all units") : units.joined(separator: lang == .zh ? "、" : ", ")
    }
}

/// What a save ran into: the row it was read from changed (or went) since, and the history entries that
/// say by whom, when and what. A save is refused with it (`LedgerError.changedMeanwhile`) rather than
/// silently overwrite another clerk's change.
public struct ConcurrentChange: Sendable, Hashable {
    public let entity: HistoryEntry.Entity
    public let rowID: Int64
    /// The version the save was read at, and the row's version now (nil when it was deleted).
    public let expected: Int64
    public let current: Int64?
    /// The history entries since the save's read, oldest first (the deletion, when it was deleted).
    public let entries: [HistoryEntry]

    public init(entity: HistoryEntry.Entity, rowID: Int64, expected: Int64, current: Int64?, entries: [HistoryEntry]) {
        self.entity = entity
        self.rowID = rowID
        self.expected = expected
        self.current = current
        self.entries = entries
    }

    public var deleted: Bool { current == nil }

    /// Who changed it, in order, each once ("王芳、李明"); "另一位经办人" when the history does not say.
    public func who(_ lang: Lang) -> String {
        var names: [String] = []
        for e in entries where !names.contains(e.actor) { names.append(e.actor) }
        if names.isEmpty { return lang == .zh ? "另一位经办人" : "another clerk" }
        return names.joined(separator: lang == .zh ? "、" : ", ")
    }

    /// When the last of those changes was made, on the clock of `zone`; nil when the history does not say.
    public func when(in zone: TimeZone) -> String? { entries.last?.when(in: zone) }

    /// What changed, field by field, in the clerk's words ("姓名: 张三 → 张珊"), one line each.
    public func changes(_ lang: Lang) -> [String] {
        entries.filter { $0.action == .update }.flatMap { e in
            e.details(lang).components(separatedBy: "; ").filter { !$0.isEmpty }
        }
    }
}
