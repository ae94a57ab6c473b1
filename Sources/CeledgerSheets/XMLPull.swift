import Foundation

/// Where an XML pull parser's bytes come from: a zip entry being inflated, or memory.
protocol ByteChunks: AnyObject {
    /// The next chunk, or nil at the end.
    func nextChunk() throws -> [UInt8]?
}

/// A problem with the XML of one part of a spreadsheet package.
struct XMLSyntaxError: Error {
    let message: SheetMessage
    /// A limit of the parser was reached (the XML may be well formed): not said as "not valid XML".
    var isLimit = false
    init(_ zh: String, _ en: String, isLimit: Bool = false) {
        message = SheetMessage(zh: zh, en: en)
        self.isLimit = isLimit
    }
}

/// A small streaming XML tokenizer for spreadsheet parts: start tags with their attributes, end tags and
/// text, one at a time, without building a tree. It knows what SpreadsheetML needs: the five predefined
/// entities and character references, CDATA, comments and processing instructions (skipped), namespace
/// prefixes (names are compared by their local part). A DOCTYPE is refused: spreadsheets have none, and
/// refusing it rules out entity expansion attacks.
///
/// Token data (names, attributes, text) are ranges into an internal buffer, valid until the next call
/// to `next()`. Memory is bounded by the largest single tag or text run (`maxTokenBytes`), not the document.
final class XMLPullParser {
    enum Event: Equatable { case start, end, text, eof }

    private let source: ByteChunks?
    private var buf: [UInt8]
    private var pos = 0
    private var sourceDone: Bool
    /// Bytes taken from the source so far (for progress).
    private(set) var loaded = 0
    /// Bytes consumed by tokens so far.
    private(set) var consumed = 0
    /// The largest tag or text run: 8 MB. A cell's text is limited to 1 MB once decoded
    /// (`XLSXReader.Limits.cellBytes`), and written wholly as entities (`&quot;`, six bytes for one) it
    /// still fits; no spreadsheet part has a bigger token. The buffer never holds much more than this.
    static let maxTokenBytes = 8 << 20
    static let maxTokenText = "\(maxTokenBytes >> 20) MB"

    // The current token.
    private(set) var selfClosing = false
    private var nameRange = 0..<0
    private var localStart = 0
    private var textRange = 0..<0
    private var textIsCDATA = false
    private struct Attribute {
        var name: Range<Int>
        var local: Int
        var value: Range<Int>
    }
    private var attributes: [Attribute] = []

    init(source: ByteChunks) {
        self.source = source
        self.buf = []
        self.sourceDone = false
    }

    init(bytes: [UInt8]) {
        self.source = nil
        self.buf = bytes
        self.sourceDone = true
        self.loaded = bytes.count
    }

    // MARK: input

    /// Appends the next chunk; false at the end of the input.
    private func load() throws -> Bool {
        if sourceDone { return false }
        guard let chunk = try source?.nextChunk() else {
            sourceDone = true
            return false
        }
        if buf.count - pos + chunk.count > XMLPullParser.maxTokenBytes + (1 << 20) {
            throw XMLSyntaxError(
                "有一个标记或文本超过 \(Self.maxTokenText)", "a single tag or text is larger than \(Self.maxTokenText)", isLimit: true)
        }
        buf.append(contentsOf: chunk)
        loaded += chunk.count
        return true
    }

    private func compact() {
        if pos > (1 << 18) {
            buf.removeSubrange(0..<pos)
            pos = 0
        }
    }

    /// The index of the first `byte` at or after `from`, loading more input as needed; nil at the end.
    private func find(_ byte: UInt8, from: Int) throws -> Int? {
        var i = from
        while true {
            let found: Int? = buf.withUnsafeBufferPointer { p in
                var j = i
                while j < p.count {
                    if p[j] == byte { return j }
                    j += 1
                }
                return nil
            }
            if let found { return found }
            i = max(i, buf.count)
            guard try load() else { return nil }
        }
    }

    /// The index of the first byte of `pattern` at or after `from`.
    private func find(_ pattern: [UInt8], from: Int) throws -> Int? {
        var i = from
        while true {
            guard let j = try find(pattern[0], from: i) else { return nil }
            while j + pattern.count > buf.count { guard try load() else { return nil } }
            if buf[j..<(j + pattern.count)].elementsEqual(pattern) { return j }
            i = j + 1
        }
    }

    /// The '>' that ends the tag starting at `from`, skipping any inside quoted attribute values.
    private func tagEnd(from: Int) throws -> Int? {
        var i = from
        var quote: UInt8 = 0
        while true {
            let found: Int? = buf.withUnsafeBufferPointer { p in
                var j = i
                while j < p.count {
                    let c = p[j]
                    if quote != 0 {
                        if c == quote { quote = 0 }
                    } else if c == 0x22 || c == 0x27 {
                        quote = c
                    } else if c == 0x3E {
                        return j
                    }
                    j += 1
                }
                i = j
                return nil
            }
            if let found { return found }
            guard try load() else { return nil }
        }
    }

