import CeledgerTestSupport
import Foundation
import Testing

/// `celedger init`, where the ledger lives, and what the files look like on disk.
@Suite("init and the ledger's location")
struct InitAndLedgerPathTests {
    @Test("init creates the ledger with mode 0600 and a second init changes nothing")
    func initIsIdempotent() throws {
        let s = try Sandbox()
        // A permissive umask: the ledger must still be private.
        let first = try s.run(["init"], umask: "000")
        #expect(first.status == 0, "\(first.summary)")
        #expect(first.stdout.hasPrefix("created ledger: \(s.db)"), "\(first.summary)")
        #expect(first.stderr.isEmpty)
        #expect(try s.mode(s.db) == 0o600)

        try s.importOK("persons", "p.csv", "id_number,name\n\(residentID("360102", "19800101", 1)),张三\n")
        try s.importOK(
            "records", "r.csv",
            """
            id_number,mode,category,title,start_date,end_date,claimed_hours,recognized_hours
            \(residentID("360102", "19800101", 1)),training,public,政策法规,2024-03-04,2024-03-05,12,12
            """)
        let before = try s.export("records")

        let second = try s.run(["init"], umask: "000")
        #expect(second.status == 0, "\(second.summary)")
        #expect(second.stdout.contains("ledger ready"), "\(second.summary)")
        #expect(second.stdout.contains("1 persons, 1 records"), "\(second.summary)")
        let third = try s.ok(["init"])
        #expect(third.stdout == second.stdout)
        #expect(try s.export("records") == before)
        #expect(try s.mode(s.db) == 0o600)
        for side in ["-wal", "-shm", "-journal"] where s.exists(s.db + side) {
            #expect(try s.mode(s.db + side) == 0o600, "\(side) is not private")
        }
    }

    @Test("init says so in Chinese by default (neutral locale) and with --lang zh")
    func initInChinese() throws {
        let s = try Sandbox()
        let r = try s.ok(["init"], lang: nil)
        #expect(r.stdout.hasPrefix("已创建登记簿：\(s.db)"), "\(r.summary)")
        let again = try s.ok(["init"], lang: "zh")
        #expect(again.stdout.hasPrefix("登记簿已就绪：\(s.db)"), "\(again.summary)")
        #expect(again.stdout.contains("人员 0，记录 0"), "\(again.summary)")
    }

