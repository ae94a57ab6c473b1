/// How a rule set turns what happened (days, half days, an item, passed courses, a rank, actual hours)
/// into suggested recognised hours for one mode. The shapes cover every published provincial table seen:
/// Guangxi's half days, Suqian's and Xuzhou's days, Henan's conferences with a presenter value and passed
/// courses, research projects by rank, and actual hours with a daily maximum.
public struct Conversion: Sendable, Hashable, Identifiable {
    public let id: String
    public let name: Message
    public let mode: Mode
    /// The mode's conversion when a record names none.
    public let isDefault: Bool
    public let method: Method
    /// At most this many hours for one record, whatever the arithmetic gives.
    public let maxPerItem: Sourced<Hours>?

    public enum Method: Sendable, Hashable {
        /// Days × hours a day (the days of the dates, or the quantity given).
        case perDay(Sourced<Hours>)
        /// Half days × hours a half day (twice the days of the dates, or the quantity given).
        case perHalfDay(Sourced<Hours>)
        /// A fixed number per item; a presenter (报告人、主讲) gets `presenter` instead when set.
        case fixed(Sourced<Hours>, presenter: Sourced<Hours>?)
        /// Passed courses × hours a course (one course unless the quantity says more); nothing when failed.
        case perCourse(Sourced<Hours>)
        /// By the person's rank in a project (quantity = rank, 1 first).
        case byRank([Sourced<Hours>])
        /// The hours actually attended (the claimed hours), at most `maxPerDay` for each day of the dates.
        case actual(maxPerDay: Sourced<Hours>?)

        public var key: String {
            switch self {
            case .perDay: "per_day"
            case .perHalfDay: "per_half_day"
            case .fixed: "fixed"
            case .perCourse: "per_course"
            case .byRank: "by_rank"
            case .actual: "actual"
            }
        }
    }

    public init(id: String, name: Message, mode: Mode, isDefault: Bool = false, method: Method, maxPerItem: Sourced<Hours>? = nil)
    {
        self.id = id
        self.name = name
        self.mode = mode
        self.isDefault = isDefault
        self.method = method
        self.maxPerItem = maxPerItem
    }

    static let methods = ["per_day", "per_half_day", "fixed", "per_course", "by_rank", "actual"]

    static func decode(_ r: JSONReader, at path: String) throws(RuleSet.Problem) -> Conversion {
        let id = try r.identifier("id")
        let name = Message(zh: try r.text("name.zh"), en: try r.text("name.en"))
        let mode = try r.vocabulary(Mode.self, "mode")
        let isDefault = try r.bool("default")
        let methodName = try r.string("method")
        let method: Method
        switch methodName {
        case "per_day": method = .perDay(try r.sourcedHours("hours_per_day"))
        case "per_half_day": method = .perHalfDay(try r.sourcedHours("hours_per_half_day"))
        case "fixed": method = .fixed(try r.sourcedHours("hours"), presenter: try r.optionalSourcedHours("presenter_hours"))
        case "per_course": method = .perCourse(try r.sourcedHours("hours_per_course"))
        case "by_rank":
            let ranks = try r.array("hours_by_rank")
            if ranks.isEmpty {
                throw r.problem("hours_by_rank", "应列出第 1 名起各名次的学时", "expected the hours for rank 1, 2, …")
            }
            var list: [Sourced<Hours>] = []
            for rank in ranks { list.append(try rank.sourcedHours("")) }
            method = .byRank(list)
        case "actual": method = .actual(maxPerDay: try r.optionalSourcedHours("max_per_day"))
        default:
            throw r.problem(
                "method", "“\(methodName)”不是可选值（\(methods.joined(separator: ", "))）",
                "\"\(methodName)\" is not one of: \(methods.joined(separator: ", "))")
        }
        return Conversion(
            id: id, name: name, mode: mode, isDefault: isDefault, method: method,
            maxPerItem: try r.optionalSourcedHours("max_per_item"))
    }

