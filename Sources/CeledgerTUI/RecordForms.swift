import CeledgerDomain
import CeledgerLedger
import CeledgerText

/// Add or edit one record of a person. The rule set in force in the record's year suggests the recognised
/// hours and shows its working; the recognised hours follow the suggestion until typed by hand, and hours
/// that differ from it need a reason in the recognition note.
class RecordForm: FormOverlay {  // ClassForm (ClassRegistration.swift) adds one record for many
    let personRowID: Int64
    let personID: ResidentID
    let editing: StoredRecord?
    let onSaved: (Int64) -> Void
    let rules: RuleBook
    let year: Int
    /// The day the record is judged on (`Plausibility`).
    let today: Day
    /// While the recognised hours were not typed by hand they follow the suggestion.
    var recognizedFollowsSuggestion: Bool
    /// A decision another clerk made while this form was open ("keep mine" saves over it but keeps it):
    /// the recognition, its hours and its note, as the history last wrote them.
    var decisionKept: (recognition: Recognition, hours: Hours?, note: String)?

    init(
        app: App, personRowID: Int64, personID: ResidentID, editing: StoredRecord?, defaultDay: Day?,
        onSaved: @escaping (Int64) -> Void
    ) {
        self.personRowID = personRowID
        self.personID = personID
        self.editing = editing
        self.onSaved = onSaved
        self.rules = app.rules
        self.year = app.year
        self.today = app.today
        let w = app.words
        let r = editing?.record
        let lang = app.lang
        let day = defaultDay?.iso ?? ""
        recognizedFollowsSuggestion = r == nil || r?.recognizedHours == r?.suggestedHours
        super.init(
            title: editing == nil ? w.t("新增学习记录", "New record") : w.t("编辑学习记录", "Edit record"),
            inputs: [
                .choice(.mode, w.t("学习方式", "Mode"), Mode.self, r?.mode ?? .training, lang: lang),
                .choice(.category, w.t("科目类别", "Category"), Category.self, r?.category ?? .professional, lang: lang),
                FormInput(field: .basis, label: w.t("折算方式", "Conversion"), text: TextField(), choices: [("", "—")]),
                .choice(.role, w.t("参与身份", "Role"), Role.self, r?.role ?? .participant, lang: lang),
                .text(.title, w.t("内容", "Content"), r?.title ?? "", wide: true),
                .text(.provider, w.t("举办单位", "Provider"), r?.provider ?? "", wide: true),
                .text(.startDate, w.t("开始日期", "Start"), r?.startDate.iso ?? day),
                .text(.endDate, w.t("结束日期", "End"), r?.endDate.iso ?? day),
                .text(.quantity, w.t("折算数量", "Quantity"), r?.quantity.map(String.init) ?? ""),
                .choice(.assessment, w.t("考核结果", "Assessment"), Assessment.self, r?.assessment ?? .passed, lang: lang),
                .text(.score, w.t("成绩", "Score"), r?.score ?? ""),
                .text(.claimedHours, w.t("申报学时", "Claimed h"), r?.claimedHours.compact ?? ""),
                .text(.recognizedHours, w.t("认定学时", "Recognised h"), r?.recognizedHours?.compact ?? ""),
                // In a ledger with clerks a new record is pending: somebody else recognises it.
                .choice(
                    .recognition, w.t("认定状态", "Recognition"), Recognition.self,
                    r?.recognition ?? (app.clerk == nil ? .recognized : .pending), lang: lang),
                .text(.certificateNo, w.t("证明编号", "Certificate"), r?.certificateNo ?? ""),
                .text(.recognitionNote, w.t("认定说明", "Recog. note"), r?.recognitionNote ?? "", wide: true),
                .text(.note, w.t("备注", "Note"), r?.note ?? "", wide: true),
            ])
        expectedVersion = editing?.version
        refreshConversions(app, keeping: r?.basis)
        revalidate(app)
    }

    func index(_ f: Field) -> Int { inputs.firstIndex { $0.field == f }! }

    override func reloadAfterConflict(_ app: App, _ change: ConcurrentChange) {
        guard let editing else { return }
        // The record as it is now: in the year the other change left it in (its end date may have moved).
        let newYear = change.entries.last?.new["end_date"].flatMap { Int($0.prefix(4)) }
        let fresh = [newYear, editing.record.year].compactMap { $0 }.lazy.compactMap { y in
            (try? app.ledger.records(personRowID: self.personRowID, year: y))?.first { $0.rowID == editing.rowID }
        }.first
        guard let fresh else {
            app.error(LedgerError.gone)
            return
        }
        app.overlay = RecordForm(
            app: app, personRowID: personRowID, personID: personID, editing: fresh, defaultDay: nil, onSaved: onSaved)
    }

    override func keepMine(_ app: App, _ change: ConcurrentChange) {
        // Keeping mine never undoes a decision made meanwhile: the latest recognition stays.
        if let latest = change.entries.last?.new, let r = latest["recognition"].flatMap(Recognition.init(rawValue:)),
            r != .pending, r != editing?.record.recognition
        {
            decisionKept = (
                r, latest["recognized_tenths"].flatMap(Int.init).map(Hours.init(tenths:)), latest["recognition_note"] ?? ""
            )
        }
        super.keepMine(app, change)
    }

