import DubanModels
import Foundation
import GRDB

/// `GET /v1/cases/{id}`: the case as reporting knows it, with its timeline.
public struct CaseView: Codable, Sendable {
    public struct TimelineEntry: Codable, Sendable {
        public var eventId: String
        public var type: String
        public var producer: String
        public var occurredAt: Date
        public var causationId: String?
    }

    public var id: String
    public var status: CaseStatus
    public var title: String?
    public var channel: String?
    public var enterprise: String?
    public var submittedAt: Date?
    public var bureau: String?
    public var bureauName: String?
    public var category: String?
    public var deadline: Date?
    public var deadlineClass: String?
    public var routing: RoutingExplanation?
    /// For a city-level owner, the district bureau that tracks the case.
    public var counterpart: String?
    public var assisting: [String]
    public var returns: Int
    public var satisfaction: Int?
    public var timeline: [TimelineEntry]

    public struct RoutingExplanation: Codable, Sendable {
        public var rule: String
        public var score: Double
        /// Other categories that scored, best first.
        public var alternatives: [RoutingAlternative]
    }

    init(row: Row, timeline: [TimelineEntry]) {
        id = row["case_id"]
        let bureau: String? = row["bureau"]
        category = row["category"]
        status = ReadModel.status(row)
        counterpart = row["counterpart"]
        assisting = (row["assisting"] as String?).map { $0.split(separator: " ").map(String.init) } ?? []
        satisfaction = row["satisfaction"]
        returns = row["returns"]
        title = row["title"]
        channel = row["channel"]
        enterprise = row["enterprise"]
        submittedAt = (row["submitted_at"] as Double?).map(Date.init(timeIntervalSince1970:))
        self.bureau = bureau
        bureauName = row["bureau_name"]
        deadline = (row["deadline"] as Double?).map(Date.init(timeIntervalSince1970:))
        deadlineClass = row["deadline_class"]
        routing = (row["routing_rule"] as String?).map {
            RoutingExplanation(rule: $0, score: row["routing_score"] ?? 0,
                               alternatives: (row["routing_alternatives"] as Data?).flatMap {
                                   try? DubanJSON.decoder().decode([RoutingAlternative].self, from: $0)
                               } ?? [])
        }
        self.timeline = timeline
    }

    static func fetch(_ id: String, in db: Database) throws -> CaseView? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM case_view WHERE case_id = ?", arguments: [id]) else {
            return nil
        }
        let entries = try Row.fetchAll(db, sql: """
            SELECT event_id, type, producer, occurred_at, causation_id FROM timeline WHERE case_id = ? ORDER BY occurred_at, rowid
            """, arguments: [id]).map { row in
            TimelineEntry(eventId: row["event_id"], type: row["type"], producer: row["producer"],
                          occurredAt: Date(timeIntervalSince1970: row["occurred_at"]), causationId: row["causation_id"])
        }
        return CaseView(row: row, timeline: causalOrder(entries))
    }

    /// Time order, except that an event never comes before the event that caused it (services' clocks and the
    /// arrival order of different producers' events cannot be trusted for that).
    static func causalOrder(_ entries: [TimelineEntry]) -> [TimelineEntry] {
        let ids = Set(entries.map(\.eventId))
        var pending = entries
        var placed = Set<String>()
        var ordered: [TimelineEntry] = []
        while !pending.isEmpty {
            let ready = pending.firstIndex { entry in
                entry.causationId.map { placed.contains($0) || !ids.contains($0) } ?? true
            } ?? 0
            let entry = pending.remove(at: ready)
            placed.insert(entry.eventId)
            ordered.append(entry)
        }
        return ordered
    }
}

/// `GET /v1/cases?bureau=&status=&limit=&offset=`: the newest cases first. A bureau sees the cases it owns and,
/// as a district counterpart, those of the city-level unit it tracks.
public struct CaseList: Codable, Sendable {
    public var cases: [CaseView]
    public var total: Int

