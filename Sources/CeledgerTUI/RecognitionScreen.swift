import CeledgerDomain
import CeledgerLedger
import CeledgerText

/// Records waiting for recognition: mark some, then recognise or reject them together.
final class RecognitionScreen: KeymapScreen {
    var year: Int
    var pending: [PendingRow] = []
    var marked = Set<Int64>()
    var cursor = ListCursor()

    init(year: Int) { self.year = year }

    func visibleRows(_ app: App) -> Int { max(1, app.height - 5) }

    func reload(_ app: App) {
        year = app.year
        do {
            pending = try app.ledger.pendingRecords(year: year)
            marked.formIntersection(pending.map(\.stored.rowID))
            cursor.count = pending.count
            cursor.clamp(visible: visibleRows(app))
        } catch {
            app.error(error)
        }
    }

    var targets: [Int64] {
        if !marked.isEmpty { return pending.map(\.stored.rowID).filter(marked.contains) }
        return cursor.selected < pending.count ? [pending[cursor.selected].stored.rowID] : []
    }

    typealias Binding = KeyBinding<RecognitionScreen>

    static let keymap: Keymap<RecognitionScreen> = Keymap([
        // Space marks here: the list does not page with it.
        Binding(ListCursor.keys.filter { $0 != .character(" ") }, help: ("↑ ↓  j k", "移动", "move")) { s, key, app in
            _ = s.cursor.handle(key, visible: s.visibleRows(app))
        },
        Binding(
            [.character(" "), .insert], help: ("Space  Insert", "选择 / 取消选择", "mark / unmark"), bar: ("Space", "选择", "mark"),
            hint: ("Space 选择/取消", "Space mark")
        ) { s, _, app in
            s.toggleMark(app)
        },
        Binding([.character("*")], help: ("*", "全选 / 全不选", "mark all / none"), hint: ("* 全选", "* all")) { s, _, _ in
            if s.marked.count == s.pending.count { s.marked.removeAll() } else { s.marked = Set(s.pending.map(\.stored.rowID)) }
        },
        Binding(
            [.character("r"), .enter], help: ("r  Enter", "为所选（或当前）记录选择认定结果", "decide for the marked (or current) records"),
            bar: ("r", "认定", "decide"), hint: ("r 认定所选（或当前）", "r decide for marked (or current)")
        ) { s, _, app in
            s.decide(app)
        },
        Binding(
            [.character("y")],
            help: ("y", "认定通过（按认定学时，未填则按建议学时或申报学时）", "recognise (recognised hours, else the suggested or the claimed)"),
            bar: ("y", "认定通过", "recognise"), hint: ("y 认定通过（先确认）", "y recognise (asks)")
        ) { s, _, app in
            s.recognise(app)
        },
        // `n` (no) rejects: `x` exports, on every list.
        Binding(
            [.character("n")], help: ("n", "不予认定（须填写理由）", "reject (a reason is required)"), bar: ("n", "不予认定", "reject"),
            hint: ("n 不予认定（填理由）", "n reject (reason)")
        ) { s, _, app in
            s.reject(app)
        },
        App.exportBinding(),
        Binding([.character("o")], help: ("o", "打开此人", "open the person"), hint: ("o 打开此人", "o open person")) { s, _, app in
            if s.cursor.selected < s.pending.count {
                app.push(PersonScreen(personRowID: s.pending[s.cursor.selected].personRowID, year: s.year))
            }
        },
        .year,
        Binding([.escape, .character("q")], help: ("Esc  q", "返回", "back"), bar: ("Esc", "返回", "back")) { _, _, app in app.pop()
        },
    ])

    func toggleMark(_ app: App) {
        if cursor.selected < pending.count {
            let id = pending[cursor.selected].stored.rowID
            if marked.contains(id) { marked.remove(id) } else { marked.insert(id) }
            cursor.selected += 1
            cursor.clamp(visible: visibleRows(app))
        }
    }

    func decide(_ app: App) {
        let ids = targets
        guard !ids.isEmpty else { return }
        app.overlay = RecognitionChoice.menu(app, before: before(ids), versions: versions(ids), about: describe(ids, app)) {
            [weak self] app in
            self?.marked.removeAll()
            self?.reload(app)
        }
    }

    func recognise(_ app: App) {
        let w = app.words
        let ids = targets
        guard !ids.isEmpty else { return }
        app.overlay = Confirm(w.t("将 \(describe(ids, app)) 认定为已认定？", "Recognise \(describe(ids, app))?")) { [weak self] app in
            RecognitionChoice.apply(app, ids, self?.before(ids) ?? [:], self?.versions(ids) ?? [:], .recognized, "") { app in
                self?.marked.removeAll()
                self?.reload(app)
            }
        }
    }

