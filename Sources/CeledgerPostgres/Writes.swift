import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import Foundation

/// The writer's calls, each one transaction (`write`) with the same semantics as the SQLite ledger's
/// (Sources/CeledgerSQLite/Edit.swift, ClassRegistration.swift, Undo.swift, Cards.swift, Settings.swift).
extension PostgresLedger: LedgerWriter {
    static let recordColumns = """
        person_id, mode, category, title, provider, start_date, end_date, year, assessment, score,
        claimed_tenths, recognized_tenths, recognition, certificate_no, note, recognition_note, reviewed_by, reviewed_at,
        basis, quantity, role, suggested_tenths, created_at, updated_at
        """
    static let insertRecordSQL = """
        INSERT INTO record (\(recordColumns))
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $23)
        """

    /// The 23 parameters of `insertRecordSQL`.
    static func insertParameters(
        _ r: CeledgerDomain.Record, person: Int64, reviewer: String?, reviewedAt: String?, now: String
    ) -> [String?] {
        [
            String(person), r.mode.rawValue, r.category.rawValue, r.title, r.provider, r.startDate.iso, r.endDate.iso,
            String(r.year), r.assessment.rawValue, r.score, String(r.claimedHours.tenths),
            r.recognizedHours.map { String($0.tenths) }, r.recognition.rawValue, r.certificateNo, r.note, r.recognitionNote,
            reviewer, reviewedAt, r.basis, r.quantity.map(String.init), r.role.rawValue,
            r.suggestedHours.map { String($0.tenths) }, now,
        ]
    }

    /// A record's content as the UPDATE of an edit or an undo sets it: $1…$18.
    static func contentParameters(_ r: CeledgerDomain.Record) -> [String?] {
        [
            r.mode.rawValue, r.category.rawValue, r.title, r.provider, r.startDate.iso, r.endDate.iso, String(r.year),
            r.assessment.rawValue, r.score, String(r.claimedHours.tenths), r.recognizedHours.map { String($0.tenths) },
            r.recognition.rawValue, r.recognitionNote, r.certificateNo, r.note, r.basis, r.quantity.map(String.init),
            r.role.rawValue,
        ] + [r.suggestedHours.map { String($0.tenths) }]
    }

    static let contentAssignments = """
        mode = $1, category = $2, title = $3, provider = $4, start_date = $5, end_date = $6, year = $7::int,
        assessment = $8, score = $9, claimed_tenths = $10::int, recognized_tenths = $11::int, recognition = $12,
        recognition_note = $13, certificate_no = $14, note = $15, basis = $16, quantity = $17::int, role = $18,
        suggested_tenths = $19::int
        """

    // MARK: Persons

    public func addPerson(_ p: Person) throws(LedgerError) -> Int64 {
        let now = PostgresLedger.now()
        let initials = pinyin.initials(of: p.name)
        let key = pinyin.nameKey(of: p.name)
        return try write { () throws in
            try PostgresLedger.reach(try gate(.enter), unit: p.unit)
            if try exec("SELECT id FROM person WHERE id_number = $1", [p.id.value]).first != nil {
                throw LedgerError.duplicatePerson(maskedID: p.id.masked)
            }
            do {
                return try exec(
                    """
                    INSERT INTO person (id_number, name, name_initials, gender, birth_date, unit, department, title, title_level,
                        specialty, status, status_date, category, created_at, updated_at, name_key)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15) RETURNING id
                    """, PostgresLedger.personParameters(p, initials: initials) + [now, key]
                ).first!.int64(0)
            } catch let f as PGFailure where f.sqlState == "23505" {
                // Another clerk added the same ID number a moment before.
                throw LedgerError.duplicatePerson(maskedID: p.id.masked)
            }
        }
    }

    static func personParameters(_ p: Person, initials: String) -> [String?] {
        [
            p.id.value, p.name, initials, p.gender.rawValue, p.birthDate.iso, p.unit, p.department, p.title,
            p.titleLevel?.rawValue, p.specialty, p.status.rawValue, p.statusDate?.iso, p.category.rawValue,
        ]
    }

