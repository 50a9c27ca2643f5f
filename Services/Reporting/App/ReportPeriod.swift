import DubanRuntime
import Foundation

/// Calendar periods in China time (UTC+8 all year).
enum ReportPeriod {
    static var calendar: Calendar { ChinaTime.calendar }

    /// Beijing's offset from UTC (no daylight saving), for day numbers in SQL as well as here.
    static let utcOffset = 28_800

    /// Days since 1970-01-01 in Beijing: whole at midnight there. `figures_daily` is keyed by its integer part.
    static func dayNumber(_ date: Date) -> Double {
        (date.timeIntervalSince1970 + Double(utcOffset)) / 86_400
    }

    /// `yyyy-MM` → the month's first midnight and the next month's.
    static func month(_ text: String) -> (Date, Date)? {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let year = Int(parts[0]), let month = Int(parts[1]),
              (1...12).contains(month), (2000...2100).contains(year),
              let start = calendar.date(from: DateComponents(year: year, month: month, day: 1)),
              let end = calendar.date(byAdding: .month, value: 1, to: start) else { return nil }
        return (start, end)
    }

    /// ISO week `yyyy-Www` → its Monday midnight and the next Monday's.
    static func week(_ text: String) -> (Date, Date)? {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[1].hasPrefix("W"), let year = Int(parts[0]), let week = Int(parts[1].dropFirst()),
              (2000...2100).contains(year), (1...53).contains(week),
              let start = calendar.date(from: DateComponents(weekday: 2, weekOfYear: week, yearForWeekOfYear: year)),
              calendar.component(.weekOfYear, from: start) == week,
              let end = calendar.date(byAdding: .day, value: 7, to: start) else { return nil }
        return (start, end)
    }

    /// The ISO week that holds `date`, as `yyyy-Www`.
    static func weekName(of date: Date) -> String {
        let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
        return "\(parts.yearForWeekOfYear!)-W" + (parts.weekOfYear! < 10 ? "0" : "") + String(parts.weekOfYear!)
    }

    /// `from` and `to` query parameters: each a day (2026-11-01, midnight in Beijing) or an ISO 8601 time; `from`
    /// before `to`. A 400 `invalid_period` otherwise.
    static func range(from: String?, to: String?) throws -> (Date?, Date?) {
        func date(_ name: String, _ text: String?) throws -> Date? {
            guard let text else { return nil }
            guard let date = (try? Date(text, strategy: .iso8601)) ?? Reporting.day(text) else {
                throw APIError.badRequest("invalid_period", "\(name) must be a date (2026-11-01) or an ISO 8601 time")
            }
            return date
        }
        let start = try date("from", from), end = try date("to", to)
        if let start, let end, start >= end { throw APIError.badRequest("invalid_period", "from must come before to") }
        return (start, end)
    }

    static func monthName(of date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month], from: date)
        return "\(parts.year!)-" + (parts.month! < 10 ? "0" : "") + String(parts.month!)
    }
}
