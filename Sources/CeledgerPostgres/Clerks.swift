import CeledgerDomain
import CeledgerLedger

/// Clerks on a server: each is an existing login role (`db_role`), and the connecting role is the clerk
/// (pg6, `PostgresSchema.v6`). The checks here give the clerk's own words before anything is written;
/// the server's grants, policies and triggers hold the same lines for every other statement (psql).
extension PostgresLedger {
    // MARK: Reading clerks

    func readClerks() throws(PGFailure) -> [Clerk] {
        var units: [Int64: [String]] = [:]
        for r in try exec("SELECT clerk_id, unit FROM clerk_unit ORDER BY unit").rows {
            units[r.int64(0), default: []].append(r.text(1))
        }
        return try exec("SELECT id, name, role, created_at, created_by, removed_at, removed_by FROM clerk ORDER BY name").rows.map
        {
            r in
            Clerk(
                name: r.text(1), role: ClerkRole(rawValue: r.text(2)) ?? .recorder, units: units[r.int64(0)] ?? [],
                createdAt: r.text(3), createdBy: r.text(4), removedAt: r[5], removedBy: r[6])
        }
    }

    /// The active clerk of the session's login role, nil when there is none.
    func sessionClerk() throws(PGFailure) -> Clerk? {
        guard let name = try exec("SELECT name FROM celedger_session_clerk()").first?[0] else { return nil }
        return try readClerks().first { $0.name == name }
    }

    public func clerks() throws(LedgerError) -> [Clerk] {
        try read { () throws in try readClerks() }
    }

    public func actingClerk() throws(LedgerError) -> Clerk? {
        try read { () throws in try sessionClerk() }
    }

    /// Each clerk's login role, by clerk name (the clerk list shows it on a server).
    public func clerkLoginRoles() throws(LedgerError) -> [String: String] {
        try read { () throws in
            Dictionary(
                try exec("SELECT name, db_role FROM clerk").rows.map { ($0.text(0), $0.text(1)) }, uniquingKeysWith: { a, _ in a }
            )
        }
    }

    /// The login role this ledger is connected as.
    func sessionUser() throws(PGFailure) -> String { try exec("SELECT session_user::text").first?.text(0) ?? "" }

    // MARK: The gate

    /// The clerk a write is made by, checked for `action` inside the write's transaction: nil when the ledger
    /// has no clerks or the session is the ledger's owner without a clerk of its own (who set the ledger up
    /// and could alter its tables anyway). A login role that is no clerk, a removed clerk's, or a role that
    /// does not allow the action is refused before anything is written.
    func gate(_ action: ClerkAction) throws -> Clerk? {
        guard try exec("SELECT EXISTS (SELECT 1 FROM clerk)").first?[0] == "t" else { return nil }
        if let c = try sessionClerk() {
            guard c.role.allows(action) else { throw LedgerError.roleForbids(name: c.name, role: c.role, action: action) }
            return c
        }
        if try exec("SELECT celedger_is_owner()").first?[0] == "t" { return nil }
        let login = try sessionUser()
        if let removed = try exec("SELECT name FROM clerk WHERE db_role = $1 ORDER BY id DESC LIMIT 1", [login]).first?[0] {
            throw LedgerError.clerkRemoved(name: removed)
        }
        throw LedgerError.loginRoleNotAClerk(role: login)
    }

    /// Refuses a person of a unit the clerk does not reach (the policy's WITH CHECK would refuse it too,
    /// without saying which unit).
    static func reach(_ clerk: Clerk?, unit: String) throws {
        if let clerk, !clerk.reaches(unit: unit) { throw LedgerError.outsideUnits(name: clerk.name, unit: unit) }
    }

    /// Whether the session is limited to some units (the policies then hide the others' rows).
    func limitedToUnits() throws(PGFailure) -> Bool {
        try exec("SELECT celedger_units() IS NOT NULL").first?[0] == "t"
    }