    public func updatePerson(rowID: Int64, _ p: Person, expected version: Int64?) throws(LedgerError) {
        let now = PostgresLedger.now()
        let initials = pinyin.initials(of: p.name)
        try write { () throws in
            try PostgresLedger.reach(try gate(.enter), unit: p.unit)
            try checkVersion(.person, rowID: rowID, expected: version)
            if let other = try exec("SELECT id FROM person WHERE id_number = $1", [p.id.value]).first?.int64(0), other != rowID {
                throw LedgerError.duplicatePerson(maskedID: p.id.masked)
            }
            let changed = try exec(
                """
                UPDATE person SET id_number = $1, name = $2, name_initials = $3, gender = $4, birth_date = $5, unit = $6,
                    department = $7, title = $8, title_level = $9, specialty = $10, status = $11, status_date = $12,
                    category = $13, updated_at = $14, name_key = $16, version = version + 1
                WHERE id = $15
                """, PostgresLedger.personParameters(p, initials: initials) + [now, String(rowID), pinyin.nameKey(of: p.name)]
            ).changed
            if changed == 0 { throw LedgerError.gone }
        }
    }

    public func deletePerson(rowID: Int64, expected version: Int64?) throws(LedgerError) {
        try write { () throws in
            try checkVersion(.person, rowID: rowID, expected: version)
            let n = try exec("SELECT count(*) FROM record WHERE person_id = $1", [String(rowID)]).first?.int(0) ?? 0
            if n > 0 { throw LedgerError.personHasRecords(count: n) }
            if try exec("DELETE FROM person WHERE id = $1", [String(rowID)]).changed == 0 { throw LedgerError.gone }
        }
    }

    // MARK: Records

    public func addRecord(_ r: CeledgerDomain.Record, personRowID: Int64, reviewer: String) throws(LedgerError) -> Int64 {
        let now = PostgresLedger.now()
        let pending = r.recognition == .pending
        return try write { () throws in
            guard try exec("SELECT 1 FROM person WHERE id = $1", [String(personRowID)]).first != nil else {
                throw try personGone(personRowID)
            }
            return try exec(
                PostgresLedger.insertRecordSQL + " RETURNING id",
                PostgresLedger.insertParameters(
                    r, person: personRowID, reviewer: pending ? nil : reviewer, reviewedAt: pending ? nil : now, now: now)
            ).first!.int64(0)
        }
    }

    public func addRecords(
        _ r: CeledgerDomain.Record, personRowIDs: [Int64], reviewer: String
    ) throws(LedgerError)
        -> BatchResult
    {
        let now = PostgresLedger.now()
        let pending = r.recognition == .pending
        return try write { () throws in
            var added: [Int64] = [], duplicates: [Int64] = []
            var seen = Set<Int64>()
            for person in personRowIDs where seen.insert(person).inserted {
                guard try exec("SELECT 1 FROM person WHERE id = $1", [String(person)]).first != nil else {
                    throw try personGone(person)
                }
                let n = try exec(
                    PostgresLedger.insertRecordSQL + " ON CONFLICT ON CONSTRAINT record_activity DO NOTHING",
                    PostgresLedger.insertParameters(
                        r, person: person, reviewer: pending ? nil : reviewer, reviewedAt: pending ? nil : now, now: now)
                ).changed
                if n > 0 { added.append(person) } else { duplicates.append(person) }
            }
            return BatchResult(added: added, duplicates: duplicates)
        }
    }

