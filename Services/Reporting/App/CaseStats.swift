import DubanModels
import Foundation
import GRDB

/// `GET /v1/stats?from=&to=&bureau=`: the published figures, over the cases collected in the period, overall and per
/// bureau. Every figure is defined in docs/METRICS.md and computed exactly that way here.
///
/// Speed: `figures_daily` keeps, per day of collection, bureau, counterpart and status, the counts every figure is a
/// ratio of. SQLite triggers on `case_view` keep it exact in the same transaction as each change, so a period of whole
/// days (all time, a month, a week) sums a few thousand rows instead of reading every case. Only "overdue" depends on
/// the moment of the query; it comes from the open cases by deadline. A period that does not start and end at midnight
/// in Beijing is counted from `case_view` itself.
public struct CaseStats: Codable, Sendable {
    public struct Figures: Codable, Sendable, Equatable {
        /// Cases collected (submitted) in the period.
        public var collected: Int
        /// Of those, cases whose owner recorded a measure (措施).
        public var measuresDrafted: Int
        /// Of those, cases resolved or closed now.
        public var solved: Int
        /// Of those, cases not resolved or closed now.
        public var open: Int
        /// Of the open ones, those past their deadline at the moment of the query.
        public var overdue: Int
        /// 响应率: share of routed cases the owner acted on (signed, measure, progress, resolve, return).
        public var responseRate: Double?
        /// 解决率: solved / collected.
        public var resolutionRate: Double?
        /// 满意率: share of rated cases rated 4 or 5.
        public var satisfactionRate: Double?
        /// Share of solved cases whose last resolution came at or before the deadline.
        public var onTimeRate: Double?
    }

    public var from: Date?
    public var to: Date?
    public var overall: Figures
    public var byBureau: [String: Figures]
    /// Counts by the status each case shows now.
    public var byStatus: [String: Int]
    /// Counts by owning bureau (the same as each `byBureau[…].collected`).
    public var casesByBureau: [String: Int]
    public var total: Int

    /// The counts one case contributes, as SQL over the columns of `row` (`NEW.`/`OLD.` in a trigger, or none).
    static func contribution(_ row: String) -> [(column: String, value: String)] {
        [("day", "COALESCE(CAST((\(row)submitted_at + \(ReportPeriod.utcOffset)) / 86400 AS INTEGER), -1)"),  // ReportPeriod.dayNumber
         ("bureau", "COALESCE(\(row)bureau, '')"), ("counterpart", "COALESCE(\(row)counterpart, '')"),
         ("status", CaseList.statusSQL(of: row)), ("cases", "1"),
         ("measured", "\(row)measure_drafted_at IS NOT NULL"), ("routed", "\(row)routings > 0"),
         ("responded", "\(row)responded_at IS NOT NULL"), ("rated", "\(row)satisfaction IS NOT NULL"),
         ("satisfied", "COALESCE(\(row)satisfaction >= 4, 0)"), ("resolved_in_time", "COALESCE(\(row)resolved_at <= \(row)deadline, 0)")]
    }

    static let countColumns = ["cases", "measured", "routed", "responded", "rated", "satisfied", "resolved_in_time"]

