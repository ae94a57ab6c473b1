/// The head of the history's hash chain: how many entries it links and the newest link. Printed on
/// cards and reports, so that a history rewritten as a whole is still caught against paper.
public struct HistoryHead: Sendable, Hashable {
    public let entries: Int
    /// 64 lower-case hex digits.
    public let digest: String
    public init(entries: Int, digest: String) {
        self.entries = entries
        self.digest = digest
    }
    /// The first 16 hex digits: what paper carries.
    public var short: String { String(digest.prefix(16)) }
    /// "共 1234 条 · 哈希链 0123456789abcdef" / "1234 entries · chain 0123456789abcdef".
    public var line: Message {
        Message(zh: "共 \(entries) 条 · 哈希链 \(short)", en: "\(entries) entries · chain \(short)")
    }
}
