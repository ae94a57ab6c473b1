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

    init(entries: [(String, String)]) {
        self.entries = entries
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
        let hint = app.t("Esc 或 q 关闭", "Esc or q closes") + (entries.count > visible ? app.t("  ↑↓ 滚动", "  ↑↓ scroll") : "")
        g.put(hint, row: top + visible + 2, column: left + 2, style: .dim)
    }

    func handle(_ key: Key, _ app: App) {
        switch key {
        case .escape, .character("q"), .character("?"), .enter: app.overlay = nil
        case .up, .character("k"): cursor.top = max(0, cursor.top - 1)
        case .down, .character("j"): cursor.top += 1
        default: break
        }
    }
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
        let hint = app.t("Enter 选择  Esc 取消", "Enter picks  Esc cancels")
        let width = min(g.width - 4, max(title.displayWidth + 6, hint.displayWidth + 4, (options.map(\.displayWidth).max() ?? 10) + 6))
        let visible = min(options.count, g.height - 6)
        cursor.clamp(visible: visible)
        let (top, left) = centredBox(&g, height: visible + 4, width: width, title: title)
        for i in 0..<visible {
            let index = cursor.top + i
            let selected = index == cursor.selected
            g.put((" " + options[index]).fitted(toWidth: width - 4), row: top + 1 + i, column: left + 2, style: selected ? .reverse : [])
        }
        g.put(hint, row: top + visible + 2, column: left + 2, style: .dim, maxWidth: width - 4)
    }

    func handle(_ key: Key, _ app: App) {
        if cursor.handle(key, visible: min(options.count, app.height - 6)) { return }
        switch key {
        case .escape, .character("q"): app.overlay = nil
        case .enter:
            app.overlay = nil
            onChoose(cursor.selected, app)
        default: break
        }
    }
}

/// A yes/no question; only y (or Enter on yes) confirms.
final class Confirm: Overlay {
    let question: String
    let onYes: (App) -> Void

    init(_ question: String, onYes: @escaping (App) -> Void) {
        self.question = question
        self.onYes = onYes
    }

    func render(_ g: inout TextGrid, _ app: App) {
        let width = min(g.width - 4, max(30, question.displayWidth + 6))
        let (top, left) = centredBox(&g, height: 5, width: width, title: app.t("确认", "Confirm"))
        g.put(question, row: top + 1, column: left + 2, maxWidth: width - 4)
        g.put(app.t("y 是    n / Esc 否", "y yes    n / Esc no"), row: top + 3, column: left + 2, style: .bold, maxWidth: width - 4)
    }

    func handle(_ key: Key, _ app: App) {
        switch key {
        case .character("y"), .character("Y"):
            app.overlay = nil
            onYes(app)
        case .character("n"), .character("N"), .escape, .character("q"):
            app.overlay = nil
        default: break
        }
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
        g.put(app.t("Enter 确定  Esc 取消", "Enter confirms  Esc cancels"), row: top + 4, column: left + 2, style: .dim, maxWidth: width - 4)
    }

    func handle(_ key: Key, _ app: App) {
        switch key {
        case .escape: app.overlay = nil
        case .enter, .control("s"):
            if required && field.text.trimmedField.isEmpty {
                problem = app.t("必须填写", "required")
                return
            }
            app.overlay = nil
            onDone(field.text.trimmedField, app)
        default:
            if field.handle(key) { problem = nil }
        }
    }
}
