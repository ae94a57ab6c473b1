import ArgumentParser
import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import CeledgerSQLite
import CeledgerSheets
import CeledgerText
import Foundation

/// Proof of records (issue 19): scanned certificates and transcripts kept inside the ledger, so that a
/// backup, a restore and a copied file carry them.
struct EvidenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence",
        abstract: "Proof of records: add scanned certificates (PDF, JPEG, PNG, OFD), list, get and remove them.",
        discussion: """
            The files are kept inside the ledger, at most 20 MiB each, their kind told by their content. \
            RECORD is a record's number (celedger review list shows it); EVIDENCE is a proof's number (E12 or 12). \
            Removal is kept in the history with its reason; the file stays in the ledger.
            """,
        subcommands: [EvidenceAdd.self, EvidenceList.self, EvidenceGet.self, EvidenceRemove.self])

    /// "E12" or "12".
    static func number(_ text: String) throws -> Int64 {
        let t = text.trimmedField
        let digits = t.hasPrefix("E") || t.hasPrefix("e") ? String(t.dropFirst()) : t
        guard let n = Int64(digits), n > 0 else {
            throw CLIFailure(
                zh: "“\(Message.excerpt(text))”不是证明材料编号（如 E12）",
                en: "\"\(Message.excerpt(text))\" is not a proof number (like E12)",
                code: ExitStatus.usage)
        }
        return n
    }

    /// The record and whose it is, or a clear refusal.
    static func record(_ ledger: any CommandLedger, _ id: Int64) throws -> PendingRow {
        var f = RecordFilter()
        f.recordIDs = [id]
        var found: PendingRow?
        try ledger.eachReviewRecord(f) { found = $0 }
        guard let found else {
            throw CLIFailure(
                zh: "没有编号为 \(id) 的学习记录（celedger review list 列出编号）",
                en: "no record numbered \(id) (celedger review list shows the numbers)", code: ExitStatus.badInput)
        }
        return found
    }

    /// A refusal about a file or a proof is the clerk's input (exit 1), not the ledger failing (3).
    static func asInput<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as LedgerError {
            switch e {
            case .evidenceRefused, .noEvidence, .evidenceRemoved, .evidenceRemovalNeedsReason, .gone:
                throw CLIFailure(e.message, code: ExitStatus.badInput)
            default: throw e
            }
        }
    }
}

struct EvidenceAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add proof files to a record (all or none: one bad file and nothing is added).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The record's number.", valueName: "record"))
    var record: Int64

    @Argument(help: ArgumentHelp("The files: PDF, JPEG, PNG or OFD, at most 20 MiB each.", valueName: "file"))
    var files: [String]

    func run() throws {
        guard !files.isEmpty else {
            throw CLIFailure(zh: "请给出要添加的文件", en: "give the files to add", code: ExitStatus.usage)
        }
        // Every file read and checked before anything is written: one bad file and nothing is added.
        var read: [(path: String, name: String, bytes: [UInt8])] = []
        var problems: [String] = []
        for path in files {
            do {
                let f = try EvidenceFile.read(path, limit: Evidence.maxBytes)
                _ = try Evidence.admit(name: f.name, bytes: f.bytes)
                read.append((path, f.name, f.bytes))
            } catch let e as SheetError {
                problems.append(e.text.text(Context.lang))
            } catch let e as LedgerError {
                problems.append(path + (Context.lang == .zh ? "：" : ": ") + e.message.text(Context.lang))
            }
        }
        if !problems.isEmpty {
            for p in problems { Context.printError(p) }
            throw CLIFailure(
                zh: "\(problems.count) 个文件无法添加，未添加任何文件",
                en: "\(problems.count) file\(problems.count == 1 ? "" : "s") cannot be added; nothing added",
                code: ExitStatus.badInput)
        }
        let ledger = try Context.openEvidenceLedger(global)
        let row = try EvidenceCommand.record(ledger, record)
        let clerk = Context.actor(global)
        let items = try EvidenceCommand.asInput {
            try ledger.addEvidence(recordRowID: record, files: read.map { ($0.name, $0.bytes) }, clerk: clerk)
        }
        for item in items {
            Context.say(
                Context.text(
                    "已添加 \(item.number)：\(item.name)（\(item.kind.label)，\(Evidence.size(item.size))）→ 记录 \(record) \(row.personName)“\(row.stored.record.title)”  SHA-256 \(item.sha256)",
                    "added \(item.number): \(item.name) (\(item.kind.label), \(Evidence.size(item.size))) → record \(record) \(row.personName) \"\(row.stored.record.title)\"  SHA-256 \(item.sha256)"
                ))
        }
    }
}

