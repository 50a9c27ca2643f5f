import Foundation

/// A series of meetings held on a weekly slot, such as the development zone's government–enterprise exchange day
/// (政企交流主题日, every Monday 20:00–22:00), with its default chair and venue.
public struct MeetingSeries: Codable, Sendable, Equatable {
    /// Chosen when the series is created: lower-case letters, digits and `-`, e.g. `zhengqi`.
    public var id: String
    public var name: String
    /// ISO weekday of the slot: 1 is Monday, 7 is Sunday.
    public var weekday: Int
    /// Beijing time, `HH:mm`.
    public var startsAt: String
    public var endsAt: String
    public var chair: String?
    public var venue: String?

    public init(id: String, name: String, weekday: Int, startsAt: String, endsAt: String, chair: String? = nil, venue: String? = nil) {
        self.id = id
        self.name = name
        self.weekday = weekday
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.chair = chair
        self.venue = venue
    }
}

/// Where a session is in its life: created ahead, recorded during, closed after.
public enum MeetingSessionState: String, Codable, Sendable, CaseIterable {
    case scheduled
    /// Being held: the secretary records problems into it.
    case open
    /// Held and closed; the minutes may still be imported against it.
    case closed
    case cancelled

    /// Counted in "sessions held" (已开展N期).
    public var wasHeld: Bool { self == .open || self == .closed }
}

/// One numbered session (第N期) of a series.
public struct MeetingSession: Codable, Sendable, Equatable {
    /// `<series>-<number>`, e.g. `zhengqi-16`.
    public var id: String
    public var series: String
    public var seriesName: String
    public var number: Int
    /// The day in Beijing, `yyyy-MM-dd`.
    public var date: String
    public var startsAt: String
    public var endsAt: String
    public var venue: String?
    public var theme: String
    public var chair: String?
    public var leaders: [String]
    /// Bureau ids (routing.yaml) whose heads attend.
    public var bureaus: [String]
    /// Enterprises invited, and those that came: problems are raised by those attending.
    public var invited: [String]
    public var attending: [String]
    public var state: MeetingSessionState
    public var openedAt: Date?
    public var closedAt: Date?

    public init(id: String, series: String, seriesName: String, number: Int, date: String, startsAt: String, endsAt: String,
                venue: String? = nil, theme: String, chair: String? = nil, leaders: [String] = [], bureaus: [String] = [],
                invited: [String] = [], attending: [String] = [], state: MeetingSessionState = .scheduled,
                openedAt: Date? = nil, closedAt: Date? = nil) {
        self.id = id
        self.series = series
        self.seriesName = seriesName
        self.number = number
        self.date = date
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.venue = venue
        self.theme = theme
        self.chair = chair
        self.leaders = leaders
        self.bureaus = bureaus
        self.invited = invited
        self.attending = attending
        self.state = state
        self.openedAt = openedAt
        self.closedAt = closedAt
    }
}

/// The village council's six steps for a topic (议题), in order: collect information (收集民意), draft the topic
/// (拟定议题), research before discussing (会前调研), consult all parties (协商议事), publish the result (公开结果),
/// supervise execution (监督执行).
public enum TopicStep: String, Codable, Sendable, CaseIterable, Comparable {
    case collect, draft, research, consult, publish, supervise

    public static func < (lhs: TopicStep, rhs: TopicStep) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The step after this one, if any.
    public var next: TopicStep? {
        let index = Self.allCases.firstIndex(of: self)! + 1
        return index < Self.allCases.count ? Self.allCases[index] : nil
    }
}

/// A party's position in the consultation (协商议事).
public struct TopicParty: Codable, Sendable, Equatable {
    public var party: String
    public var position: String

    public init(party: String, position: String) {
        self.party = party
        self.position = position
    }
}

/// What was done at one step: who, when, notes; for the consultation the parties and their positions; the decision.
public struct TopicStepRecord: Codable, Sendable, Equatable {
    public var step: TopicStep
    /// The login of the person who recorded it (or an API key's name).
    public var by: String
    /// The person's name as pages show it (王秘书); absent for a key or a command.
    public var byName: String?
    public var at: Date
    public var notes: String?
    public var parties: [TopicParty]
    public var decision: String?

    public init(step: TopicStep, by: String, byName: String? = nil, at: Date, notes: String? = nil, parties: [TopicParty] = [],
                decision: String? = nil) {
        self.step = step
        self.by = by
        self.byName = byName
        self.at = at
        self.notes = notes
        self.parties = parties
        self.decision = decision
    }
}

/// A topic of the council (民情理事会议题): problems gathered, taken through the six steps to a published result and
/// its execution, or declined at drafting with a reason from the configured list (the "three not to discuss").
public struct Topic: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable, CaseIterable {
        case active
        /// Declined at drafting (不予立题).
        case declined
    }

    /// Given by intake: `YT-<number>`, e.g. `YT-0003`.
    public var id: String
    public var title: String
    /// The village group or area it concerns.
    public var area: String?
    /// The latest step recorded.
    public var step: TopicStep
    public var state: State
    /// The code of the configured reason it was declined for.
    public var declineReason: String?
    /// The problems (cases) it gathers.
    public var cases: [String]
    /// At supervision: the cases that carry the decision out; the topic is done when they are solved.
    public var executionCases: [String]
    public var decision: String?
    /// The result published on the public page.
    public var result: String?
    public var publishedAt: Date?
    public var records: [TopicStepRecord]
    public var createdAt: Date

    public init(id: String, title: String, area: String? = nil, step: TopicStep = .collect, state: State = .active,
                declineReason: String? = nil, cases: [String] = [], executionCases: [String] = [], decision: String? = nil,
                result: String? = nil, publishedAt: Date? = nil, records: [TopicStepRecord] = [], createdAt: Date) {
        self.id = id
        self.title = title
        self.area = area
        self.step = step
        self.state = state
        self.declineReason = declineReason
        self.cases = cases
        self.executionCases = executionCases
        self.decision = decision
        self.result = result
        self.publishedAt = publishedAt
        self.records = records
        self.createdAt = createdAt
    }
}
