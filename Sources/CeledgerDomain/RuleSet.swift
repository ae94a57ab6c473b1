import Foundation

/// A number from a rule file together with where it comes from: an article, a notice, or the words
/// "reference value" when no published source could be verified.
public struct Sourced<Value: Sendable & Hashable>: Sendable, Hashable {
    public let value: Value
    public let source: String
    public init(_ value: Value, source: String) {
        self.value = value
        self.source = source
    }
}

/// A rule set: the thresholds a year is judged by, how hours are suggested from what happened
/// (conversions), the per-year caps, and where each number comes from. Rule sets are data (files under
/// data/rules/, or a unit's own file stored in its ledger); no number is written in code.
public struct RuleSet: Sendable, Hashable, Identifiable {
    public let id: String
    public let name: Message
    public let source: String
    public let effectiveFrom: Day
    public let effectiveTo: Day?
    public let thresholds: Thresholds
    /// How hours are suggested for each mode; a mode without conversions suggests the claimed hours.
    public let conversions: [Conversion]
    /// Per-year caps on the hours that count, by mode and/or category.
    public let caps: [YearCap]
    /// A fingerprint of the file's bytes: a ledger's stored totals say which version of a set made them.
    public let digest: String

    public struct Thresholds: Sendable, Hashable {
        public let totalHours: Hours
        public let professionalHours: Hours
        /// Public subjects have no minimum of their own unless a rule set adds one.
        public let publicHours: Hours?
        public init(totalHours: Hours, professionalHours: Hours, publicHours: Hours? = nil) {
            self.totalHours = totalHours
            self.professionalHours = professionalHours
            self.publicHours = publicHours
        }
    }

    public init(
        id: String, name: Message, source: String, effectiveFrom: Day, effectiveTo: Day? = nil, thresholds: Thresholds,
        conversions: [Conversion] = [], caps: [YearCap] = [], digest: String = ""
    ) {
        self.id = id
        self.name = name
        self.source = source
        self.effectiveFrom = effectiveFrom
        self.effectiveTo = effectiveTo
        self.thresholds = thresholds
        self.conversions = conversions
        self.caps = caps
        self.digest = digest
    }

    /// In force on any day of the year.
    public func isInForce(in year: Int) -> Bool {
        effectiveFrom <= Day.lastOf(year: year) && (effectiveTo.map { $0 >= Day.firstOf(year: year) } ?? true)
    }

    /// A problem in a rule file, with the path of the bad value inside it
    /// ("thresholds.total_hours.value", "conversions[2].hours_per_day.value").
    public struct Problem: Error, Sendable, Equatable {
        public let path: String
        public let message: Message
    }

    /// Decodes a rule file's bytes (JSON).
    public static func decode(_ data: Data) throws(Problem) -> RuleSet {
        let root: JSONValue
        do {
            root = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw Problem(
                path: "",
                message: Message(
                    zh: "不是有效的 JSON：\(error.localizedDescription)", en: "not valid JSON: \(error.localizedDescription)"))
        }
        let r = JSONReader(root: root)
        guard case .object = root else {
            throw Problem(path: "", message: Message(zh: "应为一个 JSON 对象", en: "expected a JSON object"))
        }
        let id = try r.identifier("id")
        let name = Message(zh: try r.string("name.zh"), en: try r.string("name.en"))
        let source = try r.string("source")
        let from = try r.day("effective_from")
        let to = try r.optionalDay("effective_to")
        if let to, to < from {
            throw Problem(path: "effective_to", message: Message(zh: "早于 effective_from", en: "is before effective_from"))
        }
        let total = try r.sourcedHours("thresholds.total_hours")
        let professional = try r.sourcedHours("thresholds.professional_hours")
        let publicHours = r.has("thresholds.public_hours") ? try r.sourcedHours("thresholds.public_hours") : nil
        if professional.value > total.value {
            throw Problem(
                path: "thresholds.professional_hours.value",
                message: Message(
                    zh: "专业科目学时（\(professional.value)）大于总学时（\(total.value)）",
                    en: "professional hours (\(professional.value)) exceed total hours (\(total.value))"))
        }
        var conversions: [Conversion] = []
        for (i, c) in try r.array("conversions").enumerated() {
            let conversion = try Conversion.decode(c, at: "conversions[\(i)]")
            if conversions.contains(where: { $0.id == conversion.id }) {
                throw Problem(
                    path: "conversions[\(i)].id",
                    message: Message(
                        zh: "“\(conversion.id)”重复", en: "\"\(conversion.id)\" is used twice"))
            }
            if conversion.isDefault, let other = conversions.first(where: { $0.mode == conversion.mode && $0.isDefault }) {
                throw Problem(
                    path: "conversions[\(i)].default",
                    message: Message(
                        zh: "\(conversion.mode.zh)已有默认的折算方式“\(other.id)”",
                        en: "\(conversion.mode.en) already has a default conversion, \"\(other.id)\""))
            }
            conversions.append(conversion)
        }
        var caps: [YearCap] = []
        for (i, c) in try r.array("caps").enumerated() {
            let cap = try YearCap.decode(c, at: "caps[\(i)]")
            if caps.contains(where: { $0.id == cap.id }) {
                throw Problem(path: "caps[\(i)].id", message: Message(zh: "“\(cap.id)”重复", en: "\"\(cap.id)\" is used twice"))
            }
            caps.append(cap)
        }
        return RuleSet(
            id: id, name: name, source: source, effectiveFrom: from, effectiveTo: to,
            thresholds: Thresholds(
                totalHours: total.value, professionalHours: professional.value, publicHours: publicHours?.value),
            conversions: conversions, caps: caps, digest: fnv1a64(data))
    }

