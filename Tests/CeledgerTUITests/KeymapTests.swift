import CeledgerDomain
import Testing

@testable import CeledgerTUI

/// The keys as the help and the bar write them ("↑ ↓  j k", "[ ]", "Ctrl-L  R"), as keys.
func keysNamed(_ label: String, sourceLocation: SourceLocation = #_sourceLocation) -> [Key] {
    let named: [String: [Key]] = [
        "↑": [.up], "↓": [.down], "←": [.left], "→": [.right], "↑↓": [.up, .down],
        "PgUp": [.pageUp], "PgDn": [.pageDown], "Home": [.home], "End": [.end], "Space": [.character(" ")],
        "Enter": [.enter], "Esc": [.escape], "Delete": [.delete], "Insert": [.insert], "F1": [.function(1)],
        "Ctrl-L": [.control("l")], "Ctrl-C": [.control("c")], "Ctrl-Z": [.control("z")],
        "1-9": (1...9).map { .character(Character(String($0))) },
    ]
    return label.split(separator: " ").flatMap { token -> [Key] in
        if let keys = named[String(token)] { return keys }
        if token.count == 1 { return [.character(token.first!)] }
        Issue.record("unknown key name \(token) in \"\(label)\"", sourceLocation: sourceLocation)
        return []
    }
}

/// The screens and states the keymaps are checked in: (what, keys pressed from the persons list).
let keymapStates: [(String, [String])] = [
    ("persons", []),
    ("persons searching", ["/"]),
    ("person", ["Enter"]),
    ("history", ["Enter", "h"]),
    ("recognition", ["r"]),
    ("stats", ["t"]),
]

func appIn(_ state: [String], lang: Lang = .zh) throws -> App {
    let app = try makeApp(lang: lang)
    for k in state { app.press(k) }
    return app
}

/// The keys of the bindings in force that more than one of them takes.
func keyClashes<S>(_ map: Keymap<S>, _ s: S, _ app: App) -> [Key] {
    var seen = Set<Key>()
    var twice: [Key] = []
    for b in map.bindings where b.inForce(s, app) {
        for k in b.keys where !seen.insert(k).inserted { twice.append(k) }
    }
    return twice
}

@Suite struct KeymapTests {
    /// What the user can see of the app: the screen with its styles (a selection is reverse video), and
    /// whether it quit.
    func seen(_ app: App) -> [TextGrid] { [app.render()] + (app.shouldQuit ? [TextGrid(width: 0, height: 0)] : []) }

    func bar<S: KeymapScreen>(_ s: S, _ app: App) -> [(String, String)] { S.keymap.bar(s, app) }
    func help<S: KeymapScreen>(_ s: S, _ app: App) -> [(String, String)] { S.keymap.help(app.words) }
    func bound<S: KeymapScreen>(_ key: Key, _ s: S, _ app: App) -> Bool { S.keymap.binding(for: key, s, app) != nil }
    func clashes<S: KeymapScreen>(_ s: S, _ app: App) -> [Key] { keyClashes(S.keymap, s, app) }
    /// The keys of the screen's bindings in force.
    func inForce<S: KeymapScreen>(_ s: S, _ app: App) -> [Key] { S.keymap.bindings.filter { $0.inForce(s, app) }.flatMap(\.keys) }

