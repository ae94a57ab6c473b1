import ArgumentParser
import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import CeledgerSQLite
import CeledgerSheets
import CeledgerText
import Foundation

extension StatsDimension: ExpressibleByArgument {}

/// `celedger report stats`: Art. 20's statistics for a year: per unit, department or title level the
/// headcount, how many met, the rate, the average hours and the hours by mode and category; or per mode
/// and category how many have hours in it, the hours and their share.
struct StatsReport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract:
            "Statistics of a year (Art. 20): headcount, met, rate, average hours, hours by mode and category, per unit, department, title level, mode or category."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "The year (default: the current year).")
    var year: Int?

    @Option(name: .long, help: "unit, department, title_level, mode or category (default: unit).")
    var by: StatsDimension = .unit

    @Option(name: .long, help: "Only persons of this unit (employer).")
    var unit: String?

    @Option(name: .long, help: "table, json or csv")
    var format: TextFormat = .table

    @Option(
        name: [.short, .customLong("output")],
        help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    func validate() throws {
        if let year, !Day.plausibleYears.contains(year) {
            throw ValidationError(Context.text("--year 不合理：\(year)", "--year is implausible: \(year)"))
        }
    }

    func run() throws {
        let year = self.year ?? Self.currentYear
        let ledger = try Context.openForReports(global)
        let stats = try ledger.statistics(year: year, unit: unit)
        let groups = stats.groups(by: by)
        var out = try OutputSink(path: output)
        switch format {
        case .json: out.write(StatsShape.json(stats, by: by, groups: groups))
        case .csv:
            for line in StatsShape.csv(stats, by: by, groups: groups, lang: Context.lang) { out.write(CSVWriter.line(line)) }
        case .table:
            for line in StatsShape.table(stats, by: by, groups: groups, lang: Context.lang) { out.write(line + "\n") }
        }
        try out.close()
    }
}

/// The shapes of the statistics: a table for people, JSON and CSV with English keys for programs.
enum StatsShape {
    static func dimensionLabel(_ by: StatsDimension, _ lang: Lang) -> String {
        let zh = lang == .zh
        return switch by {
        case .unit: zh ? "单位" : "unit"
        case .department: zh ? "单位/部门" : "unit/department"
        case .titleLevel: zh ? "职称级别" : "title level"
        case .mode: zh ? "学习方式" : "mode"
        case .category: zh ? "科目类别" : "category"
        }
    }

    /// A group's name as people read it; what is not recorded says so.
    static func label(_ g: StatsGroup, by: StatsDimension, _ lang: Lang) -> String {
        let none = lang == .zh ? "（未填）" : "(none)"
        switch by {
        case .unit: return g.key.isEmpty ? none : g.key
        case .department:
            let u = (g.unit ?? "").isEmpty ? none : g.unit!
            let d = (g.department ?? "").isEmpty ? none : g.department!
            return u + "/" + d
        case .titleLevel: return TitleLevel(rawValue: g.key)?.label(lang) ?? none
        case .mode: return Mode(rawValue: g.key)?.label(lang) ?? g.key
        case .category: return Category(rawValue: g.key)?.label(lang) ?? g.key
        }
    }

    static func headline(_ s: YearStatistics, by: StatsDimension, lang: Lang) -> String {
        let t = s.total, zh = lang == .zh
        let scope = s.unit.map { zh ? "  单位：\($0)" : "  unit: \($0)" } ?? ""
        let rule = zh ? "  规则：\(s.ruleSet.name.zh)" : "  rules: \(s.ruleSet.name.en)"
        let what = zh ? "\(s.year)年度统计（按\(dimensionLabel(by, lang))）" : "\(s.year) statistics by \(dimensionLabel(by, lang))"
        if by.groupsPersons {
            return what
                + (zh
                    ? "  人员 \(t.persons.grouped) · 达标 \(t.met.grouped) · 达标率 \(StatsGroup.percent(t.rateTenths)) · 人均 \(t.averageHours) 学时"
                    : "  \(t.persons.grouped) persons · \(t.met.grouped) met · rate \(StatsGroup.percent(t.rateTenths)) · average \(t.averageHours) h")
                + scope + rule
        }
        return what
            + (zh
                ? "  人员 \(t.persons.grouped) · 有计入学时 \(s.personsWithHours.grouped) 人 · 计入学时 \(t.hours)"
                : "  \(t.persons.grouped) persons · \(s.personsWithHours.grouped) with counted hours · \(t.hours) hours") + scope
            + rule
    }

