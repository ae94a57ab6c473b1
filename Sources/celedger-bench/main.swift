// celedger-bench: the headless TUI latency driver of `make bench` (scripts/bench.sh). Not installed.
//
// It builds `App` the way `celedger` (UICommand.run) does — same ledger opening, rule files and pinyin
// table — and runs the real loop, `TUIRunner.run`, on a scripted terminal: the time from handing a key to
// the loop until the loop asks for the next one is exactly the per-key work of the real program (handle,
// render, compare with the last grid, draw). Without `--curses` drawing is a no-op; with it (standard
// output a terminal, e.g. under `script`) the grid goes through the real `CursesTerminal`.
//
//   celedger-bench tui          --db L [--year Y] [--rounds N] [--samples FILE] [common options]
//   celedger-bench first-screen --db L [--year Y] [common options]    exits right after the first draw
//   celedger-bench noop                                                 exits at once (process floor)
//   celedger-bench clerk        --db URI --clerk K [--saves N] …        one scripted clerk writing (Clerk.swift)
//   common: [--data DIR] [--lang zh|en] [--width 120] [--height 40] [--curses] [--dump] [--out FILE]
//
// Output, one fact per line, `name value` or `key KIND n=… p50=… p99=… max=… mean=…` (milliseconds).

import CeledgerDomain
import CeledgerLedger
import CeledgerPostgres
import CeledgerSQLite
import CeledgerTUI
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

func nowNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

let processStart = nowNanoseconds()

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data(("celedger-bench: " + message + "\n").utf8))
    exit(2)
}

// MARK: options

struct Options {
    var mode = ""
    var db: String?
    var data: String?
    var year: Int?
    var lang = Lang.zh
    var width = 120
    var height = 40
    var rounds = 10
    var curses = false
    var dump = false
    var out: String?
    var samples: String?
    /// Also searches under a unit filter, in the order by total hours and among the professionally short
    /// (`filteredRound`): the searches SQL answers, limited to the index's matches.
    var filtered = false
    // clerk
    var clerk: Int?
    var saves = 200
    var personsMax = 1000
    var ready: String?
    var go: String?
}

func parseOptions() -> Options {
    var o = Options()
    var args = Array(CommandLine.arguments.dropFirst())
    guard !args.isEmpty else { fail("usage: celedger-bench tui|first-screen|noop --db LEDGER [options] (see the source)") }
    o.mode = args.removeFirst()
    func value(_ name: String) -> String {
        guard !args.isEmpty else { fail("\(name) needs a value") }
        return args.removeFirst()
    }
    func int(_ name: String) -> Int {
        let v = value(name)
        guard let n = Int(v) else { fail("\(name) takes a number, not \(v)") }
        return n
    }
    while !args.isEmpty {
        let a = args.removeFirst()
        switch a {
        case "--db": o.db = value(a)
        case "--data": o.data = value(a)
        case "--year": o.year = int(a)
        case "--lang":
            let v = value(a)
            guard let l = Lang(rawValue: v) else { fail("--lang takes zh or en") }
            o.lang = l
        case "--width": o.width = int(a)
        case "--height": o.height = int(a)
        case "--rounds": o.rounds = int(a)
        case "--curses": o.curses = true
        case "--dump": o.dump = true
        case "--out": o.out = value(a)
        case "--samples": o.samples = value(a)
        case "--filtered": o.filtered = true
        case "--clerk": o.clerk = int(a)
        case "--saves": o.saves = int(a)
        case "--persons-max": o.personsMax = int(a)
        case "--ready": o.ready = value(a)
        case "--go": o.go = value(a)
        default: fail("unknown option \(a)")
        }
    }
    guard ["tui", "first-screen", "noop", "clerk"].contains(o.mode) else { fail("unknown mode \(o.mode)") }
    return o
}

// MARK: data files, found as the celedger executable finds them (Sources/celedger/Context.swift DataFiles)

