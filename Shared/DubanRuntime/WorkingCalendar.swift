import Foundation
import Logging

/// China's working-day calendar: weekends and statutory holidays off, makeup working days (调休) on.
///
/// Loaded from `deploy/config/calendar.yaml`, which carries the State Council notices year by year; a year there uses
/// the file's data only. For a year without the notice (2000–2099), the statutory holidays the law fixes are computed
/// (``StatutoryHolidays``) and count as days off; the notice's bridging days and makeup working days are not yet
/// known, and ``uncoveredYears(from:through:)`` says so for logs and health.
public struct WorkingCalendar: Sendable {
    public let timeZone: TimeZone
    /// Local days, numbered from 1970-01-01: checking a day is a hash lookup, not a calendar computation, which is
    /// what lets escalation sweep a million open cases.
    private let daysOff: Set<Int>
    private let makeupWorkdays: Set<Int>
    public let coveredYears: Set<Int>

    public init(timeZone: TimeZone, daysOff: [DateComponents], makeupWorkdays: [DateComponents], coveredYears: Set<Int>) {
        self.timeZone = timeZone
        let statutory = StatutoryHolidays.years.filter { !coveredYears.contains($0) }.flatMap(StatutoryHolidays.days(year:))
        self.daysOff = Set((daysOff + statutory).compactMap(Self.dayNumber(civil:)))
        self.makeupWorkdays = Set(makeupWorkdays.compactMap(Self.dayNumber(civil:)))
        self.coveredYears = coveredYears
    }

    /// The number of a civil date (year, month, day), counted from 1970-01-01.
    static func dayNumber(civil parts: DateComponents) -> Int? {
        guard let year = parts.year, let month = parts.month, let day = parts.day else { return nil }
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        return utc.date(from: DateComponents(year: year, month: month, day: day)).map { Int($0.timeIntervalSince1970 / 86_400) }
    }

    /// The local day `date` falls on, and the seconds since that day's midnight.
    private func localDay(_ date: Date) -> (day: Int, second: Double) {
        let local = date.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: date))
        let day = (local / 86_400).rounded(.down)
        return (Int(day), local - day * 86_400)
    }

    private func isWorkingDay(number day: Int) -> Bool {
        if makeupWorkdays.contains(day) { return true }
        if daysOff.contains(day) { return false }
        let weekday = ((day + 4) % 7 + 7) % 7  // 1970-01-01 was a Thursday; 0 is Sunday, 6 Saturday
        return weekday != 0 && weekday != 6
    }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    public func isWorkingDay(_ date: Date) -> Bool {
        isWorkingDay(number: localDay(date).day)
    }

    /// The moment `count` working days after `start`, at the same time of day: each working day after the start day
    /// counts one. A start on a day off begins counting from the next working day.
    public func adding(workingDays count: Int, to start: Date) -> Date {
        var date = start
        var remaining = count
        while remaining > 0 {
            date = calendar.date(byAdding: .day, value: 1, to: date)!
            if isWorkingDay(date) { remaining -= 1 }
        }
        return date
    }

    /// How many working days lie after `start` up to and including `end` (0 when `end` is not later).
    /// That is: the working days after `start`'s day up to `end`'s, the last one only once its time of day is reached.
    public func workingDays(from start: Date, to end: Date) -> Int {
        guard end > start else { return 0 }
        let first = localDay(start), last = localDay(end)
        let lastDay = last.second >= first.second ? last.day : last.day - 1
        guard lastDay > first.day else { return 0 }
        return (first.day + 1...lastDay).reduce(0) { $0 + (isWorkingDay(number: $1) ? 1 : 0) }
    }

    /// Years in the range without the State Council's notice: deadlines there count weekends and the computed
    /// statutory holidays, but no bridging days or makeup working days.
    public func uncoveredYears(from start: Date, through end: Date) -> [Int] {
        let first = calendar.component(.year, from: start), last = calendar.component(.year, from: end)
        return (first...max(first, last)).filter { !coveredYears.contains($0) }
    }
}


extension WorkingCalendar {
    /// The moment `count` working days before `end`, at the same time of day.
    public func subtracting(workingDays count: Int, from end: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var date = end
        var remaining = count
        while remaining > 0 {
            date = calendar.date(byAdding: .day, value: -1, to: date)!
            if isWorkingDay(date) { remaining -= 1 }
        }
        return date
    }
}
