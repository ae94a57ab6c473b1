import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import CeledgerReports
import CeledgerSheets
import CeledgerText
import Foundation

/// What a clerk imports from the TUI.
enum ImportSubject: Sendable, Equatable {
    case persons, records
    /// A sign-in sheet (or a class file); the class's details from the class form, when given.
    case `class`

    var rowKind: RowKind { self == .persons ? .person : .record }

    func label(_ w: Words) -> String {
        switch self {
        case .persons: w.t("人员", "persons")
        case .records: w.t("学习记录", "records")
        case .class: w.t("培训班签到表", "a class sign-in sheet")
        }
    }
}

/// A problem that stops an import before it reads a row: the file cannot be opened, the ledger refuses.
struct ImportFailure: Error, Sendable {
    let message: Message
}

/// Work running off the key loop: its progress as the work reports it, and its result once done. The
/// screen that started it reads both in `tick` (the loop calls it every 20 ms while the screen waits).
final class BackgroundWork<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    private var total: Int?
    private var outcome: Result<T, ImportFailure>?

    func progress(_ done: Int, _ total: Int?) {
        lock.lock()
        defer { lock.unlock() }
        self.done = done
        self.total = total
    }

    func finish(_ r: Result<T, ImportFailure>) {
        lock.lock()
        defer { lock.unlock() }
        outcome = r
    }

    var snapshot: (done: Int, total: Int?, result: Result<T, ImportFailure>?) {
        lock.lock()
        defer { lock.unlock() }
        return (done, total, outcome)
    }
}

/// Hands a file's rows to another thread: a `RowSource` is read by one thread at a time, and this one is
/// read only by the work it is given to.
struct Handed<T>: @unchecked Sendable { let value: T }

/// What a dry run found in a file, ready to be shown: where the header is, which columns are read as what
/// and which are ignored, the rows left out, the first rows as they will be stored, and every bad row.
struct ImportPreview: Sendable {
    var subject: ImportSubject
    var path: String
    /// The file is a workbook: the bad rows are written as one too.
    var spreadsheet = false
    /// The header row's number as the spreadsheet shows it; nil when none was found.
    var headerLine: Int?
    var aboveHeader = 0
    /// Each column the import reads: as headed in the file, and the field it fills.
    var used: [(column: String, field: Field)] = []
    /// Columns the roster adds: the unit (from the employer) and the title level (from the title).
    var added: [Field] = []
    var ignored: [String] = []
    var skipped: [SkippedRow] = []
    /// The first good rows as they will be stored: the sample table's header and cells.
    var sampleHeader: [String] = []
    var sample: [[String]] = []
    /// Persons or records: the dry run's report (with every rejected row); a class: its report.
    var report: ImportReport?
    var classReport: ClassImportReport?
    /// The file's persons have no unit column (the employer, or `E`, gives them one).
    var lacksUnit = false

    var good: Int {
        if let r = report { return r.inserted + r.updated + r.unchanged }
        return classReport?.inserted ?? 0
    }
    var bad: Int { report?.badRowCount ?? classReport?.badRowCount ?? 0 }
    var duplicates: Int { report?.duplicateCount ?? classReport?.duplicates.count ?? 0 }
    var broken: Bool { report?.fileIsBroken ?? classReport?.fileIsBroken ?? false }
    /// The problems to list: every rejected row with its reasons (a class: its errors).
    var problems: [RowError] {
        if let r = report { return r.rejected.isEmpty ? r.errors : r.rejected.flatMap(\.errors) }
        return classReport?.errors ?? []
    }
    /// Whether confirming would import anything. A class is whole or nothing: one bad row refuses it.
    var importable: Bool { !broken && good > 0 && !(subject == .class && bad > 0) }
}

/// What the import did, for the status line.
struct ImportOutcome: Sendable {
    var report: ImportReport?
    var classReport: ClassImportReport?
}

extension ImportOutcome {
    /// Imports the file: the good rows of persons or records (the bad left out), or a class whole.
    static func run(
        _ subject: ImportSubject, path: String, importer: any LedgerImporter, filling: RosterSource.Filling,
        given: ClassFile.Given, progress: @escaping ProgressHandler
    ) throws(ImportFailure) -> ImportOutcome {
        let source = try ImportPreview.open(path)
        do {
            if subject == .class {
                return ImportOutcome(
                    classReport: try importer.importClass(
                        from: source, given: given, dryRun: false, today: nil, progress: progress))
            }
            let roster = RosterSource(source, kind: subject.rowKind, filling: filling)
            // What each changed person was is kept: the import can be undone (Ctrl-Z / U).
            var options = ImportOptions(skipInvalid: true, dryRun: false, strict: false)
            options.keepsBefore = true
            let report = try importer.importRows(subject.rowKind, from: roster, options: options, progress: progress)
            return ImportOutcome(report: report)
        } catch {
            throw ImportFailure(message: error.message)
        }
    }
}

