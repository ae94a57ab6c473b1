/// One command of a screen or box: the keys that run it, how the `?` help, the key bar and a box's hint
/// line show it, and when it is in force. A screen's keys are one table of these (its `keymap`), which
/// the key dispatch, the help and the bar all read, so a key is added, changed or removed in one place.
///
/// Text typed into a field (a search, a form's input) is not a command: a key no binding takes goes to
/// the screen's input handling.
struct KeyBinding<S>: Sendable {
    /// The keys that run the command; mouse events are named by kind (`.mouse(kind:)`), wherever they are.
    let keys: [Key]
    /// The `?` help's line: the keys as written there and what they do. Help lists every binding that has
    /// one, in force or not (it is the screen's reference); a binding without one is left out (mouse input,
    /// or a key written on another binding's line).
    let help: KeyText?
    /// The key bar's item at the bottom of the screen, shown while the binding is in force.
    let bar: KeyText?
    /// A box's hint line (keys and words in one phrase, "Enter 选择"), shown while in force.
    let hint: Phrase?
    /// When the command is in force (searching, a choice input focused); nil: always. Out of force, its
    /// keys are not bound (they go to the input handling) and the bar and hint leave it out.
    private(set) var when: (@Sendable (S, App) -> Bool)?
    /// Runs the command; it is given the key (the year keys go back or on by it, a click has its row).
    let action: @Sendable (S, Key, App) -> Void

    init(
        _ keys: [Key], help: (String, String, String)? = nil, bar: (String, String, String)? = nil,
        hint: (String, String)? = nil, when: (@Sendable (S, App) -> Bool)? = nil,
        _ action: @escaping @Sendable (S, Key, App) -> Void
    ) {
        self.keys = keys
        self.help = help.map { KeyText(keys: $0.0, words: Phrase(zh: $0.1, en: $0.2)) }
        self.bar = bar.map { KeyText(keys: $0.0, words: Phrase(zh: $0.1, en: $0.2)) }
        self.hint = hint.map { Phrase(zh: $0.0, en: $0.1) }
        self.when = when
        self.action = action
    }

    func inForce(_ s: S, _ app: App) -> Bool { when?(s, app) ?? true }

    /// The same command, in force only while `condition` holds as well.
    func only(when condition: @escaping @Sendable (S, App) -> Bool) -> KeyBinding {
        var b = self
        let own = when
        b.when = { s, app in condition(s, app) && (own?(s, app) ?? true) }
        return b
    }
}

/// Words in both languages, chosen by the UI's language when shown.
struct Phrase: Sendable, Equatable {
    let zh: String
    let en: String
    func text(_ w: Words) -> String { w.t(zh, en) }
}

/// A key's entry in the help or on the bar: the keys as written ("[ ]  ← →") and what they do.
struct KeyText: Sendable, Equatable {
    let keys: String
    let words: Phrase
    func entry(_ w: Words) -> (String, String) { (keys, words.text(w)) }
}

/// A screen's (or box's) commands, in the order the help, the bar and the hint list them.
struct Keymap<S>: Sendable {
    let bindings: [KeyBinding<S>]

    init(_ bindings: [KeyBinding<S>]) { self.bindings = bindings }

    /// The binding in force that takes the key, if any. A scan of a few dozen keys: no table is built per key.
    func binding(for key: Key, _ s: S, _ app: App) -> KeyBinding<S>? {
        let k = key.bindingKey
        return bindings.first { $0.keys.contains(k) && $0.inForce(s, app) }
    }

    /// Runs the command bound to the key; false when no binding in force takes it.
    @discardableResult
    func dispatch(_ key: Key, _ s: S, _ app: App) -> Bool {
        guard let b = binding(for: key, s, app) else { return false }
        b.action(s, key, app)
        return true
    }

    /// The `?` help's lines.
    func help(_ w: Words) -> [(String, String)] { bindings.compactMap { $0.help?.entry(w) } }

    /// The key bar's items in force.
    func bar(_ s: S, _ app: App) -> [(String, String)] {
        bindings.compactMap { $0.inForce(s, app) ? $0.bar?.entry(app.words) : nil }
    }

    /// A box's hint line: the hints in force, two spaces apart (or `separator`).
    func hint(_ s: S, _ app: App, separator: String = "  ") -> String {
        bindings.compactMap { $0.inForce(s, app) ? $0.hint?.text(app.words) : nil }.joined(separator: separator)
    }
}

/// A screen whose keys are one `Keymap`: the key dispatch and the `?` help read it, and `keysBar` draws
/// its bar from it.
protocol KeymapScreen: Screen {
    static var keymap: Keymap<Self> { get }
    /// A key no command in force takes: typed text, for a screen with a field. By default nothing.
    func input(_ key: Key, _ app: App)
}

extension KeymapScreen {
    func handle(_ key: Key, _ app: App) {
        if !Self.keymap.dispatch(key, self, app) { input(key, app) }
    }

    func input(_ key: Key, _ app: App) {}

    func helpEntries(_ w: Words) -> [(String, String)] { Self.keymap.help(w) }

    /// The key hints on the bottom row, from the keymap.
    func keysBar(_ g: inout TextGrid, _ app: App) { app.keysBar(&g, Self.keymap.bar(self, app)) }
}

extension Key {
    /// A mouse event of a kind, wherever it happens: how a keymap names mouse input.
    static func mouse(kind: MouseEvent.Kind) -> Key { .mouse(MouseEvent(kind: kind, row: 0, column: 0)) }

    /// The key as keymaps name it: a mouse event without its position.
    var bindingKey: Key {
        if case .mouse(let m) = self { return .mouse(kind: m.kind) }
        return self
    }

    /// The event of a mouse key, with where it happened.
    var mouseEvent: MouseEvent? {
        if case .mouse(let m) = self { return m }
        return nil
    }
}

extension KeyBinding {
    /// `[ ]  ← →`: the previous or next year, on every screen that shows one. The year is the app's (the
    /// screens below follow it); the screen on top, whose key it is, reads it again.
    static var year: KeyBinding {
        KeyBinding(
            [.character("["), .character("]"), .left, .right],
            help: ("[ ]  ← →", "上一年度 / 下一年度", "previous / next year"), bar: ("[ ]", "年度", "year")
        ) { _, key, app in
            if app.changeYear(by: key == .character("[") || key == .left ? -1 : 1) { app.reload() }
        }
    }
}
