import CeledgerDomain
import CeledgerLedger
import CeledgerText

/// One person: identity, the year's totals against the rule, five years at a glance, the year's records.
final class PersonScreen: KeymapScreen {
    let personRowID: Int64
    var year: Int
    var person: StoredPerson?
    var records: [StoredRecord] = []
    var history: [AnnualTotals] = []
    /// The year as the rules judge it: the trims and their notes.
    var result: YearResult?
    var notes: [Message] = []
    var cursor = ListCursor()
    var follow: Int64?
    /// Each shown record's proof files (Proof.swift), by record row id.
    var proof: [Int64: [EvidenceItem]] = [:]
    /// `F`: only the records without proof (the ones to chase a certificate for).
    var withoutProofOnly = false

    init(personRowID: Int64, year: Int) {
        self.personRowID = personRowID
        self.year = year
    }

    func visibleRows(_ app: App) -> Int { max(1, app.height - 7) }

    var totals: AnnualTotals? { history.last }

    var selected: StoredRecord? { cursor.selected < records.count ? records[cursor.selected] : nil }

    /// What a per-year cap trimmed from a record.
    func trimmed(_ r: StoredRecord) -> Hours {
        result?.trims.filter { $0.recordID == r.rowID }.reduce(.zero) { $0 + $1.hours } ?? .zero
    }

    /// The selected record, unless it is recognised: then the clerk is told how to reopen it.
    func unlockedSelection(_ app: App) -> StoredRecord? {
        guard let r = selected else { return nil }
        if r.record.recognition == .recognized {
            app.error(
                Message(
                    zh: "已认定的记录已锁定；按 u 重新打开（须写明理由）后才能修改或删除",
                    en: "a recognised record is locked; press u to reopen it (with a reason) before changing or deleting it"))
            return nil
        }
        return r
    }

    func reload(_ app: App) {
        year = app.year
        do {
            person = try app.ledger.person(rowID: personRowID)
            guard person != nil else {
                app.pop()
                app.error(Message(zh: "此人已不在登记簿中", en: "this person is no longer in the ledger"))
                return
            }
            records = try app.ledger.records(personRowID: personRowID, year: year)
            try loadProof(app)
            if withoutProofOnly { records = records.filter { (proof[$0.rowID] ?? []).isEmpty } }
            history = try app.ledger.yearTotals(personRowID: personRowID, years: (year - 4)...year)
            (result, notes) = try app.ledger.yearResult(personRowID: personRowID, year: year)
            cursor.count = records.count
            if let f = follow, let i = records.firstIndex(where: { $0.rowID == f }) { cursor.selected = i }
            follow = nil
            cursor.clamp(visible: visibleRows(app))
        } catch {
            app.error(error)
        }
    }

    typealias Binding = KeyBinding<PersonScreen>

