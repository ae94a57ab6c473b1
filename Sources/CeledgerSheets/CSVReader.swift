import Foundation

/// One row of a CSV file: its cells and the line of the file it starts on (the header is line 1;
/// a quoted cell with line breaks makes the next row start further down).
public struct CSVRow: Sendable {
    public let line: Int
    public let fields: [String]
    /// Cells the source could read only with a loss, by column index from 0: a long number that a
    /// spreadsheet keeps to 15 digits. The import reports each as an error of that cell.
    public let damaged: [Int: CellDamage]
    public init(line: Int, fields: [String], damaged: [Int: CellDamage] = [:]) {
        self.line = line
        self.fields = fields
        self.damaged = damaged
    }
}

/// A problem with the file itself, located by line and column (in characters, from 1).
public struct CSVError: Error, Sendable, Equatable {
    public let line: Int
    public let column: Int?
    public let message: SheetMessage
    public init(line: Int, column: Int?, message: SheetMessage) {
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

/// The last line an export may add with `--stamp`: "# celedger export … by <user> at <UTC time> …". An
/// import skips a row whose first cell starts with "# celedger" and whose other cells (a spreadsheet may
/// pad the row to the sheet's width) are empty.
public enum ExportStamp {
    public static let prefix = "# celedger"

    public static func isStamp(_ fields: [String]) -> Bool {
        guard let first = fields.first, first.hasPrefix(prefix) else { return false }
        return fields.dropFirst().allSatisfy(\.isEmpty)
    }

    /// A stamp line with every value made safe to stay one CSV field: no separators, quotes or line breaks.
    public static func line(_ parts: [String]) -> String {
        let text = parts.joined(separator: " ").unicodeScalars.map { u -> String in
            switch u {
            case ",": "，"
            case "\"": "'"
            case _ where u.value < 0x20 || u.value == 0x7F: " "
            default: String(u)
            }
        }.joined()
        return prefix + " " + text + "\r\n"
    }
}

/// An RFC 4180 reader that streams: quoted fields, doubled quotes, embedded commas and line breaks,
/// CRLF or LF. Text is UTF-8 (with or without a byte-order mark) or GB18030/GBK, decided from the file's
/// first non-ASCII cell unless `encoding` is given. The syntax bytes (`,` `"` CR LF) are never part of a
/// GB18030 character, so rows are split on bytes and only cells are decoded. Memory stays flat whatever
/// the file's size.
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

    // The limits of a CSV file, in one place; reaching one is an error at the line and column.
    /// Bytes in one cell: 1 MB. No ledger field is near it (a note is a few thousand characters), and the
    /// reader holds one cell at a time, so this bounds its memory.
    public static let maxFieldBytes = 1 << 20
    /// Cells in one row (the header too): 16,384, Excel's limit of columns. A ledger row has about 30; a
    /// line of a million commas would otherwise be a million cells in memory and a million messages.
    public static let maxFields = 16_384

    /// The encoding the caller asked for, if any.
    public let forcedEncoding: TextEncoding?
    /// The encoding in use: the forced one, the one a byte-order mark names, or the one detected at the
    /// first non-ASCII cell (nil until then: everything so far was ASCII).
    public private(set) var encoding: TextEncoding?
    private var gb18030: GB18030Decoder?
    private var gb18030Loaded = false
    /// How much text after the first non-ASCII cell the encoding is decided on.
    static let sniffWindow = 1 << 16

    /// Opens a file; errors name the file.
    public init(path: String, encoding: TextEncoding? = nil) throws(SheetError) {
        var st = stat()
        if stat(path, &st) != 0 { throw SheetError.cannotOpen(path, errno) }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            throw SheetError(zh: "\(path) 是目录，不是 CSV 文件", en: "\(path) is a directory, not a CSV file")
        }
        let fd = Foundation.open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw SheetError.cannotOpen(path, errno) }
        self.fd = fd
        self.ownsFD = true
        self.totalBytes = (st.st_mode & S_IFMT) == S_IFREG ? Int(st.st_size) : nil
        self.buffer = [UInt8](repeating: 0, count: 1 << 16)
        self.forcedEncoding = encoding
        self.encoding = encoding
    }

    /// Reads an open file (a pipe, a terminal: not seekable) whose first bytes, `head`, were already read
    /// to tell its format: the reader starts with them, so nothing is lost. Takes ownership of `fd`.
    public init(fd: Int32, head: [UInt8], encoding: TextEncoding? = nil) {
        self.fd = fd
        self.ownsFD = true
        var st = stat()
        self.totalBytes = fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG ? Int(st.st_size) : nil
        var buffer = [UInt8](repeating: 0, count: Swift.max(1 << 16, head.count))
        buffer.replaceSubrange(0..<head.count, with: head)
        self.buffer = buffer
        self.end = head.count
        self.forcedEncoding = encoding
        self.encoding = encoding
    }

    /// Reads from bytes in memory (tests, small inputs).
    public init(bytes: [UInt8], encoding: TextEncoding? = nil) {
        self.fd = -1
        self.ownsFD = false
        self.buffer = bytes
        self.end = bytes.count
        self.eof = true
        self.totalBytes = bytes.count
        self.forcedEncoding = encoding
        self.encoding = encoding
    }

    /// Reads a Swift string: UTF-8 by definition.
    public convenience init(text: String) { self.init(bytes: Array(text.utf8), encoding: .utf8) }

    deinit { if ownsFD { close(fd) } }

    private func fill() -> Bool {
        if pos < end { return true }
        if eof { return false }
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 {
            eof = true
            return false
        }
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

    /// Moves the unread bytes to the front of the buffer and reads more after them, so that at least
    /// `count` bytes (or the rest of the file) are in view without being consumed.
    private func lookahead(_ count: Int) -> ArraySlice<UInt8> {
        if end - pos < count && !eof && fd >= 0 {
            if pos > 0 {
                buffer.replaceSubrange(0..<(end - pos), with: buffer[pos..<end])
                end -= pos
                pos = 0
            }
            while end < buffer.count {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + end, $0.count - end) }
                if n <= 0 {
                    eof = true
                    break
                }
                end += n
            }
        }
        return buffer[pos..<min(end, pos + count)]
    }

    private func finishField() throws(CSVError) {
        defer { fieldLine = line }
        if field.contains(0) {
            throw CSVError(
                line: fieldLine, column: fields.count + 1,
                message: SheetMessage(zh: "含有 NUL 字节，不是文本文件", en: "contains NUL bytes; not a text file"))
        }
        if fields.count >= CSVReader.maxFields {
            throw CSVError(
                line: fieldLine, column: fields.count + 1,
                message: SheetMessage(
                    zh: "一行超过 \(CSVReader.maxFields) 个单元格", en: "a row has more than \(CSVReader.maxFields) cells"))
        }
        fields.append(try decode(field))
        field.removeAll(keepingCapacity: true)
    }

    private func decoder() -> GB18030Decoder? {
        if !gb18030Loaded {
            gb18030 = GB18030Decoder()
            gb18030Loaded = true
        }
        return gb18030
    }

    /// A cell's text. ASCII reads the same in every encoding this reader knows; the first cell that is not
    /// ASCII decides the encoding (together with the text after it) unless it was given.
    private func decode(_ bytes: [UInt8]) throws(CSVError) -> String {
        if !bytes.contains(where: { $0 >= 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        var detectedHere = false
        if encoding == nil {
            let window = bytes + lookahead(CSVReader.sniffWindow - min(bytes.count, CSVReader.sniffWindow / 2))
            encoding = EncodingSniffer.detect(window[...], decoder: decoder())
            detectedHere = true
        }
        func fail(_ message: SheetMessage) -> CSVError { CSVError(line: fieldLine, column: fields.count + 1, message: message) }
        switch encoding! {
        case .utf8:
            if let s = String(validating: bytes, as: UTF8.self) { return s }
        case .gb18030:
            guard let d = decoder() else {
                throw fail(
                    SheetMessage(
                        zh: "无法读取 GB18030 编码：系统的 C 库缺少 GB18030 转换模块（gconv）；请另存为“CSV UTF-8”",
                        en: "cannot read GB18030: the C library has no GB18030 converter (gconv); save as \"CSV UTF-8\""))
            }
            if EncodingSniffer.gb18030ValidPrefix(bytes[...]) == bytes.count, let s = d.decode(bytes) { return s }
        }
        if forcedEncoding == nil && !detectedHere {
            // The file's earlier text decided the encoding; does this cell read in the other one?
            let other: TextEncoding = encoding == .utf8 ? .gb18030 : .utf8
            let readsAsOther =
                other == .utf8
                ? String(validating: bytes, as: UTF8.self) != nil
                : decoder().flatMap { $0.decode(bytes) } != nil && EncodingSniffer.gb18030ValidPrefix(bytes[...]) == bytes.count
            if readsAsOther { throw fail(TextEncoding.mixed(detected: encoding!, here: other)) }
        }
        throw fail(TextEncoding.undecodable(forced: forcedEncoding))
    }

    private func append(_ b: UInt8) throws(CSVError) {
        if field.count >= CSVReader.maxFieldBytes { throw tooLarge() }
        field.append(b)
    }

    private func tooLarge() -> CSVError {
        CSVError(
            line: fieldLine, column: fields.count + 1, message: SheetMessage(zh: "单元格超过 1 MB", en: "a cell is larger than 1 MB"))
    }

    /// The rest of an unquoted cell that is in the buffer, up to a separator or a line end, in one copy
    /// instead of byte by byte.
    @inline(__always) private func appendRun() throws(CSVError) {
        let from = pos, to = end
        let stop = buffer.withUnsafeBufferPointer { p -> Int in
            var i = from
            while i < to {
                let c = p[i]
                if c == 0x2C || c == 0x0D || c == 0x0A { break }
                i += 1
            }
            return i
        }
        guard stop > from else { return }
        if field.count + (stop - from) > CSVReader.maxFieldBytes { throw tooLarge() }
        field.append(contentsOf: buffer[from..<stop])
        bytesRead += stop - from
        pos = stop
    }

    /// The next row, or nil at the end. Blank lines are skipped.
    public func next() throws(CSVError) -> CSVRow? {
        let quote: UInt8 = 0x22, comma: UInt8 = 0x2C, cr: UInt8 = 0x0D, lf: UInt8 = 0x0A
        if !started {
            started = true
            // Byte-order mark.
            if peek() == 0xEF {
                var bom: [UInt8] = []
                while bom.count < 3, let b = peek(), b == [0xEF, 0xBB, 0xBF][bom.count] {
                    bom.append(b)
                    advance()
                }
                if bom.count != 3 { field = bom } else if encoding == nil { encoding = .utf8 }
            } else if let first = peek(), first == 0xFF || first == 0xFE {
                let two = lookahead(2)
                if two.count == 2 && (two.elementsEqual([0xFF, 0xFE]) || two.elementsEqual([0xFE, 0xFF])) {
                    throw CSVError(
                        line: 1, column: nil,
                        message: SheetMessage(
                            zh: "文件是 UTF-16 编码（Excel 的“Unicode 文本”）；请另存为“CSV UTF-8”",
                            en: "the file is UTF-16 (Excel's \"Unicode text\"); save as \"CSV UTF-8\""))
                }
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
                            throw CSVError(
                                line: quoteLine, column: fields.count + 1,
                                message: SheetMessage(
                                    zh: "引号未闭合（从此行开始）", en: "unterminated quoted field (starts on this line)"))
                        }
                        advance()
                        if c == quote {
                            if peek() == quote {
                                advance()
                                try append(quote)
                                continue
                            }
                            break
                        }
                        if c == lf { line += 1 }
                        try append(c)
                    }
                    // After the closing quote: a separator, a line end, or the end.
                    if let c = peek(), c != comma, c != cr, c != lf {
                        throw CSVError(
                            line: line, column: fields.count + 1,
                            message: SheetMessage(
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
                    try appendRun()
                }
            }
            if fields.count == 1 && fields[0].isEmpty { continue }
            if ExportStamp.isStamp(fields) { continue }
            return CSVRow(line: startLine, fields: fields)
        }
    }
}
