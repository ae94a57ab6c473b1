internal import GRDB

// Shipped as "v1": never edit this SQL (ledgers in the field ran exactly it); a change is a new migration.
extension Schema {
    /// v1: persons and their records (hours as integer tenths), with the indexes the lists and totals read.
    static func v1PersonsAndRecords(_ db: Database) throws {
        try db.execute(sql: "PRAGMA application_id = \(applicationID)")
        try db.execute(
            sql: """
                CREATE TABLE person (
                    id            INTEGER PRIMARY KEY,
                    id_number     TEXT NOT NULL UNIQUE CHECK (length(id_number) = 18),
                    name          TEXT NOT NULL CHECK (name <> ''),
                    -- pinyin initials of the name ("zs" for 张三), for search
                    name_initials TEXT NOT NULL DEFAULT '',
                    gender        TEXT NOT NULL CHECK (gender IN ('male', 'female')),
                    birth_date    TEXT NOT NULL,
                    unit          TEXT NOT NULL DEFAULT '',
                    department    TEXT NOT NULL DEFAULT '',
                    title         TEXT NOT NULL DEFAULT '',
                    title_level   TEXT CHECK (title_level IN ('junior', 'intermediate', 'deputy_senior', 'senior')),
                    specialty     TEXT NOT NULL DEFAULT '',
                    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'left', 'retired')),
                    status_date   TEXT,
                    category      TEXT NOT NULL DEFAULT 'employee' CHECK (category IN ('employee', 'freelancer')),
                    created_at    TEXT NOT NULL,
                    updated_at    TEXT NOT NULL,
                    CHECK ((status = 'active') = (status_date IS NULL))
                ) STRICT
                """)
        // Active in year Y: status active, or left/retired on or after Y-01-01.
        try db.execute(sql: "CREATE INDEX person_unit ON person(unit, department)")
        try db.execute(sql: "CREATE INDEX person_name ON person(name)")
        try db.execute(sql: "CREATE INDEX person_initials ON person(name_initials)")
        try db.execute(
            sql: """
                CREATE TABLE record (
                    id                INTEGER PRIMARY KEY,
                    person_id         INTEGER NOT NULL REFERENCES person(id) ON DELETE RESTRICT,
                    mode              TEXT NOT NULL CHECK (mode IN ('training', 'practice', 'academic', 'online', 'degree', 'other')),
                    category          TEXT NOT NULL CHECK (category IN ('public', 'professional')),
                    title             TEXT NOT NULL CHECK (title <> ''),
                    provider          TEXT NOT NULL DEFAULT '',
                    start_date        TEXT NOT NULL,
                    end_date          TEXT NOT NULL,
                    -- the calendar year of end_date: the year the record counts in
                    year              INTEGER NOT NULL CHECK (year = CAST(substr(end_date, 1, 4) AS INTEGER)),
                    assessment        TEXT NOT NULL DEFAULT 'none' CHECK (assessment IN ('passed', 'excellent', 'failed', 'none')),
                    score             TEXT,
                    -- hours are integer tenths: 8.1 hours is 81
                    claimed_tenths    INTEGER NOT NULL CHECK (claimed_tenths >= 0),
                    recognized_tenths INTEGER CHECK (recognized_tenths >= 0),
                    recognition       TEXT NOT NULL DEFAULT 'pending' CHECK (recognition IN ('pending', 'recognized', 'rejected')),
                    -- why hours were refused (required for rejected) or changed; who decided and when
                    recognition_note  TEXT NOT NULL DEFAULT '',
                    reviewed_by       TEXT,
                    reviewed_at       TEXT,
                    certificate_no    TEXT NOT NULL DEFAULT '',
                    note              TEXT NOT NULL DEFAULT '',
                    created_at        TEXT NOT NULL,
                    updated_at        TEXT NOT NULL,
                    CHECK (end_date >= start_date),
                    CHECK (recognition <> 'recognized' OR recognized_tenths IS NOT NULL),
                    UNIQUE (person_id, mode, title, start_date, end_date)
                ) STRICT
                """)
        // Covers the annual totals: a year's groups are read from the index alone, in person order.
        try db.execute(
            sql: """
                CREATE INDEX record_year ON record(year, person_id, category, recognition, assessment, recognized_tenths)
                """)
    }
}
