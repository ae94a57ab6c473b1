import CeledgerDomain
import CeledgerLedger
internal import GRDB

extension LedgerError {
    /// Maps SQLite's result codes to what a clerk can act on.
    static func from(_ error: Error, path: String) -> LedgerError {
        if let e = error as? LedgerError { return e }
        guard let db = error as? DatabaseError else {
            return .unexpected(path: path, detail: "\(error)")
        }
        if db.message?.contains(Schema.lockedMessage) == true { return .locked }
        switch db.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: return .busy(path: path)
        case .SQLITE_NOTADB: return .notALedger(path: path)
        case .SQLITE_CORRUPT: return .corrupt(path: path)
        case .SQLITE_READONLY: return .readOnly(path: path)
        case .SQLITE_FULL: return .diskFull(path: path)
        case .SQLITE_CANTOPEN: return .cannotOpen(path: path)
        default: return .database(path: path, detail: db.message ?? "\(db.resultCode)")
        }
    }
}
