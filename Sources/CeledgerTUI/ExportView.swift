import CeledgerDomain
import CeledgerLedger
import CeledgerSheets
import CeledgerText
import Foundation

/// `x` on a list: all of the list as it is filtered, searched and sorted (not only the page on screen)
/// written to an XLSX workbook with headers in the UI's language and a last line that says who exported
/// what, under which filter, when. Files go to `$CELEDGER_EXPORT_DIR`, else `~/celedger-exports`: the
/// folder only for its owner (0700), each file too (0600), since they hold ID numbers.
struct ViewExport {
    /// The file's name without the time and extension ("人员-2024年度").
    let name: String
    let columns: [TableColumn]
    /// What was exported, in words ("2024年度 · 单位: 全部 · 状态: 未达标 · 搜索: zs · 排序: 合计↓").
    let what: String
    /// Writes every row to the sink; returns how many.
    let rows: (_ sink: TableSink) throws -> Void

    /// The folder exports go to: the environment's, else the home folder's celedger-exports.
    static func folder(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let dir = environment["CELEDGER_EXPORT_DIR"], !dir.isEmpty { return URL(fileURLWithPath: dir, isDirectory: true) }
        let home =
            environment["HOME"].map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? FileManager.default.homeDirectoryForCurrentUser
        return home.appendingPathComponent("celedger-exports", isDirectory: true)
    }

    /// Writes the workbook; the status line names the file (or says, in the clerk's words, why not).
    func run(_ app: App) {
        let folder = ViewExport.folder(app.environment)
        let now = app.clock()
        let stamp = ViewExport.stamp(now)
        let file = folder.appendingPathComponent("\(ViewExport.safe(name))-\(stamp.file).xlsx")
        do {
            try FileManager.default.createDirectory(
                at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let sink = try XLSXWriter(path: file.path, sheetName: name)
            do {
                try sink.header(columns)
                try rows(sink)
                let count = sink.rowCount
                try sink.row([])
                try sink.row([
                    .text(
                        app.t(
                            "\(app.reviewer) 于 \(stamp.shown) 导出：\(what) · 共 \(count) 行",
                            "exported by \(app.reviewer) at \(stamp.shown): \(what) · \(count) rows"))
                ])
                try sink.finish(creator: app.reviewer, created: now, title: name)
                chmod(file.path, 0o600)
                app.info(app.t("已导出 \(count) 行到 \(file.path)", "\(count) rows exported to \(file.path)"))
            } catch {
                sink.abandon()
                throw error
            }
        } catch let e as SheetError {
            app.message = (app.lang == .zh ? e.message.zh : e.message.en, true)
        } catch let e as LedgerError {
            app.error(e)
        } catch {
            app.message = (
                app.t("无法导出到 \(folder.path)：", "cannot export to \(folder.path): ") + error.localizedDescription, true
            )
        }
    }

    /// A name safe for a file: no path separators or characters some file systems refuse.
    static func safe(_ s: String) -> String {
        String(s.map { "/\\:*?\"<>|".contains($0) ? "_" : $0 })
    }

    /// The time for the file's name (20241125-080000) and as shown (2024-11-25 08:00:00), local time.
    static func stamp(_ date: Date) -> (file: String, shown: String) {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyyyMMdd-HHmmss"
        let file = f.string(from: date)
        f.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return (file, f.string(from: date))
    }
}

extension App {
    /// The binding of `x` every list shares: the list's export, when the screen has one.
    static func exportBinding<S: ExportableScreen>() -> KeyBinding<S> {
        KeyBinding(
            [.character("x")],
            help: ("x", "导出整个列表（按当前筛选、搜索、排序）为 XLSX", "export the whole list (as filtered, searched, sorted) to XLSX"),
            bar: ("x", "导出", "export")
        ) { s, _, app in
            s.export(app).run(app)
        }
    }
}

/// A screen whose list `x` exports.
protocol ExportableScreen: KeymapScreen {
    func export(_ app: App) -> ViewExport
}

extension PersonsScreen: ExportableScreen {
    func filterWords(_ app: App) -> String {
        let w = app.words
        var parts = [w.t("\(query.year)年度", "\(query.year)")]
        parts.append(w.t("单位: ", "unit: ") + (query.unit ?? w.t("全部", "all")))
        if let d = query.department { parts.append(w.t("部门: ", "department: ") + d) }
        parts.append(w.t("状态: ", "status: ") + Self.statusLabel(query.status, w))
        if !query.search.trimmedField.isEmpty { parts.append(w.t("搜索: ", "search: ") + query.search.trimmedField) }
        parts.append(w.t("排序: ", "sort: ") + Self.sortLabel(query.sort, w) + (query.descending ? "↓" : "↑"))
        return parts.joined(separator: " · ")
    }

