import CeledgerDomain
import CeledgerLedger
import CeledgerText

/// The year's statistics (Art. 20) as text charts: the met rate of each unit, and the counted hours by
/// mode and by category. Side by side on a wide terminal, one above the other on a narrow one.
final class StatsScreen: KeymapScreen {
    var stats: YearStatistics?
    var units: [StatsGroup] = []
    var modes: [StatsGroup] = []
    var categories: [StatsGroup] = []
    var cursor = ListCursor()

    /// Side by side from this width on.
    static let wide = 110

    func reload(_ app: App) {
        do {
            let s = try app.ledger.statistics(year: app.year)
            stats = s
            units = s.groups(by: .unit)
            modes = s.groups(by: .mode)
            categories = s.groups(by: .category)
            cursor.count = units.count
            cursor.clamp(visible: unitRows(app))
        } catch {
            app.error(error)
        }
    }

    /// Rows for the units' chart.
    func unitRows(_ app: App) -> Int {
        app.width >= StatsScreen.wide ? max(1, app.height - 7) : max(1, app.height - 7 - 10)
    }

    typealias Binding = KeyBinding<StatsScreen>

    static let keymap: Keymap<StatsScreen> = Keymap([
        Binding(ListCursor.keys, help: ("↑ ↓  j k", "选择单位", "select a unit"), bar: ("↑↓", "选择单位", "select a unit")) {
            s, key, app in
            _ = s.cursor.handle(key, visible: s.unitRows(app))
        },
        Binding(
            [.enter], help: ("Enter", "回到人员列表，只看所选单位", "back to the persons list, filtered to the selected unit"),
            bar: ("Enter", "查看该单位人员", "list its persons")
        ) { s, _, app in
            s.listSelectedUnit(app)
        },
        .year,
        App.exportBinding(),
        Binding([.escape, .character("q"), .character("t")], help: ("Esc  q  t", "返回", "back"), bar: ("Esc", "返回", "back")) {
            _, _, app in
            app.pop()
        },
    ])

    /// Back to the persons of the selected unit.
    func listSelectedUnit(_ app: App) {
        guard cursor.selected < units.count, let home = app.screens.first as? PersonsScreen else { return }
        let unit = units[cursor.selected].key
        home.query.unit = unit.isEmpty ? nil : unit
        home.query.department = nil
        home.window = ListWindow()  // from the top of the unit's list
        app.pop()
    }

    func unitLabel(_ g: StatsGroup, _ app: App) -> String { g.key.isEmpty ? app.t("（未填单位）", "(no unit)") : g.key }

    func render(_ g: inout TextGrid, _ app: App) {
        let w = app.words
        app.titleBar(&g, w.t("继续教育统计  \(app.year)年度 ◀ ▶", "CE statistics  \(app.year) ◀ ▶"), right: w.t("? 帮助", "? help"))
        guard let s = stats else { return }
        let t = s.total
        var x =
            g.put(
                w.t(
                    "人员 \(t.persons.grouped) · 达标 \(t.met.grouped) · 达标率 \(StatsGroup.percent(t.rateTenths)) · 人均 \(t.averageHours) 学时 · 计入学时 \(t.hours)",
                    "\(t.persons.grouped) persons · \(t.met.grouped) met · rate \(StatsGroup.percent(t.rateTenths)) · average \(t.averageHours) h · \(t.hours) h counted"
                ),
                row: 1, column: 1, style: .bold) + 3
        x = g.put(
            w.t("规则: ", "rules: ") + s.ruleSet.name.text(app.lang), row: 1, column: x, style: .dim,
            maxWidth: max(0, app.width - x - 1))
        if t.persons == 0 {
            g.put(w.t("本年度没有人员。", "No persons this year."), row: 3, column: 2, style: .dim)
        } else if app.width >= StatsScreen.wide {
            let left = (app.width - 4) * 11 / 20
            drawUnits(&g, app, top: 3, column: 1, width: left, rows: unitRows(app))
            let rx = left + 4
            let labels =
                (modes.map { Mode(rawValue: $0.key)!.label(app.lang) }
                + categories.map { Category(rawValue: $0.key)!.label(app.lang) })
                .map(\.displayWidth).max() ?? 8
            let used = drawShares(
                &g, app, top: 3, column: rx, width: app.width - rx - 1, title: w.t("学时构成（按学习方式）", "Hours by mode"),
                groups: modes, labelWidth: labels, label: { Mode(rawValue: $0)!.label(app.lang) })
            drawShares(
                &g, app, top: 3 + used + 1, column: rx, width: app.width - rx - 1, title: w.t("按科目类别", "By category"),
                groups: categories, labelWidth: labels, label: { Category(rawValue: $0)!.label(app.lang) })
        } else {
            let rows = unitRows(app)
            drawUnits(&g, app, top: 3, column: 1, width: app.width - 2, rows: rows)
            let top = 3 + 2 + rows + 1
            drawShares(
                &g, app, top: top, column: 1, width: app.width - 2, title: w.t("学时构成（按学习方式）", "Hours by mode"),
                groups: modes, labelWidth: 8, label: { Mode(rawValue: $0)!.label(app.lang) })
            // Categories on one line below the modes.
            let all = t.hours
            let line = categories.map { c in
                Category(rawValue: c.key)!.label(app.lang) + " " + c.hours.description + " ("
                    + StatsGroup.percent(StatsGroup.ratio(c.hours.tenths, of: all.tenths)) + ")"
            }.joined(separator: "   ")
            g.put(line, row: top + 2 + modes.count, column: 3, maxWidth: app.width - 4)
        }
        keysBar(&g, app)
    }