    private func hasPrefix(_ literal: [UInt8], at i: Int) throws -> Bool {
        while i + literal.count > buf.count { guard try load() else { return false } }
        return buf[i..<(i + literal.count)].elementsEqual(literal)
    }

    // MARK: tokens

    func next() throws -> Event {
        compact()
        while true {
            if pos >= buf.count { guard try load() else { return .eof } }
            if buf[pos] != 0x3C {  // text up to the next '<' (or the end)
                let lt = try find(0x3C, from: pos) ?? buf.count
                textRange = pos..<lt
                textIsCDATA = false
                advance(to: lt)
                return .text
            }
            // Markup: a tag unless '<' is followed by '?' or '!'.
            while pos + 1 >= buf.count { guard try load() else { throw eof(">") } }
            let second = buf[pos + 1]
            if second != 0x3F && second != 0x21 {
                guard let gt = try tagEnd(from: pos + 1) else { throw eof(">") }
                if gt - pos > XMLPullParser.maxTokenBytes {
                    throw XMLSyntaxError(
                        "有一个标记超过 \(Self.maxTokenText)", "a tag is larger than \(Self.maxTokenText)", isLimit: true)
                }
                if second == 0x2F {  // </name>
                    var e = gt
                    while e > pos + 2 && isSpace(buf[e - 1]) { e -= 1 }
                    setName(start: pos + 2, end: e)
                    guard !nameRange.isEmpty else { throw malformed() }
                    attributes.removeAll(keepingCapacity: true)
                    selfClosing = false
                    advance(to: gt + 1)
                    return .end
                }
                try parseStartTag(from: pos + 1, to: gt)
                advance(to: gt + 1)
                return .start
            }
            if try hasPrefix(Self.pi, at: pos) {
                guard let e = try find(Self.piEnd, from: pos + 2) else { throw eof("?>") }
                advance(to: e + 2)
                continue
            }
            if try hasPrefix(Self.commentStart, at: pos) {
                guard let e = try find(Self.commentEnd, from: pos + 4) else { throw eof("-->") }
                advance(to: e + 3)
                continue
            }
            if try hasPrefix(Self.cdataStart, at: pos) {
                guard let e = try find(Self.cdataEnd, from: pos + 9) else { throw eof("]]>") }
                textRange = (pos + 9)..<e
                textIsCDATA = true
                advance(to: e + 3)
                return .text
            }
            if try hasPrefix(Self.doctype, at: pos) {
                throw XMLSyntaxError(
                    "含有 DTD 声明（<!DOCTYPE），电子表格不应有，拒绝读取", "has a DTD (<!DOCTYPE), which spreadsheets never have; refused")
            }
            throw malformed()
        }
    }

    private func advance(to i: Int) {
        consumed += i - pos
        pos = i
    }

    private func eof(_ expected: String) -> XMLSyntaxError {
        XMLSyntaxError("XML 意外结束（缺少“\(expected)”）", "the XML ends unexpectedly (\"\(expected)\" missing)")
    }

    private func malformed() -> XMLSyntaxError {
        XMLSyntaxError("XML 格式错误（第 \(consumed + 1) 字节附近）", "malformed XML (near byte \(consumed + 1))")
    }

    @inline(__always) private func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

    private func setName(start: Int, end: Int) {
        nameRange = start..<end
        localStart = start
        var i = start
        while i < end {
            if buf[i] == 0x3A { localStart = i + 1 }
            i += 1
        }
    }

    private func parseStartTag(from start: Int, to gt: Int) throws {
        var end = gt
        selfClosing = false
        if end > start && buf[end - 1] == 0x2F {
            selfClosing = true
            end -= 1
        }
        var i = start
        while i < end && !isSpace(buf[i]) { i += 1 }
        setName(start: start, end: i)
        guard !nameRange.isEmpty else { throw malformed() }
        attributes.removeAll(keepingCapacity: true)
        while true {
            while i < end && isSpace(buf[i]) { i += 1 }
            if i >= end { break }
            let ns = i
            var local = i
            while i < end && buf[i] != 0x3D && !isSpace(buf[i]) {
                if buf[i] == 0x3A { local = i + 1 }
                i += 1
            }
            let ne = i
            while i < end && isSpace(buf[i]) { i += 1 }
            guard i < end, buf[i] == 0x3D, ne > ns else { throw malformed() }
            i += 1
            while i < end && isSpace(buf[i]) { i += 1 }
            guard i < end, buf[i] == 0x22 || buf[i] == 0x27 else { throw malformed() }
            let q = buf[i]
            i += 1
            let vs = i
            while i < end && buf[i] != q { i += 1 }
            guard i < end else { throw malformed() }
            attributes.append(Attribute(name: ns..<ne, local: local, value: vs..<i))
            i += 1
        }
    }

