import CeledgerText
import Foundation
internal import ZIPFoundation

/// Writes an .xlsx workbook: a first sheet streamed row by row (to a temporary file, so memory stays flat),
/// then any small extra sheets, packed into a zip written beside the target and renamed over it at the
/// end, so that no half-written file is ever left under the target's name.
///
/// The package is the minimum Excel, LibreOffice and openpyxl read: `[Content_Types].xml`, `_rels/.rels`,
/// `docProps/core.xml` (creator and creation time), `docProps/app.xml`, `xl/workbook.xml` and its
/// relationships, `xl/styles.xml`, `xl/worksheets/sheetN.xml`. Strings are inline (no shared-strings
/// table to hold in memory). The header row is bold and frozen; column widths follow the display width of
/// the content (a Chinese character counts two). Code columns (ID numbers) are text cells in a column
/// formatted as Text; numbers are numeric cells; dates are date cells shown yyyy-mm-dd.
///
/// Text that starts with `=`, `+`, `-` or `@` is an ordinary string cell, which no spreadsheet evaluates,
/// so it is written as it is. Only text that starts with an apostrophe followed by one of those (or another
/// apostrophe) gets one more apostrophe in front, because an import removes one (`CSVWriter.plain`), as it
/// does for CSV: so every text reads back exactly.
public final class XLSXWriter: TableSink {
    public let path: String
    private let sheetName: String
    private let bodyPath: String
    private let packagePath: String
    /// The target is a device or FIFO (`-o /dev/stdout`): the finished package is copied into it.
    private let writeThrough: Bool
    private var body: Int32 = -1
    private var buffer: [UInt8] = []
    private var bodyBytes = 0
    private var columns: [TableColumn] = []
    private var letters: [String] = []
    private var widths: [Int] = []
    private var rows = 0
    private var extraSheets: [(name: String, xml: String, printTitleRow: Int?)] = []
    /// Whether the first sheet prints on A4 fit to the page's width, its header row repeated on every page.
    public var printFirstSheet = false
    /// The first sheet's paper orientation when printed.
    public var landscape = true
    private var done = false
    public var rowCount: Int { max(0, rows - 1) }

    /// The widest a column gets; longer text wraps.
    static let maxWidth = 60
    /// Excel's limit of rows in a sheet.
    public static let maxRows = 1_048_576
    /// The limit with thousands separators, as the clerk reads it in a message.
    static let maxRowsText: String = {
        let digits = Array(String(maxRows))
        return String(digits.enumerated().flatMap { i, d in i > 0 && (digits.count - i) % 3 == 0 ? [",", d] : [d] })
    }()

    enum Style: Int {
        case plain = 0
        case header = 1
        case date = 2
        case code = 3
        case wrapped = 4
        case title = 5
    }

    /// A printable sheet's layout: a title and lines above the header, lines below the table (制表/审核/日期),
    /// printed on A4 fit to the page's width with the header row repeated on every page.
    public struct PrintLayout: Sendable {
        public var title: String
        public var above: [String]
        public var below: [String]
        public var landscape: Bool
        public init(title: String, above: [String] = [], below: [String] = [], landscape: Bool = true) {
            self.title = title
            self.above = above
            self.below = below
            self.landscape = landscape
        }
    }

