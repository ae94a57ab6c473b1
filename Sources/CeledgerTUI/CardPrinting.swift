import CeledgerDomain
import CeledgerLedger
import CeledgerReports
import CeledgerSheets
import CeledgerText
import Foundation

/// Where the terminal UI writes record cards, and who issues them.
public struct CardSettings: Sendable {
    /// The folder for card files (created 0700; cards are 0600: they carry full ID numbers).
    public var directory: String
    /// The issuing unit; nil: the person's unit.
    public var issuer: String?
    /// The clock a card's issue time is taken from (tests fix it).
    public var clock: @Sendable () -> Date = { Date() }

    public init(directory: String, issuer: String? = nil) {
        self.directory = directory
        self.issuer = issuer
    }

    /// `$CELEDGER_CARD_DIR`, else `~/celedger-cards`; the issuer from `$CELEDGER_ISSUER`.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> CardSettings {
        let home = env["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        let dir = env["CELEDGER_CARD_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/celedger-cards"
        return CardSettings(
            directory: dir, issuer: env["CELEDGER_ISSUER"].flatMap { $0.trimmedField.isEmpty ? nil : $0.trimmedField })
    }
}

enum CardFiles {
    /// The most bytes of a card file's name before its suffix: 200, under the 255 of every common file
    /// system with room for the number and ".html".
    static let maxNameBytes = 200

    /// A name that is safe as a file name on any system: no folders, no control or text-direction
    /// characters (a right-to-left override would make "lmth.exe" read as "exe.html"), at most
    /// `maxNameBytes` bytes (whole characters).
    static func safe(_ s: String) -> String {
        var out = ""
        var bytes = 0
        for ch in s {
            let bad =
                ch == "/" || ch == "\\" || ch == ":" || ch.unicodeScalars.contains(where: { Message.isControlOrBidi($0) })
            let piece = bad ? "_" : String(ch)
            if bytes + piece.utf8.count > maxNameBytes { break }
            out += piece
            bytes += piece.utf8.count
        }
        while out.hasPrefix(".") { out.removeFirst() }
        return out.isEmpty ? "card" : out
    }

    /// The cards folder, created 0700 if missing.
    static func prepare(directory: String) throws(LedgerError) {
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw LedgerError.cannotCreateFolder(path: directory, reason: error.localizedDescription)
        }
    }

    /// Writes the file owner-only, replacing a regular file of the same name atomically (`OutputFile`: a
    /// link there is refused); returns its path.
    static func write(_ text: String, directory: String, name: String) throws -> String {
        try prepare(directory: directory)
        let path = (directory as NSString).appendingPathComponent(name)
        try OutputFile.write(Data(text.utf8), to: path)
        return path
    }

    /// The path with the home folder written as ~, for the message line.
    static func shown(_ path: String) -> String {
        let home = NSHomeDirectory()
        return !home.isEmpty && home != "/" && path.hasPrefix(home + "/") ? "~" + path.dropFirst(home.count) : path
    }
}

extension PersonScreen {
    /// `p`: the person's record card for the shown year, as an A4 HTML page in the cards folder, numbered
    /// (the same content keeps its number). `P`: the same card packed with its proof files in one zip
    /// (`CardBundle`), for a title committee. The message line says where it went.
    func printCard(_ app: App, withProof: Bool = false) {
        guard let sp = person else { return }
        let w = app.words
        do {
            guard let source = try app.ledger.cardSource(personRowID: personRowID, years: year...year) else { return }
            let issuer = (try app.ledger.employer() ?? app.cardSettings.issuer ?? sp.person.unit).trimmedField
            guard !issuer.isEmpty else {
                app.error(
                    Message(
                        zh: "此人未填单位，无法确定出具单位：先填写单位（E），或设置本登记簿的用人单位（celedger settings --employer 单位名称）",
                        en:
                            "this person has no unit to issue the card: fill it in (E), or set the ledger's employer (celedger settings --employer NAME)"
                    ))
                return
            }
            let items = try app.ledger.evidence(
                recordRowIDs: source.years.flatMap { $0.records.map(\.rowID) }, includingRemoved: false)
            let card = RecordCard.build(
                person: source.person.person, issuer: issuer,
                years: source.years.map {
                    RecordCard.YearInput(year: $0.year, ruleSet: $0.ruleSet, records: $0.records.map { ($0.rowID, $0.record) })
                }, proof: Dictionary(grouping: items, by: \.recordRowID).mapValues { $0.map { ($0.name, $0.sha256) } })
            // The proof is read and checked, and the file's name and folder settled, before a number is used up.
            let proofs =
                try withProof
                ? items.map {
                    CardBundle.Proof(
                        number: $0.number, name: $0.name, sha256: $0.sha256, bytes: try app.ledger.evidenceBytes(id: $0.id))
                } : []
            try CardBundle.check(proofs)
            let base = CardFiles.safe("\(sp.person.name)-\(year)")
            try CardFiles.prepare(directory: app.cardSettings.directory)
            let issued = try app.ledger.issueCard(
                personRowID: personRowID, firstYear: year, lastYear: year, issuer: issuer,
                digest: card.digest, by: app.reviewer, now: app.cardSettings.clock())
            let issue = CardIssue(
                number: issued.number, issuedOn: issued.issuedOn, printedOn: app.today, issuedBy: issued.issuedBy,
                history: try app.ledger.historyHead())
            let name = base + "-" + CardFiles.safe(issued.number)
            let path: String
            if withProof {
                let entries = try CardBundle.entries(card: card, issue: issue, lang: app.lang, proofs: proofs)
                path = (app.cardSettings.directory as NSString).appendingPathComponent(name + ".zip")
                try ZipBundle.write(entries.map { ($0.name, Data($0.bytes)) }, to: path)
            } else {
                path = try CardFiles.write(
                    CardHTML.render(card, issue: issue, lang: app.lang), directory: app.cardSettings.directory,
                    name: name + ".html")
            }
            let zhProof = withProof ? "及 \(proofs.count) 个证明材料" : ""
            let enProof = withProof ? " with \(proofs.count) proof file\(proofs.count == 1 ? "" : "s")" : ""
            app.info(
                issued.reprint
                    ? w.t(
                        "证明 \(issued.number)（内容未变，沿用原编号）\(zhProof)已写入 \(CardFiles.shown(path))",
                        "card \(issued.number) (unchanged, same number)\(enProof) written to \(CardFiles.shown(path))")
                    : w.t(
                        "证明 \(issued.number) \(zhProof)已写入 \(CardFiles.shown(path))",
                        "card \(issued.number)\(enProof) written to \(CardFiles.shown(path))"))
        } catch let e as SheetError {
            app.error(Message(zh: e.message.zh, en: e.message.en))
        } catch let m as CardBundle.Mismatch {
            app.error(m.message)
        } catch {
            app.error(error)
        }
    }

    /// At the end of the person screen's keymap.
    static let cardKeys: [Binding] = [
        Binding(
            [.character("p")],
            help: ("p", "打印本年度继续教育学时证明（A4 网页文件，带证明编号）", "print the year's record card (an A4 HTML file, numbered)"),
            bar: ("p", "打印证明", "print card")
        ) { s, _, app in
            s.printCard(app)
        },
        Binding(
            [.character("P")],
            help: (
                "P", "打印证明并附上证明材料（一个 zip 文件：证明网页和每条记录的证明材料）",
                "print the card with its proof files (one zip: the card page and each record's proof)"
            )
        ) { s, _, app in
            s.printCard(app, withProof: true)
        },
    ]
}
