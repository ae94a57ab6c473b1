import CeledgerDomain

/// What `celedger check` judges on each stored person and record, the same on both backends: each
/// ledger reads its rows its own way and hands them here, so that a finding reads alike whichever
/// database it came from.
public enum RowChecks {
    public typealias Add = (CheckFinding.Severity, String, String, String) -> Void

    /// "person 12 (张三 3601**********1235)": the row id, the name and the masked ID number.
    public static func personLocation(id: Int64, name: String?, idNumber: String) -> String {
        "person \(id) (\(name.map { $0 + " " } ?? "")\(ResidentID.mask(idNumber)))"
    }

    /// "record 340 (张三 3601**********1235 · 安全生产培训)": the row id, its person and its title.
    public static func recordLocation(id: Int64, name: String?, idNumber: String?, title: String?) -> String {
        guard let title else { return "record \(id) (\(name.map { $0 + " " } ?? "")\(ResidentID.mask(idNumber ?? "")))" }
        let owner = name.map { "\($0) \(ResidentID.mask(idNumber ?? ""))" } ?? "?"
        return "record \(id) (\(owner) · \(title.count > 20 ? String(title.prefix(20)) + "…" : title))"
    }

    /// The ID number against itself, the gender and the birth date.
    public static func person(at: String, idNumber: String, gender: String, birthDate: String, _ add: Add) {
        switch ResidentID.parse(idNumber) {
        case .failure(let problem):
            add(.error, at, problem.message.zh, problem.message.en)
        case .success(let rid):
            if rid.value != idNumber { add(.error, at, "身份证号未规范化", "ID number not normalised") }
            if rid.gender.rawValue != gender { add(.error, at, "性别与身份证号不符", "gender contradicts the ID number") }
            if rid.birthDate.iso != birthDate { add(.error, at, "出生日期与身份证号不符", "birth date contradicts the ID number") }
        }
    }

    /// A record's stored columns, as `record` reads them.
    public struct RecordRow {
        public var idNumber: String?
        public var mode: String, category: String, title: String
        public var startDate: String, endDate: String, year: Int
        public var recognition: String, recognitionNote: String
        public var claimedTenths: Int, recognizedTenths: Int?, suggestedTenths: Int?
        public var basis: String?
        public init(
            idNumber: String?, mode: String, category: String, title: String, startDate: String, endDate: String, year: Int,
            recognition: String, recognitionNote: String, claimedTenths: Int, recognizedTenths: Int?, suggestedTenths: Int?,
            basis: String?
        ) {
            self.idNumber = idNumber
            self.mode = mode
            self.category = category
            self.title = title
            self.startDate = startDate
            self.endDate = endDate
            self.year = year
            self.recognition = recognition
            self.recognitionNote = recognitionNote
            self.claimedTenths = claimedTenths
            self.recognizedTenths = recognizedTenths
            self.suggestedTenths = suggestedTenths
            self.basis = basis
        }
    }

    /// Dates, year, recognition, and `Plausibility` judged on `today`.
    public static func record(at: String, _ r: RecordRow, today: Day, rules: RuleBook, _ add: Add) {
        let start = Day.parse(r.startDate).successValue, end = Day.parse(r.endDate).successValue
        guard let start, let end else {
            add(.error, at, "日期无法识别", "a date cannot be read")
            return
        }
        if end < start { add(.error, at, "结束日期早于开始日期", "end date before start date") }
        if end.year != r.year { add(.error, at, "年度与结束日期不符", "year does not match the end date") }
        if r.recognition == "recognized" && r.recognizedTenths == nil {
            add(.error, at, "已认定但没有认定学时", "recognised without recognised hours")
        }
        if r.recognition == "rejected" && r.recognitionNote.isEmpty {
            add(.warning, at, "不予认定但没有记录理由", "rejected without a recorded reason")
        }
        guard let mode = Mode(rawValue: r.mode), let category = Category(rawValue: r.category),
            let recognition = Recognition(rawValue: r.recognition),
            let person = ResidentID.parse(r.idNumber ?? "").successValue
        else { return }
        let record = CeledgerDomain.Record(
            personID: person, mode: mode, category: category, title: r.title, startDate: start, endDate: end,
            claimedHours: Hours(tenths: r.claimedTenths), recognizedHours: r.recognizedTenths.map(Hours.init(tenths:)),
            recognition: recognition, recognitionNote: r.recognitionNote, basis: r.basis,
            suggestedHours: r.suggestedTenths.map(Hours.init(tenths:)))
        // Hours that cannot be true count in the totals: an error; a missing reason is a warning.
        for issue in Plausibility.problems(record, today: today, rules: rules) {
            add(
                issue.field == .recognitionNote ? .warning : .error, at, "\(issue.field.zh(in: .record))：\(issue.message.zh)",
                "\(issue.field.exportKey(in: .record)): \(issue.message.en)")
        }
    }
}

extension CheckFinding {
    /// The kinds of place a finding names, in the clerk's words.
    static let placeWords: [String: String] = [
        "person": "人员", "record": "记录", "history": "历史条目", "evidence": "证明材料", "ledger": "登记簿",
        "card": "证书", "clerk": "经办人", "setting": "设置", "rule_set": "规则集",
    ]

    /// Where, in `lang`: "record 12 (张三 … · 培训)" reads "记录 12 (张三 … · 培训)" in Chinese; the names,
    /// masked numbers and titles inside stay as they are.
    public func location(in lang: Lang) -> String {
        guard lang == .zh else { return location }
        let word = location.prefix { $0 != " " }
        guard let zh = CheckFinding.placeWords[String(word)] else { return location }
        if location == "history" { return "历史" }
        return zh + location.dropFirst(word.count)
    }
}
