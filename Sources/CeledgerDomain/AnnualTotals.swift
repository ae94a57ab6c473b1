/// One person's result for one year against the rule set in force that year.
public struct AnnualTotals: Sendable, Hashable {
    public let year: Int
    /// Hours that count, after the rule set's per-year caps.
    public let publicHours: Hours
    public let professionalHours: Hours
    public let thresholds: RuleSet.Thresholds
    /// Recognised hours the per-year caps kept from counting.
    public let trimmedHours: Hours

    public init(
        year: Int, publicHours: Hours, professionalHours: Hours, thresholds: RuleSet.Thresholds, trimmedHours: Hours = .zero
    ) {
        self.year = year
        self.publicHours = publicHours
        self.professionalHours = professionalHours
        self.thresholds = thresholds
        self.trimmedHours = trimmedHours
    }

    public var totalHours: Hours { publicHours + professionalHours }
    public var requiredHours: Hours { thresholds.totalHours }
    public var requiredProfessionalHours: Hours { thresholds.professionalHours }
    public var shortfallHours: Hours { totalHours.shortfall(below: thresholds.totalHours) }
    public var shortfallProfessionalHours: Hours { professionalHours.shortfall(below: thresholds.professionalHours) }
    public var shortfallPublicHours: Hours { thresholds.publicHours.map { publicHours.shortfall(below: $0) } ?? .zero }

    /// The fewest further hours that would meet every threshold: professional and public shortfalls must
    /// each be made up in their category, and the total at least to its own shortfall. What the year-end
    /// reminder list sorts by.
    public var hoursNeeded: Hours {
        let byCategory = shortfallProfessionalHours + shortfallPublicHours
        return shortfallHours > byCategory ? shortfallHours : byCategory
    }

    public var status: Status { hoursNeeded == .zero ? .met : .short }

    /// What is missing, for the status column: the total, or only the professional (or public) part.
    public var shortage: Shortage {
        if shortfallHours != .zero { return .total(shortfallHours) }
        if shortfallProfessionalHours != .zero { return .professionalOnly(shortfallProfessionalHours) }
        if shortfallPublicHours != .zero { return .publicOnly(shortfallPublicHours) }
        return .none
    }

    public enum Status: String, Sendable, Hashable, CaseIterable {
        case met, short
        public var zh: String { self == .met ? "达标" : "未达标" }
        public func label(_ lang: Lang) -> String { lang == .zh ? zh : rawValue }
    }

    public enum Shortage: Sendable, Hashable {
        case none
        case total(Hours)
        case professionalOnly(Hours)
        case publicOnly(Hours)

        /// "达标", "未达标 0.5", "专业不足 0.5".
        public func label(_ lang: Lang) -> String {
            switch self {
            case .none: lang == .zh ? "达标" : "met"
            case .total(let h): lang == .zh ? "未达标 \(h)" : "short \(h)"
            case .professionalOnly(let h): lang == .zh ? "专业不足 \(h)" : "prof. short \(h)"
            case .publicOnly(let h): lang == .zh ? "公需不足 \(h)" : "public short \(h)"
            }
        }
    }

    /// Nothing counted: a person active in the year with no record, or none that counts.
    public static func zero(year: Int, thresholds: RuleSet.Thresholds) -> AnnualTotals {
        AnnualTotals(year: year, publicHours: .zero, professionalHours: .zero, thresholds: thresholds)
    }
}

/// One record as a year's totals see it: what decides whether it counts, how much, and in which order a
/// cap reaches it.
public struct YearItem: Sendable, Hashable {
    /// The ledger's row id (0 when the record is not stored); the tie-breaker for the order.
    public let recordID: Int64
    public let mode: Mode
    public let category: Category
    public let recognition: Recognition
    public let assessment: Assessment
    public let recognizedHours: Hours?
    public let endDate: Day

    public init(
        recordID: Int64, mode: Mode, category: Category, recognition: Recognition, assessment: Assessment,
        recognizedHours: Hours?, endDate: Day
    ) {
        self.recordID = recordID
        self.mode = mode
        self.category = category
        self.recognition = recognition
        self.assessment = assessment
        self.recognizedHours = recognizedHours
        self.endDate = endDate
    }

    public init(recordID: Int64, _ r: Record) {
        self.init(
            recordID: recordID, mode: r.mode, category: r.category, recognition: r.recognition, assessment: r.assessment,
            recognizedHours: r.recognizedHours, endDate: r.endDate)
    }

    public var contribution: Record.Contribution {
        Record.contribution(recognition: recognition, assessment: assessment, recognized: recognizedHours)
    }
}

/// Hours a per-year cap kept from counting, on one record.
public struct Trim: Sendable, Hashable {
    public let capID: String
    public let recordID: Int64
    public let endDate: Day
    public let hours: Hours
}