    /// FNV-1a, 64 bits, as 16 hex digits: stable across processes and platforms (Swift's `Hasher` is not).
    /// Not the cards' SHA-256 (CeledgerReports): this only tells versions of a file apart, is kept in every
    /// ledger's `summary_year.digest`, and changing it would make every summarised year in the field stale.
    static func fnv1a64(_ data: Data) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in data {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    // MARK: conversions

    /// The conversions of a mode, the default first.
    public func conversions(for mode: Mode) -> [Conversion] {
        conversions.filter { $0.mode == mode }.sorted { $0.isDefault && !$1.isDefault }
    }

    /// The mode's default conversion: the one marked default, else its first.
    public func defaultConversion(for mode: Mode) -> Conversion? {
        conversions.first { $0.mode == mode && $0.isDefault } ?? conversions.first { $0.mode == mode }
    }

    /// Finds a conversion by its id or by its name in either language.
    public func conversion(named text: String) -> Conversion? {
        let t = text.trimmedField
        return conversions.first { $0.id == t || $0.name.zh == t || $0.name.en.lowercased() == t.lowercased() }
    }

    public func cap(id: String) -> YearCap? { caps.first { $0.id == id } }
}

/// A JSON tree whose numbers keep their decimal text, so hours read from a rule file are exact.
enum JSONValue: Decodable, Sendable {
    case null
    case bool(Bool)
    case number(Decimal)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? c.decode(Decimal.self) {
            self = .number(n)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }
}

/// Walks a decoded JSON tree by dotted paths and reports what is missing or wrong with the full path
/// (`prefix` names where this reader's root sits in the file: "conversions[2]").
struct JSONReader {
    let root: JSONValue
    var prefix = ""

    func full(_ path: String) -> String {
        prefix.isEmpty ? path : path.isEmpty ? prefix : prefix + "." + path
    }

    func value(_ path: String) -> JSONValue? {
        var node = root
        for part in path.split(separator: ".") {
            guard case .object(let dict) = node, let next = dict[String(part)] else { return nil }
            node = next
        }
        if case .null = node { return nil }
        return node
    }

    func has(_ path: String) -> Bool { value(path) != nil }

    func problem(_ path: String, _ zh: String, _ en: String) -> RuleSet.Problem {
        RuleSet.Problem(path: full(path), message: Message(zh: zh, en: en))
    }

    func missing(_ path: String, _ what: Message) -> RuleSet.Problem {
        value(path) == nil
            ? problem(path, "缺少此项（应为\(what.zh)）", "missing (expected \(what.en))")
            : problem(path, "应为\(what.zh)", "expected \(what.en)")
    }

    func string(_ path: String) throws(RuleSet.Problem) -> String {
        guard case .string(let s)? = value(path) else { throw missing(path, Message(zh: "文字", en: "a string")) }
        return s
    }

