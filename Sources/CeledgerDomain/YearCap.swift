/// At most so many hours a year count for a mode, a category, or a mode within a category.
public struct YearCap: Sendable, Hashable, Identifiable {
    public let id: String
    public let name: Message
    public let mode: Mode?
    public let category: Category?
    public let maxHours: Sourced<Hours>

    public init(id: String, name: Message, mode: Mode? = nil, category: Category? = nil, maxHours: Sourced<Hours>) {
        self.id = id
        self.name = name
        self.mode = mode
        self.category = category
        self.maxHours = maxHours
    }

    public func applies(to mode: Mode, _ category: Category) -> Bool {
        (self.mode == nil || self.mode == mode) && (self.category == nil || self.category == category)
    }

    static func decode(_ r: JSONReader, at path: String) throws(RuleSet.Problem) -> YearCap {
        let id = try r.identifier("id")
        let name = Message(zh: try r.text("name.zh"), en: try r.text("name.en"))
        let mode = try r.optionalVocabulary(Mode.self, "mode")
        let category = try r.optionalVocabulary(Category.self, "category")
        if mode == nil && category == nil {
            throw r.problem("mode", "上限须指明学习方式（mode）或科目类别（category）", "a cap needs a mode or a category")
        }
        return YearCap(id: id, name: name, mode: mode, category: category, maxHours: try r.sourcedHours("max_hours"))
    }

    /// "网络学习每年最多 30 学时".
    public func describe(_ lang: Lang) -> String {
        let scope = [mode?.label(lang), category?.label(lang)].compactMap { $0 }.joined(separator: lang == .zh ? "·" : " ")
        return lang == .zh
            ? "\(scope)每年最多 \(maxHours.value.compact) 学时" : "\(scope): at most \(maxHours.value.compact) hours a year"
    }
}
