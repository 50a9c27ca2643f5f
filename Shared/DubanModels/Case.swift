import Foundation

/// Where a problem came in.
public enum Channel: String, Codable, Sendable, CaseIterable {
    /// Raised at the weekly government–enterprise meeting.
    case meeting
    /// A 12345-style hotline call.
    case hotline
    case web
    /// Through an enterprise liaison officer (联络员).
    case liaison
    case open311
    case api
}

/// Who raised the problem. The name and phone are personal data: stored by intake only, encrypted, never logged,
/// never in an event (docs/ARCHITECTURE.md, "Personal data").
public struct Submitter: Codable, Sendable, Equatable {
    public var name: String?
    public var enterprise: String?
    public var phone: String?

    public init(name: String? = nil, enterprise: String? = nil, phone: String? = nil) {
        self.name = name
        self.enterprise = enterprise
        self.phone = phone
    }

    /// What may leave intake about the submitter: the enterprise, without the person's name and phone.
    public var withoutContact: Submitter { Submitter(enterprise: enterprise) }
}

/// Where the problem is, in WGS 84 degrees, with an optional address.
public struct Location: Codable, Sendable, Equatable {
    public var latitude: Double?
    public var longitude: Double?
    public var address: String?

    public init(latitude: Double? = nil, longitude: Double? = nil, address: String? = nil) {
        self.latitude = latitude
        self.longitude = longitude
        self.address = address
    }
}

/// The case's place in the closed loop: accept, dispatch, handle, reply, confirm, close.
public enum CaseStatus: String, Codable, Sendable, CaseIterable {
    /// Accepted by intake, not yet routed.
    case submitted
    /// Routed: a bureau owns it and the deadline runs.
    case assigned
    /// No confident owner: the triage office (兜底) dispatches it.
    case triage
    /// The bureau signed for it (签收).
    case signed
    case inProgress = "in_progress"
    case resolved
    /// The submitter confirmed it solved; the loop is closed.
    case closed
    case reopened
    /// The bureau returned it as not theirs (退回); routing picks again.
    case returned
}

/// How a deadline is counted: a number of working days (the Chinese calendar's) or of clock hours.
public enum DeadlineRule: Codable, Sendable, Equatable {
    case workingDays(Int)
    case hours(Int)
}

/// A case as a problem list line: what was raised, by whom, and how.
public struct CaseDraft: Codable, Sendable, Equatable {
    public var title: String
    public var description: String
    public var channel: Channel
    public var submitter: Submitter
    public var category: CategoryID?
    public var location: Location?
    /// The meeting session it was raised at (`<series>-<number>`), for a problem on a session's problem list.
    public var session: String?
    /// The first answer given on the spot (现场答复) at the meeting.
    public var firstAnswer: String?
    /// The liaison officer (联络员) who submitted it on a resident's behalf: their login.
    public var liaison: String?
    /// The area or village group the liaison officer serves.
    public var area: String?

    public init(title: String, description: String, channel: Channel, submitter: Submitter,
                category: CategoryID? = nil, location: Location? = nil, session: String? = nil, firstAnswer: String? = nil,
                liaison: String? = nil, area: String? = nil) {
        self.title = title
        self.description = description
        self.channel = channel
        self.submitter = submitter
        self.category = category
        self.location = location
        self.session = session
        self.firstAnswer = firstAnswer
        self.liaison = liaison
        self.area = area
    }
}

extension CaseStatus {
    /// The status people see, from facts owned by two different producers, so the order in which their events
    /// arrive does not matter: intake's lifecycle status and how many returns it recorded, and how many times routing
    /// has routed the case (and whether the latest went to triage).
    public static func effective(intakeStatus: CaseStatus, returns: Int, routings: Int, latestIsTriage: Bool) -> CaseStatus {
        switch intakeStatus {
        case .submitted where routings >= 1, .returned where routings > returns:
            latestIsTriage ? .triage : .assigned
        default:
            intakeStatus
        }
    }

    /// Whether the bureau has yet to finish: the deadline applies.
    public var isOpen: Bool {
        switch self {
        case .resolved, .closed: false
        default: true
        }
    }
}
