import CeledgerDomain
import CeledgerStore
import CeledgerText

/// Add or edit one record of a person.
final class RecordForm: FormOverlay {
    let personRowID: Int64
    let personID: ResidentID
    let editing: StoredRecord?
    let onSaved: (Int64) -> Void
    /// While the recognised hours were not typed by hand they follow the claimed hours.
    var recognizedFollowsClaimed: Bool

    init(app: App, personRowID: Int64, personID: ResidentID, editing: StoredRecord?, defaultDay: Day?, onSaved: @escaping (Int64) -> Void) {
        self.personRowID = personRowID
        self.personID = personID
        self.editing = editing
        self.onSaved = onSaved
        let w = app.words
        let r = editing?.record
        let lang = app.lang
        let day = defaultDay?.iso ?? ""
        recognizedFollowsClaimed = r == nil
        super.init(title: editing == nil ? w.t("新增学习记录", "New record") : w.t("编辑学习记录", "Edit record"), inputs: [
            .choice(.mode, w.t("学习方式", "Mode"), Mode.self, r?.mode ?? .training, lang: lang),
            .choice(.category, w.t("科目类别", "Category"), Category.self, r?.category ?? .professional, lang: lang),
            .text(.title, w.t("内容", "Content"), r?.title ?? "", wide: true),
            .text(.provider, w.t("举办单位", "Provider"), r?.provider ?? "", wide: true),
            .text(.startDate, w.t("开始日期", "Start"), r?.startDate.iso ?? day),
            .text(.endDate, w.t("结束日期", "End"), r?.endDate.iso ?? day),
            .choice(.assessment, w.t("考核结果", "Assessment"), Assessment.self, r?.assessment ?? .passed, lang: lang),
            .text(.score, w.t("成绩", "Score"), r?.score ?? ""),
            .text(.claimedHours, w.t("申报学时", "Claimed h"), r?.claimedHours.compact ?? ""),
            .text(.recognizedHours, w.t("认定学时", "Recognised h"), r?.recognizedHours?.compact ?? ""),
            .choice(.recognition, w.t("认定状态", "Recognition"), Recognition.self, r?.recognition ?? .recognized, lang: lang),
            .text(.certificateNo, w.t("证明编号", "Certificate"), r?.certificateNo ?? ""),
            .text(.recognitionNote, w.t("认定说明", "Recog. note"), r?.recognitionNote ?? "", wide: true),
            .text(.note, w.t("备注", "Note"), r?.note ?? "", wide: true),
        ])
        revalidate(app)
    }

    override func validate(_ cells: [Field: String], _ app: App) -> [FieldIssue] {
        var c = cells
        c[.idNumber] = personID.value
        var issues: [FieldIssue] = []
        if case .failure(let p) = RowParser().record(c) { issues = p.issues }
        // A rejection needs its reason.
        if cells[.recognition] == Recognition.rejected.rawValue && (cells[.recognitionNote] ?? "").trimmedField.isEmpty {
            issues.append(FieldIssue(.recognitionNote, Message(
                zh: "不予认定须在“认定说明”中写明理由", en: "a rejection needs its reason in the recognition note")))
        }
        return issues
    }

    override func changed(_ index: Int, _ app: App) {
        let f = inputs[index].field
        if f == .recognizedHours { recognizedFollowsClaimed = false }
        // A rejected record has no recognised hours: choosing 不予认定 clears them, and choosing
        // 已认定 again brings back the claimed hours when the field is empty.
        if f == .recognition, let r = inputs.firstIndex(where: { $0.field == .recognizedHours }) {
            if inputs[index].value == Recognition.rejected.rawValue {
                inputs[r].text = TextField("")
                recognizedFollowsClaimed = false
            } else if inputs[index].value == Recognition.recognized.rawValue && inputs[r].text.text.isEmpty,
                      let claimed = inputs.first(where: { $0.field == .claimedHours }) {
                inputs[r].text = TextField(claimed.text.text)
            }
        }
        if f == .claimedHours && recognizedFollowsClaimed, let r = inputs.firstIndex(where: { $0.field == .recognizedHours }) {
            inputs[r].text = TextField(inputs[index].text.text)
        }
    }

