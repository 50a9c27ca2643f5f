import Foundation

/// China keeps UTC+8 all year: case ids, Open311 times and report periods are all counted in it.
public enum ChinaTime {
    /// ISO 8601 rules (weeks start on Monday, week 1 holds the year's first Thursday), in UTC+8.
    public static let calendar: Calendar = {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3_600)!
        return calendar
    }()
}
