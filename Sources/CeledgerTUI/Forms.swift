import CeledgerDomain
import CeledgerLedger
import CeledgerText

/// One input of a form: free text, or a choice among a vocabulary's values.
struct FormInput {
    let field: Field
    let label: String
    var text: TextField
    /// For choices: (stored value, label shown), and which is chosen.
    var choices: [(value: String, label: String)] = []
    var chosen = 0
    /// Takes the whole row of the form.
    var wide = false
    var touched = false

    var isChoice: Bool { !choices.isEmpty }
    var value: String { isChoice ? choices[chosen].value : text.text }

    static func text(_ f: Field, _ label: String, _ value: String, wide: Bool = false) -> FormInput {
        FormInput(field: f, label: label, text: TextField(value), wide: wide)
    }

    static func choice<V: Vocabulary>(
        _ f: Field, _ label: String, _ type: V.Type, _ current: V?, lang: Lang, allowNone: Bool = false
    ) -> FormInput {
        var options: [(String, String)] = allowNone ? [("", "—")] : []
        options += V.allCases.map { ($0.rawValue, $0.label(lang)) }
        let index = current.flatMap { c in options.firstIndex { $0.0 == c.rawValue } } ?? 0
        return FormInput(field: f, label: label, text: TextField(), choices: options, chosen: index)
    }
}

/// A form in a box: Tab / Shift-Tab or arrows between inputs, Space or ←→ change a choice, Enter or
/// Ctrl-S saves, Esc cancels (asking first when something changed). Each change is checked by the domain's
/// row parser, so the form and an import accept and refuse exactly the same values.
class FormOverlay: Overlay {
    var title: String
    var inputs: [FormInput]
    var focus = 0
    var problems: [Field: Message] = [:]
    /// A problem that is not one field's (a duplicate, a ledger error).
    var formProblem: String?
    var triedToSave = false
    var dirty = false
    /// The version of the row the form edits, handed to the save; "keep mine" moves it to the version the
    /// other clerk's change made.
    var expectedVersion: Int64?
    /// Set by a save the ledger refused because the row changed meanwhile: the box over the form says so.
    var conflict: ConcurrentChange?

    init(title: String, inputs: [FormInput]) {
        self.title = title
        self.inputs = inputs
        if let first = inputs.first, !first.isChoice { self.inputs[0].text.selectAll() }
    }

    // Subclasses provide these.
    func validate(_ cells: [Field: String], _ app: App) -> [FieldIssue] { [] }
    /// Saves; returns a problem to show, or nil when saved.
    func save(_ cells: [Field: String], _ app: App) -> String? { nil }
    /// A line under the inputs (derived values, suggestions).
    func note(_ app: App) -> String? { nil }
    /// "Reload" in the conflict box: the form again on the row as it is now.
    func reloadAfterConflict(_ app: App, _ change: ConcurrentChange) {}
    /// "Keep mine": the form's values saved over the version the other change made.
    func keepMine(_ app: App, _ change: ConcurrentChange) {
        expectedVersion = change.current
        submit(app)
    }

    /// A ledger error as the form shows it; a change made meanwhile also opens the conflict box.
    func problem(_ error: LedgerError, _ app: App) -> String {
        if case .changedMeanwhile(let c) = error, !c.deleted { conflict = c }
        return error.message(in: app.timeZone).text(app.lang)
    }
    /// Called after an input changed.
    func changed(_ index: Int, _ app: App) {}

    var cells: [Field: String] {
        var c: [Field: String] = [:]
        for i in inputs { c[i.field] = i.value }
        return c
    }

    func revalidate(_ app: App) {
        problems = [:]
        for issue in validate(cells, app) where problems[issue.field] == nil { problems[issue.field] = issue.message }
    }

    /// Rows of the form: wide inputs alone, others two to a row.
    var rows: [[Int]] {
        var out: [[Int]] = []
        var pending: [Int] = []
        for (i, input) in inputs.enumerated() {
            if input.wide {
                if !pending.isEmpty {
                    out.append(pending)
                    pending = []
                }
                out.append([i])
            } else {
                pending.append(i)
                if pending.count == 2 {
                    out.append(pending)
                    pending = []
                }
            }
        }
        if !pending.isEmpty { out.append(pending) }
        return out
    }

