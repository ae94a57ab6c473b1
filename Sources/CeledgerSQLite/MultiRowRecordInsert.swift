import CeledgerDomain
import CeledgerLedger
internal import GRDB
internal import GRDBSQLite

/// Records written many to a statement: one INSERT with a few dozen rows of VALUES, bound through
/// SQLite's C API. Per row, a statement of its own cost more than the row itself (resetting, building the
/// CHECK constraints' lists again, GRDB boxing each of 22 arguments). A duplicate (the same activity
/// already in the ledger, or earlier in the file) is still skipped by ON CONFLICT DO NOTHING; when a
/// batch writes fewer rows than it had, each row's fate is looked up, so that every duplicate is still
/// reported with its line.
struct MultiRowRecordInsert {
    static let size = 64
    private static let columns = """
        person_id, mode, category, title, provider, start_date, end_date, year, assessment,
        score, claimed_tenths, recognized_tenths, recognition, certificate_no, note, recognition_note,
        basis, quantity, role, suggested_tenths, created_at, updated_at, reviewed_by, reviewed_at, entered_by, changed_by
        """
    private static let bound = 22

    private let db: Database
    private let now: String
    /// The INSERT for each number of rows written so far (a full batch; one row for `RowWriter.insert`).
    private var prepared: [Int: Statement] = [:]
    private var rows: [(record: CeledgerDomain.Record, person: Int64, line: Int)] = []
    private let find: Statement
    private let highest: Statement

    init(db: Database, now: String) throws {
        self.db = db
        self.now = now
        find = try db.makeStatement(
            sql: "SELECT id FROM record WHERE person_id = ? AND mode = ? AND title = ? AND start_date = ? AND end_date = ?")
        highest = try db.makeStatement(sql: "SELECT max(id) FROM record")
        rows.reserveCapacity(MultiRowRecordInsert.size)
    }

    /// One row of VALUES is a plain insert. Several are a SELECT to SQLite, which keeps a statement
    /// journal for them, but once per batch and of the few existing pages it touches; an INSERT … SELECT
    /// of one row would pay that for every row (`RowWriter.insert` writes through a batch of one).
    static func sql(rows: Int) -> String {
        var values: [String] = []
        for k in 0..<rows {
            let b = k * bound
            let params = (1...bound).map { "?\(b + $0)" }.joined(separator: ", ")
            // A record that arrives decided was decided by whoever imports it, then.
            values.append(
                "(\(params), CASE WHEN ?\(b + 13) <> 'pending' THEN \(Schema.actorFunction)() END, CASE WHEN ?\(b + 13) <> 'pending' THEN ?\(b + 21) END, \(Schema.actorFunction)(), \(Schema.actorFunction)())"
            )
        }
        return
            "INSERT INTO record (\(columns)) VALUES \(values.joined(separator: ", ")) ON CONFLICT (person_id, mode, title, start_date, end_date) DO NOTHING"
    }

    /// What writing a batch found.
    struct Outcome {
        var inserted = 0
        /// Lines of the rows skipped as duplicates, in file order.
        var duplicateLines: [Int] = []
    }

    /// Adds a record; writes the batch when it is full.
    mutating func add(_ r: CeledgerDomain.Record, personRowID: Int64, line: Int) throws -> Outcome? {
        rows.append((r, personRowID, line))
        return rows.count == MultiRowRecordInsert.size ? try flush() : nil
    }

    /// Writes what is waiting.
    mutating func flush() throws -> Outcome {
        guard !rows.isEmpty else { return Outcome() }
        defer { rows.removeAll(keepingCapacity: true) }
        let statement: Statement
        if let known = prepared[rows.count] {
            statement = known
        } else {
            statement = try db.makeStatement(sql: MultiRowRecordInsert.sql(rows: rows.count))
            prepared[rows.count] = statement
        }
        // The rows this batch writes get ids above the highest now (ids only grow while the transaction
        // holds the lock).
        let first = (try Int64.fetchOne(highest) ?? 0) + 1
        let s = statement.sqliteStatement
        sqlite3_reset(s)
        for (k, row) in rows.enumerated() { bind(s, base: Int32(k * MultiRowRecordInsert.bound), row.record, row.person) }
        let code = sqlite3_step(s)
        guard code == SQLITE_DONE else {
            let message = String(cString: sqlite3_errmsg(db.sqliteConnection))
            sqlite3_reset(s)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message)
        }
        sqlite3_reset(s)
        let changes = db.changesCount
        var outcome = Outcome(inserted: changes)
        guard changes < rows.count else { return outcome }
        // Some rows were duplicates: the rows this batch wrote have ids from `first` on, and of two rows
        // of the batch with the same activity the earlier was written.
        var claimed = Set<Int64>()
        for row in rows {
            let r = row.record
            let id = try Int64.fetchOne(find, arguments: [row.person, r.mode.rawValue, r.title, r.startDate.iso, r.endDate.iso])
            if let id, id >= first, claimed.insert(id).inserted { continue }
            outcome.duplicateLines.append(row.line)
        }
        return outcome
    }

    private func bind(_ s: OpaquePointer?, base: Int32, _ r: CeledgerDomain.Record, _ person: Int64) {
        func text(_ i: Int32, _ v: String?) {
            guard let v else {
                sqlite3_bind_null(s, base + i)
                return
            }
            _ = v.withCString { sqlite3_bind_text(s, base + i, $0, -1, transient) }
        }
        func int(_ i: Int32, _ v: Int?) {
            guard let v else {
                sqlite3_bind_null(s, base + i)
                return
            }
            sqlite3_bind_int64(s, base + i, Int64(v))
        }
        sqlite3_bind_int64(s, base + 1, person)
        text(2, r.mode.rawValue)
        text(3, r.category.rawValue)
        text(4, r.title)
        text(5, r.provider)
        text(6, r.startDate.iso)
        text(7, r.endDate.iso)
        int(8, r.year)
        text(9, r.assessment.rawValue)
        text(10, r.score)
        int(11, r.claimedHours.tenths)
        int(12, r.recognizedHours?.tenths)
        text(13, r.recognition.rawValue)
        text(14, r.certificateNo)
        text(15, r.note)
        text(16, r.recognitionNote)
        text(17, r.basis)
        int(18, r.quantity)
        text(19, r.role.rawValue)
        int(20, r.suggestedHours?.tenths)
        text(21, now)
        text(22, now)
    }
}

/// SQLite copies the text before the call returns (the string it came from is gone by the step).
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