    static let keymap: Keymap<PersonScreen> = Keymap(
        [
            Binding(ListCursor.keys, help: ("↑ ↓  j k", "选择记录", "select a record")) { s, key, app in
                _ = s.cursor.handle(key, visible: s.visibleRows(app))
            },
            Binding([.character("a")], help: ("a", "新增学习记录", "add a record"), bar: ("a", "新增", "add")) { s, _, app in
                s.addRecord(app)
            },
            Binding(
                [.character("e"), .enter], help: ("e  Enter", "编辑所选记录", "edit the selected record"), bar: ("e", "编辑", "edit")
            ) { s, _, app in
                s.editSelected(app)
            },
            Binding(
                [.character("d"), .delete], help: ("d  Delete", "删除所选记录（先确认）", "delete the selected record (asks first)"),
                bar: ("d", "删除", "delete")
            ) { s, _, app in
                s.deleteSelected(app)
            },
            Binding(
                [.character("r")],
                help: ("r", "认定所选记录：已认定 / 不予认定（须填理由）", "recognise the selected record: recognised / rejected (reason required)"),
                bar: ("r", "认定", "recognise")
            ) { s, _, app in
                guard let r = s.unlockedSelection(app) else { return }
                app.overlay = RecognitionChoice.menu(
                    app, before: [r.rowID: r.record], versions: [r.rowID: r.version], about: r.record.title
                ) { [weak s] app in
                    s?.reload(app)
                }
            },
            Binding(
                [.character("u")],
                help: (
                    "u", "重新打开已认定（已锁定）的记录，须写明理由；改为待认定", "reopen a recognised (locked) record, with a reason; it becomes pending"
                ),
                bar: ("u", "重新打开", "reopen")
            ) { s, _, app in
                s.reopenSelected(app)
            },
            Binding([.character("E")], help: ("E", "编辑此人信息", "edit this person"), bar: ("E", "编辑人员", "edit person")) {
                s, _, app in
                guard let p = s.person else { return }
                app.overlay = PersonForm(app: app, editing: p) { [weak s] _ in s?.reload(app) }
            },
            Binding(
                [.character("h")],
                help: ("h", "修改记录：此人及其记录的每次新增、修改、删除", "history: every change to this person and their records"),
                bar: ("h", "修改记录", "history")
            ) { s, _, app in
                if let p = s.person { app.push(HistoryScreen(idNumber: p.person.id.value, name: p.person.name)) }
            },
            Binding(
                [.character("f")],
                help: ("f", "证明材料：添加文件、打开、移除", "proof: attach a file, open or remove one"), bar: ("f", "证明", "proof")
            ) { s, _, app in
                s.proofMenu(app)
            },
            Binding(
                [.character("F")], help: ("F", "只显示没有证明材料的记录 / 全部", "only the records without proof / all")
            ) { s, _, app in
                s.withoutProofOnly.toggle()
                s.reload(app)
                app.info(
                    s.withoutProofOnly
                        ? app.t("只显示没有证明材料的记录（F 显示全部）", "only records without proof (F shows all)")
                        : app.t("显示全部记录", "all records"))
            },
            .year,
            App.exportBinding(),
            Binding([.character("v")], help: ("v", "显示 / 隐藏完整身份证号", "show / hide the full ID number")) { _, _, app in
                app.revealIDs.toggle()
            },
            Binding(
                [.escape, .character("q")], help: ("Esc  q", "返回人员列表", "back to the persons list"), bar: ("Esc", "返回", "back")
            ) { _, _, app in
                app.pop()
            },
            Binding([.mouse(kind: .click), .mouse(kind: .doubleClick)]) { s, key, app in s.click(key.mouseEvent!, app) },
        ] + cardKeys)  // CardPrinting.swift

    func addRecord(_ app: App) {
        guard let p = person else { return }
        let today = app.today
        app.overlay = RecordForm(
            app: app, personRowID: personRowID, personID: p.person.id, editing: nil,
            defaultDay: today.year == year ? today : nil
        ) { [weak self] id in
            guard let self else { return }
            self.follow = id
            self.reload(app)
        }
    }

    func editSelected(_ app: App) {
        guard let p = person, let r = unlockedSelection(app) else { return }
        app.overlay = RecordForm(app: app, personRowID: personRowID, personID: p.person.id, editing: r, defaultDay: nil) {
            [weak self] id in
            self?.follow = id
            self?.reload(app)
        }
    }

    func deleteSelected(_ app: App) {
        let w = app.words
        guard let r = unlockedSelection(app) else { return }
        app.overlay = Confirm(w.t("删除记录“\(r.record.title)”？", "Delete the record \"\(r.record.title)\"?")) { [weak self] app in
            do {
                try app.ledger.deleteRecord(rowID: r.rowID, expected: r.version)
                if let person = self?.personRowID {
                    app.made(
                        .recordDeleted(r.record, personRowID: person), "删除记录“\(r.record.title)”",
                        "the deletion of \"\(r.record.title)\"")
                }
                app.info(w.t("已删除（Ctrl-Z 或 U 撤销）", "deleted (Ctrl-Z or U undoes it)"))
            } catch {
                app.error(error)
            }
            self?.reload(app)
        }
    }