    /// A further sheet laid out for printing: the title row and lines above the header merged across the
    /// table, the header row repeated on every printed page (the workbook's _xlnm.Print_Titles), A4 fit to width.
    public func addPrintSheet(name: String, columns: [TableColumn], rows: [[TableCell]], layout: PrintLayout) {
        var widths = columns.map { max(Self.width($0.name), $0.minWidth) }
        let count = max(columns.count, rows.map(\.count).max() ?? 0, 1)
        let letters = (0..<count).map(Self.columnLetters)
        let last = letters[count - 1]
        var xml = ""
        var merges: [String] = []
        var n = 0
        func line(_ text: String, style: Style) {
            n += 1
            xml += "<row r=\"\(n)\"\(style == .title ? " ht=\"24\" customHeight=\"1\"" : "")>"
            xml +=
                "<c r=\"A\(n)\" t=\"inlineStr\" s=\"\(style.rawValue)\"><is><t>\(OOXMLEscape.escapeText(text))</t></is></c></row>"
            if count > 1 { merges.append("A\(n):\(last)\(n)") }
        }
        line(layout.title, style: .title)
        for a in layout.above { line(a, style: .plain) }
        n += 1
        let headerRow = n
        var ignored = widths
        xml += Self.rowXML(n, columns.map { .text($0.name) }, columns: columns, letters: letters, header: true, widths: &ignored)
        for r in rows {
            n += 1
            xml += Self.rowXML(n, r, columns: columns, letters: letters, header: false, widths: &widths)
        }
        if !layout.below.isEmpty { n += 1 }
        for b in layout.below { line(b, style: .plain) }
        var full = Self.sheetPrefix(
            columns: columns, widths: widths, rows: n, frozen: false, selected: false, fitToPage: true)
        full += xml + "</sheetData>"
        full += Self.printTail(merges: merges, landscape: layout.landscape)
        extraSheets.append((Self.safeSheetName(name), full, headerRow))
    }

    /// What follows a printable sheet's data: its merged cells and its page setup (A4, fit to one page wide).
    static func printTail(merges: [String], landscape: Bool) -> String {
        var s = ""
        if !merges.isEmpty {
            s += "<mergeCells count=\"\(merges.count)\">" + merges.map { "<mergeCell ref=\"\($0)\"/>" }.joined() + "</mergeCells>"
        }
        s += "<printOptions horizontalCentered=\"1\"/>"
        s += "<pageMargins left=\"0.5\" right=\"0.5\" top=\"0.6\" bottom=\"0.6\" header=\"0.3\" footer=\"0.3\"/>"
        s +=
            "<pageSetup paperSize=\"9\" orientation=\"\(landscape ? "landscape" : "portrait")\" fitToWidth=\"1\" fitToHeight=\"0\"/>"
        s += "<headerFooter><oddFooter>&amp;C&amp;P / &amp;N</oddFooter></headerFooter>"
        return s + "</worksheet>"
    }

    /// Starts a workbook that will be written to `path` when `finish` is called.
    public init(path: String, sheetName: String) throws(SheetError) {
        self.path = path
        self.sheetName = XLSXWriter.safeSheetName(sheetName)
        let pid = getpid()
        // A symbolic link or a directory is refused here, before anything is written (`OutputFile`).
        writeThrough = try OutputFile.target(path) == .through
        let beside =
            writeThrough
            ? NSTemporaryDirectory() + "/.celedger-xlsx-\(pid)"
            : ((path as NSString).deletingLastPathComponent.isEmpty ? "" : (path as NSString).deletingLastPathComponent + "/")
                + "." + (path as NSString).lastPathComponent
        bodyPath = beside + ".sheet-tmp-\(pid)"
        packagePath = beside + ".tmp-\(pid)"
        // Owner-only from the first byte, and never an existing file or link.
        body = open(bodyPath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if body < 0 { throw XLSXWriter.cannotWrite(path, errno) }
    }

    deinit {
        if !done { abandon() }
    }

    static func cannotWrite(_ path: String, _ code: Int32) -> SheetError {
        SheetError.cannotWrite(path, SheetError.reason(code))
    }

    /// Sheet names may not hold []:*?/\ and have at most 31 characters.
    static func safeSheetName(_ name: String) -> String {
        let cleaned = String(name.map { "[]:*?/\\".contains($0) ? "_" : $0 }.prefix(31))
        return cleaned.isEmpty ? "Sheet1" : cleaned
    }

    /// "A", "B", … "Z", "AA", …
    static func columnLetters(_ index: Int) -> String {
        var n = index + 1
        var s = ""
        while n > 0 {
            let r = (n - 1) % 26
            s = String(UnicodeScalar(UInt8(65 + r))) + s
            n = (n - 1) / 26
        }
        return s
    }

    // MARK: the first sheet

    public func header(_ columns: [TableColumn]) throws(SheetError) {
        self.columns = columns
        letters = columns.indices.map(Self.columnLetters)
        widths = columns.map { max(Self.width($0.name), $0.minWidth) }
        try append(
            Self.rowXML(1, columns.map { .text($0.name) }, columns: columns, letters: letters, header: true, widths: &widths))
        rows = 1
    }

    public func row(_ cells: [TableCell]) throws(SheetError) {
        if rows + 1 > Self.maxRows {
            throw SheetError(
                zh: "超过 Excel 每个工作表 \(Self.maxRowsText) 行的上限；请分年度导出（--year）或导出 CSV",
                en: "more than Excel's \(Self.maxRowsText) rows in a sheet; export one year at a time (--year) or as CSV")
        }
        if letters.count < cells.count {
            letters += (letters.count..<cells.count).map(Self.columnLetters)
            widths += Array(repeating: 0, count: cells.count - widths.count)
        }
        rows += 1
        try append(Self.rowXML(rows, cells, columns: columns, letters: letters, header: false, widths: &widths))
    }

    private func append(_ s: String) throws(SheetError) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws(SheetError) {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { Foundation.write(body, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Self.cannotWrite(path, errno)
            }
            offset += n
        }
        bodyBytes += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    // MARK: extra sheets

    /// A further sheet, small enough to hold in memory (export information, instructions).
    public func addSheet(name: String, columns: [TableColumn], rows: [[TableCell]], frozenHeader: Bool = false) {
        var widths = columns.map { max(Self.width($0.name), $0.minWidth) }
        let letters = (0..<max(columns.count, rows.map(\.count).max() ?? 0)).map(Self.columnLetters)
        var xml = Self.rowXML(
            1, columns.map { .text($0.name) }, columns: columns, letters: letters, header: true, widths: &widths)
        for (i, r) in rows.enumerated() {
            xml += Self.rowXML(i + 2, r, columns: columns, letters: letters, header: false, widths: &widths)
        }
        let full =
            Self.sheetPrefix(columns: columns, widths: widths, rows: rows.count + 1, frozen: frozenHeader, selected: false)
            + xml + Self.sheetSuffix
        extraSheets.append((Self.safeSheetName(name), full, nil))
    }

    // MARK: cells

    /// The display width of a cell's longest line, in character cells.
    static func width(_ s: String) -> Int {
        if s.utf8.count < 200 && s.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0A }) { return s.utf8.count }
        return s.split(separator: "\n", omittingEmptySubsequences: false).map { DisplayWidth.of($0) }.max() ?? 0
    }

    static func isDecimal(_ s: String) -> Bool {
        var u = Substring(s).utf8[...]
        if u.first == UInt8(ascii: "-") { u = u.dropFirst() }
        guard let first = u.first, (0x30...0x39).contains(first) else { return false }
        var point = false
        var digitsAfterPoint = 0
        for c in u {
            if c == UInt8(ascii: ".") {
                if point { return false }
                point = true
            } else if (0x30...0x39).contains(c) {
                if point { digitsAfterPoint += 1 }
            } else {
                return false
            }
        }
        return !point || digitsAfterPoint > 0
    }

    /// The day's serial number in Excel's 1900 date system.
    static func serial(_ day: SheetDate.Civil) -> Int {
        (day.year, day.month, day.day) < (1900, 3, 1)
            ? day.ordinal - SheetDate.Civil(year: 1899, month: 12, day: 31).ordinal
            : day.ordinal - SheetDate.Civil(year: 1899, month: 12, day: 30).ordinal
    }

    /// The text a string cell holds so that an import (which removes one leading apostrophe before
    /// = + - @ or ') reads `s` back.
    static func stored(_ s: String) -> String { CSVWriter.plain(s) == s ? s : "'" + s }

    static func rowXML(
        _ number: Int, _ cells: [TableCell], columns: [TableColumn], letters: [String], header: Bool,
        widths: inout [Int]
    ) -> String {
        let r = String(number)
        var xml = "<row r=\"\(r)\">"
        for (i, cell) in cells.enumerated() {
            let kind = i < columns.count ? columns[i].kind : .text
            let ref = letters[i] + r
            func text(_ s: String) {
                let v = stored(s)
                let w = width(v)
                let utf8 = v.utf8
                let lineBreak = utf8.contains(0x0A) || utf8.contains(0x0D)
                let style: Style = header ? .header : kind == .code ? .code : lineBreak || w > maxWidth ? .wrapped : .plain
                let styleAttr = style == .plain ? "" : " s=\"\(style.rawValue)\""
                func space(_ c: UInt8?) -> Bool { c == 0x20 || c == 0x09 }
                let edge = lineBreak || space(utf8.first) || space(utf8.last)
                xml += "<c r=\"\(ref)\" t=\"inlineStr\"\(styleAttr)><is><t\(edge ? " xml:space=\"preserve\"" : "")>"
                xml += OOXMLEscape.escapeText(v)
                xml += "</t></is></c>"
                if i < widths.count { widths[i] = max(widths[i], w) }
            }
            if cell.text.isEmpty { continue }
            switch cell {
            case .number(let s):
                guard !header, isDecimal(s) else {
                    text(s)
                    continue
                }
                xml += "<c r=\"\(ref)\"><v>\(s)</v></c>"
                if i < widths.count { widths[i] = max(widths[i], s.utf8.count) }
            case .date(let s):
                guard !header, let day = SheetDate.parse(s), day.iso == s else {
                    text(s)
                    continue
                }
                xml += "<c r=\"\(ref)\" s=\"\(Style.date.rawValue)\"><v>\(serial(day))</v></c>"
                if i < widths.count { widths[i] = max(widths[i], 10) }
            case .text(let s):
                text(s)
            }
        }
        return xml + "</row>"
    }

    // MARK: the package

    static let xmlDeclaration = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    static let mainNS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    static func sheetPrefix(
        columns: [TableColumn], widths: [Int], rows: Int, frozen: Bool, selected: Bool, fitToPage: Bool = false
    ) -> String {
        var s = xmlDeclaration + "<worksheet xmlns=\"\(mainNS)\" xmlns:r=\"\(relNS)\">"
        if fitToPage { s += "<sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr>" }
        let lastColumn = columnLetters(max(widths.count, 1) - 1)
        s += "<dimension ref=\"A1:\(lastColumn)\(max(rows, 1))\"/>"
        s += "<sheetViews><sheetView workbookViewId=\"0\"\(selected ? " tabSelected=\"1\"" : "")>"
        if frozen {
            s += "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"
            s += "<selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/>"
        }
        s += "</sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/>"
        if !widths.isEmpty {
            s += "<cols>"
            for (i, w) in widths.enumerated() {
                let kind = i < columns.count ? columns[i].kind : .text
                let width = min(max(w, 4) + 2, maxWidth)
                let style =
                    kind == .code ? " style=\"\(Style.code.rawValue)\"" : kind == .date ? " style=\"\(Style.date.rawValue)\"" : ""
                s += "<col min=\"\(i + 1)\" max=\"\(i + 1)\" width=\"\(width)\"\(style) customWidth=\"1\"/>"
            }
            s += "</cols>"
        }
        return s + "<sheetData>"
    }

    static let sheetSuffix = "</sheetData></worksheet>"

    static let styles =
        xmlDeclaration + """
            <styleSheet xmlns="\(mainNS)">\
            <numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>\
            <fonts count="3">\
            <font><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/><scheme val="minor"/></font>\
            <font><b/><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/><scheme val="minor"/></font>\
            <font><b/><sz val="16"/><name val="等线"/><family val="2"/><charset val="134"/><scheme val="minor"/></font>\
            </fonts>\
            <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
            <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
            <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
            <cellXfs count="6">\
            <xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
            <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
            <xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
            <xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
            <xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>\
            <xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment horizontal="center" vertical="center"/></xf>\
            </cellXfs>\
            <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
            </styleSheet>
            """

    static func contentTypes(sheets: Int) -> String {
        var s = xmlDeclaration + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        s += "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
        s += "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
        s +=
            "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
        for i in 1...sheets {
            s +=
                "<Override PartName=\"/xl/worksheets/sheet\(i).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }
        s +=
            "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
        s +=
            "<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
        s +=
            "<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
        return s + "</Types>"
    }

    static let rootRelationships =
        xmlDeclaration + """
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="\(relNS)/officeDocument" Target="xl/workbook.xml"/>\
            <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>\
            <Relationship Id="rId3" Type="\(relNS)/extended-properties" Target="docProps/app.xml"/>\
            </Relationships>
            """

    /// `printTitles`: the row repeated on every printed page, by sheet index (from 0).
    static func workbook(_ names: [String], printTitles: [Int: Int] = [:]) -> String {
        var s = xmlDeclaration + "<workbook xmlns=\"\(mainNS)\" xmlns:r=\"\(relNS)\">"
        s += "<bookViews><workbookView activeTab=\"0\"/></bookViews><sheets>"
        for (i, name) in names.enumerated() {
            s += "<sheet name=\"\(OOXMLEscape.escapeText(name, attribute: true))\" sheetId=\"\(i + 1)\" r:id=\"rId\(i + 1)\"/>"
        }
        s += "</sheets>"
        if !printTitles.isEmpty {
            s += "<definedNames>"
            for (sheet, row) in printTitles.sorted(by: { $0.key < $1.key }) {
                let quoted = "'" + names[sheet].replacingOccurrences(of: "'", with: "''") + "'"
                s += "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"\(sheet)\">"
                s += OOXMLEscape.escapeText("\(quoted)!$\(row):$\(row)") + "</definedName>"
            }
            s += "</definedNames>"
        }
        return s + "</workbook>"
    }

    static func workbookRelationships(sheets: Int) -> String {
        var s = xmlDeclaration + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        for i in 1...sheets {
            s += "<Relationship Id=\"rId\(i)\" Type=\"\(relNS)/worksheet\" Target=\"worksheets/sheet\(i).xml\"/>"
        }
        s += "<Relationship Id=\"rId\(sheets + 1)\" Type=\"\(relNS)/styles\" Target=\"styles.xml\"/>"
        return s + "</Relationships>"
    }

    static func core(creator: String, created: Date, title: String) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        f.timeZone = TimeZone(identifier: "UTC")
        let when = f.string(from: created)
        let who = OOXMLEscape.escapeText(creator)
        return xmlDeclaration + """
            <cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
            xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" \
            xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\
            <dc:title>\(OOXMLEscape.escapeText(title))</dc:title>\
            <dc:creator>\(who)</dc:creator>\
            <cp:lastModifiedBy>\(who)</cp:lastModifiedBy>\
            <dcterms:created xsi:type="dcterms:W3CDTF">\(when)</dcterms:created>\
            <dcterms:modified xsi:type="dcterms:W3CDTF">\(when)</dcterms:modified>\
            </cp:coreProperties>
            """
    }

    static let app =
        xmlDeclaration + """
            <Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" \
            xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Application>celedger</Application></Properties>
            """

    /// Packs the workbook and puts it in place. `creator` and `created` go into docProps/core.xml.
    public func finish(creator: String, created: Date, title: String) throws(SheetError) {
        precondition(!done, "finish called twice")
        defer { done = true }
        do throws(SheetError) {
            try flush()
            if fsync(body) != 0 && errno != EINVAL { throw Self.cannotWrite(path, errno) }
            close(body)
            body = -1
            try pack(creator: creator, created: created, title: title)
            let fd = open(packagePath, O_RDONLY | O_CLOEXEC)
            if fd >= 0 {
                fsync(fd)
                close(fd)
            }
            if writeThrough {
                guard let data = FileManager.default.contents(atPath: packagePath) else { throw Self.cannotWrite(path, errno) }
                try OutputFile.write(data, to: path)
                unlink(packagePath)
            } else {
                if try OutputFile.target(path) != .replace { throw Self.cannotWrite(path, EEXIST) }
                if rename(packagePath, path) != 0 { throw Self.cannotWrite(path, errno) }
            }
            unlink(bodyPath)
        } catch {
            cleanUp()
            throw error
        }
    }

    private func pack(creator: String, created: Date, title: String) throws(SheetError) {
        do {
            // Created owner-only and exclusively, as an empty archive (its end record), then filled.
            let fd = open(packagePath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd < 0 { throw Self.cannotWrite(path, errno) }
            let emptyArchive: [UInt8] = [0x50, 0x4B, 0x05, 0x06] + [UInt8](repeating: 0, count: 18)
            let wrote = emptyArchive.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            close(fd)
            if wrote != emptyArchive.count { throw Self.cannotWrite(path, errno) }
            let archive = try Archive(url: URL(fileURLWithPath: packagePath), accessMode: .update)
            func add(_ part: String, _ text: String) throws {
                let data = Data(text.utf8)
                try archive.addEntry(
                    with: part, type: .file, uncompressedSize: Int64(data.count), modificationDate: created,
                    compressionMethod: .deflate
                ) { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            }
            let names = [sheetName] + extraSheets.map(\.name)
            try add("[Content_Types].xml", Self.contentTypes(sheets: names.count))
            try add("_rels/.rels", Self.rootRelationships)
            try add("docProps/core.xml", Self.core(creator: creator, created: created, title: title))
            try add("docProps/app.xml", Self.app)
            var printTitles: [Int: Int] = printFirstSheet ? [0: 1] : [:]
            for (i, sheet) in extraSheets.enumerated() { if let row = sheet.printTitleRow { printTitles[i + 1] = row } }
            try add("xl/workbook.xml", Self.workbook(names, printTitles: printTitles))
            try add("xl/_rels/workbook.xml.rels", Self.workbookRelationships(sheets: names.count))
            try add("xl/styles.xml", Self.styles)

            // The first sheet: the head (which needs the column widths, known only now), the streamed rows, the tail.
            let head = Data(
                Self.sheetPrefix(
                    columns: columns, widths: widths, rows: rows, frozen: true, selected: true, fitToPage: printFirstSheet
                ).utf8)
            let tail = Data(
                (printFirstSheet ? "</sheetData>" + Self.printTail(merges: [], landscape: landscape) : Self.sheetSuffix).utf8)
            guard let rowsFile = FileHandle(forReadingAtPath: bodyPath) else { throw Self.cannotWrite(path, errno) }
            defer { try? rowsFile.close() }
            let total = head.count + bodyBytes + tail.count
            try archive.addEntry(
                with: "xl/worksheets/sheet1.xml", type: .file, uncompressedSize: Int64(total),
                modificationDate: created, compressionMethod: .deflate, bufferSize: 1 << 16
            ) { position, size in
                var out = Data()
                var at = Int(position)
                let end = at + size
                while at < end {
                    if at < head.count {
                        let n = min(end, head.count) - at
                        out.append(head.subdata(in: at..<at + n))
                        at += n
                    } else if at < head.count + bodyBytes {
                        let offset = at - head.count
                        let n = min(end - at, bodyBytes - offset)
                        try rowsFile.seek(toOffset: UInt64(offset))
                        guard let chunk = try rowsFile.read(upToCount: n), chunk.count == n else {
                            throw SheetError(zh: "临时文件 \(bodyPath) 读取失败", en: "cannot read the temporary file \(bodyPath)")
                        }
                        out.append(chunk)
                        at += n
                    } else {
                        let offset = at - head.count - bodyBytes
                        let n = min(end - at, tail.count - offset)
                        out.append(tail.subdata(in: offset..<offset + n))
                        at += n
                    }
                }
                return out
            }
            for (i, sheet) in extraSheets.enumerated() {
                try add("xl/worksheets/sheet\(i + 2).xml", sheet.xml)
            }
        } catch let e as SheetError {
            throw e
        } catch {
            let reason =
                (error as NSError).domain == NSPOSIXErrorDomain ? SheetError.reason(Int32((error as NSError).code)) : "\(error)"
            throw SheetError.cannotWrite(path, reason)
        }
    }

    private func cleanUp() {
        if body >= 0 {
            close(body)
            body = -1
        }
        unlink(bodyPath)
        unlink(packagePath)
    }

    /// Gives up: removes the temporary files; nothing is written under `path`.
    public func abandon() {
        done = true
        cleanUp()
    }
}