extension ImportPreview {
    /// Opens the file and runs the dry run (in a read transaction: nothing is written), then reads the first
    /// rows again through the same roster to show them as they will be stored. Runs off the key loop.
    static func make(
        _ subject: ImportSubject, path: String, importer: any LedgerImporter, filling: RosterSource.Filling,
        given: ClassFile.Given, lang: Lang, revealIDs: Bool, progress: @escaping ProgressHandler
    ) throws(ImportFailure) -> ImportPreview {
        var p = ImportPreview(subject: subject, path: path)
        let source = try open(path)
        p.spreadsheet = source is XLSXReader
        do {
            if subject == .class {
                let report = try importer.importClass(from: source, given: given, dryRun: true, today: nil, progress: progress)
                p.classReport = report
                p.ignored = report.ignoredColumns
                p.headerLine = report.headerLine > 0 ? report.headerLine : nil
                return p
            }
            let kind = subject.rowKind
            let roster = RosterSource(source, kind: kind, filling: filling)
            let report = try importer.importRows(
                kind, from: roster, options: ImportOptions(skipInvalid: true, dryRun: true, strict: false), progress: progress)
            p.report = report
            p.describe(roster)
        } catch {
            throw ImportFailure(message: error.message)
        }
        p.sample(filling: filling, lang: lang, revealIDs: revealIDs)
        return p
    }

    /// The file's rows (a workbook's first sheet, or CSV in its detected encoding), as `import` opens them.
    static func open(_ path: String) throws(ImportFailure) -> any RowSource {
        do {
            return try RowFile.open(path: path)
        } catch {
            throw ImportFailure(message: error.text)
        }
    }

    /// What the roster made of the file's header.
    mutating func describe(_ roster: RosterSource) {
        guard let file = roster.fileHeader, let header = roster.header else { return }
        let kind = subject.rowKind
        headerLine = file.line
        aboveHeader = roster.skipped.filter { $0.reason == .aboveHeader }.count
        for (i, cell) in header.fields.enumerated() {
            guard let f = Field.fromHeader(cell, kind: kind) else { continue }
            if i < file.fields.count { used.append((file.fields[i].trimmedField, f)) } else { added.append(f) }
        }
        ignored = roster.ignoredColumns
        skipped = roster.skipped.filter { $0.reason != .aboveHeader }
        lacksUnit = kind == .person && !file.fields.contains { Field.fromHeader($0, kind: kind) == .unit }
    }

    /// The first rows that will import, parsed as the import parses them.
    mutating func sample(filling: RosterSource.Filling, lang: Lang, revealIDs: Bool, count: Int = 5) {
        let kind = subject.rowKind
        guard let source = try? RowFile.open(path: path) else { return }
        let roster = RosterSource(source, kind: kind, filling: filling)
        guard let header = try? roster.next() else { return }
        let map = HeaderMap(header, kind: kind, strict: false)
        guard map.errors.isEmpty else { return }
        let preparer = RowPreparer(kind: kind, header: header, map: map.fields, rules: nil, today: nil)
        let zh = lang == .zh
        let id = { (s: String) in revealIDs ? s : ResidentID.mask(s) }
        sampleHeader =
            kind == .person
            ? (zh
                ? ["姓名", "身份证号", "性别", "出生日期", "单位", "部门", "职称", "职称级别"]
                : ["Name", "ID number", "Gender", "Born", "Unit", "Department", "Title", "Level"])
            : (zh
                ? ["身份证号", "学习方式", "科目类别", "内容", "开始日期", "结束日期", "申报学时", "认定状态"]
                : ["ID number", "Mode", "Category", "Content", "Start", "End", "Claimed", "Recognition"])
        while sample.count < count, let row = try? roster.next() {
            switch preparer.prepare(row) {
            case .person(.success(let person), let damage) where damage.isEmpty:
                sample.append([
                    person.name, id(person.id.value), person.gender.label(lang), person.birthDate.iso, person.unit,
                    person.department, person.title, person.titleLevel?.label(lang) ?? "",
                ])
            case .record(.success(let r), let damage) where damage.isEmpty:
                sample.append([
                    id(r.personID.value), r.mode.label(lang), r.category.label(lang), r.title, r.startDate.iso, r.endDate.iso,
                    r.claimedHours.description, r.recognition.label(lang),
                ])
            default: continue
            }
        }
    }
}

