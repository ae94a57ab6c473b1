import CeledgerDomain
import CeledgerLedger

/// One change the clerk made in this session, kept so that Ctrl-Z / U takes it back: what it was, in words.
struct LastChange {
    var change: Undoable
    let what: Phrase
    /// Rows it touched (an import's size): a large one is taken back off the key loop.
    var rows = 1
    /// Its place in the session (`UndoStack.push` numbers them), so that the undone step is the one removed
    /// even when another change came while a large undo ran.
    var serial = 0
    /// Why the ledger refused to take it back the last time (another clerk changed those rows since, say):
    /// the next U offers to try again or to give the step up and reach the ones before it.
    var refusal: Message?
}

/// The clerk's changes of this session, newest last, at most `UndoStack.depth`: Ctrl-Z / U takes back the
/// newest, again the one before it. Each undo is a new change in the ledger; a change another clerk made
/// since to the same rows makes the ledger refuse (naming who): that step stays on the stack, marked, and
/// the next U asks whether to try it again or give it up (its change stays in the ledger) for older steps.
struct UndoStack {
    static let depth = 20
    private(set) var changes: [LastChange] = []
    private var made = 0
    var last: LastChange? { changes.last }
    var isEmpty: Bool { changes.isEmpty }
    var count: Int { changes.count }

    mutating func push(_ c: LastChange) {
        var c = c
        made += 1
        c.serial = made
        changes.append(c)
        if changes.count > UndoStack.depth { changes.removeFirst(changes.count - UndoStack.depth) }
    }

    /// Marks a step the ledger refused to take back, with why.
    mutating func refused(_ step: LastChange, _ why: Message) {
        guard let i = changes.lastIndex(where: { $0.serial == step.serial }) else { return }
        changes[i].refusal = why
    }

    /// Takes a refused step off without undoing it: its change stays in the ledger as it is.
    mutating func giveUp(_ step: LastChange) {
        changes.removeAll { $0.serial == step.serial }
    }

    /// Takes a step off, after its undo succeeded. A person's version moved by the undo (by one, from
    /// `produced` to `produced + 1`): the older steps that expect the version before that change are
    /// moved on, so that undoing them next is not refused as somebody else's change.
    mutating func remove(undone step: LastChange) {
        guard let i = changes.lastIndex(where: { $0.serial == step.serial }) else { return }
        let done = changes.remove(at: i)
        let moved: (id: Int64, from: Int64, to: Int64)?
        switch done.change {
        case .personChanged(let id, _, let v?): moved = (id, v - 1, v + 1)
        default: moved = nil
        }
        guard let moved else { return }
        for j in changes.indices.prefix(i) {
            changes[j].change = changes[j].change.rebased(person: moved.id, from: moved.from, to: moved.to)
        }
    }
}

extension Undoable {
    /// The same change, expecting the person `id` at version `to` where it expected `from`.
    func rebased(person id: Int64, from: Int64, to: Int64) -> Undoable {
        switch self {
        case .personChanged(id, let before, from): return .personChanged(rowID: id, before: before, version: to)
        case .personAdded(id, from): return .personAdded(rowID: id, version: to)
        case .imported(var c):
            if let b = c.changedPersons[id], b.version == from {
                c.changedPersons[id] = PersonBefore(person: b.person, version: to)
            }
            return .imported(c)
        default: return self
        }
    }
}

extension App {
    /// Remembers a change the clerk just made (the newest Ctrl-Z / U would take back).
    func made(_ change: Undoable, _ zh: String, _ en: String, rows: Int = 1) {
        undoStack.push(LastChange(change: change, what: Phrase(zh: zh, en: en), rows: rows))
    }

    /// Ctrl-Z / U: asks, then takes the newest change back in the ledger (one transaction, a new change in
    /// the history); a record recognised since is reopened first, which asks for the reason.
    func undoLast() {
        if undoing != nil {
            info(t("正在撤销，请稍候", "undoing; please wait"))
            return
        }
        guard let last = undoStack.last else {
            info(
                t(
                    "没有可以撤销的修改（只能撤销本次打开后自己最近的 \(UndoStack.depth) 次修改）",
                    "nothing to undo (only your last \(UndoStack.depth) changes since opening)"))
            return
        }
        if let why = last.refusal {
            offerToGiveUp(last, why)
            return
        }
        let more =
            undoStack.count > 1
            ? t("（其后还可再撤销 \(undoStack.count - 1) 步）", " (\(undoStack.count - 1) more after it)") : ""
        let size = last.rows > 1 ? t("（\(last.rows.grouped) 行）", " (\(last.rows.grouped) rows)") : ""
        overlay = Confirm(
            t("撤销上一次修改：\(last.what.zh)\(size)？\(more)", "Undo your last change: \(last.what.en)\(size)?\(more)")
        ) { app in
            app.runUndo(last, reason: "")
        }
    }

