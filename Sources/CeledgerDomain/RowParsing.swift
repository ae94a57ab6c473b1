/// A problem with one field of one row, in both languages.
public struct FieldIssue: Error, Hashable, Sendable {
    public let field: Field
    public let message: Message
    public init(_ field: Field, _ message: Message) {
        self.field = field
        self.message = message
    }
}

/// All problems of one row.
public struct RowProblems: Error, Sendable, Hashable {
    public let issues: [FieldIssue]
    public init(_ issues: [FieldIssue]) { self.issues = issues }
}

/// Turns the text cells of one spreadsheet row into a validated Person or Record. Pure: it knows nothing
/// of files or of the ledger; the store adds the checks that need the ledger (does the person exist?).
public struct RowParser: Sendable {
    /// With a rule book, a record is also judged by the set in force in its year: its conversion and
    /// quantity are checked, the recognised hours are suggested, and a record marked recognised without
    /// recognised hours takes the suggestion. Without one, such a record is refused.
    public let rules: RuleBook?
    /// With the day it is, a record is also held to `Plausibility` (not recognised before it ends, no more
    /// hours than its span holds, a reason for recognising more than was claimed). Every entry point that
    /// writes records passes it; nil only where a row is read for something else (a suggestion).
    public let today: Day?

    public init(rules: RuleBook? = nil, today: Day? = nil) {
        self.rules = rules
        self.today = today
    }

    public static let maxNameLength = 40
    public static let maxTextLength = 200
    public static let maxNoteLength = 1000
    /// Unicode scalars a text field may hold per character of its limit: 3 (a base letter and two
    /// combining marks, as in Vietnamese), so that a 40-character name stays under 480 bytes.
    public static let scalarsPerCharacter = 3

    // MARK: persons

    public func person(_ cells: [Field: String]) -> Result<Person, RowProblems> {
        var issues: [FieldIssue] = []
        func text(_ f: Field) -> String { cells[f]?.trimmedField ?? "" }

        var id: ResidentID?
        switch ResidentID.parse(text(.idNumber)) {
        case .success(let v): id = v
        case .failure(let p): issues.append(FieldIssue(.idNumber, p.message))
        }
        let name = text(.name)
        if name.isEmpty {
            issues.append(FieldIssue(.name, Message(zh: "姓名为空", en: "name is empty")))
        }
        checkText(name, .name, max: Self.maxNameLength, &issues)
        for f in [Field.unit, .department, .title, .specialty] { checkText(text(f), f, max: Self.maxTextLength, &issues) }

        if let g = vocabulary(Gender.self, text(.gender), &issues), let id, g != id.gender {
            issues.append(
                FieldIssue(
                    .gender,
                    Message(
                        zh: "性别“\(g.zh)”与身份证号（\(id.gender.zh)）不符",
                        en: "gender \(g.en) contradicts the ID number (\(id.gender.en))")))
        }
        let level = vocabulary(TitleLevel.self, text(.titleLevel), &issues)
        let status = vocabulary(EmploymentStatus.self, text(.status), &issues) ?? .active
        let category = vocabulary(PersonCategory.self, text(.personCategory), &issues) ?? .employee
        var statusDate: Day?
        if !text(.statusDate).isEmpty {
            statusDate = date(text(.statusDate), .statusDate, &issues)
        }
        if status == .active && statusDate != nil {
            issues.append(
                FieldIssue(
                    .statusDate,
                    Message(
                        zh: "在职人员不应填写离职/退休日期", en: "a status date is only for persons who left or retired")))
        }
        if status != .active && statusDate == nil && text(.statusDate).isEmpty {
            issues.append(
                FieldIssue(
                    .statusDate,
                    Message(
                        zh: "\(status.zh)人员须填写\(status.zh)日期",
                        en: "a person who \(status == .left ? "left" : "retired") needs the date (status_date)")))
        }
        guard issues.isEmpty, let id else { return .failure(RowProblems(issues)) }
        return .success(
            Person(
                id: id, name: name, unit: text(.unit), department: text(.department), title: text(.title),
                titleLevel: level, specialty: text(.specialty), status: status, statusDate: statusDate, category: category))
    }