/// The import screen: a dry run of the chosen file first (the header found, the columns read and ignored,
/// the first rows as they will be stored, the good and bad rows, every bad row with its reason), then the
/// import on confirmation, or the bad rows written out for correction. Both run off the key loop with
/// their progress on screen; afterwards the persons list shows what came in.
final class ImportScreen: KeymapScreen {
    let subject: ImportSubject
    let path: String
    let given: ClassFile.Given
    var preview: ImportPreview?
    var failure: Message?
    var checking: BackgroundWork<ImportPreview>?
    var importing: BackgroundWork<ImportOutcome>?
    /// The progress shown while work runs: done and total (bytes).
    var progress: (done: Int, total: Int?) = (0, nil)
    /// The first line of the body on screen.
    var scroll = 0
    var started = false

    init(_ subject: ImportSubject, path: String, given: ClassFile.Given = ClassFile.Given()) {
        self.subject = subject
        self.path = path
        self.given = given
    }

    var name: String { (path as NSString).lastPathComponent }

    var waitsForTick: Bool { checking != nil || importing != nil }

    /// The first time the screen is up, the dry run starts; later returns keep what it found.
    func reload(_ app: App) {
        if !started {
            started = true
            check(app)
        }
    }

    func returned(_ app: App) {}

    /// How the roster fills a file's gaps: the ledger's employer for a person without a unit, the
    /// shipped title → level table.
    func filling(_ app: App) -> RosterSource.Filling {
        let employer = subject == .persons ? (try? app.ledger.employer()) ?? nil : nil
        return RosterSource.Filling(unit: employer, titleLevels: subject == .persons ? app.titleLevels : [:])
    }

    /// Starts the dry run.
    func check(_ app: App) {
        guard let importer = app.ledger as? any LedgerImporter else {
            failure = Message(zh: "此登记簿不支持从文件导入", en: "this ledger cannot import files")
            return
        }
        let work = BackgroundWork<ImportPreview>()
        checking = work
        preview = nil
        failure = nil
        progress = (0, nil)
        let (subject, path, given, lang, reveal) = (subject, path, given, app.lang, app.revealIDs)
        let filling = filling(app)
        app.runInBackground {
            let r = Result { () throws(ImportFailure) -> ImportPreview in
                try ImportPreview.make(
                    subject, path: path, importer: importer, filling: filling, given: given, lang: lang, revealIDs: reveal,
                    progress: { work.progress($0, $1) })
            }
            work.finish(r)
        }
    }

    /// Imports the good rows (bad ones left out; a class whole), in one transaction, off the key loop.
    func runImport(_ app: App) {
        guard let importer = app.ledger as? any LedgerImporter else { return }
        let work = BackgroundWork<ImportOutcome>()
        importing = work
        progress = (0, nil)
        let (subject, path, given) = (subject, path, given)
        let filling = filling(app)
        app.runInBackground {
            let r = Result { () throws(ImportFailure) -> ImportOutcome in
                try ImportOutcome.run(
                    subject, path: path, importer: importer, filling: filling, given: given, progress: { work.progress($0, $1) })
            }
            work.finish(r)
        }
    }

    func tick(_ app: App) -> Bool {
        if let work = checking {
            let s = work.snapshot
            guard let result = s.result else {
                let changed = progress.done != s.done
                progress = (s.done, s.total)
                return changed
            }
            checking = nil
            switch result {
            case .success(let p): preview = p
            case .failure(let f): failure = f.message
            }
            scroll = 0
            return true
        }
        if let work = importing {
            let s = work.snapshot
            guard let result = s.result else {
                let changed = progress.done != s.done
                progress = (s.done, s.total)
                return changed
            }
            importing = nil
            switch result {
            case .success(let outcome): finished(outcome, app)
            case .failure(let f): app.error(f.message)
            }
            return true
        }
        return false
    }

