import CeledgerDomain
import CeledgerLedger
import CeledgerText

/// Home: every person active in the year with their totals, sorted, filtered and searched; paged with SQL.
final class PersonsScreen: KeymapScreen {
    var query: PersonListQuery
    /// The rows on screen, read through the list's keys.
    var window = ListWindow()
    var summary = YearSummary(persons: 0, met: 0)
    var search: TextField?
    /// The ledger's version when the list was last read: returning to the screen reads it again only when
    /// something changed.
    var readVersion: Int64?
    /// The query the list was last read with.
    var readQuery: PersonListQuery?
    /// Keep the selection on this person after the next reload, when they are still listed.
    var follow: Int64?
    /// Persons marked for a class registration (ClassRegistration.swift).
    var marks = PersonMarks()
    /// A search typed while the search index or the year's flags were still being read (a big ledger's
    /// first second, a moment after a year change): the list shows what was typed at once and is read
    /// when they are ready (`tick`), instead of the keystroke waiting for them.
    var searchPending = false

    init(year: Int) { query = PersonListQuery(year: year) }

    var capturesText: Bool { search != nil }

    func visibleRows(_ app: App) -> Int { max(1, app.height - 5) }

    var rows: [PersonListRow] { window.rows }
    var selectedRow: PersonListRow? { window.selectedRow }

    func fetch(_ app: App) -> ListWindow.Fetch {
        let q = query
        return { key, forward, including, limit in
            limit <= 0 ? [] : try app.ledger.personRows(q, from: key, forward: forward, including: including, limit: limit)
        }
    }

    func reload(_ app: App) {
        if query.year != app.year {
            follow = follow ?? selectedRow?.rowID
            query.year = app.year
        }
        // The ledger or the year changed: a search finds the year's flags read meanwhile on the other core.
        // (Not before the first screen: the loop asks once it is drawn.)
        if readVersion != nil { app.ledger.prepareSearch(year: query.year) }
        if deferredForSearch(app) { return }
        let visible = visibleRows(app)
        do {
            readVersion = try app.ledger.version()
            readQuery = query
            summary = try app.ledger.personSummary(query)
            let target = follow ?? selectedRow?.rowID
            let screenRow = window.selected
            follow = nil
            if let target, let key = try app.ledger.personKey(of: target, in: query),
                try window.show(key, at: screenRow, visible, fetch(app))
            {
                return
            }
            try window.top(visible, fetch(app))
        } catch {
            app.error(error)
        }
    }

    /// Back on this screen: read again only what another screen or program changed; a new size refits.
    func returned(_ app: App) {
        if let v = readVersion, readQuery == query, app.year == query.year, (try? app.ledger.version()) == v {
            window.fit(visibleRows(app))
            if window.rows.count < min(visibleRows(app), summary.persons) { reload(app) }
            return
        }
        reload(app)
    }

    func requery(_ app: App) {
        if deferredForSearch(app) { return }
        do {
            readVersion = try app.ledger.version()
            readQuery = query
            summary = try app.ledger.personSummary(query)
            try window.top(visibleRows(app), fetch(app))
        } catch {
            app.error(error)
        }
    }

    /// True when the list is left until the search index and flags are ready (the rows are cleared meanwhile).
    private func deferredForSearch(_ app: App) -> Bool {
        searchPending = !query.search.trimmedField.isEmpty && app.ledger.searchIsBeingPrepared(year: query.year)
        if searchPending {
            window = ListWindow()
            readQuery = nil
        }
        return searchPending
    }

    var waitsForTick: Bool { searchPending }

    func tick(_ app: App) -> Bool {
        guard searchPending, !app.ledger.searchIsBeingPrepared(year: query.year) else { return false }
        requery(app)
        return true
    }

    // MARK: keys

    typealias Binding = KeyBinding<PersonsScreen>

