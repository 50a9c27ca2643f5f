import Foundation
import Yams

/// `deploy/config/calendar.yaml`: per year, the days off and the makeup working days, as `MM-DD` or `MM-DD..MM-DD`.
public struct CalendarFile: Codable {
    struct Year: Codable {
        var year: Int
        var daysOff: [String]
        var makeupWorkdays: [String]
    }

    var timeZone: String
    var years: [Year]

    /// The file as written.
    static func read(path: String) throws -> CalendarFile {
        try YAMLDecoder().decode(CalendarFile.self, from: try String(contentsOfFile: path, encoding: .utf8))
    }

    /// The days off the file lists for `year` (empty when the year is not in the file).
    func daysOff(year: Int, path: String) throws -> [DateComponents] {
        try years.filter { $0.year == year }.flatMap { entry in try entry.daysOff.flatMap { try Self.days($0, year: year, path: path) } }
    }

    /// The working calendar: the file's years as written, other years with the computed statutory holidays.
    public static func load(path: String) throws -> WorkingCalendar {
        let file = try read(path: path)
        guard let zone = TimeZone(identifier: file.timeZone) else {
            throw CalendarError(path: path, problems: ["unknown time zone \(file.timeZone)"])
        }
        var off: [DateComponents] = [], on: [DateComponents] = []
        for year in file.years {
            for entry in year.daysOff { off += try days(entry, year: year.year, path: path) }
            for entry in year.makeupWorkdays { on += try days(entry, year: year.year, path: path) }
        }
        return WorkingCalendar(timeZone: zone, daysOff: off, makeupWorkdays: on, coveredYears: Set(file.years.map(\.year)))
    }

    private static func days(_ entry: String, year: Int, path: String) throws -> [DateComponents] {
        let bounds = entry.components(separatedBy: "..").map { $0.trimmingCharacters(in: .whitespaces) }
        func parse(_ text: String) throws -> (Int, Int) {
            let parts = text.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 2, (1...12).contains(parts[0]), (1...31).contains(parts[1]) else {
                throw CalendarError(path: path, problems: ["\(year): '\(entry)' is not MM-DD or MM-DD..MM-DD"])
            }
            return (parts[0], parts[1])
        }
        let first = try parse(bounds[0])
        let last = bounds.count > 1 ? try parse(bounds[1]) : first
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard var date = calendar.date(from: DateComponents(year: year, month: first.0, day: first.1)),
              let end = calendar.date(from: DateComponents(year: year, month: last.0, day: last.1)), date <= end else {
            throw CalendarError(path: path, problems: ["\(year): '\(entry)' is not a forward range"])
        }
        var result: [DateComponents] = []
        while date <= end {
            result.append(calendar.dateComponents([.year, .month, .day], from: date))
            date = calendar.date(byAdding: .day, value: 1, to: date)!
        }
        return result
    }
}

public struct CalendarError: Error, CustomStringConvertible {
    public var path: String
    public var problems: [String]
    public var description: String { "\(path): " + problems.joined(separator: "; ") }
}
