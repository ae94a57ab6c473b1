/// One cell of a table written out as CSV or XLSX. CSV writes every cell as its text; XLSX writes text as
/// a string cell, a number as a numeric cell and a date as a date cell, so that a spreadsheet can sum and
/// sort them.
public enum TableCell: Sendable, Hashable {
    /// Text, written exactly (an ID number, a name, a vocabulary key).
    case text(String)
    /// An exact decimal number as text: "8.1", "90.0". Empty for no value.
    case number(String)
    /// An ISO date, "2024-03-04". Empty for no value.
    case date(String)

    /// The cell as CSV writes it.
    public var text: String {
        switch self {
        case .text(let s), .number(let s), .date(let s): s
        }
    }
}

/// A column of a table: its header and what its cells hold.
public struct TableColumn: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// Words: names, units, vocabulary keys.
        case text
        /// Codes that must stay text in a spreadsheet, never become numbers: ID numbers, certificate
        /// numbers, scores as written. XLSX formats the whole column as Text, so that what a clerk types
        /// into it stays text too.
        case code
        /// Numbers (hours, years): numeric cells.
        case number
        /// Dates: date cells shown as yyyy-mm-dd.
        case date
    }

    public let name: String
    public let kind: Kind
    /// The least width a spreadsheet column gets, in character cells (a Chinese character takes two).
    public let minWidth: Int
    public init(_ name: String, _ kind: Kind = .text, minWidth: Int = 0) {
        self.name = name
        self.kind = kind
        self.minWidth = minWidth
    }
}

/// Somewhere a table goes, row by row: a CSV text, an XLSX sheet. A report or export writes its header
/// and rows once and the sink decides how cells look.
public protocol TableSink: AnyObject {
    func header(_ columns: [TableColumn]) throws(SheetError)
    func row(_ cells: [TableCell]) throws(SheetError)
    /// Rows written so far, the header not counted.
    var rowCount: Int { get }
}

/// CSV through a writing function (stdout, a file): RFC 4180 lines ending CRLF, each cell made safe to
/// open in a spreadsheet (`CSVWriter.neutralised`), UTF-8 with a byte-order mark unless told otherwise,
/// so that Excel reads it as UTF-8.
public final class CSVTable: TableSink {
    private let write: (String) -> Void
    private let byteOrderMark: Bool
    private var started = false
    public private(set) var rowCount = 0

    public init(byteOrderMark: Bool = true, write: @escaping (String) -> Void) {
        self.byteOrderMark = byteOrderMark
        self.write = write
    }

    private func start() {
        if !started && byteOrderMark { write("\u{FEFF}") }
        started = true
    }

    public func header(_ columns: [TableColumn]) throws(SheetError) {
        start()
        write(CSVWriter.line(columns.map(\.name)))
    }

    public func row(_ cells: [TableCell]) throws(SheetError) {
        start()
        write(CSVWriter.line(cells.map(\.text)))
        rowCount += 1
    }

    /// The `# celedger …` line that says who made the file and when (see `ExportStamp`); an import skips it.
    public func stamp(_ parts: [String]) {
        start()
        write(ExportStamp.line(parts))
    }
}