    // MARK: records

    public func record(_ cells: [Field: String]) -> Result<Record, RowProblems> {
        var issues: [FieldIssue] = []
        func text(_ f: Field) -> String { cells[f]?.trimmedField ?? "" }

        var id: ResidentID?
        switch ResidentID.parse(text(.idNumber)) {
        case .success(let v): id = v
        case .failure(let p): issues.append(FieldIssue(.idNumber, p.message))
        }
        let mode = required(Mode.self, text(.mode), &issues)
        let category = required(Category.self, text(.category), &issues)
        let title = text(.title)
        if title.isEmpty {
            issues.append(FieldIssue(.title, Message(zh: "内容为空", en: "the content (title) is empty")))
        }
        checkText(title, .title, max: Self.maxTextLength, &issues)
        checkText(text(.provider), .provider, max: Self.maxTextLength, &issues)
        checkText(text(.certificateNo), .certificateNo, max: Self.maxTextLength, &issues)
        checkText(text(.note), .note, max: Self.maxNoteLength, &issues, allowNewlines: true)
        checkText(text(.recognitionNote), .recognitionNote, max: Self.maxNoteLength, &issues, allowNewlines: true)

        // A one-day activity often carries one date only: the other defaults to it.
        var start: Day?, end: Day?
        let startText = text(.startDate), endText = text(.endDate)
        if startText.isEmpty && endText.isEmpty {
            issues.append(FieldIssue(.endDate, Message(zh: "缺少日期（开始日期、结束日期）", en: "no date: give start_date and end_date")))
        } else {
            if !startText.isEmpty { start = date(startText, .startDate, &issues) }
            if !endText.isEmpty { end = date(endText, .endDate, &issues) }
            if startText.isEmpty { start = end }
            if endText.isEmpty { end = start }
        }
        if let s = start, let e = end, e < s {
            issues.append(
                FieldIssue(
                    .endDate,
                    Message(
                        zh: "结束日期 \(e.iso) 早于开始日期 \(s.iso)", en: "end date \(e.iso) is before start date \(s.iso)")))
        }
        let assessment = vocabulary(Assessment.self, text(.assessment), &issues) ?? .none
        let score = scoreText(text(.score), &issues)
        let claimed = hours(text(.claimedHours), .claimedHours, &issues)
        let recognized = hours(text(.recognizedHours), .recognizedHours, &issues)
        let recognition =
            vocabulary(Recognition.self, text(.recognition), &issues)
            ?? (recognized != nil ? .recognized : .pending)
        if claimed == nil && recognized == nil && text(.claimedHours).isEmpty && text(.recognizedHours).isEmpty {
            issues.append(FieldIssue(.claimedHours, Message(zh: "缺少申报学时", en: "claimed_hours is empty")))
        }
        if recognition == .recognized && recognized == nil && text(.recognizedHours).isEmpty && rules == nil {
            issues.append(
                FieldIssue(
                    .recognizedHours,
                    Message(
                        zh: "已认定的记录须填写认定学时", en: "a recognized record needs recognized_hours")))
        }
        let basis = text(.basis)
        checkText(basis, .basis, max: 60, &issues)
        let quantity = count(text(.quantity), .quantity, &issues)
        let role = vocabulary(Role.self, text(.role), &issues) ?? .participant
        if recognition == .rejected, let r = recognized, r != .zero {
            issues.append(
                FieldIssue(
                    .recognizedHours,
                    Message(
                        zh: "不予认定的记录不能有认定学时（\(r)）", en: "a rejected record cannot have recognized hours (\(r))")))
        }
        guard let mode, let start, let end, let claimedHours = claimed ?? recognized else { return .failure(RowProblems(issues)) }
        var suggestion: Suggestion?
        if let rules, let set = rules.ruleSet(for: end.year) {
            switch set.suggest(
                mode: mode, basis: basis.isEmpty ? nil : basis, start: start, end: end, quantity: quantity,
                role: role, assessment: assessment, claimed: claimedHours)
            {
            case .success(let s): suggestion = s
            case .failure(let issue): issues.append(issue)
            }
        }
        guard issues.isEmpty, let id, let category else { return .failure(RowProblems(issues)) }
        var recognizedHours = recognition == .rejected ? nil : recognized
        if recognition == .recognized && recognizedHours == nil { recognizedHours = suggestion?.hours }
        let record = Record(
            personID: id, mode: mode, category: category, title: title, provider: text(.provider),
            startDate: start, endDate: end, assessment: assessment, score: score, claimedHours: claimedHours,
            recognizedHours: recognizedHours, recognition: recognition,
            certificateNo: text(.certificateNo), note: text(.note), recognitionNote: text(.recognitionNote),
            basis: suggestion?.conversionID.flatMap { id in basis.isEmpty ? nil : id } ?? (basis.isEmpty ? nil : basis),
            quantity: quantity, role: role, suggestedHours: suggestion?.hours)
        if let today {
            let implausible = Plausibility.problems(record, today: today, rules: rules)
            if !implausible.isEmpty { return .failure(RowProblems(implausible)) }
        }
        return .success(record)
    }