    /// What is wrong, one line per field in the form's order (each field that was left or, after a save
    /// was tried, every field; its label is marked ✗ too), a problem that is no field's first.
    func shownProblems(_ app: App) -> [String] {
        var out: [String] = formProblem.map { [$0] } ?? []
        var seen = Set<Field>()
        for input in inputs where !seen.contains(input.field) {
            seen.insert(input.field)
            if let m = problems[input.field], input.touched || triedToSave {
                out.append(m.text(app.lang))
            }
        }
        if triedToSave {
            for (f, m) in problems.sorted(by: { $0.key.rawValue < $1.key.rawValue }) where !seen.contains(f) {
                out.append(m.text(app.lang))
            }
        }
        return out
    }

    /// What saving will make final, said before the save (a recognition locks the record); nil: nothing.
    func lockNotice(_ app: App) -> String? { nil }

    /// Something was typed or chosen that a save has not kept.
    var hasUnsavedChanges: Bool { dirty }

    func render(_ g: inout TextGrid, _ app: App) {
        let rows = self.rows
        let width = min(g.width - 2, 76)
        let lock = lockNotice(app)
        let lockLines = lock == nil ? 0 : 1
        var problemLines = shownProblems(app)
        let room = max(1, g.height - 1 - (rows.count + 5) - lockLines)
        if problemLines.count > room {
            let rest = problemLines.count - room + 1
            problemLines =
                Array(problemLines.prefix(room - 1))
                + [app.t("另有 \(rest) 项有误（Tab 逐项查看）", "\(rest) more problems (Tab goes through them)")]
        }
        let height = rows.count + 4 + lockLines + max(1, problemLines.count)
        let (top, left) = centredBox(&g, height: height, width: width, title: title)
        let labelWidth = inputs.map { $0.label.displayWidth }.max() ?? 8
        let inner = width - 4
        let half = (inner - 2) / 2
        for (r, row) in rows.enumerated() {
            for (k, i) in row.enumerated() {
                let input = inputs[i]
                let x0 = left + 2 + (k == 0 ? 0 : half + 2)
                let span = row.count == 1 && input.wide ? inner : half
                let bad = problems[input.field] != nil && (input.touched || triedToSave)
                let labelStyle: Style = bad ? [.red, .bold] : (i == focus ? .bold : [])
                g.put((bad ? "✗" : " ") + input.label, row: top + 1 + r, column: x0 - 1, style: labelStyle)
                let fx = x0 + labelWidth + 1
                let fw = max(4, span - labelWidth - 1)
                let focused = i == focus
                if input.isChoice {
                    let shown = "‹ " + input.choices[input.chosen].label + " ›"
                    g.put(
                        shown.fitted(toWidth: fw), row: top + 1 + r, column: fx, style: focused ? .reverse : .underline,
                        maxWidth: fw)
                } else {
                    let cur = input.text.draw(
                        into: &g, row: top + 1 + r, column: fx, width: fw, style: focused ? .reverse : .underline)
                    if focused { g.cursor = (top + 1 + r, cur) }
                }
            }
        }
        var line = top + rows.count + 1
        if let n = note(app) {
            g.put(n, row: line, column: left + 2, style: .dim, maxWidth: inner)
        }
        line += 1
        if let lock {
            g.put(lock, row: line, column: left + 2, style: [.yellow, .bold], maxWidth: inner)
            line += 1
        }
        for p in problemLines {
            g.put("✗ " + p, row: line, column: left + 2, style: [.red, .bold], maxWidth: inner)
            line += 1
        }
        g.put(
            FormOverlay.keymap.hint(self, app),
            row: top + height - 2, column: left + 2, style: .dim, maxWidth: inner)
    }

    static let keymap: Keymap<FormOverlay> = Keymap([
        KeyBinding([.tab, .down], hint: ("Tab 下一项", "Tab next")) { f, _, _ in f.move(to: f.focus + 1) },
        KeyBinding([.backTab, .up]) { f, _, _ in f.move(to: f.focus - 1) },
        // A filled text input is all selected on entry (typing replaces it); Ctrl-U empties it.
        KeyBinding(
            [.control("u")], hint: ("Ctrl-U 清空", "Ctrl-U clears"),
            when: { f, _ in !f.inputs[f.focus].isChoice }
        ) { f, key, app in
            f.edit(key, app)
        },
        // A choice changes with them; a text input takes them as text and cursor moves (`edit` does both).
        KeyBinding([.character(" "), .left, .right, .character("h"), .character("l")], hint: ("Space/←→ 选择", "Space/←→ choose")) {
            f, key, app in
            f.edit(key, app)
        },
        KeyBinding([.enter, .control("s")], hint: ("Enter 或 Ctrl-S 保存", "Enter or Ctrl-S saves")) { f, _, app in f.submit(app) },
        KeyBinding([.escape], hint: ("Esc 取消", "Esc cancels")) { f, _, app in f.cancel(app) },
        // F1 always, `?` where it is not text (a choice): the form's keys, the form kept under the help.
        KeyBinding([.function(1), .character("?")], when: { f, _ in f.inputs[f.focus].isChoice }) { f, _, app in f.showHelp(app)
        },
        KeyBinding([.function(1)]) { f, _, app in f.showHelp(app) },
    ])

