import CeledgerDomain
import CeledgerLedger
import CeledgerText
import Foundation

/// A full screen of the UI. Screens hold plain state, draw into a grid and change state on keys.
protocol Screen: AnyObject {
    func render(_ g: inout TextGrid, _ app: App)
    func handle(_ key: Key, _ app: App)
    /// Re-reads what the screen shows from the ledger (after an edit, on Ctrl-L).
    func reload(_ app: App)
    /// The screen is on top again (the one above it closed): by default it reads everything again.
    func returned(_ app: App)
    /// (keys, what they do) for the help screen (a `KeymapScreen` reads its keymap).
    func helpEntries(_ w: Words) -> [(String, String)]
    /// True while the screen takes typed text (a search field): then `?` and `R` are text, not commands.
    var capturesText: Bool { get }
    /// True while the screen waits for something being prepared in the background; the loop then calls
    /// `tick` between keys.
    var waitsForTick: Bool { get }
    /// Finishes what waited, if it is ready; true when the screen changed.
    func tick(_ app: App) -> Bool
    /// The commands the `:` palette offers here (a `KeymapScreen` reads its keymap).
    func commands(_ app: App) -> [PaletteCommand]
}

extension Screen {
    var capturesText: Bool { false }
    var waitsForTick: Bool { false }
    func tick(_ app: App) -> Bool { false }
    func returned(_ app: App) { reload(app) }
    func commands(_ app: App) -> [PaletteCommand] { [] }
}

/// A box over the screen: forms, dialogs, choosers, help.
protocol Overlay: AnyObject {
    func render(_ g: inout TextGrid, _ app: App)
    func handle(_ key: Key, _ app: App)
    /// Ctrl-C while the box is up: quits, unless the box holds work a quit would lose (a form asks first).
    func interrupt(_ app: App)
}

extension Overlay {
    func interrupt(_ app: App) { app.quit() }
}

/// The terminal UI's state: a stack of screens, an optional overlay, a message line. Pure: it reads and
/// writes the ledger but never touches the terminal, so tests drive it with keys and read the grid.
public final class App {
    /// The ledger, through its protocols only: screens never know which database stands behind it.
    public private(set) var ledger: any LedgerWriter
    /// The rule sets that judge the ledger's years (shipped and the ledger's own).
    public var rules: RuleBook { ledger.rules }
    public let lang: Lang
    public private(set) var reviewer: String
    /// The clerk the ledger acts as (nil in a ledger without clerks), read when the app starts: a new
    /// record's form starts pending in a ledger with clerks, since nobody recognises their own entry.
    public private(set) var clerk: Clerk?
    /// The ledger's version when the screens were last brought up to date (`idle`).
    var seenVersion: Int64?
    /// Today's date, for a new record's default dates (injected so screens stay reproducible in tests).
    let today: Day
    let ledgerName: String
    var width: Int
    var height: Int
    var screens: [Screen] = []
    var overlay: Overlay?
    var message: (text: String, isError: Bool)?
    public private(set) var shouldQuit = false
    var revealIDs = false
    /// The clerk's changes in this session, which Ctrl-Z / U takes back newest first (UndoKeys.swift).
    var undoStack = UndoStack()
    /// A large undo running off the key loop (`runUndoInBackground`): the step, its reason, its result.
    var undoing: (LastChange, String, BackgroundWork<Result<Int, LedgerError>>)?
    /// An undo of this many rows or more (an import's) runs off the key loop, the status line saying what
    /// it does meanwhile (tests lower it).
    var backgroundUndoRows = 5_000
    /// Pinyin initials for the palette's type-to-find (the CLI gives the shipped table; empty: none).
    public var pinyin = PinyinIndex()
    /// The environment (`CELEDGER_EXPORT_DIR`, `HOME`) and the clock of exports: injected by tests.
    var environment = ProcessInfo.processInfo.environment
    var clock: () -> Date = Date.init
    /// What the file chooser reads of folders, and the folder it starts from: injected by tests.
    public var files = FileSystemAccess.real
    public var workingDirectory = FileManager.default.currentDirectoryPath
    /// Runs long work (an import) off the key loop; the screen that started it looks for its end in
    /// `tick`. Tests run it at once, on the calling thread.
    var runInBackground: (@escaping @Sendable () -> Void) -> Void = { work in Thread.detachNewThread(work) }
    /// Title → title level (data/titles/title-levels.csv), for an imported roster's rows without a level.
    public var titleLevels: [String: String] = [:]
    /// Where `p` writes record cards and who issues them (CardPrinting.swift).
    public var cardSettings = CardSettings.fromEnvironment()
    /// How `f` on the person screen opens a proof file (Proof.swift): `xdg-open`, or a test's stand-in.
    public var proofViewer = ProofViewer.system
    let words: Words
    /// The year every screen shows; changing it on one screen changes it for all.
    public private(set) var year: Int
    /// The clock times are shown in (the history): the user's.
    public var timeZone = TimeZone.current

