/// Name, unit and activity pools for synthetic demo ledgers (data/demo/*).
public struct DemoPools: Sendable {
    public struct Unit: Sendable {
        public let name: String
        public let region: String
        public let departments: [String]
        public let titles: [(String, TitleLevel)]
    }

    public struct Activity: Sendable {
        public let mode: Mode
        public let category: Category
        public let title: String
        public let provider: String
        public let days: Int
        public let hours: Hours
    }

    public let surnames: [String]
    public let given: [String]
    public let units: [Unit]
    public let activities: [Activity]
    public let regions: [String]

    public struct Problem: Error, Sendable {
        public let file: String
        public let line: Int
        public let message: String
    }

    static func lines(_ text: String) -> [(Int, String)] {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { i, l in
            let s = String(l).droppingTrailing("\r")
            return s.isEmpty || s.hasPrefix("#") ? nil : (i + 1, s)
        }
    }

    /// Parses the pool files' texts; a bad line is reported with its file and line.
    public init(surnames: String, given: String, units: String, activities: String, regions: String) throws(Problem) {
        self.surnames = DemoPools.lines(surnames).map { $0.1.trimmedField }
        self.given = DemoPools.lines(given).map { $0.1.trimmedField }
        var us: [Unit] = []
        for (n, l) in DemoPools.lines(units) {
            let c = l.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard c.count >= 4, c[1].count == 6 else {
                throw Problem(file: "units.tsv", line: n, message: "expected unit, region, departments, titles")
            }
            var titles: [(String, TitleLevel)] = []
            for t in c[3].split(separator: "|") {
                let parts = t.split(separator: ":")
                guard parts.count == 2, let level = TitleLevel.parse(String(parts[1])) else {
                    throw Problem(file: "units.tsv", line: n, message: "bad title \(t)")
                }
                titles.append((String(parts[0]), level))
            }
            us.append(Unit(name: c[0], region: c[1], departments: c[2].split(separator: "|").map(String.init), titles: titles))
        }
        self.units = us
        var acts: [Activity] = []
        for (n, l) in DemoPools.lines(activities) {
            let c = l.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard c.count >= 6, let mode = Mode.parse(c[0]), let cat = Category.parse(c[1]), let days = Int(c[4]),
                case .success(let h) = Hours.parse(c[5])
            else {
                throw Problem(file: "activities.tsv", line: n, message: "expected mode, category, title, provider, days, hours")
            }
            acts.append(Activity(mode: mode, category: cat, title: c[2], provider: c[3], days: max(1, days), hours: h))
        }
        self.activities = acts
        self.regions = DemoPools.lines(regions).compactMap { l in
            let code = String(l.1.prefix { $0 != "\t" })
            return code.count == 6 ? code : nil
        }
        if self.surnames.isEmpty || self.given.isEmpty || us.isEmpty || acts.isEmpty || self.regions.isEmpty {
            throw Problem(file: "", line: 0, message: "a demo pool is empty")
        }
        if !acts.contains(where: { $0.category == .public }) || !acts.contains(where: { $0.category == .professional }) {
            throw Problem(file: "activities.tsv", line: 0, message: "needs public and professional activities")
        }
    }
}

extension String {
    func droppingTrailing(_ c: Character) -> String {
        var s = Substring(self)
        while s.last == c { s.removeLast() }
        return String(s)
    }
}

/// SplitMix64: small, fast, and the same sequence on every platform for the same seed.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
    mutating func pick<T>(_ a: [T]) -> T { a[Int.random(in: 0..<a.count, using: &self)] }
    /// Biased toward the front of the list (frequency-ordered pools).
    mutating func pickFrequent<T>(_ a: [T]) -> T {
        let u = Double.random(in: 0..<1, using: &self)
        return a[min(a.count - 1, Int(u * u * Double(a.count)))]
    }
}

/// A realistic synthetic ledger: the same persons and records for the same seed.
public struct DemoGenerator: Sendable {
    let pools: DemoPools
    var rng: SeededRandom
    let years: ClosedRange<Int>
    var usedIDs = Set<String>()
    let publicActivities: [DemoPools.Activity]
    let professionalActivities: [DemoPools.Activity]

    /// No activity ends after this day (today, for a demo of the current year); nil: the years' ends.
    let until: Day?

    public init(pools: DemoPools, seed: UInt64, years: ClosedRange<Int>, until: Day? = nil) {
        self.until = until
        self.pools = pools
        self.rng = SeededRandom(seed: seed)
        self.years = years
        publicActivities = pools.activities.filter { $0.category == .public }
        professionalActivities = pools.activities.filter { $0.category == .professional }
    }

