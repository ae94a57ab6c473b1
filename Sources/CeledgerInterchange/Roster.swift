import CeledgerDomain
import CeledgerSheets
import CeledgerText

/// A row the roster left out before the import saw it, and why: a title above the header, a total row,
/// a row with nothing in the columns the ledger reads.
public struct SkippedRow: Sendable, Hashable {
    public enum Reason: Sendable, Hashable {
        /// Above the header row (a title, a group header).
        case aboveHeader
        /// 合计, 总计, 小计…: the cell that says so.
        case total(String)
        /// Nothing in the columns the import reads (a numbered but empty row).
        case empty
    }
    public let line: Int
    public let reason: Reason

    public var message: Message {
        switch reason {
        case .aboveHeader: Message(zh: "在表头之上（标题），已跳过", en: "above the header row (a title); skipped")
        case .total(let cell): Message(zh: "是合计行（“\(cell)”），已跳过", en: "a total row (\"\(cell)\"); skipped")
        case .empty: Message(zh: "所用各列均为空，已跳过", en: "empty in every column the import reads; skipped")
        }
    }
}

/// What a clerk's own spreadsheet needs before its rows are read as ledger rows: the header row found
/// among the first rows (below a merged title, or the second row of a two-row header), total and empty
/// rows left out, the unit filled in for a one-employer file, and the title level derived from a known
/// title. A `RowSource` over another: the import behind it sees a plain file whose first row is the header.
public final class RosterSource: RowSource {
    /// How a roster's gaps are filled.
    public struct Filling: Sendable {
        /// The unit of rows without one (`--unit`, else the ledger's own employer); persons only.
        public var unit: String?
        /// Title → level (its key, e.g. "deputy_senior"), for rows whose level is blank; persons only.
        public var titleLevels: [String: String]
        public init(unit: String? = nil, titleLevels: [String: String] = [:]) {
            self.unit = unit
            self.titleLevels = titleLevels
        }
    }

    /// How many rows from the top the header is looked for in.
    public static let headerSearchRows = 10
    /// A row with more cells than this is no header.
    static let maxHeaderColumns = 1000
    /// Cells that make a row a total: 合计, 总计, 小计 and their spellings.
    public static let totalWords = ["合计", "总计", "小计", "共计", "累计", "总数", "total", "subtotal", "sum"]
    /// The first scalar of each total word (ASCII in lower case).
    static let totalInitials = Set(totalWords.compactMap { $0.unicodeScalars.first?.value })

    let source: any RowSource
    let kind: RowKind
    let filling: Filling
    /// The header row as the import sees it (with the columns the roster adds).
    public private(set) var header: CSVRow?
    /// The header row as the file has it.
    public private(set) var fileHeader: CSVRow?
    /// Rows read ahead while looking for the header, still to be returned.
    private var pending: [CSVRow] = []
    private var started = false
    /// A problem met while reading ahead, thrown once the rows before it are returned.
    private var deferredError: CSVError?
    /// Whether a header naming known columns was found (else rows pass as they are, for the import to judge).
    private var detected = false
    /// Columns the ledger reads, by index, and the columns the roster fills.
    private var known: [Int] = []
    private var unitColumn: Int?
    private var addsUnit = false
    private var titleColumn: Int?
    private var levelColumn: Int?
    private var addsLevel = false
    /// Rows left out, in file order.
    public private(set) var skipped: [SkippedRow] = []

    public init(_ source: any RowSource, kind: RowKind, filling: Filling = Filling()) {
        self.source = source
        self.kind = kind
        self.filling = filling
    }

    public var bytesRead: Int { source.bytesRead }
    public var totalBytes: Int? { source.totalBytes }

    /// The header cells the ledger has no use for, as written (blank headers left out).
    public var ignoredColumns: [String] {
        guard let fileHeader else { return [] }
        return fileHeader.fields.map(\.trimmedField).filter {
            !$0.isEmpty && Field.fromHeader($0, kind: kind) == nil && !HeaderMap.annotationHeaders.contains($0.lowercased())
                && !HeaderMap.isCompanion($0, kind: kind)
        }
    }

    /// The longest cell, in bytes, that can be a total row's label ("合 计：1,234 人" and the like).
    static let longestTotalCell = 64

    /// The longest cell, in bytes, that is looked up as a column's name while the header is searched for.
    static let longestHeaderCell = 256

