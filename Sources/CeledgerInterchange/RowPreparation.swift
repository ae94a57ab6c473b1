import CeledgerDomain
import CeledgerSheets
import CeledgerText

/// A header row mapped to the fields it names.
public struct HeaderMap: Sendable {
    /// Headers of the explanation columns a rejected file carries (line, column, reason): an import ignores
    /// them, so that a clerk can correct the rejected file and import it as it is.
    public static let annotationHeaders: Set<String> = ["line", "column", "reason", "行号", "出错列", "原因"]

    /// The field of each column, nil for a column the import ignores.
    public let fields: [Field?]
    /// Unknown, repeated or missing required columns: errors on the header's line.
    public let errors: [RowError]

    /// Maps a header row to fields. A repeated or missing required column is an error on the header's line;
    /// so is an unknown one when `strict`, else the import ignores it (`RosterSource.ignoredColumns` names it).
    public init(_ row: CSVRow, kind: RowKind, strict: Bool = true) {
        var errors: [RowError] = []
        var seen: [Field: String] = [:]
        var map: [Field?] = []
        if row.fields.count == 1, let only = row.fields.first {
            for (sep, name) in [("\t", "tab"), (";", "semicolon"), ("|", "|")] where only.contains(sep) {
                self.fields = []
                self.errors = [
                    RowError(
                        line: row.line, column: only.truncatedForMessage,
                        message: Message(
                            zh: "表头只有一列：文件似乎以\(name == "tab" ? "制表符" : name == "semicolon" ? "分号" : "竖线")分隔，应以逗号分隔",
                            en: "the header has one column: the file seems separated by \(name), not commas"))
                ]
                return
            }
        }
        for cell in row.fields {
            let h = cell.trimmedField
            if HeaderMap.annotationHeaders.contains(h.lowercased()) || HeaderMap.isCompanion(h, kind: kind) {
                map.append(nil)
                continue
            }
            guard let f = Field.fromHeader(h, kind: kind) else {
                map.append(nil)
                guard strict, !h.isEmpty else { continue }
                errors.append(
                    RowError(
                        line: row.line, column: h.truncatedForMessage,
                        message: Message(
                            zh: "未知的列“\(h.truncatedForMessage)”：请删去此列，或去掉 --strict 让导入忽略它",
                            en:
                                "unknown column \"\(h.truncatedForMessage)\": delete it, or leave out --strict to have the import ignore it"
                        )))
                continue
            }
            if let first = seen[f] {
                errors.append(
                    RowError(
                        line: row.line, column: h.truncatedForMessage,
                        message: Message(
                            zh: "与“\(first.truncatedForMessage)”重复（同一列）", en: "repeats column \"\(first.truncatedForMessage)\"")))
            }
            seen[f] = h
            map.append(f)
        }
        var required: [Field] = kind == .person ? [.idNumber, .name] : [.idNumber, .mode, .category, .title]
        if kind == .record {
            if seen[.startDate] == nil && seen[.endDate] == nil { required.append(.endDate) }
            if seen[.claimedHours] == nil && seen[.recognizedHours] == nil { required.append(.claimedHours) }
        }
        let headers = row.fields.map(\.trimmedField).filter { !$0.isEmpty }
        let template = kind == .person ? "persons" : "records"
        for f in required where seen[f] == nil {
            var zh = "缺少必需的列“\(f.zh(in: kind))”"
            var en = "required column \(f.exportKey(in: kind)) (\(f.zh(in: kind))) is missing"
            if let near = HeaderMap.nearest(to: f, kind: kind, among: headers) {
                zh += "；文件中的“\(near)”是否就是它？请把该列表头改为“\(f.zh(in: kind))”"
                en +=
                    "; is the file's \"\(near)\" that column? rename its header to \(f.zh(in: kind)) or \(f.exportKey(in: kind))"
            }
            let list = headers.prefix(20).joined(separator: "、")
            let listEn = headers.prefix(20).joined(separator: ", ")
            zh += "。文件的第\(row.line)行被当作表头，其列为：\(list.isEmpty ? "（无）" : list)"
            en += ". Line \(row.line) was read as the header; its columns: \(listEn.isEmpty ? "(none)" : listEn)"
            zh += "。可用 celedger template \(template) 生成一份带全部列名的模板"
            en += ". celedger template \(template) writes a template with every column"
            errors.append(RowError(line: row.line, column: "", message: Message(zh: zh, en: en)))
        }
        self.fields = map
        let kept = ImportReport.keptHeaderMessages
        if errors.count > kept {
            let more = errors.count - kept
            errors.removeLast(more)
            errors.append(
                RowError(
                    line: row.line, column: "",
                    message: Message(zh: "……表头另有 \(more) 处问题未列出", en: "… and \(more) more problems with the header not listed")))
        }
        self.errors = errors
    }
}

/// A row read and parsed, not yet written.
public enum PreparedRow: Sendable {
    /// Not as many fields as the header.
    case fieldCount
    /// Parsed, with the cells the source could read only with a loss.
    case person(Result<Person, RowProblems>, [RowError])
    case record(Result<CeledgerDomain.Record, RowProblems>, [RowError])
}

/// What a file's rows become before they meet the ledger: each row's cells checked (`CellDamage`) and
/// parsed by the domain into a person or a record, the problems named by the columns as headed in the
/// file. Pure, so that it can run on a thread of its own while another writes.
public struct RowPreparer: Sendable {
    public let kind: RowKind
    /// The field of each column (from a header without errors).
    public let map: [Field?]
    /// The header as written in the file.
    public let header: [String]
    /// Each field's column as headed in the file.
    public let columnName: [Field: String]
    /// The fields the file has a column for.
    public let present: Set<Field>
    let parser: RowParser

    /// `today`: the day records are judged on (`RowParser.today`).
    public init(kind: RowKind, header: CSVRow, map: [Field?], rules: RuleBook?, today: Day?) {
        self.kind = kind
        self.map = map
        self.header = header.fields
        self.columnName = Dictionary(
            map.enumerated().compactMap { i, f in f.map { ($0, header.fields[i].trimmedField) } },
            uniquingKeysWith: { a, _ in a })
        self.present = Set(map.compactMap { $0 })
        self.parser = RowParser(rules: rules, today: today)
    }

    /// The row checked cell by cell and parsed by the domain.
    public func prepare(_ row: CSVRow) -> PreparedRow {
        guard row.fields.count == map.count else { return .fieldCount }
        var cells: [Field: String] = [:]
        for (i, f) in map.enumerated() { if let f { cells[f] = CSVWriter.plain(row.fields[i]) } }
        let damage = CellDamageCheck.errors(row, map: map, header: header)
        return kind == .person ? .person(parser.person(cells), damage) : .record(parser.record(cells), damage)
    }

    /// The column a field's problems are named by: as headed in the file.
    public func column(_ field: Field) -> String { columnName[field] ?? field.label(.en, in: kind) }

    /// A row's errors: the damaged cells, then the parser's findings on the other cells.
    public func errors(line: Int, _ problems: RowProblems, damage: [RowError]) -> [RowError] {
        CellDamageCheck.merging(
            damage, problems.issues.map { RowError(line: line, column: column($0.field), message: $0.message) })
    }

    /// "has 3 fields, the header has 5".
    public func fieldCountError(_ row: CSVRow) -> RowError {
        RowError(
            line: row.line, column: "",
            message: Message(
                zh: "有\(row.fields.count.grouped)列，表头有\(map.count)列",
                en: "has \(row.fields.count.grouped) fields, the header has \(map.count)"))
    }
}
