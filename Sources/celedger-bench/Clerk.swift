// celedger-bench clerk: one scripted clerk of `make bench`'s eight writing at once on a server ledger
// (scripts/bench.sh, docs/performance.md). It opens the ledger as `celedger` does, signals that it is
// ready, waits for the others (`--go FILE`), then makes `--saves` saves through the ledger protocols, as the
// screens do: nine in ten a new record for a person of the ledger, every tenth a change to a person (read,
// edit, save with the version read; told the row changed meanwhile, read again and save again, as a clerk
// would), every tenth and a half a new person. Each save is timed from the call to its return (one
// transaction, committed).
//
//   celedger-bench clerk --db URI --clerk K [--saves N] [--persons-max M] [--ready FILE] [--go FILE]
//                        [--samples FILE] [--out FILE] [--data DIR]
//
// Output: `records_added n`, `persons_added n`, `persons_updated n`, `conflicts n` (saves told to read again),
// `saves n`; samples one `save MS` line per save. The new records' titles are `压测K-I`, the new persons'
// names `压测员K-I`: the bench counts them in the ledger and in its history afterwards.

import CeledgerDomain
import CeledgerLedger
import CeledgerPostgres
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A small deterministic generator (SplitMix64), so that each clerk's choice of persons is the same each run.
struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }
}

/// The ID number of a clerk's new person: region 3601 + 90 + K, born 1960-01-01 plus I days, the check digit
/// of GB 11643; no demo person has these regions.
func benchID(clerk: Int, index: Int) -> ResidentID {
    let born = Calendar(identifier: .gregorian).date(
        byAdding: .day, value: index,
        to: DateComponents(calendar: Calendar(identifier: .gregorian), year: 1960, month: 1, day: 1).date!)!
    let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: born)
    let first17 = "3601" + String(90 + clerk) + String(format: "%04d%02d%02d", c.year!, c.month!, c.day!) + "123"
    let digits = first17.compactMap { $0.wholeNumberValue }
    let text = first17 + String(ResidentID.checkCharacter(for: digits))
    guard case .success(let id) = ResidentID.parse(text) else { fail("bad bench ID number \(text)") }
    return id
}

func runClerk(_ o: Options, ledger: any LedgerWriter) -> [String] {
    guard let k = o.clerk else { fail("clerk needs --clerk K") }
    var random = SplitMix(state: UInt64(k) &* 7919)
    let personsMax = o.personsMax
    if let ready = o.ready { _ = FileManager.default.createFile(atPath: ready, contents: Data()) }
    if let go = o.go { while !FileManager.default.fileExists(atPath: go) { usleep(1000) } }
    var samples: [Double] = []
    var recordsAdded = 0, personsAdded = 0, personsUpdated = 0, conflicts = 0
    let day = Day(year: 2024, month: 6, day: 1)!
    /// A person of the ledger, by a row id drawn at random (ids the bench loaded: 1 … persons-max).
    func somePerson() throws -> StoredPerson {
        while true {
            if let p = try ledger.person(rowID: Int64(1 + random.below(personsMax))) { return p }
        }
    }
    for i in 0..<o.saves {
        do {
            if i % 10 == 9 {
                // A change to a person of the ledger: read, edit, save on the version read; told that
                // another clerk changed the row meanwhile, read it again and save again.
                var shown = try somePerson()
                while true {
                    var p = shown.person
                    p.specialty = "压测\(k)-\(i)"
                    let t0 = nowNanoseconds()
                    let outcome: LedgerError?
                    do {
                        try ledger.updatePerson(rowID: shown.rowID, p, expected: shown.version)
                        outcome = nil
                    } catch {
                        outcome = error
                    }
                    let t1 = nowNanoseconds()
                    if let e = outcome {
                        guard case .changedMeanwhile = e, let again = try ledger.person(rowID: shown.rowID) else { throw e }
                        conflicts += 1
                        shown = again
                        continue
                    }
                    samples.append(ms(t1 - t0))
                    personsUpdated += 1
                    break
                }
            } else if i % 20 == 4 {
                let p = Person(id: benchID(clerk: k, index: i), name: "压测员\(k)-\(i)", unit: "压测单位", department: "压测科")
                let t0 = nowNanoseconds()
                _ = try ledger.addPerson(p)
                samples.append(ms(nowNanoseconds() - t0))
                personsAdded += 1
            } else {
                let shown = try somePerson()
                let r = Record(
                    personID: shown.person.id, mode: .training, category: i % 2 == 0 ? .professional : .public,
                    title: "压测\(k)-\(i)", provider: "压测", startDate: day, endDate: day, assessment: .passed,
                    claimedHours: Hours(tenths: 20))
                let t0 = nowNanoseconds()
                _ = try ledger.addRecord(r, personRowID: shown.rowID, reviewer: "")
                samples.append(ms(nowNanoseconds() - t0))
                recordsAdded += 1
            }
        } catch {
            fail("clerk \(k), save \(i): \((error as? LedgerError)?.message.en ?? "\(error)")")
        }
    }
    if let path = o.samples {
        let text = samples.map { "save \(f3($0))\n" }.joined()
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else { fail("cannot write \(path)") }
    }
    return [
        "saves \(samples.count)", "records_added \(recordsAdded)", "persons_added \(personsAdded)",
        "persons_updated \(personsUpdated)", "conflicts \(conflicts)",
    ]
}
