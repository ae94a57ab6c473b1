/// Sums of recognised hours for one person in one year, grouped the way the ledger's index groups them.
/// Feeding the domain groups instead of raw rows lets SQL do the adding while the rule of what counts
/// stays here, in `Record.contribution`.
public struct HoursGroup: Sendable, Hashable {
    public let category: Category
    public let recognition: Recognition
    public let assessment: Assessment
    public let recognizedHours: Hours
    public init(category: Category, recognition: Recognition, assessment: Assessment, recognizedHours: Hours) {
        self.category = category
        self.recognition = recognition
        self.assessment = assessment
        self.recognizedHours = recognizedHours
    }
}

/// One person's result for one year against the rule set in force that year.
public struct AnnualTotals: Sendable, Hashable {
    public let year: Int
    public let publicHours: Hours
    public let professionalHours: Hours
    public let thresholds: RuleSet.Thresholds

    public init(year: Int, publicHours: Hours, professionalHours: Hours, thresholds: RuleSet.Thresholds) {
        self.year = year
        self.publicHours = publicHours
        self.professionalHours = professionalHours
        self.thresholds = thresholds
    }

    public var totalHours: Hours { publicHours + professionalHours }
    public var requiredHours: Hours { thresholds.totalHours }
    public var requiredProfessionalHours: Hours { thresholds.professionalHours }
    public var shortfallHours: Hours { totalHours.shortfall(below: thresholds.totalHours) }
    public var shortfallProfessionalHours: Hours { professionalHours.shortfall(below: thresholds.professionalHours) }
    public var shortfallPublicHours: Hours { thresholds.publicHours.map { publicHours.shortfall(below: $0) } ?? .zero }

    public var status: Status {
        shortfallHours == .zero && shortfallProfessionalHours == .zero && shortfallPublicHours == .zero ? .met : .short
    }

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

    /// Totals straight from records: the reference computation the tests hold every other path to.
    public static func compute(year: Int, records: [Record], thresholds: RuleSet.Thresholds) -> AnnualTotals {
        var acc = Accumulator()
        for r in records where r.year == year {
            acc.add(category: r.category, contribution: r.contribution)
        }
        return acc.totals(year: year, thresholds: thresholds)
    }

    /// Adds groups or records for one person and year, then yields the totals.
    public struct Accumulator: Sendable {
        public private(set) var publicHours = Hours.zero
        public private(set) var professionalHours = Hours.zero
        public init() {}

        public mutating func add(category: Category, contribution: Record.Contribution) {
            guard case .counts(let h) = contribution else { return }
            switch category {
            case .public: publicHours += h
            case .professional: professionalHours += h
            }
        }

        public mutating func add(_ g: HoursGroup) {
            add(category: g.category, contribution: Record.contribution(
                recognition: g.recognition, assessment: g.assessment, recognized: g.recognizedHours))
        }

        public func totals(year: Int, thresholds: RuleSet.Thresholds) -> AnnualTotals {
            AnnualTotals(year: year, publicHours: publicHours, professionalHours: professionalHours, thresholds: thresholds)
        }
    }
}