/// A person's year, evaluated: the totals, what the caps trimmed, and the counted hours by mode.
public struct YearResult: Sendable, Hashable {
    public let totals: AnnualTotals
    public let trims: [Trim]
    /// Hours that count after the caps, by mode and category (statistics).
    public let counted: [Mode: [Category: Hours]]

    /// One line per cap that trimmed, naming the records and how much each lost:
    /// "网络学习每年最多 30 学时：扣减 12.0（#12 2024-11-02 扣 8.0；#15 2024-12-01 扣 4.0）".
    /// `titles` adds each record's content when known.
    public func notes(_ set: RuleSet, titles: [Int64: String] = [:], lang: Lang) -> [String] {
        var order: [String] = []
        var byCap: [String: [Trim]] = [:]
        for t in trims {
            if byCap[t.capID] == nil { order.append(t.capID) }
            byCap[t.capID, default: []].append(t)
        }
        return order.map { id in
            let list = byCap[id]!
            let sum = list.reduce(Hours.zero) { $0 + $1.hours }
            let what = set.cap(id: id)?.describe(lang) ?? id
            let items = list.map { t in
                let title = titles[t.recordID].map { " " + $0 } ?? ""
                return lang == .zh
                    ? "#\(t.recordID) \(t.endDate.iso)\(title) 扣 \(t.hours)"
                    : "#\(t.recordID) \(t.endDate.iso)\(title) −\(t.hours)"
            }
            return lang == .zh
                ? "\(what)：扣减 \(sum)（\(items.joined(separator: "；"))）"
                : "\(what): \(sum) trimmed (\(items.joined(separator: "; ")))"
        }
    }
}

extension AnnualTotals {
    /// The single definition of a year's totals, used by every report, screen and stored summary:
    /// each record counts by `Record.contribution` (recognised and not failed), records are taken in the
    /// order they ended (then as entered), and each per-year cap that applies to a record lets it count
    /// only what the cap has left; the rest is trimmed and said so.
    public static func evaluate(year: Int, items: [YearItem], rules set: RuleSet) -> YearResult {
        let ordered = items.filter { $0.endDate.year == year }.sorted { ($0.endDate, $0.recordID) < ($1.endDate, $1.recordID) }
        var used = [Hours](repeating: .zero, count: set.caps.count)
        var publicHours = Hours.zero, professionalHours = Hours.zero, trimmed = Hours.zero
        var trims: [Trim] = []
        var counted: [Mode: [Category: Hours]] = [:]
        for item in ordered {
            guard case .counts(let h) = item.contribution else { continue }
            var counts = h
            var limiting: Int?
            for (i, cap) in set.caps.enumerated() where cap.applies(to: item.mode, item.category) {
                let room = used[i].shortfall(below: cap.maxHours.value)
                if room < counts {
                    counts = room
                    limiting = i
                }
            }
            for (i, cap) in set.caps.enumerated() where cap.applies(to: item.mode, item.category) { used[i] += counts }
            if let limiting, counts < h {
                trims.append(
                    Trim(capID: set.caps[limiting].id, recordID: item.recordID, endDate: item.endDate, hours: h - counts))
                trimmed += h - counts
            }
            switch item.category {
            case .public: publicHours += counts
            case .professional: professionalHours += counts
            }
            counted[item.mode, default: [:]][item.category, default: .zero] += counts
        }
        let totals = AnnualTotals(
            year: year, publicHours: publicHours, professionalHours: professionalHours,
            thresholds: set.thresholds, trimmedHours: trimmed)
        return YearResult(totals: totals, trims: trims, counted: counted)
    }

    /// Totals straight from records: the reference computation the tests hold every other path to.
    public static func evaluate(year: Int, records: [(rowID: Int64, record: Record)], rules set: RuleSet) -> YearResult {
        evaluate(year: year, items: records.map { YearItem(recordID: $0.rowID, $0.record) }, rules: set)
    }
}

/// Several years at once, as title applications look at them (Art. 21): each year's result, how many
/// were met, and the hours over the window.
public struct WindowResult: Sendable, Hashable {
    /// One entry a year, in order; nil for a year the person was not active in (not required).
    public let years: [(year: Int, totals: AnnualTotals?)]
    public var yearsMet: Int { years.filter { $0.totals?.status == .met }.count }
    public var yearsRequired: Int { years.filter { $0.totals != nil }.count }
    public var windowTotalHours: Hours { years.reduce(.zero) { $0 + ($1.totals?.totalHours ?? .zero) } }
    /// Every year the person was required to meet, met.
    public var allMet: Bool { yearsRequired > 0 && yearsMet == yearsRequired }

    public init(years: [(year: Int, totals: AnnualTotals?)]) { self.years = years }

    public static func == (a: WindowResult, b: WindowResult) -> Bool {
        a.years.count == b.years.count && zip(a.years, b.years).allSatisfy { $0.year == $1.year && $0.totals == $1.totals }
    }

    public func hash(into h: inout Hasher) {
        for y in years {
            h.combine(y.year)
            h.combine(y.totals)
        }
    }
}
