/// Every column a person or record file can carry: its English key (exports, scripts) and the
/// Chinese header of a clerk's spreadsheet. Headers in either language, in any order.
public enum Field: String, Sendable, CaseIterable, Hashable {
    // person
    case idNumber = "id_number"
    case name
    case gender
    case birthDate = "birth_date"
    case unit
    case department
    case title
    case titleLevel = "title_level"
    case specialty
    case status
    case statusDate = "status_date"
    case personCategory = "person_category"
    // record
    case mode
    case category
    case provider
    case startDate = "start_date"
    case endDate = "end_date"
    case assessment
    case score
    case claimedHours = "claimed_hours"
    case recognizedHours = "recognized_hours"
    case recognition
    case recognitionNote = "recognition_note"
    case certificateNo = "certificate_no"
    case note
    case basis
    case quantity
    case role

    public var key: String { rawValue }

    /// The header a Chinese spreadsheet uses. `title` is 职称 for a person and 内容 for a record.
    public func zh(in kind: RowKind) -> String {
        switch self {
        case .idNumber: "身份证号"
        case .name: "姓名"
        case .gender: "性别"
        case .birthDate: "出生日期"
        case .unit: "单位"
        case .department: "部门"
        case .title: kind == .person ? "职称" : "内容"
        case .titleLevel: "职称级别"
        case .specialty: "专业"
        case .status: "在职状态"
        case .statusDate: "状态日期"
        case .personCategory: "人员类别"
        case .mode: "学习方式"
        case .category: "科目类别"
        case .provider: "举办单位"
        case .startDate: "开始日期"
        case .endDate: "结束日期"
        case .assessment: "考核结果"
        case .score: "成绩"
        case .claimedHours: "申报学时"
        case .recognizedHours: "认定学时"
        case .recognition: "认定状态"
        case .recognitionNote: "认定说明"
        case .certificateNo: "证明编号"
        case .note: "备注"
        case .basis: "折算方式"
        case .quantity: "折算数量"
        case .role: "参与身份"
        }
    }

    /// The name used in a message: the key in English, the header in Chinese.
    public func label(_ lang: Lang, in kind: RowKind) -> String { lang == .zh ? zh(in: kind) : key }

    /// Other headers seen in real spreadsheets: built once per kind (a header is looked up many times, per
    /// candidate row while the header is searched for, per column, per rejected file).
    public static func synonyms(in kind: RowKind) -> [String: Field] {
        kind == .person ? personSynonyms : recordSynonyms
    }

    private static let personSynonyms = makeSynonyms(.person)
    private static let recordSynonyms = makeSynonyms(.record)

    private static func makeSynonyms(_ kind: RowKind) -> [String: Field] {
        var s: [String: Field] = [
            "身份证号码": .idNumber, "证件号码": .idNumber, "公民身份号码": .idNumber, "身份证": .idNumber,
            "工作单位": .unit, "单位名称": .unit, "科室": .department, "所在部门": .department,
            "备注说明": .note,
        ]
        switch kind {
        case .person:
            s["专业技术职务"] = .title
            s["职称名称"] = .title
            s["职称等级"] = .titleLevel
            s["所学专业"] = .specialty
            s["从事专业"] = .specialty
            s["状态"] = .status
            s["人员状态"] = .status
            s["离职退休日期"] = .statusDate
            s["category"] = .personCategory
            s["类别"] = .personCategory
        case .record:
            s["学习内容"] = .title
            s["项目名称"] = .title
            s["培训内容"] = .title
            s["主办单位"] = .provider
            s["培训机构"] = .provider
            s["类别"] = .category
            s["科目"] = .category
            s["方式"] = .mode
            s["考核"] = .assessment
            s["学时"] = .claimedHours
            s["证书编号"] = .certificateNo
            s["不予认定理由"] = .recognitionNote
            s["认定意见"] = .recognitionNote
            s["认定标准"] = .basis
            s["折算标准"] = .basis
            s["学时标准"] = .basis
            s["数量"] = .quantity
            s["天数"] = .quantity
            s["门数"] = .quantity
            s["排名"] = .quantity
            s["角色"] = .role
            s["身份"] = .role
        }
        return s
    }

    public static let personFields: [Field] = [
        .idNumber, .name, .gender, .unit, .department, .title, .titleLevel, .specialty, .status, .statusDate,
        .personCategory,
    ]
    public static let recordFields: [Field] = [
        .idNumber, .mode, .category, .title, .provider, .startDate, .endDate, .assessment, .score,
        .claimedHours, .recognizedHours, .recognition, .recognitionNote, .certificateNo, .note, .basis, .quantity, .role,
    ]

    public static func fields(for kind: RowKind) -> [Field] { kind == .person ? personFields : recordFields }

    /// Resolves a header cell. Person files write the person category as `category`; record files
    /// use `category` for the subject category.
    public static func fromHeader(_ header: String, kind: RowKind) -> Field? {
        let h = header.trimmedField
        let lower = h.lowercased()
        if kind == .person && lower == "category" { return .personCategory }
        for f in fields(for: kind) where f.key == lower || f.zh(in: kind) == h {
            return f
        }
        let table = synonyms(in: kind)
        if let f = table[h] ?? table[lower], fields(for: kind).contains(f) { return f }
        return nil
    }

    /// The key an export writes for this column (person category exports as `category`).
    public func exportKey(in kind: RowKind) -> String {
        kind == .person && self == .personCategory ? "category" : key
    }
}

public enum RowKind: String, Sendable {
    case person, record
}