    /// Back to the persons list, which reads the ledger again, with what happened on the status line.
    func finished(_ outcome: ImportOutcome, _ app: App) {
        let w = app.words
        var text: String
        if let r = outcome.report {
            guard r.committed else {
                app.error(r.errors.first?.message ?? Message(zh: "未导入任何数据", en: "nothing imported"))
                return
            }
            text =
                subject == .persons
                ? w.t(
                    "已从 \(name) 导入人员：新增 \(r.inserted.grouped)，更新 \(r.updated.grouped)，未变 \(r.unchanged.grouped)",
                    "imported persons from \(name): \(r.inserted.grouped) added, \(r.updated.grouped) updated, \(r.unchanged.grouped) unchanged"
                )
                : w.t(
                    "已从 \(name) 导入学习记录：新增 \(r.inserted.grouped)", "imported records from \(name): \(r.inserted.grouped) added")
            if r.duplicateCount > 0 {
                text += w.t("，重复跳过 \(r.duplicateCount.grouped)", ", \(r.duplicateCount.grouped) duplicates skipped")
            }
            if r.badRowCount > 0 {
                text += w.t("，有误未导入 \(r.badRowCount.grouped) 行", ", \(r.badRowCount.grouped) bad rows not imported")
            }
            if !r.changes.isEmpty {
                let what = subject == .persons ? ("人员", "persons") : ("学习记录", "records")
                app.made(
                    .imported(r.changes), "从 \(name) 导入\(what.0)", "the import of \(what.1) from \(name)",
                    rows: r.inserted + r.updated)
                text += w.t("（U 可撤销）", " (U undoes it)")
            }
        } else if let r = outcome.classReport {
            guard r.committed else {
                app.error(r.errors.first?.message ?? Message(zh: "未导入任何数据", en: "nothing imported"))
                return
            }
            let title = r.record?.title ?? ""
            text = w.t(
                "已从 \(name) 登记培训班“\(title)”：新增 \(r.inserted.grouped) 人",
                "class \"\(title)\" from \(name): \(r.inserted.grouped) added")
            if !r.duplicates.isEmpty { text += w.t("，重复跳过 \(r.duplicates.count)", ", \(r.duplicates.count) duplicates skipped") }
            if !r.changes.isEmpty {
                app.made(
                    .imported(r.changes), "从 \(name) 登记培训班“\(title)”", "the class \"\(title)\" from \(name)",
                    rows: r.inserted)
                text += w.t("（U 可撤销）", " (U undoes it)")
            }
        } else {
            return
        }
        app.pop()
        app.info(text)
    }

    // MARK: Keys

    typealias Binding = KeyBinding<ImportScreen>

    static let keymap: Keymap<ImportScreen> = Keymap([
        Binding(
            [.enter, .character("i")],
            help: ("Enter  i", "导入（先确认）：正确的行导入，有误的行不导入", "import (asks first): the good rows, not the bad"),
            bar: ("Enter", "导入", "import"), when: { s, _ in s.preview?.importable == true && !s.waitsForTick }
        ) { s, _, app in s.confirm(app) },
        Binding(
            [.character("w")],
            help: ("w", "把有误的行连同原因写到导出文件夹（同类文件）", "write the bad rows with their reasons to the exports folder"),
            bar: ("w", "写出有误的行", "write bad rows"),
            when: { s, _ in s.subject != .class && s.preview?.report?.rejected.isEmpty == false && !s.waitsForTick }
        ) { s, _, app in s.writeRejected(app) },
        Binding(
            [.character("E")], help: ("E", "设置本单位（没有单位列的人员即属此单位）", "set the employer (the unit of persons without one)"),
            bar: ("E", "设置本单位", "set employer"), when: { s, _ in s.subject == .persons && !s.waitsForTick }
        ) { s, _, app in
            app.overlay = EmployerBox(app) { app in s.check(app) }
        },
        Binding(
            ListCursor.lineKeys + ListCursor.pageKeys + ListCursor.endKeys + ListCursor.wheelKeys,
            help: ("↑ ↓  PgUp PgDn", "滚动", "scroll"), bar: ("↑↓", "滚动", "scroll")
        ) { s, key, app in s.scrollBy(key, app) },
        Binding([.escape, .character("q")], help: ("Esc  q", "返回（不导入）", "back (nothing imported)"), bar: ("Esc", "返回", "back")) {
            s, _, app in
            if s.importing != nil {
                app.info(app.t("正在导入，请稍候", "importing; please wait"))
            } else {
                app.pop()
            }
        },
    ])

