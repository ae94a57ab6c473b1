import CeledgerDomain
import CeledgerLedger
import Foundation
internal import GRDB

/// Clerks, their roles and units, and the versions that keep one clerk's save from overwriting another's.
/// Enforced here, in the ledger, because every entry point (the CLI, the terminal UI, imports, class
/// registration, review, undo) passes through it; on a file-based ledger that guards against mistakes, not
/// against someone with the file and sqlite3 (docs/reliability.md).
extension SQLiteLedger {
    // MARK: Reading clerks

    static func clerks(_ db: Database) throws -> [Clerk] {
        let units = Dictionary(
            grouping: try Row.fetchAll(db, sql: "SELECT clerk_id, unit FROM clerk_unit ORDER BY unit"),
            by: { $0["clerk_id"] as Int64 }
        ).mapValues { $0.map { $0["unit"] as String } }
        return try Row.fetchAll(db, sql: "SELECT * FROM clerk ORDER BY name").map { r in
            Clerk(
                name: r["name"], role: ClerkRole(rawValue: r["role"]) ?? .recorder, units: units[r["id"]] ?? [],
                createdAt: r["created_at"], createdBy: r["created_by"], removedAt: r["removed_at"], removedBy: r["removed_by"])
        }
    }

    static func clerk(named name: String, _ db: Database) throws -> Clerk? {
        try clerks(db).first { $0.name == name }
    }

    public func clerks() throws(LedgerError) -> [Clerk] {
        try read { db in try SQLiteLedger.clerks(db) }
    }

    public func actingClerk() throws(LedgerError) -> Clerk? {
        try read { db in try SQLiteLedger.clerk(named: actor, db) }
    }

    // MARK: The gate every write passes