    // MARK: reading the current token

    /// Whether the current tag's local name (without a namespace prefix) is `name`.
    func isNamed(_ name: [UInt8]) -> Bool {
        buf[localStart..<nameRange.upperBound].elementsEqual(name)
    }

    var localName: String { String(decoding: buf[localStart..<nameRange.upperBound], as: UTF8.self) }

    /// The raw bytes of an attribute, matched by its full name (`r`, `t`, `s`).
    func rawAttribute(_ name: [UInt8]) -> ArraySlice<UInt8>? {
        for a in attributes where buf[a.name].elementsEqual(name) { return buf[a.value] }
        return nil
    }

    /// An attribute's decoded value, by full name, or (`prefixed`) by local name with any prefix (`r:id`).
    func attribute(_ name: [UInt8], prefixed: Bool = false) throws -> String? {
        for a in attributes {
            let matches =
                prefixed
                ? a.local > a.name.lowerBound && buf[a.local..<a.name.upperBound].elementsEqual(name)
                : buf[a.name].elementsEqual(name)
            if matches {
                var out: [UInt8] = []
                try decode(a.value, attribute: true, into: &out)
                return String(decoding: out, as: UTF8.self)
            }
        }
        return nil
    }

    /// Whether the current text is only white space (indentation between tags).
    var textIsBlank: Bool {
        !textIsCDATA && buf[textRange].allSatisfy { isSpace($0) }
    }

    /// Appends the current text, entities resolved and line ends normalised, to `out`.
    func appendText(to out: inout [UInt8]) throws {
        if textIsCDATA {
            normaliseLineEnds(buf[textRange], into: &out)
        } else {
            try decode(textRange, attribute: false, into: &out)
        }
    }

    private func normaliseLineEnds(_ bytes: ArraySlice<UInt8>, into out: inout [UInt8]) {
        guard bytes.contains(0x0D) else {
            out.append(contentsOf: bytes)
            return
        }
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let c = bytes[i]
            if c == 0x0D {
                out.append(0x0A)
                if i + 1 < bytes.endIndex && bytes[i + 1] == 0x0A { i += 1 }
            } else {
                out.append(c)
            }
            i += 1
        }
    }

    /// Resolves entities and character references; a literal CR or CRLF becomes LF (XML's line-end rule),
    /// while `&#13;` stays a CR. In attribute values literal tabs and line breaks become spaces.
    private func decode(_ range: Range<Int>, attribute: Bool, into out: inout [UInt8]) throws {
        let bytes = buf[range]
        if !bytes.contains(0x26) && !bytes.contains(0x0D) && !(attribute && (bytes.contains(0x09) || bytes.contains(0x0A))) {
            out.append(contentsOf: bytes)
            return
        }
        var i = range.lowerBound
        let end = range.upperBound
        while i < end {
            let c = buf[i]
            switch c {
            case 0x26:  // &
                guard let semi = buf[i..<end].firstIndex(of: 0x3B), semi - i <= 12 else { throw badEntity(i, end) }
                let ent = buf[(i + 1)..<semi]
                if ent.first == 0x23 {  // &#…;
                    var value: UInt32 = 0
                    let hex = ent.dropFirst().first == 0x78 || ent.dropFirst().first == 0x58
                    let digits = ent.dropFirst(hex ? 2 : 1)
                    guard !digits.isEmpty else { throw badEntity(i, end) }
                    for d in digits {
                        let v: UInt32
                        switch d {
                        case 0x30...0x39: v = UInt32(d - 0x30)
                        case 0x61...0x66 where hex: v = UInt32(d - 0x61 + 10)
                        case 0x41...0x46 where hex: v = UInt32(d - 0x41 + 10)
                        default: throw badEntity(i, end)
                        }
                        value = value * (hex ? 16 : 10) + v
                        if value > 0x10FFFF { throw badEntity(i, end) }
                    }
                    guard value != 0, let scalar = Unicode.Scalar(value) else { throw badEntity(i, end) }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                } else if ent.elementsEqual(Self.amp) {
                    out.append(0x26)
                } else if ent.elementsEqual(Self.lt) {
                    out.append(0x3C)
                } else if ent.elementsEqual(Self.gt) {
                    out.append(0x3E)
                } else if ent.elementsEqual(Self.quot) {
                    out.append(0x22)
                } else if ent.elementsEqual(Self.apos) {
                    out.append(0x27)
                } else {
                    throw badEntity(i, end)
                }
                i = semi + 1
            case 0x0D:
                out.append(attribute ? 0x20 : 0x0A)
                if i + 1 < end && buf[i + 1] == 0x0A { i += 1 }
                i += 1
            case 0x09, 0x0A:
                out.append(attribute ? 0x20 : c)
                i += 1
            default:
                out.append(c)
                i += 1
            }
        }
    }

    private func badEntity(_ i: Int, _ end: Int) -> XMLSyntaxError {
        let shown = String(decoding: buf[i..<min(end, i + 12)], as: UTF8.self)
        return XMLSyntaxError("XML 中有无法识别的实体“\(shown)”", "unknown entity \"\(shown)\" in the XML")
    }

    /// Skips everything up to and including the end of the element just started.
    func skipElement() throws {
        if selfClosing { return }
        var depth = 1
        while depth > 0 {
            switch try next() {
            case .start: if !selfClosing { depth += 1 }
            case .end: depth -= 1
            case .text: break
            case .eof: throw eof("</…>")
            }
        }
    }

    private static let pi = Array("<?".utf8), piEnd = Array("?>".utf8)
    private static let commentStart = Array("<!--".utf8), commentEnd = Array("-->".utf8)
    private static let cdataStart = Array("<![CDATA[".utf8), cdataEnd = Array("]]>".utf8)
    private static let doctype = Array("<!DOCTYPE".utf8)
    private static let amp = Array("amp".utf8), lt = Array("lt".utf8), gt = Array("gt".utf8)
    private static let quot = Array("quot".utf8), apos = Array("apos".utf8)
}

