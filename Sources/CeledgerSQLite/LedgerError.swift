import CeledgerDomain
internal import GRDB

/// Everything that can go wrong with the ledger, each with a one-line message in both languages.
public struct LedgerError: Error, Sendable, CustomStringConvertible {
    public let message: Message
    public init(_ message: Message) { self.message = message }
    public init(zh: String, en: String) { self.message = Message(zh: zh, en: en) }
    public var description: String { message.en }

    static func notALedger(_ path: String) -> LedgerError {
        LedgerError(zh: "\(path) 不是 celedger 登记簿（未做任何改动）", en: "\(path) is not a celedger ledger (left untouched)")
    }

    static func corrupt(_ path: String) -> LedgerError {
        LedgerError(zh: "\(path) 已损坏，无法读取（未做任何改动）", en: "\(path) is corrupt and cannot be read (left untouched)")
    }

    static func locked(_ path: String) -> LedgerError {
        LedgerError(zh: "登记簿 \(path) 正被另一个程序写入，等待后仍未释放；请稍后再试",
                    en: "the ledger \(path) is locked by another process and stayed locked; try again shortly")
    }

    /// A recognised record is locked; the database refuses to change it.
    public static let recordLocked = LedgerError(
        zh: "已认定的记录已锁定，不能修改或删除；如需更正，请先重新打开（须写明理由）",
        en: "a recognised record is locked and cannot be changed or deleted; reopen it first (with a reason) to correct it")

    static func readOnly(_ path: String) -> LedgerError {
        LedgerError(zh: "登记簿 \(path) 为只读，无法写入", en: "the ledger \(path) is read-only")
    }

    static func full(_ path: String) -> LedgerError {
        LedgerError(zh: "磁盘已满，无法写入 \(path)（登记簿未改动）", en: "the disk is full, cannot write \(path) (ledger unchanged)")
    }

    /// Maps SQLite's result codes to what a clerk can act on.
    static func from(_ error: Error, path: String) -> LedgerError {
        if let e = error as? LedgerError { return e }
        guard let db = error as? DatabaseError else {
            return LedgerError(zh: "\(path)：\(error)", en: "\(path): \(error)")
        }
        if db.message?.contains(Schema.lockedMessage) == true { return recordLocked }
        switch db.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: return locked(path)
        case .SQLITE_NOTADB: return notALedger(path)
        case .SQLITE_CORRUPT: return corrupt(path)
        case .SQLITE_READONLY: return readOnly(path)
        case .SQLITE_FULL: return full(path)
        case .SQLITE_CANTOPEN:
            return LedgerError(zh: "无法打开登记簿 \(path)", en: "cannot open the ledger \(path)")
        default:
            let detail = db.message ?? "\(db.resultCode)"
            return LedgerError(zh: "登记簿 \(path) 出错：\(detail)", en: "ledger \(path) error: \(detail)")
        }
    }
}