    func confirm(_ app: App) {
        guard let p = preview else { return }
        let w = app.words
        var q = w.t(
            "导入 \(name) 中的 \(p.good.grouped) 行\(subject.label(w))？",
            "Import \(p.good.grouped) rows of \(subject.label(w)) from \(name)?")
        if subject == .class { q = w.t("为 \(p.good.grouped) 人登记此培训班？", "Register the class for \(p.good.grouped) persons?") }
        if p.bad > 0 && subject != .class {
            q += w.t("有误的 \(p.bad.grouped) 行不导入。", " The \(p.bad.grouped) bad rows are left out.")
        }
        app.overlay = Confirm(q) { [weak self] app in self?.runImport(app) }
    }

    /// The dry run's bad rows, with their reasons, to `$CELEDGER_EXPORT_DIR` (else ~/celedger-exports): a
    /// workbook for a workbook, as `--skip-invalid` writes them.
    func writeRejected(_ app: App) {
        guard let p = preview, let report = p.report, !report.rejected.isEmpty else { return }
        let folder = ViewExport.folder(app.environment)
        let base = ((name as NSString).deletingPathExtension as NSString).lastPathComponent
        let stamp = ViewExport.stamp(app.clock()).file
        let file = RejectedRowsFile(
            base: folder.appendingPathComponent(ViewExport.safe("\(base).rejected-\(stamp)")).path, spreadsheet: p.spreadsheet,
            kind: subject.rowKind, lang: app.lang, creator: app.reviewer)
        do {
            try FileManager.default.createDirectory(
                at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            for row in report.rejected { file.add(report.header, row) }
            let path = try file.close()
            chmod(path, 0o600)
            app.info(app.t("已把 \(file.count) 行有误的行写到 \(path)", "\(file.count) bad rows written to \(path)"))
        } catch let e as SheetError {
            app.error(e.text)
        } catch {
            app.message = (app.t("无法写到 \(folder.path)：", "cannot write to \(folder.path): ") + error.localizedDescription, true)
        }
    }

    func scrollBy(_ key: Key, _ app: App) {
        let page = max(1, bodyHeight(app) - 1)
        switch key {
        case .up, .character("k"): scroll -= 1
        case .down, .character("j"): scroll += 1
        case .pageUp, .control("b"): scroll -= page
        case .pageDown, .control("f"), .character(" "): scroll += page
        case .home, .character("g"): scroll = 0
        case .end, .character("G"): scroll = Int.max / 2
        case .mouse(let m) where m.kind == .wheelUp: scroll -= 3
        case .mouse(let m) where m.kind == .wheelDown: scroll += 3
        default: break
        }
        scroll = max(0, min(scroll, max(0, lines(app).count - bodyHeight(app))))
    }

    // MARK: Drawing

    func bodyHeight(_ app: App) -> Int { app.height - 4 }

    /// The preview as it is drawn: the long lines wrapped at the screen's width (a continuation indented),
    /// the sample table's rows cut instead.
    func lines(_ app: App) -> [(String, Style)] {
        let width = app.width - 2
        var out: [(String, Style)] = []
        for (text, style) in logicalLines(app) {
            // (The sample table's lines are cut to the width already.)
            if text.displayWidth <= width {
                out.append((text, style))
                continue
            }
            let indent = text.hasPrefix("  ") ? "    " : "  "
            let first = wrap(text, width: width)
            out.append((first[0], style))
            let rest = first.dropFirst().joined()
            for piece in wrap(rest, width: width - indent.count) { out.append((indent + piece, style)) }
        }
        return out
    }

    /// The preview as lines: what was found, then the sample rows, then every bad row.
    func logicalLines(_ app: App) -> [(String, Style)] {
        let w = app.words
        let sep = w.t("、", ", ")
        var out: [(String, Style)] = []
        if let failure {
            out.append(("✗ " + failure.text(app.lang), [.red, .bold]))
            return out
        }
        guard let p = preview else { return out }
        if let line = p.headerLine {
            out.append(
                (
                    w.t("表头：第 \(line) 行", "Header: row \(line)")
                        + (p.aboveHeader > 0
                            ? w.t(
                                "（其上 \(p.aboveHeader) 行为标题，已跳过）",
                                " (the \(p.aboveHeader) row\(p.aboveHeader == 1 ? "" : "s") above it, a title, skipped)")
                            : ""),
                    .bold
                ))
        }
        if !p.used.isEmpty {
            let kind = subject.rowKind
            let used = p.used.map { c, f in
                let name = f.label(app.lang, in: kind)
                return c == f.zh(in: kind) || c.lowercased() == f.key ? c : "\(c)→\(name)"
            }
            out.append((w.t("使用的列：", "Columns used: ") + used.joined(separator: sep), []))
        }
        for f in p.added {
            let unit = (try? app.ledger.employer()) ?? nil
            out.append(
                f == .unit
                    ? (
                        w.t(
                            "补上的列：单位 = 本单位“\(unit ?? "")”（文件没有单位列）",
                            "Column added: unit = the employer \"\(unit ?? "")\" (the file has none)"), []
                    )
                    : (
                        w.t(
                            "补上的列：职称级别（由职称推出，文件中已填的不变）",
                            "Column added: title level (from the title, where the file leaves it blank)"), []
                    ))
        }
        if !p.ignored.isEmpty {
            out.append(
                (
                    w.t("忽略的列（登记簿不用）：", "Columns ignored (the ledger has no use for them): ") + p.ignored.joined(separator: sep),
                    .dim
                ))
        }
        if p.lacksUnit && !p.added.contains(.unit) {
            out.append(
                (
                    w.t(
                        "文件没有单位列，本登记簿也未设置本单位：按 E 设置，人员即属此单位（否则单位为空）",
                        "The file has no unit column and the ledger no employer: E sets it, and the persons belong to it (else their unit is blank)"
                    ),
                    [.yellow, .bold]
                ))
        }
        for s in p.skipped {
            out.append((w.t("第 \(s.line) 行", "Row \(s.line)") + w.t("：", ": ") + s.message.text(app.lang), .dim))
        }
        if let r = p.classReport?.record {
            let span = r.startDate == r.endDate ? r.startDate.iso : "\(r.startDate.iso)~\(r.endDate.iso)"
            out.append(
                (
                    w.t(
                        "培训班：“\(r.title)” \(span) · \(r.mode.label(app.lang)) · \(r.category.label(app.lang)) · \(r.claimedHours) 学时",
                        "Class: \"\(r.title)\" \(span) · \(r.mode.label(app.lang)) · \(r.category.label(app.lang)) · \(r.claimedHours) h"
                    ), .bold
                ))
        }
        var counts = w.t("可导入 \(p.good.grouped) 行", "\(p.good.grouped) rows will import")
        if let r = p.report, subject == .persons {
            counts += w.t(
                "（新增 \(r.inserted.grouped)，更新 \(r.updated.grouped)，未变 \(r.unchanged.grouped)）",
                " (\(r.inserted.grouped) new, \(r.updated.grouped) updated, \(r.unchanged.grouped) unchanged)")
        }
        counts += w.t(" · 有误 \(p.bad.grouped) 行", " · \(p.bad.grouped) bad")
        if p.duplicates > 0 {
            counts += w.t(" · 重复 \(p.duplicates.grouped) 行（跳过）", " · \(p.duplicates.grouped) duplicates (skipped)")
        }
        if subject == .class && p.bad > 0 {
            counts += w.t(" · 培训班须整体导入：请先改正有误的行", " · a class imports whole: correct the bad rows first")
        }
        out.append((counts, [.bold]))
        if !p.sample.isEmpty {
            out.append(("", []))
            out.append((w.t("前 \(p.sample.count) 行导入后的样子：", "The first \(p.sample.count) rows as they will be stored:"), .bold))
            out += table(p.sampleHeader, p.sample, width: app.width - 2)
        }
        let problems = p.problems
        if !problems.isEmpty {
            out.append(("", []))
            out.append((w.t("有误的行（\(p.bad.grouped)）：", "Bad rows (\(p.bad.grouped)):"), [.red, .bold]))
            for e in problems {
                let where_ =
                    (e.line > 0 ? w.t("第 \(e.line) 行", "row \(e.line)") : "")
                    + (e.column.isEmpty ? "" : (e.line > 0 ? " " : "") + e.column)
                out.append(("  " + where_ + w.t("：", ": ") + e.message.text(app.lang), .red))
            }
            if let r = p.report, r.rejected.isEmpty, r.badRowCount > r.errors.count {
                out.append(
                    (w.t("  ……另有 \(r.badRowCount - r.errors.count) 行未列出", "  … and \(r.badRowCount - r.errors.count) more"), .dim)
                )
            }
        }
        return out
    }

    /// Columns as wide as their widest cell (by display width), the last ones cut when the screen is narrow.
    func table(_ header: [String], _ rows: [[String]], width: Int) -> [(String, Style)] {
        let widths = header.indices.map { i in min(24, ([header[i]] + rows.map { $0[i] }).map(\.displayWidth).max() ?? 0) }
        func line(_ cells: [String]) -> String {
            var s = "  "
            for (i, c) in cells.enumerated() {
                let piece = c.fitted(toWidth: widths[i])
                if (s + piece).displayWidth > width { break }
                s += piece + "  "
            }
            return s
        }
        return [(line(header), .underline)] + rows.map { (line($0), []) }
    }

    func render(_ g: inout TextGrid, _ app: App) {
        let w = app.words
        app.titleBar(&g, w.t("导入\(subject.label(w))：\(name)", "Import \(subject.label(w)): \(name)"), right: app.ledgerName)
        if waitsForTick {
            let what = importing != nil ? w.t("正在导入", "Importing") : w.t("正在检查（试运行，不写入）", "Checking (a dry run: nothing written)")
            g.put(what + " " + name + " …", row: 2, column: 2, style: .bold, maxWidth: app.width - 4)
            g.put(Self.bar(progress.done, progress.total, width: min(50, app.width - 20)), row: 4, column: 2)
            keysBar(&g, app)
            return
        }
        let body = lines(app)
        let height = bodyHeight(app)
        scroll = max(0, min(scroll, max(0, body.count - height)))
        for (i, (text, style)) in body.dropFirst(scroll).prefix(height).enumerated() {
            g.put(text, row: 2 + i, column: 1, style: style, maxWidth: app.width - 2)
        }
        if body.count > height {
            let more = w.t(
                "第 \(scroll + 1)–\(min(body.count, scroll + height)) 行，共 \(body.count) 行",
                "lines \(scroll + 1)–\(min(body.count, scroll + height)) of \(body.count)")
            g.put(more, row: 1, column: max(1, app.width - more.displayWidth - 1), style: .dim)
        }
        keysBar(&g, app)
    }

    /// "[██████░░░░]  45%  1.2 MB / 2.7 MB", or the bytes read alone when the size is unknown.
    static func bar(_ done: Int, _ total: Int?, width: Int) -> String {
        guard let total, total > 0 else { return FileChooser.size(Int64(done)) }
        let fraction = min(1, Double(done) / Double(total))
        let filled = Int(fraction * Double(width))
        return "[" + String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled) + "] "
            + String(format: "%3d%%", Int(fraction * 100)) + "  " + FileChooser.size(Int64(done)) + " / "
            + FileChooser.size(Int64(total))
    }
}

