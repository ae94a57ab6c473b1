import CeledgerDomain
import CeledgerLedger
import CeledgerSheets
import CeledgerText
import Foundation

/// Opening a proof file on the clerk's desktop. The file is written to a temporary file first (0600,
/// through `OutputFile`), so the viewer gets a copy the ledger no longer depends on; `xdg-open` is used
/// when the PATH has it. Injected so that tests open nothing.
public struct ProofViewer: Sendable {
    /// Opens the file at `path`; false when there is no viewer.
    public var open: @Sendable (_ path: String) -> Bool
    /// Where the temporary copies go.
    public var folder: String

    public init(folder: String = NSTemporaryDirectory(), open: @escaping @Sendable (String) -> Bool) {
        self.folder = folder
        self.open = open
    }

    /// `xdg-open` from the PATH, detached, its output discarded; false when there is none.
    public static let system = ProofViewer { path in
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        guard let tool = dirs.map({ "\($0)/xdg-open" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else { return false }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = [path]
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return false }
        return true
    }
}

extension PersonScreen {
    /// The proof of the records shown, by record (files removed are not shown, nor counted).
    func loadProof(_ app: App) throws(LedgerError) {
        proof = Dictionary(grouping: try app.ledger.evidence(recordRowIDs: records.map(\.rowID), includingRemoved: false)) {
            $0.recordRowID
        }
    }

    /// The proof column's cell: how many files, "—" for none, "缺" for a recognised record without any.
    func proofMark(_ r: StoredRecord, _ app: App) -> (text: String, style: Style) {
        let n = proof[r.rowID]?.count ?? 0
        if n > 0 { return ("✓\(n)", .green) }
        return r.record.recognition == .recognized ? (app.t("缺", "none"), .yellow) : ("—", .dim)
    }

    /// `f`: the selected record's proof: attach a file, open or remove one.
    func proofMenu(_ app: App) {
        guard let r = selected else { return }
        let items = proof[r.rowID] ?? []
        var options = [app.t("添加文件…", "attach a file…")]
        options += items.map {
            app.t(
                "打开 \($0.number) \($0.name)（\(Evidence.size($0.size))）",
                "open \($0.number) \($0.name) (\(Evidence.size($0.size)))")
        }
        options += items.map { app.t("移除 ", "remove ") + "\($0.number) \($0.name)…" }
        app.overlay = Chooser(title: app.t("证明材料：", "Proof: ") + r.record.title, options: options) { [weak self] i, app in
            guard let self else { return }
            if i == 0 {
                self.attach(to: r, app)
            } else if i <= items.count {
                self.open(items[i - 1], app)
            } else {
                self.remove(items[i - 1 - items.count], app)
            }
        }
    }

    /// The same file chooser as the import screen's (the usual folders, newest first; a typed path with Tab
    /// completion), showing the kinds of file a proof may be.
    func attach(to r: StoredRecord, _ app: App) {
        app.overlay = FileChooser(
            title: app.t("添加证明材料：", "Attach proof: ") + r.record.title, extensions: FileChooser.proofFiles, app: app
        ) { [weak self] path, app in
            self?.attach(path: path, to: r, app)
        }
    }

    func attach(path text: String, to r: StoredRecord, _ app: App) {
        var path = text
        if path.hasPrefix("~/"), let home = app.environment["HOME"] { path = home + path.dropFirst() }
        do {
            let file = try EvidenceFile.read(path, limit: Evidence.maxBytes)
            let item = try app.ledger.addEvidence(recordRowID: r.rowID, name: file.name, bytes: file.bytes, clerk: app.reviewer)
            app.info(
                app.t(
                    "已添加 \(item.number)：\(item.name)（\(item.kind.label)，\(Evidence.size(item.size))）SHA-256 \(item.sha256.prefix(12))…",
                    "added \(item.number): \(item.name) (\(item.kind.label), \(Evidence.size(item.size))) SHA-256 \(item.sha256.prefix(12))…"
                ))
        } catch let e as SheetError {
            app.error(Message(zh: e.message.zh, en: e.message.en))
        } catch {
            app.error(error)
        }
        follow = r.rowID
        reload(app)
    }

    /// Writes the file to a temporary copy (0600) and hands it to the viewer; says where it is when there
    /// is no viewer.
    func open(_ item: EvidenceItem, _ app: App) {
        do {
            let bytes = try app.ledger.evidenceBytes(id: item.id)
            let path = app.proofViewer.folder + "/celedger-\(item.number)-\(item.sha256.prefix(8)).\(item.kind.fileExtension)"
            try OutputFile.write(Data(bytes), to: path)
            if app.proofViewer.open(path) {
                app.info(app.t("已用查看程序打开 \(item.name)（副本：\(path)）", "opened \(item.name) in the viewer (copy: \(path))"))
            } else {
                app.info(
                    app.t(
                        "没有可用的查看程序（xdg-open）：文件已写到 \(path)", "no viewer available (xdg-open): the file was written to \(path)"))
            }
        } catch let e as SheetError {
            app.error(Message(zh: e.message.zh, en: e.message.en))
        } catch {
            app.error(error)
        }
    }

    func remove(_ item: EvidenceItem, _ app: App) {
        app.overlay = Prompt(title: app.t("移除证明材料：", "Remove proof: ") + item.name, label: app.t("理由", "Reason"), required: true)
        {
            [weak self] reason, app in
            do {
                _ = try app.ledger.removeEvidence(id: item.id, reason: reason, clerk: app.reviewer)
                app.info(
                    app.t(
                        "已移除 \(item.number)（文件仍保留在登记簿及修改记录中）",
                        "removed \(item.number) (the file stays in the ledger and its history)"))
            } catch {
                app.error(error)
            }
            self?.follow = item.recordRowID
            self?.reload(app)
        }
    }
}
