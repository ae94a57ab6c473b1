/// Text cut into lines of at most `width` display cells, never through a character.
///
/// - A run of printable ASCII without spaces (a word, a number, `postgresql://user@host`,
///   `$XDG_DATA_HOME/celedger`, `NCU-2024-0311`) stays whole when it fits a line; a run longer than a line
///   is cut by characters.
/// - CJK characters break anywhere, except that a closing mark (。，、；：？！）」』》”…) never starts a line
///   and an opening mark (（「『《“) never ends one: the character before it moves down with it, so no
///   line is ever wider than `width` (a printed card's columns and the help's 80 cells depend on that).
/// - `\n` starts a new line; an empty paragraph stays an empty line.
public func wrap(_ text: String, width: Int) -> [String] {
    guard width > 0 else { return [text] }
    var lines: [String] = []
    for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
        var line: [String] = []
        var used = 0
        func flush() {
            while line.last == " " { line.removeLast() }
            lines.append(line.joined())
            line = []
            used = 0
        }
        for token in TextWrapTokens.of(paragraph) {
            let w = token.displayWidth
            if used + w <= width {
                if !(used == 0 && token == " ") {
                    line.append(token)
                    used += w
                }
                continue
            }
            if token == " " {
                flush()
                continue
            }
            if w <= width {
                // The line is full. Carry its end down with this token when this token may not start a line,
                // or that end may not end one: as long as what moves fits the next line and leaves one behind.
                var carried: [String] = []
                var carriedWidth = w
                while let last = line.last, line.count > 1,
                    TextWrapTokens.isClosing(carried.first ?? token) || TextWrapTokens.isOpening(last),
                    carriedWidth + last.displayWidth <= width
                {
                    carried.insert(line.removeLast(), at: 0)
                    carriedWidth += carried[0].displayWidth
                }
                flush()
                line = carried + [token]
                used = carriedWidth
                continue
            }
            // A word longer than a line: cut it by characters.
            for ch in token {
                let cw = DisplayWidth.of(ch)
                if used + cw > width { flush() }
                line.append(String(ch))
                used += cw
            }
        }
        if !line.isEmpty || paragraph.isEmpty || lines.isEmpty { flush() }
    }
    return lines
}

enum TextWrapTokens {
    static let closing: Set<Character> = [
        "。", "，", "、", "；", "：", "？", "！", "）", "」", "』", "》", "〉", "】", "”", "’", "…", "·", ")", "]", "}",
    ]
    static let opening: Set<Character> = ["（", "「", "『", "《", "〈", "【", "“", "‘"]

    static func isClosing(_ token: String) -> Bool { token.first.map { closing.contains($0) } ?? false }
    static func isOpening(_ token: String) -> Bool { token.count == 1 && opening.contains(token.first!) }

    /// A word of printable ASCII without spaces, a space, or one other character.
    static func of(_ paragraph: Substring) -> [String] {
        var tokens: [String] = []
        var word = ""
        for ch in paragraph {
            if ch.isASCII && ch != " " && !ch.isWhitespace && ch.asciiValue.map({ $0 >= 0x21 && $0 < 0x7F }) == true {
                word.append(ch)
            } else {
                if !word.isEmpty {
                    tokens.append(word)
                    word = ""
                }
                tokens.append(String(ch))
            }
        }
        if !word.isEmpty { tokens.append(word) }
        return tokens
    }
}
