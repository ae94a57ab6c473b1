import CeledgerDomain
import CeledgerLedger
import CeledgerText
import Foundation

/// A save the ledger refused because another clerk (or window) changed the row since the form was filled.
/// Drawn over the form: who changed it, when, and what, with the two ways on: reload (the form again, on
/// the row as it is now; the clerk's typing is dropped) or keep mine (the clerk's values saved over the
/// new version — never undoing a recognition or a rejection made meanwhile). Esc goes back to the form.
final class ConflictBox: Overlay {
    let form: FormOverlay
    let change: ConcurrentChange

    init(form: FormOverlay, change: ConcurrentChange) {
        self.form = form
        self.change = change
    }

    /// The lines of the box: what happened, then each changed field.
    func lines(_ app: App) -> [String] {
        let what =
            change.entity == .person ? app.t("此人员", "this person") : app.t("此记录", "this record")
        let when = change.when(in: app.timeZone).map { app.t("于 \($0) ", " at \($0)") } ?? ""
        var out = [
            app.t(
                "你打开之后，\(change.who(.zh)) \(when)修改了\(what)：",
                "Since you opened it, \(change.who(.en)) changed \(what)\(when):")
        ]
        let changes = change.changes(app.lang)
        out += changes.isEmpty ? [app.t("  （修改记录中没有细节）", "  (the history has no details)")] : changes.map { "  " + $0 }
        out.append(app.t("你的修改尚未保存。", "Your change is not saved yet."))
        return out
    }

    func render(_ g: inout TextGrid, _ app: App) {
        form.render(&g, app)
        g.cursor = nil
        let hint = Self.keymap.hint(self, app, separator: "   ")
        var body = lines(app)
        let room = max(1, g.height - 6)
        if body.count > room {
            let rest = body.count - room + 1
            body = Array(body.prefix(room - 1)) + [app.t("  …另有 \(rest) 项", "  … \(rest) more")]
        }
        let width = min(g.width - 4, max(40, (body.map(\.displayWidth) + [hint.displayWidth]).max()! + 6))
        let (top, left) = centredBox(&g, height: body.count + 4, width: width, title: app.t("他人已修改", "Changed meanwhile"))
        for (i, line) in body.enumerated() {
            g.put(line, row: top + 1 + i, column: left + 2, maxWidth: width - 4)
        }
        g.put(hint, row: top + 2 + body.count, column: left + 2, style: .bold, maxWidth: width - 4)
    }

    static let keymap: Keymap<ConflictBox> = Keymap([
        KeyBinding([.character("r"), .character("R")], hint: ("r 重新载入（放弃我的修改）", "r reload (drop mine)")) { b, _, app in
            app.overlay = nil
            b.form.reloadAfterConflict(app, b.change)
        },
        KeyBinding([.character("k"), .character("K")], hint: ("k 保留我的（在最新内容上保存）", "k keep mine (save over the new version)")) {
            b, _, app in
            app.overlay = b.form
            b.form.keepMine(app, b.change)
        },
        KeyBinding([.escape, .character("q")], hint: ("Esc 回到表单", "Esc back to the form")) { b, _, app in
            app.overlay = b.form
        },
    ])

    func handle(_ key: Key, _ app: App) { Self.keymap.dispatch(key, self, app) }

    /// Ctrl-C asks as the form does: the clerk's typing is still unsaved.
    func interrupt(_ app: App) { form.interrupt(app) }
}