    /// U on a step the ledger refused: try it again, or give it up (its change stays) to reach the older ones.
    func offerToGiveUp(_ step: LastChange, _ why: Message) {
        let earlier = undoStack.changes.dropLast().last
        let giveUp =
            earlier.map { t("放弃这一步，撤销更早的：\($0.what.zh)", "give this step up and undo the one before: \($0.what.en)") }
            ?? t("放弃这一步（其修改保留在登记簿中）", "give this step up (its change stays in the ledger)")
        overlay = Chooser(
            title: t("上次未能撤销：\(step.what.zh)", "Could not be undone last time: \(step.what.en)"),
            options: [t("再试一次", "try again"), giveUp]
        ) { choice, app in
            guard choice == 1 else {
                app.runUndo(step, reason: "")
                return
            }
            app.undoStack.giveUp(step)
            guard app.undoStack.last != nil else {
                app.info(
                    app.t(
                        "已放弃：\(step.what.zh)（未撤销）；没有更早的修改可撤销", "given up: \(step.what.en) (not undone); nothing earlier to undo"))
                return
            }
            app.undoLast()
        }
        error(why)
    }

    /// What the next Ctrl-Z / U would take back, for the status line after an undo.
    var nextUndo: String {
        guard let next = undoStack.last else { return t("没有更早的修改可撤销", "nothing earlier to undo") }
        return t("再按 U 撤销：\(next.what.zh)", "U again undoes: \(next.what.en)")
    }

    func runUndo(_ last: LastChange, reason: String) {
        if last.rows >= backgroundUndoRows {
            runUndoInBackground(last, reason: reason)
            return
        }
        undone(
            last, reason: reason,
            Result { () throws(LedgerError) -> Int in
                try ledger.undo(last.change, reason: reason, reviewer: reviewer)
            })
    }

    /// A large undo (an import of thousands of rows): one transaction on another thread, the status line
    /// saying what is being taken back until it is done; keys still answer meanwhile.
    func runUndoInBackground(_ last: LastChange, reason: String) {
        let work = BackgroundWork<Result<Int, LedgerError>>()
        undoing = (last, reason, work)
        let (ledger, change, reviewer) = (ledger, last.change, reviewer)
        info(
            t(
                "正在撤销：\(last.what.zh)（\(last.rows.grouped) 行，一个事务；请稍候）",
                "undoing: \(last.what.en) (\(last.rows.grouped) rows, one transaction; please wait)"))
        runInBackground {
            let r = Result { () throws(LedgerError) -> Int in try ledger.undo(change, reason: reason, reviewer: reviewer) }
            work.finish(.success(r))
        }
    }

    /// Between keys: the background undo's result, once there.
    func tickUndo() -> Bool {
        guard let (last, reason, work) = undoing, let result = work.snapshot.result else { return false }
        undoing = nil
        if case .success(let r) = result { undone(last, reason: reason, r) }
        return true
    }

    func undone(_ last: LastChange, reason: String, _ result: Result<Int, LedgerError>) {
        switch result {
        case .success(let n):
            undoStack.remove(undone: last)
            reload()
            info(
                t(
                    "已撤销：\(last.what.zh)（\(n) 条，修改记录里留有这次撤销）；\(nextUndo)",
                    "undone: \(last.what.en) (\(n) rows, kept in the history); \(nextUndo)"))
        case .failure(let error):
            if error == .reopenNeedsReason {
                overlay = Prompt(
                    title: t("撤销：其中有已认定（已锁定）的记录，须先重新打开", "Undo: a record is recognised (locked) and is reopened first"),
                    label: t("理由", "Reason"), required: true
                ) { reason, app in
                    app.runUndo(last, reason: reason)
                }
            } else {
                // Refused (someone changed those rows since, say): nothing changed; the step stays, marked,
                // and the status line says what U offers next.
                reload()
                let why = error.undoMessage(in: timeZone)
                undoStack.refused(last, why)
                self.error(
                    Message(zh: "再按 U 可重试或放弃此步。" + why.zh, en: "U again retries or gives this step up. " + why.en))
            }
        }
    }
}
