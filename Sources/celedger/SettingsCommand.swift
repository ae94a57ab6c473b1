import ArgumentParser
import CeledgerDomain
import CeledgerLedger
import Foundation

/// `celedger settings`: the ledger's own settings (its employer), shown, or changed with options.
struct SettingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings",
        abstract: "Show the ledger's settings, or change them: --employer NAME (the ledger's own employer).",
        discussion: """
            The employer is set once per ledger: an import of persons gives it to rows without a unit (unless \
            --unit says otherwise), and cards name it as their issuer. --employer "" clears it.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The employer this ledger belongs to (用人单位): the unit of imported persons without one, the issuer of cards.",
            valueName: "name"))
    var employer: String?

    func run() throws {
        let ledger = try Context.openCommandLedger(global, access: employer == nil ? .readOnly : .readWrite)
        if let employer { try ledger.setEmployer(employer) }
        let current = try ledger.employer()
        print(
            Context.text(
                "用人单位：\(current ?? "（未设置；用 celedger settings --employer 单位名称 设置）")",
                "employer: \(current ?? "(not set; set it with celedger settings --employer NAME)")"))
    }
}
