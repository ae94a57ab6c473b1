import CeledgerDomain

/// How the persons list is sorted.
public enum PersonSort: String, CaseIterable, Sendable {
    case name, idNumber, unit, title, publicHours, professionalHours, totalHours, status
}

/// Which persons the list shows by their year's result.
public enum StatusFilter: String, CaseIterable, Sendable {
    case all, met, short, professionalShort
}

/// What the persons screen asks for: one year, filtered, searched and sorted. Paged with SQL.
public struct PersonListQuery: Hashable, Sendable {
    public var year: Int
    public var unit: String?
    public var department: String?
    public var status: StatusFilter = .all
    /// Name, ID digits or pinyin initials ("zs" finds 张三).
    public var search: String = ""
    public var sort: PersonSort = .name
    public var descending = false

    public init(year: Int) { self.year = year }
}

/// Where a row stands in the persons list's order: its sort values and its row id. The next page starts
/// after the last row's key (keyset paging), so a page costs the same at the end of a long list as at its
/// start.
public struct ListKey: Hashable, Sendable {
    /// Opaque to screens: only the ledger that made a key reads it.
    package enum Value: Hashable, Sendable {
        case int(Int64)
        case text(String)
    }
    package let values: [Value]
    package let id: Int64
    package init(values: [Value], id: Int64) {
        self.values = values
        self.id = id
    }
}

public struct PersonListRow: Hashable, Sendable {
    public let key: ListKey
    public let rowID: Int64
    public let idNumber: String
    public let name: String
    public let unit: String
    public let department: String
    public let title: String
    public let titleLevel: TitleLevel?
    public let totals: AnnualTotals
    public init(
        key: ListKey, rowID: Int64, idNumber: String, name: String, unit: String, department: String, title: String,
        titleLevel: TitleLevel?, totals: AnnualTotals
    ) {
        self.key = key
        self.rowID = rowID
        self.idNumber = idNumber
        self.name = name
        self.unit = unit
        self.department = department
        self.title = title
        self.titleLevel = titleLevel
        self.totals = totals
    }
}

public struct YearSummary: Hashable, Sendable {
    public let persons: Int
    public let met: Int
    public var short: Int { persons - met }
    public init(persons: Int, met: Int) {
        self.persons = persons
        self.met = met
    }
}
