import Foundation

/// The days off that the law itself fixes each year, computed: 全国年节及纪念日放假办法 (as revised 10 Nov 2024, in force
/// from 2025) gives New Year's Day (1 Jan), the Spring Festival (lunar New Year's Eve and the 1st–3rd of the first
/// lunar month), Qingming (the day of the solar term), Labour Day (1–2 May), the Dragon Boat festival (5th of the 5th
/// lunar month), Mid-Autumn (15th of the 8th lunar month) and National Day (1–3 Oct).
///
/// The State Council's yearly notice adds bridging days and the weekend makeup working days (调休); those cannot be
/// computed, so a year without the notice in `calendar.yaml` counts these days and weekends only.
public enum StatutoryHolidays {
    /// The years the computation is valid for (the Qingming formula's century).
    public static let years = 2000...2099

    /// The statutory days off of a Gregorian year, as civil dates (year, month, day); empty outside ``years``.
    /// Computed once per process (a static `let` is initialised once, thread-safely): every calendar load reuses it.
    public static func days(year: Int) -> [DateComponents] {
        byYear[year] ?? []
    }

    private static let byYear: [Int: [DateComponents]] = Dictionary(uniqueKeysWithValues: years.map { ($0, compute(year: $0)) })

    private static func compute(year: Int) -> [DateComponents] {
        var days: [DateComponents] = []
        func add(_ month: Int, _ day: Int) { days.append(DateComponents(year: year, month: month, day: day)) }
        add(1, 1)
        if let newYear = lunarDate(year: year, month: 1, day: 1) {
            // Spring Festival Eve is the last day of the 12th lunar month (its 29th or 30th): the day before.
            for offset in -1...2 { days.append(civil(newYear, plusDays: offset)) }
        }
        add(4, qingmingDay(year: year))
        add(5, 1)
        add(5, 2)
        if let dragonBoat = lunarDate(year: year, month: 5, day: 5) { days.append(civil(dragonBoat, plusDays: 0)) }
        if let midAutumn = lunarDate(year: year, month: 8, day: 15) { days.append(civil(midAutumn, plusDays: 0)) }
        for day in 1...3 { add(10, day) }
        return days
    }

    /// The April day of Qingming (the sun at apparent longitude 15°) in a year of 2000–2099, by the usual closed
    /// formula for the 21st century: ⌊Y·0.2422 + 4.81⌋ − ⌊Y/4⌋ with Y the year within the century. Checked against
    /// the published dates in the tests (2025-04-04, 2026-04-05, … 2030-04-05).
    public static func qingmingDay(year: Int) -> Int {
        let y = year % 100
        return Int((Double(y) * 0.2422 + 4.81).rounded(.down)) - y / 4
    }

    /// China's lunar calendar as the law means it: days in China Standard Time.
    private static let chinese: Calendar = {
        var calendar = Calendar(identifier: .chinese)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        return calendar
    }()

    private static let gregorian: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        return calendar
    }()

    /// Noon (China time) of a lunar month's day in the lunar year that begins in Gregorian `year` (the lunar New Year
    /// falls between 21 January and 20 February, so the lunar year running on 1 June is that one). Not a leap month.
    static func lunarDate(year: Int, month: Int, day: Int) -> Date? {
        guard let june = gregorian.date(from: DateComponents(year: year, month: 6, day: 1, hour: 12)) else { return nil }
        let lunarYear = chinese.dateComponents([.era, .year], from: june)
        var parts = DateComponents(era: lunarYear.era, year: lunarYear.year, month: month, day: day, hour: 12)
        parts.isLeapMonth = false
        guard let date = chinese.date(from: parts) else { return nil }
        // Read back, so a converter that normalised the request into another month or year is not trusted.
        let check = chinese.dateComponents([.era, .year, .month, .day], from: date)
        guard check.era == lunarYear.era, check.year == lunarYear.year, check.month == month, check.day == day,
              chinese.dateComponents([.month], from: date).isLeapMonth != true else { return nil }
        return date
    }

    private static func civil(_ date: Date, plusDays offset: Int) -> DateComponents {
        let shifted = gregorian.date(byAdding: .day, value: offset, to: date) ?? date
        return gregorian.dateComponents([.year, .month, .day], from: shifted)
    }
}