    /// How many of a row's cells name a known column.
    static func score(_ fields: [String], kind: RowKind) -> Int {
        // A header has a few dozen columns; a row of millions of cells (a hostile file) is none.
        guard fields.count <= maxHeaderColumns else { return 0 }
        // A header cell is a few words; a long cell is data, and not worth normalising to find out.
        return Set(
            fields.lazy.filter { !$0.isEmpty && $0.utf8.count <= longestHeaderCell }.compactMap {
                Field.fromHeader($0, kind: kind)
            }
        ).count
            + (fields.contains { HeaderMap.isCompanion($0, kind: kind) } ? 1 : 0)
    }

    /// A header row's blank cells take the cell above when the row above is a group header (two or more
    /// cells), as a vertically merged header cell keeps its text in the top row.
    static func merged(_ row: CSVRow, above: CSVRow?) -> CSVRow {
        guard let above, row.fields.count <= maxHeaderColumns, above.fields.count <= maxHeaderColumns,
            above.fields.filter({ !$0.trimmedField.isEmpty }).count >= 2
        else { return row }
        let width = max(row.fields.count, above.fields.count)
        let fields = (0..<width).map { i -> String in
            let own = i < row.fields.count ? row.fields[i] : ""
            if !own.trimmedField.isEmpty { return own }
            return i < above.fields.count ? above.fields[i] : ""
        }
        return CSVRow(line: row.line, fields: fields, damaged: row.damaged)
    }

    /// Finds the header: of the first rows, the one naming the most known columns (at least two; the first
    /// of equals), else the first row, whose errors the import then reports.
    private func start() throws(CSVError) {
        started = true
        var head: [CSVRow] = []
        do {
            while head.count < Self.headerSearchRows, let row = try source.next() { head.append(row) }
        } catch {
            // The rows before the problem are still read (the header among them), and the problem is then
            // reported where it is, with the header naming its column.
            guard !head.isEmpty else { throw error }
            deferredError = error
        }
        guard !head.isEmpty else { return }
        var best = 0
        var bestScore = 0
        var candidates: [CSVRow] = []
        for (i, row) in head.enumerated() {
            let candidate = Self.merged(row, above: i > 0 ? head[i - 1] : nil)
            candidates.append(candidate)
            let s = Self.score(candidate.fields, kind: kind)
            if s > bestScore {
                best = i
                bestScore = s
            }
        }
        if bestScore < 2 { best = 0 }
        detected = bestScore >= 2
        let chosen = bestScore < 2 ? head[0] : candidates[best]
        skipped = head[..<best].map { SkippedRow(line: $0.line, reason: .aboveHeader) }
        fileHeader = chosen
        pending = Array(head[(best + 1)...])

        var fields = chosen.fields
        for (i, cell) in fields.enumerated() where detected {
            let f = Field.fromHeader(cell, kind: kind)
            if f != nil { known.append(i) }
            if f == .unit { unitColumn = i }
            if f == .title { titleColumn = i }
            if f == .titleLevel { levelColumn = i }
        }
        if kind == .person, bestScore >= 2 {
            if unitColumn == nil, let unit = filling.unit, !unit.trimmedField.isEmpty {
                unitColumn = fields.count
                addsUnit = true
                fields.append(Field.unit.zh(in: kind))
            }
            if levelColumn == nil, titleColumn != nil, !filling.titleLevels.isEmpty {
                levelColumn = fields.count
                addsLevel = true
                fields.append(Field.titleLevel.zh(in: kind))
            }
        }
        header = CSVRow(line: chosen.line, fields: fields, damaged: chosen.damaged)
    }

    /// The cell that makes a row a total row, if one does: among its first cells (before the ID), a
    /// total word, maybe spaced out ("合 计") or followed by a count ("合计：25人").
    static func totalCell(_ fields: [String]) -> String? {
        for cell in fields.prefix(4) {
            // A total label is a few characters; a long cell (a name, a hostile megabyte) is none, and is not
            // copied to find out.
            guard cell.utf8.count <= Self.longestTotalCell else { continue }
            // Most cells start with a visible ASCII character or an ideograph (no space to skip, nothing that
            // combines with it) that begins no total word: an ID number, a name, a date. Decided on the
            // first scalar, without forming Characters (which asks Unicode's tables for each one).
            if let f = cell.unicodeScalars.first,
                (0x21...0x7E).contains(f.value) || (0x3400...0x9FFF).contains(f.value),
                !totalInitials.contains((0x41...0x5A).contains(f.value) ? f.value | 0x20 : f.value)
            {
                continue
            }
            let squeezed = cell.trimmedField.filter { !$0.isWhitespace }
            guard !squeezed.isEmpty else { continue }
            let lower = squeezed.lowercased()
            if totalWords.contains(where: { lower == $0 || (lower.hasPrefix($0) && !$0.allSatisfy(\.isASCII)) }) {
                return cell.trimmedField
            }
        }
        return nil
    }

