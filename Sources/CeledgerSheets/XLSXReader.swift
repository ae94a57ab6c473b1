import Foundation
internal import ZIPFoundation

/// Reads the first worksheet of an .xlsx workbook as rows of text, streaming: the sheet's XML is inflated
/// on a helper thread and tokenized as it arrives, so a million-row sheet is read with flat memory (the
/// shared-strings table is held in memory).
///
/// - The sheet is the first worksheet in the workbook's order (`xl/workbook.xml`, resolved through
///   `xl/_rels/workbook.xml.rels`), skipping hidden ones unless all are hidden.
/// - The first non-empty row is the header; empty rows are skipped; cells missing in a row are empty.
/// - Shared strings (rich-text runs joined, phonetic runs left out), inline strings, formula results
///   (the cached value), booleans (`TRUE`/`FALSE`), error values (`#N/A`) are text as shown.
/// - Numbers become their shortest exact decimal text (8.1 stays "8.1", 40.0 is "40"). A number with a
///   date format (built-in formats 14–22, 27–36, 45–47, 50–58, or a custom format with y, m or d) is a
///   date, written `2024-03-04`; the 1904 date system is honoured.
/// - A number of 16 digits or more is marked `CellDamage.digitsLost`: Excel keeps 15 significant digits.
/// - Row numbers (`<row r="…">`) are the "line" numbers of rows.
public final class XLSXReader: RowSource {
    public let path: String
    /// The worksheet read, as named in the workbook.
    public let sheetName: String
    /// The sheet's part inside the package, e.g. `xl/worksheets/sheet1.xml`.
    public let sheetPart: String
    public let totalBytes: Int?
    public var bytesRead: Int { parser.consumed }

    private let stream: EntryStream
    private let parser: XMLPullParser
    private let sharedStrings: [String]
    private let dateStyles: [Bool]
    private let date1904: Bool
    private let limits: Limits

    private var inSheetData = false
    private var finished = false
    private var lastRow = 0
    private var headerWidth: Int?

    /// What a workbook may hold, in one place. A spreadsheet is small on disk and may expand a
    /// thousandfold, so every quantity that grows memory or output has a limit here, and reaching one is
    /// an error naming the file and the part (and the row and column, inside the sheet), never a crash.
    public struct Limits: Sendable {
        /// The sheet's XML once inflated: 4 GB, several times a million-row sheet of the widest ledger
        /// rows; the sheet is streamed, so this bounds time, not memory.
        public var sheetBytes: UInt64
        /// The shared-strings part once inflated: 512 MB. It is held in memory (as strings), so this and
        /// `sharedStringsTextBytes` bound what the table costs.
        public var sharedStringsBytes: UInt64
        /// Every other part (workbook, relationships, styles), read whole: 64 MB, a hundred times the
        /// largest seen from Excel, WPS or LibreOffice.
        public var partBytes: UInt64
        /// Text in one cell, shared or inline: 1 MB, as a CSV cell (`CSVReader.maxFieldBytes`). No ledger
        /// field is near it (a note is a few thousand characters), and a bigger cell is an attack.
        public var cellBytes: Int
        /// Text in one row, all its cells together: 16 MB (16 cells at the cell limit; a ledger row has
        /// about 30 columns of at most a few hundred bytes). Shared strings count each time they are used.
        public var rowBytes: Int
        /// Items in the shared-strings table: 4,000,000 (four distinct texts in every row of a
        /// million-row sheet). Even empty items (`<si/>`, 5 bytes) cost a string each in memory.
        public var sharedStrings: Int
        /// The shared strings' text once decoded, all together: 256 MB.
        public var sharedStringsTextBytes: Int
        /// Sheets named by the workbook, and relationships of the workbook: 10,000 each, as many as the
        /// parts a package may hold (`maxEntries`); Excel's own workbooks have a few of each.
        public var sheets: Int
        public var relationships: Int
        public init(
            sheetBytes: UInt64 = 4 << 30, sharedStringsBytes: UInt64 = 512 << 20, partBytes: UInt64 = 64 << 20,
            cellBytes: Int = CSVReader.maxFieldBytes, rowBytes: Int = 16 << 20, sharedStrings: Int = 4_000_000,
            sharedStringsTextBytes: Int = 256 << 20, sheets: Int = 10_000, relationships: Int = 10_000
        ) {
            self.sheetBytes = sheetBytes
            self.sharedStringsBytes = sharedStringsBytes
            self.partBytes = partBytes
            self.cellBytes = cellBytes
            self.rowBytes = rowBytes
            self.sharedStrings = sharedStrings
            self.sharedStringsTextBytes = sharedStringsTextBytes
            self.sheets = sheets
            self.relationships = relationships
        }
    }
    /// Files in the zip: 10,000. A workbook has a dozen parts plus a few per sheet.
    public static let maxEntries = 10_000
    /// A part inflating more than this many times its compressed size, and to more than 100 MB, is
    /// refused: deflate rarely passes 100:1 on real sheets; a zip bomb passes 1,000:1.
    public static let maxRatio: UInt64 = 1_000
    /// Columns in a sheet: 16,384, Excel's own limit (XFD); also the most cells a row may hold.
    public static let maxColumns = 16_384

