import CeledgerDomain
import CeledgerSheets

/// One person's line in a year's report.
public struct AnnualRow: Sendable, Hashable {
    public let idNumber: String
    public let name: String
    public let unit: String
    public let department: String
    public let title: String
    public let titleLevel: TitleLevel?
    public let totals: AnnualTotals
    /// What the per-year caps trimmed, naming the records (empty when nothing was trimmed).
    public let notes: [Message]
    public init(
        idNumber: String, name: String, unit: String, department: String, title: String, titleLevel: TitleLevel?,
        totals: AnnualTotals, notes: [Message]
    ) {
        self.idNumber = idNumber
        self.name = name
        self.unit = unit
        self.department = department
        self.title = title
        self.titleLevel = titleLevel
        self.totals = totals
        self.notes = notes
    }
}

/// The shapes exports write: English keys, values as the ledger stores them, so that an export imports
/// back exactly.
public enum ExportShape {
    public static func header(_ kind: RowKind) -> [String] {
        Field.fields(for: kind).map { $0.exportKey(in: kind) }
    }

    public static func cells(_ p: Person) -> [String] {
        [
            p.id.value, p.name, p.gender.rawValue, p.unit, p.department, p.title, p.titleLevel?.rawValue ?? "",
            p.specialty, p.status.rawValue, p.statusDate?.iso ?? "", p.category.rawValue,
        ]
    }

    public static func cells(_ r: Record) -> [String] {
        [
            r.personID.value, r.mode.rawValue, r.category.rawValue, r.title, r.provider, r.startDate.iso, r.endDate.iso,
            r.assessment.rawValue, r.score ?? "", r.claimedHours.compact, r.recognizedHours?.compact ?? "",
            r.recognition.rawValue, r.recognitionNote, r.certificateNo, r.note, r.basis ?? "", r.quantity.map(String.init) ?? "",
            r.role.rawValue,
        ]
    }

    public static func json(_ p: Person) -> String {
        var out = JSONWriter(capacity: 512)
        appendJSON(p, to: &out)
        return out.text
    }

    public static func appendJSON(_ p: Person, to out: inout JSONWriter) {
        out.raw("{\"id_number\":")
        out.string(p.id.value)
        out.raw(",\"name\":")
        out.string(p.name)
        out.raw(",\"gender\":")
        out.string(p.gender.rawValue)
        out.raw(",\"birth_date\":")
        out.string(p.birthDate.iso)
        out.raw(",\"unit\":")
        out.string(p.unit)
        out.raw(",\"department\":")
        out.string(p.department)
        out.raw(",\"title\":")
        out.string(p.title)
        out.raw(",\"title_level\":")
        out.optional(p.titleLevel?.rawValue)
        out.raw(",\"specialty\":")
        out.string(p.specialty)
        out.raw(",\"status\":")
        out.string(p.status.rawValue)
        out.raw(",\"status_date\":")
        out.optional(p.statusDate?.iso)
        out.raw(",\"category\":")
        out.string(p.category.rawValue)
        out.raw("}")
    }

    public static func json(_ r: Record) -> String {
        var out = JSONWriter(capacity: 1024)
        appendJSON(r, to: &out)
        return out.text
    }

    public static func appendJSON(_ r: Record, to out: inout JSONWriter) {
        out.raw("{\"id_number\":")
        out.string(r.personID.value)
        out.raw(",\"mode\":")
        out.string(r.mode.rawValue)
        out.raw(",\"category\":")
        out.string(r.category.rawValue)
        out.raw(",\"title\":")
        out.string(r.title)
        out.raw(",\"provider\":")
        out.string(r.provider)
        out.raw(",\"start_date\":")
        out.string(r.startDate.iso)
        out.raw(",\"end_date\":")
        out.string(r.endDate.iso)
        out.raw(",\"year\":")
        out.int(r.year)
        out.raw(",\"assessment\":")
        out.string(r.assessment.rawValue)
        out.raw(",\"score\":")
        out.optional(r.score)
        out.raw(",\"claimed_hours\":")
        out.hours(r.claimedHours)
        out.raw(",\"recognized_hours\":")
        out.hours(r.recognizedHours)
        out.raw(",\"recognition\":")
        out.string(r.recognition.rawValue)
        out.raw(",\"recognition_note\":")
        out.string(r.recognitionNote)
        out.raw(",\"certificate_no\":")
        out.string(r.certificateNo)
        out.raw(",\"note\":")
        out.string(r.note)
        out.raw(",\"basis\":")
        out.optional(r.basis)
        out.raw(",\"quantity\":")
        if let q = r.quantity { out.int(q) } else { out.null() }
        out.raw(",\"role\":")
        out.string(r.role.rawValue)
        out.raw(",\"suggested_hours\":")
        out.hours(r.suggestedHours)
        out.raw("}")
    }

