import CeledgerDomain

/// A record card (继续教育学时证明): what one person's continuing education was in one or more years, as
/// the ledger proves it. A value: built from the person, their records and the rule sets in force, then
/// rendered as text or HTML. Its `digest` fingerprints everything the card says except when it was issued
/// and its number, so that printing the same content again gives the same certificate number.
public struct RecordCard: Sendable, Hashable {
    public let person: Person
    /// The issuing unit (出具单位): by default the person's unit.
    public let issuer: String
    /// One entry a year, in order.
    public let years: [CardYear]
    /// The proof kept with the card's records (issue 19), each by its file's name and SHA-256, in the
    /// card's order: what an application attaches, and what the digest lets a reader check.
    public var proof: [CardProof] = []

    public init(person: Person, issuer: String, years: [CardYear], proof: [CardProof] = []) {
        precondition(!years.isEmpty, "a card covers at least one year")
        self.person = person
        self.issuer = issuer
        self.years = years
        self.proof = proof
    }

    public var firstYear: Int { years.first!.year }
    public var lastYear: Int { years.last!.year }

    /// The years as title applications read them: each year's totals (nil when the person was not in post).
    public var window: WindowResult {
        WindowResult(years: years.map { ($0.year, $0.required ? $0.totals : nil) })
    }

    /// The rule sets the card's years were judged by, each once, in order.
    public var ruleSets: [RuleSet] {
        var seen = Set<String>()
        return years.compactMap { seen.insert($0.ruleSet.id).inserted ? $0.ruleSet : nil }
    }

    /// The records of one year as the card needs them.
    public struct YearInput: Sendable {
        public let year: Int
        public let ruleSet: RuleSet
        /// The person's records ending in the year, with their ledger row ids (the caps' order).
        public let records: [(rowID: Int64, record: Record)]
        public init(year: Int, ruleSet: RuleSet, records: [(rowID: Int64, record: Record)]) {
            self.year = year
            self.ruleSet = ruleSet
            self.records = records
        }
    }

    /// Builds the card. Each year's totals are `AnnualTotals.evaluate`, the one definition every report
    /// uses; the records that count are listed with the hours they add after the caps, the others apart
    /// with the reason they add nothing.
    /// `proof`: each record's proof files (name, SHA-256), by row id; listed on the card after the years.
    public static func build(
        person: Person, issuer: String, years: [YearInput], proof: [Int64: [(name: String, sha256: String)]] = [:]
    ) -> RecordCard {
        var listed: [CardProof] = []
        for input in years {
            let records = input.records.filter { $0.record.year == input.year }
                .sorted {
                    ($0.record.startDate, $0.record.endDate, $0.rowID) < ($1.record.startDate, $1.record.endDate, $1.rowID)
                }
            for (rowID, r) in records {
                for f in proof[rowID] ?? [] {
                    listed.append(
                        CardProof(
                            year: input.year, title: r.title, startDate: r.startDate, endDate: r.endDate, name: f.name,
                            sha256: f.sha256))
                }
            }
        }
        var card = make(person: person, issuer: issuer, years: years)
        card.proof = listed
        return card
    }

    static func make(person: Person, issuer: String, years: [YearInput]) -> RecordCard {
        RecordCard(
            person: person, issuer: issuer,
            years: years.map { input in
                let records = input.records.filter { $0.record.year == input.year }
                    .sorted {
                        ($0.record.startDate, $0.record.endDate, $0.rowID) < ($1.record.startDate, $1.record.endDate, $1.rowID)
                    }
                let result = AnnualTotals.evaluate(year: input.year, records: records, rules: input.ruleSet)
                var trimmedBy: [Int64: Hours] = [:]
                for t in result.trims { trimmedBy[t.recordID, default: .zero] += t.hours }
                var counted: [CardLine] = [], others: [CardLine] = []
                var item: [Int64: Int] = [:]
                for (rowID, r) in records {
                    switch r.contribution {
                    case .counts(let h):
                        let cut = trimmedBy[rowID] ?? .zero
                        counted.append(CardLine(record: r, countedHours: h - cut, trimmedHours: cut, notCounted: nil))
                        item[rowID] = counted.count
                    case .none(let why):
                        others.append(CardLine(record: r, countedHours: nil, trimmedHours: .zero, notCounted: why))
                    }
                }
                // The trims by cap, in the order the caps first trimmed, naming the card's item numbers.
                var trims: [CardTrim] = []
                for t in result.trims {
                    guard let cap = input.ruleSet.cap(id: t.capID), let n = item[t.recordID] else { continue }
                    if let i = trims.firstIndex(where: { $0.cap.id == cap.id }) {
                        trims[i].items.append(CardTrim.Item(item: n, hours: t.hours))
                    } else {
                        trims.append(CardTrim(cap: cap, items: [CardTrim.Item(item: n, hours: t.hours)]))
                    }
                }
                return CardYear(
                    year: input.year, ruleSet: input.ruleSet, required: person.isActive(in: input.year),
                    totals: result.totals, counted: counted, notCounted: others, trims: trims)
            })
    }

    // MARK: fingerprint

