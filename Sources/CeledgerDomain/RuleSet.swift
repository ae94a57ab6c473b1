import Foundation

/// A rule set: the thresholds a year is judged by and where each number comes from. Rule sets are data
/// (files under data/rules/); no threshold is written in code.
public struct RuleSet: Sendable, Hashable, Identifiable {
    public let id: String
    public let name: Message
    public let source: String
    public let effectiveFrom: Day
    public let effectiveTo: Day?
    public let thresholds: Thresholds

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

    public init(id: String, name: Message, source: String, effectiveFrom: Day, effectiveTo: Day? = nil, thresholds: Thresholds) {
        self.id = id
        self.name = name
        self.source = source
        self.effectiveFrom = effectiveFrom
        self.effectiveTo = effectiveTo
        self.thresholds = thresholds
    }

    /// In force on any day of the year.
    public func isInForce(in year: Int) -> Bool {
        effectiveFrom <= Day.lastOf(year: year) && (effectiveTo.map { $0 >= Day.firstOf(year: year) } ?? true)
    }

    /// A problem in a rule file, with the path of the bad value inside it ("thresholds.total_hours.value").
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
            throw Problem(path: "", message: Message(zh: "不是有效的 JSON：\(error.localizedDescription)", en: "not valid JSON: \(error.localizedDescription)"))
        }
        let r = JSONReader(root: root)
        let id = try r.string("id")
        guard !id.isEmpty, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw Problem(path: "id", message: Message(zh: "id 只能含字母、数字、- 和 _", en: "id may contain only letters, digits, - and _"))
        }
        let name = Message(zh: try r.string("name.zh"), en: try r.string("name.en"))
        let source = try r.string("source")
        let from = try r.day("effective_from")
        let to = try r.optionalDay("effective_to")
        if let to, to < from {
            throw Problem(path: "effective_to", message: Message(zh: "早于 effective_from", en: "is before effective_from"))
        }
        let total = try r.hours("thresholds.total_hours.value")
        _ = try r.string("thresholds.total_hours.source")
        let professional = try r.hours("thresholds.professional_hours.value")
        _ = try r.string("thresholds.professional_hours.source")
        var publicHours: Hours?
        if r.has("thresholds.public_hours") {
            publicHours = try r.hours("thresholds.public_hours.value")
            _ = try r.string("thresholds.public_hours.source")
        }
        if professional > total {
            throw Problem(path: "thresholds.professional_hours.value", message: Message(
                zh: "专业科目学时（\(professional)）大于总学时（\(total)）", en: "professional hours (\(professional)) exceed total hours (\(total))"))
        }
        return RuleSet(id: id, name: name, source: source, effectiveFrom: from, effectiveTo: to,
                       thresholds: Thresholds(totalHours: total, professionalHours: professional, publicHours: publicHours))
    }
}

/// A JSON tree whose numbers keep their decimal text, so hours read from a rule file are exact.
enum JSONValue: Decodable {
    case null, bool(Bool), number(Decimal), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Decimal.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }
}

/// Walks a decoded JSON tree by dotted paths and reports what is missing or wrong with the path.
struct JSONReader {
    let root: JSONValue

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

    func missing(_ path: String, _ what: Message) -> RuleSet.Problem {
        RuleSet.Problem(path: path, message: value(path) == nil
            ? Message(zh: "缺少此项（应为\(what.zh)）", en: "missing (expected \(what.en))")
            : Message(zh: "应为\(what.zh)", en: "expected \(what.en)"))
    }

    func string(_ path: String) throws(RuleSet.Problem) -> String {
        guard case .string(let s)? = value(path) else { throw missing(path, Message(zh: "文字", en: "a string")) }
        return s
    }

    func day(_ path: String) throws(RuleSet.Problem) -> Day {
        let s = try string(path)
        guard case .success(let d) = Day.parse(s), s.count == 10 else {
            throw RuleSet.Problem(path: path, message: Message(zh: "“\(s)”不是 YYYY-MM-DD 日期", en: "\"\(s)\" is not a YYYY-MM-DD date"))
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
            throw RuleSet.Problem(path: path, message: Message(
                zh: "“\(text)”不是至多一位小数的非负学时", en: "\(text) is not a non-negative number of hours with at most one decimal"))
        }
        return h
    }
}

/// The rule sets a ledger knows, and which one judges a given year.
public struct RuleBook: Sendable {
    public let sets: [RuleSet]

    public init(_ sets: [RuleSet]) {
        self.sets = sets.sorted { $0.effectiveFrom < $1.effectiveFrom }
    }

    /// The set in force in the year; when two overlap, the one that came into force last.
    /// Before the first set came into force, the first set applies.
    public func ruleSet(for year: Int) -> RuleSet? {
        sets.last { $0.isInForce(in: year) } ?? sets.first
    }
}
