import DubanMessaging
import DubanModels
import DubanRuntime
import Foundation
import GRDB

/// Where a case stands on escalation's clock. The clock runs in every state but `resolved` and `closed`.
public enum ClockState: String, Codable, Sendable, CaseIterable {
    case assigned
    case signed
    case measureDrafted = "measure_drafted"
    case inProgress = "in_progress"
    case resolved
    case closed
    case reopened
    case returned
    case extended

    var isRunning: Bool { self != .resolved && self != .closed }

    /// The state an update leaves the clock in; nil when the update does not move it (a rating, a request).
    init?(after update: CaseUpdated) {
        switch update.action {
        case .sign: self = .signed
        case .measure: self = .measureDrafted
        case .progress: self = .inProgress
        case .resolve: self = .resolved
        case .confirm: self = .closed
        case .reject: self = .reopened
        case .return: self = .returned
        case .dispatch: self = .assigned
        case .requestExtension, .decideExtension, .rate, .instruct, .proposeReturn, .proposeExtension, .decideProposal: return nil
        }
    }
}

/// A case's clock as escalation keeps it, with every state it went through.
public struct CaseClock: Codable, Sendable {
    public struct Transition: Codable, Sendable, Equatable {
        public var state: ClockState
        public var at: Date
        /// The deadline from then on, when the transition set one (routing, re-routing, an extension).
        public var deadline: Date?
    }

    public var id: String
    public var bureau: String
    public var deadline: Date
    public var state: ClockState
    /// False from resolution until the submitter reopens the case.
    public var open: Bool
    public var stoppedAt: Date?
    public var transitions: [Transition]

    static func fetch(_ id: String, in db: Database) throws -> CaseClock? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM case_clock WHERE case_id = ?", arguments: [id]) else { return nil }
        let transitions = try Row.fetchAll(db, sql: "SELECT state, at, deadline FROM clock_transition WHERE case_id = ? ORDER BY at, seq",
                                           arguments: [id]).map { row in
            Transition(state: ClockState(rawValue: row["state"]) ?? .assigned, at: Date(timeIntervalSince1970: row["at"]),
                       deadline: (row["deadline"] as Double?).map(Date.init(timeIntervalSince1970:)))
        }
        return CaseClock(id: row["case_id"], bureau: row["bureau"], deadline: Date(timeIntervalSince1970: row["deadline"]),
                         state: ClockState(rawValue: row["state"]) ?? .assigned, open: row["open"],
                         stoppedAt: (row["stopped_at"] as Double?).map(Date.init(timeIntervalSince1970:)), transitions: transitions)
    }

    static func apply(_ event: EventEnvelope, events: EventLog, clock: WallClock, in db: Database) throws {
        let caseID = event.caseID.rawValue
        switch event.payload {
        case .caseSubmitted(let submitted):
            try db.execute(sql: "INSERT OR REPLACE INTO case_title (case_id, title) VALUES (?, ?)",
                           arguments: [caseID, submitted.draft.title])
            try db.execute(sql: "UPDATE case_clock SET title = ? WHERE case_id = ?", arguments: [submitted.draft.title, caseID])
        case .caseUpdated(let update):
            guard let state = ClockState(after: update),
                  try Bool.fetchOne(db, sql: "SELECT 1 FROM case_clock WHERE case_id = ?", arguments: [caseID]) == true else { return }
            try recordTransition(event, state: state, deadline: nil, in: db)
            // Events from two producers can cross: when routing's answer to this update (a re-route after a return,
            // say) is already applied, the update goes into the history but does not move the clock back.
            let answered = try Bool.fetchOne(db, sql: "SELECT 1 FROM clock_transition WHERE caused_by = ?",
                                             arguments: [EventID.text(event.id)]) == true
            guard !answered else { return }
            // The clock stops when the bureau resolves the case and runs again if the submitter reopens it.
            try db.execute(sql: """
                UPDATE case_clock SET state = ?, open = ?,
                  stopped_at = CASE WHEN ? THEN NULL ELSE coalesce(stopped_at, ?) END
                WHERE case_id = ?
                """, arguments: [state.rawValue, state.isRunning, state.isRunning, event.occurredAt.timeIntervalSince1970, caseID])
        case .caseRouted(let routed):
            let existing = try Row.fetchOne(db, sql: "SELECT state FROM case_clock WHERE case_id = ?", arguments: [caseID])
            let state: ClockState = existing != nil && routed.rule == "extension-granted" ? .extended : .assigned
            try db.execute(sql: """
                INSERT INTO case_clock (case_id, bureau, bureau_name, category, city_level, deadline, open, tracked_at, title, state)
                VALUES (?, ?, ?, ?, ?, ?, 1, ?, (SELECT title FROM case_title WHERE case_id = ?), ?)
                ON CONFLICT(case_id) DO UPDATE SET bureau = excluded.bureau, bureau_name = excluded.bureau_name,
                  category = excluded.category, city_level = excluded.city_level, deadline = excluded.deadline,
                  state = excluded.state
                """, arguments: [caseID, routed.bureau.rawValue, routed.bureauName, routed.category.rawValue,
                                 routed.counterpart != nil, routed.deadline.timeIntervalSince1970,
                                 clock.now().timeIntervalSince1970, caseID, state.rawValue])
            try recordTransition(event, state: state, deadline: routed.deadline, in: db)
            try events.append(.deadlineTracked(DeadlineTracked(bureau: routed.bureau, deadline: routed.deadline)),
                              caseID: event.caseID, at: clock.now(), causedBy: event.id, in: db)
        case .deadlineTracked, .meetingSeriesSaved, .meetingSessionSaved, .topicSaved:
            return
        }
    }

    private static func recordTransition(_ event: EventEnvelope, state: ClockState, deadline: Date?, in db: Database) throws {
        try db.execute(sql: """
            INSERT OR IGNORE INTO clock_transition (event_id, caused_by, case_id, state, deadline, at) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [EventID.text(event.id), event.causationID.map(EventID.text), event.caseID.rawValue, state.rawValue,
                                   deadline?.timeIntervalSince1970, event.occurredAt.timeIntervalSince1970])
    }
}
