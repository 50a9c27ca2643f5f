import Foundation
import Testing
@testable import DubanRuntime

/// The statutory holidays computed for years without the State Council's notice, checked against published dates,
/// and the notice's data in calendar.yaml still ruling the years it covers.
@Suite struct StatutoryHolidayTests {
    static let calendar = CalendarTests.calendar
    static func day(_ text: String) -> Date { CalendarTests.day(text) }

    static func civil(_ text: String) -> DateComponents {
        let parts = text.split(separator: "-").map { Int($0)! }
        return DateComponents(year: parts[0], month: parts[1], day: parts[2])
    }

    static func text(_ parts: DateComponents) -> String {
        String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    @Test(arguments: [(2025, 4), (2026, 5), (2027, 5), (2028, 4), (2029, 4), (2030, 5)])
    func qingmingFollowsTheSolarTerm(year: Int, day: Int) {
        #expect(StatutoryHolidays.qingmingDay(year: year) == day)
    }

    @Test func the2027HolidaysAreTheLaws() {
        // Lunar New Year 2027 is 02-06: Eve 02-05 to the 3rd day 02-08; Dragon Boat 06-09; Mid-Autumn 09-15.
        #expect(StatutoryHolidays.days(year: 2027).map(Self.text) == [
            "2027-01-01", "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-04-05", "2027-05-01", "2027-05-02",
            "2027-06-09", "2027-09-15", "2027-10-01", "2027-10-02", "2027-10-03",
        ])
    }

    @Test(arguments: ["2027-01-01", "2027-02-05", "2027-02-08", "2027-04-05", "2027-06-09", "2027-09-15", "2027-10-01"])
    func aYearWithoutTheNoticeKeepsTheStatutoryDaysOff(date: String) {
        // All weekdays in 2027, off by law although calendar.yaml has no 2027 entry yet.
        #expect(!Self.calendar.isWorkingDay(Self.day(date)))
    }

    @Test func aYearWithoutTheNoticeCountsAroundThem() {
        #expect(Self.calendar.isWorkingDay(Self.day("2027-02-04")))  // Thursday before Spring Festival Eve
        #expect(Self.calendar.isWorkingDay(Self.day("2027-02-09")))  // Tuesday after the 3rd day
        // Thursday 2026-12-31 plus one working day: Friday 2027-01-01 is New Year's Day, so Monday 01-04.
        #expect(Self.calendar.adding(workingDays: 1, to: Self.day("2026-12-31")) == Self.day("2027-01-04"))
        // Still reported as a year whose makeup days are unknown.
        #expect(Self.calendar.uncoveredYears(from: Self.day("2026-12-01"), through: Self.day("2027-01-10")) == [2027])
    }

    @Test func aYearInTheFileUsesTheFilesDataOnly() {
        // 2026 as calendar.yaml says: the makeup Saturday is worked, the bridging days are off.
        #expect(Self.calendar.isWorkingDay(Self.day("2026-10-10")))
        #expect(!Self.calendar.isWorkingDay(Self.day("2026-10-07")))
        // A year in the data with nothing listed has no holidays at all: nothing computed is added to it.
        let bare = WorkingCalendar(timeZone: TimeZone(identifier: "Asia/Shanghai")!, daysOff: [], makeupWorkdays: [], coveredYears: [2027])
        #expect(bare.isWorkingDay(Self.day("2027-01-01")))
        #expect(bare.isWorkingDay(Self.day("2028-01-03")))  // Monday 2028-01-03: an ordinary working day
        #expect(!bare.isWorkingDay(Self.day("2028-10-02")))  // Monday 2028-10-02: National Day, computed (2028 not covered)
    }

    @Test(arguments: [2025, 2026])
    func theFilesDaysOffContainTheStatutoryOnes(year: Int) throws {
        let path = repositoryPath("deploy/config/calendar.yaml")
        let listed = Set(try CalendarFile.read(path: path).daysOff(year: year, path: path).map(Self.text))
        let statutory = StatutoryHolidays.days(year: year).map(Self.text)
        #expect(!listed.isEmpty)
        #expect(statutory.filter { !listed.contains($0) } == [], "statutory days of \(year) missing from calendar.yaml")
    }
}
