import Foundation

/// China keeps UTC+8 all year: case ids, Open311 times and report periods are all counted in it.
public enum ChinaTime {
    /// ISO 8601 rules (weeks start on Monday, week 1 holds the year's first Thursday), in UTC+8.
    public static let calendar: Calendar = {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3_600)!
        return calendar
    }()

    /// An ISO week as people write it: `2026-W49` → `2026年第49周`; anything else as it is. Ids and APIs keep the ISO
    /// form; notices and pages show this one.
    public static func weekWords(_ week: String) -> String {
        let parts = week.split(separator: "-W")
        guard parts.count == 2, let year = Int(parts[0]), let number = Int(parts[1]) else { return week }
        return "\(year)年第\(number)周"
    }
}
