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
        /// Who did it: the API key's name for an update, otherwise the service that decided.
        public var who: String
        /// For updates: what was done (sign, measure, resolve, …).
        public var action: String?
        /// The measure, resolution, reason or note given; for routing, the bureau chosen.
        public var detail: String?
        /// For routing: the deadline given.
        public var deadline: Date?
        /// For a bureau's update, the bureau acting (or, for `dispatch`, the one chosen); for routing, the owner chosen.
        public var bureau: String?
        /// For a decision (an extension, a clerk's proposal): granted or refused.
        public var approved: Bool?
        /// For an extension asked or proposed: the working days.
        public var days: Int?
    }

    public var id: String
    public var status: CaseStatus
    /// A clerk's return or extension proposal waiting for the bureau head: `propose_return` or `propose_extension`,
    /// with the working days asked for and the reason.
    public var proposal: Proposal?

    public struct Proposal: Codable, Sendable {
        public var action: String
        public var days: Int?
        public var note: String?
    }
    public var title: String?
    /// What the submitter wrote.
    public var description: String?
    /// Where the problem is: an address and WGS 84 degrees, as submitted.
    public var location: Location?
    public var channel: String?
    public var enterprise: String?
    /// The meeting session it was raised at (`<series>-<number>`), and the answer given there on the spot.
    public var session: String?
    public var firstAnswer: String?
    /// The liaison officer who submitted it for a resident, and their area.
    public var liaison: String?
    public var area: String?
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
    /// The latest measure (措施) the owner recorded.
    public var measure: String?
    /// The latest resolution the owner recorded.
    public var resolution: String?
    public var timeline: [TimelineEntry]

    public struct RoutingExplanation: Codable, Sendable {
        public var rule: String
        public var score: Double
        /// Other categories that scored, best first.
        public var alternatives: [RoutingAlternative]
    }

    init(row: Row, timeline: [TimelineEntry]) {
        id = row["case_id"]
        proposal = (row["proposal_action"] as String?).map { Proposal(action: $0, days: row["proposal_days"], note: row["proposal_note"]) }
        let bureau: String? = row["bureau"]
        category = row["category"]
        status = ReadModel.status(row)
        counterpart = row["counterpart"]
        assisting = (row["assisting"] as String?).map { $0.split(separator: " ").map(String.init) } ?? []
        satisfaction = row["satisfaction"]
        measure = row["measure_note"]
        resolution = row["resolution"]
        returns = row["returns"]
        title = row["title"]
        description = row["description"]
        let address: String? = row["address"], latitude: Double? = row["latitude"], longitude: Double? = row["longitude"]
        location = address == nil && latitude == nil && longitude == nil ? nil
            : Location(latitude: latitude, longitude: longitude, address: address)
        channel = row["channel"]
        enterprise = row["enterprise"]
        session = row["session_id"]
        firstAnswer = row["first_answer"]
        liaison = row["liaison"]
        area = row["area"]
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
            SELECT event_id, type, producer, occurred_at, causation_id, body FROM timeline WHERE case_id = ? ORDER BY occurred_at, rowid
            """, arguments: [id]).map { row in
            var entry = TimelineEntry(eventId: row["event_id"], type: row["type"], producer: row["producer"],
                                      occurredAt: Date(timeIntervalSince1970: row["occurred_at"]), causationId: row["causation_id"],
                                      who: row["producer"])
            switch (try? EventCodec.decode(row["body"]))?.payload {
            case .caseUpdated(let update):
                entry.who = update.actor
                entry.action = update.action.rawValue
                entry.bureau = update.bureau?.rawValue
                entry.detail = update.note ?? (update.action == .dispatch ? update.bureau?.rawValue : nil)
                entry.approved = update.approved
                entry.days = update.extensionDays
            case .caseRouted(let routed):
                entry.detail = routed.bureauName.isEmpty ? routed.bureau.rawValue : routed.bureauName
                entry.bureau = routed.bureau.rawValue
                entry.deadline = routed.deadline
            case .caseSubmitted(let submitted):
                entry.detail = submitted.draft.channel.rawValue
            case .deadlineTracked, .meetingSeriesSaved, .meetingSessionSaved, .topicSaved, nil:
                break
            }
            return entry
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
