/// The user's language. Chinese first: English only when the locale or `--lang en` asks for it.
public enum Lang: String, Sendable, CaseIterable {
    case zh, en

    /// Reads LC_ALL, LC_MESSAGES, LANG in POSIX order of precedence. A locale that names English
    /// (en_US.UTF-8) gives English; a Chinese one (zh_CN.UTF-8) gives Chinese; a neutral one
    /// (C, POSIX, C.UTF-8) or none gives the product's default.
    public static func fromEnvironment(_ env: [String: String], neutral: Lang = .zh) -> Lang {
        for key in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            guard let v = env[key], !v.isEmpty else { continue }
            let lower = v.lowercased()
            if lower.hasPrefix("zh") { return .zh }
            if lower.hasPrefix("en") { return .en }
            return neutral
        }
        return neutral
    }
}

/// A message in both languages; callers pick one with the user's `Lang`.
public struct Message: Sendable, Hashable, CustomStringConvertible {
    public let zh: String
    public let en: String
    public init(zh: String, en: String) {
        self.zh = zh
        self.en = en
    }
    public func text(_ lang: Lang) -> String { lang == .zh ? zh : en }
    public var description: String { en }
}

extension Result {
    /// The value when it succeeded.
    public var successValue: Success? {
        if case .success(let v) = self { return v }
        return nil
    }
}
