import CeledgerDomain
import CeledgerText

/// A chooser for long lists (units, departments): sorted by pinyin initials, then by the characters, and
/// narrowed as the clerk types characters or initials (nk finds 内科). The first option ("all") always stays.
final class FindChooser: Overlay {
    let title: String
    /// The first option, shown whatever is typed (全部).
    let first: String
    /// The options in pinyin order, with their initials.
    let options: [(text: String, initials: String)]
    var field = TextField()
    var shown: [Int] = []
    var cursor = ListCursor()
    /// Called with the option chosen, nil for `first`.
    let onChoose: (String?, App) -> Void

    init(title: String, first: String, options: [String], selected: String?, app: App, onChoose: @escaping (String?, App) -> Void)
    {
        self.title = title
        self.first = first
        self.onChoose = onChoose
        self.options = FindChooser.sorted(options, app.pinyin)
        refilter()
        if let selected, let i = self.options.firstIndex(where: { $0.text == selected }) { cursor.selected = i + 1 }
    }

    /// In full pinyin order (`PinyinIndex.textKey(of:)`, the persons list's order without surname readings),
    /// each with its initials for type-to-find: every variant, space-separated (乐平 is found by lp and yp).
    static func sorted(_ names: [String], _ pinyin: PinyinIndex) -> [(text: String, initials: String)] {
        var keyed: [(key: [UInt8], text: String, initials: String)] = []
        for n in names {
            keyed.append((key: Array(pinyin.textKey(of: n).utf8), text: n, initials: pinyin.initials(of: n)))
        }
        keyed.sort { a, b in a.key.lexicographicallyPrecedes(b.key) }
        return keyed.map { (text: $0.text, initials: $0.initials) }
    }

    func refilter() {
        let q = field.text.trimmedField.lowercased()
        shown = options.indices.filter {
            q.isEmpty || options[$0].text.lowercased().contains(q) || options[$0].initials.contains(q)
        }
        cursor.count = shown.count + 1
        cursor.selected = q.isEmpty ? 0 : min(1, shown.count)
        cursor.top = 0
    }

    func visible(_ app: App) -> Int { max(1, min(shown.count + 1, app.height - 8)) }

    func render(_ g: inout TextGrid, _ app: App) {
        let hint = Self.keymap.hint(self, app)
        let width = min(
            g.width - 4,
            max(title.displayWidth + 6, hint.displayWidth + 4, (options.map { $0.text.displayWidth }.max() ?? 10) + 6, 30))
        let rows = visible(app)
        cursor.clamp(visible: rows)
        let (top, left) = centredBox(&g, height: rows + 6, width: width, title: title)
        let x = g.put(app.t("查找 ", "find "), row: top + 1, column: left + 2, style: .dim)
        let cur = field.draw(into: &g, row: top + 1, column: x, width: width - (x - left) - 3, style: .underline)
        g.cursor = (top + 1, cur)
        for i in 0..<rows {
            let index = cursor.top + i
            guard index <= shown.count else { break }
            let text = index == 0 ? first : options[shown[index - 1]].text
            g.put(
                (" " + text).fitted(toWidth: width - 4), row: top + 3 + i, column: left + 2,
                style: index == cursor.selected ? .reverse : [])
        }
        g.put(hint, row: top + rows + 4, column: left + 2, style: .dim, maxWidth: width - 4)
    }

    static let keymap: Keymap<FindChooser> = Keymap([
        KeyBinding([.up, .down, .pageUp, .pageDown, .home, .end], hint: ("输入字或拼音首字母查找", "type characters or initials")) {
            c, key, app in
            _ = c.cursor.handle(key, visible: c.visible(app))
        },
        KeyBinding([.enter], hint: ("Enter 选择", "Enter picks")) { c, _, app in
            app.overlay = nil
            c.onChoose(c.cursor.selected == 0 ? nil : c.options[c.shown[c.cursor.selected - 1]].text, app)
        },
        KeyBinding([.escape], hint: ("Esc 取消", "Esc cancels")) { _, _, app in app.overlay = nil },
    ])

    /// A command, else typed into the find field.
    func handle(_ key: Key, _ app: App) {
        if !Self.keymap.dispatch(key, self, app), field.handle(key) { refilter() }
    }
}