    /// The conversion in a clerk's words: "每天 8 学时；单项最多 40".
    public func describe(_ lang: Lang) -> String {
        let zh = lang == .zh
        var s: String
        switch method {
        case .perDay(let h): s = zh ? "每天 \(h.value.compact) 学时" : "\(h.value.compact) hours a day"
        case .perHalfDay(let h): s = zh ? "每半天 \(h.value.compact) 学时" : "\(h.value.compact) hours a half day"
        case .fixed(let h, let p):
            s = zh ? "每项 \(h.value.compact) 学时" : "\(h.value.compact) hours an item"
            if let p { s += zh ? "，报告人 \(p.value.compact) 学时" : ", \(p.value.compact) for a presenter" }
        case .perCourse(let h): s = zh ? "每通过一门 \(h.value.compact) 学时" : "\(h.value.compact) hours a passed course"
        case .byRank(let list):
            let values = list.map { $0.value.compact }.joined(separator: "/")
            s = zh ? "按排名（第 1 名起）\(values) 学时" : "by rank (first first) \(values) hours"
        case .actual(let m):
            s = zh ? "按实际学时" : "actual hours"
            if let m { s += zh ? "，每天最多 \(m.value.compact)" : ", at most \(m.value.compact) a day" }
        }
        if let cap = maxPerItem { s += zh ? "；单项最多 \(cap.value.compact)" : "; at most \(cap.value.compact) an item" }
        return s
    }

    /// Every number of the conversion with its source, for `rules show`.
    public var sourcedNumbers: [(label: Message, value: Sourced<Hours>)] {
        var out: [(Message, Sourced<Hours>)] = []
        switch method {
        case .perDay(let h): out.append((Message(zh: "每天", en: "per day"), h))
        case .perHalfDay(let h): out.append((Message(zh: "每半天", en: "per half day"), h))
        case .fixed(let h, let p):
            out.append((Message(zh: "每项", en: "per item"), h))
            if let p { out.append((Message(zh: "报告人", en: "presenter"), p)) }
        case .perCourse(let h): out.append((Message(zh: "每门", en: "per course"), h))
        case .byRank(let list):
            for (i, h) in list.enumerated() { out.append((Message(zh: "第 \(i + 1) 名", en: "rank \(i + 1)"), h)) }
        case .actual(let m): if let m { out.append((Message(zh: "每天最多", en: "at most a day"), m)) }
        }
        if let cap = maxPerItem { out.append((Message(zh: "单项最多", en: "at most an item"), cap)) }
        return out
    }
}

/// Suggested recognised hours and the working that led to them.
public struct Suggestion: Sendable, Hashable {
    public let hours: Hours
    /// The conversion used; nil when the mode has none and the claimed hours are suggested.
    public let conversionID: String?
    /// "4 天 × 8 = 32；单项最多 24，计 24": the arithmetic alone.
    public let arithmetic: Message
    /// The conversion's name, when there is one.
    public let conversionName: Message?

    /// "培训班（按天）：4 天 × 8 = 32；单项最多 24，计 24": the name and the arithmetic.
    public var working: Message {
        guard let n = conversionName else { return arithmetic }
        return Message(zh: "\(n.zh)：\(arithmetic.zh)", en: "\(n.en): \(arithmetic.en)")
    }
}

extension RuleSet {
    /// Suggests the recognised hours of a record from what happened, and says how.
    /// `basis` names a conversion (its id or name) of the record's mode; nil takes the mode's default.
    /// Fails with a message for the field at fault (basis or quantity).
    public func suggest(
        mode: Mode, basis: String?, start: Day, end: Day, quantity: Int?, role: Role,
        assessment: Assessment, claimed: Hours
    ) -> Result<Suggestion, FieldIssue> {
        let conversion: Conversion
        if let basis, !basis.trimmedField.isEmpty {
            guard let c = self.conversion(named: basis) else {
                let known = conversions(for: mode).map(\.id).joined(separator: ", ")
                return .failure(
                    FieldIssue(
                        .basis,
                        Message(
                            zh: "“\(basis)”不是“\(name.zh)”中的折算方式"
                                + (known.isEmpty ? "（\(mode.zh)没有折算方式）" : "（\(mode.zh)可选：\(known)）"),
                            en: "\"\(basis)\" is not a conversion of \(id)"
                                + (known.isEmpty ? " (\(mode.en) has none)" : " (\(mode.en): \(known))"))))
            }
            guard c.mode == mode else {
                return .failure(
                    FieldIssue(
                        .basis,
                        Message(
                            zh: "折算方式“\(c.name.zh)”属于\(c.mode.zh)，不是\(mode.zh)",
                            en: "conversion \(c.id) is for \(c.mode.en), not \(mode.en)")))
            }
            conversion = c
        } else if let c = defaultConversion(for: mode) {
            conversion = c
        } else {
            if let q = quantity {
                return .failure(
                    FieldIssue(
                        .quantity,
                        Message(
                            zh: "\(mode.zh)按申报学时认定，不用折算数量（\(q)）", en: "\(mode.en) takes the claimed hours; no quantity (\(q))")))
            }
            return .success(
                Suggestion(
                    hours: claimed, conversionID: nil,
                    arithmetic: Message(
                        zh: "按申报学时：\(claimed.compact)", en: "claimed hours: \(claimed.compact)"), conversionName: nil))
        }
        return conversion.suggest(
            start: start, end: end, quantity: quantity, role: role, assessment: assessment, claimed: claimed)
    }
}