/// The data folder as the command line finds it (`--data` overrides).
func dataFolder(_ option: String?) -> DataFolder {
    if let d = option {
        guard FileManager.default.fileExists(atPath: d + "/rules") else { fail("--data \(d) has no rules/ folder") }
        return DataFolder(path: d)
    }
    guard let folder = DataFolder.locate(environment: ProcessInfo.processInfo.environment, executable: CommandLine.arguments[0])
    else {
        fail("cannot find the data folder; pass --data DIR or set CELEDGER_DATA")
    }
    return folder
}

// MARK: the scripted terminal

/// Hands the loop one scripted key at a time and times what the loop does with it: from returning the key
/// to the loop's next call for a key.
final class ScriptedTerminal: Terminal {
    let width: Int
    let height: Int
    let inner: Terminal?
    let script: [(key: Key, kind: String)]
    var next = 0
    var pending: (kind: String, start: UInt64)?
    var samples: [(kind: String, nanoseconds: UInt64)] = []
    var firstDraw: UInt64?
    var stopAfterFirstDraw = false
    var lastGrid: TextGrid?
    var draws = 0
    /// Whether the search index or the year's flags are still being read in the background. A clerk's
    /// first search comes seconds after the list appears; a script's comes at once. So a search key is
    /// handed over when they are ready (the wait is not a key's time), and when the first time was is
    /// reported apart.
    var searchPreparing: () -> Bool = { false }
    var searchReady: UInt64?
    /// The waits after that (for a year's flags, after a year change), in all.
    var searchWaits: UInt64 = 0

    init(width: Int, height: Int, inner: Terminal?, script: [(key: Key, kind: String)]) {
        self.width = width
        self.height = height
        self.inner = inner
        self.script = script
    }

    var size: (width: Int, height: Int) { (width, height) }

    var finished: Bool { (stopAfterFirstDraw && firstDraw != nil) || (next >= script.count && pending == nil) }

    func draw(_ grid: TextGrid) {
        inner?.draw(grid)
        draws += 1
        lastGrid = grid
        if firstDraw == nil { firstDraw = nowNanoseconds() }
    }

    func readKey(timeoutMilliseconds: Int) -> Key? {
        let now = nowNanoseconds()
        if let p = pending {
            samples.append((p.kind, now - p.start))
            pending = nil
        }
        guard next < script.count else { return nil }
        let (key, kind) = script[next]
        if kind.hasPrefix("search") && searchPreparing() {
            let start = nowNanoseconds()
            while searchPreparing() { usleep(200) }
            if searchReady != nil { searchWaits += nowNanoseconds() - start }
        }
        // Looked at before every key, so known to the time between two keys.
        if searchReady == nil && !searchPreparing() { searchReady = nowNanoseconds() }
        next += 1
        pending = (kind, nowNanoseconds())
        return key
    }

    func shutdown() { inner?.shutdown() }
}

// MARK: the key script

/// One round of what a clerk does on a big ledger; each key is labelled with the kind the report groups by.
func round() -> [(String, String)] {
    var s: [(String, String)] = []
    func add(_ kind: String, _ keys: [String]) { s += keys.map { ($0, kind) } }
    add("move", Array(repeating: "j", count: 40) + Array(repeating: "k", count: 20))
    add("page", Array(repeating: "PgDn", count: 8) + Array(repeating: "PgUp", count: 4))
    add("open", ["Enter"])
    add("back", ["Esc"])
    add("year", ["[", "]", "]", "["])
    add("search", ["/", "z", "h", "BSpace", "BSpace", "张", "BSpace", "z", "s", "Esc"])
    add("jump", ["G"])
    add("open", ["Enter"])
    add("back", ["Esc"])
    add("jump", ["g"])
    add("open", ["Enter"])
    add("back", ["Esc"])
    // The newer keys a clerk presses on a big ledger. The palette: open, find by initials, close.
    add("palette", [":", "d", "c", "BSpace", "BSpace", "Esc"])
    // The unit picker (every unit, in pinyin order), type to find, pick: the list by that unit; the
    // department picker of that unit, pick all; Esc clears the filter.
    add("picker", ["f", "Enter", "n", "Enter", "f", "Down", "Enter", "Enter"])
    add("back", ["Esc"])
    // Reversing the order by name and back (the name key's index both ways).
    add("sort", ["S", "PgDn", "S"])
    // Saved views 1-4 (`viewsFile`): short, by total hours, by name reversed, everyone by name.
    add("view", ["1", "2", "3", "4"])
    return s
}