    /// Whether the file starts as a zip archive does ("PK\u{3}\u{4}", or the empty archive's "PK\u{5}\u{6}").
    public static func looksLikeZip(path: String) -> Bool {
        guard let h = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? h.close() }
        let head = [UInt8]((try? h.read(upToCount: 4)) ?? Data())
        return head == [0x50, 0x4B, 0x03, 0x04] || head == [0x50, 0x4B, 0x05, 0x06]
    }

    /// Whether the file is an OLE compound document: a legacy .xls, or an .xlsx protected by a password.
    enum ZipKind { case plain, encrypted, prefixed }

    /// What an archive without readable entries is: one whose first entry is encrypted (bit 0 of its
    /// flags), one with other bytes before its first entry (a self-extracting file), or an empty one.
    static func zipKind(path: String) -> ZipKind {
        guard let h = FileHandle(forReadingAtPath: path) else { return .plain }
        defer { try? h.close() }
        let head = [UInt8]((try? h.read(upToCount: 8)) ?? Data())
        if head.count >= 8 && head[0..<4].elementsEqual([0x50, 0x4B, 0x03, 0x04]) {
            return head[6] & 1 != 0 ? .encrypted : .plain
        }
        if head.count >= 4 && head[0..<4].elementsEqual([0x50, 0x4B, 0x05, 0x06]) { return .plain }
        return .prefixed
    }

    public static func looksLikeOLE(path: String) -> Bool {
        guard let h = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? h.close() }
        return [UInt8]((try? h.read(upToCount: 8)) ?? Data()) == [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
    }

    /// Opens the workbook and gets ready to stream its first worksheet. Every error names the file.
    public init(path: String, limits: Limits = Limits()) throws(SheetError) {
        self.path = path
        func fail(_ zh: String, _ en: String) -> SheetError { SheetError(zh: "\(path)：\(zh)", en: "\(path): \(en)") }
        var st = stat()
        if stat(path, &st) != 0 { throw SheetError.cannotOpen(path, errno) }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            throw SheetError(zh: "\(path) 是目录，不是 xlsx 文件", en: "\(path) is a directory, not an xlsx file")
        }
        if access(path, R_OK) != 0 { throw SheetError.cannotOpen(path, errno) }
        if XLSXReader.looksLikeOLE(path: path) {
            throw fail(
                "这是旧版 Excel（.xls）或设了打开密码的文件，无法读取；请在 Excel 中另存为不设密码的 .xlsx 或“CSV UTF-8”",
                "this is a legacy Excel (.xls) file or one protected by a password; save it from Excel as an .xlsx without a password, or as \"CSV UTF-8\""
            )
        }
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw fail(
                "不是有效的 xlsx 文件：zip 结构已损坏或不是 zip 文件", "not a valid xlsx file: the zip structure is damaged or it is not a zip file"
            )
        }
        // The package's parts, by normalised path (and lower-cased, for producers that vary the case).
        var entries: [String: Entry] = [:]
        var count = 0
        for entry in archive {
            count += 1
            if count > XLSXReader.maxEntries {
                throw fail(
                    "zip 中的文件超过 \(XLSXReader.maxEntries) 个，不像 xlsx 工作簿",
                    "the zip holds more than \(XLSXReader.maxEntries) files; not an xlsx workbook")
            }
            let p = Package.normalise(entry.path)
            if entries[p] == nil { entries[p] = entry }
            if entries[p.lowercased()] == nil { entries[p.lowercased()] = entry }
        }
        let kind = XLSXReader.zipKind(path: path)
        if kind == .encrypted {
            throw fail(
                "是加密的 zip 文件，无法读取；请另存为不设密码的 .xlsx 或“CSV UTF-8”",
                "an encrypted zip file, which cannot be read; save it as an .xlsx without a password, or as \"CSV UTF-8\"")
        }
        if count == 0 {
            switch kind {
            case .encrypted, .prefixed:
                throw fail(
                    "zip 数据前另有内容（自解压文件或拼接的文件），不是 xlsx 工作簿",
                    "a zip with other data before it (self-extracting or joined), not an xlsx workbook")
            case .plain:
                throw fail("是空的 zip 文件，不是 xlsx 工作簿", "an empty zip file, not an xlsx workbook")
            }
        }
        func entry(_ part: String) -> Entry? { entries[part] ?? entries[part.lowercased()] }
        func read(_ part: String, limit: UInt64) throws(SheetError) -> [UInt8]? {
            guard let e = entry(part) else { return nil }
            do {
                return try Package.extract(archive, e, part: part, limit: limit)
            } catch {
                throw fail(error.message.zh, error.message.en)
            }
        }
        func parse<T>(_ part: String, _ parser: XMLPullParser, _ body: (XMLPullParser) throws -> T) throws(SheetError) -> T {
            do {
                return try body(parser)
            } catch let e as XMLSyntaxError where e.isLimit {
                throw fail("\(part) 中\(e.message.zh)", "in \(part), \(e.message.en)")
            } catch let e as XMLSyntaxError {
                throw fail("\(part) 不是有效的 XML：\(e.message.zh)", "\(part) is not valid XML: \(e.message.en)")
            } catch let e as Package.Problem {
                throw fail(e.message.zh, e.message.en)
            } catch {
                throw fail("\(part) 无法读取：\(error)", "cannot read \(part): \(error)")
            }
        }

        // The workbook: named by the package relationships, else where every producer puts it.
        var workbookPart = "xl/workbook.xml"
        if let rels = try read("_rels/.rels", limit: limits.partBytes) {
            let list = try parse("_rels/.rels", XMLPullParser(bytes: rels)) { try Package.relationships($0, base: "") }
            if let office = list.first(where: { $0.type.hasSuffix("/officeDocument") }) { workbookPart = office.target }
        }
        guard let workbookBytes = try read(workbookPart, limit: limits.partBytes) else {
            if entry("xl/workbook.bin") != nil {
                throw fail(
                    "是二进制工作簿（.xlsb），无法读取；请在 Excel 中另存为 .xlsx",
                    "a binary workbook (.xlsb), which cannot be read; save it from Excel as .xlsx")
            }
            throw fail("是 zip 文件，但不是 xlsx 工作簿（找不到 \(workbookPart)）", "a zip file but not an xlsx workbook (no \(workbookPart))")
        }
        let workbook = try parse(workbookPart, XMLPullParser(bytes: workbookBytes)) {
            try Package.workbook($0, part: workbookPart, maxSheets: limits.sheets)
        }
        let base = Package.directory(of: workbookPart)
        let relsPart = base + "_rels/" + Package.fileName(of: workbookPart) + ".rels"
        var rels: [Package.Relationship] = []
        if let bytes = try read(relsPart, limit: limits.partBytes) {
            rels = try parse(relsPart, XMLPullParser(bytes: bytes)) {
                try Package.relationships($0, base: base, part: relsPart, max: limits.relationships)
            }
        }
        // By id, so that matching sheets to relationships is linear (the first of a repeated id wins).
        var relByID: [String: Package.Relationship] = [:]
        for rel in rels where relByID[rel.id] == nil { relByID[rel.id] = rel }
        let worksheets = workbook.sheets.compactMap { sheet -> (Package.Sheet, String)? in
            if let rel = relByID[sheet.relationshipID] {
                return rel.type.hasSuffix("/worksheet") ? (sheet, rel.target) : nil
            }
            return nil
        }
        guard let (sheet, sheetPart) = worksheets.first(where: { $0.0.visible }) ?? worksheets.first else {
            throw fail("工作簿中没有工作表", "the workbook has no worksheet")
        }
        guard let sheetEntry = entry(sheetPart) else {
            throw fail("工作表“\(sheet.name)”的数据（\(sheetPart)）缺失", "the data of sheet \"\(sheet.name)\" (\(sheetPart)) is missing")
        }
        do {
            try Package.checkSize(sheetEntry, part: sheetPart, limit: limits.sheetBytes)
        } catch {
            throw fail(error.message.zh, error.message.en)
        }

        var dateStyles: [Bool] = []
        if let stylesPart = rels.first(where: { $0.type.hasSuffix("/styles") })?.target
            ?? (entry(base + "styles.xml") != nil ? base + "styles.xml" : nil),
            let bytes = try read(stylesPart, limit: limits.partBytes)
        {
            dateStyles = try parse(stylesPart, XMLPullParser(bytes: bytes)) { try Package.dateStyles($0) }
        }
        var strings: [String] = []
        if let stringsPart = rels.first(where: { $0.type.hasSuffix("/sharedStrings") })?.target
            ?? (entry(base + "sharedStrings.xml") != nil ? base + "sharedStrings.xml" : nil),
            let e = entry(stringsPart)
        {
            do {
                try Package.checkSize(e, part: stringsPart, limit: limits.sharedStringsBytes)
            } catch {
                throw fail(error.message.zh, error.message.en)
            }
            let s = EntryStream(archive: archive, entry: e, part: stringsPart, limit: limits.sharedStringsBytes)
            defer { s.cancel() }
            strings = try parse(stringsPart, XMLPullParser(source: s)) {
                try Package.sharedStrings($0, part: stringsPart, limits: limits)
            }
        }

        self.limits = limits
        self.sheetName = sheet.name
        self.sheetPart = sheetPart
        self.sharedStrings = strings
        self.dateStyles = dateStyles
        self.date1904 = workbook.date1904
        self.totalBytes = Int(clamping: sheetEntry.uncompressedSize)
        self.stream = EntryStream(archive: archive, entry: sheetEntry, part: sheetPart, limit: limits.sheetBytes)
        self.parser = XMLPullParser(source: stream)
    }

    deinit { stream.cancel() }

    // MARK: rows

    private static let kSheetData = Array("sheetData".utf8), kRow = Array("row".utf8), kC = Array("c".utf8)
    private static let kV = Array("v".utf8), kIs = Array("is".utf8), kT = Array("t".utf8), kR = Array("r".utf8)
    private static let kRPh = Array("rPh".utf8), kS = Array("s".utf8), kF = Array("f".utf8)

    /// The next non-empty row, or nil after the last.
    public func next() throws(CSVError) -> CSVRow? {
        do {
            return try nextRow()
        } catch let e as CSVError {
            throw e
        } catch let e as XMLSyntaxError where e.isLimit {
            throw CSVError(
                line: max(lastRow, 1), column: nil,
                message: SheetMessage(zh: "\(sheetPart) 中\(e.message.zh)", en: "in \(sheetPart), \(e.message.en)"))
        } catch let e as XMLSyntaxError {
            throw CSVError(
                line: max(lastRow, 1), column: nil,
                message: SheetMessage(
                    zh: "\(sheetPart) 不是有效的 XML：\(e.message.zh)", en: "\(sheetPart) is not valid XML: \(e.message.en)"))
        } catch let e as Package.Problem {
            throw CSVError(line: max(lastRow, 1), column: nil, message: e.message)
        } catch {
            throw CSVError(
                line: max(lastRow, 1), column: nil,
                message: SheetMessage(
                    zh: "\(sheetPart) 无法读取：\(error)", en: "cannot read \(sheetPart): \(error)"))
        }
    }

    private func nextRow() throws -> CSVRow? {
        if finished { return nil }
        while true {
            switch try parser.next() {
            case .eof:
                finished = true
                if !inSheetData { return nil }
                throw XMLSyntaxError("工作表数据意外结束", "the sheet data ends unexpectedly")
            case .end:
                if parser.isNamed(Self.kSheetData) {
                    finished = true
                    stream.cancel()
                    return nil
                }
            case .text:
                continue
            case .start:
                if !inSheetData {
                    if parser.isNamed(Self.kSheetData) {
                        if parser.selfClosing {
                            finished = true
                            return nil
                        }
                        inSheetData = true
                    }
                    continue
                }
                guard parser.isNamed(Self.kRow) else {
                    try parser.skipElement()
                    continue
                }
                if let row = try readRow() { return row }
            }
        }
    }

    /// Reads one `<row>` (its start tag just read); nil when every cell is empty.
    private func readRow() throws -> CSVRow? {
        let number: Int
        if let r = parser.rawAttribute(Self.kR) {
            guard let n = Int(String(decoding: r, as: UTF8.self)), n > lastRow, n <= 1 << 24 else {
                throw CSVError(
                    line: lastRow + 1, column: nil,
                    message: SheetMessage(
                        zh: "\(sheetPart) 中的行号“\(String(decoding: r, as: UTF8.self))”无效或次序颠倒",
                        en: "row number \"\(String(decoding: r, as: UTF8.self))\" in \(sheetPart) is invalid or out of order"))
            }
            number = n
        } else {
            number = lastRow + 1
        }
        lastRow = number
        if parser.selfClosing { return nil }
        var fields: [String] = []
        var damaged: [Int: CellDamage] = [:]
        var lastColumn = -1
        var rowBytes = 0
        while true {
            switch try parser.next() {
            case .eof:
                throw XMLSyntaxError("第 \(number) 行未结束", "row \(number) does not end")
            case .text:
                continue
            case .end:
                // </row>
                if !fields.contains(where: { !$0.isEmpty }) || ExportStamp.isStamp(fields) { return nil }
                var width = fields.count
                while width > 0 && fields[width - 1].isEmpty { width -= 1 }
                if let header = headerWidth {
                    width = max(width, header)
                } else {
                    headerWidth = width
                }
                if fields.count < width { fields += Array(repeating: "", count: width - fields.count) }
                if fields.count > width { fields.removeLast(fields.count - width) }
                return CSVRow(line: number, fields: fields, damaged: damaged)
            case .start:
                guard parser.isNamed(Self.kC) else {
                    try parser.skipElement()
                    continue
                }
                let column: Int
                if let ref = parser.rawAttribute(Self.kR) {
                    guard let c = Self.columnIndex(ref) else {
                        throw CSVError(
                            line: number, column: nil,
                            message: SheetMessage(
                                zh: "单元格引用“\(String(decoding: ref, as: UTF8.self))”无效",
                                en: "invalid cell reference \"\(String(decoding: ref, as: UTF8.self))\""))
                    }
                    column = c
                } else {
                    column = lastColumn + 1
                }
                guard column > lastColumn, column < Self.maxColumns else {
                    throw CSVError(
                        line: number, column: column + 1,
                        message: SheetMessage(
                            zh: "单元格次序颠倒或超出 \(Self.maxColumns) 列", en: "cells out of order or beyond \(Self.maxColumns) columns"))
                }
                lastColumn = column
                let (text, damage) = try readCell(row: number, column: column)
                rowBytes += text.utf8.count
                if rowBytes > limits.rowBytes {
                    throw CSVError(
                        line: number, column: column + 1,
                        message: SheetMessage(
                            zh: "这一行的单元格合计超过 \(limits.rowBytes >> 20) MB",
                            en: "the cells of this row add up to more than \(limits.rowBytes >> 20) MB"))
                }
                if !text.isEmpty {
                    if fields.count <= column { fields += Array(repeating: "", count: column + 1 - fields.count) }
                    fields[column] = text
                    if let damage { damaged[column] = damage }
                }
            }
        }
    }

    /// Reads one `<c>` (its start tag just read): its text as a spreadsheet shows it.
    private func readCell(row: Int, column: Int) throws -> (String, CellDamage?) {
        let type = parser.rawAttribute(Self.kT).map(Self.cellType) ?? .number
        var style = 0
        if let s = parser.rawAttribute(Self.kS) {
            for c in s {
                guard (0x30...0x39).contains(c), style < 1 << 24 else {
                    style = 0
                    break
                }
                style = style * 10 + Int(c - 0x30)
            }
        }
        if parser.selfClosing { return ("", nil) }
        var value: [UInt8]?
        var inline: [UInt8]?
        // Inside the cell: <v>, <f>, <is> (with <t>, <r><t>, <rPh>), <extLst>.
        var depth = 1
        var collecting = false
        var inInline = false
        var phonetic = 0
        while depth > 0 {
            switch try parser.next() {
            case .eof:
                throw XMLSyntaxError("单元格未结束", "a cell does not end")
            case .start:
                if parser.selfClosing { continue }
                depth += 1
                if phonetic > 0 || (parser.isNamed(Self.kRPh) && inInline) {
                    phonetic += 1
                } else if depth == 2 && parser.isNamed(Self.kV) {
                    value = value ?? []
                    collecting = true
                } else if depth == 2 && parser.isNamed(Self.kIs) {
                    inInline = true
                    inline = inline ?? []
                } else if inInline && parser.isNamed(Self.kT) {
                    collecting = true
                }
            case .end:
                depth -= 1
                collecting = false
                if phonetic > 0 { phonetic -= 1 }
                if depth == 1 { inInline = false }
            case .text:
                if collecting {
                    if inInline { try parser.appendText(to: &inline!) } else { try parser.appendText(to: &value!) }
                    if (inline?.count ?? 0) > limits.cellBytes || (value?.count ?? 0) > limits.cellBytes {
                        throw cellTooLarge(row: row, column: column)
                    }
                }
            }
        }
        func string(_ b: [UInt8]) -> String { OOXMLEscape.unescape(String(decoding: b, as: UTF8.self)) }
        if let inline, type == .inlineString || value == nil { return (string(inline), nil) }
        guard let value else { return ("", nil) }
        switch type {
        case .shared:
            guard let i = Int(String(decoding: value, as: UTF8.self).trimmingCharacters(in: .whitespaces)),
                i >= 0, i < sharedStrings.count
            else {
                throw CSVError(
                    line: row, column: column + 1,
                    message: SheetMessage(
                        zh: "共享字符串编号“\(String(decoding: value, as: UTF8.self))”超出范围（文件已损坏）",
                        en:
                            "shared string index \"\(String(decoding: value, as: UTF8.self))\" is out of range (the file is damaged)"
                    ))
            }
            if sharedStrings[i].utf8.count > limits.cellBytes { throw cellTooLarge(row: row, column: column) }
            return (sharedStrings[i], nil)
        case .formulaString, .inlineString, .error, .other: return (string(value), nil)
        case .boolean: return (value == [0x31] ? "TRUE" : value == [0x30] ? "FALSE" : string(value), nil)
        case .date:
            let s = String(decoding: value, as: UTF8.self)
            if s.count >= 10, let day = SheetDate.parse(String(s.prefix(10))) { return (day.iso, nil) }
            return (s, nil)
        case .number:
            let text = String(decoding: value, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            let isDate = style >= 0 && style < dateStyles.count && dateStyles[style]
            return SpreadsheetNumber.text(text, isDate: isDate, date1904: date1904)
        }
    }

    private func cellTooLarge(row: Int, column: Int) -> CSVError {
        let mb = limits.cellBytes >> 20
        return CSVError(
            line: row, column: column + 1,
            message: SheetMessage(zh: "单元格超过 \(mb) MB", en: "a cell is larger than \(mb) MB"))
    }

    /// A cell's `t` attribute.
    enum CellType { case number, shared, inlineString, formulaString, boolean, error, date, other }

    static func cellType(_ t: ArraySlice<UInt8>) -> CellType {
        switch t.count {
        case 1:
            switch t.first! {
            case 0x6E: return .number  // n
            case 0x73: return .shared  // s
            case 0x62: return .boolean  // b
            case 0x65: return .error  // e
            case 0x64: return .date  // d
            default: return .other
            }
        case 3 where t.elementsEqual([0x73, 0x74, 0x72]): return .formulaString  // str
        case 9 where t.elementsEqual(Array("inlineStr".utf8)): return .inlineString
        default: return .other
        }
    }

    /// "A" → 0, "Z" → 25, "AA" → 26 … from a reference such as "AB12" (the letters, any case).
    static func columnIndex(_ ref: ArraySlice<UInt8>) -> Int? {
        var n = 0
        var letters = 0
        for c in ref {
            switch c {
            case 0x41...0x5A: n = n * 26 + Int(c - 0x41 + 1)
            case 0x61...0x7A: n = n * 26 + Int(c - 0x61 + 1)
            case 0x24: continue
            default:
                guard letters > 0, (0x30...0x39).contains(c) else { return nil }
                return n - 1
            }
            letters += 1
            if letters > 3 { return nil }
        }
        return letters > 0 ? n - 1 : nil
    }
}