    public func updateRecord(
        rowID: Int64, _ r: CeledgerDomain.Record, reviewer: String, expected version: Int64?
    ) throws(LedgerError) {
        let now = PostgresLedger.now()
        try write { () throws in
            // Recognised meanwhile: the lock is the reason that matters (reopen first), before the version.
            try refuseLocked(rowID)
            try checkVersion(.record, rowID: rowID, expected: version)
            let changed = try exec(
                """
                UPDATE record SET \(PostgresLedger.contentAssignments),
                    reviewed_by = CASE WHEN recognition <> $12 THEN $20 ELSE reviewed_by END,
                    reviewed_at = CASE WHEN recognition <> $12 THEN $21 ELSE reviewed_at END,
                    updated_at = $21, changed_by = celedger_actor(), version = version + 1
                WHERE id = $22
                """, PostgresLedger.contentParameters(r) + [reviewer, now, String(rowID)]
            ).changed
            if changed == 0 { throw LedgerError.gone }
        }
    }

    public func deleteRecord(rowID: Int64, expected version: Int64?) throws(LedgerError) {
        try write { () throws in
            try refuseLocked(rowID)
            try checkVersion(.record, rowID: rowID, expected: version)
            if try exec("DELETE FROM record WHERE id = $1", [String(rowID)]).changed == 0 { throw LedgerError.gone }
        }
    }

    public func decideRecognition(
        rowIDs: [Int64], to recognition: Recognition, reason: String, reviewer: String, expected versions: [Int64: Int64]
    ) throws(LedgerError) -> RecognitionOutcome {
        if recognition == .rejected && reason.trimmedField.isEmpty { throw LedgerError.rejectionNeedsReason }
        if recognition == .pending { throw LedgerError.pendingNeedsReopen }
        let now = PostgresLedger.now()
        let note = reason.trimmedField
        let sql =
            recognition == .recognized
            ? """
            UPDATE record SET recognition = 'recognized',
                recognized_tenths = COALESCE(recognized_tenths, suggested_tenths, claimed_tenths),
                recognition_note = CASE WHEN $1 = '' AND recognition = 'pending' THEN recognition_note ELSE $1 END,
                reviewed_by = $2, reviewed_at = $3, updated_at = $3, version = version + 1
            WHERE id = $4 AND recognition <> 'recognized'
            """
            : """
            UPDATE record SET recognition = 'rejected', recognized_tenths = NULL,
                recognition_note = $1, reviewed_by = $2, reviewed_at = $3, updated_at = $3, version = version + 1
            WHERE id = $4 AND recognition <> 'recognized'
            """
        let today = Day.today()
        return try write { () throws in
            let clerk = try gate(.decide)
            // Nothing is recognised before it ends (`Plausibility`, issue 19): such a batch is refused whole,
            // as on SQLite, so that the reviewer sees the dates rather than a batch half decided.
            if recognition == .recognized {
                let ends = try exec(
                    "SELECT end_date FROM record WHERE id = ANY($1::bigint[]) AND recognition = 'pending'",
                    [PostgresLedger.array(rowIDs)]
                ).rows.compactMap { $0[0].flatMap { Day.parse($0).successValue } }
                let late = ends.filter { $0 > today }
                if let last = late.max() { throw LedgerError.notEnded(count: late.count, lastEnd: last) }
            }
            var outcome = RecognitionOutcome()
            for id in rowIDs {
                // The state read under the row's lock: another reviewer's decision is seen, not overwritten.
                let row = try exec("SELECT recognition, version FROM record WHERE id = $1 FOR UPDATE", [String(id)]).first
                let own = try recognition == .recognized && row != nil && (clerk.map { try ownEntry(id, of: $0) } ?? false)
                switch row?[0] {
                case nil: outcome.gone += 1
                case Recognition.recognized.rawValue:
                    if recognition == .recognized { outcome.alreadyRecognized += 1 } else { outcome.locked += 1 }
                case _ where versions[id].map({ $0 != row!.int64(1) }) ?? false:
                    // Changed since it was shown: decided on what the reviewer saw, or not at all.
                    outcome.changedMeanwhile += 1
                case _ where own:
                    // Nobody recognises a record they entered or last changed (the server refuses it too).
                    outcome.ownEntries += 1
                default:
                    if try exec(sql, [note, clerk?.name ?? reviewer, now, String(id)]).changed > 0 {
                        outcome.changed += 1
                        outcome.changedRowIDs.append(id)
                    }
                }
            }
            return outcome
        }
    }

