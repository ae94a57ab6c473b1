import CeledgerDomain
import CeledgerLedger

// What the SQLite ledger has and a server ledger does not yet: clerks (on a server they are to be login roles,
// docs/postgresql.md). Reads answer truthfully (a server ledger has no clerks); writes refuse in the clerk's
// words, changing nothing.
extension PostgresLedger {
    public func clerks() throws(LedgerError) -> [Clerk] { [] }
    public func actingClerk() throws(LedgerError) -> Clerk? { nil }

    public func addClerk(name: String, role: ClerkRole, units: [String]) throws(LedgerError) -> Clerk {
        throw .notOnThisLedger(
            what: Message(zh: "经办人（服务器上的经办人将是数据库登录角色）", en: "keep clerks (on a server they are to be login roles)"))
    }
    public func changeClerk(name: String, role: ClerkRole?, units: [String]?) throws(LedgerError) -> Clerk {
        throw .notOnThisLedger(
            what: Message(zh: "经办人（服务器上的经办人将是数据库登录角色）", en: "keep clerks (on a server they are to be login roles)"))
    }
    public func removeClerk(name: String) throws(LedgerError) {
        throw .notOnThisLedger(
            what: Message(zh: "经办人（服务器上的经办人将是数据库登录角色）", en: "keep clerks (on a server they are to be login roles)"))
    }
}
