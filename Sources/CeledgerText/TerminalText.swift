/// The one sanitiser for text a terminal will show (the CLI's stdout and stderr). Data can hold
/// characters that drive a terminal instead of being shown: C0 controls (ESC starts the sequences that
/// clear the screen or move the cursor), DEL, the C1 controls U+0080–U+009F (U+009B is a one-character
/// CSI), and the bidirectional formatting characters (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F,
/// U+061C: a right-to-left override reorders everything after it on the line). Each is shown as the
/// escape Swift writes for it — `\u{1b}`, `\u{9b}`, `\u{202e}` — so a clerk sees what the data holds and
/// nothing reaches the terminal raw. Line breaks and tabs in a message become `\n`, `\r` and `\t`; in
/// page text (tables, a card) line breaks and tabs are layout and stay.
///
/// The ledger refuses these characters in names, other text fields and `--user` at entry, so they
/// reach this only from ledgers written by older versions or other programs, and from file contents
/// quoted in messages.
public enum TerminalText {
    /// Whether `u` must never reach a terminal raw.
    public static func isUnsafe(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x00..<0x20, 0x7F...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: return true
        default: return false
        }
    }

    /// `s` with every unsafe scalar shown as its escape. `keepingLayout`: line feeds and tabs stay (page
    /// text); otherwise they are escaped too (a one-line message).
    public static func sanitized(_ s: String, keepingLayout: Bool = false) -> String {
        guard s.unicodeScalars.contains(where: isUnsafe) else { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            guard isUnsafe(u) else {
                out.append(u)
                continue
            }
            let escape: String
            switch u {
            case "\n": escape = keepingLayout ? "\n" : "\\n"
            case "\t": escape = keepingLayout ? "\t" : "\\t"
            case "\r": escape = "\\r"
            default: escape = "\\u{" + String(u.value, radix: 16) + "}"
            }
            out.append(contentsOf: escape.unicodeScalars)
        }
        return String(out)
    }
}
