import DubanMessaging
import DubanModels
import DubanRuntime
import DubanStorage
import Foundation
import GRDB

/// The village council's topics (议题) through their six steps: collect, draft, research, consult, publish,
/// supervise, each recorded in order with who and when; declined at drafting only for a configured reason. Each change
/// is stored with its `topic.saved` event and its audit row in one transaction.
struct TopicBook: Sendable {
    let database: DatabasePool
    let events: EventLog
    let clock: WallClock
    let configuration: MeetingsConfiguration

    static let createFields: Set<String> = ["title", "area", "cases", "notes"]
    static let stepFields: Set<String> = ["step", "notes", "parties", "decision", "result", "cases", "declined", "reason"]

    /// A topic gathering problems (or starting from one, whose title it takes when none is given): its first step,
    /// collecting information, is recorded with it.
    /// - Throws: 400 `title_required` (no title and not exactly one case), `invalid_cases`; 422 `unknown_case`.
    func create(_ fields: RequestFields, actor: String, actorName: String? = nil) async throws -> Topic {
        let cases = try fields.list("cases", max: 500, maxLength: 40) ?? []
        let title = try fields.text("title", max: 200)
        let area = try fields.text("area", max: 100)
        let notes = try fields.text("notes", max: 4_000)
        guard title != nil || cases.count == 1 else {
            throw APIError.badRequest("title_required", "give the topic a title, or start it from exactly one case")
        }
        let now = clock.now()
        return try await database.write { [events] db in
            let titles = try Self.caseTitles(cases, in: db)
            let topic = Topic(id: try TopicTable.nextID(in: db), title: title ?? titles[0], area: area, cases: cases,
                              records: [TopicStepRecord(step: .collect, by: actor, byName: actorName, at: now, notes: notes)], createdAt: now)
            try Self.save(topic, action: "topic.create", actor: actor, at: now, in: db, events: events)
            return topic
        }
    }

    /// Records the next step. `draft` may decline the topic (`declined: true` with a configured `reason`); `consult`
    /// needs the parties and their positions and the decision; `publish` the result, shown on the public page;
    /// `supervise` the cases that carry the decision out.
    /// - Throws: 404 `topic_not_found`; 409 `topic_declined`, `step_out_of_order`; 400 `invalid_step`,
    ///   `invalid_decline_reason`, `parties_required`, `decision_required`, `result_required`, `cases_required`;
    ///   422 `unknown_case`.
    func record(_ id: String, _ fields: RequestFields, actor: String, actorName: String? = nil) async throws -> Topic {
        guard let stepName = try fields.text("step", max: 20, required: true), let step = TopicStep(rawValue: stepName) else {
            throw APIError.badRequest("invalid_step", "step is one of \(TopicStep.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        // Out of order is the answer before what the step itself lacks (checked again in the transaction).
        try Self.requireNext(step, of: try await topic(id))
        var record = TopicStepRecord(step: step, by: actor, byName: actorName, at: clock.now(), notes: try fields.text("notes", max: 4_000),
                                     decision: try fields.text("decision", max: 4_000))
        let declined = try fields.bool("declined") ?? false
        var reason: String?
        if declined {
            guard step == .draft else { throw APIError.badRequest("invalid_step", "a topic is declined at drafting (draft)") }
            guard let code = try fields.text("reason", max: 64), configuration.reason(code) != nil else {
                throw APIError.badRequest("invalid_decline_reason",
                                          "reason is one of \(configuration.declineReasons.map(\.id).joined(separator: ", ")) (meetings.yaml)")
            }
            reason = code
        }
        if step == .consult {
            record.parties = try Self.parties(fields.object["parties"])
            guard !record.parties.isEmpty else { throw APIError.badRequest("parties_required", "name the parties consulted and their positions") }
            guard record.decision != nil else { throw APIError.badRequest("decision_required", "record the decision the consultation reached") }
        }
        let result = try fields.text("result", max: 4_000)
        if step == .publish, result == nil { throw APIError.badRequest("result_required", "give the result to publish") }
        let execution = try fields.list("cases", max: 500, maxLength: 40) ?? []
        if step == .supervise, execution.isEmpty {
            throw APIError.badRequest("cases_required", "link the cases that carry the decision out")
        }
        let now = record.at
        return try await database.write { [events, record, reason] db in
            guard var topic = try TopicTable.fetch(id, in: db) else { throw APIError.notFound("topic_not_found", "no topic '\(id)'") }
            try Self.requireNext(step, of: topic)
            topic.step = step
            topic.records.append(record)
            if let reason {
                topic.state = .declined
                topic.declineReason = reason
            }
            if let decision = record.decision { topic.decision = decision }
            if step == .publish {
                topic.result = result
                topic.publishedAt = now
            }
            if step == .supervise {
                _ = try Self.caseTitles(execution, in: db)
                topic.executionCases = execution
            }
            try Self.save(topic, action: reason == nil ? "topic.\(step.rawValue)" : "topic.decline", actor: actor, at: now, in: db,
                          events: events)
            return topic
        }
    }

    /// - Throws: 409 `topic_declined`, `step_out_of_order`.
    static func requireNext(_ step: TopicStep, of topic: Topic) throws {
        guard topic.state == .active else {
            throw APIError(.conflict, code: "topic_declined", "topic \(topic.id) was declined at drafting")
        }
        guard topic.step.next == step else {
            throw APIError(.conflict, code: "step_out_of_order",
                           "topic \(topic.id) is at \(topic.step.rawValue); the next step is \(topic.step.next?.rawValue ?? "none: all six are done")")
        }
    }

    func topic(_ id: String) async throws -> Topic {
        guard let topic = try await database.read({ try TopicTable.fetch(id, in: $0) }) else {
            throw APIError.notFound("topic_not_found", "no topic '\(id)'")
        }
        return topic
    }

    private static func save(_ topic: Topic, action: String, actor: String, at now: Date, in db: Database, events: EventLog) throws {
        try TopicTable.save(topic, in: db)
        try events.append(.topicSaved(topic), caseID: CaseID(rawValue: topic.id), at: now, in: db)
        try AuditTrail.append(actor: actor, action: action, subject: topic.id, detail: topic.declineReason ?? "", at: now, in: db)
    }

    /// The cases' titles, in order; each must exist.
    private static func caseTitles(_ ids: [String], in db: Database) throws -> [String] {
        try ids.map { id in
            guard let title = try String.fetchOne(db, sql: "SELECT title FROM case_record WHERE case_id = ?", arguments: [id]) else {
                throw APIError(.unprocessableContent, code: "unknown_case", "no case \(id)")
            }
            return title
        }
    }

    private static func parties(_ raw: Any?) throws -> [TopicParty] {
        guard let raw, !(raw is NSNull) else { return [] }
        guard let items = raw as? [Any], items.count <= 50 else {
            throw APIError.badRequest("invalid_parties", "parties is a list of at most 50 {party, position}")
        }
        return try items.map { item in
            guard let object = item as? [String: Any] else { throw APIError.badRequest("invalid_parties", "each party is {party, position}") }
            let fields = try RequestFields(object: object, allowed: ["party", "position"])
            return TopicParty(party: try fields.text("party", max: 100, required: true)!, position: try fields.text("position", max: 2_000, required: true)!)
        }
    }
}
