internal import CNcursesw
import CeledgerText

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// The only code in the project that calls curses. Screens draw into a TextGrid and read Keys; this
// copies grids to the screen and turns curses input into Keys.

// Process-wide state touched from signal handlers and atexit, which cannot capture anything. Written
// only on the main thread and from handlers that interrupt it.
nonisolated(unsafe) private var caughtSignal: Int32 = 0
nonisolated(unsafe) private var cursesActive = false
nonisolated(unsafe) private var atexitRegistered = false
nonisolated(unsafe) private let savedActions = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)

/// Asked to stop: the flag is read by `readKey` and `interrupted`; the program ends itself cleanly.
private let stopSignals: [Int32] = [SIGTERM, SIGINT, SIGHUP]
/// Dying anyway: give the terminal back first, then let the previous handler (the Swift runtime's
/// backtracer, or the default) have the signal.
private let crashSignals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP]

private func onStopSignal(_ sig: Int32) {
    caughtSignal = sig
}

private func onCrashSignal(_ sig: Int32) {
    if cursesActive {
        cursesActive = false
        endwin()
    }
    celedger_restore_signal(sig, savedActions + Int(sig))
    raise(sig)
}

private func endCursesAtExit() {
    if cursesActive {
        cursesActive = false
        endwin()
    }
}

public final class CursesTerminal: Terminal {
    private let screen: OpaquePointer
    private let window: UnsafeMutablePointer<WINDOW>
    private let hasColours: Bool
    private var active = true
    /// The grid on the screen now; rows equal to the new grid's are not written again.
    private var previous: TextGrid?
    private var previousScreenSize = (width: 0, height: 0)
    private var needsFullRedraw = true
    private var cursorShown: Bool?
    private var lastSize = (width: 80, height: 24)

