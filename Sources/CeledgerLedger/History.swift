import CeledgerDomain
import Foundation

/// One entry of the append-only history.
public struct HistoryEntry: Sendable, Hashable {
    /// A history row's values as stored (a JSON object) as column → text, null as "": how every ledger reads
    /// the old and new values it keeps.
    public static func values(fromJSON text: String?) -> [String: String] {
        guard let text, let data = text.data(using: .utf8),
            let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [:] }
        var out: [String: String] = [:]
        for (k, v) in obj {
            switch v {
            case is NSNull: out[k] = ""
            case let n as NSNumber: out[k] = n.stringValue
            default: out[k] = "\(v)"
            }
        }
        return out
    }

    public enum Action: String, Sendable { case insert, update, delete }
    public enum Entity: String, Sendable {
        case person, record
        /// A proof file of a record (issue 19): `entityID` is the evidence number.
        case evidence
    }

    public let id: Int64
    /// UTC, ISO 8601 with milliseconds.
    public let at: String
    public let actor: String
    public let action: Action
    public let entity: Entity
    public let entityID: Int64
    public let idNumber: String
    /// Column values before and after, as stored (hours as tenths), by column name.
    public let old: [String: String]
    public let new: [String: String]

    /// The columns that differ, in a stable order: (column, before, after).
    public var changes: [(column: String, old: String, new: String)] {
        let keys = Set(old.keys).union(new.keys).sorted()
        return keys.compactMap { k in
            let a = old[k] ?? "", b = new[k] ?? ""
            return a == b ? nil : (k, a, b)
        }
    }
    public init(
        id: Int64, at: String, actor: String, action: Action, entity: Entity, entityID: Int64, idNumber: String,
        old: [String: String], new: [String: String]
    ) {
        self.id = id
        self.at = at
        self.actor = actor
        self.action = action
        self.entity = entity
        self.entityID = entityID
        self.idNumber = idNumber
        self.old = old
        self.new = new
    }
}

extension HistoryEntry {
    /// What happened, in a few words: "新增记录 #12" / "record #12 added".
    public func what(_ lang: Lang) -> String {
        let zh = lang == .zh
        switch (action, entity) {
        case (.insert, .person): return zh ? "新增人员" : "person added"
        case (.update, .person): return zh ? "修改人员" : "person changed"
        case (.delete, .person): return zh ? "删除人员" : "person deleted"
        case (.insert, .record): return zh ? "新增记录 #\(entityID)" : "record #\(entityID) added"
        case (.update, .record): return zh ? "修改记录 #\(entityID)" : "record #\(entityID) changed"
        case (.delete, .record): return zh ? "删除记录 #\(entityID)" : "record #\(entityID) deleted"
        case (.insert, .evidence): return zh ? "添加证明 E\(entityID)" : "proof E\(entityID) added"
        case (.update, .evidence): return zh ? "移除证明 E\(entityID)" : "proof E\(entityID) removed"
        case (.delete, .evidence): return zh ? "删除证明 E\(entityID)" : "proof E\(entityID) deleted"
        }
    }

    /// The details: the record's content and dates, the person's name, or each changed field as
    /// "认定状态: 已认定 → 不予认定", in the clerk's words (hours as hours, values as labels).
    public func details(_ lang: Lang) -> String {
        // Proof: the file, its record and its digest (what the bytes were); a removal, its reason.
        if entity == .evidence {
            let v = new.isEmpty ? old : new
            var s =
                "\(v["name"] ?? "") · \(lang == .zh ? "记录" : "record") #\(v["record_id"] ?? "?") · SHA-256 \(v["sha256"] ?? "")"
            if action == .update, let reason = new["removed_reason"], !reason.isEmpty {
                s += lang == .zh ? " · 理由：\(reason)" : " · reason: \(reason)"
            }
            return s
        }
        switch action {
        case .insert, .delete:
            let v = action == .insert ? new : old
            return entity == .record ? "\(v["title"] ?? "") \(v["start_date"] ?? "")~\(v["end_date"] ?? "")" : v["name"] ?? ""
        case .update:
            return changes.map { c in
                let before = HistoryEntry.shown(c.column, c.old, entity, lang),
                    after = HistoryEntry.shown(c.column, c.new, entity, lang)
                return "\(HistoryEntry.label(c.column, entity, lang)): \(before) → \(after)"
            }.joined(separator: "; ")
        }
    }