extension Conversion {
    public func suggest(
        start: Day, end: Day, quantity: Int?, role: Role, assessment: Assessment, claimed: Hours
    ) -> Result<Suggestion, FieldIssue> {
        let days = max(1, start.days(through: end))
        let label = name
        func quantityIssue(_ zh: String, _ en: String) -> Result<Suggestion, FieldIssue> {
            .failure(FieldIssue(.quantity, Message(zh: zh, en: en)))
        }
        if let q = quantity, q <= 0 {
            return quantityIssue("折算数量须大于 0（\(q)）", "the quantity must be more than 0 (\(q))")
        }
        var hours: Hours
        var zh: String, en: String
        switch method {
        case .perDay(let h):
            let n = quantity ?? days
            if n > days {
                return quantityIssue("天数 \(n) 超过起止日期的 \(days) 天", "\(n) days is more than the \(days) days of the dates")
            }
            hours = h.value * n
            zh = "\(n) 天 × \(h.value.compact) = \(hours.compact)"
            en = "\(n) day\(n == 1 ? "" : "s") × \(h.value.compact) = \(hours.compact)"
        case .perHalfDay(let h):
            let n = quantity ?? days * 2
            if n > days * 2 {
                return quantityIssue(
                    "半天数 \(n) 超过起止日期的 \(days * 2) 个半天", "\(n) half days is more than the \(days * 2) of the dates")
            }
            hours = h.value * n
            zh = "\(n) 个半天 × \(h.value.compact) = \(hours.compact)"
            en = "\(n) half day\(n == 1 ? "" : "s") × \(h.value.compact) = \(hours.compact)"
        case .fixed(let h, let presenter):
            if let q = quantity, q != 1 {
                return quantityIssue(
                    "每项计固定学时，不用折算数量（\(q)）；多项请分别登记", "a fixed number per item takes no quantity (\(q)); register each item")
            }
            if role == .presenter, let p = presenter {
                hours = p.value
                zh = "报告人每项 \(hours.compact)"
                en = "presenter, \(hours.compact) an item"
            } else {
                hours = h.value
                zh = "每项 \(hours.compact)"
                en = "\(hours.compact) an item"
            }
        case .perCourse(let h):
            let n = quantity ?? 1
            if assessment == .failed {
                hours = .zero
                zh = "考核不合格，0"
                en = "assessment failed, 0"
            } else {
                hours = h.value * n
                zh = "\(n) 门 × \(h.value.compact) = \(hours.compact)"
                en = "\(n) course\(n == 1 ? "" : "s") × \(h.value.compact) = \(hours.compact)"
            }
        case .byRank(let list):
            guard let rank = quantity else {
                return quantityIssue(
                    "按排名折算须填写排名（折算数量，1 至 \(list.count)）", "by rank needs the rank as quantity (1 to \(list.count))")
            }
            guard rank <= list.count else {
                return quantityIssue(
                    "排名 \(rank) 超出规则所列（1 至 \(list.count)）", "rank \(rank) is beyond the rule's 1 to \(list.count)")
            }
            hours = list[rank - 1].value
            zh = "第 \(rank) 名 \(hours.compact)"
            en = "rank \(rank), \(hours.compact)"
        case .actual(let maxPerDay):
            if let q = quantity {
                return quantityIssue("按实际学时折算，不用折算数量（\(q)）", "actual hours take no quantity (\(q))")
            }
            hours = claimed
            zh = "实际 \(claimed.compact)"
            en = "actual \(claimed.compact)"
            if let m = maxPerDay, claimed > m.value * days {
                hours = m.value * days
                zh += "；每天最多 \(m.value.compact) × \(days) 天 = \(hours.compact)"
                en += "; at most \(m.value.compact) a day × \(days) = \(hours.compact)"
            }
        }
        if let cap = maxPerItem, hours > cap.value {
            hours = cap.value
            zh += "；单项最多 \(cap.value.compact)，计 \(hours.compact)"
            en += "; at most \(cap.value.compact) an item, \(hours.compact) counted"
        }
        return .success(Suggestion(hours: hours, conversionID: id, arithmetic: Message(zh: zh, en: en), conversionName: label))
    }
}