/// OOXML's escape for characters XML cannot hold: `_xHHHH_` is the UTF-16 code unit HHHH, and `_x005F_`
/// an underscore that would otherwise start such an escape.
enum OOXMLEscape {
    static func unescape(_ s: String) -> String {
        guard s.utf8.count >= 7 else { return s }
        var found = false
        var previous: UInt8 = 0
        for c in s.utf8 {
            if previous == 0x5F && (c == 0x78 || c == 0x58) {
                found = true
                break
            }
            previous = c
        }
        guard found else { return s }
        var units: [UInt16] = []
        let u = Array(s.utf16)
        var i = 0
        func hex(_ c: UInt16) -> UInt16? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x41...0x46: c - 0x41 + 10
            case 0x61...0x66: c - 0x61 + 10
            default: nil
            }
        }
        while i < u.count {
            if u[i] == 0x5F, i + 6 < u.count, u[i + 1] == 0x78 || u[i + 1] == 0x58, u[i + 6] == 0x5F,
                let a = hex(u[i + 2]), let b = hex(u[i + 3]), let c = hex(u[i + 4]), let d = hex(u[i + 5])
            {
                units.append(a << 12 | b << 8 | c << 4 | d)
                i += 7
            } else {
                units.append(u[i])
                i += 1
            }
        }
        return String(decoding: units, as: UTF16.self)
    }

    /// Text as an XML text node: `&` `<` `>` escaped, a CR as `&#13;` (a literal one would become LF), other
    /// characters XML 1.0 cannot hold as `_xHHHH_`, and an underscore that starts something that looks like
    /// such an escape as `_x005F_`.
    static func escapeText(_ s: String, attribute: Bool = false) -> String {
        var needs = false
        for u in s.utf8
        where u == 0x26 || u == 0x3C || u == 0x3E || u == 0x5F || u < 0x20 || (attribute && u == 0x22) || u == 0xEF {
            needs = true
            break
        }
        guard needs else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        let scalars = Array(s.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            switch c.value {
            case 0x26: out += "&amp;"
            case 0x3C: out += "&lt;"
            case 0x3E: out += "&gt;"
            case 0x22 where attribute: out += "&quot;"
            case 0x0D: out += "&#13;"
            case 0x09, 0x0A: out.unicodeScalars.append(c)
            case 0x00..<0x20, 0xFFFE, 0xFFFF:
                let h = String(c.value, radix: 16, uppercase: true)
                out += "_x" + String(repeating: "0", count: 4 - h.count) + h + "_"
            case 0x5F:
                // "_x0041_" would read back as "A": escape the underscore.
                if i + 6 < scalars.count, scalars[i + 1] == "x" || scalars[i + 1] == "X", scalars[i + 6] == "_",
                    scalars[(i + 2)...(i + 5)].allSatisfy({ $0.properties.isASCIIHexDigit })
                {
                    out += "_x005F_"
                } else {
                    out += "_"
                }
            default: out.unicodeScalars.append(c)
            }
            i += 1
        }
        return out
    }
}