    /// The clerk a write is made by, checked for `action` inside the write's transaction: nil when the ledger
    /// has no clerks (open to whoever opens it). A name that is no clerk, a removed clerk, or a role that does
    /// not allow the action is refused before anything is written.
    func gate(_ db: Database, _ action: ClerkAction) throws -> Clerk? {
        guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM clerk)") == true else { return nil }
        guard let clerk = try SQLiteLedger.clerk(named: actor, db) else { throw LedgerError.notAClerk(name: actor) }
        guard clerk.isActive else { throw LedgerError.clerkRemoved(name: actor) }
        guard clerk.role.allows(action) else {
            throw LedgerError.roleForbids(name: clerk.name, role: clerk.role, action: action)
        }
        return clerk
    }

    /// Refuses a person of a unit the clerk does not reach.
    static func reach(_ clerk: Clerk?, unit: String) throws {
        if let clerk, !clerk.reaches(unit: unit) { throw LedgerError.outsideUnits(name: clerk.name, unit: unit) }
    }

    /// " AND p.unit IN (…)": the condition every read of persons adds for a clerk with units (they reach
    /// only those units' persons: lists, search, a person, their records and history, cards, review,
    /// statistics, reports, exports); "" for everyone else. The names are quoted as SQL literals.
    func unitLimitSQL(_ db: Database, _ alias: String = "p") throws -> String {
        guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM clerk_unit)") == true,
            let c = try SQLiteLedger.clerk(named: actor, db), !c.units.isEmpty
        else { return "" }
        let list = c.units.map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" }.joined(separator: ", ")
        return " AND \(alias).unit IN (\(list))"
    }

    /// The units the acting clerk reaches, nil when they reach every unit (the same rule as `unitLimitSQL`),
    /// for reads that find units by seeks instead of one statement.
    func reachableUnits(_ db: Database) throws -> Set<String>? {
        guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM clerk_unit)") == true,
            let c = try SQLiteLedger.clerk(named: actor, db), !c.units.isEmpty
        else { return nil }
        return Set(c.units)
    }

    func unitLimitSQL(_ alias: String = "p") throws(LedgerError) -> String {
        try read { db in try unitLimitSQL(db, alias) }
    }

    /// Refuses a read of a person the acting clerk does not reach (`.outsideUnits`); nil when the person
    /// is not in the ledger.
    func requireReach(_ db: Database, personRowID: Int64) throws {
        guard try !unitLimitSQL(db).isEmpty,
            let unit = try String.fetchOne(db, sql: "SELECT unit FROM person WHERE id = ?", arguments: [personRowID])
        else { return }
        try SQLiteLedger.reach(try SQLiteLedger.clerk(named: actor, db), unit: unit)
    }

    /// The name decisions are recorded under: the acting clerk's in a ledger with clerks (nobody decides in
    /// another's name), else what the caller says.
    func decider(_ clerk: Clerk?, _ given: String) -> String { clerk?.name ?? given }

    // MARK: Versions

    /// Refuses a save read at `expected` when the row is at another version (or gone), with the history that
    /// says who changed what and when. nil `expected` checks nothing but presence (`.gone`).
    func checkVersion(_ db: Database, _ entity: HistoryEntry.Entity, rowID: Int64, expected: Int64?) throws {
        let current = try Int64.fetchOne(db, sql: "SELECT version FROM \(entity.rawValue) WHERE id = ?", arguments: [rowID])
        guard let expected else {
            if current == nil { throw LedgerError.gone }
            return
        }
        if current == expected { return }
        throw LedgerError.changedMeanwhile(
            try SQLiteLedger.concurrentChange(db, entity, rowID: rowID, expected: expected, current: current))
    }

    /// What happened to a row since version `expected`: each update moves the version by one and writes one
    /// history entry, so the entries since are the row's last `current - expected` updates; a deleted row's is
    /// its deletion.
    static func concurrentChange(
        _ db: Database, _ entity: HistoryEntry.Entity, rowID: Int64, expected: Int64, current: Int64?
    ) throws -> ConcurrentChange {
        let rows: [Row]
        if let current {
            let n = max(0, current - expected)
            let idNumber: String? =
                entity == .person
                ? try String.fetchOne(db, sql: "SELECT id_number FROM person WHERE id = ?", arguments: [rowID])
                : try String.fetchOne(
                    db, sql: "SELECT p.id_number FROM record r JOIN person p ON p.id = r.person_id WHERE r.id = ?",
                    arguments: [rowID])
            rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM history WHERE id_number = ? AND entity = ? AND entity_id = ? AND action = 'update'
                    ORDER BY id DESC LIMIT ?
                    """, arguments: [idNumber ?? "", entity.rawValue, rowID, n])
        } else {
            rows = try Row.fetchAll(
                db,
                sql: "SELECT * FROM history WHERE entity = ? AND entity_id = ? AND action = 'delete' ORDER BY id DESC LIMIT 1",
                arguments: [entity.rawValue, rowID])
        }
        let entries = rows.reversed().map { r in
            HistoryEntry(
                id: r["id"], at: r["at"], actor: r["actor"], action: HistoryEntry.Action(rawValue: r["action"])!,
                entity: entity, entityID: rowID, idNumber: r["id_number"],
                old: HistoryEntry.values(fromJSON: r["old_values"]), new: HistoryEntry.values(fromJSON: r["new_values"]))
        }
        return ConcurrentChange(entity: entity, rowID: rowID, expected: expected, current: current, entries: entries)
    }

    /// Who entered a record and who last changed its content; for a record written before v7 (no
    /// entered_by), the actor of its insert in the history.
    static func authors(_ db: Database, recordID: Int64) throws -> (entered: String?, changed: String?) {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT r.entered_by, r.changed_by, p.id_number FROM record r JOIN person p ON p.id = r.person_id
                    WHERE r.id = ?
                    """, arguments: [recordID])
        else { return (nil, nil) }
        if let e: String = row["entered_by"] { return (e, row["changed_by"]) }
        let inserted = try String.fetchOne(
            db,
            sql: """
                SELECT actor FROM history WHERE id_number = ? AND entity = 'record' AND entity_id = ? AND action = 'insert'
                ORDER BY id DESC LIMIT 1
                """, arguments: [row["id_number"] as String, recordID])
        return (inserted, row["changed_by"])
    }

    // MARK: Managing clerks

    static func validName(_ name: String) throws -> String {
        let n = name.trimmingCharacters(in: .whitespaces)
        if n.isEmpty || n.unicodeScalars.contains(where: Message.isControlOrBidi) { throw LedgerError.badClerkName }
        return n
    }

    func logClerk(_ db: Database, _ action: String, _ c: Clerk, now: String) throws {
        try db.execute(
            sql: "INSERT INTO clerk_log (at, actor, action, name, role, units) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [now, actor, action, c.name, c.role.rawValue, c.units.joined(separator: "\n")])
    }

    static func cleanUnits(_ units: [String]) -> [String] {
        Array(Set(units.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })).sorted()
    }

    public func addClerk(name: String, role: ClerkRole, units: [String]) throws(LedgerError) -> Clerk {
        let now = SQLiteLedger.now()
        return try write { db in
            let name = try SQLiteLedger.validName(name)
            let units = SQLiteLedger.cleanUnits(units)
            let first = try Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM clerk)") == true
            if first {
                // The first clerk opens the ledger's clerks: an admin, so somebody can manage them after.
                guard role == .admin else { throw LedgerError.firstClerkMustBeAdmin }
            } else {
                _ = try gate(db, .manageClerks)
            }
            if try SQLiteLedger.clerk(named: name, db) != nil { throw LedgerError.clerkExists(name: name) }
            try db.execute(
                sql: "INSERT INTO clerk (name, role, created_at, created_by) VALUES (?, ?, ?, ?)",
                arguments: [name, role.rawValue, now, actor])
            let id = db.lastInsertedRowID
            for u in units {
                try db.execute(sql: "INSERT INTO clerk_unit (clerk_id, unit) VALUES (?, ?)", arguments: [id, u])
            }
            let c = Clerk(name: name, role: role, units: units, createdAt: now, createdBy: actor)
            try logClerk(db, "add", c, now: now)
            return c
        }
    }

    public func changeClerk(name: String, role: ClerkRole?, units: [String]?) throws(LedgerError) -> Clerk {
        let now = SQLiteLedger.now()
        return try write { db in
            _ = try gate(db, .manageClerks)
            guard let old = try SQLiteLedger.clerk(named: name, db), old.isActive else {
                throw LedgerError.noSuchClerk(name: name)
            }
            let role = role ?? old.role
            if old.role == .admin && role != .admin { try SQLiteLedger.keepAnAdmin(db, besides: name) }
            let units = units.map(SQLiteLedger.cleanUnits) ?? old.units
            try db.execute(sql: "UPDATE clerk SET role = ? WHERE name = ?", arguments: [role.rawValue, name])
            let id = try Int64.fetchOne(db, sql: "SELECT id FROM clerk WHERE name = ?", arguments: [name])!
            try db.execute(sql: "DELETE FROM clerk_unit WHERE clerk_id = ?", arguments: [id])
            for u in units {
                try db.execute(sql: "INSERT INTO clerk_unit (clerk_id, unit) VALUES (?, ?)", arguments: [id, u])
            }
            let c = Clerk(
                name: name, role: role, units: units, createdAt: old.createdAt, createdBy: old.createdBy)
            try logClerk(db, "change", c, now: now)
            return c
        }
    }

    public func removeClerk(name: String) throws(LedgerError) {
        let now = SQLiteLedger.now()
        try write { db in
            _ = try gate(db, .manageClerks)
            guard let old = try SQLiteLedger.clerk(named: name, db), old.isActive else {
                throw LedgerError.noSuchClerk(name: name)
            }
            if old.role == .admin { try SQLiteLedger.keepAnAdmin(db, besides: name) }
            try db.execute(
                sql: "UPDATE clerk SET removed_at = ?, removed_by = ? WHERE name = ?", arguments: [now, actor, name])
            try logClerk(db, "remove", old, now: now)
        }
    }

    /// Refuses a change that would leave the ledger's clerks without an active admin.
    static func keepAnAdmin(_ db: Database, besides name: String) throws {
        let others = try Int.fetchOne(
            db, sql: "SELECT count(*) FROM clerk WHERE role = 'admin' AND removed_at IS NULL AND name <> ?", arguments: [name])
        if others == 0 { throw LedgerError.lastAdmin(name: name) }
    }
}
