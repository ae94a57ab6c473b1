import CeledgerDomain
import CeledgerSheets

/// The shapes of outputs for people (XLSX exports, the reports' CSV and XLSX): headers and values in the
/// user's language. Under Chinese they are the headers and labels a clerk's spreadsheet uses (身份证号,
/// 学习方式 培训, 认定状态 已认定), which the import reads back; under English the export keys and stored
/// values of `ExportShape`. JSON and the round-trip CSV of `export` keep `ExportShape`'s keys whatever the
/// language.
public enum PeopleShape {
    // MARK: persons and records

    public static func personColumns(_ lang: Lang) -> [TableColumn] {
        Field.personFields.map { TableColumn(header($0, .person, lang), ExportShape.columnKind(of: $0)) }
    }

    public static func personCells(_ p: Person, _ lang: Lang) -> [TableCell] {
        guard lang == .zh else { return ExportShape.typedCells(p) }
        let text = [
            p.id.value, p.name, p.gender.zh, p.unit, p.department, p.title, p.titleLevel?.zh ?? "", p.specialty, p.status.zh,
            p.statusDate?.iso ?? "", p.category.zh,
        ]
        return ExportShape.typed(text, personColumns(lang))
    }

    /// A records export's fields, with the person's name after the ID number (an import reads it past).
    public static let recordFields: [Field] = [.idNumber, .name] + Field.recordFields.dropFirst()

    public static func recordColumns(_ lang: Lang) -> [TableColumn] {
        recordFields.map { TableColumn(header($0, .record, lang), ExportShape.columnKind(of: $0)) }
    }

    public static func recordCells(_ r: Record, name: String, _ lang: Lang) -> [TableCell] {
        var text = ExportShape.cells(r)
        if lang == .zh {
            text[1] = r.mode.zh
            text[2] = r.category.zh
            text[7] = r.assessment.zh
            text[11] = r.recognition.zh
            text[17] = r.role.zh
        }
        text.insert(name, at: 1)
        return ExportShape.typed(text, recordColumns(lang))
    }

    /// A field's header: Chinese under zh (姓名 in a records file too), the export key under en.
    public static func header(_ f: Field, _ kind: RowKind, _ lang: Lang) -> String {
        if f == .name { return lang == .zh ? "姓名" : "name" }
        return lang == .zh ? f.zh(in: kind) : f.exportKey(in: kind)
    }

    // MARK: the annual report

    public static func annualHeader(_ lang: Lang) -> [String] {
        guard lang == .zh else { return ExportShape.annualKeys }
        return [
            "身份证号", "姓名", "单位", "部门", "年度", "公需学时", "专业学时", "合计学时", "应修学时", "应修专业学时", "总学时差额",
            "专业学时差额", "达标情况", "尚需学时", "超上限扣减学时", "说明",
        ]
    }

    public static func annualColumns(_ lang: Lang) -> [TableColumn] {
        zip(annualHeader(lang), ExportShape.annualColumns).map { TableColumn($0, $1.kind) }
    }

    public static func annualCells(_ row: AnnualRow, _ lang: Lang) -> [String] {
        var cells = ExportShape.annualCells(row, lang: lang)
        if lang == .zh { cells[12] = row.totals.shortage.label(.zh) }
        return cells
    }

    public static func annualTypedCells(_ row: AnnualRow, _ lang: Lang) -> [TableCell] {
        ExportShape.typed(annualCells(row, lang), ExportShape.annualColumns)
    }
}
