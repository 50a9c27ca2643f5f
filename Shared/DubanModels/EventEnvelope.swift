import Foundation

/// Every fact a service publishes, as it travels between services and as it is stored in their event logs.
///
/// JSON (stable, documented in docs/EVENTS.md): `{"id", "type", "schemaVersion", "occurredAt", "producer", "caseId",
/// "payload"}` with ISO 8601 times. `type` names the payload's shape; a consumer that meets an unknown type or a newer
/// schema version treats the event as a dead letter rather than guessing.
public struct EventEnvelope: Codable, Sendable, Equatable {
    /// 2 added the meeting session, first answer, liaison and area to `case.submitted` (binary layout, docs/EVENTS.md)
    /// and the meeting and topic events.
    public static let currentSchemaVersion = 2

    public var id: UUID
    public var schemaVersion: Int
    public var occurredAt: Date
    /// The service that produced the event, e.g. `intake`.
    public var producer: String
    public var caseID: CaseID
    /// The event that made the producer emit this one, if any: orders a case's timeline causally, whatever the
    /// clocks say.
    public var causationID: UUID?
    public var payload: EventPayload

    public var type: EventType { payload.type }

    public init(id: UUID = EventID.next(), occurredAt: Date, producer: String, caseID: CaseID, causationID: UUID? = nil,
                payload: EventPayload) {
        self.id = id
        self.causationID = causationID
        self.schemaVersion = Self.currentSchemaVersion
        self.occurredAt = occurredAt
        self.producer = producer
        self.caseID = caseID
        self.payload = payload
    }

    enum CodingKeys: String, CodingKey {
        case id, type, schemaVersion, occurredAt, producer, caseID = "caseId", causationID = "causationId", payload
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(UUID.self, forKey: .id)
        schemaVersion = try container.decode(Int.self, forKey: .schemaVersion)
        guard schemaVersion <= Self.currentSchemaVersion else {
            throw DecodingError.dataCorruptedError(forKey: .schemaVersion, in: container,
                                                   debugDescription: "schema version \(schemaVersion) is newer than this service knows")
        }
        occurredAt = try container.decode(Date.self, forKey: .occurredAt)
        producer = try container.decode(String.self, forKey: .producer)
        caseID = try container.decode(CaseID.self, forKey: .caseID)
        causationID = try container.decodeIfPresent(UUID.self, forKey: .causationID)
        let rawType = try container.decode(String.self, forKey: .type)
        guard let type = EventType(rawValue: rawType) else {
            throw DecodingError.dataCorruptedError(forKey: .type, in: container, debugDescription: "unknown event type \(rawType)")
        }
        payload = try EventPayload(type: type, from: container.superDecoder(forKey: .payload))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(type.rawValue, forKey: .type)
        try container.encode(schemaVersion, forKey: .schemaVersion)
        try container.encode(occurredAt, forKey: .occurredAt)
        try container.encode(producer, forKey: .producer)
        try container.encode(caseID, forKey: .caseID)
        try container.encodeIfPresent(causationID, forKey: .causationID)
        try payload.encode(to: container.superEncoder(forKey: .payload))
    }
}

/// The kinds of event, as they appear in the envelope's `type`.
public enum EventType: String, Codable, Sendable, CaseIterable {
    case caseSubmitted = "case.submitted"
    case caseRouted = "case.routed"
    case deadlineTracked = "case.deadline_tracked"
    case caseUpdated = "case.updated"
    /// A meeting series as it now is (its id in `caseId`).
    case meetingSeriesSaved = "meeting.series_saved"
    /// A meeting session as it now is (its id in `caseId`).
    case meetingSessionSaved = "meeting.session_saved"
    /// A council topic as it now is, with every step recorded (its id in `caseId`).
    case topicSaved = "topic.saved"

    /// Case events; the others are about meetings and topics, whose id the envelope's `caseId` carries.
    public var isCaseEvent: Bool { rawValue.hasPrefix("case.") }
}

public enum EventPayload: Sendable, Equatable {
    case caseSubmitted(CaseSubmitted)
    case caseRouted(CaseRouted)
    case deadlineTracked(DeadlineTracked)
    case caseUpdated(CaseUpdated)
    case meetingSeriesSaved(MeetingSeries)
    case meetingSessionSaved(MeetingSession)
    case topicSaved(Topic)

    public var type: EventType {
        switch self {
        case .caseSubmitted: .caseSubmitted
        case .caseRouted: .caseRouted
        case .deadlineTracked: .deadlineTracked
        case .caseUpdated: .caseUpdated
        case .meetingSeriesSaved: .meetingSeriesSaved
        case .meetingSessionSaved: .meetingSessionSaved
        case .topicSaved: .topicSaved
        }
    }

