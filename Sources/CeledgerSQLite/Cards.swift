import CeledgerDomain
import CeledgerLedger
import Foundation
internal import GRDB

extension SQLiteLedger {
    /// The prefix of every certificate number: Jiangxi (江西).
    public static let cardPrefix = IssuedCard.jiangxiPrefix

    /// The number for a card with this content: the one it already has when the same content (same person,
    /// years, issuer and content fingerprint) was issued before, else the next free number of the issue
    /// year, `<prefix>-<year>-<six digits>`, kept with who issued it and when. One transaction; numbers
    /// are unique in the ledger (the table's UNIQUE constraint guards against two processes at once).
    public func issueCard(
        personRowID: Int64, firstYear: Int, lastYear: Int, issuer: String, digest: String, by actor: String,
        now: Date = Date(), timeZone: TimeZone = .current, prefix: String = SQLiteLedger.cardPrefix
    ) throws(LedgerError) -> IssuedCard {
        guard firstYear <= lastYear else {
            throw LedgerError.yearsReversed
        }
        let stamp = SQLiteLedger.timestamp(now)
        do {
            return try db.writeWithoutTransaction { db in
                var issued: IssuedCard!
                try db.inTransaction(.immediate) {
                    // Issuing is a write of the acting clerk's (any role) in the units they reach.
                    let clerk = try gate(db, .enter)
                    if let unit = try String.fetchOne(db, sql: "SELECT unit FROM person WHERE id = ?", arguments: [personRowID]) {
                        try SQLiteLedger.reach(clerk, unit: unit)
                    }
                    if let row = try Row.fetchOne(
                        db,
                        sql: """
                            SELECT number, issued_at, issued_by FROM card
                            WHERE person_id = ? AND first_year = ? AND last_year = ? AND issuer = ? AND digest = ?
                            ORDER BY id LIMIT 1
                            """, arguments: [personRowID, firstYear, lastYear, issuer, digest])
                    {
                        let at: String = row["issued_at"]
                        issued = IssuedCard(
                            number: row["number"], issuedAt: at,
                            issuedOn: SQLiteLedger.localDay(at, timeZone) ?? SQLiteLedger.localDay(now, timeZone),
                            issuedBy: row["issued_by"], reprint: true)
                        return .commit
                    }
                    guard
                        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM person WHERE id = ?)", arguments: [personRowID])
                            == true
                    else {
                        throw LedgerError.gone
                    }
                    let day = SQLiteLedger.localDay(now, timeZone)
                    let head = "\(prefix)-\(day.year)-"
                    // The highest sequence of the year so far (numbers of other shapes are ignored).
                    let numbers = try String.fetchAll(
                        db, sql: "SELECT number FROM card WHERE number LIKE ? ESCAPE '\\'",
                        arguments: [SQLiteLedger.escapeLike(head) + "%"])
                    let last = numbers.compactMap { Int($0.dropFirst(head.count)) }.max() ?? 0
                    var seq = String(last + 1)
                    if seq.count < 6 { seq = String(repeating: "0", count: 6 - seq.count) + seq }
                    let number = head + seq
                    try db.execute(
                        sql: """
                            INSERT INTO card (number, person_id, first_year, last_year, issuer, digest, issued_at, issued_by)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [number, personRowID, firstYear, lastYear, issuer, digest, stamp, decider(clerk, actor)])
                    issued = IssuedCard(
                        number: number, issuedAt: stamp, issuedOn: day, issuedBy: decider(clerk, actor), reprint: false)
                    return .commit
                }
                return issued
            }
        } catch {
            throw LedgerError.from(error, path: path)
        }
    }

    /// The cards issued for a person, oldest first.
    public func cards(
        personRowID: Int64, timeZone: TimeZone = .current
    ) throws(LedgerError) -> [(card: IssuedCard, firstYear: Int, lastYear: Int, issuer: String, digest: String)] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT number, first_year, last_year, issuer, digest, issued_at, issued_by FROM card WHERE person_id = ? ORDER BY id
                    """, arguments: [personRowID]
            ).map { row in
                let at: String = row["issued_at"]
                return (
                    IssuedCard(
                        number: row["number"], issuedAt: at,
                        issuedOn: SQLiteLedger.localDay(at, timeZone) ?? Day.firstOf(year: 1970),
                        issuedBy: row["issued_by"], reprint: true),
                    row["first_year"], row["last_year"], row["issuer"], row["digest"]
                )
            }
        }
    }

    /// UTC, second precision, ISO 8601: as every timestamp in the ledger.
    static func timestamp(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }

    static func localDay(_ date: Date, _ zone: TimeZone) -> Day {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return Day(year: c.year!, month: c.month!, day: c.day!)!
    }

    static func localDay(_ timestamp: String, _ zone: TimeZone) -> Day? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: timestamp).map { localDay($0, zone) }
    }
}

extension SQLiteLedger {
    /// The person and their records for each year of `years`; nil when the person is not in the ledger.
    public func cardSource(personRowID: Int64, years: ClosedRange<Int>) throws(LedgerError) -> CardSource? {
        var sets: [Int: RuleSet] = [:]
        for y in years {
            guard let set = rules.ruleSet(for: y) else { throw LedgerError.noRules(year: y) }
            sets[y] = set
        }
        return try read { db in
            try requireReach(db, personRowID: personRowID)
            guard let p = try Row.fetchOne(db, sql: "SELECT * FROM person WHERE id = ?", arguments: [personRowID]) else {
                return nil
            }
            let person = SQLiteLedger.person(from: p)
            let years = try years.map { y in
                CardSource.Year(
                    year: y, ruleSet: sets[y]!,
                    records: try Row.fetchAll(
                        db,
                        sql: """
                            SELECT * FROM record WHERE person_id = ? AND year = ? ORDER BY start_date, end_date, id
                            """, arguments: [personRowID, y]
                    ).map { StoredRecord(row: $0, personID: person.id) })
            }
            return CardSource(person: StoredPerson(row: p), years: years)
        }
    }
}
