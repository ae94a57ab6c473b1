/// Rows held for a COPY, already in its text format: one byte buffer, not an array of optional Strings per
/// row. An import of a million records held each checked row as 21 Strings (and the file's row beside it)
/// until the transaction: 2.3 GiB, and seconds spent freeing them at the end.
struct CopyRows {
    private(set) var bytes: [UInt8] = []

    init() {}

    init(_ rows: [[String?]]) {
        for row in rows { append(row) }
    }

    /// One row: tab-separated, `\N` for NULL, backslash, tab and line breaks escaped.
    mutating func append(_ row: [String?]) {
        for (i, v) in row.enumerated() {
            if i > 0 { bytes.append(0x09) }
            if let v { PGConnection.appendCopyEscaped(v, to: &bytes) } else { bytes.append(contentsOf: [0x5C, 0x4E]) }
        }
        bytes.append(0x0A)
    }
}

/// Many rows of text fields in one buffer (each row's fields end to end, with their ends): what an import
/// keeps of the file's rows until it knows which ones to name in its rejected rows, without a String each.
struct FieldArena {
    private var bytes: [UInt8] = []
    /// Where each field ends in `bytes`; `rowStarts[r]` is row r's first field's index there.
    private var ends: [Int] = []
    private var rowStarts: [Int] = []

    mutating func append(_ fields: [String]) {
        rowStarts.append(ends.count)
        for var f in fields {
            f.withUTF8 { bytes.append(contentsOf: $0) }
            ends.append(bytes.count)
        }
    }

    /// Row `r`'s fields as appended.
    func fields(_ r: Int) -> [String] {
        let first = rowStarts[r], last = r + 1 < rowStarts.count ? rowStarts[r + 1] : ends.count
        return (first..<last).map { i in
            String(decoding: bytes[(i == 0 ? 0 : ends[i - 1])..<ends[i]], as: UTF8.self)
        }
    }
}