    func export(_ app: App) -> ViewExport {
        let w = app.words
        let q = query
        let reveal = app.revealIDs
        return ViewExport(
            name: w.t("人员-\(q.year)年度", "persons-\(q.year)"),
            columns: [
                TableColumn(w.t("姓名", "Name")), TableColumn(w.t("身份证号", "ID number"), .code),
                TableColumn(w.t("单位", "Unit")), TableColumn(w.t("部门", "Department")), TableColumn(w.t("职称", "Title")),
                TableColumn(w.t("公需学时", "Public hours"), .number), TableColumn(w.t("专业学时", "Professional hours"), .number),
                TableColumn(w.t("合计学时", "Total hours"), .number), TableColumn(w.t("状态", "Status")),
            ],
            what: filterWords(app)
                + (reveal ? "" : w.t(" · 身份证号已遮盖（v 显示后导出完整号码）", " · ID numbers masked (v shows them for the export)"))
        ) { sink in
            // Through the list's keys, a thousand at a time: the same order and filter as on screen.
            var key: ListKey?
            while true {
                let page = try app.ledger.personRows(q, from: key, forward: true, including: false, limit: 1000)
                for r in page {
                    let t = r.totals
                    try sink.row([
                        .text(r.name), .text(reveal ? r.idNumber : ResidentID.mask(r.idNumber)), .text(r.unit),
                        .text(r.department), .text(r.title),
                        .number(t.publicHours.description), .number(t.professionalHours.description),
                        .number(t.totalHours.description), .text(t.shortage.label(app.lang)),
                    ])
                }
                guard page.count == 1000, let last = page.last else { break }
                key = last.key
            }
        }
    }
}

/// A record's columns, for the person's and the recognition list's exports.
enum RecordColumns {
    static func columns(_ w: Words, person: Bool) -> [TableColumn] {
        (person ? [TableColumn(w.t("姓名", "Name"))] : [])
            + [
                TableColumn(w.t("开始日期", "Start"), .date), TableColumn(w.t("结束日期", "End"), .date),
                TableColumn(w.t("学习方式", "Mode")), TableColumn(w.t("科目类别", "Category")), TableColumn(w.t("内容", "Content")),
                TableColumn(w.t("举办单位", "Provider")), TableColumn(w.t("考核结果", "Assessment")),
                TableColumn(w.t("申报学时", "Claimed hours"), .number), TableColumn(w.t("认定学时", "Recognised hours"), .number),
                TableColumn(w.t("认定状态", "Recognition")), TableColumn(w.t("认定说明", "Recognition note")),
                TableColumn(w.t("证明编号", "Certificate"), .code),
            ]
    }

    static func cells(_ r: Record, _ lang: Lang) -> [TableCell] {
        [
            .date(r.startDate.iso), .date(r.endDate.iso), .text(r.mode.label(lang)), .text(r.category.label(lang)),
            .text(r.title),
            .text(r.provider), .text(r.assessment.label(lang)), .number(r.claimedHours.description),
            .number(r.recognizedHours?.description ?? ""), .text(r.recognition.label(lang)), .text(r.recognitionNote),
            .text(r.certificateNo),
        ]
    }
}

extension PersonScreen: ExportableScreen {
    func export(_ app: App) -> ViewExport {
        let w = app.words
        let name = person?.person.name ?? ""
        let list = records
        return ViewExport(
            name: w.t("\(name)-\(year)年度记录", "\(name)-\(year)-records"), columns: RecordColumns.columns(w, person: false),
            what: w.t("\(name) \(year)年度的全部记录", "every record of \(name) in \(year)")
        ) { sink in
            for r in list { try sink.row(RecordColumns.cells(r.record, app.lang)) }
        }
    }
}

extension RecognitionScreen: ExportableScreen {
    func export(_ app: App) -> ViewExport {
        let w = app.words
        let list = pending
        return ViewExport(
            name: w.t("待认定-\(year)年度", "pending-\(year)"), columns: RecordColumns.columns(w, person: true),
            what: w.t("\(year)年度待认定的全部记录", "every record pending recognition in \(year)")
        ) { sink in
            for p in list { try sink.row([.text(p.personName)] + RecordColumns.cells(p.stored.record, app.lang)) }
        }
    }
}

extension StatsScreen: ExportableScreen {
    func export(_ app: App) -> ViewExport {
        let w = app.words
        let list = units
        let year = app.year
        return ViewExport(
            name: w.t("统计-\(year)年度", "statistics-\(year)"),
            columns: [
                TableColumn(w.t("单位", "Unit")), TableColumn(w.t("人数", "Persons"), .number),
                TableColumn(w.t("达标人数", "Met"), .number), TableColumn(w.t("达标率%", "Met %"), .number),
                TableColumn(w.t("学时合计", "Hours"), .number), TableColumn(w.t("人均学时", "Average hours"), .number),
            ],
            what: w.t("\(year)年度各单位达标情况", "met rate by unit in \(year)")
        ) { sink in
            for g in list {
                try sink.row([
                    .text(g.key.isEmpty ? w.t("（未填单位）", "(no unit)") : g.key), .number(String(g.persons)), .number(String(g.met)),
                    .number(g.rateTenths.map { Hours(tenths: $0).description } ?? ""), .number(g.hours.description),
                    .number(g.averageHours.description),
                ])
            }
        }
    }
}
