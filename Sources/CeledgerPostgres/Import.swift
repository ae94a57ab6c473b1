import CeledgerDomain
import CeledgerInterchange
import CeledgerLedger
import Foundation

/// Many rows at once: COPY into staging tables of the transaction's own, then set-wise statements into
/// the ledger's tables. The server's triggers still write every history row and mark every person-year,
/// so a bulk write keeps the same promises as one edit; all of it is one transaction.
extension PostgresLedger {
    /// Persons and their records, as `next` gives them (the demo generator, `celedger demo`), into an
    /// empty or non-empty ledger; a person whose ID number is taken is skipped with their records, a
    /// record already there (same activity) too. Returns the records written.
    public func bulkInsert(
        count: Int, progress: ProgressHandler? = nil, _ next: () -> (Person, [CeledgerDomain.Record])
    ) throws(LedgerError) -> Int {
        let now = PostgresLedger.now()
        let pinyin = self.pinyin
        var persons: [[String?]] = [], records: [[String?]] = []
        persons.reserveCapacity(count)
        for i in 0..<count {
            let (p, recs) = next()
            persons.append(
                [String(i)] + PostgresLedger.personParameters(p, initials: pinyin.initials(of: p.name)))
            for r in recs {
                var row = PostgresLedger.insertParameters(r, person: Int64(i), reviewer: nil, reviewedAt: nil, now: now)
                if r.recognition != .pending {
                    row[16] = actor
                    row[17] = now
                }
                records.append(row)
            }
            if i % 1000 == 999 { progress?(i + 1, count) }
        }
        return try write { () throws in
            try exec(
                """
                CREATE TEMP TABLE staging_person (seq BIGINT, id_number TEXT, name TEXT, name_initials TEXT, gender TEXT,
                    birth_date TEXT, unit TEXT, department TEXT, title TEXT, title_level TEXT, specialty TEXT, status TEXT,
                    status_date TEXT, category TEXT) ON COMMIT DROP;
                CREATE TEMP TABLE staging_record (person_seq BIGINT, mode TEXT, category TEXT, title TEXT, provider TEXT,
                    start_date TEXT, end_date TEXT, year INTEGER, assessment TEXT, score TEXT, claimed_tenths INTEGER,
                    recognized_tenths INTEGER, recognition TEXT, certificate_no TEXT, note TEXT, recognition_note TEXT,
                    reviewed_by TEXT, reviewed_at TEXT, basis TEXT, quantity INTEGER, role TEXT, suggested_tenths INTEGER,
                    created_at TEXT) ON COMMIT DROP
                """)
            _ = try connection.copyIn("COPY staging_person FROM STDIN", rows: persons)
            _ = try connection.copyIn("COPY staging_record FROM STDIN", rows: records)
            try exec(
                """
                CREATE TEMP TABLE staging_ids ON COMMIT DROP AS
                WITH added AS (
                    INSERT INTO person (id_number, name, name_initials, gender, birth_date, unit, department, title,
                        title_level, specialty, status, status_date, category, created_at, updated_at)
                    SELECT id_number, name, name_initials, gender, birth_date, unit, department, title, title_level,
                        specialty, status, status_date, category, $1, $1
                    FROM (SELECT DISTINCT ON (id_number) * FROM staging_person ORDER BY id_number, seq) s
                    -- in the order given: row ids follow it, as in the SQLite ledger
                    ORDER BY seq
                    ON CONFLICT (id_number) DO NOTHING RETURNING id, id_number)
                SELECT s.seq, a.id FROM added a JOIN staging_person s ON s.id_number = a.id_number
                """, [now])
            let written = try exec(
                """
                INSERT INTO record (\(PostgresLedger.recordColumns))
                SELECT i.id, mode, category, title, provider, start_date, end_date, year, assessment, score, claimed_tenths,
                    recognized_tenths, recognition, certificate_no, note, recognition_note, reviewed_by, reviewed_at, basis,
                    quantity, role, suggested_tenths, created_at, created_at
                FROM staging_record r JOIN staging_ids i ON i.seq = r.person_seq
                ORDER BY i.id
                ON CONFLICT ON CONSTRAINT record_activity DO NOTHING
                """
            ).changed
            progress?(count, count)
            return written
        }
    }

    /// Whether the ledger has no persons (demo data goes only into an empty ledger).
    public func isEmpty() throws(LedgerError) -> Bool {
        try read { () throws in try exec("SELECT NOT EXISTS (SELECT 1 FROM person)").first?[0] == "t" }
    }
}