    /// The next person and all their records over the years.
    public mutating func next() -> (Person, [Record]) {
        let unit = rng.pick(pools.units)
        let freelancer = rng.chance(0.02)
        let surname = rng.pickFrequent(pools.surnames)
        let givenCount = rng.chance(0.25) ? 1 : 2
        let name = surname + (0..<givenCount).map { _ in rng.pick(pools.given) }.joined()
        var id: ResidentID
        repeat {
            let birth = Day(year: rng.int(1962...2001), month: rng.int(1...12), day: rng.int(1...28))!
            let region = rng.chance(0.8) ? unit.region : rng.pick(pools.regions)
            id = ResidentID.make(region: region, birth: birth, sequence: rng.int(0...999))
        } while !usedIDs.insert(id.value).inserted
        let (title, level) = rng.pick(unit.titles)
        var status = EmploymentStatus.active
        var statusDate: Day?
        let r = rng.int(0...99)
        if r < 4 {
            status = .left
        } else if r < 7 {
            status = .retired
        }
        if status != .active {
            statusDate = Day(year: rng.int(years.lowerBound...years.upperBound), month: rng.int(1...12), day: rng.int(1...28))
            // Nobody has left on a day still to come.
            if let until, let d = statusDate, until < d {
                status = .active
                statusDate = nil
            }
        }
        let person = Person(
            id: id, name: name, unit: freelancer ? "" : unit.name, department: freelancer ? "" : rng.pick(unit.departments),
            title: title, titleLevel: level, specialty: "", status: status, statusDate: statusDate,
            category: freelancer ? .freelancer : .employee)
        var records: [Record] = []
        for year in years where person.isActive(in: year) {
            records += yearRecords(person.id, year: year, lastDay: statusDate.flatMap { $0.year == year ? $0 : nil })
        }
        return (person, records)
    }

    mutating func yearRecords(_ id: ResidentID, year: Int, lastDay: Day?) -> [Record] {
        // How diligent this person is this year: most complete the 90 hours, some fall short.
        let profile = rng.int(0...99)
        let publicTarget = Hours(whole: profile < 90 ? 30 : rng.int(0...3) * 6)
        let professionalTarget = Hours(
            whole: profile < 62
                ? rng.int(60...84) : profile < 72 ? rng.int(40...59) : profile < 90 ? rng.int(62...70) : rng.int(0...40))
        var latest = lastDay ?? Day.lastOf(year: year)
        if let until, until < latest { latest = until }
        guard Day.firstOf(year: year) <= latest else { return [] }
        var out: [Record] = []
        var usedTitles = Set<String>()
        /// Whether the activity was taken (a title not used yet this year): its record is written unless
        /// the person's last day cut its span shorter than its hours can fit (a three-day course for someone
        /// who left on 2 January), which no clerk could register; the draws are the same either way, so
        /// that the rest of the demo does not change.
        @discardableResult func add(_ a: DemoPools.Activity, category: Category) -> Bool {
            let titled = a.mode == .online && a.category == .public ? "\(year)年度\(a.title)" : a.title
            guard usedTitles.insert(titled).inserted else { return false }
            let span = a.days
            let first = Day.firstOf(year: year).ordinal
            let lastStart = max(first, latest.ordinal - span + 1)
            let start = Day(ordinal: rng.int(first...lastStart))
            let end = Day(ordinal: min(start.ordinal + span - 1, latest.ordinal))
            var recognition = Recognition.recognized
            var assessment: Assessment =
                a.mode == .online || a.mode == .training || a.mode == .degree ? (rng.chance(0.15) ? .excellent : .passed) : .none
            var recognized: Hours? = a.hours
            var reason = ""
            let roll = rng.int(0...999)
            let recent = year == years.upperBound
            if roll < (recent ? 120 : 15) {
                recognition = .pending
                recognized = nil
            } else if roll < (recent ? 150 : 35) {
                recognition = .rejected
                recognized = nil
                reason = rng.pick(["证明材料不全", "举办单位不在目录内", "与已登记活动重复"])
            } else if roll < (recent ? 170 : 55), assessment != .none {
                assessment = .failed
            } else if roll < (recent ? 190 : 75) {
                // Recognised at less than claimed.
                recognized = Hours(tenths: a.hours.tenths * 3 / 4)
            }
            let score: String? =
                assessment == .none ? nil : assessment == .failed ? String(rng.int(30...59)) : String(rng.int(60...99))
            let record =
                Record(
                    personID: id, mode: a.mode, category: category, title: titled, provider: a.provider, startDate: start,
                    endDate: end, assessment: assessment, score: score, claimedHours: a.hours, recognizedHours: recognized,
                    recognition: recognition,
                    certificateNo: recognition == .recognized ? "JX\(year)\(String(rng.int(100000...999999)))" : "",
                    recognitionNote: reason)
            let cut = end.ordinal < start.ordinal + span - 1
            if !cut || Plausibility.problems(record, today: end, rules: nil).isEmpty { out.append(record) }
            return true
        }
        var pub = Hours.zero
        var tries = 0
        while pub < publicTarget && tries < 8 {
            tries += 1
            let a = tries == 1 ? publicActivities[0] : rng.pick(publicActivities)
            if add(a, category: .public) { pub += a.hours }
        }
        var prof = Hours.zero
        tries = 0
        while prof < professionalTarget && tries < 20 {
            tries += 1
            let a = rng.pick(professionalActivities)
            if add(a, category: .professional) { prof += a.hours }
        }
        return out
    }
}
