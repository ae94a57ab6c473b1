import CeledgerDomain
import CeledgerLedger
import CeledgerText

/// The persons marked on the persons screen for a class registration, in the order marked. Marks are
/// kept by person, so they stay through searches, filters and year changes until cleared.
struct PersonMarks {
    private(set) var ids: [Int64] = []
    private var set = Set<Int64>()

    var count: Int { ids.count }
    var isEmpty: Bool { ids.isEmpty }
    func contains(_ id: Int64) -> Bool { set.contains(id) }

    /// Marks or unmarks; true when the person is now marked.
    @discardableResult
    mutating func toggle(_ id: Int64) -> Bool {
        if set.remove(id) != nil {
            ids.removeAll { $0 == id }
            return false
        }
        set.insert(id)
        ids.append(id)
        return true
    }

    mutating func clear() {
        ids = []
        set = []
    }
}

extension PersonsScreen {
    /// `m` marks or unmarks the selected person and moves down, `M` clears the marks, `A` registers one
    /// class for every marked person (Art. 16), `t` opens the statistics. At the end of the persons list's keymap.
    static let batchKeys: [Binding] = [
        Binding(
            [.character("m")], help: ("m", "标记 / 取消标记所选人员（* 表示已标记）", "mark / unmark the selected person (* shows a mark)"),
            bar: ("m", "标记", "mark")
        ) {
            s, _, app in
            s.toggleMark(app)
        },
        Binding([.character("M")], help: ("M", "清除所有标记", "clear every mark")) { s, _, app in s.clearMarks(app) },
        Binding(
            [.character("A")],
            help: ("A", "为所有标记的人员登记同一培训（重复的跳过）", "register one class for every marked person (duplicates skipped)"),
            bar: ("A", "批量登记", "register class")
        ) { s, _, app in
            s.openClassForm(app)
        },
        Binding([.character("t")], help: ("t", "统计：达标率（按单位）、学时构成（按学习方式）", "statistics: met rate by unit, hours by mode")) {
            _, _, app in
            app.push(StatsScreen())
        },
    ]

    func toggleMark(_ app: App) {
        let w = app.words
        guard let r = selectedRow else { return }
        marks.toggle(r.rowID)
        _ = move(.down, app)
        app.info(
            w.t(
                "已标记 \(marks.count) 人 · A 批量登记同一培训 · M 清除标记",
                "\(marks.count) marked · A registers one class for them · M clears the marks"))
    }

    func clearMarks(_ app: App) {
        guard !marks.isEmpty else { return }
        marks.clear()
        app.info(app.words.t("已清除标记", "marks cleared"))
    }

    func openClassForm(_ app: App) {
        let w = app.words
        guard let first = marks.ids.first else {
            app.error(Message(zh: "先用 m 标记参加同一培训的人员，再按 A 批量登记", en: "mark the class's participants with m first, then press A"))
            return
        }
        guard let person = try? app.ledger.person(rowID: first) else {
            app.error(
                Message(zh: "所标记的人员已不在登记簿中；按 M 清除标记后重选", en: "a marked person is no longer in the ledger; press M and mark again")
            )
            return
        }
        let ids = marks.ids
        app.overlay = ClassForm(app: app, persons: ids, first: person.person.id) { [weak self] result, record, app in
            guard let self else { return }
            var text = w.t(
                "已为 \(result.added.count) 人登记“\(record.title)”",
                "\"\(record.title)\" registered for \(result.added.count) person\(result.added.count == 1 ? "" : "s")")
            if !result.duplicates.isEmpty {
                let names = result.duplicates.compactMap { try? app.ledger.person(rowID: $0)?.person.name }
                text += w.t(
                    "；\(result.duplicates.count) 人已有此活动，跳过：\(names.joined(separator: "、"))",
                    "; \(result.duplicates.count) already had it, skipped: \(names.joined(separator: ", "))")
            }
            self.marks.clear()
            self.reload(app)
            app.info(text)
        }
    }

    /// A `*` in the margin before each marked person, and how many are marked at the right of the second row.
    func drawMarks(_ g: inout TextGrid, _ app: App) {
        guard !marks.isEmpty else { return }
        for (i, r) in rows.prefix(visibleRows(app)).enumerated() where marks.contains(r.rowID) {
            g.put("*", row: 3 + i, column: 0, style: i == window.selected ? [.reverse, .bold] : .bold)
        }
        let text = app.words.t("已标记 \(marks.count) 人", "\(marks.count) marked")
        g.put(text, row: 1, column: app.width - text.displayWidth - 1, style: .bold)
    }
}

/// The record form without a person: one class, added for every marked person in one transaction.
final class ClassForm: RecordForm {
    let persons: [Int64]
    let onAdded: (BatchResult, Record, App) -> Void

    init(app: App, persons: [Int64], first: ResidentID, onAdded: @escaping (BatchResult, Record, App) -> Void) {
        self.persons = persons
        self.onAdded = onAdded
        super.init(
            app: app, personRowID: persons[0], personID: first, editing: nil,
            defaultDay: app.today.year == app.year ? app.today : nil
        ) { _ in }
        title = app.t(
            "批量登记：为 \(persons.count) 人登记同一培训", "Register a class for \(persons.count) person\(persons.count == 1 ? "" : "s")")
        // A score and a certificate number belong to each person: edit them on the person screen afterwards.
        inputs.removeAll { $0.field == .score || $0.field == .certificateNo }
        revalidate(app)
    }

    override func save(_ cells: [Field: String], _ app: App) -> String? {
        guard case .success(let record) = parsed() else { return nil }
        do {
            let result = try app.ledger.addRecords(record, personRowIDs: persons, reviewer: app.reviewer)
            app.made(
                .classAdded(record, personRowIDs: result.added), "为 \(result.added.count) 人批量登记“\(record.title)”",
                "\"\(record.title)\" registered for \(result.added.count)")
            app.overlay = nil
            onAdded(result, record, app)
            return nil
        } catch {
            return error.message.text(app.lang)
        }
    }
}