/// How a spreadsheet's stored numbers read as text.
public enum SpreadsheetNumber {
    /// The text of a number as stored in a cell (`8.0999999999999996`, `3.6010219800101E+17`): its
    /// shortest exact decimal text, a date when it has a date format, and `digitsLost` from 10^15 up.
    public static func text(_ raw: String, isDate: Bool, date1904: Bool) -> (String, CellDamage?) {
        guard let d = Double(raw), d.isFinite else { return (raw, nil) }
        if isDate, let day = date(serial: d, date1904: date1904) { return (day, nil) }
        if abs(d) >= 1e15 {
            return (fifteenDigits(d), .digitsLost)
        }
        return (shortest(d), nil)
    }

    /// A large number as Excel shows it: 15 significant digits, then zeros (3.6010219800101E+17 is
    /// 360102198001010000).
    static func fifteenDigits(_ d: Double) -> String {
        let s = String(format: "%.14e", abs(d))
        guard let e = s.firstIndex(of: "e"), let exponent = Int(s[s.index(after: e)...]), exponent >= 14 else {
            return String(format: "%.0f", d)
        }
        let digits = s[..<e].filter { $0 != "." }
        return (d < 0 ? "-" : "") + digits + String(repeating: "0", count: exponent - 14)
    }

    /// The shortest decimal text that reads back as `d`, without exponent or trailing ".0".
    public static func shortest(_ d: Double) -> String {
        if d == 0 { return "0" }
        let s = "\(d)"
        let negative = s.hasPrefix("-")
        let body = negative ? String(s.dropFirst()) : s
        var mantissa = body
        var exponent = 0
        if let e = body.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = String(body[..<e])
            exponent = Int(body[body.index(after: e)...]) ?? 0
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        var digits = String(parts[0]) + (parts.count > 1 ? String(parts[1]) : "")
        var point = parts[0].count + exponent
        // Remove leading zeros (keeping the point where it is).
        while digits.count > 1 && digits.hasPrefix("0") {
            digits.removeFirst()
            point -= 1
        }
        while digits.hasSuffix("0") && digits.count > max(point, 1) { digits.removeLast() }
        var out: String
        if point <= 0 {
            out = "0." + String(repeating: "0", count: -point) + digits
        } else if point >= digits.count {
            out = digits + String(repeating: "0", count: point - digits.count)
        } else {
            let i = digits.index(digits.startIndex, offsetBy: point)
            out = String(digits[..<i]) + "." + String(digits[i...])
        }
        if out.contains(".") {
            while out.hasSuffix("0") { out.removeLast() }
            if out.hasSuffix(".") { out.removeLast() }
        }
        return negative ? "-" + out : out
    }