    func reopenSelected(_ app: App) {
        let w = app.words
        guard let r = selected else { return }
        guard r.record.recognition == .recognized else {
            app.info(w.t("此记录未认定，可直接修改", "this record is not recognised; edit it directly"))
            return
        }
        app.overlay = Prompt(title: w.t("重新打开：", "Reopen: ") + r.record.title, label: w.t("理由", "Reason"), required: true) {
            [weak self] reason, app in
            do {
                try app.ledger.reopen(rowIDs: [r.rowID], reason: reason, reviewer: app.reviewer)
                app.info(w.t("已重新打开，改为待认定；修改后请重新认定", "reopened as pending; recognise it again after the correction"))
            } catch {
                app.error(error)
            }
            self?.follow = r.rowID
            self?.reload(app)
        }
    }

    /// A click selects a record; a double click also opens it (as Enter does).
    func click(_ m: Key.MouseEvent, _ app: App) {
        let i = cursor.top + m.row - 5
        if m.row >= 5 && i < records.count {
            cursor.selected = i
            if m.kind == .doubleClick { handle(.enter, app) }
        }
    }

    func layout(_ app: App) -> ColumnLayout {
        let w = app.words
        return ColumnLayout(
            [
                ColumnSpec(key: "date", title: w.t("日期", "Dates"), width: 16),
                ColumnSpec(key: "mode", title: w.t("方式", "Mode"), width: 8),
                ColumnSpec(key: "cat", title: w.t("类别", "Cat."), width: 4, dropPriority: 2),
                ColumnSpec(key: "title", title: w.t("内容", "Content"), width: 14, flexible: true),
                ColumnSpec(key: "provider", title: w.t("举办单位", "Provider"), width: 14, dropPriority: 3),
                ColumnSpec(key: "assess", title: w.t("考核", "Exam"), width: app.lang == .zh ? 6 : 9, dropPriority: 1),
                ColumnSpec(key: "claimed", title: w.t("申报", "Claimed"), width: 7, align: .right),
                ColumnSpec(key: "recognized", title: w.t("认定", "Recog."), width: 7, align: .right),
                ColumnSpec(key: "state", title: w.t("状态", "State"), width: app.lang == .zh ? 10 : 11),
                ColumnSpec(key: "proof", title: w.t("证明", "Proof"), width: 5),
            ], totalWidth: app.width)
    }

