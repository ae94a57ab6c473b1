import CeledgerText

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