    public func reopen(rowIDs: [Int64], reason: String, reviewer: String) throws(LedgerError) -> Int {
        guard !reason.trimmedField.isEmpty else { throw LedgerError.reopenNeedsReason }
        let now = PostgresLedger.now()
        return try write { () throws in
            _ = try gate(.decide)
            var changed = 0
            for id in rowIDs {
                changed +=
                    try exec(
                        """
                        UPDATE record SET recognition = 'pending', recognition_note = $1, reviewed_by = $2, reviewed_at = $3,
                            updated_at = $3, version = version + 1
                        WHERE id = $4 AND recognition = 'recognized'
                        """, [reason.trimmedField, reviewer, now, String(id)]
                    ).changed
            }
            return changed
        }
    }

    public func revert(_ change: Undoable, reason: String, reviewer: String) throws(LedgerError) -> Int {
        let now = PostgresLedger.now()
        let reason = reason.trimmedField
        return try write { () throws in
            /// Reopens a recognised record (a reason needed); false when the record is gone.
            func unlock(_ id: Int64) throws -> Bool {
                guard let r = try exec("SELECT recognition FROM record WHERE id = $1 FOR UPDATE", [String(id)]).first?[0] else {
                    return false
                }
                if r == Recognition.recognized.rawValue {
                    guard !reason.isEmpty else { throw LedgerError.reopenNeedsReason }
                    try exec(
                        """
                        UPDATE record SET recognition = 'pending', recognition_note = $1, reviewed_by = $2, reviewed_at = $3,
                            updated_at = $3, version = version + 1 WHERE id = $4
                        """, [reason, reviewer, now, String(id)])
                }
                return true
            }
            func delete(_ id: Int64) throws -> Int {
                guard try unlock(id) else { return 0 }
                return try exec("DELETE FROM record WHERE id = $1", [String(id)]).changed
            }
            switch change {
            case .recordAdded(let id):
                let n = try delete(id)
                if n == 0 { throw LedgerError.gone }
                return n
            case .classAdded(let r, let persons):
                var n = 0
                for person in persons {
                    let id = try exec(
                        "SELECT id FROM record WHERE person_id = $1 AND mode = $2 AND title = $3 AND start_date = $4 AND end_date = $5",
                        [String(person), r.mode.rawValue, r.title, r.startDate.iso, r.endDate.iso]
                    ).first?.int64(0)
                    if let id { n += try delete(id) }
                }
                return n
            case .recordsChanged(let before, let versions):
                // Someone else's change since: refused before anything is put back (the clerk's own
                // entries since are later steps of their stack, undone already).
                for (id, v) in versions.sorted(by: { $0.key < $1.key }) where before[id] != nil {
                    let current = try exec("SELECT version FROM record WHERE id = $1 FOR UPDATE", [String(id)]).first?.int64(0)
                    guard current != v else { continue }
                    let c = try concurrentChange(.record, rowID: id, expected: v, current: current)
                    if current == nil || current! < v || c.entries.contains(where: { $0.actor != actor }) {
                        throw LedgerError.changedMeanwhile(c)
                    }
                }
                var n = 0
                for (id, r) in before.sorted(by: { $0.key < $1.key }) {
                    guard try unlock(id) else { throw LedgerError.gone }
                    let who: String? = r.recognition == .pending ? nil : reviewer
                    n +=
                        try exec(
                            """
                            UPDATE record SET \(PostgresLedger.contentAssignments),
                                reviewed_by = CASE WHEN $12 = 'pending' THEN NULL ELSE $20 END,
                                reviewed_at = CASE WHEN $12 = 'pending' THEN NULL ELSE $21 END,
                                updated_at = $21, changed_by = celedger_actor(), version = version + 1
                            WHERE id = $22
                            """, PostgresLedger.contentParameters(r) + [who, now, String(id)]
                        ).changed
                }
                return n
            case .recordDeleted(let r, let person):
                guard try exec("SELECT 1 FROM person WHERE id = $1", [String(person)]).first != nil else {
                    throw LedgerError.gone
                }
                let pending = r.recognition == .pending
                try exec(
                    PostgresLedger.insertRecordSQL,
                    PostgresLedger.insertParameters(
                        r, person: person, reviewer: pending ? nil : reviewer, reviewedAt: pending ? nil : now, now: now))
                return 1
            case .imported(let c):
                return try revertImport(c, reason: reason, reviewer: reviewer, now: now)
            case .personAdded, .personChanged, .personDeleted:
                // `undo` takes these through the writer's own person calls.
                throw LedgerError.gone
            }
        }
    }

