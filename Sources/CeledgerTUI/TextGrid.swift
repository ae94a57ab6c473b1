import CeledgerText

/// How a cell is drawn. Everything must still read in monochrome: colour only repeats what the text says.
public struct Style: OptionSet, Hashable, Sendable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let bold = Style(rawValue: 1 << 0)
    public static let reverse = Style(rawValue: 1 << 1)
    public static let underline = Style(rawValue: 1 << 2)
    public static let dim = Style(rawValue: 1 << 3)
    public static let green = Style(rawValue: 1 << 8)
    public static let red = Style(rawValue: 1 << 9)
    public static let yellow = Style(rawValue: 1 << 10)
    public static let cyan = Style(rawValue: 1 << 11)
    public static let colours: Style = [.green, .red, .yellow, .cyan]
}

/// One terminal cell. A wide character occupies its cell and the next, which holds `continuation`.
public struct Cell: Hashable, Sendable {
    public var character: Character
    public var style: Style
    public static let blank = Cell(character: " ", style: [])
    /// The right half of a wide character.
    public static let continuation: Character = "\u{0}"
}

/// What a screen draws into: rows of cells. Screens never call curses; the driver copies the grid to the
/// terminal and tests read it back as text.
public struct TextGrid: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]
    /// Where the terminal cursor should be shown (text input), if anywhere.
    public var cursor: (row: Int, column: Int)?

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public static func == (a: TextGrid, b: TextGrid) -> Bool {
        a.width == b.width && a.height == b.height && a.cells == b.cells
            && a.cursor?.row == b.cursor?.row && a.cursor?.column == b.cursor?.column
    }

    public subscript(row: Int, column: Int) -> Cell {
        cells[row * width + column]
    }

    /// Writes text at (row, column), cut to `maxWidth` cells and the grid's edge. A cut is marked with an
    /// ellipsis and never splits a wide character. Returns the column after the text.
    @discardableResult
    public mutating func put(_ text: String, row: Int, column: Int, style: Style = [], maxWidth: Int? = nil) -> Int {
        guard row >= 0, row < height, column < width else { return column }
        let limit = min(width, column + (maxWidth ?? width))
        let shown = text.displayWidth > limit - column ? text.truncated(toWidth: limit - column) : text
        var c = column
        for ch in shown {
            let w = DisplayWidth.of(ch)
            if w == 0 { continue }
            if c + w > limit { break }
            if c >= 0 {
                clearWide(row: row, column: c)
                cells[row * width + c] = Cell(character: ch, style: style)
                if w == 2 {
                    clearWide(row: row, column: c + 1)
                    cells[row * width + c + 1] = Cell(character: Cell.continuation, style: style)
                }
            }
            c += w
        }
        return c
    }

    /// Overwriting half of a wide character blanks its other half.
    private mutating func clearWide(row: Int, column: Int) {
        let i = row * width + column
        if cells[i].character == Cell.continuation, column > 0 {
            cells[i - 1] = Cell(character: " ", style: cells[i - 1].style)
        } else if column + 1 < width, cells[i + 1].character == Cell.continuation, DisplayWidth.of(cells[i].character) == 2 {
            cells[i + 1] = Cell(character: " ", style: cells[i + 1].style)
        }
    }

    /// Fills a span with spaces in a style (a selected row's reverse video, a header's bar).
    public mutating func fill(row: Int, from column: Int = 0, width w: Int? = nil, style: Style) {
        guard row >= 0, row < height else { return }
        let end = min(width, column + (w ?? width))
        for c in max(0, column)..<max(max(0, column), end) { cells[row * width + c].style = style }
    }

    public mutating func clear() {
        for i in cells.indices { cells[i] = .blank }
        cursor = nil
    }

    /// A row as text, wide characters once, trailing spaces removed.
    public func line(_ row: Int) -> String {
        var s = ""
        for c in 0..<width {
            let ch = cells[row * width + c].character
            if ch != Cell.continuation { s.append(ch) }
        }
        while s.last == " " { s.removeLast() }
        return s
    }

    /// The whole grid as text, one line per row: what golden screens hold.
    public var text: String {
        (0..<height).map(line).joined(separator: "\n")
    }

    /// Draws a box (for forms and dialogs) with an optional title in its top edge.
    public mutating func box(top: Int, left: Int, height h: Int, width w: Int, title: String = "", style: Style = []) {
        guard h >= 2, w >= 2 else { return }
        for r in top..<(top + h) {
            guard r >= 0, r < height else { continue }
            // A wide character cut by the box's edge loses its outside half too.
            for c in left..<min(width, left + w) where c >= 0 {
                clearWide(row: r, column: c)
                cells[r * width + c] = .blank
            }
        }
        put("┌" + String(repeating: "─", count: w - 2) + "┐", row: top, column: left, style: style)
        for r in (top + 1)..<(top + h - 1) {
            put("│", row: r, column: left, style: style)
            put("│", row: r, column: left + w - 1, style: style)
        }
        put("└" + String(repeating: "─", count: w - 2) + "┘", row: top + h - 1, column: left, style: style)
        if !title.isEmpty { put(" " + title + " ", row: top, column: left + 2, style: style.union(.bold), maxWidth: w - 4) }
    }
}
