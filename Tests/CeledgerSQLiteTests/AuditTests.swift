import CeledgerDomain
import CeledgerLedger
import Foundation
import GRDB
import Testing

@testable import CeledgerSQLite

@Suite struct AuditTrailTests {

    let recordsCSV = """
        id_number,mode,category,title,start_date,end_date,claimed_hours,recognized_hours
        34052419800101001X,training,professional,A,2024-03-08,2024-03-10,60,60
        """

    @Test func everyChangeWritesAHistoryRowWithWhoAndWhat() throws {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, actor: "王芳", rules: shippedRules)
        _ = try importing(l, .person, personsCSV)
        _ = try importing(l, .record, recordsCSV)
        let pid = try #require(try l.personRowID(idNumber: "34052419800101001X"))
        let rec = try #require(try l.records(personRowID: pid, year: 2024).first)
        // Recognised, so locked: reopened with a reason first, then rejected and deleted.
        #expect(try l.reopen(rowIDs: [rec.rowID], reason: "证明有误，重新审核", reviewer: "李审") == 1)
        try l.setRecognition(rowIDs: [rec.rowID], to: .rejected, reason: "材料不全", reviewer: "王芳")
        try l.deleteRecord(rowID: rec.rowID)

        let h = try l.history(idNumber: "34052419800101001X")
        #expect(h.map(\.action) == [.insert, .insert, .update, .update, .delete])
        #expect(h.map(\.entity) == [.person, .record, .record, .record, .record])
        #expect(h.allSatisfy { $0.actor == "王芳" })
        #expect(h[0].new["name"] == "张三")  // an insert keeps no copy: its values come from the current row
        #expect(h[1].new["recognition"] == "recognized")  // ... or from the next change's old values
        let reopened = Dictionary(uniqueKeysWithValues: h[2].changes.map { ($0.column, ($0.old, $0.new)) })
        #expect(reopened["recognition"]! == ("recognized", "pending"))
        #expect(reopened["recognition_note"]! == ("", "证明有误，重新审核"))
        #expect(reopened["reviewed_by"]! == ("王芳", "李审"))  // imported as recognised: the importer decided
        #expect(reopened["recognized_tenths"] == nil)  // reopening changes nothing else
        let change = Dictionary(uniqueKeysWithValues: h[3].changes.map { ($0.column, ($0.old, $0.new)) })
        #expect(change["recognition"]! == ("pending", "rejected"))
        #expect(change["recognized_tenths"]! == ("600", ""))
        #expect(change["recognition_note"]! == ("证明有误，重新审核", "材料不全"))
        #expect(h[4].old["title"] == "A")
        #expect(h[3].details(.zh).contains("认定状态: 待认定 → 不予认定"))
        #expect(h[3].details(.zh).contains("认定学时: 60.0 → —"))
        #expect(h[3].details(.en).contains("recognition: pending → rejected"))
    }

    @Test func theHistoryIsAppendOnly() throws {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        _ = try importing(l, .person, personsCSV)
        #expect(throws: DatabaseError.self) { try l.db.write { try $0.execute(sql: "UPDATE history SET actor = 'x'") } }
        #expect(throws: DatabaseError.self) { try l.db.write { try $0.execute(sql: "DELETE FROM history") } }
        #expect(try l.db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM history") } == 3)
    }

    @Test func aRolledBackImportLeavesNoHistory() throws {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        _ = try importing(l, .person, personsCSV)
        let bad = recordsCSV + "\n34052419800101001X,training,professional,B,2024-02-30,8,8\n"
        #expect(try !importing(l, .record, bad).committed)
        #expect(try l.db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM history WHERE entity = 'record'") } == 0)
    }

    @Test func aProgramThatDoesNotNameItsActorCannotWrite() throws {
        let path = try tempDir() + "/ledger.sqlite"
        _ = try importing(try SQLiteLedger.open(path: path, pinyin: pinyin, rules: shippedRules), .person, personsCSV)
        let plain = try DatabaseQueue(path: path)
        #expect(throws: DatabaseError.self) {
            try plain.write { try $0.execute(sql: "UPDATE person SET name = '李四' WHERE id = 1") }
        }
        #expect(try plain.read { try String.fetchOne($0, sql: "SELECT name FROM person WHERE id = 1") } == "张三")
    }
}

@Suite struct BackupTests {