    public static let annualKeys = [
        "id_number", "name", "unit", "department", "year", "public_hours", "professional_hours", "total_hours",
        "required_hours", "required_professional_hours", "shortfall_hours", "shortfall_professional_hours", "status",
        "hours_needed", "trimmed_hours", "notes",
    ]

    /// The caps' notes in one cell, in the user's language.
    public static func notes(_ row: AnnualRow, _ lang: Lang) -> String {
        row.notes.map { $0.text(lang) }.joined(separator: lang == .zh ? "；" : "; ")
    }

    public static func annualCells(_ row: AnnualRow, lang: Lang) -> [String] {
        let t = row.totals
        return [
            row.idNumber, row.name, row.unit, row.department, String(t.year), t.publicHours.description,
            t.professionalHours.description, t.totalHours.description, t.requiredHours.description,
            t.requiredProfessionalHours.description, t.shortfallHours.description,
            t.shortfallProfessionalHours.description, t.status.rawValue, t.hoursNeeded.description,
            t.trimmedHours.description, notes(row, lang),
        ]
    }

    public static func json(_ row: AnnualRow, lang: Lang) -> String {
        var out = JSONWriter(capacity: 1024)
        appendJSON(row, lang: lang, to: &out)
        return out.text
    }

    /// The annual row's JSON object, written straight into bytes (the report's hot path).
    public static func appendJSON(_ row: AnnualRow, lang: Lang, to out: inout JSONWriter) {
        let t = row.totals
        out.raw("{\"id_number\":")
        out.string(row.idNumber)
        out.raw(",\"name\":")
        out.string(row.name)
        out.raw(",\"unit\":")
        out.string(row.unit)
        out.raw(",\"department\":")
        out.string(row.department)
        out.raw(",\"year\":")
        out.int(t.year)
        out.raw(",\"public_hours\":")
        out.hours(t.publicHours)
        out.raw(",\"professional_hours\":")
        out.hours(t.professionalHours)
        out.raw(",\"total_hours\":")
        out.hours(t.totalHours)
        out.raw(",\"required_hours\":")
        out.hours(t.requiredHours)
        out.raw(",\"required_professional_hours\":")
        out.hours(t.requiredProfessionalHours)
        out.raw(",\"shortfall_hours\":")
        out.hours(t.shortfallHours)
        out.raw(",\"shortfall_professional_hours\":")
        out.hours(t.shortfallProfessionalHours)
        out.raw(",\"status\":")
        out.string(t.status.rawValue)
        out.raw(",\"hours_needed\":")
        out.hours(t.hoursNeeded)
        out.raw(",\"trimmed_hours\":")
        out.hours(t.trimmedHours)
        out.raw(",\"notes\":[")
        for (i, n) in row.notes.enumerated() {
            if i > 0 { out.raw(",") }
            out.string(n.text(lang))
        }
        out.raw("]}")
    }
}

extension ExportShape {
    /// The export's columns with what each holds.
    public static func columns(_ kind: RowKind) -> [TableColumn] {
        Field.fields(for: kind).map { TableColumn($0.exportKey(in: kind), columnKind(of: $0)) }
    }

    public static func columnKind(of field: Field) -> TableColumn.Kind {
        switch field {
        case .idNumber, .certificateNo, .score: .code
        case .claimedHours, .recognizedHours: .number
        case .statusDate, .startDate, .endDate, .birthDate: .date
        default: .text
        }
    }

    public static func typedCells(_ p: Person) -> [TableCell] { typed(cells(p), columns(.person)) }
    public static func typedCells(_ r: Record) -> [TableCell] { typed(cells(r), columns(.record)) }

    public static let annualColumns: [TableColumn] = annualKeys.map { key in
        switch key {
        case "id_number": TableColumn(key, .code)
        case "name", "unit", "department", "status", "notes": TableColumn(key, .text)
        default: TableColumn(key, .number)
        }
    }

    public static func annualTypedCells(_ row: AnnualRow, lang: Lang) -> [TableCell] {
        typed(annualCells(row, lang: lang), annualColumns)
    }

    public static func typed(_ cells: [String], _ columns: [TableColumn]) -> [TableCell] {
        zip(cells, columns).map { text, column in
            switch column.kind {
            case .text, .code: .text(text)
            case .number: .number(text)
            case .date: .date(text)
            }
        }
    }
}
