import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import CeledgerText

/// The ledger's employer (本单位), set once: the unit of imported persons whose file has no unit column,
/// and the issuer of the record cards. From `E` on the persons list (and the palette), and from the import
/// screen when a roster has no unit column. Blank clears it.
final class EmployerBox: Overlay {
    var field: TextField
    var problem: String?
    let onSaved: (App) -> Void

    init(_ app: App, onSaved: @escaping (App) -> Void = { _ in }) {
        field = TextField(((try? app.ledger.employer()) ?? nil) ?? "")
        field.selectAll()
        self.onSaved = onSaved
    }

    func render(_ g: inout TextGrid, _ app: App) {
        let width = min(g.width - 4, 72)
        let (top, left) = centredBox(&g, height: 8, width: width, title: app.t("本单位（用人单位）", "Employer"))
        let x = g.put(app.t("单位名称 ", "Name "), row: top + 1, column: left + 2)
        let cur = field.draw(into: &g, row: top + 1, column: x, width: width - (x - left) - 2, style: .underline)
        g.cursor = (top + 1, cur)
        g.put(
            app.t(
                "导入的人员没有单位时即属此单位，也是学时证明上的出具单位；留空则清除。",
                "Imported persons without a unit belong to it; it issues the record cards. Blank clears it."),
            row: top + 3, column: left + 2, style: .dim, maxWidth: width - 4)
        if let problem { g.put("✗ " + problem, row: top + 4, column: left + 2, style: [.red, .bold], maxWidth: width - 4) }
        g.put(Self.keymap.hint(self, app), row: top + 6, column: left + 2, style: .dim, maxWidth: width - 4)
    }

    static let keymap: Keymap<EmployerBox> = Keymap([
        KeyBinding([.enter, .control("s")], hint: ("Enter 保存", "Enter saves")) { b, _, app in b.save(app) },
        KeyBinding([.escape], hint: ("Esc 取消", "Esc cancels")) { _, _, app in app.overlay = nil },
    ])

    func handle(_ key: Key, _ app: App) {
        if !Self.keymap.dispatch(key, self, app), field.handle(key) { problem = nil }
    }

    func save(_ app: App) {
        let name = field.text.trimmedField
        do {
            try app.ledger.setEmployer(name.isEmpty ? nil : name)
        } catch {
            problem = error.message.text(app.lang)
            return
        }
        app.overlay = nil
        app.info(name.isEmpty ? app.t("已清除本单位", "employer cleared") : app.t("本单位已设为“\(name)”", "employer set to \"\(name)\""))
        onSaved(app)
    }
}

/// The class form for a sign-in sheet: the class's details as the class form asks them (the rule's
/// suggestion for the hours when they are left blank), handed to the import as `ClassFile.Given`, each
/// named by its label in the import's messages. The participants come from the sheet.
final class ImportClassForm: RecordForm {
    let onDone: (ClassFile.Given, App) -> Void

    /// Any valid ID: the form checks the class's fields, which belong to no one yet.
    static let nobody = ResidentID.make(region: "360102", birth: Day(year: 1980, month: 1, day: 1)!, sequence: 1)

    init(app: App, onDone: @escaping (ClassFile.Given, App) -> Void) {
        self.onDone = onDone
        super.init(
            app: app, personRowID: 0, personID: Self.nobody, editing: nil,
            defaultDay: app.today.year == app.year ? app.today : nil
        ) { _ in }
        title = app.t("签到表登记培训班：培训班的情况", "A class from a sign-in sheet: the class")
        // A score and a certificate number belong to each person; an assessment column of the sheet overrides this one.
        inputs.removeAll { $0.field == .score || $0.field == .certificateNo }
        revalidate(app)
    }

    override func save(_ cells: [Field: String], _ app: App) -> String? {
        guard case .success = parsed() else { return nil }
        var given = ClassFile.Given()
        for input in inputs where !(cells[input.field] ?? "").isEmpty {
            given.set(input.field, cells[input.field], name: input.label)
        }
        // Closed by the form after this returns; the import screen it opens is a screen, not a box.
        onDone(given, app)
        return nil
    }
}