    /// Takes over the terminal: UTF-8 locale, raw keys, no echo, keypad, Esc after 25 ms, hidden cursor,
    /// colours when there are any, mouse clicks and wheel when `mouse` is true, SIGTERM/SIGINT/SIGHUP
    /// caught into `interrupted`. Throws a `TerminalError` when standard input or output is not a
    /// terminal, the locale cannot be UTF-8, or the terminal type is unknown.
    public init(mouse: Bool = true) throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw TerminalError(
                zh: "界面需要在终端里运行：标准输入和标准输出都必须是终端（不能是管道或文件）。",
                en:
                    "The interface must run in a terminal: standard input and output must both be a terminal (not a pipe or a file)."
            )
        }
        guard !cursesActive else {
            throw TerminalError(zh: "终端已被另一个界面占用。", en: "The terminal is already in use by another interface.")
        }
        try Self.useUTF8Locale()

        // Ours before newterm: ncurses then leaves SIGINT/SIGTERM alone (it only catches them when they
        // are at their default), and keeps SIGWINCH and SIGTSTP for itself.
        caughtSignal = 0
        Self.installSignalHandlers()

        guard let screen = newterm(nil, celedger_stdout(), celedger_stdin()) else {
            Self.restoreSignalHandlers()
            let term = getenv("TERM").map { String(cString: $0) } ?? ""
            let shown = term.isEmpty ? "（未设置）" : term
            throw TerminalError(
                zh: "无法打开终端：不认识终端类型 TERM=\(shown)。请设置 TERM，例如 TERM=xterm-256color。",
                en:
                    "Cannot open the terminal: unknown terminal type TERM=\(term.isEmpty ? "(unset)" : term). Set TERM, e.g. TERM=xterm-256color."
            )
        }
        self.screen = screen
        window = celedger_stdscr()
        cursesActive = true
        if !atexitRegistered {
            atexitRegistered = true
            atexit { endCursesAtExit() }
        }

        raw()
        noecho()
        nonl()
        keypad(window, true)
        celedger_set_escdelay(25)
        if has_colors() {
            start_color()
            let background: Int16 = use_default_colors() == celedger_ok() ? -1 : Int16(COLOR_BLACK)
            for (pair, colour) in Self.colourPairs { init_pair(pair, colour, background) }
            hasColours = true
        } else {
            hasColours = false
        }
        if mouse {
            let mask =
                celedger_button1_clicked() | celedger_button1_double_clicked()
                | celedger_button4_pressed() | celedger_button5_pressed()
            mousemask(mmask_t(mask), nil)
            mouseinterval(150)
        }
        setCursor(visible: false)
        lastSize = size
    }

    deinit { shutdown() }

    public var size: (width: Int, height: Int) {
        guard active else { return lastSize }
        var rows: Int32 = 0
        var columns: Int32 = 0
        celedger_getmaxyx(window, &rows, &columns)
        return (Int(columns), Int(rows))
    }

    /// A stop was asked for (SIGTERM, SIGINT, SIGHUP, or the terminal went away): end the loop, call
    /// `shutdown()` and exit.
    public var interrupted: Bool { caughtSignal != 0 }

    /// The signal behind `interrupted`, for an exit status of 128 + signal.
    public var interruptSignal: Int32? { caughtSignal == 0 ? nil : caughtSignal }

    public func shutdown() {
        guard active else { return }
        lastSize = size
        active = false
        if cursesActive {
            cursesActive = false
            endwin()
        }
        delscreen(screen)
        Self.restoreSignalHandlers()
    }

    // MARK: Drawing

    public func draw(_ grid: TextGrid) {
        guard active else { return }
        let screenSize = size
        let full =
            needsFullRedraw || previous == nil || previous!.width != grid.width
            || previous!.height != grid.height || screenSize != previousScreenSize
        if full {
            werase(window)
            // After a resize the terminal's own reflow may have left anything anywhere: repaint it all.
            if needsFullRedraw { clearok(window, true) }
        }
        let rows = min(grid.height, screenSize.height)
        let columns = min(grid.width, screenSize.width)
        for row in 0..<rows where full || !Self.sameRow(row, grid, previous!) {
            drawRow(row, of: grid, columns: columns)
        }
        celedger_wattrset(window, celedger_a_normal())
        if let cursor = grid.cursor, (0..<rows).contains(cursor.row), (0..<columns).contains(cursor.column) {
            wmove(window, Int32(cursor.row), Int32(cursor.column))
            setCursor(visible: true)
        } else {
            setCursor(visible: false)
        }
        wrefresh(window)
        previous = grid
        previousScreenSize = screenSize
        needsFullRedraw = false
    }

    private static func sameRow(_ row: Int, _ a: TextGrid, _ b: TextGrid) -> Bool {
        let range = (row * a.width)..<((row + 1) * a.width)
        return a.cells[range] == b.cells[range]
    }

    /// Writes one row as runs of same-style cells. Each character is written with the width the grid
    /// gave it; one whose width libc (and so curses and most terminals) sees differently is replaced so
    /// that the rest of the row cannot shift.
    private func drawRow(_ row: Int, of grid: TextGrid, columns: Int) {
        var run: [wchar_t] = []
        run.reserveCapacity(columns)
        var runStart = 0
        var runAttributes = celedger_a_normal()
        func flush() {
            guard !run.isEmpty else { return }
            celedger_wattrset(window, runAttributes)
            mvwaddnwstr(window, Int32(row), Int32(runStart), run, Int32(run.count))
            run.removeAll(keepingCapacity: true)
        }
        var column = 0
        while column < columns {
            let cell = grid[row, column]
            let attributes = Self.attributes(for: cell.style, colours: hasColours)
            if attributes != runAttributes { flush() }
            if run.isEmpty {
                runStart = column
                runAttributes = attributes
            }
            let text = Self.cellText(cell.character, fits: columns - column)
            run.append(contentsOf: text.scalars)
            column += text.width
        }
        flush()
    }

    /// What to write for a cell and how many columns it takes: the character itself, or spaces or a
    /// question mark of the same width when it cannot be shown as the grid means it.
    static func cellText(_ ch: Character, fits room: Int) -> (scalars: [wchar_t], width: Int) {
        if ch == Cell.continuation { return ([0x20], 1) }  // a right half without its left: blank
        let width = DisplayWidth.of(ch)
        if width <= 0 { return ([0x20], 1) }
        if width > room { return (Array(repeating: 0x20, count: room), room) }
        let scalars = ch.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
        var libcWidth = 0
        for s in scalars {
            let w = wcwidth(s)
            if w < 0 {
                libcWidth = -1
                break
            }
            libcWidth += Int(w)
        }
        if libcWidth == width { return (scalars, width) }
        return width == 2 ? ([0x3F, 0x3F], 2) : ([0x3F], 1)
    }

    private func setCursor(visible: Bool) {
        guard cursorShown != visible else { return }
        curs_set(visible ? 1 : 0)
        cursorShown = visible
    }

    // MARK: Styles

    /// Pairs 1...4: green, red, yellow, cyan on the terminal's own background.
    private static let colourPairs: [(Int16, Int16)] = [
        (1, Int16(COLOR_GREEN)), (2, Int16(COLOR_RED)), (3, Int16(COLOR_YELLOW)), (4, Int16(COLOR_CYAN)),
    ]

    /// The curses attributes for a style. Colour only when the terminal has colours; with several
    /// colours set, the first of green, red, yellow, cyan wins.
    static func attributes(for style: Style, colours: Bool) -> UInt32 {
        var a = celedger_a_normal()
        if style.contains(.bold) { a |= celedger_a_bold() }
        if style.contains(.reverse) { a |= celedger_a_reverse() }
        if style.contains(.underline) { a |= celedger_a_underline() }
        if style.contains(.dim) { a |= celedger_a_dim() }
        if colours {
            if style.contains(.green) {
                a |= celedger_color_pair(1)
            } else if style.contains(.red) {
                a |= celedger_color_pair(2)
            } else if style.contains(.yellow) {
                a |= celedger_color_pair(3)
            } else if style.contains(.cyan) {
                a |= celedger_color_pair(4)
            }
        }
        return a
    }

    // MARK: Input

    public func readKey(timeoutMilliseconds: Int) -> Key? {
        guard active, caughtSignal == 0 else { return nil }
        wtimeout(window, timeoutMilliseconds < 0 ? -1 : Int32(clamping: timeoutMilliseconds))
        var value: wint_t = 0
        let status = wget_wch(window, &value)
        if status == celedger_ok() {
            if value == 27 { return escapeOrUnknownSequence() }
            return Self.key(character: UInt32(value))
        }
        if status == celedger_key_code_yes() {
            let code = Int32(bitPattern: UInt32(value))
            if code == celedger_key_resize() {
                needsFullRedraw = true
                let s = size
                return .resize(width: s.width, height: s.height)
            }
            if code == celedger_key_mouse() {
                var event = MEVENT()
                guard getmouse(&event) == celedger_ok() else { return nil }
                return Self.mouseKey(buttons: UInt32(event.bstate), row: Int(event.y), column: Int(event.x))
            }
            return Self.key(code: code)
        }
        // ERR: the time ran out, a signal came, or the terminal is gone (then every read fails at once,
        // and a loop waiting for keys would spin: treat it as a hang-up).
        if caughtSignal == 0, celedger_fd_hung_up(STDIN_FILENO) != 0 { caughtSignal = SIGHUP }
        return nil
    }

    /// Esc on its own, or the start of an escape sequence curses did not recognise (a key the terminfo
    /// entry does not list, as with a TERM that does not match the terminal): its bytes are already
    /// waiting. Such a sequence is dropped whole rather than read as Esc followed by typed characters,
    /// which would close a form and type "[1~" into the next one.
    private func escapeOrUnknownSequence() -> Key? {
        wtimeout(window, 0)
        var next: wint_t = 0
        let status = wget_wch(window, &next)
        if status == celedger_ok(), next == 0x5B || next == 0x4F {  // "[" CSI, "O" SS3
            if next == 0x4F {
                _ = wget_wch(window, &next)
                return nil
            }
            // CSI: parameter and intermediate bytes up to a final byte in 0x40...0x7E.
            while wget_wch(window, &next) == celedger_ok(), !(0x40...0x7E).contains(next) {}
            return nil
        }
        if status == celedger_ok() {
            unget_wch(wchar_t(bitPattern: UInt32(next)))
        } else if status == celedger_key_code_yes() {
            ungetch(Int32(bitPattern: UInt32(next)))
        }
        return .escape
    }

    /// A character read as text: control characters become the keys they are.
    static func key(character value: UInt32) -> Key? {
        switch value {
        case 9: return .tab
        case 10, 13: return .enter
        case 8, 127: return .backspace
        case 27: return .escape
        case 1...26: return .control(Character(Unicode.Scalar(UInt8(0x60 + value))))
        case 0..<32, 128..<160: return nil
        default:
            guard let scalar = Unicode.Scalar(value) else { return nil }
            return .character(Character(scalar))
        }
    }

    /// A curses key code (get_wch's KEY_CODE_YES); nil for keys screens do not use.
    static func key(code: Int32) -> Key? {
        switch code {
        case celedger_key_up(): return .up
        case celedger_key_down(): return .down
        case celedger_key_left(): return .left
        case celedger_key_right(): return .right
        case celedger_key_ppage(): return .pageUp
        case celedger_key_npage(): return .pageDown
        case celedger_key_home(): return .home
        case celedger_key_end(): return .end
        case celedger_key_enter(): return .enter
        case celedger_key_backspace(): return .backspace
        case celedger_key_dc(): return .delete
        case celedger_key_ic(): return .insert
        case celedger_key_btab(): return .backTab
        case celedger_key_f(1)...celedger_key_f(63): return .function(Int(code - celedger_key_f(0)))
        default: return nil
        }
    }

    /// A mouse report: wheel, double click, click; nil for anything else (releases, other buttons).
    static func mouseKey(buttons: UInt32, row: Int, column: Int) -> Key? {
        let kind: Key.MouseEvent.Kind
        if buttons & UInt32(celedger_button4_pressed()) != 0 {
            kind = .wheelUp
        } else if buttons & UInt32(celedger_button5_pressed()) != 0 {
            kind = .wheelDown
        } else if buttons & UInt32(celedger_button1_double_clicked()) != 0 {
            kind = .doubleClick
        } else if buttons & UInt32(celedger_button1_clicked() | celedger_button1_pressed()) != 0 {
            kind = .click
        } else {
            return nil
        }
        return .mouse(Key.MouseEvent(kind: kind, row: row, column: column))
    }

    // MARK: Locale and signals

    private static func codesetIsUTF8() -> Bool {
        guard let c = celedger_codeset() else { return false }
        let name = String(cString: c).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }

    /// The user's locale if it is UTF-8; otherwise C.UTF-8 or en_US.UTF-8, which only change how bytes
    /// are read as characters, not the language the program speaks (that comes from LANG itself).
    private static func useUTF8Locale() throws {
        setlocale(LC_ALL, "")
        if codesetIsUTF8() { return }
        for name in ["C.UTF-8", "en_US.UTF-8"] where setlocale(LC_ALL, name) != nil {
            if codesetIsUTF8() { return }
        }
        throw TerminalError(
            zh: "终端的区域设置不是 UTF-8，中文无法正确显示。请先设置 LANG=C.UTF-8（例如 export LANG=C.UTF-8）再运行。",
            en:
                "The terminal's locale is not UTF-8, so Chinese cannot be shown correctly. Set LANG=C.UTF-8 (e.g. export LANG=C.UTF-8) and run again."
        )
    }

    private static func installSignalHandlers() {
        for sig in stopSignals {
            celedger_install_signal(sig, { onStopSignal($0) }, savedActions + Int(sig))
        }
        for sig in crashSignals {
            celedger_install_signal(sig, { onCrashSignal($0) }, savedActions + Int(sig))
        }
    }

    private static func restoreSignalHandlers() {
        for sig in stopSignals + crashSignals {
            celedger_restore_signal(sig, savedActions + Int(sig))
        }
    }
}
