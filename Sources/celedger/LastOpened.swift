import Foundation

/// What plain `celedger` opens: the ledger the terminal UI had open last, on the year last viewed, kept in
/// the user's config ($XDG_CONFIG_HOME/celedger/last, else ~/.config/celedger/last) as "key=value" lines.
/// `--db`, `$CELEDGER_DB` and `--year` always win; a remembered ledger that is gone is forgotten.
struct LastOpened: Equatable {
    var ledger: String
    var year: Int?

    static var file: String? {
        let env = Context.environment
        if let x = env["XDG_CONFIG_HOME"], x.hasPrefix("/") { return x + "/celedger/last" }
        guard let home = env["HOME"], !home.isEmpty else { return nil }
        return home + "/.config/celedger/last"
    }

    static func load() -> LastOpened? {
        guard let file, let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        var values: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { values[parts[0]] = parts[1] }
        }
        guard let ledger = values["ledger"], ledger.hasPrefix("/"), FileManager.default.fileExists(atPath: ledger) else {
            return nil
        }
        return LastOpened(ledger: ledger, year: values["year"].flatMap(Int.init))
    }

    /// Remembers; a failure to write (a read-only home) only means nothing is remembered.
    func save() {
        guard let file = Self.file else { return }
        let dir = (file as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var text = "ledger=\(ledger)\n"
        if let year { text += "year=\(year)\n" }
        try? text.write(toFile: file, atomically: true, encoding: .utf8)
    }

    /// The absolute form of a ledger path as given.
    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}
