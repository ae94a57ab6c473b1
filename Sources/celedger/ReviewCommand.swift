import ArgumentParser
import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import CeledgerSQLite
import CeledgerSheets
import CeledgerText
import Foundation

/// `celedger review`: hour recognition (学时认定) from the command line, one record or many at once.
struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Hour recognition: list records, recognise or reject them (in bulk), reopen recognised ones.",
        discussion: """
            A recognised record is locked: it cannot be changed or deleted until it is reopened with a reason. \
            Every decision records the reviewer (--reviewer, else --user, else the operating-system user) and the date.
            """,
        subcommands: [ReviewList.self, ReviewRecognize.self, ReviewReject.self, ReviewReopen.self])
}

/// Which records a review command takes: record numbers, or filters with --all.
struct RecordSelection: ParsableArguments {
    @Argument(
        help: ArgumentHelp("Record numbers (as `review list` and `history` show them, with or without #).", valueName: "record"))
    var records: [String] = []

    @Option(name: .long, help: "Only records of this year (by end date).")
    var year: Int?

    @Option(name: .long, help: "Only persons of this unit.")
    var unit: String?

    @Option(name: .long, help: ArgumentHelp("Only this person.", valueName: "id-number"))
    var id: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Only this mode (training, practice, academic, online, degree, other, or its Chinese name).", valueName: "mode"))
    var mode: String?

    func filter() throws -> RecordFilter {
        var f = RecordFilter()
        f.year = year
        f.unit = unit
        if let id {
            switch ResidentID.parse(id) {
            case .success(let v): f.idNumber = v.value
            case .failure(let p): throw CLIFailure(p.message, code: ExitStatus.badInput)
            }
        }
        if let mode {
            guard let m = Mode.parse(mode) else {
                throw CLIFailure(
                    zh: "--mode“\(mode)”不是可选值（\(Mode.choices(.zh))）",
                    en: "--mode \"\(mode)\" is not one of: \(Mode.choices(.en))",
                    code: ExitStatus.usage)
            }
            f.mode = m
        }
        if !records.isEmpty {
            f.recordIDs = try records.map { text in
                let digits = text.hasPrefix("#") ? String(text.dropFirst()) : text
                guard let n = Int64(digits), n > 0 else {
                    throw CLIFailure(zh: "“\(text)”不是记录编号", en: "\"\(text)\" is not a record number", code: ExitStatus.usage)
                }
                return n
            }
        }
        return f
    }

    var hasFilter: Bool { year != nil || unit != nil || id != nil || mode != nil }
}

extension ReviewCommand {
    /// The records a decision applies to: named ones, or with --all those the filters find in `state`.
    static func targets(
        _ ledger: any CommandLedger, _ selection: RecordSelection, all: Bool, state: Recognition?
    ) throws -> [PendingRow] {
        if selection.records.isEmpty && !all {
            throw CLIFailure(
                zh: "请给出记录编号，或用 --all 加筛选条件（--year、--unit、--id、--mode）选中一批",
                en: "name the records, or select a batch with --all and filters (--year, --unit, --id, --mode)",
                code: ExitStatus.usage)
        }
        var f = try selection.filter()
        if selection.records.isEmpty { f.recognition = state }
        let rows = try ledger.reviewRecords(f)
        if let ids = f.recordIDs {
            let found = Set(rows.map(\.stored.rowID))
            if let missing = ids.first(where: { !found.contains($0) }) {
                throw CLIFailure(zh: "没有符合条件的记录 #\(missing)", en: "no record #\(missing) matches", code: ExitStatus.badInput)
            }
        }
        return rows
    }

    /// Who a decision is recorded under: in a ledger with clerks the acting clerk, whatever --reviewer says
    /// (nobody decides in another's name).
    static func decider(_ ledger: any LedgerReader, _ given: String) throws -> String {
        try ledger.actingClerk()?.name ?? given
    }

    /// The versions the records were read at: one changed between the read and the write is left.
    static func versions(_ rows: [PendingRow]) -> [Int64: Int64] {
        Dictionary(rows.map { ($0.stored.rowID, $0.stored.version) }, uniquingKeysWith: { a, _ in a })
    }

    /// Records left unchanged, and why, on stderr; a decision that changed nothing fails (exit 1).
    static func report(_ outcome: RecognitionOutcome) throws {
        guard let why = outcome.refusals(Context.lang) else { return }
        if outcome.changed == 0 {
            throw CLIFailure(
                zh: "未改动任何记录：" + (outcome.refusals(.zh) ?? ""), en: "no record changed: " + (outcome.refusals(.en) ?? ""))
        }
        Context.printError(Context.text("未改动：", "left unchanged: ") + why)
    }

    static func reviewer(_ option: String?, _ global: GlobalOptions) -> String {
        if let r = option?.trimmingCharacters(in: .whitespaces), !r.isEmpty { return r }
        return Context.actor(global)
    }
}