    /// The rule set of the record's year: by its end date as typed, else the screen's year.
    var ruleSet: RuleSet? {
        let end = Day.parse(cells[.endDate] ?? "").successValue ?? Day.parse(cells[.startDate] ?? "").successValue
        return rules.ruleSet(for: end?.year ?? year)
    }

    /// The conversions the chosen mode has in the rule set of the record's year, its default first.
    func refreshConversions(_ app: App, keeping id: String?) {
        let i = index(.basis)
        guard let mode = Mode(rawValue: inputs[index(.mode)].value), let set = ruleSet else { return }
        let list = set.conversions(for: mode)
        var options: [(value: String, label: String)] = [
            ("", list.first.map { app.t("默认：", "default: ") + $0.name.text(app.lang) } ?? app.t("按申报学时", "claimed hours"))
        ]
        options += list.dropFirst().map { ($0.id, $0.name.text(app.lang)) }
        inputs[i].choices = options
        inputs[i].chosen = id.flatMap { id in options.firstIndex { $0.value == id } } ?? 0
    }

    /// The suggestion for what the form holds now, or the problem that prevents one.
    func suggestion() -> Result<Suggestion, FieldIssue>? {
        let c = cells
        guard let set = ruleSet, let mode = Mode(rawValue: c[.mode] ?? ""),
            let start = Day.parse(c[.startDate] ?? "").successValue ?? Day.parse(c[.endDate] ?? "").successValue,
            let end = Day.parse(c[.endDate] ?? "").successValue ?? Day.parse(c[.startDate] ?? "").successValue, start <= end
        else { return nil }
        var ignored: [FieldIssue] = []
        let parser = RowParser()
        let quantity = parser.count((c[.quantity] ?? "").trimmedField, .quantity, &ignored)
        guard ignored.isEmpty else { return nil }
        let claimed = parser.hours((c[.claimedHours] ?? "").trimmedField, .claimedHours, &ignored) ?? .zero
        return set.suggest(
            mode: mode, basis: (c[.basis] ?? "").isEmpty ? nil : c[.basis], start: start, end: end, quantity: quantity,
            role: Role(rawValue: c[.role] ?? "") ?? .participant,
            assessment: Assessment(rawValue: c[.assessment] ?? "") ?? .none, claimed: claimed)
    }

    func parsed() -> Result<Record, RowProblems> {
        var c = cells
        c[.idNumber] = personID.value
        return RowParser(rules: rules, today: today).record(c)
    }

    /// The record as typed, before `Plausibility`: what the form's notes describe (the days, what it
    /// would count, what saving locks) while the clerk still has to correct what cannot be true.
    func parsedAsTyped() -> Result<Record, RowProblems> {
        var c = cells
        c[.idNumber] = personID.value
        return RowParser(rules: rules).record(c)
    }

    override func validate(_ cells: [Field: String], _ app: App) -> [FieldIssue] {
        var issues: [FieldIssue] = []
        let parsed = self.parsed()
        switch parsed {
        case .failure(let p): issues = p.issues
        case .success(let r):
            // Hours set by hand against the rule need their reason.
            if r.overridesSuggestion && r.recognitionNote.trimmedField.isEmpty, let s = r.suggestedHours {
                issues.append(
                    FieldIssue(
                        .recognitionNote,
                        Message(
                            zh: "认定学时与规则建议（\(s)）不同，须在“认定说明”中写明理由",
                            en:
                                "the recognised hours differ from the rule's suggestion (\(s)); give the reason in the recognition note"
                        )))
            }
        }
        // More hours recognised than were claimed (the suggestion a form filled in counts as typed), a
        // record recognised before it ends, hours its span cannot hold: the domain's `Plausibility`, which
        // the parser applies as it does for an import or a class file.
        // A rejection needs its reason.
        if cells[.recognition] == Recognition.rejected.rawValue && (cells[.recognitionNote] ?? "").trimmedField.isEmpty {
            issues.append(
                FieldIssue(
                    .recognitionNote,
                    Message(
                        zh: "不予认定须在“认定说明”中写明理由", en: "a rejection needs its reason in the recognition note")))
        }
        return issues
    }

    override func changed(_ index: Int, _ app: App) {
        let f = inputs[index].field
        let recognized = self.index(.recognizedHours)
        if f == .recognizedHours { recognizedFollowsSuggestion = false }
        if f == .mode || f == .endDate || f == .startDate {
            refreshConversions(app, keeping: inputs[self.index(.basis)].value)
        }
        // A rejected record has no recognised hours: choosing 不予认定 clears them, and choosing 已认定
        // again brings back the suggestion when the field is empty.
        if f == .recognition {
            if inputs[index].value == Recognition.rejected.rawValue {
                inputs[recognized].text = TextField("")
                recognizedFollowsSuggestion = false
            } else if inputs[index].value == Recognition.recognized.rawValue && inputs[recognized].text.text.isEmpty {
                recognizedFollowsSuggestion = true
            }
        }
        if recognizedFollowsSuggestion && inputs[self.index(.recognition)].value != Recognition.rejected.rawValue,
            case .success(let s)? = suggestion()
        {
            inputs[recognized].text = TextField(s.hours.compact)
        }
    }