    public func next() throws(CSVError) -> CSVRow? {
        if !started {
            try start()
            if let header { return header }
        }
        while true {
            let row: CSVRow
            if !pending.isEmpty {
                row = pending.removeFirst()
            } else if let e = deferredError {
                deferredError = nil
                throw e
            } else {
                guard let r = try source.next() else { return nil }
                row = r
            }
            guard header != nil, detected else { return row }
            if ExportStamp.isStamp(row.fields) { return row }
            if let cell = Self.totalCell(row.fields) {
                skipped.append(SkippedRow(line: row.line, reason: .total(cell)))
                continue
            }
            // (A row longer than the header is left to the import, which says so.)
            if !known.isEmpty, row.fields.count <= (fileHeader?.fields.count ?? 0),
                known.allSatisfy({ $0 >= row.fields.count || !row.fields[$0].contains { !$0.isWhitespace } })
            {
                skipped.append(SkippedRow(line: row.line, reason: .empty))
                continue
            }
            return filled(row)
        }
    }

    /// The row with the unit and the title level filled where the file leaves them blank.
    private func filled(_ row: CSVRow) -> CSVRow {
        guard addsUnit || addsLevel || unitColumn != nil || levelColumn != nil, kind == .person else { return row }
        var fields = row.fields
        let width = fileHeader?.fields.count ?? fields.count
        // A row shorter than the header (a spreadsheet leaves out trailing empty cells) is padded first.
        if (addsUnit || addsLevel) && fields.count < width { fields += Array(repeating: "", count: width - fields.count) }
        if addsUnit && fields.count == width { fields.append("") }
        if addsLevel && fields.count == width + (addsUnit ? 1 : 0) { fields.append("") }
        if let u = unitColumn, u < fields.count, fields[u].trimmedField.isEmpty, let unit = filling.unit {
            fields[u] = unit.trimmedField
        }
        if let l = levelColumn, let t = titleColumn, l < fields.count, t < fields.count, fields[l].trimmedField.isEmpty,
            let level = filling.titleLevels[fields[t].trimmedField]
        {
            fields[l] = level
        }
        return CSVRow(line: row.line, fields: fields, damaged: row.damaged)
    }

    /// The title → level table of data/titles/title-levels.csv: lines "title,level" (a level as the
    /// ledger's vocabulary reads it: 正高级, 副高级, 中级, 初级), `#` comments.
    public static func titleLevels(csv: String) -> [String: String] {
        var table: [String: String] = [:]
        for line in csv.split(whereSeparator: \.isNewline) {
            let text = String(line).trimmedField
            guard !text.isEmpty, !text.hasPrefix("#") else { continue }
            let parts = text.split(separator: ",", maxSplits: 1).map { String($0).trimmedField }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, parts[0] != "title" else { continue }
            table[parts[0]] = parts[1]
        }
        return table
    }
}

extension HeaderMap {
    /// Every header a kind of file may use for a field: its key, its Chinese header and the synonyms.
    static func names(of field: Field, kind: RowKind) -> [String] {
        [field.key, field.exportKey(in: kind), field.zh(in: kind)]
            + Field.synonyms(in: kind).filter { $0.value == field }.map(\.key)
    }

    /// The file's header nearest to a missing field's names, if one is near enough to be a misspelling.
    static func nearest(to field: Field, kind: RowKind, among headers: [String]) -> String? {
        let names = names(of: field, kind: kind)
        var best: (String, Int)?
        for h in headers.map(\.trimmedField) where !h.isEmpty && Field.fromHeader(h, kind: kind) == nil {
            for n in names {
                let d = editDistance(Array(h.lowercased()), Array(n.lowercased()))
                let limit = max(1, min(h.count, n.count) / 2)
                // A header containing the name, or the name containing it ("身份证编号", "证件号").
                let contains = h.count >= 2 && n.count >= 2 && (h.contains(n) || n.contains(h))
                if d <= limit || contains, best == nil || d < best!.1 { best = (h, contains ? min(d, 1) : d) }
            }
        }
        return best?.0
    }

    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

extension HeaderMap {
    /// Columns a file may carry that the ledger reads past without a word: a records file's 姓名 (a records
    /// export carries it for people to read).
    public static func isCompanion(_ header: String, kind: RowKind) -> Bool {
        kind == .record && ["name", "姓名"].contains(header.trimmedField.lowercased())
    }
}
