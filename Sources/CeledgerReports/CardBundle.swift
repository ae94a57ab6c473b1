import CeledgerDomain

/// A record card packed with its proof files, for a title committee that wants the card and what it
/// rests on in one file: `学时证明-姓名-年度.html` (the A4 page) and `证明材料/E12-文件名` for each proof, every
/// proof checked against the SHA-256 the card prints before it is packed. The CLI (`card --bundle`) and
/// the terminal UI (`P` on a person) write the same entries.
public enum CardBundle {
    public struct Proof: Sendable {
        public let number: String
        public let name: String
        public let sha256: String
        public let bytes: [UInt8]
        public init(number: String, name: String, sha256: String, bytes: [UInt8]) {
            self.number = number
            self.name = name
            self.sha256 = sha256
            self.bytes = bytes
        }
    }

    /// A proof whose bytes no longer match the digest the ledger keeps: the bundle is not written.
    public struct Mismatch: Error, Sendable {
        public let number: String
        public var message: Message {
            Message(
                zh: "证明材料 \(number) 的内容与其 SHA-256 不符：请运行 celedger check",
                en: "proof \(number) does not match its SHA-256: run celedger check")
        }
    }

    /// Every proof's bytes against its digest: checked before a certificate number is used up.
    public static func check(_ proofs: [Proof]) throws(Mismatch) {
        if let bad = proofs.first(where: { SHA256.hex($0.bytes) != $0.sha256 }) { throw Mismatch(number: bad.number) }
    }

    /// The zip's entries, in order: the card, then each proof (checked again).
    public static func entries(
        card: RecordCard, issue: CardIssue, lang: Lang, proofs: [Proof]
    ) throws(Mismatch) -> [(name: String, bytes: [UInt8])] {
        let years = card.firstYear == card.lastYear ? "\(card.firstYear)" : "\(card.firstYear)-\(card.lastYear)"
        let person = card.person.name
        var out: [(name: String, bytes: [UInt8])] = [
            (
                (lang == .zh ? "学时证明" : "card") + "-\(person)-\(years).html",
                Array(CardHTML.render(card, issue: issue, lang: lang).utf8)
            )
        ]
        try check(proofs)
        for p in proofs {
            out.append(((lang == .zh ? "证明材料" : "proof") + "/\(p.number)-\(p.name)", p.bytes))
        }
        return out
    }
}
