import CeledgerDomain
import CeledgerLedger
import CeledgerText

/// Every change to one person and their records, newest first: the append-only history.
final class HistoryScreen: KeymapScreen {
    let idNumber: String
    let name: String
    var entries: [HistoryEntry] = []
    var cursor = ListCursor()

    init(idNumber: String, name: String) {
        self.idNumber = idNumber
        self.name = name
    }

    func visibleRows(_ app: App) -> Int { max(1, app.height - 5) }

    func reload(_ app: App) {
        do {
            entries = try app.ledger.history(idNumber: idNumber).reversed()
            cursor.count = entries.count
            cursor.clamp(visible: visibleRows(app))
        } catch {
            app.error(error)
        }
    }

    typealias Binding = KeyBinding<HistoryScreen>

    static let keymap: Keymap<HistoryScreen> = Keymap([
        Binding(
            ListCursor.lineKeys + ListCursor.wheelKeys,
            help: ("↑ ↓  j k", "移动；底行显示所选条目的完整内容", "move; the bottom line shows the whole entry"),
            bar: ("↑↓", "移动", "move")
        ) { s, key, app in
            _ = s.cursor.handle(key, visible: s.visibleRows(app))
        },
        Binding(ListCursor.pageKeys + ListCursor.endKeys, help: ("PgUp PgDn  g G", "翻页 / 第一条 / 最后一条", "page / first / last")) {
            s, key, app in
            _ = s.cursor.handle(key, visible: s.visibleRows(app))
        },
        Binding([.escape, .character("q"), .character("h")], help: ("Esc  q  h", "返回", "back"), bar: ("Esc", "返回", "back")) {
            _, _, app in
            app.pop()
        },
    ])

    func render(_ g: inout TextGrid, _ app: App) {
        let w = app.words
        app.titleBar(
            &g,
            w.t(
                "修改记录  \(name)  共 \(entries.count.grouped) 条（只增不改）",
                "History  \(name)  \(entries.count.grouped) entries (append-only)"),
            right: w.t("? 帮助", "? help"))
        g.put(
            w.t(
                "时间为本机时间（\(HistoryEntry.offsetLabel(app.timeZone))）；修改行列出每个改动的字段：原值 → 新值",
                "Times are local (\(HistoryEntry.offsetLabel(app.timeZone))); a change lists each field: before → after"),
            row: 1, column: 1, style: .dim, maxWidth: app.width - 2)
        let lay = ColumnLayout(
            [
                ColumnSpec(key: "when", title: w.t("时间（本机）", "When (local)"), width: 19),
                ColumnSpec(key: "who", title: w.t("操作人", "Who"), width: 10),
                ColumnSpec(key: "what", title: w.t("操作", "What"), width: app.lang == .zh ? 14 : 20),
                ColumnSpec(key: "details", title: w.t("内容", "Details"), width: 20, flexible: true),
            ], totalWidth: app.width)
        lay.header(into: &g, row: 2)
        for i in 0..<visibleRows(app) {
            let index = cursor.top + i
            guard index < entries.count else { break }
            let e = entries[index]
            let sel = index == cursor.selected
            if sel { g.fill(row: 3 + i, style: .reverse) }
            lay.draw(
                [e.when(in: app.timeZone), e.actor, e.what(app.lang), e.details(app.lang)], into: &g, row: 3 + i,
                style: sel ? .reverse : [])
        }
        // The selected entry in full on the lines below the list (as many as it needs, up to three).
        if let e = entries.indices.contains(cursor.selected) ? entries[cursor.selected] : nil, app.message == nil {
            var rest = e.details(app.lang)
            var row = app.height - 2
            var lines: [String] = []
            while !rest.isEmpty && lines.count < 3 {
                var line = ""
                for ch in rest {
                    if (line + String(ch)).displayWidth > app.width - 2 { break }
                    line.append(ch)
                }
                lines.append(line)
                rest = String(rest.dropFirst(line.count))
            }
            row -= lines.count - 1
            for l in lines {
                g.put(l, row: row, column: 1, style: .dim, maxWidth: app.width - 2)
                row += 1
            }
        }
        keysBar(&g, app)
    }
}
