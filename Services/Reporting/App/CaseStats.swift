import DubanModels
import Foundation
import GRDB

/// `GET /v1/stats?from=&to=&bureau=`: the published figures, over the cases collected in the period, overall and per
/// bureau. Every figure is defined in docs/METRICS.md and computed exactly that way here, in one pass of SQLite over
/// the `case_view_figures` covering index (a million cases take well under a second; see `make bench`).
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

    /// The index the figures are read from: every column they need, led by the collection time that periods select on;
    /// and the open cases by deadline, for what is overdue.
    static func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("reporting-v4-figures-index") { db in
            try db.execute(sql: """
                CREATE INDEX case_view_figures ON case_view (submitted_at, bureau, counterpart, intake_status, routings,
                  returns, latest_triage, measure_drafted_at, responded_at, satisfaction, deadline, resolved_at)
                """)
            // The overdue list: open cases by deadline (the condition is `CaseList.openSQL`, word for word).
            try db.execute(sql: """
                CREATE INDEX case_view_open_deadline ON case_view (deadline)
                WHERE \(CaseList.openSQL)
                """)
        }
    }

    /// Each bureau's name as routing's decisions gave it.
    static func bureauNames(in db: Database) throws -> [String: String] {
        var names: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT bureau, max(bureau_name) AS name FROM case_view WHERE bureau IS NOT NULL GROUP BY bureau") {
            if let name = row["name"] as String? { names[row["bureau"]] = name }
        }
        return names
    }

    static func compute(from: Date?, to: Date?, bureau: String?, now: Date, in db: Database) throws -> CaseStats {
        var conditions: [String] = []
        var arguments: StatementArguments = [now.timeIntervalSince1970]
        if let from { conditions.append("submitted_at >= ?"); arguments += [from.timeIntervalSince1970] }
        if let to { conditions.append("submitted_at < ?"); arguments += [to.timeIntervalSince1970] }
        if let bureau { conditions.append("(bureau = ? OR counterpart = ?)"); arguments += [bureau, bureau] }
        let clause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        // One group per bureau and status; the status decides whether a group's cases are open or solved.
        let groups = try Row.fetchCursor(db, sql: """
            SELECT bureau, \(CaseList.statusSQL) AS status, COUNT(*) AS cases,
              SUM(measure_drafted_at IS NOT NULL) AS measured, SUM(routings > 0) AS routed,
              SUM(responded_at IS NOT NULL) AS responded, SUM(satisfaction IS NOT NULL) AS rated,
              SUM(satisfaction >= 4) AS satisfied, SUM(deadline < ?) AS past_deadline,
              SUM(resolved_at <= deadline) AS resolved_in_time
            FROM case_view \(clause) GROUP BY bureau, status
            """, arguments: arguments)
        var overall = Tally(), bureaus: [String: Tally] = [:], byStatus: [String: Int] = [:]
        while let row = try groups.next() {
            let status: String = row["status"]
            let group = Tally(row, isOpen: CaseStatus(rawValue: status)?.isOpen ?? true)
            overall += group
            bureaus[(row["bureau"] as String?) ?? "unrouted", default: Tally()] += group
            byStatus[status, default: 0] += group.collected
        }
        return CaseStats(from: from, to: to, overall: overall.figures, byBureau: bureaus.mapValues(\.figures),
                         byStatus: byStatus, casesByBureau: bureaus.mapValues(\.collected), total: overall.collected)
    }
}

/// The counts the figures are ratios of.
private struct Tally {
    var collected = 0, measured = 0, routed = 0, responded = 0, rated = 0, satisfied = 0
    var solved = 0, open = 0, overdue = 0, onTime = 0

    init() {}

    init(_ row: Row, isOpen: Bool) {
        collected = row["cases"]
        measured = row["measured"]
        routed = row["routed"]
        responded = row["responded"]
        rated = row["rated"]
        satisfied = row["satisfied"] ?? 0
        if isOpen {
            open = collected
            overdue = row["past_deadline"] ?? 0
        } else {
            solved = collected
            onTime = row["resolved_in_time"] ?? 0
        }
    }

    static func += (lhs: inout Tally, rhs: Tally) {
        lhs.collected += rhs.collected; lhs.measured += rhs.measured; lhs.routed += rhs.routed
        lhs.responded += rhs.responded; lhs.rated += rhs.rated; lhs.satisfied += rhs.satisfied
        lhs.solved += rhs.solved; lhs.open += rhs.open; lhs.overdue += rhs.overdue; lhs.onTime += rhs.onTime
    }

    var figures: CaseStats.Figures {
        func rate(_ part: Int, _ whole: Int) -> Double? { whole == 0 ? nil : Double(part) / Double(whole) }
        return CaseStats.Figures(collected: collected, measuresDrafted: measured, solved: solved, open: open, overdue: overdue,
                                 responseRate: rate(responded, routed), resolutionRate: rate(solved, collected),
                                 satisfactionRate: rate(satisfied, rated), onTimeRate: rate(onTime, solved))
    }
}
