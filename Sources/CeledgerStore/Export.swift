import CeledgerDomain

/// The shapes exports write: English keys, values as the ledger stores them, so that an export imports
/// back exactly.
public enum ExportShape {
    public static func header(_ kind: RowKind) -> [String] {
        Field.fields(for: kind).map { $0.exportKey(in: kind) }
    }

    public static func cells(_ p: Person) -> [String] {
        [p.id.value, p.name, p.gender.rawValue, p.unit, p.department, p.title, p.titleLevel?.rawValue ?? "",
         p.specialty, p.status.rawValue, p.statusDate?.iso ?? "", p.category.rawValue]
    }

    public static func cells(_ r: Record) -> [String] {
        [r.personID.value, r.mode.rawValue, r.category.rawValue, r.title, r.provider, r.startDate.iso, r.endDate.iso,
         r.assessment.rawValue, r.score ?? "", r.claimedHours.compact, r.recognizedHours?.compact ?? "",
         r.recognition.rawValue, r.recognitionNote, r.certificateNo, r.note, r.basis ?? "", r.quantity.map(String.init) ?? "",
         r.role.rawValue]
    }

    public static func json(_ p: Person) -> String {
        JSON.object([
            ("id_number", JSON.string(p.id.value)), ("name", JSON.string(p.name)), ("gender", JSON.string(p.gender.rawValue)),
            ("birth_date", JSON.string(p.birthDate.iso)), ("unit", JSON.string(p.unit)),
            ("department", JSON.string(p.department)), ("title", JSON.string(p.title)),
            ("title_level", JSON.optional(p.titleLevel?.rawValue)), ("specialty", JSON.string(p.specialty)),
            ("status", JSON.string(p.status.rawValue)), ("status_date", JSON.optional(p.statusDate?.iso)),
            ("category", JSON.string(p.category.rawValue)),
        ])
    }

    public static func json(_ r: Record) -> String {
        JSON.object([
            ("id_number", JSON.string(r.personID.value)), ("mode", JSON.string(r.mode.rawValue)),
            ("category", JSON.string(r.category.rawValue)), ("title", JSON.string(r.title)),
            ("provider", JSON.string(r.provider)), ("start_date", JSON.string(r.startDate.iso)),
            ("end_date", JSON.string(r.endDate.iso)), ("year", String(r.year)),
            ("assessment", JSON.string(r.assessment.rawValue)), ("score", JSON.optional(r.score)),
            ("claimed_hours", JSON.hours(r.claimedHours)), ("recognized_hours", r.recognizedHours.map(JSON.hours) ?? "null"),
            ("recognition", JSON.string(r.recognition.rawValue)), ("recognition_note", JSON.string(r.recognitionNote)),
            ("certificate_no", JSON.string(r.certificateNo)),
            ("note", JSON.string(r.note)), ("basis", JSON.optional(r.basis)), ("quantity", r.quantity.map(String.init) ?? "null"),
            ("role", JSON.string(r.role.rawValue)), ("suggested_hours", r.suggestedHours.map(JSON.hours) ?? "null"),
        ])
    }

    public static let annualKeys = [
        "id_number", "name", "unit", "department", "year", "public_hours", "professional_hours", "total_hours",
        "required_hours", "required_professional_hours", "shortfall_hours", "shortfall_professional_hours", "status",
        "hours_needed", "trimmed_hours", "notes",
    ]

    /// The caps' notes in one cell, in the user's language.
    static func notes(_ row: AnnualRow, _ lang: Lang) -> String {
        row.notes.map { $0.text(lang) }.joined(separator: lang == .zh ? "；" : "; ")
    }

    public static func annualCells(_ row: AnnualRow, lang: Lang) -> [String] {
        let t = row.totals
        return [row.idNumber, row.name, row.unit, row.department, String(t.year), t.publicHours.description,
                t.professionalHours.description, t.totalHours.description, t.requiredHours.description,
                t.requiredProfessionalHours.description, t.shortfallHours.description,
                t.shortfallProfessionalHours.description, t.status.rawValue, t.hoursNeeded.description,
                t.trimmedHours.description, notes(row, lang)]
    }

    public static func json(_ row: AnnualRow, lang: Lang) -> String {
        let t = row.totals
        return JSON.object([
            ("id_number", JSON.string(row.idNumber)), ("name", JSON.string(row.name)), ("unit", JSON.string(row.unit)),
            ("department", JSON.string(row.department)), ("year", String(t.year)),
            ("public_hours", JSON.hours(t.publicHours)), ("professional_hours", JSON.hours(t.professionalHours)),
            ("total_hours", JSON.hours(t.totalHours)), ("required_hours", JSON.hours(t.requiredHours)),
            ("required_professional_hours", JSON.hours(t.requiredProfessionalHours)),
            ("shortfall_hours", JSON.hours(t.shortfallHours)),
            ("shortfall_professional_hours", JSON.hours(t.shortfallProfessionalHours)),
            ("status", JSON.string(t.status.rawValue)), ("hours_needed", JSON.hours(t.hoursNeeded)),
            ("trimmed_hours", JSON.hours(t.trimmedHours)),
            ("notes", "[" + row.notes.map { JSON.string($0.text(lang)) }.joined(separator: ",") + "]"),
        ])
    }
}

/// Minimal JSON writing: exact hours as numbers, strings escaped per RFC 8259.
public enum JSON {
    public static func string(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20:
                let hex = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    public static func optional(_ s: String?) -> String { s.map(string) ?? "null" }

    /// A JSON number with one decimal: 60.5, 90.0 — never a string, never binary noise.
    public static func hours(_ h: Hours) -> String { h.description }

    public static func object(_ pairs: [(String, String)]) -> String {
        "{" + pairs.map { string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }
}
