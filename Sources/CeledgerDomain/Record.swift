/// One continuing-education activity of one person: what Art. 17 requires the ledger to hold.
public struct Record: Hashable, Sendable {
    public var personID: ResidentID
    public var mode: Mode
    public var category: Category
    /// The content (内容) of the activity.
    public var title: String
    public var provider: String
    public var startDate: Day
    public var endDate: Day
    public var assessment: Assessment
    /// Exam score as written (e.g. "86", "92.5"); nil when none.
    public var score: String?
    public var claimedHours: Hours
    public var recognizedHours: Hours?
    public var recognition: Recognition
    public var certificateNo: String
    public var note: String
    /// Why hours were refused or changed (required for a rejection, and when the recognised hours differ
    /// from the suggestion).
    public var recognitionNote: String
    /// The rule set's conversion the record is judged by (its id); nil for the mode's default.
    public var basis: String?
    /// Days, half days, courses passed or rank, when the dates alone do not say it.
    public var quantity: Int?
    public var role: Role
    /// What the rule set in force suggested when the record was entered.
    public var suggestedHours: Hours?

    public init(
        personID: ResidentID, mode: Mode, category: Category, title: String, provider: String = "",
        startDate: Day, endDate: Day, assessment: Assessment = .none, score: String? = nil,
        claimedHours: Hours, recognizedHours: Hours? = nil, recognition: Recognition = .pending,
        certificateNo: String = "", note: String = "", recognitionNote: String = "",
        basis: String? = nil, quantity: Int? = nil, role: Role = .participant, suggestedHours: Hours? = nil
    ) {
        self.personID = personID
        self.mode = mode
        self.category = category
        self.title = title
        self.provider = provider
        self.startDate = startDate
        self.endDate = endDate
        self.assessment = assessment
        self.score = score
        self.claimedHours = claimedHours
        self.recognizedHours = recognizedHours
        self.recognition = recognition
        self.certificateNo = certificateNo
        self.note = note
        self.recognitionNote = recognitionNote
        self.basis = basis
        self.quantity = quantity
        self.role = role
        self.suggestedHours = suggestedHours
    }

    /// Whether the recognised hours were set by hand against the rule's suggestion.
    public var overridesSuggestion: Bool {
        guard recognition == .recognized, let s = suggestedHours, let r = recognizedHours else { return false }
        return s != r
    }

    /// A record belongs to the calendar year of its end date.
    public var year: Int { endDate.year }

    /// The hours this record adds to its year, or nil with the reason it adds none.
    public var contribution: Contribution {
        Record.contribution(recognition: recognition, assessment: assessment, recognized: recognizedHours)
    }

    /// The single definition of "counts", used by every report, screen and SQL aggregate:
    /// recognised, not failed, and then its recognised hours.
    public static func contribution(recognition: Recognition, assessment: Assessment, recognized: Hours?) -> Contribution {
        switch recognition {
        case .pending: return .none(.pending)
        case .rejected: return .none(.rejected)
        case .recognized:
            if assessment == .failed { return .none(.failed) }
            return .counts(recognized ?? .zero)
        }
    }

    public enum Contribution: Hashable, Sendable {
        case counts(Hours)
        case none(NotCounted)

        public var hours: Hours {
            if case .counts(let h) = self { return h }
            return .zero
        }
    }

    /// Why a record adds nothing to its year.
    public enum NotCounted: String, Hashable, Sendable {
        case pending, rejected, failed

        public var message: Message {
            switch self {
            case .pending: Message(zh: "待认定，暂不计入", en: "pending recognition, not counted yet")
            case .rejected: Message(zh: "不予认定，不计入", en: "recognition refused, not counted")
            case .failed: Message(zh: "考核不合格，不计入", en: "assessment failed, not counted")
            }
        }
    }

    /// The identity of an activity: the same person, mode, content and dates are the same activity and
    /// are never registered twice.
    public struct Key: Hashable, Sendable {
        public let personID: String
        public let mode: Mode
        public let title: String
        public let startDate: Day
        public let endDate: Day
    }

    public var key: Key { Key(personID: personID.value, mode: mode, title: title, startDate: startDate, endDate: endDate) }
}
