import CeledgerLedger

/// The SQLite ledger is what screens and commands see through the ledger protocols; the members are defined
/// beside the SQL that serves them (Browse, Edit, Cards, Statistics, Audit, Search).
extension SQLiteLedger: LedgerWriter {}
