import Foundation

/// Pinyin of Chinese names: their initials, for search ("zs" finds 张三), from the table shipped in
/// data/pinyin/initials.tsv (character, tab, first letters of its readings, commonest first); and their
/// order by name (`nameKey(of:)`), from data/pinyin/readings.tsv (each character's commonest reading,
/// and a surname's reading where it differs).
public struct PinyinIndex: Sendable {
    /// First letters of a character's readings, commonest first, as lower-case ASCII.
    private var letters: [Unicode.Scalar: [UInt8]] = [:]
    /// Letters of a character's surname reading, where it has one of its own (曾 zēng).
    private var surnameLetters: [Unicode.Scalar: [UInt8]] = [:]

    /// A character's commonest reading as stored: letters (ü as v), then the tone's digit (5: neutral).
    private var readings: [Unicode.Scalar: [UInt8]] = [:]
    /// The reading a name's first character has as a surname, where it is not the commonest (单 shan4).
    private var surnameReadings: [Unicode.Scalar: [UInt8]] = [:]
    /// Compound surnames that read otherwise than their characters (尉迟 yu4 chi2): one reading each.
    private var compounds: [String: [[UInt8]]] = [:]

    public init() {}

    /// Both tables: `table` the initials (initials.tsv), `readings` the full readings (readings.tsv).
    public init(table: String, readings: String) {
        self.init(table: table)
        parseReadings(readings)
    }

    /// Whether the full readings are there: without them `nameKey(of:)` orders Chinese characters by code point.
    public var hasReadings: Bool { !readings.isEmpty }

