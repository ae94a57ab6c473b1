import CeledgerDomain
import Foundation

/// One row of a CSV file: its cells and the line of the file it starts on (the header is line 1;
/// a quoted cell with line breaks makes the next row start further down).
public struct CSVRow: Sendable {
    public let line: Int
    public let fields: [String]
    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }
}

/// A problem with the file itself, located by line and column (in characters, from 1).
public struct CSVError: Error, Sendable, Equatable {
    public let line: Int
    public let column: Int?
    public let message: Message
    public init(line: Int, column: Int?, message: Message) {
        self.line = line
        self.column = column
        self.message = message
    }
}

/// Where imported rows come from: a CSV file, a spreadsheet. Rows carry the line (or spreadsheet row) they
/// start on, the header is the first row, and a problem with the file itself is a `CSVError` located by line
/// and column, whatever the format.
public protocol RowSource: AnyObject {
    /// The next row, or nil at the end. Blank rows are skipped.
    func next() throws(CSVError) -> CSVRow?
    /// Progress: bytes consumed so far and, when known, in all.
    var bytesRead: Int { get }
    var totalBytes: Int? { get }
}

/// An RFC 4180 reader that streams: quoted fields, doubled quotes, embedded commas and line breaks,
/// CRLF or LF, UTF-8 with or without a byte-order mark. Memory stays flat whatever the file's size.
public final class CSVReader: RowSource {
    private let fd: Int32
    private let ownsFD: Bool
    private var buffer: [UInt8]
    private var pos = 0
    private var end = 0
    private var eof = false
    private var line = 1
    private var started = false
    /// Bytes consumed so far, for progress.
    public private(set) var bytesRead: Int = 0
    public let totalBytes: Int?
    private var field: [UInt8] = []
    /// The line the current field starts on, for messages about it.
    private var fieldLine = 1
    private var fields: [String] = []

    public static let maxFieldBytes = 1 << 20

    /// Opens a file; errors name the file.
    public init(path: String) throws(LedgerError) {
        var st = stat()
        if stat(path, &st) != 0 {
            let e = errno
            throw LedgerError(zh: "无法打开 \(path)：\(Ledger.reason(e))", en: "cannot open \(path): \(Ledger.reason(e))")
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            throw LedgerError(zh: "\(path) 是目录，不是 CSV 文件", en: "\(path) is a directory, not a CSV file")
        }
        let fd = Foundation.open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let e = errno
            throw LedgerError(zh: "无法打开 \(path)：\(Ledger.reason(e))", en: "cannot open \(path): \(Ledger.reason(e))")
        }
        self.fd = fd
        self.ownsFD = true
        self.totalBytes = (st.st_mode & S_IFMT) == S_IFREG ? Int(st.st_size) : nil
        self.buffer = [UInt8](repeating: 0, count: 1 << 16)
    }

    /// Reads from bytes in memory (tests, small inputs).
    public init(bytes: [UInt8]) {
        self.fd = -1
        self.ownsFD = false
        self.buffer = bytes
        self.end = bytes.count
        self.eof = true
        self.totalBytes = bytes.count
    }

    public convenience init(text: String) { self.init(bytes: Array(text.utf8)) }

    deinit { if ownsFD { close(fd) } }

    private func fill() -> Bool {
        if pos < end { return true }
        if eof { return false }
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { eof = true; return false }
        pos = 0
        end = n
        return true
    }

    @inline(__always) private func peek() -> UInt8? {
        fill() ? buffer[pos] : nil
    }

    @inline(__always) private func advance() {
        pos += 1
        bytesRead += 1
    }

    private func finishField() throws(CSVError) {
        defer { fieldLine = line }
        if field.contains(0) {
            throw CSVError(line: fieldLine, column: fields.count + 1, message: Message(zh: "含有 NUL 字节，不是文本文件", en: "contains NUL bytes; not a text file"))
        }
        guard let s = String(validating: field, as: UTF8.self) else {
            throw CSVError(line: fieldLine, column: fields.count + 1, message: Message(
                zh: "不是 UTF-8 编码（请另存为“CSV UTF-8”）", en: "not UTF-8 text (save as \"CSV UTF-8\")"))
        }
        fields.append(s)
        field.removeAll(keepingCapacity: true)
    }

    private func append(_ b: UInt8) throws(CSVError) {
        if field.count >= CSVReader.maxFieldBytes {
            throw CSVError(line: fieldLine, column: fields.count + 1, message: Message(
                zh: "单元格超过 1 MB", en: "a cell is larger than 1 MB"))
        }
        field.append(b)
    }

    /// The next row, or nil at the end. Blank lines are skipped.
    public func next() throws(CSVError) -> CSVRow? {
        let quote: UInt8 = 0x22, comma: UInt8 = 0x2C, cr: UInt8 = 0x0D, lf: UInt8 = 0x0A
        if !started {
            started = true
            // Byte-order mark.
            if peek() == 0xEF {
                var bom: [UInt8] = []
                while bom.count < 3, let b = peek(), b == [0xEF, 0xBB, 0xBF][bom.count] { bom.append(b); advance() }
                if bom.count != 3 { field = bom }
            }
        }
        while true {
            guard peek() != nil || !field.isEmpty else { return nil }
            let startLine = line
            fields.removeAll(keepingCapacity: true)
            var atFieldStart = field.isEmpty
            rowLoop: while true {
                guard let b = peek() else {
                    try finishField()
                    break rowLoop
                }
                if b == quote && atFieldStart && field.isEmpty {
                    advance()
                    let quoteLine = line
                    // Quoted field.
                    while true {
                        guard let c = peek() else {
                            throw CSVError(line: quoteLine, column: fields.count + 1, message: Message(
                                zh: "引号未闭合（从此行开始）", en: "unterminated quoted field (starts on this line)"))
                        }
                        advance()
                        if c == quote {
                            if peek() == quote { advance(); try append(quote); continue }
                            break
                        }
                        if c == lf { line += 1 }
                        try append(c)
                    }
                    // After the closing quote: a separator, a line end, or the end.
                    if let c = peek(), c != comma, c != cr, c != lf {
                        throw CSVError(line: line, column: fields.count + 1, message: Message(
                            zh: "引号后有多余的字符", en: "unexpected text after a closing quote"))
                    }
                    atFieldStart = false
                    continue
                }
                advance()
                atFieldStart = false
                switch b {
                case comma:
                    try finishField()
                    atFieldStart = true
                case cr:
                    if peek() == lf { advance() }
                    try finishField()
                    line += 1
                    fieldLine = line
                    break rowLoop
                case lf:
                    try finishField()
                    line += 1
                    fieldLine = line
                    break rowLoop
                default:
                    try append(b)
                }
            }
            if fields.count == 1 && fields[0].isEmpty { continue }
            return CSVRow(line: startLine, fields: fields)
        }
    }
}