    /// An import taken back inside `revert`'s transaction, set-wise (each step one statement over arrays of
    /// ids, whatever the import's size): its records deleted (recognised ones reopened first, with the
    /// reason), the persons it added deleted (refused, naming them, when they have records since), the
    /// persons it changed put back (refused, naming who changed what, when changed since). Sequence ids are
    /// never given twice, so the ids alone name the import's rows.
    func revertImport(_ c: ImportedChange, reason: String, reviewer: String, now: String) throws -> Int {
        var n = 0
        let records = PostgresLedger.array(c.addedRecords.all)
        if !c.addedRecords.isEmpty {
            let recognised =
                try exec(
                    """
                    SELECT count(*) FROM (SELECT id, recognition FROM record WHERE id = ANY($1::bigint[]) FOR UPDATE) r
                    WHERE recognition = 'recognized'
                    """, [records]
                ).first?.int(0) ?? 0
            if recognised > 0 {
                guard !reason.isEmpty else { throw LedgerError.reopenNeedsReason }
                try exec(
                    """
                    UPDATE record SET recognition = 'pending', recognition_note = $1, reviewed_by = $2, reviewed_at = $3,
                        updated_at = $3, version = version + 1
                    WHERE id = ANY($4::bigint[]) AND recognition = 'recognized'
                    """, [reason, reviewer, now, records])
            }
            n += try exec("DELETE FROM record WHERE id = ANY($1::bigint[])", [records]).changed
        }
        let added = PostgresLedger.array(c.addedPersons.all)
        if !c.addedPersons.isEmpty {
            if let row = try exec(
                """
                SELECT p.name, p.id_number, count(*), string_agg(DISTINCT coalesce(r.entered_by, r.changed_by), '、')
                FROM person p JOIN record r ON r.person_id = p.id
                WHERE p.id = ANY($1::bigint[]) GROUP BY p.id, p.name, p.id_number ORDER BY p.id LIMIT 1
                """, [added]
            ).first {
                throw LedgerError.importedPersonHasRecords(
                    name: row.text(0), maskedID: ResidentID.mask(row.text(1)), count: row.int(2), by: row[3])
            }
            for row in try exec(
                "SELECT id FROM person WHERE id = ANY($1::bigint[]) AND version <> 1 ORDER BY id FOR UPDATE", [added]
            ).rows {
                let id = row.int64(0)
                try checkVersion(.person, rowID: id, expected: c.changedPersons[id]?.version ?? 1)
            }
            n += try exec("DELETE FROM person WHERE id = ANY($1::bigint[])", [added]).changed
        }
        let changed = c.changedPersons.sorted { $0.key < $1.key }.filter { !c.addedPersons.contains($0.key) }
        if !changed.isEmpty {
            let ids = PostgresLedger.array(changed.map(\.key))
            let versions = PostgresLedger.array(changed.map(\.value.version))
            // Changed since the import: refused with who changed what (the first such person).
            if let row = try exec(
                """
                SELECT u.id, u.v FROM unnest($1::bigint[], $2::bigint[]) AS u(id, v)
                LEFT JOIN (SELECT id, version FROM person WHERE id = ANY($1::bigint[]) FOR UPDATE) p ON p.id = u.id
                WHERE p.version IS DISTINCT FROM u.v ORDER BY u.id LIMIT 1
                """, [ids, versions]
            ).first {
                try checkVersion(.person, rowID: row.int64(0), expected: row.int64(1))
            }
            // Each parameter of `personParameters` as one array: one UPDATE puts them all back.
            let columns = changed.map {
                PostgresLedger.personParameters($0.value.person, initials: pinyin.initials(of: $0.value.person.name))
            }
            let arrays = (0..<13).map { i in PostgresLedger.textArray(columns.map { $0[i] }) }
            let keys = PostgresLedger.textArray(changed.map { pinyin.nameKey(of: $0.value.person.name) })
            n +=
                try exec(
                    """
                    UPDATE person p SET id_number = u.a1, name = u.a2, name_initials = u.a3, gender = u.a4, birth_date = u.a5,
                        unit = u.a6, department = u.a7, title = u.a8, title_level = u.a9, specialty = u.a10, status = u.a11,
                        status_date = u.a12, category = u.a13, name_key = u.k, updated_at = $16, version = p.version + 1
                    FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                        $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])
                        AS u(id, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, k)
                    WHERE p.id = u.id
                    """, [ids] + arrays + [keys, now]
                ).changed
        }
        return n
    }

