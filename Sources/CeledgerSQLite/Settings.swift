import CeledgerDomain
import CeledgerLedger
internal import GRDB

extension SQLiteLedger {
    /// The ledger's own employer, set once (`celedger init --employer`, `celedger settings`, the interface);
    /// nil when not set.
    public func employer() throws(LedgerError) -> String? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'employer'")
        }.flatMap { $0.trimmedField.isEmpty ? nil : $0 }
    }

    /// Sets (or, with nil or blank, clears) the ledger's employer.
    public func setEmployer(_ name: String?) throws(LedgerError) {
        let value = name?.trimmedField ?? ""
        try write { db in
            _ = try gate(db, .changeSettings)
            if value.isEmpty {
                try db.execute(sql: "DELETE FROM setting WHERE key = 'employer'")
            } else {
                try db.execute(
                    sql:
                        "INSERT INTO setting (key, value) VALUES ('employer', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    arguments: [value])
            }
        }
    }
}