struct ReviewList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Records with their recognition: pending by default, oldest first.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var selection: RecordSelection

    @Option(name: .long, help: "pending, recognized, rejected or all")
    var state: State = .pending

    @Flag(
        name: .long,
        help: "Recognised records without proof (no file attached with `celedger evidence add`); implies --state recognized.")
    var missingEvidence = false

    @Option(name: .long, help: "table, csv or json")
    var format: TextFormat = .table

    enum State: String, ExpressibleByArgument, CaseIterable {
        case pending, recognized, rejected, all
        var recognition: Recognition? { Recognition(rawValue: rawValue) }
    }

    func run() throws {
        let ledger = try Context.openCommandLedger(global, access: .readOnly)
        var f = try selection.filter()
        f.recognition = state.recognition
        if missingEvidence {
            f.recognition = .recognized
            f.withoutEvidence = true
        }
        let lang = Context.lang, zh = lang == .zh
        let parser = RowParser(rules: ledger.rules)
        var table = TextTable(columns: [
            .init(zh ? "编号" : "No.", align: .right), .init(zh ? "姓名" : "Name", maxWidth: 10),
            .init(zh ? "日期" : "Dates", maxWidth: 21),
            .init(zh ? "方式" : "Mode", maxWidth: 8), .init(zh ? "内容" : "Content", maxWidth: 30),
            .init(zh ? "申报" : "Claimed", align: .right), .init(zh ? "建议" : "Suggested", align: .right),
            .init(zh ? "认定" : "Recog.", align: .right), .init(zh ? "状态" : "State", maxWidth: 8),
            .init(zh ? "认定人" : "Reviewer", maxWidth: 10),
        ])
        var first = true
        if format == .csv {
            Context.say(
                CSVWriter.line([
                    "record", "id_number", "name", "mode", "title", "start_date", "end_date", "claimed_hours",
                    "suggested_hours", "recognized_hours", "recognition", "reviewed_by", "reviewed_at", "working",
                ]), terminator: "")
        }
        try ledger.eachReviewRecord(f) { row in
            let r = row.stored.record
            let s = parser.suggestion(for: r)
            switch format {
            case .table:
                table.append([
                    "#\(row.stored.rowID)", row.personName, "\(r.startDate.iso)~\(r.endDate.iso)", r.mode.label(lang), r.title,
                    r.claimedHours.description, s?.hours.description ?? "—", r.recognizedHours?.description ?? "—",
                    r.recognition.label(lang), row.stored.reviewedBy ?? "",
                ])
            case .csv:
                Context.data(
                    CSVWriter.line([
                        String(row.stored.rowID), r.personID.value, row.personName, r.mode.rawValue, r.title, r.startDate.iso,
                        r.endDate.iso, r.claimedHours.compact, s?.hours.compact ?? "", r.recognizedHours?.compact ?? "",
                        r.recognition.rawValue, row.stored.reviewedBy ?? "", row.stored.reviewedAt ?? "",
                        s?.working.text(lang) ?? "",
                    ]), terminator: "")
            case .json:
                Context.data(first ? "[" : ",")
                Context.data(
                    JSON.object([
                        ("record", String(row.stored.rowID)), ("id_number", JSON.string(r.personID.value)),
                        ("name", JSON.string(row.personName)),
                        ("mode", JSON.string(r.mode.rawValue)), ("title", JSON.string(r.title)),
                        ("start_date", JSON.string(r.startDate.iso)),
                        ("end_date", JSON.string(r.endDate.iso)), ("claimed_hours", JSON.hours(r.claimedHours)),
                        ("suggested_hours", s.map { JSON.hours($0.hours) } ?? "null"),
                        ("recognized_hours", r.recognizedHours.map(JSON.hours) ?? "null"),
                        ("recognition", JSON.string(r.recognition.rawValue)),
                        ("reviewed_by", JSON.optional(row.stored.reviewedBy)),
                        ("reviewed_at", JSON.optional(row.stored.reviewedAt)),
                        ("working", JSON.optional(s?.working.text(lang))),
                    ]), terminator: "")
            }
            first = false
        }
        switch format {
        case .table:
            for line in table.render() { Context.say(line) }
            Context.say(
                Context.text(
                    "共 \(table.rows.count.grouped) 条", "\(table.rows.count.grouped) record\(table.rows.count == 1 ? "" : "s")"))
        case .json: Context.data(first ? "[]" : "\n]")
        case .csv: break
        }
    }
}

