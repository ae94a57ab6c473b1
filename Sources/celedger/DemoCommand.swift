import ArgumentParser
import CeledgerDomain
import CeledgerLedger
import CeledgerPostgres
import CeledgerSQLite
import CeledgerText
import Foundation

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Fill an empty ledger with a realistic synthetic one (the same for the same seed).")

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "How many persons (1 to 10,000,000; each gets four or five records a year).")
    var persons: Int = 500

    @Option(name: .long, help: ArgumentHelp("The years, e.g. 2021-2025 (default: the last five).", valueName: "from-to"))
    var years: String?

    @Option(name: .long, help: "Random seed.")
    var seed: UInt64 = 1

    func validate() throws {
        guard (1...10_000_000).contains(persons) else {
            throw ValidationError(Context.text("--persons 须在 1 到 10,000,000 之间", "--persons must be between 1 and 10,000,000"))
        }
        if let years, DemoCommand.parseYears(years) == nil {
            throw ValidationError(Context.text("--years 应写成 2021-2025", "--years takes a range like 2021-2025"))
        }
    }

    static func parseYears(_ s: String) -> ClosedRange<Int>? {
        let parts = s.split(separator: "-").map { Int($0) }
        if parts.count == 1, let y = parts[0], Day.plausibleYears.contains(y) { return y...y }
        guard parts.count == 2, let a = parts[0], let b = parts[1], a <= b, Day.plausibleYears.contains(a),
            Day.plausibleYears.contains(b), b - a < 50
        else { return nil }
        return a...b
    }

    func run() throws {
        let range = years.flatMap(DemoCommand.parseYears) ?? (Self.currentYear - 4)...Self.currentYear
        let pools: DemoPools
        do {
            pools = try DemoPools(
                surnames: try DataFiles.read("demo/surnames.txt"), given: try DataFiles.read("demo/given.txt"),
                units: try DataFiles.read("demo/units.tsv"), activities: try DataFiles.read("demo/activities.tsv"),
                regions: try DataFiles.read("demo/regions.tsv"))
        } catch let p as DemoPools.Problem {
            throw CLIFailure(
                zh: "演示数据 \(p.file) 第\(p.line)行：\(p.message)", en: "demo pool \(p.file) line \(p.line): \(p.message)",
                code: ExitStatus.ledger)
        }
        let ledger: any DemoTarget = Context.isServer(global) ? try Context.openPostgres(global) : try Context.openLedger(global)
        guard try ledger.isEmpty() else {
            throw CLIFailure(
                zh: "登记簿 \(ledger.location) 已有人员；演示数据只写入空登记簿（用 --db 指定新文件）",
                en:
                    "the ledger \(ledger.location) already has persons; demo data goes only into an empty ledger (pick a new file with --db)"
            )
        }
        // Activities end by today: a demo of the current year looks like a ledger in the middle of it.
        let now = Calendar(identifier: .gregorian).dateComponents([.year, .month, .day], from: Date())
        let today = Day(year: now.year!, month: now.month!, day: now.day!)
        var generator = DemoGenerator(pools: pools, seed: seed, years: range, until: today)
        let progress = ProgressLine(Context.text("生成演示数据", "generating demo ledger"))
        let records = try ledger.bulkInsert(count: persons, progress: progress.update) { generator.next() }
        progress.finish()
        Context.say(
            Context.text(
                "演示登记簿：\(persons.grouped) 人，\(records.grouped) 条记录，\(range.lowerBound)–\(range.upperBound) 年（种子 \(seed)）→ \(ledger.location)",
                "demo ledger: \(persons.grouped) persons, \(records.grouped) records, \(range.lowerBound)–\(range.upperBound) (seed \(seed)) → \(ledger.location)"
            ))
    }
}
