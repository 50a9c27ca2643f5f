import DubanMessaging
import DubanRuntime
import DubanStorage
import EscalationService
import Foundation
import GRDB

/// The escalation sweep over 1,000,000 open cases, beside the floor it is judged against: reading every open case
/// once from the same table.
enum SweepBenchmark {
    struct Result {
        var cases: Int
        var fullScanSeconds: Double
        var weeklySweepSeconds: Double
        var weeklyNotices: Int
        var hourlySweepSeconds: Double
        var hourlyNotices: Int
        var peakMegabytes: Double
    }

    static func run(directory: String, config: String, cases: Int) throws -> Result {
        var migrator = DatabaseMigrator()
        EventStoreSchema.register(in: &migrator)
        Escalation.registerMigrations(in: &migrator)
        let database = try ServiceDatabase(directory: directory, name: "sweep", migrator: migrator)
        let supervisor = Supervisor(policy: try EscalationPolicy.load(path: config + "/escalation.yaml"),
                                    calendar: try CalendarFile.load(path: config + "/calendar.yaml"), publicURL: "http://duban")
        // Monday 2026-11-30 10:00 in Beijing: the week's digests are due.
        let now = Date(timeIntervalSince1970: 1_796_004_000)
        var generator = SeededGenerator(seed: 7)
        var index = 0
        while index < cases {
            let range = index..<min(cases, index + 10_000)
            try database.writer.write { db in
                let statement = try db.makeStatement(sql: """
                    INSERT INTO case_clock (case_id, bureau, bureau_name, category, city_level, deadline, open, tracked_at, title)
                    VALUES (?, ?, ?, 'c', 0, ?, 1, 0, '企业反映的问题')
                    """)
                for n in range {
                    // Deadlines from 5 days ago to 90 days ahead: about 5 % overdue, as in a steady caseload.
                    let deadline = now.timeIntervalSince1970 + Double.random(in: -5 * 86_400...90 * 86_400, using: &generator)
                    let bureau = "bureau-\(n % 20)"
                    try statement.execute(arguments: [String(format: "DB-%08d", n), bureau, bureau, deadline])
                }
            }
            index = range.upperBound
        }
        let fullScan = try seconds {
            _ = try database.writer.read { db in
                try GRDB.Row.fetchAll(db, sql: "SELECT * FROM case_clock WHERE open ORDER BY deadline").count
            }
        }
        var weeklyNotices = 0, hourlyNotices = 0
        let weekly = try seconds { weeklyNotices = try database.writer.write { try supervisor.sweep(at: now, in: $0) }.count }
        let hourly = try seconds {
            hourlyNotices = try database.writer.write { try supervisor.sweep(at: now.addingTimeInterval(3_600), in: $0) }.count
        }
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        return Result(cases: cases, fullScanSeconds: fullScan, weeklySweepSeconds: weekly, weeklyNotices: weeklyNotices,
                      hourlySweepSeconds: hourly, hourlyNotices: hourlyNotices, peakMegabytes: Double(usage.ru_maxrss) / 1_024)
    }
}
