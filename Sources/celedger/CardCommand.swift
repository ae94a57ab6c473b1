import ArgumentParser
import CeledgerDomain
import CeledgerLedger
import CeledgerReports
import CeledgerSQLite
import CeledgerSheets
import CeledgerText
import Foundation

enum CardFormat: String, ExpressibleByArgument, CaseIterable {
    case txt, html
}

/// `celedger card ID`: the person's record card (继续教育学时证明) for one or more years, numbered.
struct CardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "card",
        abstract: "Print a person's record card (继续教育学时证明) for a year or several: text or A4 HTML, with a certificate number.",
        discussion: """
            The same content printed again keeps its number; changed content gets a new one. Only recognised \
            hours of activities not failed count; pending, rejected and failed activities are listed apart.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The person's ID number.", valueName: "id-number"))
    var idNumber: String

    @Option(name: .long, help: "The (first) year (default: the current year).")
    var year: Int?

    @Option(name: .long, help: ArgumentHelp("The last year, for a card over several years (at most 10).", valueName: "year"))
    var to: Int?

    @Option(name: .long, help: "txt or html (default: html when the output file ends in .html, else txt).")
    var format: CardFormat?

    @Option(
        name: [.short, .customLong("output")],
        help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The issuing unit (default: the ledger's employer, else $CELEDGER_ISSUER, else the person's unit).", valueName: "name"
        ))
    var issuer: String?

    @Flag(name: .long, help: "A draft: no number is issued or kept, and the card says it is not a proof.")
    var draft = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Write a zip for an application: the card as A4 HTML and each record's proof files (Art. 21).", valueName: "file.zip")
    )
    var bundle: String?

    func validate() throws {
        let first = year ?? Self.currentYear
        if !Day.plausibleYears.contains(first)
            || to.map({ !Day.plausibleYears.contains($0) || $0 < first || $0 - first >= 10 }) == true
        {
            throw ValidationError(
                Context.text(
                    "--year 和 --to 应是合理的年份，--to 不早于 --year，至多 10 年",
                    "--year and --to take plausible years, --to not before --year, at most 10 years"))
        }
    }

    func run() throws {
        let lang = Context.lang
        let id: ResidentID
        switch ResidentID.parse(idNumber) {
        case .success(let v): id = v
        case .failure(let p):
            throw CLIFailure(zh: "身份证号无效：\(p.message.zh)", en: "invalid ID number: \(p.message.en)", code: ExitStatus.badInput)
        }
        let first = year ?? Self.currentYear
        let years = first...(to ?? first)
        let ledger = try Context.openCommandLedger(global, access: draft ? .readOnly : .readWrite)
        guard let rowID = try ledger.personRowID(idNumber: id.value),
            let source = try ledger.cardSource(personRowID: rowID, years: years)
        else {
            throw CLIFailure(
                zh: "登记簿中没有此人（\(id.masked)）", en: "no person with this ID number (\(id.masked)) in the ledger",
                code: ExitStatus.badInput)
        }
        // An empty or blank CELEDGER_ISSUER is no issuer, as in the interface.
        let fromEnvironment = Context.environment["CELEDGER_ISSUER"].flatMap { $0.trimmedField.isEmpty ? nil : $0 }
        let employer = try ledger.employer()
        let who = (issuer ?? employer ?? fromEnvironment ?? source.person.person.unit).trimmedField
        guard !who.isEmpty else {
            throw CLIFailure(
                zh: "需要出具单位：此人未填单位。请设置本登记簿的用人单位（celedger settings --employer 单位名称，只需一次），或用 --issuer 指明",
                en:
                    "an issuing unit is needed: the person has no unit. Set the ledger's employer once (celedger settings --employer NAME), or give --issuer",
                code: ExitStatus.usage)
        }
        // Each record's proof, listed on the card by name and digest (and packed with it in a bundle).
        let items = try ledger.evidence(
            recordRowIDs: source.years.flatMap { $0.records.map(\.rowID) }, includingRemoved: false)
        let card = RecordCard.build(
            person: source.person.person, issuer: who,
            years: source.years.map {
                RecordCard.YearInput(year: $0.year, ruleSet: $0.ruleSet, records: $0.records.map { ($0.rowID, $0.record) })
            }, proof: Dictionary(grouping: items, by: \.recordRowID).mapValues { $0.map { ($0.name, $0.sha256) } })
        if bundle != nil && output != nil {
            throw CLIFailure(zh: "--bundle 和 -o 只能给一个", en: "give --bundle or -o, not both", code: ExitStatus.usage)
        }
        let today = Self.today
        let actor = Context.actor(global)
        // The output is opened (a link or folder refused) before a number is used up.
        var out = try OutputSink(path: output)
        let issue: CardIssue
        var issued: IssuedCard?
        if draft {
            issue = .draft(on: today, by: actor, history: try ledger.historyHead())
        } else {
            let i = try ledger.issueCard(
                personRowID: rowID, firstYear: years.lowerBound, lastYear: years.upperBound, issuer: who,
                digest: card.digest, by: actor)
            issued = i
            issue = CardIssue(
                number: i.number, issuedOn: i.issuedOn, printedOn: today, issuedBy: i.issuedBy, history: try ledger.historyHead())
        }
        let html =
            format == .html
            || (format == nil && output.map { $0.lowercased().hasSuffix(".html") || $0.lowercased().hasSuffix(".htm") } == true)
        if let bundle {
            out.abandon()
            try writeBundle(bundle, card: card, issue: issue, items: items, ledger: ledger, name: source.person.person.name)
            return
        }
        out.write(html ? CardHTML.render(card, issue: issue, lang: lang) : CardText.render(card, issue: issue, lang: lang))
        try out.close()
        if let output, output != "-" {
            let what: String
            if let issued {
                what =
                    issued.reprint
                    ? Context.text(
                        "证明编号 \(issued.number)（内容未变，沿用\(issued.issuedOn.iso)签发的编号）",
                        "certificate \(issued.number) (same content: the number issued \(issued.issuedOn.iso))")
                    : Context.text("证明编号 \(issued.number)（新签发）", "certificate \(issued.number) (newly issued)")
            } else {
                what = Context.text("草稿，未编号", "draft, not numbered")
            }
            Context.say(Context.text("已写入 \(output)：\(what)", "written \(output): \(what)"))
        }
    }

    /// The card (A4 HTML) and its proof files in one zip (`CardBundle`), each file checked against its
    /// digest first.
    func writeBundle(
        _ path: String, card: RecordCard, issue: CardIssue, items: [EvidenceItem], ledger: any LedgerReader, name: String
    ) throws {
        var proofs: [CardBundle.Proof] = []
        for item in items {
            let bytes = try EvidenceCommand.asInput { try ledger.evidenceBytes(id: item.id) }
            proofs.append(CardBundle.Proof(number: item.number, name: item.name, sha256: item.sha256, bytes: bytes))
        }
        do {
            let entries = try CardBundle.entries(card: card, issue: issue, lang: Context.lang, proofs: proofs)
            try ZipBundle.write(entries.map { ($0.name, Data($0.bytes)) }, to: path)
        } catch let m as CardBundle.Mismatch {
            throw CLIFailure(m.message, code: ExitStatus.ledger)
        } catch let e as SheetError {
            throw CLIFailure(e.text)
        }
        Context.say(
            Context.text(
                "已写入 \(path)：学时证明\(issue.number.map { " \($0)" } ?? "（草稿）")及 \(items.count) 个证明材料",
                "written \(path): the card\(issue.number.map { " \($0)" } ?? " (draft)") and \(items.count) proof file\(items.count == 1 ? "" : "s")"
            ))
    }

    /// Today by the local clock.
    static var today: Day {
        let c = Calendar(identifier: .gregorian).dateComponents([.year, .month, .day], from: Date())
        return Day(year: c.year!, month: c.month!, day: c.day!)!
    }
}
