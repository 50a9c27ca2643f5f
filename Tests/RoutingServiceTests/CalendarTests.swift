import Foundation
import DubanRuntime
import Testing
@testable import RoutingService

@Suite struct CalendarTests {
    static let calendar: WorkingCalendar = {
        try! CalendarFile.load(path: repositoryPath("deploy/config/calendar.yaml"))
    }()

    /// 09:00 Beijing time on a day.
    static func day(_ text: String, hour: Int = 9) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let parts = text.split(separator: "-").map { Int($0)! }
        return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: hour))!
    }

    @Test(arguments: [
        // Spring Festival 2026: off 02-15..02-23, makeup 02-14 (Sat) and 02-28 (Sat).
        ("2026-02-12", 7, "2026-02-28"),
        ("2026-02-13", 1, "2026-02-14"),
        ("2026-02-14", 1, "2026-02-24"),
        // New Year 2026: off 01-01..01-03, makeup 01-04 (Sun).
        ("2025-12-31", 1, "2026-01-04"),
        ("2025-12-31", 2, "2026-01-05"),
        // Qingming 2026 (04-04..04-06), Labour Day (05-01..05-05, makeup 05-09 Sat).
        ("2026-04-03", 1, "2026-04-07"),
        ("2026-04-30", 1, "2026-05-06"),
        ("2026-05-08", 1, "2026-05-09"),
        // Dragon Boat 2026 (06-19..06-21), Mid-Autumn (09-25..09-27, makeup 09-20 Sun).
        ("2026-06-18", 1, "2026-06-22"),
        ("2026-09-19", 1, "2026-09-20"),
        ("2026-09-24", 1, "2026-09-28"),
        // National Day 2026: off 10-01..10-07, makeup 10-10 (Sat).
        ("2026-09-30", 1, "2026-10-08"),
        ("2026-09-30", 3, "2026-10-10"),
        ("2026-09-30", 4, "2026-10-12"),
        // 2025: Spring Festival 01-28..02-04 with makeup 01-26 and 02-08; National Day 10-01..10-08, makeup 09-28, 10-11.
        ("2025-01-24", 1, "2025-01-26"),
        ("2025-01-27", 1, "2025-02-05"),
        ("2025-02-07", 1, "2025-02-08"),
        ("2025-04-03", 1, "2025-04-07"),
        ("2025-04-25", 1, "2025-04-27"),
        ("2025-04-30", 1, "2025-05-06"),
        ("2025-05-30", 1, "2025-06-03"),
        ("2025-09-26", 1, "2025-09-28"),
        ("2025-09-30", 1, "2025-10-09"),
        ("2025-10-10", 1, "2025-10-11"),
        // Ordinary weeks: Friday plus one is Monday.
        ("2026-11-27", 1, "2026-11-30"),
        ("2026-11-27", 5, "2026-12-04"),
    ])
    func addingWorkingDaysFollowsTheStateCouncilNotices(start: String, days: Int, expected: String) {
        #expect(Self.calendar.adding(workingDays: days, to: Self.day(start)) == Self.day(expected))
    }

    @Test func makeupDaysAreWorkingAndHolidaysAreNot() {
        #expect(Self.calendar.isWorkingDay(Self.day("2026-02-14")))   // Saturday, makeup
        #expect(!Self.calendar.isWorkingDay(Self.day("2026-02-16")))  // Monday, Spring Festival
        #expect(!Self.calendar.isWorkingDay(Self.day("2026-11-28")))  // ordinary Saturday
        #expect(Self.calendar.isWorkingDay(Self.day("2026-11-27")))   // ordinary Friday
    }

    @Test func yearsWithoutDataAreReported() {
        #expect(Self.calendar.uncoveredYears(from: Self.day("2026-12-01"), through: Self.day("2027-01-10")) == [2027])
        #expect(Self.calendar.uncoveredYears(from: Self.day("2025-01-01"), through: Self.day("2026-12-31")).isEmpty)
        // 2027 counts weekends only: Friday 2027-01-01 plus one working day is Monday 01-04.
        #expect(Self.calendar.adding(workingDays: 1, to: Self.day("2027-01-01")) == Self.day("2027-01-04"))
    }
}

/// A file of this repository, found from this source file's location.
func repositoryPath(_ relative: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(relative).path
}
