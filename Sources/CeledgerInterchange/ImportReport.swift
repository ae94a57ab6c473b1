import CeledgerDomain
import CeledgerLedger
import CeledgerSheets

public struct ImportOptions: Sendable {
    /// Import the good rows and leave the bad ones out (they are returned, and the CLI writes them beside the input).
    public var skipInvalid = false
    /// Validate only: nothing is written.
    public var dryRun = false
    /// Refuse a column the ledger does not know (else it is ignored, and the caller says which).
    public var strict = true
    /// How the store writes, for its tests: history rows and summary marks set-wise after the rows (its
    /// `DeferredUpkeep`) instead of by trigger; tests compare the two.
    public var deferUpkeep = true
    /// How the store writes, for its tests: drop and rebuild the slow indexes from this many expected
    /// records on (nil: the store's own threshold; tests lower it).
    public var rebuildIndexesFrom: Int?
    /// Where rejected rows go as they are found (with the file's header), when `skipInvalid`: streamed,
    /// so that a file of millions of bad rows costs no memory. Nil: they are kept in `ImportReport.rejected`.
    public var rejectedRows: (@Sendable (_ header: [String], _ row: RejectedRow) -> Void)?
    /// The day the rows are judged on (`Plausibility`: nothing recognised before it ends); nil: the local
    /// calendar day when the import runs. Tests fix it.
    public var today: Day?
    /// Keep what each person the import changes was (`ImportReport.changes`), for an undo: a front end
    /// that offers one asks for it (the TUI); a command-line import of a million persons does not hold
    /// them all in memory. The ids of the rows added are returned either way.
    public var keepsBefore = false
    /// The file's name, for what the ledger notes about rows that arrive already decided ("来自 X").
    public var source: String?
    public init(skipInvalid: Bool = false, dryRun: Bool = false, strict: Bool = true) {
        self.skipInvalid = skipInvalid
        self.dryRun = dryRun
        self.strict = strict
    }
}

/// A rejected row: where (line of the file, column as headed in the file) and why.
public struct RowError: Sendable, Hashable {
    public let line: Int
    public let column: String
    public let message: Message
    public init(line: Int, column: String, message: Message) {
        self.line = line
        self.column = column
        self.message = message
    }
}

/// A bad row with its cells, so that it can be written back out for correction.
public struct RejectedRow: Sendable {
    public let line: Int
    public let fields: [String]
    public let errors: [RowError]
    public init(line: Int, fields: [String], errors: [RowError]) {
        self.line = line
        self.fields = fields
        self.errors = errors
    }
}

public struct ImportReport: Sendable {
    public var rows = 0
    public var inserted = 0
    public var updated = 0
    public var unchanged = 0
    /// The first duplicates and errors, up to `ImportReport.keptMessages` of each; the counts are complete.
    public var duplicates: [RowError] = []
    public var errors: [RowError] = []
    public var duplicateCount = 0
    public var badRowCount = 0
    /// The errors (and duplicates) kept to be printed: 1,000, several screens; the counts stay complete,
    /// the CLI says how many more there are, and `--skip-invalid`'s file holds every bad row with its reasons.
    public static let keptMessages = 1_000
    /// Problems reported for a header: 20. A header of thousands of unknown columns is one mistake (the
    /// wrong file, or the wrong separator), not thousands; the rest are counted in one more message.
    public static let keptHeaderMessages = 20
    public var rejected: [RejectedRow] = []
    /// Rows imported whose recognised hours are far from the rule's suggestion (`Plausibility.farFromSuggestion`):
    /// not refused, listed in the summary for a second look; the first `keptMessages`, and their count.
    public var farFromSuggestion: [RowError] = []
    public var farFromSuggestionCount = 0
    /// The header as written in the file, for writing rejected rows back out.
    public var header: [String] = []
    /// Whether the rows were written to the ledger.
    public var committed = false
    /// A problem with the file itself (its header, its quoting, its encoding) rather than a row:
    /// `skipInvalid` cannot skip it, and nothing is imported.
    public var fileIsBroken = false
    /// What the import wrote, for its undo (`Undoable.imported`): the rows it added and the persons it
    /// changed with what they were. Empty unless committed.
    public var changes = ImportedChange()
    public init() {}