    /// While the search field is open: Enter keeps the search, Esc clears it, the arrows move the
    /// selection; every other key is typed into the field (`input`).
    static let searchKeys: [Binding] = [
        Binding([.enter], bar: ("Enter", "确定", "done")) { s, _, _ in s.search = nil },
        Binding([.escape], bar: ("Esc", "清除", "clear")) { s, _, app in
            s.search = nil
            s.query.search = ""
            s.requery(app)
        },
        Binding([.up, .down, .pageUp, .pageDown], bar: ("↑↓", "移动", "move")) { s, key, app in s.move(key, app) },
    ]

    /// The list's commands (without the search field open).
    static let listKeys: [Binding] = [
        Binding(ListCursor.lineKeys, help: ("↑ ↓  j k", "上下移动", "move up and down"), bar: ("↑↓", "移动", "move")) { s, key, app in
            s.move(key, app)
        },
        Binding(ListCursor.pageKeys, help: ("PgUp PgDn  Space", "翻页", "page up and down")) { s, key, app in s.move(key, app) },
        Binding(ListCursor.endKeys, help: ("g G  Home End", "到第一行 / 最后一行", "first / last row")) { s, key, app in s.move(key, app)
        },
        Binding(ListCursor.wheelKeys) { s, key, app in s.move(key, app) },
        Binding([.enter], help: ("Enter", "打开此人（本年度记录）", "open the person (the year's records)"), bar: ("Enter", "打开", "open")) {
            s, _, app in
            s.openSelected(app)
        },
        Binding([.mouse(kind: .doubleClick)]) { s, key, app in
            s.select(row: key.mouseEvent!.row, app)
            s.openSelected(app)
        },
        Binding([.mouse(kind: .click)]) { s, key, app in s.select(row: key.mouseEvent!.row, app) },
        Binding(
            [.character("/")],
            help: ("/", "搜索：姓名、身份证号数字或拼音首字母（zs 找到张三）", "search: name, ID digits or pinyin initials (zs finds 张三)"),
            bar: ("/", "搜索", "search")
        ) { s, _, _ in
            s.search = TextField(s.query.search)
        },
        Binding([.character("f")], help: ("f", "筛选：单位、部门、状态", "filter by unit, department, status"), bar: ("f", "筛选", "filter")) {
            s, _, app in
            app.overlay = s.filterMenu(app)
        },
        Binding([.character("s")], help: ("s  S", "排序 / 反向", "sort / reverse"), bar: ("s", "排序", "sort")) { s, _, app in
            app.overlay = s.sortMenu(app)
        },
        // On the line of `s` in the help.
        Binding([.character("S")]) { s, _, app in
            s.query.descending.toggle()
            s.requery(app)
        },
        .year,
        Binding([.character("a")], help: ("a", "新增人员", "add a person"), bar: ("a", "新增人员", "add person")) { s, _, app in
            s.addPerson(app)
        },
        Binding([.character("e")], help: ("e", "编辑所选人员", "edit the selected person")) { s, _, app in s.editSelected(app) },
        Binding(
            [.character("d"), .delete],
            help: (
                "d  Delete", "删除所选人员（有记录的人员不能删除；无记录时先确认）",
                "delete the selected person (refused while they have records; otherwise asks first)"
            )
        ) { s, _, app in
            s.deleteSelected(app)
        },
        Binding([.character("r")], help: ("r", "学时认定（待认定记录）", "recognition (pending records)"), bar: ("r", "认定", "recognise")) {
            s, _, app in
            app.push(RecognitionScreen(year: s.query.year))
        },
        App.exportBinding(),
        Binding([.character("v")], help: ("v", "显示 / 隐藏完整身份证号", "show / hide full ID numbers"), bar: ("v", "显示证号", "show IDs")) {
            _, _, app in
            app.revealIDs.toggle()
        },
        Binding([.escape], help: ("Esc", "清除搜索和筛选", "clear search and filters")) { s, _, app in s.clearSearchAndFilters(app) },
        Binding([.character("q")], help: ("q", "退出", "quit"), bar: ("q", "退出", "quit")) { _, _, app in app.quit() },
    ]

    static let keymap: Keymap<PersonsScreen> = Keymap(
        searchKeys.map { $0.only { s, _ in s.search != nil } }
            + (listKeys + batchKeys + viewKeys + importKeys).map { $0.only { s, _ in s.search == nil } })  // batchKeys: ClassRegistration.swift, viewKeys: SavedViews.swift, importKeys: ImportScreen.swift