    /// A date serial as an ISO date: days since 1899-12-31 in the 1900 system (where Excel counts a
    /// 29 February 1900 that never was, so serials from 61 on are days since 1899-12-30), or since
    /// 1904-01-01. The time of day is dropped. Nil outside 1900–9999.
    public static func date(serial: Double, date1904: Bool) -> String? {
        let n = Int(serial.rounded(.down))
        if date1904 {
            guard n >= 0, n <= 2_957_003 else { return nil }
            return SheetDate.Civil(year: 1904, month: 1, day: 1).adding(days: n).iso
        }
        guard n >= 1, n <= 2_958_465 else { return nil }
        if n == 60 { return "1900-02-29" }
        return SheetDate.Civil(year: 1899, month: 12, day: n < 60 ? 31 : 30).adding(days: n).iso
    }

    /// Whether a number format shows a date: a built-in date or time format, or a format code with year,
    /// month or day tokens outside quoted text, brackets and escapes (`yyyy"年"m"月"d"日"`, `yyyy/m/d`).
    public static func isDateFormat(id: Int, code: String?) -> Bool {
        if let code {
            var plain = ""
            var quoted = false, bracket = false, escape = false
            for ch in code {
                if escape {
                    escape = false
                    continue
                }
                if quoted {
                    if ch == "\"" { quoted = false }
                    continue
                }
                if bracket {
                    if ch == "]" { bracket = false }
                    continue
                }
                switch ch {
                case "\"": quoted = true
                case "[": bracket = true
                case "\\", "_", "*": escape = true
                case ";": break
                default: plain.append(ch)
                }
                if ch == ";" { break }
            }
            let lower = plain.lowercased()
            if lower == "general" || lower.isEmpty { return false }
            if lower.contains("y") || lower.contains("d") { return true }
            if lower.contains("m") && !lower.contains("h") && !lower.contains("s") { return true }
            return false
        }
        switch id {
        case 14...22, 27...36, 45...47, 50...58: return true
        default: return false
        }
    }
}

