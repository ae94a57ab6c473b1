import CeledgerDomain
import CeledgerLedger
import Foundation
internal import GRDB

extension SQLiteLedger {
    static func ownRuleSets(_ db: Database) throws -> [OwnRuleSet] {
        try Row.fetchAll(
            db, sql: "SELECT id, json, added_at, added_by FROM rule_set WHERE removed_at IS NULL ORDER BY added_at, id"
        ).map { row in
            let json: String = row["json"]
            do {
                return OwnRuleSet(set: try RuleSet.decode(Data(json.utf8)), addedAt: row["added_at"], addedBy: row["added_by"])
            } catch let error as RuleSet.Problem {
                // Stored only after it decoded; a later program that reads it differently says so.
                throw LedgerError.unreadableStoredRuleSet(id: row["id"], at: error.path, error.message)
            }
        }
    }

    /// The ledger's own rule sets.
    public func ownRuleSets() throws(LedgerError) -> [OwnRuleSet] {
        try read { db in try SQLiteLedger.ownRuleSets(db) }
    }

    func composeRules(own: [RuleSet]) -> RuleBook {
        let ownIDs = Set(own.map(\.id))
        return RuleBook(shippedRules.filter { !ownIDs.contains($0.id) } + own)
    }

    /// Adds a rule set to the ledger (a unit's own rules, or a newer version of one: same id replaces it)
    /// and recomputes the totals of every year it now judges, in one transaction. `data` is the file's
    /// bytes, kept as they are. Returns the years whose totals were recomputed.
    @discardableResult
    public func addRuleSet(_ data: Data, by actor: String) throws(LedgerError) -> [Int] {
        let set: RuleSet
        do {
            set = try RuleSet.decode(data)
        } catch {
            throw LedgerError.invalidRuleSet(at: error.path, error.message)
        }
        guard let json = String(data: data, encoding: .utf8) else {
            throw LedgerError.ruleFileNotUTF8
        }
        return try changeRules(by: actor) { db, now in
            try db.execute(
                sql: "UPDATE rule_set SET removed_at = ?, removed_by = ? WHERE id = ? AND removed_at IS NULL",
                arguments: [now, actor, set.id])
            try db.execute(
                sql: "INSERT INTO rule_set (id, json, added_at, added_by) VALUES (?, ?, ?, ?)",
                arguments: [set.id, json, now, actor])
        }
    }

    /// Removes one of the ledger's own rule sets (the removal is kept) and recomputes the years it judged.
    @discardableResult
    public func removeRuleSet(id: String, by actor: String) throws(LedgerError) -> [Int] {
        try changeRules(by: actor) { db, now in
            try db.execute(
                sql: "UPDATE rule_set SET removed_at = ?, removed_by = ? WHERE id = ? AND removed_at IS NULL",
                arguments: [now, actor, id])
            if db.changesCount == 0 {
                throw LedgerError.noOwnRuleSet(id: id)
            }
        }
    }

    private func changeRules(by actor: String, _ change: (Database, String) throws -> Void) throws(LedgerError) -> [Int] {
        let before = rules
        do {
            return try write { db in
                _ = try gate(db, .manageRules)
                try change(db, SQLiteLedger.now())
                setRules(composeRules(own: try SQLiteLedger.ownRuleSets(db).map(\.set)))
                let stale = try staleYears(db).sorted()
                try refreshSummary(db)
                return stale
            }
        } catch {
            setRules(before)
            throw error
        }
    }
}
