import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import Foundation
internal import GRDB

extension SQLiteLedger {
    /// The columns the history keeps, as the v2 triggers write them.
    static let historyColumns: [HistoryEntry.Entity: [String]] = [
        .person: [
            "id_number", "name", "gender", "birth_date", "unit", "department", "title", "title_level", "specialty",
            "status", "status_date", "category",
        ],
        .record: [
            "mode", "category", "title", "provider", "start_date", "end_date", "assessment", "score", "claimed_tenths",
            "recognized_tenths", "recognition", "recognition_note", "reviewed_by", "certificate_no", "note", "basis",
            "quantity", "role", "suggested_tenths",
        ],
        // As the v8 triggers write them; the digest stands for the bytes.
        .evidence: ["record_id", "name", "size", "type", "sha256", "removed_reason"],
    ]

    /// A person's history (their own entries and their records'), oldest first. An insert's values are
    /// filled in from the entity's next change (its old values) or, when it never changed, its current row.
    public func history(idNumber: String) throws(LedgerError) -> [HistoryEntry] {
        try read { db in
            if try !unitLimitSQL(db).isEmpty {
                // A unit-limited clerk reads the history of their units' persons only (of one in the ledger).
                let unit = try String.fetchOne(db, sql: "SELECT unit FROM person WHERE id_number = ?", arguments: [idNumber])
                try SQLiteLedger.reach(try SQLiteLedger.clerk(named: actor, db), unit: unit ?? "")
            }
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM history WHERE id_number = ? ORDER BY id", arguments: [idNumber])
            var entries = rows.map { r in
                HistoryEntry(
                    id: r["id"], at: r["at"], actor: r["actor"], action: HistoryEntry.Action(rawValue: r["action"])!,
                    entity: HistoryEntry.Entity(rawValue: r["entity"])!, entityID: r["entity_id"], idNumber: r["id_number"],
                    old: HistoryEntry.values(fromJSON: r["old_values"]), new: HistoryEntry.values(fromJSON: r["new_values"]))
            }
            for i in entries.indices where entries[i].action == .insert && entries[i].new.isEmpty {
                let e = entries[i]
                var values = entries[(i + 1)...].first { $0.entity == e.entity && $0.entityID == e.entityID && !$0.old.isEmpty }?
                    .old
                if values == nil, let columns = SQLiteLedger.historyColumns[e.entity] {
                    let object = "json_object(" + columns.map { "'\($0)', \($0)" }.joined(separator: ", ") + ")"
                    values = HistoryEntry.values(
                        fromJSON:
                            try String.fetchOne(
                                db, sql: "SELECT \(object) FROM \(e.entity.rawValue) WHERE id = ?", arguments: [e.entityID]))
                }
                entries[i] = HistoryEntry(
                    id: e.id, at: e.at, actor: e.actor, action: e.action, entity: e.entity, entityID: e.entityID,
                    idNumber: e.idNumber, old: e.old, new: values ?? [:])
            }
            return entries
        }
    }

    /// Copies the ledger to a new file through SQLite's online backup API: consistent while the ledger is in
    /// use. The target must not exist; it is created owner-only.
    public func backup(to target: String) throws(LedgerError) {
        if FileManager.default.fileExists(atPath: target) {
            throw LedgerError.targetExists(path: target)
        }
        try SQLiteLedger.create(target)
        do {
            let copy = try DatabaseQueue(path: target)
            try db.backup(to: copy)
            // The backup API copies pages as they are, damaged ones too: the copy is checked before it is
            // called a backup (quick_check reads every page once; see docs/reliability.md for its cost).
            let sound = try copy.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") } == ["ok"]
            try copy.close()
            if !sound { throw LedgerError.damagedCopy(source: path, target: target) }
        } catch {
            try? FileManager.default.removeItem(atPath: target)
            if let e = error as? LedgerError { throw e }
            // The ledger read for the copy is the one that can be damaged.
            if case .corrupt = LedgerError.from(error, path: path) { throw LedgerError.damagedCopy(source: path, target: target) }
            throw LedgerError.from(error, path: target)
        }
    }

