import CeledgerInterchange
import CeledgerLedger

/// The SQLite ledger is what screens and commands see through the ledger protocols; the members are defined
/// beside the SQL that serves them (Browse, Edit, Cards, Statistics, Audit, Search, Import, ClassRegistration).
extension SQLiteLedger: LedgerWriter {}

/// Its imports (Import.swift, ClassRegistration.swift) are the protocol's: the TUI's import screen calls them.
extension SQLiteLedger: LedgerImporter {}
