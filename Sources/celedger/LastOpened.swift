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

/// The clerk each ledger's user chose last (asked once by the terminal UI when a ledger has clerks and no
/// name was given), kept beside `LastOpened` in the user's config (…/celedger/clerks) as "ledger<TAB>name"
/// lines (`$CELEDGER_CONFIG_DIR/clerks` when that is set, as the saved views): one OS account may be a
/// different clerk on different ledgers. `--user` and `$CELEDGER_USER` win.
enum RememberedClerk {
    static var file: String? {
        if let d = Context.environment["CELEDGER_CONFIG_DIR"], !d.isEmpty { return d + "/clerks" }
        return LastOpened.file.map { ($0 as NSString).deletingLastPathComponent + "/clerks" }
    }

    static func all() -> [String: String] {
        guard let file, let text = try? String(contentsOfFile: file, encoding: .utf8) else { return [:] }
        var out: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            if parts.count == 2, !parts[1].isEmpty { out[parts[0]] = parts[1] }
        }
        return out
    }

    static func name(forLedger ledger: String) -> String? { all()[ledger] }

    /// Remembers; a failure to write (a read-only home) only means the UI asks again next time.
    static func remember(_ name: String, forLedger ledger: String) {
        guard let file else { return }
        var names = all()
        names[ledger] = name
        let dir = (file as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let text = names.sorted { $0.key < $1.key }.map { "\($0.key)\t\($0.value)\n" }.joined()
        try? text.write(toFile: file, atomically: true, encoding: .utf8)
    }
}