    static func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("reporting-v4-figures") { db in
            try db.execute(sql: """
                CREATE INDEX case_view_submitted ON case_view (submitted_at, case_id);
                CREATE INDEX case_view_open_deadline ON case_view (deadline, bureau, counterpart, submitted_at) WHERE \(CaseList.openSQL);
                CREATE TABLE bureau_directory (bureau TEXT PRIMARY KEY, name TEXT NOT NULL) WITHOUT ROWID;
                CREATE TABLE figures_daily (day INTEGER NOT NULL, bureau TEXT NOT NULL, counterpart TEXT NOT NULL, status TEXT NOT NULL,
                  \(countColumns.map { "\($0) INTEGER NOT NULL" }.joined(separator: ", ")),
                  PRIMARY KEY (day, bureau, counterpart, status)) WITHOUT ROWID;
                """)
            let watched = "intake_status, routings, returns, latest_triage, bureau, counterpart, submitted_at, measure_drafted_at, responded_at, satisfaction, resolved_at, deadline"
            try db.execute(sql: """
                CREATE TRIGGER figures_on_insert AFTER INSERT ON case_view BEGIN \(upsert("NEW.", sign: "")) END;
                CREATE TRIGGER figures_on_update AFTER UPDATE OF \(watched) ON case_view BEGIN
                  \(upsert("OLD.", sign: "-")) \(upsert("NEW.", sign: ""))
                END;
                """)
            // A read model from before this migration.
            let all = contribution("")
            try db.execute(sql: """
                INSERT INTO figures_daily (\(all.map(\.column).joined(separator: ", ")))
                SELECT \(all.prefix(4).map(\.value).joined(separator: ", ")), \(all.dropFirst(4).map { "SUM(\($0.value))" }.joined(separator: ", "))
                FROM case_view GROUP BY 1, 2, 3, 4;
                INSERT INTO bureau_directory SELECT bureau, max(bureau_name) FROM case_view WHERE bureau IS NOT NULL AND bureau_name IS NOT NULL GROUP BY bureau;
                """)
        }
    }

    /// Adds (or with `sign: "-"` takes away) one case's counts.
    private static func upsert(_ row: String, sign: String) -> String {
        let all = contribution(row)
        return """
            INSERT INTO figures_daily (\(all.map(\.column).joined(separator: ", ")))
            VALUES (\(all.prefix(4).map(\.value).joined(separator: ", ")), \(all.dropFirst(4).map { "\(sign)(\($0.value))" }.joined(separator: ", ")))
            ON CONFLICT (day, bureau, counterpart, status) DO UPDATE SET
            \(countColumns.map { "\($0) = \($0) + excluded.\($0)" }.joined(separator: ", "));
            """
    }

    /// Each bureau's name as routing's decisions gave it.
    static func bureauNames(in db: Database) throws -> [String: String] {
        Dictionary(try Row.fetchAll(db, sql: "SELECT bureau, name FROM bureau_directory").map { ($0["bureau"], $0["name"]) },
                   uniquingKeysWith: { first, _ in first })
    }

    static func compute(from: Date?, to: Date?, bureau: String?, now: Date, in db: Database) throws -> CaseStats {
        let groups: [(bureau: String, status: String, tally: Tally)]
        if let days = wholeDays(from: from, to: to) {
            groups = try sumDaily(days, bureau: bureau, in: db)
        } else {
            groups = try countCases(from: from, to: to, bureau: bureau, in: db)
        }
        var overall = Tally(), bureaus: [String: Tally] = [:], byStatus: [String: Int] = [:]
        for group in groups {
            overall += group.tally
            bureaus[group.bureau, default: Tally()] += group.tally
            byStatus[group.status, default: 0] += group.tally.cases
        }
        for (owner, count) in try overdue(from: from, to: to, bureau: bureau, now: now, in: db) {
            overall.overdue += count
            bureaus[owner, default: Tally()].overdue += count
        }
        return CaseStats(from: from, to: to, overall: overall.figures, byBureau: bureaus.mapValues(\.figures),
                         byStatus: byStatus, casesByBureau: bureaus.mapValues(\.cases), total: overall.cases)
    }

    /// The period as days since 1970 in Beijing, when it starts and ends at midnight there (or is open-ended).
    private static func wholeDays(from: Date?, to: Date?) -> (Int?, Int?)? {
        func day(_ date: Date?) -> Int?? {
            guard let date else { return .some(nil) }
            let day = ReportPeriod.dayNumber(date)
            return day == day.rounded(.down) ? .some(Int(day)) : nil
        }
        guard let start = day(from), let end = day(to) else { return nil }
        return (start, end)
    }

    private static func sumDaily(_ days: (Int?, Int?), bureau: String?, in db: Database) throws -> [(bureau: String, status: String, tally: Tally)] {
        var conditions: [String] = [], arguments: StatementArguments = []
        if let start = days.0 { conditions.append("day >= ?"); arguments += [start] }
        if let end = days.1 { conditions.append("day >= 0 AND day < ?"); arguments += [end] }
        if let bureau { conditions.append("(bureau = ? OR counterpart = ?)"); arguments += [bureau, bureau] }
        let clause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try Row.fetchAll(db, sql: """
            SELECT bureau, status, \(countColumns.map { "SUM(\($0)) AS \($0)" }.joined(separator: ", "))
            FROM figures_daily \(clause) GROUP BY bureau, status HAVING SUM(cases) > 0
            """, arguments: arguments).map(group)
    }

    private static func countCases(from: Date?, to: Date?, bureau: String?, in db: Database) throws -> [(bureau: String, status: String, tally: Tally)] {
        var conditions: [String] = [], arguments: StatementArguments = []
        if let from { conditions.append("submitted_at >= ?"); arguments += [from.timeIntervalSince1970] }
        if let to { conditions.append("submitted_at < ?"); arguments += [to.timeIntervalSince1970] }
        if let bureau { conditions.append("(bureau = ? OR counterpart = ?)"); arguments += [bureau, bureau] }
        let clause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let all = contribution("")
        return try Row.fetchAll(db, sql: """
            SELECT \(all[1].value) AS bureau, \(all[3].value) AS status,
              \(all.dropFirst(4).map { "SUM(\($0.value)) AS \($0.column)" }.joined(separator: ", "))
            FROM case_view \(clause) GROUP BY 1, 2
            """, arguments: arguments).map(group)
    }

    private static func group(_ row: Row) -> (bureau: String, status: String, tally: Tally) {
        let status: String = row["status"]
        let owner: String = row["bureau"]
        return (owner.isEmpty ? "unrouted" : owner, status, Tally(row, isOpen: CaseStatus(rawValue: status)?.isOpen ?? true))
    }

    /// Open cases collected in the period and past their deadline now, per owning bureau.
    private static func overdue(from: Date?, to: Date?, bureau: String?, now: Date, in db: Database) throws -> [String: Int] {
        var conditions = [CaseList.openSQL, "deadline < ?"], arguments: StatementArguments = [now.timeIntervalSince1970]
        if let from { conditions.append("submitted_at >= ?"); arguments += [from.timeIntervalSince1970] }
        if let to { conditions.append("submitted_at < ?"); arguments += [to.timeIntervalSince1970] }
        if let bureau { conditions.append("(bureau = ? OR counterpart = ?)"); arguments += [bureau, bureau] }
        var counts: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT COALESCE(bureau, 'unrouted') AS bureau, COUNT(*) AS overdue FROM case_view INDEXED BY case_view_open_deadline
            WHERE \(conditions.joined(separator: " AND ")) GROUP BY 1
            """, arguments: arguments) {
            counts[row["bureau"]] = row["overdue"]
        }
        return counts
    }
}

/// The counts the figures are ratios of.
private struct Tally {
    var cases = 0, measured = 0, routed = 0, responded = 0, rated = 0, satisfied = 0
    var solved = 0, open = 0, overdue = 0, onTime = 0

    init() {}

    init(_ row: Row, isOpen: Bool) {
        cases = row["cases"]
        measured = row["measured"]
        routed = row["routed"]
        responded = row["responded"]
        rated = row["rated"]
        satisfied = row["satisfied"]
        if isOpen { open = cases } else { solved = cases; onTime = row["resolved_in_time"] }
    }

    static func += (lhs: inout Tally, rhs: Tally) {
        lhs.cases += rhs.cases; lhs.measured += rhs.measured; lhs.routed += rhs.routed
        lhs.responded += rhs.responded; lhs.rated += rhs.rated; lhs.satisfied += rhs.satisfied
        lhs.solved += rhs.solved; lhs.open += rhs.open; lhs.overdue += rhs.overdue; lhs.onTime += rhs.onTime
    }

    var figures: CaseStats.Figures {
        func rate(_ part: Int, _ whole: Int) -> Double? { whole == 0 ? nil : Double(part) / Double(whole) }
        return CaseStats.Figures(collected: cases, measuresDrafted: measured, solved: solved, open: open, overdue: overdue,
                                 responseRate: rate(responded, routed), resolutionRate: rate(solved, cases),
                                 satisfactionRate: rate(satisfied, rated), onTimeRate: rate(onTime, solved))
    }
}