    /// The suggestion for a record as the rule set of its year makes it (nil without rules).
    public func suggestion(for r: Record) -> Suggestion? {
        guard let set = rules?.ruleSet(for: r.year) else { return nil }
        return try? set.suggest(
            mode: r.mode, basis: r.basis, start: r.startDate, end: r.endDate, quantity: r.quantity,
            role: r.role, assessment: r.assessment, claimed: r.claimedHours
        ).get()
    }

    // MARK: cells

    private func checkText(_ s: String, _ f: Field, max: Int, _ issues: inout [FieldIssue], allowNewlines: Bool = false) {
        // Characters, and scalars too: a character may carry thousands of combining marks.
        let scalars = s.unicodeScalars.count
        if scalars > max * Self.scalarsPerCharacter {
            issues.append(
                FieldIssue(
                    f,
                    Message(
                        zh: "过长（\(scalars) 个 Unicode 码位，最多 \(max * Self.scalarsPerCharacter) 个）",
                        en: "too long (\(scalars) Unicode scalars, at most \(max * Self.scalarsPerCharacter))")))
        } else if s.count > max {
            issues.append(
                FieldIssue(f, Message(zh: "过长（\(s.count)字，最多\(max)字）", en: "too long (\(s.count) characters, at most \(max))")))
        }
        let bad = s.unicodeScalars.first { c in
            c.value < 0x20 ? !(allowNewlines && (c == "\n" || c == "\r" || c == "\t")) : Message.isControlOrBidi(c)
        }
        if let bad {
            let hex = String(bad.value, radix: 16, uppercase: true)
            let code = "U+" + String(repeating: "0", count: Swift.max(0, 4 - hex.count)) + hex
            issues.append(
                FieldIssue(
                    f,
                    bad.value >= 0x200E
                        ? Message(
                            zh: "含有改变文字方向的控制字符（\(code)），请删去",
                            en: "contains a text-direction control character (\(code)); remove it")
                        : Message(zh: "含有控制字符（\(code)）", en: "contains control characters (\(code))")))
        }
    }

    private func vocabulary<V: Vocabulary>(_ type: V.Type, _ s: String, _ issues: inout [FieldIssue]) -> V? {
        guard !s.isEmpty else { return nil }
        if let v = V.parse(s) { return v }
        issues.append(
            FieldIssue(
                V.field,
                Message(
                    zh: "“\(Message.excerpt(s))”不是可选值（\(V.choices(.zh))）",
                    en: "\"\(Message.excerpt(s))\" is not one of: \(V.choices(.en))")))
        return nil
    }