    /// Typed into the search field, when it is open: the list narrows as the search changes.
    func input(_ key: Key, _ app: App) {
        guard var field = search, field.handle(key) else { return }
        search = field
        query.search = field.text
        requery(app)
    }

    func clearSearchAndFilters(_ app: App) {
        let w = app.words
        if !query.search.isEmpty || query.unit != nil || query.department != nil || query.status != .all {
            query.search = ""
            query.unit = nil
            query.department = nil
            query.status = .all
            requery(app)
            app.info(w.t("已清除搜索和筛选", "search and filters cleared"))
        }
    }

    func addPerson(_ app: App) {
        app.overlay = PersonForm(app: app, editing: nil) { [weak self] id in
            self?.follow = id
            self?.reload(app)
        }
    }

    func editSelected(_ app: App) {
        if let r = selectedRow, let p = try? app.ledger.person(rowID: r.rowID) {
            app.overlay = PersonForm(app: app, editing: p) { [weak self] id in
                self?.follow = id
                self?.reload(app)
            }
        }
    }

    func deleteSelected(_ app: App) {
        let w = app.words
        guard let r = selectedRow else { return }
        do {
            let n = try app.ledger.recordCount(personRowID: r.rowID)
            if n > 0 {
                app.error(
                    Message(
                        zh: "\(r.name)还有\(n)条记录，不能删除（先在其人员页删除记录）",
                        en: "\(r.name) still has \(n) records and cannot be deleted (delete them on the person screen first)"))
                return
            }
        } catch {
            app.error(error)
            return
        }
        // The person as asked about: deleting them after another clerk changed them meanwhile is refused.
        let asked = try? app.ledger.person(rowID: r.rowID)
        app.overlay = Confirm(w.t("删除人员“\(r.name)”？", "Delete the person \"\(r.name)\"?")) { [weak self] app in
            do {
                let before = asked
                try app.ledger.deletePerson(rowID: r.rowID, expected: asked?.version)
                if let before {
                    app.made(.personDeleted(before.person), "删除人员“\(r.name)”", "the deletion of \(r.name)")
                }
                app.info(w.t("已删除（Ctrl-Z 或 U 撤销）", "deleted (Ctrl-Z or U undoes it)"))
            } catch {
                app.error(error)
            }
            self?.reload(app)
        }
    }

    func openSelected(_ app: App) {
        if let r = selectedRow {
            follow = r.rowID
            app.push(PersonScreen(personRowID: r.rowID, year: query.year))
        }
    }

    @discardableResult
    func move(_ key: Key, _ app: App) -> Bool {
        let visible = visibleRows(app)
        let f = fetch(app)
        do {
            switch key {
            case .up, .character("k"): try window.move(by: -1, visible, f)
            case .down, .character("j"): try window.move(by: 1, visible, f)
            case .pageUp, .control("b"): try window.pageUp(visible, f)
            case .pageDown, .control("f"), .character(" "): try window.pageDown(visible, f)
            case .home, .character("g"): try window.top(visible, f)
            case .end, .character("G"): try window.bottom(visible, f)
            case .mouse(let m) where m.kind == .wheelUp: try window.move(by: -3, visible, f)
            case .mouse(let m) where m.kind == .wheelDown: try window.move(by: 3, visible, f)
            default: return false
            }
        } catch {
            app.error(error)
        }
        return true
    }

    func select(row screenRow: Int, _ app: App) {
        window.select(screenRow - 3)
    }