    /// The first step of every backend's import: the file's header read and mapped to fields. Nil when the
    /// file is empty or unreadable or its header is refused, with this report saying so (the file is broken,
    /// nothing is imported); else the header row and its map, the header kept for rejected rows.
    public mutating func readHeader(
        of reader: any RowSource, kind: RowKind, strict: Bool
    ) -> (row: CSVRow, map: HeaderMap)? {
        let headerRow: CSVRow
        do {
            guard let h = try reader.next() else {
                errors.append(
                    RowError(line: 1, column: "", message: Message(zh: "文件为空，没有表头", en: "the file is empty: no header row")))
                badRowCount = 1
                fileIsBroken = true
                return nil
            }
            headerRow = h
        } catch {
            errors.append(RowError(error))
            badRowCount = 1
            fileIsBroken = true
            return nil
        }
        header = headerRow.fields
        let mapped = HeaderMap(headerRow, kind: kind, strict: strict)
        guard mapped.errors.isEmpty else {
            errors = mapped.errors
            badRowCount = 1
            fileIsBroken = true
            return nil
        }
        return (headerRow, mapped)
    }
}

/// What importing a class file found and did.
public struct ClassImportReport: Sendable {
    /// The class as read from its lines (with no person yet).
    public var record: CeledgerDomain.Record?
    /// Participant rows read.
    public var rows = 0
    public var inserted = 0
    public var duplicates: [RowError] = []
    public var errors: [RowError] = []
    /// Rows with at least one error.
    public var badRowCount = 0
    public var committed = false
    /// A problem with the file or the class lines rather than one participant: nothing can be imported.
    public var fileIsBroken = false
    /// A sign-in sheet's columns the import read past, and the line of the participants' header.
    public var ignoredColumns: [String] = []
    public var headerLine = 0
    /// Participants whose recognised hours are far from the rule's suggestion (listed, not refused).
    public var farFromSuggestion: [RowError] = []
    /// The records the class added, for its undo (`Undoable.imported`). Empty unless committed.
    public var changes = ImportedChange()
    public init() {}
}

/// Progress of a long operation: units done and, when known, the total.
public typealias ProgressHandler = (_ done: Int, _ total: Int?) -> Void

extension Message {
    /// A file's message in the words the formats gave it.
    public init(_ m: SheetMessage) { self.init(zh: m.zh, en: m.en) }
}

extension SheetError {
    /// The error's message as the domain's `Message`, word for word.
    public var text: Message { Message(message) }
}

extension RowError {
    /// A problem with the file itself at a line, located in a column when the file says which (by its
    /// header, or as `#n` beyond it).
    public init(_ e: CSVError, header: [String]? = nil) {
        let column =
            e.column.map { i in
                guard let header else { return "" }
                return i <= header.count ? header[i - 1].trimmedField : "#\(i)"
            } ?? ""
        self.init(line: e.line, column: column, message: Message(e.message))
    }
}

extension String {
    /// At most 40 characters (and 80 scalars), for naming a cell in a message.
    var truncatedForMessage: String { Message.excerpt(self) }
}

extension ClassImportReport {
    /// Reads the class lines of `reader` (`ClassFile.read`) into a new report: the file to go on with, or
    /// nil when the class itself is broken, the report saying why. Every ledger's class import starts here.
    public static func reading(
        _ reader: any RowSource, rules: RuleBook?, today: Day?, given: ClassFile.Given
    ) -> (report: ClassImportReport, file: ClassFile?) {
        var report = ClassImportReport()
        switch ClassFile.read(from: reader, rules: rules, today: today, given: given) {
        case .success(let f):
            report.record = f.record
            report.ignoredColumns = f.ignoredColumns
            report.headerLine = f.header.line
            return (report, f)
        case .failure(let problems):
            report.record = problems.record
            report.errors = problems.errors
            report.badRowCount = 1
            report.fileIsBroken = true
            return (report, nil)
        }
    }
}