    @Test("the -wal and -shm files are private (0600) while a write is going on, whatever the umask")
    func sideFilesArePrivateDuringWrites() async throws {
        let s = try Sandbox()
        s.db = s.path("new/folder/ledger.sqlite")
        // A demo of a few thousand persons writes long enough to see the WAL.
        let running = try s.start(["demo", "--persons", "3000", "--years", "2023-2024", "--seed", "3"], umask: "000")
        var seen: [String: Int] = [:]
        while running.isRunning {
            for side in ["-wal", "-shm"] where seen[side] == nil {
                if let m = try? s.mode(s.db + side) { seen[side] = m }
            }
            if seen.count == 2 { break }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        let r = await running.finished()
        expectNoCrash(r)
        #expect(r.status == 0, "\(r.summary)")
        #expect(try s.mode(s.db) == 0o600)
        // Folders the ledger creates are private too.
        #expect(try s.mode(s.path("new/folder")) == 0o700)
        #expect(try s.mode(s.path("new")) == 0o700)
        if seen.isEmpty {
            // The write was too quick to catch: nothing to check, but say so.
            print("note: -wal/-shm were not observed during the demo write")
        }
        for (side, m) in seen {
            #expect(m == 0o600, "\(side) had mode \(String(m, radix: 8))")
        }
    }

    @Test("--db works before and after the subcommand, also as --db=PATH")
    func dbOptionPlacement() throws {
        let s = try Sandbox()
        let before = try s.run(["--db", s.path("a.sqlite"), "--lang", "en", "init"], db: false, lang: nil)
        #expect(before.status == 0, "\(before.summary)")
        #expect(s.exists(s.path("a.sqlite")))
        let after = try s.run(["init", "--db", s.path("b.sqlite")], db: false)
        #expect(after.status == 0, "\(after.summary)")
        #expect(s.exists(s.path("b.sqlite")))
        let equals = try s.run(["--db=\(s.path("c.sqlite"))", "init"], db: false)
        #expect(equals.status == 0, "\(equals.summary)")
        #expect(s.exists(s.path("c.sqlite")))
        // Before the subcommand of a subcommand, with options after it.
        try s.importOK("persons", "p.csv", "id_number,name\n\(residentID("360102", "19800101", 1)),张三\n")
        let nested = try s.run(
            ["--db", s.db, "--lang", "en", "report", "annual", "--year", "2024", "--format", "csv"], db: false, lang: nil)
        #expect(nested.status == 0, "\(nested.summary)")
        #expect(nested.stdoutLines.count == 2, "\(nested.summary)")
        // Nothing went to the default location.
        #expect(!s.exists(s.path("xdg/celedger/ledger.sqlite")))
    }

    @Test("CELEDGER_DB is honoured, and --db wins over it")
    func environmentVariable() throws {
        let s = try Sandbox()
        let envDB = s.path("env/ledger.sqlite")
        let r = try s.run(["init"], db: false, env: ["CELEDGER_DB": envDB])
        #expect(r.status == 0, "\(r.summary)")
        #expect(r.stdout.contains(envDB))
        #expect(s.exists(envDB))
        let p = try s.write("p.csv", "id_number,name\n\(residentID("360102", "19800101", 1)),张三\n")
        #expect(try s.run(["import", "persons", p], db: false, env: ["CELEDGER_DB": envDB]).status == 0)
        #expect(try s.run(["export", "persons"], db: false, env: ["CELEDGER_DB": envDB]).stdout.contains("张三"))
        // --db wins: a reading command on a ledger that does not exist says so and creates nothing.
        let other = try s.run(["export", "persons", "--db", s.path("other.sqlite")], db: false, env: ["CELEDGER_DB": envDB])
        #expect(other.status == 3)
        #expect(other.stderr.contains("no ledger at \(s.path("other.sqlite"))"))
        #expect(!other.stdout.contains("张三"))
        #expect(!s.exists(s.path("other.sqlite")))
        #expect(!s.exists(s.path("xdg/celedger/ledger.sqlite")))
    }

    @Test("the default ledger is $XDG_DATA_HOME/celedger/ledger.sqlite, else ~/.local/share/celedger/ledger.sqlite")
    func defaultPath() throws {
        let s = try Sandbox()
        let xdg = try s.run(["init"], db: false)
        #expect(xdg.status == 0, "\(xdg.summary)")
        let expected = s.path("xdg/celedger/ledger.sqlite")
        #expect(xdg.stdout.contains(expected), "\(xdg.summary)")
        #expect(s.exists(expected))
        #expect(try s.mode(expected) == 0o600)
        #expect(try s.mode(s.path("xdg/celedger")) == 0o700)

        let home = try s.run(["init"], db: false, removingEnv: ["XDG_DATA_HOME"])
        #expect(home.status == 0, "\(home.summary)")
        let homeLedger = s.path("home/.local/share/celedger/ledger.sqlite")
        #expect(home.stdout.contains(homeLedger), "\(home.summary)")
        #expect(s.exists(homeLedger))

        // The XDG spec ignores a relative XDG_DATA_HOME.
        let relative = try s.run(["init"], db: false, env: ["XDG_DATA_HOME": "relative/xdg"])
        #expect(relative.status == 0)
        #expect(relative.stdout.contains(homeLedger), "\(relative.summary)")
        #expect(!s.exists(s.path("relative/xdg/celedger/ledger.sqlite")))
    }

    @Test("the message language follows --lang, then LC_ALL, LC_MESSAGES, LANG; neutral locales give Chinese")
    func languageRules() throws {
        let s = try Sandbox()
        let notALedger = try s.write("notes.txt", "not a ledger\n")
        func message(_ env: [String: String], lang: String? = nil, removing: Set<String> = []) throws -> String {
            let r = try s.run(["init", "--db", notALedger], db: false, lang: lang, env: env, removingEnv: removing)
            #expect(r.status == 3)
            return r.stderr
        }
        let english = "celedger: \(notALedger) is not a celedger ledger (left untouched)\n"
        let chinese = "celedger: \(notALedger) 不是 celedger 登记簿（未做任何改动）\n"
        #expect(try message(["LANG": "en_US.UTF-8"]) == english)
        #expect(try message(["LANG": "zh_CN.UTF-8"]) == chinese)
        #expect(try message(["LANG": "C.UTF-8"]) == chinese)
        #expect(try message([:], removing: ["LANG"]) == chinese)
        #expect(try message(["LANG": "zh_CN.UTF-8", "LC_ALL": "en_GB.UTF-8"]) == english)
        #expect(try message(["LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_TW.UTF-8"]) == chinese)
        #expect(try message(["LANG": "zh_CN.UTF-8"], lang: "en") == english)
        #expect(try message(["LANG": "en_US.UTF-8"], lang: "zh") == chinese)
        #expect(try s.run(["init", "--db", notALedger, "--lang=en"], db: false, lang: nil).stderr == english)
    }

    @Test("celedger with no subcommand opens the terminal UI; on a pipe it refuses with one line and exit 2")
    func noSubcommandWithoutATerminal() throws {
        let s = try Sandbox()
        let r = try s.run([])
        #expect(r.status == 2, "\(r.summary)")
        #expect(r.stderrLines.count == 1, "\(r.summary)")
        #expect(r.stderr.hasPrefix("celedger: "), "\(r.summary)")
        #expect(r.stderr.contains("terminal"), "\(r.summary)")
        #expect(r.stdout.isEmpty, "no escape sequences on a pipe: \(r.stdout.debugDescription)")
        let zh = try s.run([], lang: "zh")
        #expect(zh.status == 2)
        #expect(zh.stderr.contains("终端"), "\(zh.summary)")
        let ui = try s.run(["ui", "--year", "2024"])
        #expect(ui.status == 2, "\(ui.summary)")
    }
}