    static func table(_ s: YearStatistics, by: StatsDimension, groups: [StatsGroup], lang: Lang) -> [String] {
        let zh = lang == .zh
        let total = s.total
        var lines = [headline(s, by: by, lang: lang)]
        if by.groupsPersons {
            var table = TextTable(
                columns: [
                    .init(dimensionLabel(by, lang).capitalizedFirst, maxWidth: 36),
                    .init(zh ? "人数" : "Persons", align: .right), .init(zh ? "达标" : "Met", align: .right),
                    .init(zh ? "达标率" : "Rate", align: .right), .init(zh ? "人均学时" : "Avg h", align: .right),
                ] + Mode.allCases.map { .init($0.label(lang), align: .right) }
                    + Category.allCases.map { .init(zh ? $0.shortZh : $0.en, align: .right) })
            func row(_ name: String, _ g: StatsGroup) -> [String] {
                [name, g.persons.grouped, g.met.grouped, StatsGroup.percent(g.rateTenths), g.averageHours.description]
                    + Mode.allCases.map { (g.byMode[$0] ?? .zero).description }
                    + Category.allCases.map { (g.byCategory[$0] ?? .zero).description }
            }
            for g in groups { table.append(row(label(g, by: by, lang), g)) }
            table.append(row(zh ? "合计" : "Total", total))
            lines += table.render()
            lines.append(
                zh
                    ? "学时为计入的学时（已认定、考核未不合格，按年度上限扣减后）；达标率 = 达标人数 / 人数；人均学时 = 计入学时 / 人数"
                    : "Hours are counted hours (recognised, not failed, after per-year caps); rate = met / persons; average = counted hours / persons"
            )
        } else {
            let all = total.hours
            var table = TextTable(columns: [
                .init(dimensionLabel(by, lang).capitalizedFirst, maxWidth: 20),
                .init(zh ? "人数" : "Persons", align: .right), .init(zh ? "学时" : "Hours", align: .right),
                .init(zh ? "占比" : "Share", align: .right),
            ])
            for g in groups {
                table.append([
                    label(g, by: by, lang), g.persons.grouped, g.hours.description,
                    StatsGroup.percent(StatsGroup.ratio(g.hours.tenths, of: all.tenths)),
                ])
            }
            table.append([zh ? "合计" : "Total", s.personsWithHours.grouped, all.description, all == .zero ? "—" : "100.0%"])
            lines += table.render()
            lines.append(
                zh
                    ? "人数为在该\(dimensionLabel(by, lang))有计入学时的人数；学时为计入的学时（已认定、考核未不合格，按年度上限扣减后）"
                    : "Persons: those with counted hours in the \(dimensionLabel(by, lang)); hours are counted hours (recognised, not failed, after per-year caps)"
            )
        }
        return lines
    }

    static func number(_ tenths: Int?) -> String {
        guard let t = tenths else { return "null" }
        return "\(t / 10).\(t % 10)"
    }

    static func groupJSON(_ s: YearStatistics, _ g: StatsGroup, by: StatsDimension, isTotal: Bool, to out: inout JSONWriter) {
        var pairs: [(String, String)] = []
        if !isTotal {
            pairs.append(("key", JSON.string(g.key)))
            if by == .department {
                pairs.append(("unit", JSON.string(g.unit ?? "")))
                pairs.append(("department", JSON.string(g.department ?? "")))
            }
        }
        if by.groupsPersons {
            pairs += [
                ("persons", String(g.persons)), ("met", String(g.met)), ("rate", number(g.rateTenths)),
                ("average_hours", JSON.hours(g.averageHours)), ("total_hours", JSON.hours(g.hours)),
                ("hours_by_mode", JSON.object(Mode.allCases.map { ($0.rawValue, JSON.hours(g.byMode[$0] ?? .zero)) })),
                (
                    "hours_by_category",
                    JSON.object(Category.allCases.map { ($0.rawValue, JSON.hours(g.byCategory[$0] ?? .zero)) })
                ),
            ]
        } else {
            let all = s.total.hours
            pairs += [
                ("persons", String(isTotal ? s.personsWithHours : g.persons)), ("hours", JSON.hours(g.hours)),
                ("share", all == .zero ? "null" : number(StatsGroup.ratio(g.hours.tenths, of: all.tenths))),
            ]
            if by == .mode && !isTotal {
                pairs.append(
                    (
                        "hours_by_category",
                        JSON.object(Category.allCases.map { ($0.rawValue, JSON.hours(g.byCategory[$0] ?? .zero)) })
                    ))
            } else if by == .category && !isTotal {
                pairs.append(
                    ("hours_by_mode", JSON.object(Mode.allCases.map { ($0.rawValue, JSON.hours(g.byMode[$0] ?? .zero)) })))
            }
        }
        out.object(pairs)
    }