    /// Replaces the ledger's content with a backup's, in one step through the backup API. The caller
    /// confirms first and keeps a copy of the current ledger (`backup(to:)`).
    public func restore(from source: String) throws(LedgerError) {
        try SQLiteLedger.checkIsLedger(source)
        do {
            let src = try DatabaseQueue(path: source, configuration: SQLiteLedger.configuration(readonly: true))
            let (appID, migrations) = try src.read { db in
                (
                    try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0,
                    try Schema.migrator.appliedIdentifiers(db)
                )
            }
            guard appID == Schema.applicationID else { throw LedgerError.notALedger(path: source) }
            let known = Set(Schema.migrator.migrations)
            if !migrations.isSubset(of: known) {
                throw LedgerError.newerSchema(path: source)
            }
            try src.backup(to: db)
            try src.close()
            // A backup of an older schema is brought up to date at once.
            try Schema.migrator.migrate(db)
        } catch let e as LedgerError {
            throw e
        } catch {
            throw LedgerError.from(error, path: source)
        }
    }

    /// The stored totals against the domain's evaluation of the records, for every summarised year made
    /// by this program's rules.
    func checkSummary(_ db: Database, _ add: (CheckFinding.Severity, String, String, String) -> Void) throws {
        let stale = try staleYears(db)
        for year in stale.sorted() {
            add(
                .warning, "\(year)", "\(year)年的合计由其他规则算出，将在下次写入时重算",
                "the totals of \(year) were made under other rules; they are recomputed on the next write")
        }
        for year in try Int.fetchAll(db, sql: "SELECT year FROM summary_year ORDER BY year") where !stale.contains(year) {
            var stored: [Int64: [Int]] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT person_id, public_tenths, professional_tenths, total_tenths, trimmed_tenths, needed_tenths FROM person_year WHERE year = ?
                    """, arguments: [year])
            {
                stored[row[0]] = (1...5).map { row[$0] }
            }
            var mismatches = 0
            var first: String?
            try evaluateYear(db, year: year) { row, result in
                let personID: Int64 = row["id"], number: String = row["id_number"], totals = result.totals
                let expected = [
                    totals.publicHours.tenths, totals.professionalHours.tenths, totals.totalHours.tenths,
                    totals.trimmedHours.tenths, totals.hoursNeeded.tenths,
                ]
                if stored.removeValue(forKey: personID) != expected {
                    mismatches += 1
                    if first == nil { first = ResidentID.mask(number) }
                }
            }
            mismatches += stored.count
            let counts = try Row.fetchOne(
                db,
                sql: """
                    SELECT s.persons, s.met, (SELECT count(*) FROM person_year y WHERE y.year = s.year),
                           (SELECT count(*) FROM person_year y WHERE y.year = s.year AND \(SQLiteLedger.metSQL("y")))
                    FROM summary_year s WHERE s.year = ?
                    """, arguments: [year])!
            if counts[0] as Int != counts[2] as Int || counts[1] as Int != counts[3] as Int {
                add(
                    .error, "\(year)",
                    "\(year)年记下的人数（\(counts[0] as Int)人，达标\(counts[1] as Int)人）与合计不符（\(counts[2] as Int)人，达标\(counts[3] as Int)人）；运行 celedger init --recompute 重算",
                    "\(year): the counts kept (\(counts[0] as Int) persons, \(counts[1] as Int) met) disagree with the totals (\(counts[2] as Int), \(counts[3] as Int)); run celedger init --recompute to recompute"
                )
            }
            if mismatches > 0 {
                add(
                    .error, "\(year)", "\(year)年有\(mismatches)人的合计与记录不符（如 \(first ?? "?")）；运行 celedger init --recompute 重算",
                    "\(year): the stored totals of \(mismatches) persons disagree with their records (e.g. \(first ?? "?")); run celedger init --recompute to recompute"
                )
            }
        }
    }

    /// Checks the ledger: SQLite's integrity and foreign keys, then the domain's rules on every row, with
    /// `Plausibility` judged on `today` (nil: the local calendar day): rows that came in before the rules,
    /// or through `sqlite3`, are named with their person.
    public func check(today: Day? = nil, progress: ProgressHandler? = nil) throws(LedgerError) -> [CheckFinding] {
        let today = today ?? Day.today()
        // SQLite's integrity first, in a read of its own: damage can fail the end of the read too. Nothing
        // more is read from a damaged file: its rows are not all there to check.
        var findings: [CheckFinding] = []
        var damage: [String] = []
        do {
            damage = try db.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" } }
            for line in damage.prefix(20) {
                findings.append(
                    CheckFinding(
                        severity: .error, location: "ledger",
                        message: Message(zh: "SQLite 完整性检查：\(line)", en: "SQLite integrity check: \(line)"),
                        damagesFile: true))
            }
        } catch let e as DatabaseError where e.resultCode == .SQLITE_CORRUPT {
            damage = ["unreadable"]
            findings.append(
                CheckFinding(
                    severity: .error, location: "ledger",
                    message: Message(
                        zh: "SQLite 完整性检查：文件结构损坏，检查无法读完",
                        en: "SQLite integrity check: the file's structure is damaged past reading"),
                    damagesFile: true))
        } catch {
            throw LedgerError.from(error, path: path)
        }
        if !damage.isEmpty {
            findings.append(
                CheckFinding(
                    severity: .error, location: "ledger",
                    message: Message(
                        zh: "登记簿文件已损坏，其内容不可信；请从备份恢复：\(LedgerError.restoreCommand(path, zh: true))",
                        en:
                            "the ledger file is damaged and its content cannot be trusted; restore it from a backup: \(LedgerError.restoreCommand(path, zh: false))"
                    )))
            return findings
        }
        do {
            return try db.read { db in
                func add(_ s: CheckFinding.Severity, _ where_: String, _ zh: String, _ en: String) {
                    findings.append(CheckFinding(severity: s, location: where_, message: Message(zh: zh, en: en)))
                }
                for row in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") {
                    let table: String = row["table"], rowid: Int64? = row["rowid"]
                    add(.error, "\(table) \(rowid.map(String.init) ?? "?")", "引用了不存在的人员", "refers to a missing row")
                }
                let present = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'"))
                let missing = Schema.triggers.filter { !present.contains($0) }
                if !missing.isEmpty {
                    add(
                        .error, "ledger", "触发器缺失：\(missing.joined(separator: ", "))",
                        "triggers are missing: \(missing.joined(separator: ", "))")
                }
                let persons = try Row.fetchCursor(
                    db, sql: "SELECT id, id_number, name, gender, birth_date, status, status_date FROM person")
                while let p = try persons.next() {
                    let number: String = p["id_number"]
                    let at = RowChecks.personLocation(id: p["id"], name: p["name"], idNumber: number)
                    RowChecks.person(at: at, idNumber: number, gender: p["gender"], birthDate: p["birth_date"], add)
                }
                let records = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT r.id, r.start_date, r.end_date, r.year, r.recognition, r.recognized_tenths, r.recognition_note,
                               r.title, p.name, p.id_number, r.mode, r.category, r.claimed_tenths, r.suggested_tenths, r.basis
                        FROM record r LEFT JOIN person p ON p.id = r.person_id
                        """)
                var n = 0
                let book = rules
                while let r = try records.next() {
                    n += 1
                    if n % 65536 == 0 { progress?(n, nil) }
                    let at = RowChecks.recordLocation(id: r["id"], name: r["name"], idNumber: r["id_number"], title: r["title"])
                    let row = RowChecks.RecordRow(
                        idNumber: r["id_number"], mode: r["mode"], category: r["category"], title: r["title"],
                        startDate: r["start_date"], endDate: r["end_date"], year: r["year"], recognition: r["recognition"],
                        recognitionNote: r["recognition_note"], claimedTenths: r["claimed_tenths"],
                        recognizedTenths: r["recognized_tenths"], suggestedTenths: r["suggested_tenths"], basis: r["basis"])
                    RowChecks.record(at: at, row, today: today, rules: book, add)
                }
                let dups =
                    try Int.fetchOne(
                        db,
                        sql: """
                            SELECT count(*) FROM (SELECT 1 FROM record GROUP BY person_id, mode, title, start_date, end_date HAVING count(*) > 1)
                            """) ?? 0
                if dups > 0 { add(.error, "ledger", "有\(dups)组重复的活动", "\(dups) activities are registered twice") }
                try checkChain(db, progress: progress, add)
                try checkSummary(db, add)
                return findings
            }
        } catch {
            throw LedgerError.from(error, path: path)
        }
    }
}
