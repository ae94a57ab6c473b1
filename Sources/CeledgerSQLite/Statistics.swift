import CeledgerDomain
import CeledgerLedger
import Foundation
internal import GRDB

extension SQLiteLedger {
    /// The statistics of a year: every person active in it (only those of `unit` when given) with the
    /// hours that count after the caps, evaluated from the records by the domain, never summed in SQL.
    public func statistics(year: Int, unit: String? = nil) throws(LedgerError) -> YearStatistics {
        guard let set = rules.ruleSet(for: year) else { throw LedgerError.noRules(year: year) }
        var stats = YearStatistics(year: year, unit: unit, ruleSet: set)
        var filter = ""
        var args: [String: DatabaseValueConvertible?] = [:]
        if let unit {
            filter = " AND p.unit = :unit"
            args["unit"] = unit
        }
        try read { db in
            try evaluateYear(db, year: year, filter: filter + (try unitLimitSQL(db)), arguments: args) { row, result in
                stats.add(unit: row["unit"], department: row["department"], titleLevel: row["title_level"] ?? "", result)
            }
        }
        return stats
    }
}