    @Test func aBackupIsACompleteOwnerOnlyLedgerAndNeverOverwrites() throws {
        let dir = try tempDir()
        let l = try SQLiteLedger.open(path: dir + "/ledger.sqlite", pinyin: pinyin, rules: shippedRules)
        _ = try importing(l, .person, personsCSV)
        try l.backup(to: dir + "/copy.sqlite")
        let copy = try SQLiteLedger.open(path: dir + "/copy.sqlite", pinyin: pinyin, rules: shippedRules, access: .readOnly)
        #expect(try copy.counts().persons == 3)
        #expect(try FileManager.default.attributesOfItem(atPath: dir + "/copy.sqlite")[.posixPermissions] as? Int == 0o600)
        #expect(throws: LedgerError.targetExists(path: dir + "/copy.sqlite")) { try l.backup(to: dir + "/copy.sqlite") }
    }

    @Test func restoreBringsBackTheBackupsContent() throws {
        let dir = try tempDir()
        let l = try SQLiteLedger.open(path: dir + "/ledger.sqlite", pinyin: pinyin, rules: shippedRules)
        _ = try importing(l, .person, personsCSV)
        try l.backup(to: dir + "/copy.sqlite")
        let pid = try #require(try l.personRowID(idNumber: "360102199005170422"))
        try l.deletePerson(rowID: pid)
        #expect(try l.counts().persons == 2)
        try l.restore(from: dir + "/copy.sqlite")
        #expect(try l.counts().persons == 3)
        // The backup's own chain came back with it, and verifies.
        #expect(try l.check().filter { $0.severity == .error }.map(\.message.en) == [])
        #expect(throws: LedgerError.self) { try l.restore(from: dir + "/nothing-here.sqlite") }
    }

    @Test func migratingToV4CountsEachSummarisedYearsPersonsAndWhoMet() throws {
        let dir = try tempDir()
        let path = dir + "/v3.sqlite"
        try SQLiteLedger.create(path)
        let q = try DatabaseQueue(path: path, configuration: SQLiteLedger.configuration(actor: "test"))
        try Schema.migrator.migrate(q, upTo: "v3")
        // A v3 ledger's summary as it stood: three persons listed in 2024, one of whom met it.
        try q.write { db in
            for (i, n) in ["34052419800101001X", "11010519491231002X", "110105199003071234"].enumerated() {
                try db.execute(
                    sql:
                        "INSERT INTO person (id_number, name, gender, birth_date, created_at, updated_at) VALUES (?, ?, 'male', '1980-01-01', 'x', 'x')",
                    arguments: [n, "人\(i)"])
            }
            try db.execute(sql: "DELETE FROM summary_dirty")
            try db.execute(sql: "INSERT INTO summary_year (year, rule_set, digest) VALUES (2024, 'jiangxi-2023', 'x')")
            try db.execute(
                sql: "INSERT INTO person_year SELECT 2024, id, 0, 0, 0, 0, CASE WHEN id = 1 THEN 0 ELSE 900 END FROM person")
        }
        try Schema.migrator.migrate(q, upTo: "v4")
        func counts(_ reader: any DatabaseReader) throws -> [Int] {
            try reader.read {
                try Row.fetchOne($0, sql: "SELECT persons, met FROM summary_year WHERE year = 2024").map { [$0[0], $0[1]] } ?? []
            }
        }
        #expect(try counts(q) == [3, 1])
        try q.close()
    }

    @Test func theKeptCountsFollowEveryChangeToTheList() throws {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        _ = try importing(l, .person, personsCSV)
        _ = try importing(
            l, .record,
            """
            id_number,mode,category,title,start_date,end_date,claimed_hours,recognized_hours
            34052419800101001X,training,professional,A,2024-03-08,2024-03-10,60,60
            34052419800101001X,training,public,B,2024-03-10,2024-03-11,30,30
            """)
        func counts() throws -> YearSummary { try l.personSummary(PersonListQuery(year: 2024)) }
        #expect(try counts() == YearSummary(persons: 3, met: 1))
        // A person with no record deleted: their summary rows cascade, and are counted off.
        let extra = try l.addPerson(
            Person(id: ResidentID.make(region: "360102", birth: Day(year: 1990, month: 1, day: 1)!, sequence: 5), name: "新人"))
        #expect(try counts() == YearSummary(persons: 4, met: 1))
        try l.deletePerson(rowID: extra)
        #expect(try counts() == YearSummary(persons: 3, met: 1))
        #expect(try l.check().filter { $0.severity == .error }.map(\.message.en) == [])
    }

