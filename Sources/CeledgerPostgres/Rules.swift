import CeledgerDomain
import CeledgerLedger
import Foundation

/// A ledger's own rule sets on a server, as the SQLite ledger keeps them (Sources/CeledgerSQLite/Rules.swift):
/// the file's bytes in `rule_set` as they were given, a newer version replacing the current one of the
/// same id, a removal kept with who and when; the totals of every year the change re-judges recomputed
/// by the domain in the same transaction.
extension PostgresLedger {
    /// The ledger's own rule sets.
    public func ownRuleSets() throws(LedgerError) -> [OwnRuleSet] {
        try read { () throws in try storedRuleSets() }
    }

    /// Adds a rule set (a unit's own rules, or a newer version of one: same id replaces it) and recomputes
    /// the totals of every year it now judges, in one transaction. Returns the years recomputed.
    @discardableResult
    public func addRuleSet(_ data: Data, by actor: String) throws(LedgerError) -> [Int] {
        let set: RuleSet
        do {
            set = try RuleSet.decode(data)
        } catch {
            throw LedgerError.invalidRuleSet(at: error.path, error.message)
        }
        guard let json = String(data: data, encoding: .utf8) else { throw LedgerError.ruleFileNotUTF8 }
        return try changeRules { () throws in
            let now = PostgresLedger.now()
            try exec(
                "UPDATE rule_set SET removed_at = $1, removed_by = $2 WHERE id = $3 AND removed_at IS NULL", [now, actor, set.id])
            try exec("INSERT INTO rule_set (id, json, added_at, added_by) VALUES ($1, $2, $3, $4)", [set.id, json, now, actor])
        }
    }

    /// Removes one of the ledger's own rule sets (the removal is kept) and recomputes the years it judged.
    @discardableResult
    public func removeRuleSet(id: String, by actor: String) throws(LedgerError) -> [Int] {
        try changeRules { () throws in
            let n = try exec(
                "UPDATE rule_set SET removed_at = $1, removed_by = $2 WHERE id = $3 AND removed_at IS NULL",
                [PostgresLedger.now(), actor, id]
            ).changed
            if n == 0 { throw LedgerError.noOwnRuleSet(id: id) }
        }
    }

    /// The change, the rule book composed again from what the ledger now holds, and the years it judges
    /// differently forgotten, to be settled before the commit; the book as it was when anything fails.
    private func changeRules(_ change: () throws -> Void) throws(LedgerError) -> [Int] {
        let before = rules
        do {
            return try write { () throws -> [Int] in
                setRules(before)
                try change()
                setRules(composeRules(own: try storedRuleSets().map(\.set)))
                return try forgetStaleYears()
            }
        } catch {
            setRules(before)
            throw error
        }
    }
}