/// With `--filtered`, after each round: the search keys under a unit filter (the unit picker's first
/// unit), in the order by total hours (view 2) and among the professionally short (view 5), each kind
/// labelled apart; then the filter cleared and everyone by name (view 4) again.
func filteredRound() -> [(String, String)] {
    var s: [(String, String)] = []
    func add(_ kind: String, _ keys: [String]) { s += keys.map { ($0, kind) } }
    let typing = ["/", "z", "h", "BSpace", "BSpace", "张", "BSpace", "z", "s", "Esc"]
    add("picker", ["f", "Enter", "n", "Enter"])
    add("search-unit", typing)
    add("back", ["Esc"])
    add("view", ["2"])
    add("search-hours", typing)
    add("view", ["5"])
    add("search-pshort", typing)
    add("view", ["4"])
    return s
}

/// The saved views the script recalls with 1-5 (5 only with `--filtered`), written to a config folder of the run's own.
let viewsJSON = """
    [
      {"name": "未达标", "status": "short", "search": "", "sort": "name", "descending": false},
      {"name": "按学时", "status": "all", "search": "", "sort": "totalHours", "descending": true},
      {"name": "姓名倒序", "status": "all", "search": "", "sort": "name", "descending": true},
      {"name": "全部", "status": "all", "search": "", "sort": "name", "descending": false},
      {"name": "专业科目不足", "status": "professionalShort", "search": "", "sort": "name", "descending": false}
    ]
    """

func keyScript(rounds: Int, filtered: Bool) -> [(key: Key, kind: String)] {
    (0..<max(0, rounds)).flatMap { _ in round() + (filtered ? filteredRound() : []) }.map { (name, kind) in
        guard let k = Key.parse(name) else { fail("bad key \(name) in the script") }
        return (k, kind)
    }
}

// MARK: percentiles

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    // Nearest rank: the smallest value with at least p of the samples at or below it.
    let rank = Int((p * Double(sorted.count)).rounded(.up))
    return sorted[min(sorted.count - 1, max(0, rank - 1))]
}

func ms(_ ns: UInt64) -> Double { Double(ns) / 1_000_000 }
func f3(_ x: Double) -> String { String(format: "%.3f", x) }

// MARK: main