    struct Filter {
        var bureau: String?
        var status: CaseStatus?
        var limit = 50
        var offset = 0
    }

    /// `ReadModel.status(_:)` as SQL, so filters and counts agree with what each case shows.
    static let statusSQL = """
        CASE WHEN (COALESCE(intake_status, 'submitted') = 'submitted' AND routings >= 1)
                  OR (intake_status = 'returned' AND routings > returns)
             THEN CASE WHEN latest_triage THEN 'triage' ELSE 'assigned' END
             ELSE COALESCE(intake_status, 'submitted') END
        """

    static func fetch(_ filter: Filter, in db: Database) throws -> CaseList {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let bureau = filter.bureau {
            conditions.append("(bureau = ? OR counterpart = ?)")
            arguments += [bureau, bureau]
        }
        if let status = filter.status {
            conditions.append("(\(statusSQL)) = ?")
            arguments += [status.rawValue]
        }
        let clause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM case_view \(clause)", arguments: arguments) ?? 0
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM case_view \(clause) ORDER BY submitted_at DESC, case_id DESC LIMIT ? OFFSET ?",
                                    arguments: arguments + [filter.limit, filter.offset])
        return CaseList(cases: rows.map { CaseView(row: $0, timeline: []) }, total: total)
    }
}

/// `GET /v1/stats?from=&to=&bureau=`: the published figures, over the cases collected in the period, overall and per
/// bureau. Every figure is defined in docs/METRICS.md and computed exactly that way here.
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

        static func compute(_ rows: [Row], now: Date) -> Figures {
            var figures = Figures(collected: rows.count, measuresDrafted: 0, solved: 0, open: 0, overdue: 0)
            var routed = 0, responded = 0, rated = 0, satisfied = 0, onTime = 0
            for row in rows {
                let status = ReadModel.status(row)
                if (row["measure_drafted_at"] as Double?) != nil { figures.measuresDrafted += 1 }
                if (row["routings"] as Int) > 0 { routed += 1 }
                if (row["responded_at"] as Double?) != nil { responded += 1 }
                if let score = row["satisfaction"] as Int? {
                    rated += 1
                    if score >= 4 { satisfied += 1 }
                }
                if status.isOpen {
                    figures.open += 1
                    if let deadline = row["deadline"] as Double?, deadline < now.timeIntervalSince1970 { figures.overdue += 1 }
                } else {
                    figures.solved += 1
                    if let resolved = row["resolved_at"] as Double?, let deadline = row["deadline"] as Double?, resolved <= deadline {
                        onTime += 1
                    }
                }
            }
            func rate(_ part: Int, _ whole: Int) -> Double? { whole == 0 ? nil : Double(part) / Double(whole) }
            figures.responseRate = rate(responded, routed)
            figures.resolutionRate = rate(figures.solved, figures.collected)
            figures.satisfactionRate = rate(satisfied, rated)
            figures.onTimeRate = rate(onTime, figures.solved)
            return figures
        }
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
        var arguments: StatementArguments = []
        if let from { conditions.append("submitted_at >= ?"); arguments += [from.timeIntervalSince1970] }
        if let to { conditions.append("submitted_at < ?"); arguments += [to.timeIntervalSince1970] }
        if let bureau { conditions.append("(bureau = ? OR counterpart = ?)"); arguments += [bureau, bureau] }
        let clause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM case_view \(clause)", arguments: arguments)
        var byStatus: [String: Int] = [:]
        for row in rows { byStatus[ReadModel.status(row).rawValue, default: 0] += 1 }
        let grouped = Dictionary(grouping: rows) { ($0["bureau"] as String?) ?? "unrouted" }
        return CaseStats(from: from, to: to, overall: .compute(rows, now: now),
                         byBureau: grouped.mapValues { Figures.compute($0, now: now) }, byStatus: byStatus,
                         casesByBureau: grouped.mapValues(\.count), total: rows.count)
    }
}