    /// A non-empty text; a source may not be left blank.
    func text(_ path: String) throws(RuleSet.Problem) -> String {
        let s = try string(path)
        if s.trimmedField.isEmpty { throw problem(path, "不能为空", "may not be empty") }
        return s
    }

    func identifier(_ path: String) throws(RuleSet.Problem) -> String {
        let id = try string(path)
        guard !id.isEmpty, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw problem(path, "只能含字母、数字、- 和 _", "may contain only letters, digits, - and _")
        }
        return id
    }

    func bool(_ path: String) throws(RuleSet.Problem) -> Bool {
        guard let v = value(path) else { return false }
        guard case .bool(let b) = v else { throw missing(path, Message(zh: "true 或 false", en: "true or false")) }
        return b
    }

    func day(_ path: String) throws(RuleSet.Problem) -> Day {
        let s = try string(path)
        guard case .success(let d) = Day.parse(s), s.count == 10 else {
            throw problem(path, "“\(s)”不是 YYYY-MM-DD 日期", "\"\(s)\" is not a YYYY-MM-DD date")
        }
        return d
    }

    func optionalDay(_ path: String) throws(RuleSet.Problem) -> Day? {
        has(path) ? try day(path) : nil
    }

    func hours(_ path: String) throws(RuleSet.Problem) -> Hours {
        guard case .number(let n)? = value(path) else { throw missing(path, Message(zh: "学时数", en: "a number of hours")) }
        // Exact: the number's decimal text, never a binary value, becomes tenths.
        let text = "\(n)"
        guard case .success(let h) = Hours.parse(text) else {
            throw problem(
                path, "“\(text)”不是至多一位小数的非负学时", "\(text) is not a non-negative number of hours with at most one decimal")
        }
        return h
    }

    /// `{"value": 8, "source": "…"}`: a number of hours with where it comes from.
    func sourcedHours(_ path: String) throws(RuleSet.Problem) -> Sourced<Hours> {
        if case .number? = value(path) {
            throw problem(
                path, "应写成 {\"value\": 数, \"source\": \"出处或 reference value\"}",
                "expected {\"value\": number, \"source\": \"where it comes from, or reference value\"}")
        }
        return Sourced(try hours(path + ".value"), source: try text(path + ".source"))
    }

    func optionalSourcedHours(_ path: String) throws(RuleSet.Problem) -> Sourced<Hours>? {
        has(path) ? try sourcedHours(path) : nil
    }

    /// The elements of an optional array, each as a reader that knows its place in the file.
    func array(_ path: String) throws(RuleSet.Problem) -> [JSONReader] {
        guard let v = value(path) else { return [] }
        guard case .array(let items) = v else { throw missing(path, Message(zh: "数组 [...]", en: "an array [...]")) }
        return items.enumerated().map { JSONReader(root: $1, prefix: full(path) + "[\($0)]") }
    }

    func vocabulary<V: Vocabulary>(_ type: V.Type, _ path: String) throws(RuleSet.Problem) -> V {
        let s = try string(path)
        guard let v = V(rawValue: s) else {
            throw problem(
                path, "“\(s)”不是可选值（\(V.allCases.map(\.rawValue).joined(separator: ", "))）",
                "\"\(s)\" is not one of: \(V.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return v
    }

    func optionalVocabulary<V: Vocabulary>(_ type: V.Type, _ path: String) throws(RuleSet.Problem) -> V? {
        has(path) ? try vocabulary(type, path) : nil
    }
}

/// The rule sets a ledger knows, and which one judges a given year.
public struct RuleBook: Sendable {
    public let sets: [RuleSet]

    public init(_ sets: [RuleSet]) {
        self.sets = sets.sorted { ($0.effectiveFrom, $0.id) < ($1.effectiveFrom, $1.id) }
    }

    /// The set in force in the year; when two overlap, the one that came into force last.
    /// Before the first set came into force, the first set applies.
    public func ruleSet(for year: Int) -> RuleSet? {
        sets.last { $0.isInForce(in: year) } ?? sets.first
    }

    /// The years (from `years`) each set judges, for `rules list`.
    public func judgedYears(of set: RuleSet, among years: ClosedRange<Int>) -> [Int] {
        years.filter { ruleSet(for: $0)?.id == set.id }
    }
}
