/// Writes RFC 4180 CSV: a field is quoted when it holds a comma, a quote, a line break or edge spaces.
public struct CSVWriter {
    public static func line(_ fields: [String]) -> String {
        fields.map(escape).joined(separator: ",") + "\r\n"
    }

    public static func escape(_ f: String) -> String {
        let needs = f.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            || f.first == " " || f.last == " "
        return needs ? "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : f
    }
}

extension String {
    func replacingOccurrences(of a: String, with b: String) -> String {
        split(separator: a, omittingEmptySubsequences: false).joined(separator: b)
    }
}
