/// Writes RFC 4180 CSV: a field is quoted when it holds a comma, a quote, a line break or edge spaces.
public struct CSVWriter {
    /// One CSV line. Every cell is made safe to open in a spreadsheet (see `neutralised`).
    public static func line(_ fields: [String]) -> String {
        fields.map { escape(neutralised($0)) }.joined(separator: ",") + "\r\n"
    }

    /// Characters that make a spreadsheet read a cell as a formula.
    static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@"]

    /// A text cell that a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe,
    /// which spreadsheets show as plain text; a cell that already starts with an apostrophe gets another,
    /// so that `CSVReader.plain` gives every cell back exactly and export → import round-trips.
    public static func neutralised(_ cell: String) -> String {
        guard let first = cell.unicodeScalars.first else { return cell }
        return formulaStarts.contains(first) || first == "'" ? "'" + cell : cell
    }

    /// The inverse of `neutralised`, applied to every cell an import reads.
    public static func plain(_ cell: String) -> String {
        let s = cell.unicodeScalars
        guard s.first == "'", let second = s.dropFirst().first, formulaStarts.contains(second) || second == "'" else {
            return cell
        }
        return String(String.UnicodeScalarView(s.dropFirst()))
    }

    /// Decided on Unicode scalars, not Characters: "\r\n" is one Character, and so is a comma or a quote
    /// followed by a combining mark, yet each holds bytes the reader splits on.
    public static func escape(_ f: String) -> String {
        let scalars = f.unicodeScalars
        let needs =
            scalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
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
