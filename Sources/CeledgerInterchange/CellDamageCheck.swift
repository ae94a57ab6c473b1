import CeledgerDomain
import CeledgerSheets

/// The errors of the cells a source could read only with a loss (`CellDamage`), in the import's words.
public enum CellDamageCheck {
    /// Errors for the cells a source could read only with a loss (`CSVRow.damaged`), named by the column
    /// as headed in the file. A damaged cell in a column the import ignores is no error.
    public static func errors(_ row: CSVRow, map: [Field?], header: [String]) -> [RowError] {
        guard !row.damaged.isEmpty else { return [] }
        return row.damaged.keys.sorted().compactMap { i -> RowError? in
            guard i < map.count, let field = map[i], i < header.count else { return nil }
            let left = i < row.fields.count ? row.fields[i] : ""
            switch row.damaged[i]! {
            case .digitsLost:
                let message =
                    field == .idNumber
                    ? Message(
                        zh: "身份证号被存成了数字，末尾几位已丢失（只剩“\(left)”）；请把该列设为文本格式后重新输入",
                        en:
                            "the ID number was stored as a number and lost its last digits (\"\(left)\" is left); format the column as Text and type the numbers again"
                    )
                    : Message(
                        zh: "长数字被存成了数字，15位以后的部分已丢失（只剩“\(left)”）；请把该列设为文本格式后重新输入",
                        en:
                            "a long number was stored as a number and lost its digits after the 15th (\"\(left)\" is left); format the column as Text and type it again"
                    )
                return RowError(line: row.line, column: header[i].trimmedField, message: message)
            }
        }
    }

    /// The damage first, then the parser's other findings; its verdict on a damaged cell is dropped, since
    /// it judged what was left of the cell.
    public static func merging(_ damage: [RowError], _ errors: [RowError]) -> [RowError] {
        guard !damage.isEmpty else { return errors }
        let columns = Set(damage.map(\.column))
        return damage + errors.filter { !columns.contains($0.column) }
    }
}