    func render(_ g: inout TextGrid, _ app: App) {
        let w = app.words
        guard let sp = person, let t = totals else { return }
        let p = sp.person
        let id = app.revealIDs ? p.id.value : p.id.masked
        var place = [p.unit, p.department].filter { !$0.isEmpty }
        if !p.title.isEmpty { place.append(p.title + (p.titleLevel.map { "(\($0.label(app.lang)))" } ?? "")) }
        place.append(p.status.label(app.lang) + (p.statusDate.map { " \($0.iso)" } ?? ""))
        app.titleBar(
            &g, "\(p.name)  \(p.gender.label(app.lang))  \(p.birthDate.iso)  \(id)   \(place.joined(separator: " · "))",
            right: w.t("? 帮助", "? help"))

        // The year against the rule.
        let rule = app.rules.ruleSet(for: year)
        var x = 1
        x = g.put(w.t("\(year)年度", "\(year)"), row: 1, column: x, style: .bold) + 3
        x = g.put(w.t("合计 ", "total ") + "\(t.totalHours) / \(t.requiredHours.compact)", row: 1, column: x) + 3
        x =
            g.put(
                w.t("专业 ", "professional ") + "\(t.professionalHours) / \(t.requiredProfessionalHours.compact)", row: 1, column: x
            ) + 3
        x =
            g.put(
                w.t("公需 ", "public ") + "\(t.publicHours)" + (t.thresholds.publicHours.map { " / \($0.compact)" } ?? ""), row: 1,
                column: x) + 3
        if t.trimmedHours != .zero {
            x = g.put(w.t("上限扣减 ", "capped ") + "\(t.trimmedHours)", row: 1, column: x, style: .yellow) + 3
        }
        x = g.put(t.shortage.label(app.lang), row: 1, column: x, style: Format.statusStyle(t).union(.bold)) + 3
        if let rule {
            g.put(
                w.t("规则: ", "rules: ") + rule.name.text(app.lang), row: 1, column: x, style: .dim,
                maxWidth: max(0, app.width - x - 1))
        }

        // Five years at a glance, and how many of those the person was required to meet were met.
        let window = WindowResult(years: history.map { ($0.year, p.isActive(in: $0.year) ? $0 : nil) })
        let windowText = w.t(
            "达标 \(window.yearsMet)/\(window.yearsRequired) 年 · 合计 \(window.windowTotalHours)",
            "met \(window.yearsMet)/\(window.yearsRequired) · \(window.windowTotalHours) h")
        x = g.put(w.t("近五年", "5 years"), row: 2, column: 1, style: .dim) + 2
        // Each year: "2024 " + bar + " " + hours (4) + a gap: 11 cells and the bar. The window's summary
        // goes to the right when the bars can stay at least 1 cell wide beside it.
        let count = max(1, history.count)
        let windowWidth = windowText.displayWidth + 1
        let showWindow = app.width - 1 - x - windowWidth >= count * 12
        let cellWidth = max(12, min(22, (app.width - 1 - x - (showWindow ? windowWidth : 0)) / count))
        let barWidth = cellWidth - 11
        for h in history {
            let start = x
            x = g.put("\(h.year) ", row: 2, column: x, style: h.year == year ? .bold : [])
            x = g.put(
                Format.bar(h.totalHours, of: h.requiredHours, width: barWidth), row: 2, column: x, style: Format.statusStyle(h))
            x = g.put(" " + h.totalHours.compact.fitted(toWidth: 4, align: .right), row: 2, column: x)
            x = start + cellWidth
        }
        if showWindow {
            g.put(
                windowText, row: 2, column: max(x, app.width - windowWidth), style: window.allMet ? .green : .dim,
                maxWidth: windowWidth)
        }

        let lay = layout(app)
        lay.header(into: &g, row: 4)
        let visible = visibleRows(app)
        for i in 0..<visible {
            let index = cursor.top + i
            guard index < records.count else { break }
            let r = records[index].record
            var cells: [String] = []
            var styles: [Int: Style] = [:]
            for (ci, col) in lay.columns.enumerated() {
                switch col.key {
                case "date": cells.append(Format.span(r.startDate, r.endDate))
                case "mode": cells.append(r.mode.label(app.lang))
                case "cat": cells.append(app.lang == .zh ? r.category.shortZh : String(r.category.en.prefix(4)))
                case "title": cells.append(r.title)
                case "provider": cells.append(r.provider)
                case "assess":
                    cells.append(r.assessment.label(app.lang))
                    if r.assessment == .failed { styles[ci] = .red }
                case "claimed": cells.append(r.claimedHours.description)
                case "recognized": cells.append(r.recognizedHours?.description ?? "—")
                case "proof":
                    let mark = proofMark(records[index], app)
                    cells.append(mark.text)
                    styles[ci] = mark.style
                default:
                    switch r.contribution {
                    case .counts:
                        let cut = trimmed(records[index])
                        cells.append(r.recognition.label(app.lang) + (cut == .zero ? "" : "−\(cut)"))
                        styles[ci] = cut == .zero ? .green : .yellow
                    case .none(.failed):
                        cells.append(w.t("不计入", "not counted"))
                        styles[ci] = .red
                    case .none(.pending):
                        cells.append(r.recognition.label(app.lang))
                        styles[ci] = .yellow
                    case .none(.rejected):
                        cells.append(r.recognition.label(app.lang))
                        styles[ci] = .red
                    }
                }
            }
            let sel = index == cursor.selected
            if sel { g.fill(row: 5 + i, style: .reverse) }
            lay.draw(cells, into: &g, row: 5 + i, style: sel ? .reverse : [], styles: sel ? [:] : styles)
        }
        if records.isEmpty {
            g.put(
                withoutProofOnly
                    ? w.t("本年度的记录都有证明材料。按 F 显示全部。", "Every record this year has proof. Press F to show all.")
                    : w.t("本年度没有记录。按 a 新增。", "No records this year. Press a to add one."), row: 6, column: 2, style: .dim)
        }
        // Why the selected record does not count, or its recognition note.
        if app.message == nil, let s = selected {
            var why: [String] = []
            if case .none(let reason) = s.record.contribution { why.append(reason.message.text(app.lang)) }
            if trimmed(s) != .zero, let set = rule, let trim = result?.trims.first(where: { $0.recordID == s.rowID }),
                let cap = set.cap(id: trim.capID)
            {
                why.append(cap.describe(app.lang) + w.t("，本条扣 \(trimmed(s))", ", \(trimmed(s)) trimmed here"))
            }
            if let suggestion = RowParser(rules: app.rules).suggestion(for: s.record) {
                var text = w.t("建议 ", "suggested ") + suggestion.working.text(app.lang)
                if s.record.recognition == .recognized, let h = s.record.recognizedHours, h != suggestion.hours {
                    text += w.t("（认定 \(h)，与建议不同）", " (recognised \(h), differs)")
                }
                why.append(text)
            }
            if let items = proof[s.rowID], !items.isEmpty {
                why.append(w.t("证明：", "proof: ") + items.map { "\($0.number) \($0.name)" }.joined(separator: w.t("、", ", ")))
            }
            if !s.record.recognitionNote.isEmpty { why.append(w.t("认定说明：", "recognition note: ") + s.record.recognitionNote) }
            if !s.record.note.isEmpty { why.append(w.t("备注：", "note: ") + s.record.note) }
            if !why.isEmpty {
                g.put(why.joined(separator: "  "), row: app.height - 2, column: 1, style: .dim, maxWidth: app.width - 2)
            }
        }
        keysBar(&g, app)
    }
}

