import CeledgerDomain
import Foundation

/// A record card's number as the ledger keeps it (table `card`).
public struct IssuedCard: Sendable, Hashable {
    /// "JX-2024-000123".
    public let number: String
    /// When it was first issued: UTC, ISO 8601.
    public let issuedAt: String
    /// The local day it was first issued, printed on the card.
    public let issuedOn: Day
    public let issuedBy: String
    /// True when the same content had been issued before: the number is the one it got then.
    public let reprint: Bool
    public init(number: String, issuedAt: String, issuedOn: Day, issuedBy: String, reprint: Bool) {
        self.number = number
        self.issuedAt = issuedAt
        self.issuedOn = issuedOn
        self.issuedBy = issuedBy
        self.reprint = reprint
    }
}

/// What a record card is made from, read in one transaction so that it is one consistent moment of the
/// ledger: the person, and for each year the rule set that judges it and the person's records ending in it.
public struct CardSource: Sendable {
    public struct Year: Sendable {
        public let year: Int
        public let ruleSet: RuleSet
        public let records: [StoredRecord]
        public init(year: Int, ruleSet: RuleSet, records: [StoredRecord]) {
            self.year = year
            self.ruleSet = ruleSet
            self.records = records
        }
    }
    public let person: StoredPerson
    public let years: [Year]
    public init(person: StoredPerson, years: [Year]) {
        self.person = person
        self.years = years
    }
}