    private func required<V: Vocabulary>(_ type: V.Type, _ s: String, _ issues: inout [FieldIssue]) -> V? {
        if s.isEmpty {
            issues.append(
                FieldIssue(V.field, Message(zh: "为空（可选：\(V.choices(.zh))）", en: "is empty (one of: \(V.choices(.en)))")))
            return nil
        }
        return vocabulary(type, s, &issues)
    }

    public func date(_ s: String, _ f: Field, _ issues: inout [FieldIssue]) -> Day? {
        switch Day.parse(s) {
        case .success(let d): return d
        case .failure(.notARealDate):
            issues.append(
                FieldIssue(f, Message(zh: "日期“\(Message.excerpt(s))”不存在", en: "\"\(Message.excerpt(s))\" is not a real date")))
        case .failure(.outOfRange):
            issues.append(
                FieldIssue(
                    f, Message(zh: "日期“\(Message.excerpt(s))”的年份不合理", en: "\"\(Message.excerpt(s))\" has an implausible year")))
        case .failure(.unrecognised):
            issues.append(
                FieldIssue(
                    f,
                    Message(
                        zh: "无法识别日期“\(Message.excerpt(s))”（可写 2024-03-04、2024/3/4、2024.3.4 或 2024年3月4日）",
                        en: "cannot read date \"\(Message.excerpt(s))\" (write 2024-03-04, 2024/3/4, 2024.3.4 or 2024年3月4日)")))
        }
        return nil
    }

    public func hours(_ s: String, _ f: Field, _ issues: inout [FieldIssue]) -> Hours? {
        guard !s.isEmpty else { return nil }
        switch Hours.parse(s) {
        case .success(let h): return h
        case .failure(.negative):
            issues.append(
                FieldIssue(
                    f, Message(zh: "学时不能为负数（\(Message.excerpt(s))）", en: "hours cannot be negative (\(Message.excerpt(s)))")))
        case .failure(.tooManyDecimals):
            issues.append(
                FieldIssue(
                    f,
                    Message(
                        zh: "学时最多一位小数（\(Message.excerpt(s))）", en: "hours take at most one decimal place (\(Message.excerpt(s)))")
                ))
        case .failure(.tooLarge):
            issues.append(
                FieldIssue(f, Message(zh: "学时过大（\(Message.excerpt(s))）", en: "hours too large (\(Message.excerpt(s)))")))
        case .failure(.notANumber):
            issues.append(
                FieldIssue(f, Message(zh: "“\(Message.excerpt(s))”不是数字", en: "\"\(Message.excerpt(s))\" is not a number")))
        }
        return nil
    }

    /// A whole number above zero (days, half days, courses, a rank).
    public func count(_ s: String, _ f: Field, _ issues: inout [FieldIssue]) -> Int? {
        guard !s.isEmpty else { return nil }
        var n = 0
        for c in s {
            guard let d = c.asciiOrFullWidthDigit, n < 100_000 else {
                issues.append(
                    FieldIssue(
                        f, Message(zh: "“\(Message.excerpt(s))”不是正整数", en: "\"\(Message.excerpt(s))\" is not a whole number")))
                return nil
            }
            n = n * 10 + d
        }
        if n == 0 {
            issues.append(FieldIssue(f, Message(zh: "须大于 0", en: "must be more than 0")))
            return nil
        }
        return n
    }

    private func scoreText(_ s: String, _ issues: inout [FieldIssue]) -> String? {
        guard !s.isEmpty else { return nil }
        let ok =
            s.count <= 8 && s.first?.asciiOrFullWidthDigit != nil
            && s.filter({ $0 == "." }).count <= 1 && s.allSatisfy({ $0 == "." || $0.asciiOrFullWidthDigit != nil })
        guard ok else {
            issues.append(
                FieldIssue(
                    .score, Message(zh: "成绩“\(Message.excerpt(s))”不是数字", en: "score \"\(Message.excerpt(s))\" is not a number")))
            return nil
        }
        return String(s.map { c in c.asciiOrFullWidthDigit.map { Character(String($0)) } ?? c })
    }
}
