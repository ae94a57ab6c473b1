/// The closed vocabularies of the ledger. Each value has a stable English key (stored in the ledger and
/// written by exports), a Chinese label (what clerks see and type) and the other spellings found in
/// real spreadsheets.
public protocol Vocabulary: CaseIterable, Hashable, Sendable, RawRepresentable where RawValue == String {
    var zh: String { get }
    var en: String { get }
    /// Extra accepted spellings (Chinese short forms, synonyms). Keys and labels are always accepted.
    static var synonyms: [String: Self] { get }
    /// The column this vocabulary fills, for error messages.
    static var field: Field { get }
}

extension Vocabulary {
    public static var synonyms: [String: Self] { [:] }

    public func label(_ lang: Lang) -> String { lang == .zh ? zh : en }

    /// Case-insensitive match against key, English label, Chinese label and synonyms.
    public static func parse(_ text: String) -> Self? {
        let t = text.trimmedField
        let lower = t.lowercased()
        for v in allCases where v.rawValue == lower || v.zh == t || v.en.lowercased() == lower {
            return v
        }
        return synonyms[t] ?? synonyms[lower]
    }

    /// "one of: 培训, 实践, …" in the user's language.
    public static func choices(_ lang: Lang) -> String {
        allCases.map { lang == .zh ? $0.zh : $0.rawValue }.joined(separator: ", ")
    }
}

/// Art. 10's six ways of earning hours.
public enum Mode: String, Vocabulary {
    case training, practice, academic, online, degree, other
    public var zh: String {
        switch self {
        case .training: "培训"
        case .practice: "实践"
        case .academic: "学术活动"
        case .online: "网络学习"
        case .degree: "学历教育"
        case .other: "其他"
        }
    }
    public var en: String {
        switch self {
        case .training: "training"
        case .practice: "practice"
        case .academic: "academic"
        case .online: "online"
        case .degree: "degree"
        case .other: "other"
        }
    }
    public static var synonyms: [String: Mode] {
        [
            "培训班": .training, "进修班": .training, "研修班": .training, "进修": .training, "研修": .training,
            "面授": .training, "面授培训": .training, "集中培训": .training,
            "实践活动": .practice, "继续教育实践活动": .practice,
            "学术会议": .academic, "学术讲座": .academic, "学术访问": .academic, "学术交流": .academic,
            "会议": .academic, "讲座": .academic,
            "网络": .online, "网络培训": .online, "网络在线学习": .online, "在线学习": .online, "网络教育": .online,
            "远程教育": .online, "远程培训": .online,
            "学历": .degree, "学位": .degree, "学历学位教育": .degree,
            "其它": .other, "其他学习方式": .other, "其他方式": .other,
        ]
    }
    public static var field: Field { .mode }
}

/// Art. 9: public subjects (公需科目) and professional subjects (专业科目).
public enum Category: String, Vocabulary {
    case `public`, professional
    public var zh: String { self == .public ? "公需科目" : "专业科目" }
    public var en: String { self == .public ? "public" : "professional" }
    /// The two-character form used in tight table columns.
    public var shortZh: String { self == .public ? "公需" : "专业" }
    public static var synonyms: [String: Category] {
        ["公需": .public, "公共科目": .public, "公需课": .public, "专业": .professional, "专业课": .professional]
    }
    public static var field: Field { .category }
}

public enum Assessment: String, Vocabulary {
    case passed, excellent, failed, none
    public var zh: String {
        switch self {
        case .passed: "合格"
        case .excellent: "优秀"
        case .failed: "不合格"
        case .none: "未考核"
        }
    }
    public var en: String { rawValue }
    public static var synonyms: [String: Assessment] {
        [
            "通过": .passed, "已通过": .passed, "pass": .passed, "良好": .passed, "中等": .passed, "及格": .passed,
            "未通过": .failed, "fail": .failed, "不及格": .failed,
            "无": .none, "无考核": .none, "不考核": .none, "—": .none, "-": .none,
        ]
    }
    public static var field: Field { .assessment }
}

/// Hour recognition (学时认定) by the employer or the HR department.
public enum Recognition: String, Vocabulary {
    case pending, recognized, rejected
    public var zh: String {
        switch self {
        case .pending: "待认定"
        case .recognized: "已认定"
        case .rejected: "不予认定"
        }
    }
    public var en: String { rawValue }
    public static var synonyms: [String: Recognition] {
        [
            "未认定": .pending, "待审核": .pending, "审核中": .pending, "申报": .pending,
            "认定": .recognized, "已审核": .recognized, "审核通过": .recognized, "通过审核": .recognized,
            "recognised": .recognized,
            "不认定": .rejected, "未通过认定": .rejected, "审核不通过": .rejected, "驳回": .rejected,
        ]
    }
    public static var field: Field { .recognition }
}

public enum Gender: String, Vocabulary {
    case male, female
    public var zh: String { self == .male ? "男" : "女" }
    public var en: String { rawValue }
    public static var synonyms: [String: Gender] { ["m": .male, "f": .female, "男性": .male, "女性": .female] }
    public static var field: Field { .gender }
}

public enum EmploymentStatus: String, Vocabulary {
    case active, left, retired
    public var zh: String {
        switch self {
        case .active: "在职"
        case .left: "离职"
        case .retired: "退休"
        }
    }
    public var en: String { rawValue }
    public static var synonyms: [String: EmploymentStatus] { ["调出": .left, "辞职": .left, "离岗": .left] }
    public static var field: Field { .status }
}

public enum TitleLevel: String, Vocabulary {
    case junior, intermediate
    case deputySenior = "deputy_senior"
    case senior
    public var zh: String {
        switch self {
        case .junior: "初级"
        case .intermediate: "中级"
        case .deputySenior: "副高级"
        case .senior: "正高级"
        }
    }
    public var en: String { rawValue }
    public static var synonyms: [String: TitleLevel] {
        ["员级": .junior, "助理级": .junior, "副高": .deputySenior, "正高": .senior, "高级": .deputySenior]
    }
    public static var field: Field { .titleLevel }
}

/// Art. 2 covers employees of employers; Art. 26 extends the measures to freelancers by analogy.
public enum PersonCategory: String, Vocabulary {
    case employee, freelancer
    public var zh: String { self == .employee ? "单位职工" : "自由职业" }
    public var en: String { rawValue }
    public static var synonyms: [String: PersonCategory] {
        ["职工": .employee, "在职人员": .employee, "单位人员": .employee, "自由职业者": .freelancer, "个人": .freelancer]
    }
    public static var field: Field { .personCategory }
}

/// How a person took part: presenting a paper or teaching (报告人、主讲) counts more under some rules.
public enum Role: String, Vocabulary {
    case participant, presenter
    public var zh: String { self == .participant ? "参加" : "报告人" }
    public var en: String { rawValue }
    public static var synonyms: [String: Role] {
        [
            "参加者": .participant, "参与": .participant, "学员": .participant, "听众": .participant, "参会": .participant,
            "主讲": .presenter, "主讲人": .presenter, "报告": .presenter, "作报告": .presenter, "发言": .presenter,
            "授课": .presenter, "讲者": .presenter, "speaker": .presenter,
        ]
    }
    public static var field: Field { .role }
}
