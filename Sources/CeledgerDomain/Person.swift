/// A professional or technical staff member whose continuing education the ledger records.
public struct Person: Hashable, Sendable {
    public var id: ResidentID
    public var name: String
    public var unit: String
    public var department: String
    public var title: String
    public var titleLevel: TitleLevel?
    public var specialty: String
    public var status: EmploymentStatus
    /// The day the person left or retired; nil while active.
    public var statusDate: Day?
    public var category: PersonCategory

    public init(
        id: ResidentID, name: String, unit: String = "", department: String = "", title: String = "",
        titleLevel: TitleLevel? = nil, specialty: String = "", status: EmploymentStatus = .active,
        statusDate: Day? = nil, category: PersonCategory = .employee
    ) {
        self.id = id
        self.name = name
        self.unit = unit
        self.department = department
        self.title = title
        self.titleLevel = titleLevel
        self.specialty = specialty
        self.status = status
        self.statusDate = statusDate
        self.category = category
    }

    public var gender: Gender { id.gender }
    public var birthDate: Day { id.birthDate }

    /// A person is in a year's report when active on any day of it: leaving or retiring during the year
    /// keeps the person in that year and ends it for the years after.
    public func isActive(in year: Int) -> Bool {
        Person.isActive(status: status, statusDate: statusDate, in: year)
    }

    public static func isActive(status: EmploymentStatus, statusDate: Day?, in year: Int) -> Bool {
        guard status != .active, let d = statusDate else { return true }
        return d.year >= year
    }
}