    /// Everything the card says, in a fixed language-neutral form (keys, ISO dates, tenths), each value
    /// length-prefixed so that no text can imitate a separator. The issue date and number are left out.
    public var canonical: String {
        var lines: [String] = ["celedger-card 1"]
        func line(_ tag: String, _ values: [String]) {
            lines.append(tag + " " + values.map { "\($0.utf8.count):\($0)" }.joined(separator: " "))
        }
        let p = person
        line(
            "person",
            [
                p.id.value, p.name, p.gender.rawValue, p.birthDate.iso, p.unit, p.department, p.title,
                p.titleLevel?.rawValue ?? "", p.specialty, p.status.rawValue, p.statusDate?.iso ?? "",
            ])
        line("issuer", [issuer])
        for y in years {
            let t = y.totals
            line(
                "year",
                [
                    String(y.year), y.ruleSet.id, y.ruleSet.name.zh, y.ruleSet.name.en, String(t.requiredHours.tenths),
                    String(t.requiredProfessionalHours.tenths), t.thresholds.publicHours.map { String($0.tenths) } ?? "",
                    y.required ? "required" : "not_required", String(t.publicHours.tenths), String(t.professionalHours.tenths),
                    String(t.trimmedHours.tenths),
                ])
            for (i, l) in y.counted.enumerated() {
                let r = l.record
                line(
                    "counted",
                    [
                        String(i + 1), r.mode.rawValue, r.category.rawValue, r.title, r.provider, r.startDate.iso, r.endDate.iso,
                        r.assessment.rawValue, r.score ?? "", String(r.claimedHours.tenths),
                        String(r.recognizedHours?.tenths ?? 0), String(l.countedHours?.tenths ?? 0),
                        String(l.trimmedHours.tenths), r.certificateNo,
                    ])
            }
            for (i, l) in y.notCounted.enumerated() {
                let r = l.record
                line(
                    "not_counted",
                    [
                        String(i + 1), r.mode.rawValue, r.category.rawValue, r.title, r.provider, r.startDate.iso,
                        r.endDate.iso, r.assessment.rawValue, r.score ?? "", String(r.claimedHours.tenths),
                        r.recognition.rawValue, l.notCounted?.rawValue ?? "", r.recognitionNote, r.certificateNo,
                    ])
            }
            for t in y.trims {
                line(
                    "trim",
                    [t.cap.id, t.cap.mode?.rawValue ?? "", t.cap.category?.rawValue ?? "", String(t.cap.maxHours.value.tenths)]
                        + t.items.map { "\($0.item)=\($0.hours.tenths)" })
            }
        }
        // Proof only when there is some: a card without proof keeps the fingerprint it always had.
        for f in proof {
            line("proof", [String(f.year), f.title, f.startDate.iso, f.endDate.iso, f.name, f.sha256])
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// SHA-256 of `canonical`, 64 hex digits: what the ledger keeps with the certificate number.
    public var digest: String { SHA256.hex(canonical) }
}

/// A proof file listed on a card: its record (year, content, dates), its name and its SHA-256.
public struct CardProof: Sendable, Hashable {
    public let year: Int
    public let title: String
    public let startDate: Day
    public let endDate: Day
    public let name: String
    public let sha256: String
    public init(year: Int, title: String, startDate: Day, endDate: Day, name: String, sha256: String) {
        self.year = year
        self.title = title
        self.startDate = startDate
        self.endDate = endDate
        self.name = name
        self.sha256 = sha256
    }
}

/// One year of a card.
public struct CardYear: Sendable, Hashable {
    public let year: Int
    /// The rule set in force in the year, named on the card.
    public let ruleSet: RuleSet
    /// The person was in post in the year, so the requirement applied.
    public let required: Bool
    public let totals: AnnualTotals
    /// Records that count, numbered from 1 on the card.
    public let counted: [CardLine]
    /// Pending, rejected and failed records: listed apart, adding no hours.
    public let notCounted: [CardLine]
    public let trims: [CardTrim]

    public init(
        year: Int, ruleSet: RuleSet, required: Bool, totals: AnnualTotals, counted: [CardLine], notCounted: [CardLine],
        trims: [CardTrim]
    ) {
        self.year = year
        self.ruleSet = ruleSet
        self.required = required
        self.totals = totals
        self.counted = counted
        self.notCounted = notCounted
        self.trims = trims
    }
}

/// One activity on a card.
public struct CardLine: Sendable, Hashable {
    public let record: Record
    /// What the record adds to its year after the caps; nil when it adds nothing.
    public let countedHours: Hours?
    /// What a per-year cap kept from counting.
    public let trimmedHours: Hours
    /// Why the record adds nothing (pending, rejected, failed).
    public let notCounted: Record.NotCounted?
}

/// A cap that trimmed hours in a year, and from which of the card's items.
public struct CardTrim: Sendable, Hashable {
    public struct Item: Sendable, Hashable {
        /// The item's number in the year's list of counted records.
        public let item: Int
        public let hours: Hours
    }
    public let cap: YearCap
    public var items: [Item]
    public var hours: Hours { items.reduce(.zero) { $0 + $1.hours } }
}

/// When and by whom a card was issued, and its number. A draft has no number.
public struct CardIssue: Sendable, Hashable {
    /// The certificate number (JX-2024-000123); nil for a draft.
    public let number: String?
    /// The day the number was first issued (a reprint shows the original date).
    public let issuedOn: Day
    /// The day of this printing, shown when it is not the issue day.
    public let printedOn: Day
    /// Who issued it (the clerk), as the ledger records it.
    public let issuedBy: String
    /// The ledger's history chain when the card was printed (its entries and head), so that a history
    /// rewritten later is caught against the paper; nil prints nothing.
    public let history: HistoryHead?

    public init(number: String?, issuedOn: Day, printedOn: Day, issuedBy: String, history: HistoryHead? = nil) {
        self.number = number
        self.issuedOn = issuedOn
        self.printedOn = printedOn
        self.issuedBy = issuedBy
        self.history = history
    }

    public static func draft(on day: Day, by who: String, history: HistoryHead? = nil) -> CardIssue {
        CardIssue(number: nil, issuedOn: day, printedOn: day, issuedBy: who, history: history)
    }
}