    public static let minimumWidth = 72
    public static let minimumHeight = 16

    public init(
        ledger: any LedgerWriter, ledgerName: String, lang: Lang, year: Int, today: Day, reviewer: String, width: Int, height: Int
    ) {
        self.today = today
        self.ledger = ledger
        self.ledgerName = ledgerName
        self.lang = lang
        self.reviewer = reviewer
        self.clerk = try? ledger.actingClerk()
        self.width = width
        self.height = height
        self.words = Words(lang: lang)
        self.year = year
        let home = PersonsScreen(year: year)
        screens = [home]
        // The version the first screen was read at: a change before the first idle tick still shows.
        seenVersion = try? ledger.version()
        home.reload(self)
    }

    func t(_ zh: String, _ en: String) -> String { lang == .zh ? zh : en }

    var tooSmall: Bool { width < App.minimumWidth || height < App.minimumHeight }

    func info(_ s: String) { message = (s, false) }
    func error(_ m: Message) { message = (m.text(lang), true) }
    func error(_ e: any Error) {
        if let l = e as? LedgerError { error(l.message(in: timeZone)) } else { message = ("\(e)", true) }
    }

    func push(_ s: Screen) {
        screens.append(s)
        s.reload(self)
    }

    func pop() {
        if screens.count > 1 {
            screens.removeLast()
            screens.last?.returned(self)
        } else {
            shouldQuit = true
        }
    }

    public func quit() { shouldQuit = true }

    /// Moves to the previous or next year, within the years a ledger date may have; false at the edge.
    @discardableResult
    func changeYear(by delta: Int) -> Bool {
        guard Day.plausibleYears.contains(year + delta) else { return false }
        year += delta
        return true
    }

    /// True while the screen on top waits for something being prepared in the background, a box over it
    /// or not: what it waited for is shown as soon as it is ready, never left half-drawn under a form.
    public var waitsForTick: Bool { undoing != nil || screens.last?.waitsForTick == true }

    /// Between keys: lets the screen on top finish what waited (and a large undo); true when it changed.
    @discardableResult
    public func tick() -> Bool {
        let undid = tickUndo()
        return screens.last?.tick(self) == true || undid
    }

    /// Asks who is working, once: a ledger with clerks opened without a clerk's name (no --user, no
    /// $CELEDGER_USER, nothing remembered). `choose` opens the ledger as the chosen clerk (and remembers the
    /// name); Esc leaves the ledger as it was opened, where every write is refused with the reason.
    public func askWhoIsWorking(_ names: [String], choose: @escaping (String) -> (any LedgerWriter)?) {
        overlay = Chooser(
            title: t("本登记簿有经办人：你是哪一位？（只问这一次）", "This ledger has clerks: which one are you? (asked once)"),
            options: names
        ) { i, app in
            guard let next = choose(names[i]) else { return }
            app.ledger = next
            app.reviewer = names[i]
            app.clerk = try? next.actingClerk()
            app.seenVersion = nil
            app.screens.last?.reload(app)
            app.info(app.t("经办人：\(names[i])", "working as \(names[i])"))
        }
    }

    /// Between keys, when nothing waits: looks whether the ledger changed (another window's or process's
    /// commit, SQLite's data_version) and, if it did, reads the screen on top again — keeping its
    /// selection on the same person or record — so an open screen shows another clerk's change within a
    /// fraction of a second, without a key press. True when the screen was read again.
    @discardableResult
    public func idle() -> Bool {
        guard let v = try? ledger.version() else { return false }
        defer { seenVersion = v }
        guard let seen = seenVersion, seen != v else { return false }
        screens.last?.reload(self)
        return true
    }

    /// Re-reads the ledger for the current screen: after another program changed it, or on Ctrl-L.
    public func reload() {
        screens.last?.reload(self)
    }

    public func handle(_ key: Key) {
        if case .resize(let w, let h) = key {
            width = w
            height = h
            screens.last?.reload(self)
            return
        }
        if tooSmall {
            if key == .character("q") || key == .control("c") { shouldQuit = true }
            return
        }
        if key == .control("c") {
            // A form with changes asks first, as Esc does: Ctrl-C is what a spreadsheet user presses to copy.
            if let o = overlay { o.interrupt(self) } else { shouldQuit = true }
            return
        }
        // Ctrl-L re-reads and redraws under any box too (a form keeps what was typed).
        if key == .control("l"), overlay != nil {
            reload()
            info(t("已重新读取登记簿", "ledger re-read"))
            return
        }
        if let o = overlay {
            o.handle(key, self)
            return
        }
        message = nil
        if screens.last?.capturesText == true, case .character = key {
            screens.last?.handle(key, self)
            return
        }
        if App.keymap.dispatch(key, self, self) { return }
        screens.last?.handle(key, self)
    }

