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
    public init(idNumber: String, name: String, unit: String, department: String, title: String, titleLevel: TitleLevel?,
                totals: AnnualTotals, notes: [Message]) {
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
    public static func notes(_ row: AnnualRow, _ lang: Lang) -> String {
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
        var out = JSONBytes()
        appendJSON(row, lang: lang, to: &out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// The annual row's JSON object, written straight into bytes (the report's hot path).
    public static func appendJSON(_ row: AnnualRow, lang: Lang, to out: inout JSONBytes) {
        let t = row.totals
        out.raw("{\"id_number\":"); out.string(row.idNumber)
        out.raw(",\"name\":"); out.string(row.name)
        out.raw(",\"unit\":"); out.string(row.unit)
        out.raw(",\"department\":"); out.string(row.department)
        out.raw(",\"year\":"); out.int(t.year)
        out.raw(",\"public_hours\":"); out.hours(t.publicHours)
        out.raw(",\"professional_hours\":"); out.hours(t.professionalHours)
        out.raw(",\"total_hours\":"); out.hours(t.totalHours)
        out.raw(",\"required_hours\":"); out.hours(t.requiredHours)
        out.raw(",\"required_professional_hours\":"); out.hours(t.requiredProfessionalHours)
        out.raw(",\"shortfall_hours\":"); out.hours(t.shortfallHours)
        out.raw(",\"shortfall_professional_hours\":"); out.hours(t.shortfallProfessionalHours)
        out.raw(",\"status\":"); out.string(t.status.rawValue)
        out.raw(",\"hours_needed\":"); out.hours(t.hoursNeeded)
        out.raw(",\"trimmed_hours\":"); out.hours(t.trimmedHours)
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

    public static func annualTypedCells(_ row: AnnualRow, lang: Lang) -> [TableCell] { typed(annualCells(row, lang: lang), annualColumns) }

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

/// JSON written into a byte buffer: no intermediate strings, hours as digits.
public struct JSONBytes: Sendable {
    public var bytes: [UInt8] = []

    public init() { bytes.reserveCapacity(1 << 17) }

    /// Text known to need no escaping (keys, punctuation).
    @inline(__always) public mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

    /// A JSON string, escaped per RFC 8259.
    public mutating func string(_ s: String) {
        bytes.append(0x22)
        var s = s
        s.withUTF8 { utf8 in
            var start = 0
            for (i, b) in utf8.enumerated() where b < 0x20 || b == 0x22 || b == 0x5C {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i]))
                switch b {
                case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
                case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
                case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
                case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]])
                }
                start = i + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(0x22)
    }

    public mutating func int(_ n: Int) {
        if n < 0 { bytes.append(0x2D) }
        var m = n.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[count] = UInt8(0x30 + m % 10)
                m /= 10
                count += 1
            } while m > 0
            for i in stride(from: count - 1, through: 0, by: -1) { bytes.append(d[i]) }
        }
    }

    /// Hours with one decimal: 60.5, 90.0.
    public mutating func hours(_ h: Hours) {
        if h.tenths < 0 { bytes.append(0x2D) }
        let m = h.tenths.magnitude
        int(Int(m / 10))
        bytes.append(0x2E)
        bytes.append(UInt8(0x30 + m % 10))
    }
}

/// Minimal JSON writing: exact hours as numbers, strings escaped per RFC 8259. Reports write hundreds of
/// thousands of these, so the common case — nothing to escape — copies the text once.
public enum JSON {
    public static func string(_ s: String) -> String {
        var out = "\""
        appendString(s, to: &out)
        out.append("\"")
        return out
    }

    /// Appends `s` escaped, without its quotes.
    static func appendString(_ s: String, to out: inout String) {
        guard s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else {
            out.append(s)
            return
        }
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
    }

    public static func optional(_ s: String?) -> String { s.map(string) ?? "null" }

    /// A JSON number with one decimal: 60.5, 90.0 — never a string, never binary noise.
    public static func hours(_ h: Hours) -> String { h.description }

    /// An object from (key, JSON value) pairs; keys are escaped, values written as they are.
    public static func object(_ pairs: [(String, String)]) -> String {
        var out = "{"
        out.reserveCapacity(pairs.reduce(2) { $0 + $1.0.utf8.count + $1.1.utf8.count + 4 })
        for (i, (k, v)) in pairs.enumerated() {
            if i > 0 { out.append(",") }
            out.append("\"")
            appendString(k, to: &out)
            out.append("\":")
            out.append(v)
        }
        out.append("}")
        return out
    }
}