let options = parseOptions()
var lines: [String] = []
@MainActor func emit(_ line: String) { lines.append(line) }
@MainActor func flushOutput() {
    let text = lines.map { $0 + "\n" }.joined()
    if let out = options.out {
        guard FileManager.default.createFile(atPath: out, contents: Data(text.utf8)) else { fail("cannot write \(out)") }
    } else {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

if options.mode == "noop" {
    emit("noop_ms \(f3(ms(nowNanoseconds() - processStart)))")
    flushOutput()
    exit(0)
}

guard let dbPath = options.db else { fail("--db LEDGER is required") }
let onServer = PostgresURI.isServer(dbPath)
guard onServer || FileManager.default.fileExists(atPath: dbPath) else { fail("no ledger at \(dbPath)") }
let data = dataFolder(options.data)
// As UICommand.run: the ledger opened read-write through the data folder, exactly as every command opens it.
let started = nowNanoseconds()
// A PostgreSQL URI opens the server's ledger: the same keys over loopback (docs/postgresql.md).
let ledger: any LedgerWriter
do {
    if onServer {
        ledger = try PostgresLedger.open(
            uri: dbPath, pinyinLoader: try data.pinyinLoader(), rules: try data.ruleSets(),
            actor: options.clerk.map { "bench-clerk-\($0)" } ?? "celedger-bench")
    } else {
        ledger = try data.openLedger(path: dbPath, access: .readWrite, actor: "celedger-bench")
    }
} catch {
    fail("cannot open \(PostgresURI.masked(dbPath)): \(error.message.en)")
}
let opened = nowNanoseconds()
if options.mode == "clerk" {
    for line in runClerk(options, ledger: ledger) { emit(line) }
    flushOutput()
    exit(0)
}
let now = Calendar(identifier: .gregorian).dateComponents([.year, .month, .day], from: Date())
let today = Day(year: now.year!, month: now.month!, day: now.day!)!

var inner: Terminal?
if options.curses {
    do {
        inner = try CursesTerminal()
    } catch {
        fail("--curses: \(error)")
    }
}
let width = inner?.size.width ?? options.width
let height = inner?.size.height ?? options.height
let script = options.mode == "tui" ? keyScript(rounds: options.rounds, filtered: options.filtered) : []
let terminal = ScriptedTerminal(width: width, height: height, inner: inner, script: script)
terminal.stopAfterFirstDraw = options.mode == "first-screen"

// Saved views and exports in a folder of this run's own, never the user's (App reads the environment).
let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("celedger-bench-\(getpid())")
try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
guard FileManager.default.createFile(atPath: scratch.appendingPathComponent("views.json").path, contents: Data(viewsJSON.utf8))
else { fail("cannot write the saved views to \(scratch.path)") }
setenv("CELEDGER_CONFIG_DIR", scratch.path, 1)
setenv("CELEDGER_EXPORT_DIR", scratch.path, 1)

let appStart = nowNanoseconds()
let app = App(
    ledger: ledger, ledgerName: (dbPath as NSString).lastPathComponent, lang: options.lang,
    year: options.year ?? today.year, today: today, reviewer: "celedger-bench", width: width, height: height)
// As UICommand.run: the palette's and the pickers' pinyin.
app.pinyin = (try? data.pinyin()) ?? PinyinIndex()
terminal.searchPreparing = { ledger.searchIsBeingPrepared(year: app.year) }
TUIRunner.run(app, on: terminal) { terminal.finished }
let end = nowNanoseconds()

guard let firstDraw = terminal.firstDraw else { fail("the first screen was never drawn") }
if options.dump, let g = terminal.lastGrid {
    FileHandle.standardError.write(Data((g.text + "\n").utf8))
}
emit("size \(width)x\(height)")
emit("ledger_open_ms \(f3(ms(opened - started)))")
emit("open_ms \(f3(ms(opened - processStart)))")
emit("first_screen_ms \(f3(ms(firstDraw - processStart)))")
emit("first_screen_after_open_ms \(f3(ms(firstDraw - appStart)))")

if options.mode == "tui" {
    guard terminal.next == script.count else { fail("the UI quit after \(terminal.next) of \(script.count) keys") }
    if let ready = terminal.searchReady {
        emit("search_ready_after_first_screen_ms \(f3(ms(ready > firstDraw ? ready - firstDraw : 0)))")
    }
    emit("search_later_waits_ms \(f3(ms(terminal.searchWaits)))")
    emit("keys \(terminal.samples.count)")
    emit("draws \(terminal.draws)")
    emit("total_ms \(f3(ms(end - firstDraw)))")
    var byKind: [String: [Double]] = [:]
    var order: [String] = []
    for s in terminal.samples {
        if byKind[s.kind] == nil { order.append(s.kind) }
        byKind[s.kind, default: []].append(ms(s.nanoseconds))
    }
    for kind in order {
        let v = byKind[kind]!.sorted()
        let mean = v.reduce(0, +) / Double(v.count)
        emit(
            "key \(kind) n=\(v.count) p50=\(f3(percentile(v, 0.5))) p99=\(f3(percentile(v, 0.99))) max=\(f3(v.last!)) mean=\(f3(mean))"
        )
    }
    if let path = options.samples {
        let text = terminal.samples.map { "\($0.kind) \(f3(ms($0.nanoseconds)))\n" }.joined()
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else { fail("cannot write \(path)") }
    }
}
flushOutput()
try? FileManager.default.removeItem(at: scratch)