    /// The keys of every screen, after the screen's own in the help.
    static let keymap: Keymap<App> = Keymap([
        KeyBinding([.character("?"), .function(1)], help: ("?  F1", "帮助（本屏按键）", "help (this screen's keys)")) { app, _, _ in
            app.overlay = HelpOverlay(entries: (app.screens.last?.helpEntries(app.words) ?? []) + App.keymap.help(app.words))
        },
        KeyBinding(
            [.character(":")],
            help: (
                ":", "命令面板：本屏和各屏的全部命令，可按中文或拼音首字母查找",
                "command palette: every command here and everywhere, found by words or pinyin initials"
            )
        ) {
            app, _, _ in
            app.overlay = PaletteOverlay(app)
        },
        KeyBinding(
            [.control("z"), .character("U")],
            help: (
                "Ctrl-Z  U", "撤销自己最近的修改（增删改、批量登记、认定、导入；可连按），先确认",
                "undo your latest change (a person or record added, changed or deleted, a class, a recognition, an import); again for earlier ones; asks first"
            )
        ) { app, _, _ in
            app.undoLast()
        },
        KeyBinding(
            [.control("l"), .character("R")],
            help: ("Ctrl-L  R", "重新读取登记簿（其他程序的修改）", "re-read the ledger (changes by other programs)")
        ) { app, _, _ in
            app.reload()
            app.info(app.t("已重新读取登记簿", "ledger re-read"))
        },
        // `handle` takes Ctrl-C before anything else (a form with changes asks first; a too small window quits);
        // this line is its entry in the help.
        KeyBinding([.control("c")], help: ("Ctrl-C", "退出（表单有未保存的修改时先问）", "quit (asks first over a form with unsaved changes)")) {
            app, _, _ in app.quit()
        },
    ])

    /// Draws the current state into a grid of the terminal's size.
    public func render() -> TextGrid {
        var g = TextGrid(width: width, height: height)
        if tooSmall {
            let lines = [
                t("窗口太小，请放大窗口", "The window is too small; please enlarge it"),
                t(
                    "至少 \(App.minimumWidth)×\(App.minimumHeight)，当前 \(width)×\(height)",
                    "at least \(App.minimumWidth)×\(App.minimumHeight), now \(width)×\(height)"),
                t("q 退出", "q quits"),
            ]
            for (i, l) in lines.enumerated() {
                let row = height / 2 - 1 + i
                g.put(l, row: row, column: max(0, (width - l.displayWidth) / 2))
            }
            return g
        }
        screens.last?.render(&g, self)
        if let m = message {
            g.put(
                m.text.fitted(toWidth: width - 1), row: height - 2, column: 1,
                style: m.isError ? [.red, .bold] : [], maxWidth: width - 1)
        }
        overlay?.render(&g, self)
        return g
    }

    /// The title bar common to screens: reverse video across the top row.
    func titleBar(_ g: inout TextGrid, _ left: String, right: String) {
        g.fill(row: 0, style: .reverse)
        g.put(" " + left, row: 0, column: 0, style: [.reverse, .bold], maxWidth: width - right.displayWidth - 3)
        g.put(right + " ", row: 0, column: max(0, width - right.displayWidth - 1), style: .reverse)
    }

    /// The keys a clerk needs most: kept on a bar that is too narrow for all, the others dropped from the
    /// end first (`?` lists every key).
    static let barEssentials: Set<String> = ["p", "m", "A", "x", "I", ":"]

    /// The key hints on the bottom row, with the palette's `:` last; on a narrow terminal the keys that are
    /// not essential go first, from the end.
    func keysBar(_ g: inout TextGrid, _ items: [(String, String)]) {
        var items = items + [(":", t("命令", "commands"))]
        let cells = { (list: [(String, String)]) in list.reduce(1) { $0 + $1.0.displayWidth + 1 + $1.1.displayWidth + 2 } }
        while cells(items) > width + 1,
            let drop = items.lastIndex(where: { !App.barEssentials.contains($0.0) }) ?? items.indices.last
        {
            items.remove(at: drop)
        }
        var x = 1
        for (k, what) in items {
            let s = k + " " + what
            if x + s.displayWidth >= width { break }
            g.put(k, row: height - 1, column: x, style: .bold)
            g.put(" " + what, row: height - 1, column: x + k.displayWidth, style: .dim)
            x += s.displayWidth + 2
        }
    }
}