/// The package structure of an .xlsx file: parts, relationships, the workbook, styles, shared strings.
enum Package {
    struct Problem: Error {
        let message: SheetMessage
        init(_ zh: String, _ en: String) { message = SheetMessage(zh: zh, en: en) }
    }

    struct Relationship {
        let id: String
        let type: String
        let target: String
    }

    struct Sheet {
        let name: String
        let relationshipID: String
        let visible: Bool
    }

    struct Workbook {
        var sheets: [Sheet] = []
        var date1904 = false
    }

    /// "/xl/./worksheets/../worksheets/sheet1.xml" → "xl/worksheets/sheet1.xml".
    static func normalise(_ path: String) -> String {
        var parts: [Substring] = []
        for p in path.replacingOccurrences(of: "\\", with: "/").split(separator: "/") {
            if p == "." { continue }
            if p == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(p)
        }
        return parts.joined(separator: "/")
    }

    static func directory(of part: String) -> String {
        guard let slash = part.lastIndex(of: "/") else { return "" }
        return String(part[...slash])
    }

    static func fileName(of part: String) -> String {
        guard let slash = part.lastIndex(of: "/") else { return part }
        return String(part[part.index(after: slash)...])
    }

    /// Checks a part's declared size against a limit and the compression ratio of a zip bomb.
    static func checkSize(_ entry: Entry, part: String, limit: UInt64) throws(Problem) {
        let size = entry.uncompressedSize
        if size > limit {
            throw Problem(
                "\(part) 解压后有 \(size / (1 << 20)) MB，超过上限 \(limit / (1 << 20)) MB",
                "\(part) inflates to \(size / (1 << 20)) MB, more than the limit of \(limit / (1 << 20)) MB")
        }
        if size > 100 << 20 && entry.compressedSize > 0 && size / entry.compressedSize > XLSXReader.maxRatio {
            throw Problem(
                "\(part) 的压缩比异常（\(size / entry.compressedSize) 倍），疑似压缩炸弹，拒绝读取",
                "\(part) has an absurd compression ratio (\(size / entry.compressedSize):1), like a zip bomb; refused")
        }
    }