    override func note(_ app: App) -> String? {
        var parts: [String] = []
        switch suggestion() {
        // The conversion's name is in the form already: the note gives the arithmetic.
        case .success(let s)?: parts.append(app.t("建议 ", "suggested ") + s.arithmetic.text(app.lang))
        case .failure(let issue)?: parts.append(app.t("无法建议：", "no suggestion: ") + issue.message.text(app.lang))
        case nil: break
        }
        if case .success(let r) = parsedAsTyped() {
            let days = r.startDate.days(through: r.endDate)
            parts.append(app.t("共 \(days) 天", "\(days) day\(days == 1 ? "" : "s")"))
            switch r.contribution {
            case .counts(let h): parts.append(app.t("计入\(r.year)年度 \(h) 学时", "counts \(h) hours in \(r.year)"))
            case .none(let why): parts.append(why.message.text(app.lang))
            }
        }
        return parts.isEmpty ? nil : parts.joined(separator: " · ")
    }

    /// A recognised record is locked once saved: the form says so, with the hours, before the save (while
    /// the form holds a record that could be saved).
    override func lockNotice(_ app: App) -> String? {
        guard cells[.recognition] == Recognition.recognized.rawValue else { return nil }
        guard case .success(let r) = parsedAsTyped(), let h = r.recognizedHours ?? r.suggestedHours else { return nil }
        return app.t(
            "保存后将锁定：认定 \(h) 学时（申报 \(r.claimedHours)）", "saving locks it: \(h) hours recognised (\(r.claimedHours) claimed)")
    }

    override func save(_ cells: [Field: String], _ app: App) -> String? {
        guard case .success(var record) = parsed() else { return nil }
        if let kept = decisionKept {
            record.recognition = kept.recognition
            record.recognizedHours = kept.hours
            record.recognitionNote = kept.note
        }
        do {
            if let editing {
                try app.ledger.updateRecord(rowID: editing.rowID, record, reviewer: app.reviewer, expected: expectedVersion)
                app.made(
                    .recordsChanged(
                        before: [editing.rowID: editing.record],
                        versions: expectedVersion.map { [editing.rowID: $0 + 1] } ?? [:]),
                    "修改记录“\(record.title)”",
                    "the change of \"\(record.title)\"")
                onSaved(editing.rowID)
            } else {
                let id = try app.ledger.addRecord(record, personRowID: personRowID, reviewer: app.reviewer)
                app.made(.recordAdded(rowID: id), "新增记录“\(record.title)”", "the record \"\(record.title)\" added")
                onSaved(id)
            }
            app.info(app.t("已保存", "saved"))
            return nil
        } catch {
            return problem(error, app)
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
        super.init(
            title: editing == nil ? w.t("新增人员", "New person") : w.t("编辑人员", "Edit person"),
            inputs: [
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
        expectedVersion = editing?.version
        revalidate(app)
    }

    override func reloadAfterConflict(_ app: App, _ change: ConcurrentChange) {
        guard let editing else { return }
        guard let fresh = try? app.ledger.person(rowID: editing.rowID) else {
            app.error(LedgerError.gone)
            return
        }
        app.overlay = PersonForm(app: app, editing: fresh, onSaved: onSaved)
    }

    override func validate(_ cells: [Field: String], _ app: App) -> [FieldIssue] {
        if case .failure(let p) = RowParser().person(cells) { return p.issues }
        return []
    }

    override func note(_ app: App) -> String? {
        guard case .success(let id) = ResidentID.parse(cells[.idNumber] ?? "") else { return nil }
        return app.t(
            "出生日期 \(id.birthDate.iso) · 性别 \(id.gender.zh)（由身份证号得出）",
            "born \(id.birthDate.iso) · \(id.gender.en) (from the ID number)")
    }

    override func save(_ cells: [Field: String], _ app: App) -> String? {
        guard case .success(let person) = RowParser().person(cells) else { return nil }
        do {
            if let editing {
                try app.ledger.updatePerson(rowID: editing.rowID, person, expected: expectedVersion)
                app.made(
                    // The version the save left (each update moves it by one): the undo is refused when
                    // someone changed the person after it.
                    .personChanged(rowID: editing.rowID, before: editing.person, version: expectedVersion.map { $0 + 1 }),
                    "修改人员“\(person.name)”",
                    "the change of \(person.name)")
                onSaved(editing.rowID)
            } else {
                let id = try app.ledger.addPerson(person)
                app.made(.personAdded(rowID: id, version: 1), "新增人员“\(person.name)”", "\(person.name) added")
                onSaved(id)
            }
            app.info(app.t("已保存", "saved"))
            return nil
        } catch {
            return problem(error, app)
        }
    }
}