    /// The units' met rates as bars: name, persons, met, a bar to 100 %, the rate.
    func drawUnits(_ g: inout TextGrid, _ app: App, top: Int, column: Int, width: Int, rows: Int) {
        let w = app.words
        g.put(w.t("达标率（按单位）", "Met rate by unit"), row: top, column: column, style: .bold)
        let labelWidth = min(max(8, units.map { unitLabel($0, app).displayWidth }.max() ?? 8), max(8, width / 3))
        let numbers = 5 + 1 + 5 + 2  // persons, met
        let rateWidth = 7
        let barWidth = max(4, width - labelWidth - 1 - numbers - rateWidth - 1)
        var x = column
        x = g.put(w.t("单位", "Unit").fitted(toWidth: labelWidth) + " ", row: top + 1, column: x, style: .dim)
        x = g.put(
            w.t("人数", "Pers.").fitted(toWidth: 5, align: .right) + " " + w.t("达标", "Met").fitted(toWidth: 5, align: .right)
                + "  ",
            row: top + 1, column: x, style: .dim)
        g.put(w.t("达标率", "Rate").fitted(toWidth: barWidth + 1 + rateWidth, align: .right), row: top + 1, column: x, style: .dim)
        for i in 0..<rows {
            let index = cursor.top + i
            guard index < units.count else { break }
            let u = units[index]
            let row = top + 2 + i
            let selected = index == cursor.selected
            if selected { g.fill(row: row, from: column, width: width, style: .reverse) }
            let base: Style = selected ? .reverse : []
            var x = g.put(unitLabel(u, app).fitted(toWidth: labelWidth) + " ", row: row, column: column, style: base)
            x = g.put(
                u.persons.grouped.fitted(toWidth: 5, align: .right) + " " + u.met.grouped.fitted(toWidth: 5, align: .right)
                    + "  ",
                row: row, column: x, style: base)
            let rate = u.rateTenths ?? 0
            x = g.put(
                Format.bar(Hours(tenths: rate), of: Hours(tenths: 1000), width: barWidth), row: row, column: x,
                style: base.union(selected ? [] : rate >= 1000 ? .green : rate >= 600 ? .yellow : .red))
            g.put(
                " " + StatsGroup.percent(u.rateTenths).fitted(toWidth: rateWidth - 1, align: .right), row: row, column: x,
                style: base)
        }
        if units.count > rows {
            g.put(
                w.t("（共 \(units.count) 个单位，↑↓ 滚动）", "(\(units.count) units; ↑↓ scrolls)"), row: top, column: column + 20,
                style: .dim)
        }
    }

    /// Hours by mode (or category): name, hours, a bar of the share of all counted hours, the share.
    /// Returns the rows used.
    @discardableResult
    func drawShares(
        _ g: inout TextGrid, _ app: App, top: Int, column: Int, width: Int, title: String, groups: [StatsGroup],
        labelWidth minimum: Int, label: (String) -> String
    ) -> Int {
        let all = stats?.total.hours ?? .zero
        g.put(title, row: top, column: column, style: .bold)
        let labelWidth = max(minimum, groups.map { label($0.key).displayWidth }.max() ?? 8)
        let hoursWidth = max(7, groups.map { $0.hours.description.count }.max() ?? 7)
        let personsWidth = max(5, groups.map { app.t("\($0.persons)人", "\($0.persons)p").displayWidth }.max() ?? 5)
        let shareWidth = 7
        let barWidth = max(4, width - labelWidth - 1 - hoursWidth - 1 - personsWidth - 2 - shareWidth)
        let head =
            "".fitted(toWidth: labelWidth) + " " + app.t("学时", "Hours").fitted(toWidth: hoursWidth, align: .right) + " "
            + app.t("人数", "Pers.").fitted(toWidth: personsWidth, align: .right) + "  "
            + app.t("占比", "Share").fitted(toWidth: barWidth + shareWidth, align: .right)
        g.put(head, row: top + 1, column: column, style: .dim)
        for (i, m) in groups.enumerated() {
            let row = top + 2 + i
            var x = g.put(label(m.key).fitted(toWidth: labelWidth) + " ", row: row, column: column)
            x = g.put(m.hours.description.fitted(toWidth: hoursWidth, align: .right) + " ", row: row, column: x)
            x = g.put(
                app.t("\(m.persons)人", "\(m.persons)p").fitted(toWidth: personsWidth, align: .right) + "  ", row: row, column: x,
                style: .dim)
            let share = StatsGroup.ratio(m.hours.tenths, of: all.tenths)
            x = g.put(
                Format.bar(Hours(tenths: share), of: Hours(tenths: 1000), width: barWidth), row: row, column: x, style: .cyan)
            g.put(" " + StatsGroup.percent(share).fitted(toWidth: shareWidth - 1, align: .right), row: row, column: x)
        }
        return groups.count + 2
    }
}