    static func json(_ s: YearStatistics, by: StatsDimension, groups: [StatsGroup]) -> String {
        var total = s.total
        if !by.groupsPersons { total.persons = s.personsWithHours }
        var out = JSONWriter(capacity: 1 << 12)
        out.raw("{")
        out.members([
            ("year", String(s.year)), ("by", JSON.string(by.rawValue)), ("unit", JSON.optional(s.unit)),
            ("rule_set", JSON.string(s.ruleSet.id)), ("persons", String(s.total.persons)),
        ])
        out.raw(",\"groups\":[\n")
        for (i, g) in groups.enumerated() {
            if i > 0 { out.raw(",\n") }
            groupJSON(s, g, by: by, isTotal: false, to: &out)
        }
        out.raw("\n],\"total\":")
        groupJSON(s, total, by: by, isTotal: true, to: &out)
        out.raw("}\n")
        return out.text
    }

    /// The CSV for people: under Chinese the headers, the dimension and group names as the table shows them.
    static func csv(_ s: YearStatistics, by: StatsDimension, groups: [StatsGroup], lang: Lang) -> [[String]] {
        let rows = csv(s, by: by, groups: groups)
        guard lang == .zh, let header = rows.first else { return rows }
        let names: [String: String] = [
            "by": "统计维度", "key": dimensionLabel(by, .zh), "unit": "单位", "department": "部门", "persons": "人数", "met": "达标人数",
            "rate": "达标率（%）", "average_hours": "人均学时", "total_hours": "计入学时", "hours": "学时", "share": "占比（%）",
        ]
        let zhHeader = header.map { key in
            names[key] ?? Mode(rawValue: key)?.zh ?? Category(rawValue: key).map { $0.zh } ?? key
        }
        let body = rows.dropFirst().enumerated().map { i, row -> [String] in
            var r = row
            r[0] = r[0] == "total" ? "合计" : dimensionLabel(by, .zh)
            if i < groups.count { r[1] = label(groups[i], by: by, .zh) } else { r[1] = "" }
            return r
        }
        return [zhHeader] + body
    }

    static func csv(_ s: YearStatistics, by: StatsDimension, groups: [StatsGroup]) -> [[String]] {
        if by.groupsPersons {
            let header =
                ["by", "key", "unit", "department", "persons", "met", "rate", "average_hours", "total_hours"]
                + Mode.allCases.map(\.rawValue) + Category.allCases.map(\.rawValue)
            func row(_ by: String, _ g: StatsGroup) -> [String] {
                [
                    by, g.key, g.unit ?? "", g.department ?? "", String(g.persons), String(g.met),
                    g.rateTenths.map { number($0) } ?? "",
                    g.averageHours.description, g.hours.description,
                ]
                    + Mode.allCases.map { (g.byMode[$0] ?? .zero).description }
                    + Category.allCases.map { (g.byCategory[$0] ?? .zero).description }
            }
            return [header] + groups.map { row(by.rawValue, $0) } + [row("total", s.total)]
        }
        let all = s.total.hours
        let other: [String] = by == .mode ? Category.allCases.map(\.rawValue) : Mode.allCases.map(\.rawValue)
        func row(_ byText: String, _ key: String, _ persons: Int, _ g: StatsGroup) -> [String] {
            [
                byText, key, String(persons), g.hours.description,
                all == .zero ? "" : number(StatsGroup.ratio(g.hours.tenths, of: all.tenths)),
            ]
                + (by == .mode
                    ? Category.allCases.map { (g.byCategory[$0] ?? .zero).description }
                    : Mode.allCases.map { (g.byMode[$0] ?? .zero).description })
        }
        return [["by", "key", "persons", "hours", "share"] + other] + groups.map { row(by.rawValue, $0.key, $0.persons, $0) }
            + [row("total", "", s.personsWithHours, s.total)]
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
