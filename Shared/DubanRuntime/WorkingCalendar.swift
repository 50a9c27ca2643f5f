import Foundation
import Logging

/// China's working-day calendar: weekends and statutory holidays off, makeup working days (调休) on.
///
/// Loaded from `deploy/config/calendar.yaml`, which carries the State Council notices year by year. For a year with
/// no data, only weekends count, and ``uncoveredYears(from:through:)`` says so for logs and health.
public struct WorkingCalendar: Sendable {
    public let timeZone: TimeZone
    private let daysOff: Set<DayKey>
    private let makeupWorkdays: Set<DayKey>
    public let coveredYears: Set<Int>

    struct DayKey: Hashable, Sendable {
        var year: Int, month: Int, day: Int
    }

    public init(timeZone: TimeZone, daysOff: [DateComponents], makeupWorkdays: [DateComponents], coveredYears: Set<Int>) {
        self.timeZone = timeZone
        self.daysOff = Set(daysOff.compactMap(DayKey.init))
        self.makeupWorkdays = Set(makeupWorkdays.compactMap(DayKey.init))
        self.coveredYears = coveredYears
    }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    public func isWorkingDay(_ date: Date) -> Bool {
        let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: date)
        guard let key = DayKey(parts) else { return false }
        if makeupWorkdays.contains(key) { return true }
        if daysOff.contains(key) { return false }
        return parts.weekday != 1 && parts.weekday != 7  // Sunday is 1, Saturday 7
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
    public func workingDays(from start: Date, to end: Date) -> Int {
        var count = 0
        var date = start
        while true {
            date = calendar.date(byAdding: .day, value: 1, to: date)!
            guard date <= end else { return count }
            if isWorkingDay(date) { count += 1 }
        }
    }

    /// Years in the range with no holiday data: deadlines there count weekends only.
    public func uncoveredYears(from start: Date, through end: Date) -> [Int] {
        let first = calendar.component(.year, from: start), last = calendar.component(.year, from: end)
        return (first...max(first, last)).filter { !coveredYears.contains($0) }
    }
}

extension WorkingCalendar.DayKey {
    init?(_ parts: DateComponents) {
        guard let year = parts.year, let month = parts.month, let day = parts.day else { return nil }
        self.init(year: year, month: month, day: day)
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
