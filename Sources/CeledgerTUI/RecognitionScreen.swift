import CeledgerDomain
import CeledgerLedger
import CeledgerText

/// Records waiting for recognition: mark some, then recognise or reject them together.
final class RecognitionScreen: Screen {
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

    func handle(_ key: Key, _ app: App) {
        let w = app.words
        switch key {
        case .character(" "), .insert:
            if cursor.selected < pending.count {
                let id = pending[cursor.selected].stored.rowID
                if marked.contains(id) { marked.remove(id) } else { marked.insert(id) }
                cursor.selected += 1
                cursor.clamp(visible: visibleRows(app))
            }
            return
        default: break
        }
        if cursor.handle(key, visible: visibleRows(app)) { return }
        switch key {
        case .escape, .character("q"): app.pop()
        case .character("*"):
            if marked.count == pending.count { marked.removeAll() } else { marked = Set(pending.map(\.stored.rowID)) }
        case .character("r"), .enter:
            let ids = targets
            guard !ids.isEmpty else { return }
            app.overlay = RecognitionChoice.menu(app, rowIDs: ids, about: describe(ids, app)) { [weak self] app in
                self?.marked.removeAll()
                self?.reload(app)
            }
        case .character("y"):
            let ids = targets
            guard !ids.isEmpty else { return }
            app.overlay = Confirm(w.t("将 \(describe(ids, app)) 认定为已认定？", "Recognise \(describe(ids, app))?")) { [weak self] app in
                RecognitionChoice.apply(app, ids, .recognized, "") { app in
                    self?.marked.removeAll()
                    self?.reload(app)
                }
            }
        case .character("x"):
            let ids = targets
            guard !ids.isEmpty else { return }
            app.overlay = Prompt(title: w.t("不予认定：", "Reject: ") + describe(ids, app), label: w.t("理由", "Reason"), required: true) { [weak self] reason, app in
                RecognitionChoice.apply(app, ids, .rejected, reason) { app in
                    self?.marked.removeAll()
                    self?.reload(app)
                }
            }
        case .character("o"):
            if cursor.selected < pending.count { app.push(PersonScreen(personRowID: pending[cursor.selected].personRowID, year: year)) }
        case .character("["), .left:
            if app.changeYear(by: -1) { reload(app) }
        case .character("]"), .right:
            if app.changeYear(by: 1) { reload(app) }
        default: break
        }
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
        app.titleBar(&g, w.t("学时认定  \(year)年度  待认定 \(pending.count.grouped) 条 · 已选 \(marked.count)",
                             "Recognition  \(year)  \(pending.count.grouped) pending · \(marked.count) marked"),
                     right: w.t("? 帮助", "? help"))
        g.put(w.t("Space 选择/取消  * 全选  r 认定所选（或当前）  y 认定通过（先确认）  x 不予认定（填理由）  o 打开此人",
                  "Space mark  * all  r decide for marked (or current)  y recognise (asks)  x reject (reason)  o open person"),
              row: 1, column: 1, style: .dim, maxWidth: app.width - 2)
        let lay = ColumnLayout([
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
        app.keysBar(&g, [("Space", w.t("选择", "mark")), ("r", w.t("认定", "decide")), ("y", w.t("认定通过", "recognise")),
                         ("x", w.t("不予认定", "reject")), ("[ ]", w.t("年度", "year")), ("Esc", w.t("返回", "back"))])
    }

    func helpEntries(_ w: Words) -> [(String, String)] {
        [("↑ ↓  j k", w.t("移动", "move")),
         ("Space  Insert", w.t("选择 / 取消选择", "mark / unmark")),
         ("*", w.t("全选 / 全不选", "mark all / none")),
         ("r  Enter", w.t("为所选（或当前）记录选择认定结果", "decide for the marked (or current) records")),
         ("y", w.t("认定通过（按认定学时，未填则按建议学时或申报学时）", "recognise (recognised hours, else the suggested or the claimed)")),
         ("x", w.t("不予认定（须填写理由）", "reject (a reason is required)")),
         ("o", w.t("打开此人", "open the person")),
         ("[ ]  ← →", w.t("上一年度 / 下一年度", "previous / next year")),
         ("Esc  q", w.t("返回", "back"))]
    }
}
