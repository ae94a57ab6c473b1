import CeledgerDomain
import CeledgerText

/// Centres a box of the given size on the screen; returns its top-left corner.
func centredBox(_ g: inout TextGrid, height h: Int, width w: Int, title: String) -> (top: Int, left: Int) {
    let w = min(w, g.width - 2)
    let h = min(h, g.height - 1)
    let top = max(0, (g.height - h) / 2)
    let left = max(0, (g.width - w) / 2)
    g.box(top: top, left: left, height: h, width: w, title: title)
    return (top, left)
}

/// Every key of the current screen, from `?`.
final class HelpOverlay: Overlay {
    let entries: [(String, String)]
    var cursor = ListCursor()
    /// The box the help is about (a form): back on top when the help closes, as it was.
    let back: Overlay?

    init(entries: [(String, String)], back: Overlay? = nil) {
        self.entries = entries
        self.back = back
        cursor.count = entries.count
    }

    func render(_ g: inout TextGrid, _ app: App) {
        let keyWidth = min(20, entries.map { $0.0.displayWidth }.max() ?? 8)
        let textWidth = min(g.width - keyWidth - 8, entries.map { $0.1.displayWidth }.max() ?? 20)
        let visible = min(entries.count, g.height - 5)
        let (top, left) = centredBox(&g, height: visible + 4, width: keyWidth + textWidth + 7, title: app.t("帮助", "Help"))
        cursor.clamp(visible: visible)
        for i in 0..<visible {
            let (k, what) = entries[cursor.top + i]
            g.put(k.fitted(toWidth: keyWidth), row: top + 1 + i, column: left + 2, style: .bold)
            g.put(what, row: top + 1 + i, column: left + 4 + keyWidth, maxWidth: textWidth)
        }
        g.put(Self.keymap.hint(self, app), row: top + visible + 2, column: left + 2, style: .dim)
    }

    /// More lines than the box shows at this height.
    func scrolls(_ app: App) -> Bool { entries.count > app.height - 5 }

    static let keymap: Keymap<HelpOverlay> = Keymap([
        KeyBinding([.escape, .character("q"), .character("?"), .enter, .function(1)], hint: ("Esc 或 q 关闭", "Esc or q closes")) {
            o, _, app in
            app.overlay = o.back
        },
        KeyBinding(
            [.up, .character("k"), .down, .character("j")], hint: ("↑↓ 滚动", "↑↓ scroll"), when: { o, app in o.scrolls(app) }
        ) { o, key, _ in
            if key == .up || key == .character("k") { o.cursor.top = max(0, o.cursor.top - 1) } else { o.cursor.top += 1 }
        },
    ])

    func handle(_ key: Key, _ app: App) { Self.keymap.dispatch(key, self, app) }
}

/// Pick one of a few options.
final class Chooser: Overlay {
    let title: String
    let options: [String]
    var cursor = ListCursor()
    let onChoose: (Int, App) -> Void

    init(title: String, options: [String], selected: Int = 0, onChoose: @escaping (Int, App) -> Void) {
        self.title = title
        self.options = options
        self.onChoose = onChoose
        cursor.count = options.count
        cursor.selected = selected
    }

    func render(_ g: inout TextGrid, _ app: App) {
        let hint = Self.keymap.hint(self, app)
        let width = min(
            g.width - 4, max(title.displayWidth + 6, hint.displayWidth + 4, (options.map(\.displayWidth).max() ?? 10) + 6))
        let visible = min(options.count, g.height - 6)
        cursor.clamp(visible: visible)
        let (top, left) = centredBox(&g, height: visible + 4, width: width, title: title)
        for i in 0..<visible {
            let index = cursor.top + i
            let selected = index == cursor.selected
            g.put(
                (" " + options[index]).fitted(toWidth: width - 4), row: top + 1 + i, column: left + 2,
                style: selected ? .reverse : [])
        }
        g.put(hint, row: top + visible + 2, column: left + 2, style: .dim, maxWidth: width - 4)
    }

    static let keymap: Keymap<Chooser> = Keymap([
        KeyBinding(ListCursor.keys) { c, key, app in _ = c.cursor.handle(key, visible: min(c.options.count, app.height - 6)) },
        KeyBinding([.enter], hint: ("Enter 选择", "Enter picks")) { c, _, app in
            app.overlay = nil
            c.onChoose(c.cursor.selected, app)
        },
        KeyBinding([.escape, .character("q")], hint: ("Esc 取消", "Esc cancels")) { _, _, app in app.overlay = nil },
    ])