    @Test func aV4LedgerWithHistoryIsChainedInIdOrderByV5() throws {
        let dir = try tempDir()
        let path = dir + "/v4.sqlite"
        try SQLiteLedger.create(path)
        let q = try DatabaseQueue(path: path, configuration: SQLiteLedger.configuration(actor: "老版本"))
        try Schema.migrator.migrate(q, upTo: "v4")
        try q.write { db in
            try db.execute(
                sql: """
                    INSERT INTO person (id_number, name, gender, birth_date, created_at, updated_at)
                    VALUES ('34052419800101001X', '张三', 'male', '1980-01-01', 'x', 'x')
                    """)
            try db.execute(sql: "UPDATE person SET name = '张叁' WHERE id = 1")
        }
        #expect(
            try q.read { try Bool.fetchOne($0, sql: "SELECT count(*) FROM sqlite_master WHERE name = 'history_chain'") } == false)
        try q.close()
        let l = try SQLiteLedger.open(path: path, pinyin: pinyin, rules: shippedRules)
        #expect(try l.schemaVersion() == Schema.migrator.migrations.last)
        let ids = try l.db.read { try Int64.fetchAll($0, sql: "SELECT history_id FROM history_chain ORDER BY history_id") }
        #expect(ids == [1, 2])
        #expect(try l.historyHead()?.entries == 2)
        #expect(try l.check().filter { $0.severity == .error }.map(\.message.en) == [])
        // A later change links to the migrated head.
        let before = try #require(try l.historyHead())
        _ = try importing(l, .person, personsCSV)
        let after = try #require(try l.historyHead())
        #expect(after.entries > before.entries && after.digest != before.digest)
        #expect(try l.check().filter { $0.severity == .error }.map(\.message.en) == [])
    }

    @Test func aMigrationCopiesTheLedgerAsideFirst() throws {
        let dir = try tempDir()
        let path = dir + "/old.sqlite"
        // A ledger as the first release wrote it: schema v1 only, with a person.
        try SQLiteLedger.create(path)
        let q = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(q, upTo: "v1")
        try q.write { db in
            try db.execute(
                sql: """
                    INSERT INTO person (id_number, name, gender, birth_date, created_at, updated_at)
                    VALUES ('34052419800101001X', '张三', 'male', '1980-01-01', 'x', 'x')
                    """)
        }
        try q.close()
        let l = try SQLiteLedger.open(path: path, pinyin: pinyin, rules: shippedRules)
        #expect(try l.schemaVersion() == Schema.migrator.migrations.last)
        let backups = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("old.sqlite.backup-v1-") }
        #expect(backups.count == 1)
        let saved = try DatabaseQueue(path: dir + "/" + backups[0], configuration: SQLiteLedger.configuration(readonly: true))
        #expect(try saved.read { try String.fetchOne($0, sql: "SELECT name FROM person") } == "张三")
        #expect(
            try saved.read { try Bool.fetchOne($0, sql: "SELECT count(*) FROM sqlite_master WHERE name = 'history'") } == false)
        // Opening again migrates nothing and copies nothing.
        _ = try SQLiteLedger.open(path: path, pinyin: pinyin, rules: shippedRules)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".backup-") && $0.hasSuffix(".sqlite") }
                .count == 1)
    }
}

@Suite struct CheckTests {
    @Test func aSoundLedgerHasNoErrors() throws {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        _ = try importing(l, .person, personsCSV)
        #expect(try l.check().isEmpty)
    }

    @Test func checkFindsWhatSlippedPastTheSchema() throws {
        let l = try SQLiteLedger.inMemory(pinyin: pinyin, rules: shippedRules)
        _ = try importing(l, .person, personsCSV)
        _ = try importing(
            l, .record,
            "id_number,mode,category,title,end_date,claimed_hours,recognition\n34052419800101001X,training,professional,A,2024-03-10,8,rejected\n"
        )
        try l.db.write { db in
            // A check digit broken by hand, and a gender that contradicts the ID.
            try db.execute(sql: "UPDATE person SET id_number = '340524198001010013', version = version + 1 WHERE name = '张三'")
            try db.execute(sql: "UPDATE person SET gender = 'male', version = version + 1 WHERE name = '欧阳明辉'")
        }
        let findings = try l.check()
        #expect(
            findings.contains {
                $0.severity == .error && $0.location.hasPrefix("person 1 ") && $0.message.en.contains("check character")
            })
        #expect(findings.contains { $0.severity == .error && $0.message.en == "gender contradicts the ID number" })
        #expect(findings.contains { $0.severity == .warning && $0.message.en == "rejected without a recorded reason" })
        #expect(!findings.contains { $0.location.contains("340524198001010013") })  // IDs are masked in findings
    }
}