    // MARK: Cards and settings

    public func issueCard(
        personRowID: Int64, firstYear: Int, lastYear: Int, issuer: String, digest: String, by actor: String,
        now: Date, timeZone: TimeZone, prefix: String
    ) throws(LedgerError) -> IssuedCard {
        guard firstYear <= lastYear else { throw LedgerError.yearsReversed }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        let stamp = f.string(from: now)
        let day = PostgresLedger.localDay(now, timeZone)
        return try write { () throws in
            // One issuer at a time: the next number is read and taken under the same lock.
            // (Through the owner's function: a clerk may not lock the table, pg6.)
            try exec("SELECT celedger_lock_cards()")
            if let row = try exec(
                """
                SELECT number, issued_at, issued_by FROM card
                WHERE person_id = $1 AND first_year = $2 AND last_year = $3 AND issuer = $4 AND digest = $5
                ORDER BY id LIMIT 1
                """, [String(personRowID), String(firstYear), String(lastYear), issuer, digest]
            ).first {
                let at = row.text(1)
                return IssuedCard(
                    number: row.text(0), issuedAt: at,
                    issuedOn: f.date(from: at).map { PostgresLedger.localDay($0, timeZone) } ?? day, issuedBy: row.text(2),
                    reprint: true)
            }
            guard try exec("SELECT 1 FROM person WHERE id = $1", [String(personRowID)]).first != nil else {
                throw LedgerError.gone
            }
            let head = "\(prefix)-\(day.year)-"
            // Numbers are unique across units: the last is read past a unit clerk's row-level security.
            let last = try exec("SELECT celedger_card_last($1)", [head]).first?.int(0) ?? 0
            var seq = String(last + 1)
            if seq.count < 6 { seq = String(repeating: "0", count: 6 - seq.count) + seq }
            let number = head + seq
            // The issuer is the session's clerk when there is one (the server's trigger writes it).
            let issuedBy =
                try exec(
                    """
                    INSERT INTO card (number, person_id, first_year, last_year, issuer, digest, issued_at, issued_by)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING issued_by
                    """,
                    [number, String(personRowID), String(firstYear), String(lastYear), issuer, digest, stamp, actor]
                ).first?.text(0) ?? actor
            return IssuedCard(number: number, issuedAt: stamp, issuedOn: day, issuedBy: issuedBy, reprint: false)
        }
    }

    static func localDay(_ date: Date, _ zone: TimeZone) -> Day {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return Day(year: c.year!, month: c.month!, day: c.day!)!
    }

    public func setEmployer(_ name: String?) throws(LedgerError) {
        let value = name?.trimmedField ?? ""
        try write { () throws in
            _ = try gate(.changeSettings)
            if value.isEmpty {
                try exec("DELETE FROM setting WHERE key = 'employer'")
            } else {
                try exec(
                    "INSERT INTO setting (key, value) VALUES ('employer', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [value])
            }
        }
    }
}