    func filterMenu(_ app: App) -> Overlay {
        let w = app.words
        let statusChoices: [(StatusFilter, String)] = [
            (.all, w.t("全部", "all")), (.met, w.t("达标", "met")), (.short, w.t("未达标", "short")),
            (.professionalShort, w.t("专业不足", "professional short")),
        ]
        return Chooser(
            title: w.t("筛选", "Filter"),
            options: [
                w.t("按单位", "by unit"), w.t("按部门", "by department"), w.t("按状态", "by status"), w.t("清除筛选", "clear filters"),
            ]
        ) { [weak self] choice, app in
            guard let self else { return }
            switch choice {
            case 0:
                // Sorted by pinyin and found by typing (a hospital has 150 departments).
                app.overlay = FindChooser(
                    title: w.t("单位", "Unit"), first: w.t("全部", "all"), options: (try? app.ledger.units()) ?? [],
                    selected: query.unit, app: app
                ) { unit, app in
                    self.query.unit = unit
                    self.query.department = nil
                    self.requery(app)
                }
            case 1:
                app.overlay = FindChooser(
                    title: w.t("部门", "Department"), first: w.t("全部", "all"),
                    options: (try? app.ledger.departments(unit: query.unit)) ?? [], selected: query.department, app: app
                ) { department, app in
                    self.query.department = department
                    self.requery(app)
                }
            case 2:
                app.overlay = Chooser(
                    title: w.t("状态", "Status"), options: statusChoices.map(\.1),
                    selected: statusChoices.firstIndex { $0.0 == self.query.status } ?? 0
                ) { i, app in
                    self.query.status = statusChoices[i].0
                    self.requery(app)
                }
            default:
                self.query.unit = nil
                self.query.department = nil
                self.query.status = .all
                self.requery(app)
            }
        }
    }

    static func statusLabel(_ s: StatusFilter, _ w: Words) -> String {
        switch s {
        case .all: w.t("全部", "all")
        case .met: w.t("达标", "met")
        case .short: w.t("未达标", "short")
        case .professionalShort: w.t("专业不足", "prof. short")
        }
    }

    static func sortLabel(_ s: PersonSort, _ w: Words) -> String {
        switch s {
        case .name: w.t("姓名", "name")
        case .idNumber: w.t("身份证号", "ID number")
        case .unit: w.t("单位/部门", "unit")
        case .title: w.t("职称", "title")
        case .publicHours: w.t("公需", "public")
        case .professionalHours: w.t("专业", "professional")
        case .totalHours: w.t("合计", "total")
        case .status: w.t("状态", "status")
        }
    }

    func sortMenu(_ app: App) -> Overlay {
        let w = app.words
        let all = PersonSort.allCases
        return Chooser(
            title: w.t("排序（再选一次反向）", "Sort (again to reverse)"), options: all.map { Self.sortLabel($0, w) },
            selected: all.firstIndex(of: query.sort) ?? 0
        ) { [weak self] i, app in
            guard let self else { return }
            if self.query.sort == all[i] {
                self.query.descending.toggle()
            } else {
                self.query.sort = all[i]
                // Hours read best largest first; text smallest first.
                self.query.descending = [.publicHours, .professionalHours, .totalHours].contains(all[i])
            }
            self.requery(app)
        }
    }

    // MARK: drawing

    func layout(_ app: App) -> ColumnLayout {
        let w = app.words
        return ColumnLayout(
            [
                ColumnSpec(key: "name", title: w.t("姓名", "Name"), width: 10),
                ColumnSpec(key: "id", title: w.t("身份证号", "ID number"), width: 18, dropPriority: 3),
                ColumnSpec(key: "place", title: w.t("单位/部门", "Unit/department"), width: 16, flexible: true),
                ColumnSpec(key: "title", title: w.t("职称", "Title"), width: 12, dropPriority: 4),
                ColumnSpec(key: "pub", title: w.t("公需", "Public"), width: 6, align: .right),
                ColumnSpec(key: "prof", title: w.t("专业", "Prof."), width: 6, align: .right),
                ColumnSpec(key: "total", title: w.t("合计", "Total"), width: 6, align: .right),
                ColumnSpec(key: "bar", title: w.t("进度", "Progress"), width: 10, dropPriority: 2),
                ColumnSpec(key: "status", title: w.t("状态", "Status"), width: app.lang == .zh ? 13 : 15),
            ], totalWidth: app.width)
    }

