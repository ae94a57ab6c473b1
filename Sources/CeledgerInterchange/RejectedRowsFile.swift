import CeledgerDomain
import CeledgerSheets
import Foundation

/// The rejected rows of an import as they were, with line, column and reason first: CSV (with a BOM, for
/// Excel) for a CSV input, a workbook for a workbook, ID numbers as text cells, so Excel cannot mangle
/// them. Opened at the first row, put in place by `close`, removed by `abandon`: the CLI's
/// `--skip-invalid` streams rows to it during the import, the TUI's import screen writes the rows its dry
/// run found. One writer for both, so that the two give the same file.
///
/// Called from one thread at a time (the import's writing thread, or the screen's).
public final class RejectedRowsFile: @unchecked Sendable {
    public let path: String
    private let spreadsheet: Bool
    private let kind: RowKind
    private let lang: Lang
    private let creator: String
    private var csv: OutputFile?
    private var csvBuffer = ""
    private var xlsx: XLSXWriter?
    public private(set) var count = 0
    private var failure: (any Error)?

    /// `base` is the path without the extension: `.xlsx` or `.csv` is added.
    public init(base: String, spreadsheet: Bool, kind: RowKind, lang: Lang, creator: String) {
        self.path = base + (spreadsheet ? ".xlsx" : ".csv")
        self.spreadsheet = spreadsheet
        self.kind = kind
        self.lang = lang
        self.creator = creator
    }

    var title: String { lang == .zh ? "有误的行" : "bad rows" }
    private var annotations: [String] { lang == .zh ? ["行号", "出错列", "原因"] : ["line", "column", "reason"] }

    private func start(_ header: [String]) throws {
        if spreadsheet {
            let codes: Set<Field> = [.idNumber, .certificateNo, .score]
            let columns =
                annotations.map { TableColumn($0) }
                + header.map { h in
                    TableColumn(h, Field.fromHeader(h, kind: kind).map { codes.contains($0) } == true ? .code : .text)
                }
            let writer = try XLSXWriter(path: path, sheetName: title)
            try writer.header(columns)
            xlsx = writer
        } else {
            csv = try OutputFile(path: path)
            csvBuffer = "\u{FEFF}" + CSVWriter.line(annotations + header)
        }
    }

    /// Adds a row (with the header, for the first). A failure to write is kept and thrown by `close`.
    public func add(_ header: [String], _ row: RejectedRow) {
        if failure != nil { return }
        do {
            if csv == nil && xlsx == nil { try start(header) }
            let columns = row.errors.map(\.column).joined(separator: "; ")
            let reasons = row.errors.map { $0.message.text(lang) }.joined(separator: "; ")
            let fields = [String(row.line), columns, reasons] + row.fields
            if let xlsx {
                try xlsx.row(fields.enumerated().map { i, f in i == 0 ? .number(f) : .text(f) })
            } else if let csv {
                csvBuffer += CSVWriter.line(fields)
                if csvBuffer.utf8.count >= 1 << 16 {
                    try csv.write(csvBuffer)
                    csvBuffer = ""
                }
            }
            count += 1
        } catch {
            failure = error
        }
    }

    /// Puts the file in place and returns its path; throws what went wrong on the way (a `SheetError`
    /// saying where and why), leaving no file.
    public func close() throws -> String {
        if let failure {
            abandon()
            throw failure
        }
        do {
            try xlsx?.finish(creator: creator, created: Date(), title: title)
            xlsx = nil
            if let csv {
                if !csvBuffer.isEmpty { try csv.write(csvBuffer) }
                csvBuffer = ""
                try csv.commit()
                self.csv = nil
            }
        } catch {
            abandon()
            throw error
        }
        return path
    }

    public func abandon() {
        xlsx?.abandon()
        xlsx = nil
        csv?.abandon()
        csv = nil
        csvBuffer = ""
    }
}
