/// Writes RFC 4180 CSV: a field is quoted when it holds a comma, a quote, a line break or edge spaces.
public struct CSVWriter {
    public static func line(_ fields: [String]) -> String {
        fields.map(escape).joined(separator: ",") + "\r\n"
    }

    /// Decided on Unicode scalars, not Characters: "\r\n" is one Character, and so is a comma or a quote
    /// followed by a combining mark, yet each holds bytes the reader splits on.
    public static func escape(_ f: String) -> String {
        let scalars = f.unicodeScalars
        let needs = scalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            || scalars.first == " " || scalars.last == " "
        guard needs else { return f }
        var out = String.UnicodeScalarView()
        out.append("\"")
        for s in scalars {
            out.append(s)
            if s == "\"" { out.append("\"") }
        }
        out.append("\"")
        return String(out)
    }
}