    override func note(_ app: App) -> String? {
        guard case .success(let r) = RowParser().record(cells.merging([.idNumber: personID.value]) { $1 }) else { return nil }
        let days = r.startDate.days(through: r.endDate)
        let counts: String
        switch r.contribution {
        case .counts(let h): counts = app.t("计入\(r.year)年度 \(h) 学时", "counts \(h) hours in \(r.year)")
        case .none(let why): counts = why.message.text(app.lang)
        }
        return app.t("共 \(days) 天 · ", "\(days) day\(days == 1 ? "" : "s") · ") + counts
    }

    override func save(_ cells: [Field: String], _ app: App) -> String? {
        var c = cells
        c[.idNumber] = personID.value
        guard case .success(let record) = RowParser().record(c) else { return nil }
        do {
            if let editing {
                try app.ledger.updateRecord(rowID: editing.rowID, record, reviewer: app.reviewer)
                onSaved(editing.rowID)
            } else {
                let id = try app.ledger.addRecord(record, personRowID: personRowID, reviewer: app.reviewer)
                onSaved(id)
            }
            app.info(app.t("已保存", "saved"))
            return nil
        } catch {
            return error.message.text(app.lang)
        }
    }
}

/// Add or edit a person; the ID number is checked as typed and the birth date and gender it holds shown.
final class PersonForm: FormOverlay {
    let editing: StoredPerson?
    let onSaved: (Int64) -> Void

    init(app: App, editing: StoredPerson?, onSaved: @escaping (Int64) -> Void) {
        self.editing = editing
        self.onSaved = onSaved
        let w = app.words
        let p = editing?.person
        let lang = app.lang
        super.init(title: editing == nil ? w.t("新增人员", "New person") : w.t("编辑人员", "Edit person"), inputs: [
            .text(.idNumber, w.t("身份证号", "ID number"), p?.id.value ?? ""),
            .text(.name, w.t("姓名", "Name"), p?.name ?? ""),
            .text(.unit, w.t("单位", "Unit"), p?.unit ?? "", wide: true),
            .text(.department, w.t("部门", "Department"), p?.department ?? ""),
            .text(.specialty, w.t("专业", "Specialty"), p?.specialty ?? ""),
            .text(.title, w.t("职称", "Title"), p?.title ?? ""),
            .choice(.titleLevel, w.t("职称级别", "Title level"), TitleLevel.self, p?.titleLevel, lang: lang, allowNone: true),
            .choice(.status, w.t("在职状态", "Status"), EmploymentStatus.self, p?.status ?? .active, lang: lang),
            .text(.statusDate, w.t("状态日期", "Status date"), p?.statusDate?.iso ?? ""),
            .choice(.personCategory, w.t("人员类别", "Category"), PersonCategory.self, p?.category ?? .employee, lang: lang),
        ])
        revalidate(app)
    }


    override func validate(_ cells: [Field: String], _ app: App) -> [FieldIssue] {
        if case .failure(let p) = RowParser().person(cells) { return p.issues }
        return []
    }

    override func note(_ app: App) -> String? {
        guard case .success(let id) = ResidentID.parse(cells[.idNumber] ?? "") else { return nil }
        return app.t("出生日期 \(id.birthDate.iso) · 性别 \(id.gender.zh)（由身份证号得出）",
                     "born \(id.birthDate.iso) · \(id.gender.en) (from the ID number)")
    }

    override func save(_ cells: [Field: String], _ app: App) -> String? {
        guard case .success(let person) = RowParser().person(cells) else { return nil }
        do {
            if let editing {
                try app.ledger.updatePerson(rowID: editing.rowID, person)
                onSaved(editing.rowID)
            } else {
                onSaved(try app.ledger.addPerson(person))
            }
            app.info(app.t("已保存", "saved"))
            return nil
        } catch {
            return error.message.text(app.lang)
        }
    }
}
