import CeledgerDomain
import CeledgerLedger

/// The clerk's last change, kept so that Ctrl-Z / U takes it back in one step: what it was, in words.
struct LastChange {
    let change: Undoable
    let what: Phrase
}

extension App {
    /// Remembers a change the clerk just made (the one Ctrl-Z / U would take back).
    func made(_ change: Undoable, _ zh: String, _ en: String) {
        lastChange = LastChange(change: change, what: Phrase(zh: zh, en: en))
    }

    /// Ctrl-Z / U: asks, then takes the last change back in the ledger (one transaction, a new change in
    /// the history); a record recognised since is reopened first, which asks for the reason.
    func undoLast() {
        guard let last = lastChange else {
            info(t("没有可以撤销的修改（只能撤销本次打开后自己的上一次修改）", "nothing to undo (only your last change since opening)"))
            return
        }
        overlay = Confirm(t("撤销上一次修改：\(last.what.zh)？", "Undo your last change: \(last.what.en)?")) { app in
            app.runUndo(last, reason: "")
        }
    }

    func runUndo(_ last: LastChange, reason: String) {
        do {
            let n = try ledger.undo(last.change, reason: reason, reviewer: reviewer)
            lastChange = nil
            reload()
            info(
                t(
                    "已撤销：\(last.what.zh)（\(n) 条记录；修改记录里留有这次撤销）",
                    "undone: \(last.what.en) (\(n) records; the history keeps the undo)"))
        } catch {
            if error == .reopenNeedsReason {
                overlay = Prompt(
                    title: t("撤销：其中有已认定（已锁定）的记录，须先重新打开", "Undo: a record is recognised (locked) and is reopened first"),
                    label: t("理由", "Reason"), required: true
                ) { reason, app in
                    app.runUndo(last, reason: reason)
                }
            } else {
                reload()
                self.error(error)
            }
        }
    }
}
