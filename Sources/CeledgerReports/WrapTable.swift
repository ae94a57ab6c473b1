import CeledgerText

/// Text cut into lines of at most `width` display cells, never through a character: a run of Latin
/// letters and digits stays whole when it fits a line, CJK characters break anywhere.
public func wrap(_ text: String, width: Int) -> [String] {
    guard width > 0 else { return [text] }
    var lines: [String] = []
    for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
        // Tokens: a word of Latin letters and digits, a space, or one other character.
        var tokens: [String] = []
        var word = ""
        for ch in paragraph {
            if ch.isASCII && (ch.isLetter || ch.isNumber || ch == "." || ch == "-" || ch == "/" || ch == ":") {
                word.append(ch)
            } else {
                if !word.isEmpty {
                    tokens.append(word)
                    word = ""
                }
                tokens.append(String(ch))
            }
        }
        if !word.isEmpty { tokens.append(word) }
        var line = ""
        var used = 0
        func flush() {
            while line.last == " " { line.removeLast() }
            lines.append(line)
            line = ""
            used = 0
        }
        for token in tokens {
            let w = token.displayWidth
            if used + w <= width {
                if !(used == 0 && token == " ") {
                    line += token
                    used += w
                }
                continue
            }
            if token == " " {
                flush()
                continue
            }
            if w <= width {
                flush()
                line = token
                used = w
                continue
            }
            // A word longer than a line: cut it by characters.
            for ch in token {
                let cw = DisplayWidth.of(ch)
                if used + cw > width { flush() }
                line.append(ch)
                used += cw
            }
        }
        if !line.isEmpty || lines.isEmpty || paragraph.isEmpty { flush() }
    }
    return lines
}

/// A plain-text table whose cells wrap inside their columns instead of being cut: a printed proof must
/// not lose the end of an activity's name. Columns line up by display width.
public struct WrapTable: Sendable {
    public struct Column: Sendable {
        public let header: String
        public let width: Int
        public let align: Align
        public init(_ header: String, width: Int, align: Align = .left) {
            self.header = header
            self.width = width
            self.align = align
        }
    }

    public let columns: [Column]
    public private(set) var rows: [[String]] = []
    public var gap = 2

    public init(columns: [Column]) { self.columns = columns }

    public mutating func append(_ row: [String]) {
        precondition(row.count == columns.count)
        rows.append(row)
    }

    public var width: Int { columns.reduce(0) { $0 + $1.width } + gap * max(0, columns.count - 1) }

    /// Header, a rule, then each row in as many lines as its tallest cell; no trailing spaces.
    public func render(rule: Character = "-") -> [String] {
        func lines(_ cells: [String]) -> [String] {
            let wrapped = cells.enumerated().map { i, c in wrap(c, width: columns[i].width) }
            let height = wrapped.map(\.count).max() ?? 1
            return (0..<height).map { k in
                var s = zip(columns, wrapped).map { col, w in
                    (k < w.count ? w[k] : "").fitted(toWidth: col.width, align: col.align)
                }
                .joined(separator: String(repeating: " ", count: gap))
                while s.last == " " { s.removeLast() }
                return s
            }
        }
        return lines(columns.map(\.header)) + [String(repeating: rule, count: width)] + rows.flatMap(lines)
    }
}