    init(type: EventType, from decoder: any Decoder) throws {
        switch type {
        case .caseSubmitted: self = .caseSubmitted(try CaseSubmitted(from: decoder))
        case .caseRouted: self = .caseRouted(try CaseRouted(from: decoder))
        case .deadlineTracked: self = .deadlineTracked(try DeadlineTracked(from: decoder))
        case .caseUpdated: self = .caseUpdated(try CaseUpdated(from: decoder))
        case .meetingSeriesSaved: self = .meetingSeriesSaved(try MeetingSeries(from: decoder))
        case .meetingSessionSaved: self = .meetingSessionSaved(try MeetingSession(from: decoder))
        case .topicSaved: self = .topicSaved(try Topic(from: decoder))
        }
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .caseSubmitted(let payload): try payload.encode(to: encoder)
        case .caseRouted(let payload): try payload.encode(to: encoder)
        case .deadlineTracked(let payload): try payload.encode(to: encoder)
        case .caseUpdated(let payload): try payload.encode(to: encoder)
        case .meetingSeriesSaved(let payload): try payload.encode(to: encoder)
        case .meetingSessionSaved(let payload): try payload.encode(to: encoder)
        case .topicSaved(let payload): try payload.encode(to: encoder)
        }
    }
}

/// Intake accepted a problem and stored it.
public struct CaseSubmitted: Codable, Sendable, Equatable {
    public var draft: CaseDraft
    public var submittedAt: Date

    public init(draft: CaseDraft, submittedAt: Date) {
        self.draft = draft
        self.submittedAt = submittedAt
    }
}

/// Routing put the case on a bureau's responsibility list with a deadline, and says why.
public struct CaseRouted: Codable, Sendable, Equatable {
    public var bureau: BureauID
    public var bureauName: String
    public var category: CategoryID
    public var deadline: Date
    public var deadlineClass: String
    /// The rule that decided, e.g. `explicit-category` or `keywords`, with the score it earned.
    public var rule: String
    public var score: Double
    public var alternatives: [RoutingAlternative]
    /// For a city-level owner: the district bureau that tracks the case (both see it).
    public var counterpart: BureauID?
    /// Co-handling bureaus that assist the lead (首接负责: the owner leads).
    public var assisting: [BureauID]

    public init(bureau: BureauID, bureauName: String, category: CategoryID, deadline: Date, deadlineClass: String,
                rule: String, score: Double, alternatives: [RoutingAlternative], counterpart: BureauID? = nil,
                assisting: [BureauID] = []) {
        self.counterpart = counterpart
        self.assisting = assisting
        self.bureau = bureau
        self.bureauName = bureauName
        self.category = category
        self.deadline = deadline
        self.deadlineClass = deadlineClass
        self.rule = rule
        self.score = score
        self.alternatives = alternatives
    }
}

/// A category that also scored, for the record of a routing decision.
public struct RoutingAlternative: Codable, Sendable, Equatable {
    public var category: CategoryID
    public var score: Double

    public init(category: CategoryID, score: Double) {
        self.category = category
        self.score = score
    }
}

/// Escalation started the case's clock.
public struct DeadlineTracked: Codable, Sendable, Equatable {
    public var bureau: BureauID
    public var deadline: Date

    public init(bureau: BureauID, deadline: Date) {
        self.bureau = bureau
        self.deadline = deadline
    }
}

/// Something a bureau, an approver or the submitter did to a case, through intake's update API.
public struct CaseUpdated: Codable, Sendable, Equatable {
    public var action: CaseAction
    /// The API key's name that did it.
    public var actor: String
    /// The case's status after the update (intake owns the status).
    public var status: CaseStatus
    /// The bureau acting (for bureau actions) or chosen (for `dispatch`).
    public var bureau: BureauID?
    /// The measure, progress note, resolution, return reason or extension reason.
    public var note: String?
    /// `request_extension`: working days asked for.
    public var extensionDays: Int?
    /// `decide_extension`: granted or refused.
    public var approved: Bool?
    /// `rate`: satisfaction from 1 to 5.
    public var satisfaction: Int?

    public init(action: CaseAction, actor: String, status: CaseStatus, bureau: BureauID? = nil, note: String? = nil,
                extensionDays: Int? = nil, approved: Bool? = nil, satisfaction: Int? = nil) {
        self.action = action
        self.actor = actor
        self.status = status
        self.bureau = bureau
        self.note = note
        self.extensionDays = extensionDays
        self.approved = approved
        self.satisfaction = satisfaction
    }
}

/// The updates intake accepts on a case.
public enum CaseAction: String, Codable, Sendable, CaseIterable {
    /// The bureau signs for the case (签收).
    case sign
    /// The bureau records the measure it drafted (措施).
    case measure
    case progress
    case resolve
    /// The bureau returns the case as not theirs (退回), with a reason.
    case `return`
    case requestExtension = "request_extension"
    case decideExtension = "decide_extension"
    /// The triage office sends the case to a bureau.
    case dispatch
    /// The submitter confirms it solved.
    case confirm
    /// The submitter says it is not solved: the case reopens.
    case reject
    /// The submitter's satisfaction, 1–5.
    case rate
    /// A leader's written instruction on the case (批示): it reaches the owning bureau as a notice.
    case instruct
    /// A bureau clerk asks the bureau's head to return the case (拟退回); the head decides.
    case proposeReturn = "propose_return"
    /// A bureau clerk asks the bureau's head to request more time (拟申请延期); the head decides.
    case proposeExtension = "propose_extension"
    /// The bureau's head decides a clerk's proposal; approved, the return or extension request follows at once.
    case decideProposal = "decide_proposal"
}