/// The recognition decision for one or more records.
enum RecognitionChoice {
    /// `about` names what the decision touches ("张三 · 职业道德专题", "3 条记录") in the titles.
    /// `before`: the records as the screen has them, by row id (what an undo puts back).
    /// `versions`: what the records were shown at; one changed since is left and said so.
    static func menu(
        _ app: App, before: [Int64: Record], versions: [Int64: Int64] = [:], about: String, done: @escaping (App) -> Void
    ) -> Overlay {
        let rowIDs = before.keys.sorted()
        let w = app.words
        return Chooser(
            title: w.t("认定：", "Recognition: ") + about,
            options: [
                w.t("已认定（按认定学时，未填则按规则建议）", "recognised (recognised hours, else the rule's suggestion)"),
                w.t("不予认定（须填理由）", "rejected (reason required)"),
            ]
        ) { choice, app in
            switch choice {
            case 0: apply(app, rowIDs, before, versions, .recognized, "", done)
            default:
                app.overlay = Prompt(title: w.t("不予认定：", "Reject: ") + about, label: w.t("理由", "Reason"), required: true) {
                    reason, app in
                    apply(app, rowIDs, before, versions, .rejected, reason, done)
                }
            }
        }
    }

    static func apply(
        _ app: App, _ ids: [Int64], _ before: [Int64: Record], _ versions: [Int64: Int64], _ r: Recognition, _ reason: String,
        _ done: (App) -> Void
    ) {
        do {
            let outcome = try app.ledger.decideRecognition(
                rowIDs: ids, to: r, reason: reason, reviewer: app.reviewer, expected: versions)
            let n = outcome.changed
            if n > 0 {
                app.made(
                    .recordsChanged(
                        before: before.filter { outcome.changedRowIDs.contains($0.key) },
                        versions: versions.filter { outcome.changedRowIDs.contains($0.key) }.mapValues { $0 + 1 }),
                    "将 \(n) 条记录设为\(r.zh)", "\(n) record\(n == 1 ? "" : "s") set to \(r.en)")
            }
            // Records another window decided (or deleted) meanwhile are named with why, never as a bare 0.
            if let why = outcome.refusals(app.lang) {
                app.message = (
                    n == 0
                        ? app.t("未能设为\(r.zh)：", "not set to \(r.en): ") + why
                        : app.t("已将 \(n) 条记录设为\(r.zh)；未改：", "\(n) set to \(r.en); unchanged: ") + why,
                    true
                )
            } else {
                app.info(app.t("已将 \(n) 条记录设为\(r.zh)", "\(n) record\(n == 1 ? "" : "s") set to \(r.en)"))
            }
        } catch {
            app.error(error)
        }
        done(app)
    }
}
