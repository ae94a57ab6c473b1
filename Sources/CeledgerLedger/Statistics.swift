import CeledgerDomain

/// What a year's statistics are grouped by (Art. 20: the HR department's statistics).
public enum StatsDimension: String, CaseIterable, Sendable {
    case unit, department
    case titleLevel = "title_level"
    case mode, category

    /// Groups of persons (each person in one group) or of hours (modes, categories).
    public var groupsPersons: Bool { self == .unit || self == .department || self == .titleLevel }
}

/// One line of the statistics: a group of persons (a unit, a department, a title level) or a kind of
/// hours (a mode, a category). Hours are those that count, after the rule set's per-year caps.
public struct StatsGroup: Sendable, Hashable {
    /// The unit, "unit/department", the title level's key, the mode's or the category's key; "" when the
    /// persons have none recorded (no unit, no title level).
    public let key: String
    /// The unit and department of a unit or department group ("" when not recorded).
    public var unit: String?
    public var department: String?
    /// For persons: how many were active in the year. For a mode or category: how many have hours in it.
    public var persons = 0
    /// Persons who met the year's requirement (0 for a mode or category).
    public var met = 0
    /// Counted hours of the group (of the mode or category).
    public var hours = Hours.zero
    public var byMode: [Mode: Hours] = [:]
    public var byCategory: [Category: Hours] = [:]

    public init(key: String) { self.key = key }

    /// Met as a share of persons, in tenths of a percent, rounded half up (727 is 72.7%); nil with nobody.
    public var rateTenths: Int? { persons == 0 ? nil : StatsGroup.ratio(met, of: persons) }

    /// Average counted hours per person, rounded half up to a tenth; zero with nobody.
    public var averageHours: Hours {
        persons == 0 ? .zero : Hours(tenths: (hours.tenths * 2 + persons) / (persons * 2))
    }

    /// `part / whole` in tenths of a percent, rounded half up.
    public static func ratio(_ part: Int, of whole: Int) -> Int {
        whole == 0 ? 0 : (part * 2000 + whole) / (whole * 2)
    }

    /// "72.7%": tenths of a percent as text.
    public static func percent(_ tenths: Int?) -> String {
        guard let t = tenths else { return "—" }
        return "\(t / 10).\(t % 10)%"
    }
}

/// A year's statistics: every active person (of one unit, when asked) evaluated by the domain's
/// `AnnualTotals.evaluate`, kept in small cells from which any grouping is summed.
public struct YearStatistics: Sendable {
    public let year: Int
    public let unit: String?
    public let ruleSet: RuleSet

    /// The persons of one unit, department and title level, summed by the ledger as it evaluates them.
    package struct CellKey: Hashable {
        let unit: String, department: String, level: String
        package init(unit: String, department: String, level: String) {
            self.unit = unit
            self.department = department
            self.level = level
        }
    }
    package struct Cell {
        package var persons = 0, met = 0
        package var hours = Hours.zero
        package var counted: [Mode: [Category: Hours]] = [:]
        package var personsWithMode: [Mode: Int] = [:]
        package var personsWithCategory: [Category: Int] = [:]
        package var personsWithHours = 0
        package init() {}
    }
    package var cells: [CellKey: Cell] = [:]

    package init(year: Int, unit: String?, ruleSet: RuleSet) {
        self.year = year
        self.unit = unit
        self.ruleSet = ruleSet
    }

    /// Counts one active person of the year, judged by the domain (`result`), in the cell of their unit,
    /// department and title level. Every ledger builds its statistics through this, so the groupings sum
    /// the same cells however the persons were read.
    package mutating func add(unit: String, department: String, titleLevel: String, _ result: YearResult) {
        let key = CellKey(unit: unit, department: department, level: titleLevel)
        var c = cells[key] ?? Cell()
        c.persons += 1
        if result.totals.status == .met { c.met += 1 }
        c.hours += result.totals.totalHours
        var any = false
        var categories = Set<Category>()
        for (m, byCat) in result.counted {
            var inMode = false
            for (cat, h) in byCat where h != .zero {
                c.counted[m, default: [:]][cat, default: .zero] += h
                inMode = true
                categories.insert(cat)
            }
            if inMode {
                c.personsWithMode[m, default: 0] += 1
                any = true
            }
        }
        for cat in categories { c.personsWithCategory[cat, default: 0] += 1 }
        if any { c.personsWithHours += 1 }
        cells[key] = c
    }

    /// Every person of the statistics together.
    public var total: StatsGroup {
        var g = StatsGroup(key: "")
        for c in cells.values { add(c, to: &g) }
        return g
    }

    /// Persons with any counted hours, for the total of a mode or category grouping.
    public var personsWithHours: Int { cells.values.reduce(0) { $0 + $1.personsWithHours } }

    package func add(_ c: Cell, to g: inout StatsGroup) {
        g.persons += c.persons
        g.met += c.met
        g.hours += c.hours
        for (m, byCat) in c.counted {
            for (cat, h) in byCat {
                g.byMode[m, default: .zero] += h
                g.byCategory[cat, default: .zero] += h
            }
        }
    }

    /// The groups of a dimension. Persons: ordered by unit (then department), or by title level from junior
    /// to senior with "none" last. Modes and categories: in the order of the measures, each present even
    /// with no hours; `persons` is then how many have hours in it.
    public func groups(by dimension: StatsDimension) -> [StatsGroup] {
        switch dimension {
        case .unit, .department, .titleLevel:
            var groups: [String: StatsGroup] = [:]
            for (k, c) in cells {
                let key =
                    switch dimension {
                    case .unit: k.unit
                    case .department: k.unit + "/" + k.department
                    default: k.level
                    }
                var g = groups[key] ?? StatsGroup(key: key)
                if dimension != .titleLevel { g.unit = k.unit }
                if dimension == .department { g.department = k.department }
                add(c, to: &g)
                groups[key] = g
            }
            if dimension == .titleLevel {
                let order = TitleLevel.allCases.map(\.rawValue) + [""]
                return order.compactMap { groups[$0] }
            }
            // By unit, then department; what is not recorded last.
            func order(_ g: StatsGroup) -> (Int, String, Int, String) {
                let u = g.unit ?? "", d = g.department ?? ""
                return (u.isEmpty ? 1 : 0, u, d.isEmpty ? 1 : 0, d)
            }
            return groups.values.sorted { order($0) < order($1) }
        case .mode:
            return Mode.allCases.map { m in
                var g = StatsGroup(key: m.rawValue)
                for c in cells.values {
                    g.persons += c.personsWithMode[m] ?? 0
                    for (cat, h) in c.counted[m] ?? [:] {
                        g.hours += h
                        g.byCategory[cat, default: .zero] += h
                    }
                }
                g.byMode[m] = g.hours
                return g
            }
        case .category:
            return Category.allCases.map { cat in
                var g = StatsGroup(key: cat.rawValue)
                for c in cells.values {
                    g.persons += c.personsWithCategory[cat] ?? 0
                    for (m, byCat) in c.counted {
                        if let h = byCat[cat] {
                            g.hours += h
                            g.byMode[m, default: .zero] += h
                        }
                    }
                }
                g.byCategory[cat] = g.hours
                return g
            }
        }
    }
}