struct ReviewRecognize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recognize",
        abstract:
            "Recognise records: their recognised hours, else the rule's suggestion, else the claimed hours. Then they are locked.",
        aliases: ["recognise", "approve"])

    @OptionGroup var global: GlobalOptions
    @OptionGroup var selection: RecordSelection

    @Flag(name: .long, help: "Every pending record the filters find.")
    var all = false

    @Option(
        name: .long, help: ArgumentHelp("Who recognises (default: --user, else the operating-system user).", valueName: "name"))
    var reviewer: String?

    @Flag(name: .long, help: "Only say what would be recognised.")
    var dryRun = false

    func run() throws {
        let ledger = try Context.openCommandLedger(global, access: dryRun ? .readOnly : .readWrite)
        let rows = try ReviewCommand.targets(ledger, selection, all: all, state: .pending)
        let locked = rows.filter { $0.stored.record.recognition == .recognized }.count
        let ids = rows.filter { $0.stored.record.recognition != .recognized }.map(\.stored.rowID)
        let who = try ReviewCommand.decider(ledger, ReviewCommand.reviewer(reviewer, global))
        if dryRun {
            Context.say(
                Context.text(
                    "试运行：将认定 \(ids.count.grouped) 条记录（认定人 \(who)）；未写入任何数据",
                    "dry run: \(ids.count.grouped) record\(ids.count == 1 ? "" : "s") would be recognised (by \(who)); nothing written"
                ))
            return
        }
        let outcome = try ledger.decideRecognition(
            rowIDs: ids, to: .recognized, reason: "", reviewer: who, expected: ReviewCommand.versions(rows))
        let n = outcome.changed
        var line = Context.text(
            "已认定 \(n.grouped) 条记录（认定人 \(who)）", "recognised \(n.grouped) record\(n == 1 ? "" : "s") (by \(who))")
        if locked > 0 {
            line += Context.text("；\(locked) 条原已认定，未改动", "; \(locked) already recognised, left as they were")
        }
        Context.say(line)
        try ReviewCommand.report(outcome)
    }
}

struct ReviewReject: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reject",
        abstract: "Refuse recognition of records, with the reason (required). Recognised records must be reopened first.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var selection: RecordSelection

    @Flag(name: .long, help: "Every pending record the filters find.")
    var all = false

    @Option(name: .long, help: "Why the hours are refused (required).")
    var reason: String

    @Option(name: .long, help: ArgumentHelp("Who decides (default: --user, else the operating-system user).", valueName: "name"))
    var reviewer: String?

    func validate() throws {
        if reason.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError(Context.text("--reason 不能为空", "--reason may not be empty"))
        }
    }

    func run() throws {
        let ledger = try Context.openCommandLedger(global)
        let rows = try ReviewCommand.targets(ledger, selection, all: all, state: .pending)
        let locked = rows.filter { $0.stored.record.recognition == .recognized }
        if let first = locked.first, !selection.records.isEmpty {
            throw CLIFailure(
                zh: "记录 #\(first.stored.rowID) 已认定并锁定；先用 celedger review reopen 重新打开",
                en: "record #\(first.stored.rowID) is recognised and locked; reopen it first with celedger review reopen",
                code: ExitStatus.badInput)
        }
        let who = try ReviewCommand.decider(ledger, ReviewCommand.reviewer(reviewer, global))
        let outcome = try ledger.decideRecognition(
            rowIDs: rows.map(\.stored.rowID), to: .rejected, reason: reason, reviewer: who, expected: ReviewCommand.versions(rows)
        )
        let n = outcome.changed
        Context.say(
            Context.text("已将 \(n.grouped) 条记录设为不予认定（认定人 \(who)）", "rejected \(n.grouped) record\(n == 1 ? "" : "s") (by \(who))"))
        try ReviewCommand.report(outcome)
    }
}

struct ReviewReopen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reopen",
        abstract: "Reopen recognised records for correction: back to pending with the reason; the history keeps what they were.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var selection: RecordSelection

    @Flag(name: .long, help: "Every recognised record the filters find.")
    var all = false

    @Option(name: .long, help: "Why they are reopened (required).")
    var reason: String

    @Option(name: .long, help: ArgumentHelp("Who reopens (default: --user, else the operating-system user).", valueName: "name"))
    var reviewer: String?

    func validate() throws {
        if reason.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError(Context.text("--reason 不能为空", "--reason may not be empty"))
        }
    }

    func run() throws {
        let ledger = try Context.openCommandLedger(global)
        let rows = try ReviewCommand.targets(ledger, selection, all: all, state: .recognized)
        let who = ReviewCommand.reviewer(reviewer, global)
        let n = try ledger.reopen(rowIDs: rows.map(\.stored.rowID), reason: reason, reviewer: who)
        let skipped = rows.count - n
        var line = Context.text(
            "已重新打开 \(n.grouped) 条记录，改为待认定（\(who)）", "reopened \(n.grouped) record\(n == 1 ? "" : "s") as pending (by \(who))")
        if skipped > 0 { line += Context.text("；\(skipped) 条未认定，未改动", "; \(skipped) not recognised, left as they were") }
        Context.say(line)
    }
}
