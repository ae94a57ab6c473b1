import CeledgerDomain
import Foundation

extension Day {
    /// The calendar day it is now where the clerk is: the "today" the domain's `Plausibility` is handed.
    /// Here, not in the domain, because the domain reads no clock.
    public static func today(in timeZone: TimeZone = .current, now: Date = Date()) -> Day {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: now)
        return Day(year: c.year!, month: c.month!, day: c.day!)!
    }
}