    /// Parses readings.tsv: `<char>\t<reading>[\t<surname reading>]`, or `<compound surname>\t<reading> <reading>`.
    private mutating func parseReadings(_ text: String) {
        readings.reserveCapacity(28_000)
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 2 else { continue }
            let chars = Array(fields[0].unicodeScalars)
            func syllable(_ s: Substring) -> [UInt8]? {
                let bytes = Array(s.utf8)
                guard bytes.count >= 2, let last = bytes.last, (0x31...0x35).contains(last),
                    bytes.dropLast().allSatisfy({ (0x61...0x7A).contains($0) })
                else { return nil }
                return bytes
            }
            if chars.count == 1 {
                if let r = syllable(fields[1]) { readings[chars[0]] = r }
                if fields.count >= 3, let r = syllable(fields[2]) { surnameReadings[chars[0]] = r }
            } else if chars.count > 1 {
                let rs = fields[1].split(separator: " ").compactMap(syllable)
                if rs.count == chars.count { compounds[String(fields[0])] = rs }
            }
        }
    }

    /// The name's place in the persons list's order by name, as bytes that compare in that order (SQLite's
    /// BINARY collation; PostgreSQL's "C"): full pinyin, syllable by syllable, as a dictionary orders, so
    /// 高峰 comes before 郭婷 and 李 before 刘. Each Chinese character gives its reading's letters, its tone
    /// (1-5) and the character itself: the tone's digit ends the syllable (digits sort before letters, so li
    /// comes before liu) and the character keeps one surname's people together (李 before 里 within lǐ). A
    /// name's first character reads as a surname (单 shàn, 曾 zēng), and a compound surname as such (尉迟
    /// yùchí) in a name of three characters or more. A Latin word gives its letters without accents and 0,
    /// so Li comes just before 李; separators (·, spaces, hyphens) give nothing; any other character sorts
    /// after z as its code point. The name itself follows a space, for ties. Computed here, not in SQL, so
    /// that every store orders names alike.
    public func nameKey(of name: String) -> String { key(of: name, surnames: true) }

    /// The same order for other text (units, departments: the pickers), without surname readings: 乐平市 is
    /// lè, 单县医院 dān (a picker's order need only be predictable; the name key must be a surname's).
    public func textKey(of text: String) -> String { key(of: text, surnames: false) }

    private func key(of name: String, surnames: Bool) -> String {
        let scalars = Array(name.unicodeScalars)
        var key: [UInt8] = []
        key.reserveCapacity(scalars.count * 9 + name.utf8.count + 1)
        func appendScalar(_ ch: Unicode.Scalar) { key.append(contentsOf: Array(String(ch).utf8)) }
        var i = 0
        var first = surnames
        if surnames, scalars.count >= 3, let readings = compounds[String(String.UnicodeScalarView(scalars[0..<2]))] {
            for (k, r) in readings.enumerated() {
                key.append(contentsOf: r)
                appendScalar(scalars[k])
            }
            i = 2
            first = false
        }
        var word: [UInt8] = []
        func endWord() {
            guard !word.isEmpty else { return }
            key.append(contentsOf: word)
            key.append(0x30)
            word.removeAll(keepingCapacity: true)
        }
        while i < scalars.count {
            let ch = scalars[i]
            i += 1
            if let r = (first ? surnameReadings[ch] : nil) ?? readings[ch] {
                endWord()
                key.append(contentsOf: r)
                appendScalar(ch)
                first = false
                continue
            }
            if let letters = PinyinIndex.latinLetters(ch) {
                word.append(contentsOf: letters)
                first = false
                continue
            }
            let category = ch.properties.generalCategory
            if category == .nonspacingMark || category == .enclosingMark { continue }  // an accent already folded
            endWord()
            switch category {
            case .spaceSeparator, .dashPunctuation, .otherPunctuation, .connectorPunctuation, .control, .format:
                continue  // 买买提·艾力, Mary-Jane, "Li Na": the parts, not what joins them
            default:
                key.append(0x7E)  // after every letter
                appendScalar(ch)
                first = false
            }
        }
        endWord()
        key.append(0x20)
        key.append(contentsOf: Array(name.utf8))
        return String(decoding: key, as: UTF8.self)
    }

    /// A Latin letter as lower-case ASCII without its accents (É is e); nil for anything else.
    private static func latinLetters(_ ch: Unicode.Scalar) -> [UInt8]? {
        if ch.isASCII {
            let b = UInt8(ch.value)
            if (0x61...0x7A).contains(b) { return [b] }
            if (0x41...0x5A).contains(b) { return [b | 0x20] }
            return nil
        }
        guard ch.properties.isAlphabetic, (0x00C0...0x024F).contains(ch.value) || (0x1E00...0x1EFF).contains(ch.value)
        else { return nil }
        let folded = String(ch).folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
        let letters = folded.utf8.filter { (0x61...0x7A).contains($0) }
        return letters.isEmpty ? nil : Array(letters)
    }

    /// Parses the table's text (character, letters, optional surname letters; tab-separated);
    /// lines starting with # are comments. Read as bytes: it is 27,000 lines.
    public init(table: String) {
        var table = table
        table.withUTF8 { bytes in
            letters.reserveCapacity(28_000)
            var i = 0
            let n = bytes.count
            while i < n {
                var end = i
                while end < n && bytes[end] != 0x0A { end += 1 }
                defer { i = end + 1 }
                guard end > i, bytes[i] != 0x23 else { continue }  // blank or '#'
                let line = UnsafeBufferPointer(rebasing: bytes[i..<end])
                guard let tab = line.firstIndex(of: 0x09) else { continue }
                // The character: one scalar, decoded from its UTF-8.
                var decoder = UTF8()
                var it = line[..<tab].makeIterator()
                guard case .scalarValue(let ch) = decoder.decode(&it), it.next() == nil else { continue }
                var fields: [[UInt8]] = [[]]
                for b in line[(tab + 1)...] {
                    if b == 0x09 {
                        fields.append([])
                        continue
                    }
                    if (0x41...0x5A).contains(b) {
                        fields[fields.count - 1].append(b | 0x20)
                    } else if (0x61...0x7A).contains(b) {
                        fields[fields.count - 1].append(b)
                    }
                }
                if !fields[0].isEmpty { letters[ch] = fields[0] }
                if fields.count >= 2 && !fields[1].isEmpty { surnameLetters[ch] = fields[1] }
            }
        }
    }

    public var isEmpty: Bool { letters.isEmpty }

    /// The initials a name can be searched by, space-separated: the common reading of every character,
    /// and, when the first character has a surname reading of its own, that variant first
    /// (单 is dan, and shan as a surname: 单丽 gives "sl dl"). Latin letters and digits stay.
    public func initials(of name: String) -> String {
        var variants: [[UInt8]] = [[]]
        var first = true
        for ch in name.unicodeScalars {
            let options: [UInt8]
            if let ls = letters[ch] {
                options = first ? (surnameLetters[ch] ?? []) + [ls[0]] : [ls[0]]
            } else if ch.isASCII, let b = UInt8(exactly: ch.value),
                (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b)
            {
                options = [(0x41...0x5A).contains(b) ? b | 0x20 : b]
            } else {
                if ch.properties.generalCategory != .nonspacingMark { first = false }
                continue
            }
            first = false
            variants = options.flatMap { o in variants.map { $0 + [o] } }
        }
        var seen = Set<[UInt8]>()
        return variants.filter { !$0.isEmpty && seen.insert($0).inserted }.map { String(decoding: $0, as: UTF8.self) }.joined(
            separator: " ")
    }
}