    /// The clerk's words for what the server's pg6 checks refused, else nil (`LedgerError.from` then).
    /// Asked after the transaction rolled back, on the same connection.
    func clerkRefusal(_ f: PGFailure) -> LedgerError? {
        switch f.sqlState {
        case PostgresSchema.notAClerkState, PostgresSchema.removedClerkState, "42501", PostgresSchema.roleState,
            PostgresSchema.manageClerksState:
            break
        case PostgresSchema.ownEntryState:
            return .ownEntries(count: 1)
        default:
            return nil
        }
        guard let clerk = try? sessionClerk() else {
            guard let login = try? sessionUser() else { return nil }
            if f.sqlState == "42501", (try? exec("SELECT celedger_is_owner()").first?[0]) == "t" { return nil }
            if let removed = try? exec("SELECT name FROM clerk WHERE db_role = $1 ORDER BY id DESC LIMIT 1", [login]).first?[0] {
                return .clerkRemoved(name: removed)
            }
            return .loginRoleNotAClerk(role: login)
        }
        switch f.sqlState {
        case PostgresSchema.roleState: return .roleForbids(name: clerk.name, role: clerk.role, action: .decide)
        case PostgresSchema.manageClerksState: return .roleForbids(name: clerk.name, role: clerk.role, action: .manageClerks)
        default: return .serverRefused(name: clerk.name)
        }
    }

    /// Whether `clerk` entered the record or last changed its content (for a record from before pg4, the
    /// actor of its insert in the history).
    func ownEntry(_ recordID: Int64, of clerk: Clerk) throws(PGFailure) -> Bool {
        guard
            let row = try exec(
                """
                SELECT coalesce(r.entered_by, (SELECT h.actor FROM history h WHERE h.entity = 'record' AND h.entity_id = r.id
                    AND h.action = 'insert' ORDER BY h.id DESC LIMIT 1)), r.changed_by
                FROM record r WHERE r.id = $1
                """, [String(recordID)]
            ).first
        else { return false }
        return row[0] == clerk.name || row[1] == clerk.name
    }

    // MARK: Managing clerks

    /// A clerk on a server is a login role: `addClerk(name:role:units:dbRole:)`.
    public func addClerk(name: String, role: ClerkRole, units: [String]) throws(LedgerError) -> Clerk {
        throw .clerkNeedsLoginRole
    }

    static func validName(_ name: String) throws(LedgerError) -> String {
        let n = name.trimmingCharacters(in: .whitespaces)
        if n.isEmpty || n.unicodeScalars.contains(where: Message.isControlOrBidi) { throw .badClerkName }
        return n
    }