    /// The form's keys in a help box over it; closing it comes back to the form as it was.
    func showHelp(_ app: App) {
        let w = app.words
        app.overlay = HelpOverlay(
            entries: [
                ("Tab ↓  Shift-Tab ↑", w.t("下一项 / 上一项", "next / previous input")),
                ("Space ← →", w.t("换选项（选择项）；移动光标（文字项）", "change a choice; move the cursor in text")),
                (
                    "Ctrl-U",
                    w.t(
                        "清空这一项（有内容的项进入时整项选中，输入即替换）", "empty the input (a filled one is all selected on entry: typing replaces it)"
                    )
                ),
                ("Enter  Ctrl-S", w.t("保存（有误的项逐项列出原因）", "save (every bad input says why)")),
                ("Esc", w.t("取消（有修改时先问）", "cancel (asks first when something changed)")),
                ("Ctrl-C", w.t("退出（有修改时先问）", "quit (asks first when something changed)")),
                ("Ctrl-L", w.t("重新读取登记簿（表单保留）", "re-read the ledger (the form stays)")),
                ("F1  ?", w.t("本帮助（? 在选择项上）", "this help (? on a choice)")),
            ], back: self)
    }

    /// Esc: closes the form, asking first when something typed would be lost.
    func cancel(_ app: App) {
        app.overlay =
            dirty
            ? Confirm(
                app.t("放弃未保存的修改？", "Discard unsaved changes?"), over: self, onYes: { _ in },
                onNo: { [self] app in app.overlay = self })
            : nil
    }

    /// Ctrl-C over the form: quits, asking first when something typed would be lost (as Esc does).
    func interrupt(_ app: App) {
        guard dirty else {
            app.quit()
            return
        }
        app.overlay = Confirm(
            app.t("表单有未保存的修改。放弃修改并退出？", "The form has unsaved changes. Discard them and quit?"), over: self,
            onYes: { app in app.quit() }, onNo: { [self] app in app.overlay = self })
    }

    /// Focus on another input (wrapping around); the one left counts as visited, a filled text input
    /// entered is all selected.
    func move(to index: Int) {
        inputs[focus].touched = true
        inputs[focus].text.allSelected = false
        focus = (index + inputs.count) % inputs.count
        if !inputs[focus].isChoice { inputs[focus].text.selectAll() }
    }

    /// A command, else an edit of the focused input.
    func handle(_ key: Key, _ app: App) {
        if !FormOverlay.keymap.dispatch(key, self, app) { edit(key, app) }
    }

    func submit(_ app: App) {
        triedToSave = true
        revalidate(app)
        guard problems.isEmpty else {
            if let first = inputs.firstIndex(where: { problems[$0.field] != nil }) { move(to: first) }
            return
        }
        conflict = nil
        if let problem = save(cells, app) {
            formProblem = problem
            if let c = conflict { app.overlay = ConflictBox(form: self, change: c) }
        } else {
            app.overlay = nil
        }
    }

    /// Changes the focused input: the next or previous choice, or its text.
    func edit(_ key: Key, _ app: App) {
        var input = inputs[focus]
        if input.isChoice {
            switch key {
            case .character(" "), .right, .character("l"):
                input.chosen = (input.chosen + 1) % input.choices.count
            case .left, .character("h"):
                input.chosen = (input.chosen + input.choices.count - 1) % input.choices.count
            default:
                return
            }
        } else {
            let before = input.text
            guard input.text.handle(key) else { return }
            if input.text.text == before.text {
                inputs[focus] = input  // only the cursor moved
                return
            }
        }
        input.touched = true
        inputs[focus] = input
        dirty = true
        formProblem = nil
        changed(focus, app)
        revalidate(app)
    }
}