    func reject(_ app: App) {
        let w = app.words
        let ids = targets
        guard !ids.isEmpty else { return }
        app.overlay = Prompt(title: w.t("不予认定：", "Reject: ") + describe(ids, app), label: w.t("理由", "Reason"), required: true) {
            [weak self] reason, app in
            RecognitionChoice.apply(app, ids, self?.before(ids) ?? [:], self?.versions(ids) ?? [:], .rejected, reason) { app in
                self?.marked.removeAll()
                self?.reload(app)
            }
        }
    }

    /// The listed records of `ids` as they are on screen (what an undo of the decision puts back).
    /// The versions the records were shown at: one changed since is left for the reviewer to look at again.
    func versions(_ ids: [Int64]) -> [Int64: Int64] {
        let wanted = Set(ids)
        return Dictionary(
            pending.filter { wanted.contains($0.stored.rowID) }.map { ($0.stored.rowID, $0.stored.version) },
            uniquingKeysWith: { a, _ in a })
    }

    func before(_ ids: [Int64]) -> [Int64: Record] {
        let wanted = Set(ids)
        return Dictionary(
            pending.filter { wanted.contains($0.stored.rowID) }.map { ($0.stored.rowID, $0.stored.record) },
            uniquingKeysWith: { a, _ in a })
    }

    /// "张三 · 职业道德专题" for one record, "3 条记录" for several: what a decision is about to touch.
    func describe(_ ids: [Int64], _ app: App) -> String {
        if ids.count == 1, let p = pending.first(where: { $0.stored.rowID == ids[0] }) {
            return "\(p.personName) · \(p.stored.record.title)"
        }
        return app.t("\(ids.count) 条记录", "\(ids.count) records")
    }

    func render(_ g: inout TextGrid, _ app: App) {
        let w = app.words
        app.titleBar(
            &g,
            w.t(
                "学时认定  \(year)年度  待认定 \(pending.count.grouped) 条 · 已选 \(marked.count)",
                "Recognition  \(year)  \(pending.count.grouped) pending · \(marked.count) marked"),
            right: w.t("? 帮助", "? help"))
        g.put(Self.keymap.hint(self, app), row: 1, column: 1, style: .dim, maxWidth: app.width - 2)
        let lay = ColumnLayout(
            [
                ColumnSpec(key: "mark", title: "✓", width: 1),
                ColumnSpec(key: "name", title: w.t("姓名", "Name"), width: 10),
                ColumnSpec(key: "date", title: w.t("日期", "Dates"), width: 16),
                ColumnSpec(key: "mode", title: w.t("方式", "Mode"), width: 8),
                ColumnSpec(key: "cat", title: w.t("类别", "Cat."), width: 4, dropPriority: 2),
                ColumnSpec(key: "title", title: w.t("内容", "Content"), width: 14, flexible: true),
                ColumnSpec(key: "provider", title: w.t("举办单位", "Provider"), width: 14, dropPriority: 3),
                ColumnSpec(key: "claimed", title: w.t("申报", "Claimed"), width: 7, align: .right),
                ColumnSpec(key: "recognized", title: w.t("认定", "Recog."), width: 7, align: .right),
            ], totalWidth: app.width)
        lay.header(into: &g, row: 2)
        for i in 0..<visibleRows(app) {
            let index = cursor.top + i
            guard index < pending.count else { break }
            let p = pending[index]
            let r = p.stored.record
            let cells = lay.columns.map { col -> String in
                switch col.key {
                case "mark": marked.contains(p.stored.rowID) ? "✓" : " "
                case "name": p.personName
                case "date": Format.span(r.startDate, r.endDate)
                case "mode": r.mode.label(app.lang)
                case "cat": app.lang == .zh ? r.category.shortZh : String(r.category.en.prefix(4))
                case "title": r.title
                case "provider": r.provider
                case "claimed": r.claimedHours.description
                default: r.recognizedHours?.description ?? "—"
                }
            }
            let sel = index == cursor.selected
            if sel { g.fill(row: 3 + i, style: .reverse) }
            lay.draw(cells, into: &g, row: 3 + i, style: sel ? .reverse : (marked.contains(p.stored.rowID) ? .bold : []))
        }
        if pending.isEmpty {
            g.put(w.t("本年度没有待认定的记录。", "No pending records this year."), row: 4, column: 2, style: .dim)
        }
        keysBar(&g, app)
    }
}