    func handle(_ key: Key, _ app: App) { Self.keymap.dispatch(key, self, app) }
}

/// A yes/no question; only y confirms. Either answer closes it, then runs `onYes` or `onNo`.
final class Confirm: Overlay {
    let question: String
    /// The box the question is about, drawn under it (a form asking whether to discard its changes).
    let over: Overlay?
    let onYes: (App) -> Void
    let onNo: (App) -> Void

    init(_ question: String, over: Overlay? = nil, onYes: @escaping (App) -> Void, onNo: @escaping (App) -> Void = { _ in }) {
        self.question = question
        self.over = over
        self.onYes = onYes
        self.onNo = onNo
    }

    func render(_ g: inout TextGrid, _ app: App) {
        if let over {
            over.render(&g, app)
            g.cursor = nil
        }
        let width = min(g.width - 4, max(30, question.displayWidth + 6))
        let (top, left) = centredBox(&g, height: 5, width: width, title: app.t("确认", "Confirm"))
        g.put(question, row: top + 1, column: left + 2, maxWidth: width - 4)
        g.put(Self.keymap.hint(self, app, separator: "    "), row: top + 3, column: left + 2, style: .bold, maxWidth: width - 4)
    }

    static let keymap: Keymap<Confirm> = Keymap([
        KeyBinding([.character("y"), .character("Y")], hint: ("y 是", "y yes")) { c, _, app in
            app.overlay = nil
            c.onYes(app)
        },
        KeyBinding([.character("n"), .character("N"), .escape, .character("q")], hint: ("n / Esc 否", "n / Esc no")) { c, _, app in
            app.overlay = nil
            c.onNo(app)
        },
    ])

    func handle(_ key: Key, _ app: App) { Self.keymap.dispatch(key, self, app) }

    /// Over a form, Ctrl-C asks the form's question (discard and quit?); else it quits.
    func interrupt(_ app: App) {
        if let over { over.interrupt(app) } else { app.quit() }
    }
}

extension HelpOverlay {
    /// Ctrl-C over a form's help asks as the form does.
    func interrupt(_ app: App) {
        if let back { back.interrupt(app) } else { app.quit() }
    }
}

/// Asks for one line of text (a rejection's reason). Empty answers are refused when `required`.
final class Prompt: Overlay {
    let title: String
    let label: String
    let required: Bool
    var field = TextField()
    var problem: String?
    let onDone: (String, App) -> Void

    init(title: String, label: String, required: Bool, onDone: @escaping (String, App) -> Void) {
        self.title = title
        self.label = label
        self.required = required
        self.onDone = onDone
    }

    func render(_ g: inout TextGrid, _ app: App) {
        let width = min(g.width - 4, 64)
        let (top, left) = centredBox(&g, height: 6, width: width, title: title)
        let x = g.put(label + " ", row: top + 1, column: left + 2)
        let cur = field.draw(into: &g, row: top + 1, column: x, width: width - (x - left) - 2, style: .underline)
        g.cursor = (top + 1, cur)
        if let problem { g.put("✗ " + problem, row: top + 2, column: left + 2, style: [.red, .bold], maxWidth: width - 4) }
        g.put(Self.keymap.hint(self, app), row: top + 4, column: left + 2, style: .dim, maxWidth: width - 4)
    }

    static let keymap: Keymap<Prompt> = Keymap([
        KeyBinding([.enter, .control("s")], hint: ("Enter 确定", "Enter confirms")) { p, _, app in p.submit(app) },
        KeyBinding([.escape], hint: ("Esc 取消", "Esc cancels")) { _, _, app in app.overlay = nil },
    ])

    /// A command, else typed into the field.
    func handle(_ key: Key, _ app: App) {
        if !Self.keymap.dispatch(key, self, app), field.handle(key) { problem = nil }
    }

    func submit(_ app: App) {
        if required && field.text.trimmedField.isEmpty {
            problem = app.t("必须填写", "required")
            return
        }
        app.overlay = nil
        onDone(field.text.trimmedField, app)
    }
}