    /// A whole (small) part in memory.
    static func extract(_ archive: Archive, _ entry: Entry, part: String, limit: UInt64) throws(Problem) -> [UInt8] {
        try checkSize(entry, part: part, limit: limit)
        var out: [UInt8] = []
        do {
            let crc = try archive.extract(entry, bufferSize: 1 << 16, skipCRC32: false) { data in
                out.append(contentsOf: data)
                if UInt64(out.count) > limit || UInt64(out.count) > entry.uncompressedSize {
                    throw Problem(
                        "\(part) 解压后比声明的大（已损坏或是压缩炸弹）", "\(part) inflates to more than it declares (damaged, or a zip bomb)")
                }
            }
            if crc != entry.checksum {
                throw Problem("\(part) 校验和不符，文件已损坏", "\(part) fails its checksum; the file is damaged")
            }
        } catch let e as Problem {
            throw e
        } catch {
            throw Problem("\(part) 已损坏，无法解压", "\(part) is damaged and cannot be inflated")
        }
        return out
    }

    /// The relationships of a part, targets resolved against `base` (the folder of the part they belong to).
    static func relationships(_ p: XMLPullParser, base: String, part: String = "", max: Int = .max) throws -> [Relationship] {
        var out: [Relationship] = []
        let kRel = Array("Relationship".utf8)
        while true {
            switch try p.next() {
            case .eof: return out
            case .start where p.isNamed(kRel):
                guard let id = try p.attribute(Array("Id".utf8)), let type = try p.attribute(Array("Type".utf8)),
                    let target = try p.attribute(Array("Target".utf8))
                else { continue }
                if try p.attribute(Array("TargetMode".utf8)) == "External" { continue }
                let decoded = target.removingPercentEncoding ?? target
                let resolved = decoded.hasPrefix("/") ? normalise(decoded) : normalise(base + decoded)
                out.append(Relationship(id: id, type: type, target: resolved))
                if out.count > max {
                    throw Problem(
                        "\(part) 中的关系超过 \(max) 个，不像 xlsx 工作簿", "\(part) has more than \(max) relationships; not an xlsx workbook")
                }
            default: continue
            }
        }
    }