struct EvidenceList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List proof: of one record, of one person (--id), or all of it.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("A record's number.", valueName: "record"))
    var record: Int64?

    @Option(
        name: .customLong("id"),
        help: ArgumentHelp("A person's ID number: the proof of all their records.", valueName: "id-number"))
    var idNumber: String?

    @Flag(name: .long, help: "Include removed proof (with who removed it and why).")
    var removed = false

    @Option(name: .long, help: "table or json")
    var format: HistoryCommand.DataFormatTable = .table

    func run() throws {
        let ledger = try Context.openCommandLedger(global, access: .readOnly)
        var f = RecordFilter()
        if let record {
            guard idNumber == nil else {
                throw CLIFailure(zh: "记录编号和 --id 只能给一个", en: "give a record number or --id, not both", code: ExitStatus.usage)
            }
            _ = try EvidenceCommand.record(ledger, record)
            f.recordIDs = [record]
        }
        if let idNumber {
            switch ResidentID.parse(idNumber) {
            case .success(let id):
                guard try ledger.personRowID(idNumber: id.value) != nil else {
                    throw CLIFailure(
                        zh: "登记簿中没有此人（\(id.masked)）", en: "no person with this ID number (\(id.masked)) in the ledger",
                        code: ExitStatus.badInput)
                }
                f.idNumber = id.value
            case .failure(let p): throw CLIFailure(p.message, code: ExitStatus.badInput)
            }
        }
        var rows: [Int64: PendingRow] = [:]
        try ledger.eachReviewRecord(f) { rows[$0.stored.rowID] = $0 }
        let items = try ledger.evidence(recordRowIDs: Array(rows.keys), includingRemoved: removed)
        switch format {
        case .json:
            Context.data("[")
            for (i, e) in items.enumerated() {
                let r = rows[e.recordRowID]
                var fields: [(String, String)] = [
                    ("evidence", JSON.string(e.number)), ("record", String(e.recordRowID)),
                    ("id_number", JSON.string(r.map { $0.stored.record.personID.value } ?? "")),
                    ("name", JSON.string(r?.personName ?? "")), ("title", JSON.string(r?.stored.record.title ?? "")),
                    ("file_name", JSON.string(e.name)), ("size", String(e.size)), ("type", JSON.string(e.kind.rawValue)),
                    ("sha256", JSON.string(e.sha256)), ("added_at", JSON.string(e.addedAt)), ("added_by", JSON.string(e.addedBy)),
                ]
                if removed {
                    fields += [
                        ("removed_at", e.removedAt.map(JSON.string) ?? "null"),
                        ("removed_by", e.removedBy.map(JSON.string) ?? "null"),
                        ("removed_reason", e.removedReason.map(JSON.string) ?? "null"),
                    ]
                }
                Context.data(JSON.object(fields) + (i + 1 < items.count ? "," : ""))
            }
            Context.data("]")
        case .table:
            let zh = Context.lang == .zh
            var columns: [TextTable.Column] = [
                .init(zh ? "编号" : "No."), .init(zh ? "记录" : "Record", align: .right), .init(zh ? "姓名" : "Name", maxWidth: 10),
                .init(zh ? "内容" : "Content", maxWidth: 24), .init(zh ? "文件名" : "File", maxWidth: 30),
                .init(zh ? "大小" : "Size", align: .right), .init(zh ? "类型" : "Type"), .init("SHA-256"),
            ]
            if removed { columns.append(.init(zh ? "移除" : "Removed", maxWidth: 40)) }
            var table = TextTable(columns: columns)
            for e in items {
                let r = rows[e.recordRowID]
                var cells = [
                    e.number, String(e.recordRowID), r?.personName ?? "", r?.stored.record.title ?? "", e.name,
                    Evidence.size(e.size),
                    e.kind.label, e.sha256,
                ]
                if removed {
                    cells.append(e.removedReason.map { "\(e.removedBy ?? "")：\($0)" } ?? "")
                }
                table.append(cells)
            }
            if items.isEmpty {
                Context.say(Context.text("没有证明材料", "no proof"))
            } else {
                for line in table.render() { Context.say(line) }
            }
        }
    }
}

struct EvidenceGet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get", abstract: "Write a proof file's bytes, exactly as added, to a file (-o).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The proof's number (E12 or 12).", valueName: "evidence"))
    var evidence: String

    @Option(
        name: [.short, .customLong("output")],
        help: ArgumentHelp("The file to write (replaced atomically, owner-only).", valueName: "file"))
    var output: String

    func run() throws {
        let id = try EvidenceCommand.number(evidence)
        let ledger = try Context.openCommandLedger(global, access: .readOnly)
        let bytes = try EvidenceCommand.asInput { try ledger.evidenceBytes(id: id) }
        guard let item = try ledger.evidenceItem(id: id) else { throw CLIFailure(LedgerError.noEvidence(id: id).message) }
        // What is written is what was kept: checked against the digest first.
        guard SHA256.hex(bytes) == item.sha256 else {
            throw CLIFailure(
                zh: "证明材料 \(item.number) 的内容与其 SHA-256 不符：登记簿在 celedger 之外被改动，请运行 celedger check",
                en:
                    "proof \(item.number) does not match its SHA-256: the ledger was changed outside celedger; run celedger check",
                code: ExitStatus.ledger)
        }
        do {
            try OutputFile.write(Data(bytes), to: output)
        } catch {
            throw CLIFailure(error.text)
        }
        Context.printError(
            Context.text(
                "已写入 \(output)：\(item.name)（\(Evidence.size(item.size))，SHA-256 \(item.sha256)）",
                "wrote \(output): \(item.name) (\(Evidence.size(item.size)), SHA-256 \(item.sha256))"))
    }
}

struct EvidenceRemove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove a proof file with a reason (it stays in the ledger and its history).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The proof's number (E12 or 12).", valueName: "evidence"))
    var evidence: String

    @Option(name: .long, help: "Why it is removed (required; kept in the history).")
    var reason: String

    func run() throws {
        let id = try EvidenceCommand.number(evidence)
        let ledger = try Context.openCommandLedger(global)
        let item = try EvidenceCommand.asInput { try ledger.removeEvidence(id: id, reason: reason, clerk: Context.actor(global)) }
        Context.say(
            Context.text(
                "已移除 \(item.number)：\(item.name)（理由：\(item.removedReason ?? "")；文件仍保留在登记簿及其修改记录中）",
                "removed \(item.number): \(item.name) (reason: \(item.removedReason ?? ""); the file stays in the ledger and its history)"
            ))
    }
}
