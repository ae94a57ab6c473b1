import CeledgerDomain
import CeledgerLedger
import Foundation
import Testing

@testable import CeledgerPostgres

/// Open screens refresh by themselves when another clerk commits (`App.idle` compares `version()`): a
/// commit in one window moves the version the other window sees, on both backends. On a server the other
/// window learns it from LISTEN/NOTIFY (pg7), without sending the server a statement.
@Suite struct ChangeNotificationTests {

    @Test(arguments: Backend.allCases)
    func aCommitInOneWindowMovesTheOtherWindowsVersion(_ backend: Backend) throws {
        guard let (mine, theirs) = try backend.makePair("李明", "王芳") else { return }
        let q = PersonListQuery(year: 2024)
        #expect(try mine.personSummary(q).persons == 0)
        let seen = try mine.version()
        let id = try theirs.addPerson(person("张三", "36010219900517041"))
        let after = try #require(try moved(mine, from: seen), "the other window's commit never showed")
        // What the moved version promised is there to read, the list's counts too.
        #expect(try mine.person(rowID: id)?.person.name == "张三")
        #expect(try mine.personSummary(q).persons == 1)
        _ = try theirs.addRecord(record(person("张三", "36010219900517041")), personRowID: id, reviewer: "")
        #expect(try moved(mine, from: after) != nil, "the second commit never showed")
    }

    @Test("on a server, looking for changes sends no statement; a commit elsewhere shows, a rolled-back one does not")
    func noQueryPerPollAndOnlyCommitsCount() throws {
        guard let (mine, theirs) = try Backend.postgres.makePair("李明", "王芳") else { return }
        let screen = try #require(mine as? PostgresLedger)
        let zhang = person("张三", "36010219900517041")
        let before = try screen.version()
        let id = try theirs.addPerson(zhang)
        let seen = try #require(try moved(screen, from: before))
        let sent = screen.connection.statements
        for _ in 0..<50 { _ = try screen.version() }
        #expect(screen.connection.statements == sent, "polling the version sent statements to the server")

        // A write the server refuses (the same activity twice) commits nothing and tells no one; the
        // next, committed one does. Notifications arrive in commit order, so once the second has shown,
        // the first would have shown before it.
        _ = try theirs.addRecord(record(zhang), personRowID: id, reviewer: "")
        let afterFirst = try #require(try moved(screen, from: seen))
        #expect(throws: LedgerError.self) { _ = try theirs.addRecord(record(zhang), personRowID: id, reviewer: "") }
        _ = try theirs.addRecord(record(zhang, title: "医学伦理"), personRowID: id, reviewer: "")
        let afterSecond = try #require(try moved(screen, from: afterFirst))
        #expect(afterSecond - afterFirst == 1, "the rolled-back write moved the other window's version")
        #expect(screen.connection.statements == sent, "noticing the commits sent statements to the server")
        // The list's counts, asked again with nothing changed (in another order too), are not counted again.
        var q = PersonListQuery(year: 2024)
        let counts = try screen.personSummary(q)
        let asked = screen.connection.statements
        q.sort = .totalHours
        #expect(try screen.personSummary(q) == counts && screen.personSummary(PersonListQuery(year: 2024)) == counts)
        #expect(screen.connection.statements == asked, "the same counts were read from the server again")
        // Its own commits move its own version at once.
        try screen.setEmployer("江西省人民医院")
        #expect(try screen.version() != afterSecond)
    }

    @Test("on a server, a dropped connection is taken up again: the version moves, later commits still show")
    func aDroppedConnectionListensAgain() throws {
        guard let (mine, theirs) = try Backend.postgres.makePair("李明", "王芳") else { return }
        let screen = try #require(mine as? PostgresLedger)
        let other = try #require(theirs as? PostgresLedger)
        let pid = try #require(try screen.connection.exec("SELECT pg_backend_pid()").first?.text(0))
        let seen = try screen.version()
        // The server ends the screen's session (a restart, an administrator, a network cut do the same).
        try other.connection.exec("SELECT pg_terminate_backend($1::int)", [pid])
        let afterDrop = try #require(try moved(screen, from: seen), "the dropped connection went unnoticed")
        #expect(try screen.connection.exec("SELECT pg_backend_pid()").first?.text(0) != pid, "not a new session")
        let id = try theirs.addPerson(person("张三", "36010219900517041"))
        #expect(try moved(screen, from: afterDrop) != nil, "the new session does not listen")
        #expect(try screen.person(rowID: id)?.person.name == "张三")
    }
}