    /// The sheets in workbook order, and the date system.
    static func workbook(_ p: XMLPullParser, part: String = "xl/workbook.xml", maxSheets: Int = .max) throws -> Workbook {
        var w = Workbook()
        let kSheet = Array("sheet".utf8), kPr = Array("workbookPr".utf8)
        while true {
            switch try p.next() {
            case .eof: return w
            case .start where p.isNamed(kPr):
                let v = try p.attribute(Array("date1904".utf8))?.lowercased()
                w.date1904 = v == "1" || v == "true"
            case .start where p.isNamed(kSheet):
                guard let id = try p.attribute(Array("id".utf8), prefixed: true) else { continue }
                let name = try p.attribute(Array("name".utf8)) ?? ""
                let state = try p.attribute(Array("state".utf8)) ?? "visible"
                w.sheets.append(Sheet(name: name, relationshipID: id, visible: state == "visible"))
                if w.sheets.count > maxSheets {
                    throw Problem("\(part) 中的工作表超过 \(maxSheets) 个", "\(part) names more than \(maxSheets) sheets")
                }
            default: continue
            }
        }
    }

    /// For each cell format (`cellXfs`, by index), whether its number format shows a date.
    static func dateStyles(_ p: XMLPullParser) throws -> [Bool] {
        var codes: [Int: String] = [:]
        var formats: [Int] = []
        var inCellXfs = false
        let kNumFmt = Array("numFmt".utf8), kCellXfs = Array("cellXfs".utf8), kXf = Array("xf".utf8)
        while true {
            switch try p.next() {
            case .eof:
                return formats.map { SpreadsheetNumber.isDateFormat(id: $0, code: codes[$0]) }
            case .start:
                if p.isNamed(kNumFmt), let id = try p.attribute(Array("numFmtId".utf8)).flatMap({ Int($0) }) {
                    codes[id] = try p.attribute(Array("formatCode".utf8)) ?? ""
                } else if p.isNamed(kCellXfs) {
                    inCellXfs = !p.selfClosing
                } else if inCellXfs && p.isNamed(kXf) {
                    formats.append(try p.attribute(Array("numFmtId".utf8)).flatMap { Int($0) } ?? 0)
                    if formats.count > 1_000_000 {
                        throw Problem("styles.xml 中的格式多得离谱", "styles.xml has an absurd number of formats")
                    }
                }
            case .end:
                if p.isNamed(kCellXfs) { inCellXfs = false }
            case .text: continue
            }
        }
    }

