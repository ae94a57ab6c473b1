import CeledgerDomain
import CeledgerText

/// One command the palette offers: its keys and words as the `?` help shows them, and how to run it.
struct PaletteCommand {
    let keys: String
    let words: Phrase
    /// Where it belongs: this screen's, or every screen's.
    let everywhere: Bool
    let run: (App) -> Void
}

extension KeymapScreen {
    /// The palette's commands of this screen: every binding in force that the help names, run with its
    /// first key (so a command runs exactly as its key does).
    func commands(_ app: App) -> [PaletteCommand] {
        Self.keymap.commands(self, app, everywhere: false)
    }
}

extension Keymap {
    func commands(_ s: S, _ app: App, everywhere: Bool) -> [PaletteCommand] {
        bindings.compactMap { b in
            guard let help = b.help, b.inForce(s, app), let key = b.keys.first else { return nil }
            return PaletteCommand(keys: help.keys, words: help.words, everywhere: everywhere) { app in b.action(s, key, app) }
        }
    }
}

/// `:` — every command of this screen and of every screen, with its key, read from the keymaps. Typing
/// narrows the list by the words (Chinese or English), by their pinyin initials (xzry finds 新增人员) or
/// by the key; Enter runs the selected one.
final class PaletteOverlay: Overlay {
    let all: [PaletteCommand]
    /// Each command's initials, once (the palette's filtering then reads no table per key).
    let initials: [String]
    var field = TextField()
    var shown: [Int] = []
    var cursor = ListCursor()

    init(_ app: App) {
        let screen = app.screens.last?.commands(app) ?? []
        all = screen + App.keymap.commands(app, app, everywhere: true).filter { $0.keys != ":" }
        initials = all.map { app.pinyin.initials(of: $0.words.zh).replacingOccurrences(of: " ", with: "") }
        refilter(app)
    }

    func refilter(_ app: App) {
        let q = field.text.trimmedField.lowercased()
        shown = all.indices.filter { i in
            guard !q.isEmpty else { return true }
            let c = all[i]
            return c.words.zh.contains(q) || c.words.en.lowercased().contains(q) || initials[i].contains(q)
                || c.keys.lowercased().split(separator: " ").contains { $0 == q }
        }
        cursor.count = shown.count
        cursor.selected = 0
        cursor.top = 0
    }

    func render(_ g: inout TextGrid, _ app: App) {
        let keyWidth = min(18, all.map { $0.keys.displayWidth }.max() ?? 8)
        let width = min(g.width - 4, 76)
        let visible = max(1, min(shown.count, g.height - 8))
        let (top, left) = centredBox(&g, height: visible + 6, width: width, title: app.t("命令", "Commands"))
        let x = g.put(":", row: top + 1, column: left + 2, style: .bold)
        let cur = field.draw(into: &g, row: top + 1, column: x, width: width - (x - left) - 3, style: .underline)
        g.cursor = (top + 1, cur)
        cursor.clamp(visible: visible)
        if shown.isEmpty {
            g.put(app.t("没有符合的命令", "no command matches"), row: top + 3, column: left + 2, style: .dim)
        }
        for i in 0..<min(visible, shown.count) {
            let index = cursor.top + i
            guard index < shown.count else { break }
            let c = all[shown[index]]
            let selected = index == cursor.selected
            let row = top + 3 + i
            if selected { g.fill(row: row, from: left + 1, width: width - 2, style: .reverse) }
            let style: Style = selected ? .reverse : []
            g.put(c.keys.fitted(toWidth: keyWidth), row: row, column: left + 2, style: style.union(.bold))
            let tag = c.everywhere ? app.t("（各屏）", " (everywhere)") : ""
            g.put(
                c.words.text(app.words) + tag, row: row, column: left + 4 + keyWidth, style: style,
                maxWidth: width - keyWidth - 6)
        }
        g.put(Self.keymap.hint(self, app), row: top + visible + 4, column: left + 2, style: .dim, maxWidth: width - 4)
    }

    static let keymap: Keymap<PaletteOverlay> = Keymap([
        KeyBinding([.up, .down, .pageUp, .pageDown], hint: ("↑↓ 选择", "↑↓ select")) { p, key, app in
            _ = p.cursor.handle(key, visible: max(1, min(p.shown.count, app.height - 8)))
        },
        KeyBinding([.enter], hint: ("Enter 执行", "Enter runs")) { p, _, app in
            app.overlay = nil
            if p.cursor.selected < p.shown.count { p.all[p.shown[p.cursor.selected]].run(app) }
        },
        KeyBinding([.escape], hint: ("Esc 关闭", "Esc closes")) { _, _, app in app.overlay = nil },
    ])

    /// A command, else typed into the filter.
    func handle(_ key: Key, _ app: App) {
        if !Self.keymap.dispatch(key, self, app), field.handle(key) { refilter(app) }
    }
}
