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
            try evaluateYear(db, year: year, filter: filter, arguments: args) { row, result in
                let key = YearStatistics.CellKey(
                    unit: row["unit"], department: row["department"], level: row["title_level"] ?? "")
                var c = stats.cells[key] ?? YearStatistics.Cell()
                c.persons += 1
                if result.totals.status == .met { c.met += 1 }
                c.hours += result.totals.totalHours
                var any = false
                var categories = Set<Category>()
                for (m, byCat) in result.counted {
                    var inMode = false
                    for (cat, h) in byCat where h != .zero {
                        c.counted[m, default: [:]][cat, default: .zero] += h
                        inMode = true
                        categories.insert(cat)
                    }
                    if inMode {
                        c.personsWithMode[m, default: 0] += 1
                        any = true
                    }
                }
                for cat in categories { c.personsWithCategory[cat, default: 0] += 1 }
                if any { c.personsWithHours += 1 }
                stats.cells[key] = c
            }
        }
        return stats
    }
}