    static func cleanUnits(_ units: [String]) -> [String] {
        Array(Set(units.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })).sorted()
    }

    func logClerk(_ action: String, _ c: Clerk, login: String, by: String, now: String) throws(PGFailure) {
        try exec(
            "INSERT INTO clerk_log (at, actor, action, name, role, units, db_role) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            [now, by, action, c.name, c.role.rawValue, c.units.joined(separator: "\n"), login])
    }

    func setUnits(clerkID: Int64, _ units: [String]) throws(PGFailure) {
        try exec("DELETE FROM clerk_unit WHERE clerk_id = $1", [String(clerkID)])
        try exec(
            "INSERT INTO clerk_unit (clerk_id, unit) SELECT $1, u FROM unnest($2::text[]) AS u",
            [String(clerkID), PostgresLedger.textArray(units)])
    }

    /// Adds a clerk as the existing login role `dbRole` and grants that role what the clerk's role needs on
    /// this ledger's tables, in one transaction. The first clerk must be an admin, added by the ledger's
    /// owner; after that only an admin adds clerks. A unit clerk's login role must not be the owner or a
    /// superuser: they are not held by row-level security.
    public func addClerk(name: String, role: ClerkRole, units: [String], dbRole: String) throws(LedgerError) -> Clerk {
        let now = PostgresLedger.now()
        let name = try PostgresLedger.validName(name)
        let units = PostgresLedger.cleanUnits(units)
        let login = dbRole.trimmingCharacters(in: .whitespaces)
        return try write { () throws in
            let first = try exec("SELECT NOT EXISTS (SELECT 1 FROM clerk)").first?[0] == "t"
            if first {
                guard role == .admin else { throw LedgerError.firstClerkMustBeAdmin }
                guard try exec("SELECT celedger_is_owner()").first?[0] == "t" else {
                    throw LedgerError.loginRoleNotAClerk(role: try sessionUser())
                }
            } else {
                _ = try gate(.manageClerks)
            }
            let by = try exec("SELECT celedger_actor()").first?.text(0) ?? actor
            if try exec("SELECT 1 FROM clerk WHERE name = $1", [name]).first != nil { throw LedgerError.clerkExists(name: name) }
            guard let can = try exec("SELECT rolcanlogin, rolsuper FROM pg_roles WHERE rolname = $1", [login]).first,
                can[0] == "t"
            else { throw LedgerError.noSuchLoginRole(role: login) }
            if let other = try exec("SELECT name FROM clerk WHERE db_role = $1 AND removed_at IS NULL", [login]).first?[0] {
                throw LedgerError.loginRoleTaken(role: login, clerk: other)
            }
            if !units.isEmpty {
                let owner =
                    try exec(
                        "SELECT $1::text = ANY (SELECT r.rolname FROM pg_roles r WHERE r.rolsuper OR pg_has_role(r.oid, (SELECT relowner FROM pg_class WHERE oid = 'schema_version'::regclass), 'MEMBER'))",
                        [login]
                    ).first?[0] == "t"
                if owner { throw LedgerError.ownerSeesEverything(role: login) }
            }
            let id = try exec(
                "INSERT INTO clerk (name, role, db_role, created_at, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                [name, role.rawValue, login, now, by]
            ).first!.int64(0)
            try setUnits(clerkID: id, units)
            try exec("SELECT celedger_grant_clerk($1, $2)", [login, role.rawValue])
            let c = Clerk(name: name, role: role, units: units, createdAt: now, createdBy: by)
            try logClerk("add", c, login: login, by: by, now: now)
            return c
        }
    }

    public func changeClerk(name: String, role: ClerkRole?, units: [String]?) throws(LedgerError) -> Clerk {
        let now = PostgresLedger.now()
        return try write { () throws in
            _ = try gate(.manageClerks)
            let by = try exec("SELECT celedger_actor()").first?.text(0) ?? actor
            guard let old = try readClerks().first(where: { $0.name == name && $0.isActive }),
                let row = try exec("SELECT id, db_role FROM clerk WHERE name = $1", [name]).first
            else { throw LedgerError.noSuchClerk(name: name) }
            let role = role ?? old.role
            if old.role == .admin && role != .admin { try keepAnAdmin(besides: name) }
            let units = units.map(PostgresLedger.cleanUnits) ?? old.units
            let login = row.text(1)
            try exec("UPDATE clerk SET role = $1 WHERE id = $2", [role.rawValue, row.text(0)])
            try setUnits(clerkID: row.int64(0), units)
            try exec("SELECT celedger_grant_clerk($1, $2)", [login, role.rawValue])
            let c = Clerk(name: name, role: role, units: units, createdAt: old.createdAt, createdBy: old.createdBy)
            try logClerk("change", c, login: login, by: by, now: now)
            return c
        }
    }

    /// Removes a clerk softly (the history keeps the name) and revokes its login role's rights on this
    /// ledger; the login role itself is the server administrator's to drop.
    public func removeClerk(name: String) throws(LedgerError) {
        let now = PostgresLedger.now()
        try write { () throws in
            _ = try gate(.manageClerks)
            let by = try exec("SELECT celedger_actor()").first?.text(0) ?? actor
            guard let old = try readClerks().first(where: { $0.name == name && $0.isActive }),
                let login = try exec("SELECT db_role FROM clerk WHERE name = $1", [name]).first?.text(0)
            else { throw LedgerError.noSuchClerk(name: name) }
            if old.role == .admin { try keepAnAdmin(besides: name) }
            try exec("UPDATE clerk SET removed_at = $1, removed_by = $2 WHERE name = $3", [now, by, name])
            try exec("SELECT celedger_grant_clerk($1, NULL)", [login])
            try logClerk("remove", old, login: login, by: by, now: now)
        }
    }

    /// Refuses a change that would leave the ledger's clerks without an active admin.
    func keepAnAdmin(besides name: String) throws {
        let others =
            try exec("SELECT count(*) FROM clerk WHERE role = 'admin' AND removed_at IS NULL AND name <> $1", [name]).first?.int(
                0)
            ?? 0
        if others == 0 { throw LedgerError.lastAdmin(name: name) }
    }
}