    /// A stored column's name as the clerk knows it.
    static func label(_ column: String, _ entity: Entity, _ lang: Lang) -> String {
        let kind: RowKind = entity == .person ? .person : .record
        switch column {
        case "claimed_tenths": return Field.claimedHours.label(lang, in: kind)
        case "recognized_tenths": return Field.recognizedHours.label(lang, in: kind)
        case "category" where entity == .person: return Field.personCategory.label(lang, in: kind)
        case "reviewed_by": return lang == .zh ? "认定人" : "reviewed_by"
        default:
            return Field(rawValue: column).map { $0.label(lang, in: kind) } ?? column
        }
    }

    /// A stored value as the clerk reads it: tenths as hours, vocabulary keys as labels, "—" for none.
    static func shown(_ column: String, _ value: String, _ entity: Entity, _ lang: Lang) -> String {
        if value.isEmpty { return "—" }
        if column.hasSuffix("_tenths"), let t = Int(value) { return Hours(tenths: t).description }
        let vocabulary: String?
        switch column {
        case "mode": vocabulary = Mode(rawValue: value)?.label(lang)
        case "category":
            vocabulary = entity == .person ? PersonCategory(rawValue: value)?.label(lang) : Category(rawValue: value)?.label(lang)
        case "assessment": vocabulary = Assessment(rawValue: value)?.label(lang)
        case "recognition": vocabulary = Recognition(rawValue: value)?.label(lang)
        case "gender": vocabulary = Gender(rawValue: value)?.label(lang)
        case "status": vocabulary = EmploymentStatus(rawValue: value)?.label(lang)
        case "title_level": vocabulary = TitleLevel(rawValue: value)?.label(lang)
        default: vocabulary = nil
        }
        return vocabulary ?? value
    }

    /// "2026-11-25 15:22:27" (UTC).
    public var when: String { String(at.prefix(19)).replacingOccurrences(of: "T", with: " ") }

    /// "2026-11-25 23:22:27": the time on the clock of `zone` (the user's).
    public func when(in zone: TimeZone) -> String {
        guard let date = HistoryEntry.date(at) else { return when }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.calendar = Calendar(identifier: .gregorian)
        f.timeZone = zone
        f.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return f.string(from: date)
    }

    static func date(_ iso: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: iso) { return d }
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: iso)
    }

    /// "UTC+08:00": how a zone stands to UTC now, to label local times.
    public static func offsetLabel(_ zone: TimeZone, at date: Date = Date()) -> String {
        let seconds = zone.secondsFromGMT(for: date)
        let sign = seconds < 0 ? "-" : "+"
        let m = abs(seconds) / 60
        return "UTC\(sign)\(String(format: "%02d:%02d", m / 60, m % 60))"
    }
}

/// Findings of `check`: each says where and what.
public struct CheckFinding: Sendable, Hashable {
    public enum Severity: String, Sendable { case error, warning }
    public let severity: Severity
    /// "person 12 (3601**********1235)", "record 340", "ledger".
    public let location: String
    public let message: Message
    /// The file itself is damaged (SQLite's integrity check failed): nothing read from it stands for the
    /// ledger, and the clerk is pointed to a backup.
    public let damagesFile: Bool
    public init(severity: Severity, location: String, message: Message, damagesFile: Bool = false) {
        self.severity = severity
        self.location = location
        self.message = message
        self.damagesFile = damagesFile
    }
}