    func render(_ g: inout TextGrid, _ app: App) {
        let w = app.words
        let s = summary
        let counts =
            searchPending
            ? w.t("正在准备搜索…", "preparing the search…")
            : w.t(
                "人员 \(s.persons.grouped) · 达标 \(s.met.grouped) · 未达标 \(s.short.grouped)",
                "\(s.persons.grouped) persons · \(s.met.grouped) met · \(s.short.grouped) short")
        app.titleBar(
            &g, "\(w.t("继续教育登记簿", "CE ledger"))  \(app.ledgerName)   \(w.t("\(query.year)年度", "\(query.year)")) ◀ ▶   \(counts)",
            right: w.t("? 帮助", "? help"))

        // Filters, sort and search.
        let sortArrow = query.descending ? "↓" : "↑"
        let statusLabel = Self.statusLabel(query.status, w)
        var x = 1
        func item(_ label: String, _ value: String, highlight: Bool = false) {
            x = g.put(label + ": ", row: 1, column: x, style: .dim)
            x = g.put(value, row: 1, column: x, style: highlight ? .bold : [], maxWidth: 30) + 3
        }
        item(w.t("单位", "Unit"), query.unit ?? w.t("全部", "all"), highlight: query.unit != nil)
        if query.department != nil { item(w.t("部门", "Dept"), query.department!, highlight: true) }
        item(w.t("状态", "Status"), statusLabel, highlight: query.status != .all)
        item(w.t("排序", "Sort"), Self.sortLabel(query.sort, w) + sortArrow)
        x = g.put(w.t("搜索", "Search") + ": ", row: 1, column: x, style: .dim)
        if let field = search {
            let col = g.put("/", row: 1, column: x, style: .bold)
            let cur = field.draw(into: &g, row: 1, column: col, width: max(4, app.width - col - 1), style: .underline)
            g.cursor = (1, cur)
        } else {
            g.put(query.search.isEmpty ? "—" : "/" + query.search, row: 1, column: x, style: query.search.isEmpty ? .dim : .bold)
        }

        let lay = layout(app)
        lay.header(into: &g, row: 2)
        let visible = visibleRows(app)
        for (i, r) in rows.prefix(visible).enumerated() {
            let t = r.totals
            let place = r.department.isEmpty ? r.unit : r.unit + "/" + r.department
            var cells: [String] = []
            var styles: [Int: Style] = [:]
            for (ci, col) in lay.columns.enumerated() {
                switch col.key {
                case "name": cells.append(r.name)
                case "id": cells.append(app.revealIDs ? r.idNumber : ResidentID.mask(r.idNumber))
                case "place": cells.append(place)
                case "title": cells.append(r.title)
                case "pub": cells.append(t.publicHours.description)
                case "prof": cells.append(t.professionalHours.description)
                case "total": cells.append(t.totalHours.description)
                case "bar":
                    cells.append(Format.bar(t.totalHours, of: t.requiredHours, width: lay.widths[ci]))
                    styles[ci] = Format.statusStyle(t)
                default:
                    cells.append(t.shortage.label(app.lang))
                    styles[ci] = Format.statusStyle(t)
                }
            }
            let selected = i == window.selected
            if selected { g.fill(row: 3 + i, style: .reverse) }
            lay.draw(cells, into: &g, row: 3 + i, style: selected ? .reverse : [], styles: selected ? [:] : styles)
        }
        drawMarks(&g, app)  // ClassRegistration.swift
        if searchPending {
            g.put(
                w.t("正在读取全部人员以便搜索，结果随即显示", "Reading every person for the search; the results follow in a moment"),
                row: 4, column: 2, style: .dim)
        } else if rows.isEmpty {
            g.put(
                query.search.isEmpty && query.unit == nil && query.status == .all
                    ? w.t(
                        "本年度没有人员。按 a 新增人员，或用 celedger import persons 导入。",
                        "No persons this year. Press a to add one, or run celedger import persons.")
                    : w.t("没有符合条件的人员（Esc 清除搜索和筛选）", "No person matches (Esc clears search and filters)"),
                row: 4, column: 2, style: .dim)
        }
        keysBar(&g, app)
    }
}
