internal import GRDB

// Shipped as "v4": never edit this SQL (ledgers in the field ran exactly it); a change is a new migration.
extension Schema {
    /// v4: how many persons each summarised year lists, and how many of them met it, kept beside the
    /// year, so that the persons list's count answers at once however many persons there are. The
    /// settle counts what it inserts and updates; a deleted row (also by a person's deletion, which
    /// cascades) is counted off by trigger.
    ///
    /// Its SQL restates the rule "met ⇔ nothing needed" (`needed_tenths = 0`) that live queries take from
    /// `SQLiteLedger.metSQL`: a shipped migration and the trigger it created stay as ledgers in the field ran them.
    static func v4YearCounts(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE summary_year ADD COLUMN persons INTEGER NOT NULL DEFAULT 0")
        try db.execute(sql: "ALTER TABLE summary_year ADD COLUMN met INTEGER NOT NULL DEFAULT 0")
        try db.execute(
            sql: """
                UPDATE summary_year SET
                    persons = (SELECT count(*) FROM person_year y WHERE y.year = summary_year.year),
                    met = (SELECT count(*) FROM person_year y WHERE y.year = summary_year.year AND y.needed_tenths = 0)
                """)
        try db.execute(
            sql: """
                CREATE TRIGGER person_year_uncount AFTER DELETE ON person_year BEGIN
                    UPDATE summary_year SET persons = persons - 1, met = met - (OLD.needed_tenths = 0) WHERE year = OLD.year;
                END
                """)
    }
}
