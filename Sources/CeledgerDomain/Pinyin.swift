/// Pinyin initials of Chinese names, for search ("zs" finds 张三). Built from the table shipped in
/// data/pinyin/initials.tsv (character, tab, first letters of its readings, commonest first).
public struct PinyinIndex: Sendable {
    private var letters: [Character: [Character]] = [:]
    /// Letters of a character's surname reading, where it has one of its own (曾 zēng).
    private var surnameLetters: [Character: [Character]] = [:]

    public init() {}

    /// Parses the table's text (character, letters, optional surname letters; tab-separated);
    /// lines starting with # are comments.
    public init(table: String) {
        func lettersOf(_ s: Substring) -> [Character] {
            s.filter { $0.isASCII && $0.isLetter }.map { Character($0.lowercased()) }
        }
        for line in table.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            guard !line.hasPrefix("#") else { continue }
            let parts = line.split(separator: "\t")
            guard parts.count >= 2, let ch = parts[0].first, parts[0].count == 1 else { continue }
            let ls = lettersOf(parts[1])
            if !ls.isEmpty { letters[ch] = ls }
            if parts.count >= 3 {
                let sl = lettersOf(parts[2])
                if !sl.isEmpty { surnameLetters[ch] = sl }
            }
        }
    }

    public var isEmpty: Bool { letters.isEmpty }

    /// The initials a name can be searched by, space-separated: the common reading of every character,
    /// and, when the first character has a surname reading of its own, that variant first
    /// (单 is dan, and shan as a surname: 单丽 gives "sl dl"). Latin letters and digits stay.
    public func initials(of name: String) -> String {
        var variants: [String] = [""]
        for (i, ch) in name.enumerated() {
            let options: [Character]
            if let ls = letters[ch] {
                options = i == 0 ? (surnameLetters[ch] ?? []) + [ls[0]] : [ls[0]]
            } else if ch.isASCII && (ch.isLetter || ch.isNumber) {
                options = [Character(ch.lowercased())]
            } else {
                continue
            }
            variants = options.flatMap { o in variants.map { $0 + String(o) } }
        }
        var seen = Set<String>()
        return variants.filter { !$0.isEmpty && seen.insert($0).inserted }.joined(separator: " ")
    }
}
