import Foundation

/// China keeps UTC+8 all year: case ids, Open311 times and report periods are all counted in it.
public enum ChinaTime {
    /// ISO 8601 rules (weeks start on Monday, week 1 holds the year's first Thursday), in UTC+8.
    public static let calendar: Calendar = {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3_600)!
        return calendar
    }()

    public static let zone = TimeZone(secondsFromGMT: 8 * 3_600)!

    /// Midnight in Beijing time of a `yyyy-MM-dd` day; nil for anything else, and for a day that does not exist
    /// (the calendar would roll 2026-13-45 over into 2027).
    public static func day(_ text: String) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).compactMap { Int($0) }
        guard parts.count == 3, (2000...2100).contains(parts[0]),
              let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])) else { return nil }
        let back = calendar.dateComponents([.year, .month, .day], from: date)
        return (back.year, back.month, back.day) == (parts[0], parts[1], parts[2]) ? date : nil
    }

    /// An ISO week as people write it: `2026-W49` → `2026年第49周`; anything else as it is. Ids and APIs keep the ISO
    /// form; notices and pages show this one.
    public static func weekWords(_ week: String) -> String {
        let parts = week.split(separator: "-W")
        guard parts.count == 2, let year = Int(parts[0]), let number = Int(parts[1]) else { return week }
        return "\(year)年第\(number)周"
    }
}