extension App {
    /// `I`: what to import, then the file (FileChooser), then the import screen (a class asks its details
    /// first, in the class form).
    func startImport() {
        guard ledger is any LedgerImporter else {
            error(Message(zh: "此登记簿不支持从文件导入", en: "this ledger cannot import files"))
            return
        }
        let subjects: [ImportSubject] = [.persons, .records, .class]
        overlay = Chooser(title: t("导入什么？", "Import what?"), options: subjects.map { $0.label(words) }) { i, app in
            let subject = subjects[i]
            app.overlay = FileChooser(
                title: app.t("选择要导入的\(subject.label(app.words))文件", "Choose the file of \(subject.label(app.words))"), app: app
            ) {
                path, app in
                if subject == .class {
                    app.overlay = ImportClassForm(app: app) { given, app in
                        app.push(ImportScreen(.class, path: path, given: given))
                    }
                } else {
                    app.push(ImportScreen(subject, path: path))
                }
            }
        }
    }
}

extension PersonsScreen {
    /// `I` imports from a spreadsheet, `E` sets the ledger's employer. At the end of the persons list's keymap.
    static let importKeys: [Binding] = [
        Binding(
            [.character("I")],
            help: ("I", "从表格导入人员、学习记录或培训班签到表（先试运行）", "import persons, records or a class sign-in sheet (a dry run first)"),
            bar: ("I", "导入", "import")
        ) { _, _, app in app.startImport() },
        Binding([.character("E")], help: ("E", "设置本单位（本登记簿的用人单位）", "set the employer (the ledger's own unit)")) { s, _, app in
            app.overlay = EmployerBox(app) { app in s.reload(app) }
        },
    ]
}
