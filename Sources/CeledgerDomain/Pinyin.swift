/// Pinyin initials of Chinese names, for search ("zs" finds 张三). Built from the table shipped in
/// data/pinyin/initials.tsv (character, tab, first letters of its readings, commonest first).
public struct PinyinIndex: Sendable {
    /// First letters of a character's readings, commonest first, as lower-case ASCII.
    private var letters: [Unicode.Scalar: [UInt8]] = [:]
    /// Letters of a character's surname reading, where it has one of its own (曾 zēng).
    private var surnameLetters: [Unicode.Scalar: [UInt8]] = [:]

    public init() {}

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