    /// The shared-strings table: each `<si>`'s text, rich-text runs joined, phonetic runs (`<rPh>`) left out.
    static func sharedStrings(
        _ p: XMLPullParser, part: String = "xl/sharedStrings.xml", limits: XLSXReader.Limits = .init()
    )
        throws -> [String]
    {
        var out: [String] = []
        var total = 0
        func add(_ s: String) throws {
            out.append(s)
            total += s.utf8.count
            if out.count > limits.sharedStrings {
                throw Problem(
                    "\(part) 中的共享字符串超过 \(limits.sharedStrings) 个",
                    "\(part) holds more than \(limits.sharedStrings) shared strings")
            }
            if total > limits.sharedStringsTextBytes {
                throw Problem(
                    "\(part) 中的共享字符串合计超过 \(limits.sharedStringsTextBytes >> 20) MB",
                    "the shared strings in \(part) add up to more than \(limits.sharedStringsTextBytes >> 20) MB")
            }
        }
        let kSi = Array("si".utf8), kT = Array("t".utf8), kRPh = Array("rPh".utf8), kSst = Array("sst".utf8)
        var current: [UInt8] = []
        var inItem = false, inText = false
        var phonetic = 0
        while true {
            switch try p.next() {
            case .eof:
                return out
            case .start:
                if p.isNamed(kSst), let n = try p.attribute(Array("uniqueCount".utf8)).flatMap({ Int($0) }) {
                    out.reserveCapacity(min(max(n, 0), 1 << 20))
                } else if p.isNamed(kSi) {
                    if p.selfClosing {
                        try add("")
                        continue
                    }
                    inItem = true
                    current.removeAll(keepingCapacity: true)
                } else if inItem && p.isNamed(kRPh) && !p.selfClosing {
                    phonetic += 1
                } else if inItem && phonetic == 0 && p.isNamed(kT) && !p.selfClosing {
                    inText = true
                }
            case .end:
                if p.isNamed(kSi) {
                    try add(OOXMLEscape.unescape(String(decoding: current, as: UTF8.self)))
                    inItem = false
                } else if p.isNamed(kRPh) {
                    phonetic = max(0, phonetic - 1)
                } else if p.isNamed(kT) {
                    inText = false
                }
            case .text:
                if inText {
                    try p.appendText(to: &current)
                    if current.count > limits.cellBytes {
                        throw Problem(
                            "\(part) 中第 \(out.count + 1) 个共享字符串超过 \(limits.cellBytes >> 20) MB（单元格的上限）",
                            "shared string \(out.count + 1) in \(part) is larger than \(limits.cellBytes >> 20) MB (the limit of a cell)"
                        )
                    }
                }
            }
        }
    }
}

/// A zip entry inflated on a helper thread and handed over in chunks, a few at a time, so that a pull
/// parser can read a huge part with flat memory. Cancelled when the reader goes away.
final class EntryStream: ByteChunks, @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [Data] = []
    private var done = false
    private var failure: Error?
    private var cancelled = false
    private static let capacity = 8

    private struct Job: @unchecked Sendable {
        let archive: Archive
        let entry: Entry
        let part: String
        let limit: UInt64
    }

    private struct Cancelled: Error {}

    init(archive: Archive, entry: Entry, part: String, limit: UInt64) {
        let job = Job(archive: archive, entry: entry, part: part, limit: limit)
        let thread = Thread { [self] in self.produce(job) }
        thread.start()
    }

    private func produce(_ job: Job) {
        var total: UInt64 = 0
        do {
            let crc = try job.archive.extract(job.entry, bufferSize: 1 << 16, skipCRC32: false) { data in
                total += UInt64(data.count)
                if total > job.limit || total > job.entry.uncompressedSize {
                    throw Package.Problem(
                        "\(job.part) 解压后比声明的大（已损坏或是压缩炸弹）",
                        "\(job.part) inflates to more than it declares (damaged, or a zip bomb)")
                }
                try self.put(data)
            }
            if crc != job.entry.checksum {
                throw Package.Problem("\(job.part) 校验和不符，文件已损坏", "\(job.part) fails its checksum; the file is damaged")
            }
            finish(nil)
        } catch is Cancelled {
            finish(nil)
        } catch let e as Package.Problem {
            finish(e)
        } catch {
            finish(Package.Problem("\(job.part) 已损坏，无法解压", "\(job.part) is damaged and cannot be inflated"))
        }
    }

    private func put(_ data: Data) throws {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= Self.capacity && !cancelled { condition.wait() }
        if cancelled { throw Cancelled() }
        queue.append(data)
        condition.broadcast()
    }

    private func finish(_ error: Error?) {
        condition.lock()
        done = true
        failure = error
        condition.broadcast()
        condition.unlock()
    }

    func nextChunk() throws -> [UInt8]? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !done { condition.wait() }
        if !queue.isEmpty {
            let d = queue.removeFirst()
            condition.broadcast()
            return [UInt8](d)
        }
        if let failure { throw failure }
        return nil
    }

    /// Stops the helper thread (it ends at its next chunk).
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
