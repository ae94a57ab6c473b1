/// A plain-text table whose columns line up by display width, for the CLI and printed lists.
public struct TextTable: Sendable {
    public struct Column: Sendable {
        public let header: String
        public let align: Align
        /// Upper bound in cells; longer cells are cut with an ellipsis.
        public let maxWidth: Int
        public init(_ header: String, align: Align = .left, maxWidth: Int = 40) {
            self.header = header
            self.align = align
            self.maxWidth = maxWidth
        }
    }

    public let columns: [Column]
    public private(set) var rows: [[String]] = []

    public init(columns: [Column]) { self.columns = columns }

    public mutating func append(_ row: [String]) {
        precondition(row.count == columns.count)
        rows.append(row)
    }

    public func widths() -> [Int] {
        columns.indices.map { i in
            let widest = rows.reduce(columns[i].header.displayWidth) { max($0, $1[i].displayWidth) }
            return min(widest, columns[i].maxWidth)
        }
    }

    /// Lines without trailing spaces, columns separated by two spaces.
    public func render() -> [String] {
        let w = widths()
        func line(_ cells: [String], header: Bool) -> String {
            var parts: [String] = []
            for (i, c) in cells.enumerated() {
                parts.append(c.fitted(toWidth: w[i], align: header && columns[i].align == .right ? .right : columns[i].align))
            }
            var s = parts.joined(separator: "  ")
            while s.last == " " { s.removeLast() }
            return s
        }
        return [line(columns.map(\.header), header: true)] + rows.map { line($0, header: false) }
    }
}

extension Int {
    /// Thousands grouped the way both Chinese and English reports write counts: 1,234,567.
    public var grouped: String {
        let s = String(self.magnitude)
        var out = ""
        for (i, c) in s.enumerated() {
            if i > 0 && (s.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (self < 0 ? "-" : "") + out
    }
}