    func screen(_ app: App) throws -> any KeymapScreen { try #require(app.screens.last as? any KeymapScreen) }

    @Test(arguments: keymapStates.map(\.0))
    func everyKeyOnTheBarDoesSomethingVisible(_ state: String) throws {
        let keys = keymapStates.first { $0.0 == state }!.1
        let items = bar(try screen(try appIn(keys)), try appIn(keys))
        #expect(!items.isEmpty)
        for (label, what) in items {
            for key in keysNamed(label) {
                let app = try appIn(keys)
                #expect(bound(key, try screen(app), app), "\(state): \(label) \(what)")
                // Down and the year's ] rather than up and [ from the first row of 2024's list.
                if key == .up || key == .character("[") { continue }
                let before = seen(app)
                app.handle(key)
                #expect(seen(app) != before, "\(state): \(label) (\(what)) changed nothing")
            }
        }
    }

    @Test(arguments: keymapStates.map(\.0).filter { $0 != "persons searching" })
    func everyKeyInTheHelpIsBound(_ state: String) throws {
        let app = try appIn(keymapStates.first { $0.0 == state }!.1)
        let s = try screen(app)
        let entries = help(s, app) + App.keymap.help(app.words)
        #expect(entries.count >= 6)
        for (label, what) in entries {
            for key in keysNamed(label) {
                #expect(bound(key, s, app) || App.keymap.binding(for: key, app, app) != nil, "\(state): \(label) \(what)")
            }
        }
        // What `?` shows is the keymap's help, the screen's keys first.
        app.press("?")
        let shown = try #require(app.overlay as? HelpOverlay).entries
        #expect(shown.map(\.0) == entries.map(\.0))
        #expect(shown.map(\.1) == entries.map(\.1))
    }

    @Test(arguments: keymapStates.map(\.0))
    func noTwoBindingsInForceTakeTheSameKey(_ state: String) throws {
        let app = try appIn(keymapStates.first { $0.0 == state }!.1)
        let s = try screen(app)
        #expect(clashes(s, app).isEmpty, "\(state)")
        #expect(keyClashes(App.keymap, app, app).isEmpty)
        // The app's keys come first: a screen that binds one of them would never see it (typed text aside).
        if !s.capturesText {
            let global = Set(App.keymap.bindings.flatMap(\.keys))
            #expect(inForce(s, app).filter(global.contains).isEmpty, "\(state)")
        }
    }

    /// Keys that work but that neither the help nor the bar names (the mouse aside), as they were before
    /// the keymaps: naming them would change the screens. A new key should be named, not added here.
    static let unnamed: [String: [Key]] = [
        "persons": [.control("b"), .control("f")],
        "persons searching": [.pageUp, .pageDown],
        "person": [
            .pageUp, .pageDown, .control("b"), .control("f"), .character(" "), .home, .end, .character("g"), .character("G"),
        ],
        "history": [.control("b"), .control("f"), .character(" "), .home, .end],
        "recognition": [.pageUp, .pageDown, .control("b"), .control("f"), .home, .end, .character("g"), .character("G")],
        "stats": [
            .pageUp, .pageDown, .control("b"), .control("f"), .character(" "), .home, .end, .character("g"), .character("G"),
        ],
    ]

    @Test(arguments: keymapStates.map(\.0))
    func theKeysNeitherHelpNorBarNameAreTheKnownOnes(_ state: String) throws {
        let app = try appIn(keymapStates.first { $0.0 == state }!.1)
        let s = try screen(app)
        // While the search field is open `?` is typed, and the help (F1) is the list's: only the bar tells.
        let labels = bar(s, app).map(\.0) + (s.capturesText ? [] : help(s, app).map(\.0))
        let named = Set(labels.flatMap { keysNamed($0) })
        let unnamed = inForce(s, app).filter { k in
            if case .mouse = k { return false }
            return !named.contains(k)
        }
        #expect(unnamed == Self.unnamed[state], "\(state)")
    }

    @Test func noTwoBindingsOfABoxTakeTheSameKey() throws {
        let app = try makeApp()
        app.press("f")
        let chooser = try #require(app.overlay as? Chooser)
        #expect(keyClashes(Chooser.keymap, chooser, app).isEmpty)
        app.press("Esc", "?")
        let help = try #require(app.overlay as? HelpOverlay)
        #expect(keyClashes(HelpOverlay.keymap, help, app).isEmpty)
        app.press("Esc", "a")
        let form = try #require(app.overlay as? FormOverlay)
        #expect(keyClashes(FormOverlay.keymap, form, app).isEmpty)
        app.type("x")
        app.press("Esc")
        let confirm = try #require(app.overlay as? Confirm)
        #expect(keyClashes(Confirm.keymap, confirm, app).isEmpty)
        app.press("y", "r", "n")
        let prompt = try #require(app.overlay as? Prompt)
        #expect(keyClashes(Prompt.keymap, prompt, app).isEmpty)
    }

    @Test func searchFieldTakesTheListsKeysAsText() throws {
        let app = try makeApp()
        app.press("/")
        app.type("q[v")  // quit, year, reveal on the list: text in the field
        #expect(!app.shouldQuit)
        #expect(app.screen.contains("搜索: /q[v"))
        #expect(app.screen.contains("2024年度"))
        app.press("Left", "BSpace")  // the field's cursor, not the year
        #expect(app.screen.contains("搜索: /qv"))
        #expect(app.screen.contains("2024年度"))
    }

    @Test func theListCursorsKeysAreTheOnesItMovesBy() {
        for key in ListCursor.keys {
            var c = ListCursor(selected: 5, top: 0, count: 20)
            let moved = c.handle(key, visible: 10)
            #expect(moved, "\(key)")
        }
        for key in [Key.enter, .escape, .character("q"), .character("["), .left, .right, .tab, .mouse(kind: .click)] {
            var c = ListCursor(selected: 5, top: 0, count: 20)
            let moved = c.handle(key, visible: 10)
            #expect(!moved, "\(key)")
        }
    }

    @Test func theMouseIsBoundWhereverItClicks() throws {
        let app = try makeApp()
        app.handle(.mouse(.init(kind: .wheelDown, row: 10, column: 40)))  // three down from 李四
        app.press("Enter")
        #expect(app.screen.contains("心血管新进展研修班"))
        app.handle(.mouse(.init(kind: .click, row: 7, column: 30)))  // the third record
        app.press("d")
        #expect(app.screen.contains("删除记录“职业道德专题”？"))
        app.press("n")
        app.handle(.mouse(.init(kind: .doubleClick, row: 7, column: 30)))  // opens it, as Enter does
        #expect(app.screen.contains("编辑学习记录"))
        app.press("Esc", "Esc")
        app.handle(.mouse(.init(kind: .doubleClick, row: 4, column: 3)))  // the list's second row
        #expect(app.screen.contains("全国结构工程学术会议"))
    }
}
