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

    /// A value as a message quotes it: at most 40 characters and 80 Unicode scalars (a character may
    /// carry any number of combining marks), then "…". A message never repeats a huge cell.
    public static func excerpt(_ s: String) -> String {
        var out = ""
        var characters = 0, scalars = 0
        for ch in s {
            let n = ch.unicodeScalars.count
            if characters == 40 || scalars + n > 80 { return out + "…" }
            out.append(ch)
            characters += 1
            scalars += n
        }
        return out
    }

    /// Whether a scalar is a control character (C0, DEL, C1) or a bidirectional formatting character
    /// (the embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069, the marks U+200E,
    /// U+200F and U+061C): text that can move a terminal's cursor or reorder what is shown around it.
    public static func isControlOrBidi(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x00..<0x20, 0x7F...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: return true
        default: return false
        }
    }
}

extension Result {
    /// The value when it succeeded.
    public var successValue: Success? {
        if case .success(let v) = self { return v }
        return nil
    }
}
