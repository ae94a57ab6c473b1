import CeledgerDomain

/// What `import persons` does to a person already in the ledger, decided in one place for a ledger that
/// decides it outside its database: the row's values compared column by column with what is stored, and
/// only the columns the file has (`present`) changed. The same rule as the SQLite ledger's `RowWriter`
/// (Sources/CeledgerSQLite/Import.swift), which compares GRDB rows the same way: a column the file does
/// not have is never touched, a name moves with its initials and its key in the list's order, and a
/// status made active clears its date (the schema ties them).
public struct PersonUpsert: Sendable {
    /// The columns an import may change, as both ledgers name them, in this order.
    public static let columns = [
        "name", "name_initials", "name_key", "unit", "department", "title", "title_level", "specialty", "status",
        "status_date", "category",
    ]

    /// The field each of `columns` belongs to (a name's initials and key are the name's).
    static let fields: [Field] = [
        .name, .name, .name, .unit, .department, .title, .titleLevel, .specialty, .status, .statusDate, .personCategory,
    ]

    /// The person's values for `columns`, as the ledgers store them (text, nil for NULL).
    public static func values(_ p: Person, pinyin: PinyinIndex) -> [String?] {
        [
            p.name, pinyin.initials(of: p.name), pinyin.nameKey(of: p.name), p.unit, p.department, p.title,
            p.titleLevel?.rawValue, p.specialty, p.status.rawValue, p.statusDate?.iso, p.category.rawValue,
        ]
    }

    /// The values `stored` (in the order of `columns`) become when a row with `p` and the file's columns
    /// `present` is imported over them; nil when nothing changes (the row is "unchanged").
    public static func apply(_ p: Person, present: Set<Field>, over stored: [String?], pinyin: PinyinIndex) -> [String?]? {
        let new = values(p, pinyin: pinyin)
        var next = stored
        var changed = false
        for (i, field) in fields.enumerated() where present.contains(field) && stored[i] != new[i] {
            next[i] = new[i]
            changed = true
        }
        // Status and its date move together: active again, and a date the file does not give is cleared.
        let date = columns.firstIndex(of: "status_date")!
        if present.contains(.status) && !present.contains(.statusDate) && p.status == .active && next[date] != nil {
            next[date] = nil
            changed = true
        }
        return changed ? next : nil
    }
}
