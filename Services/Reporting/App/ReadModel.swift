import DubanModels
import Foundation
import GRDB

/// Folds events into `case_view` and `timeline`. Idempotent per event id, and indifferent to the order in which
/// different producers' events arrive.
enum ReadModel {
    static func apply(_ event: EventEnvelope, in db: Database) throws {
        let body = try DubanJSON.encoder().encode(event)
        try db.execute(sql: """
            INSERT OR IGNORE INTO timeline (event_id, case_id, type, producer, occurred_at, body) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [event.id.uuidString, event.caseID.rawValue, event.type.rawValue, event.producer,
                             event.occurredAt.timeIntervalSince1970, body])
        guard db.changesCount > 0 else { return }  // seen before
        try db.execute(sql: "INSERT OR IGNORE INTO case_view (case_id) VALUES (?)", arguments: [event.caseID.rawValue])
        switch event.payload {
        case .caseSubmitted(let submitted):
            let draft = submitted.draft
            try db.execute(sql: """
                UPDATE case_view SET title = ?, description = ?, channel = ?, enterprise = ?, intake_status = ?,
                submitted_at = ? WHERE case_id = ?
                """, arguments: [draft.title, draft.description, draft.channel.rawValue, draft.submitter.enterprise,
                                 CaseStatus.submitted.rawValue, submitted.submittedAt.timeIntervalSince1970,
                                 event.caseID.rawValue])
        case .caseRouted(let routed):
            try db.execute(sql: """
                UPDATE case_view SET bureau = ?, bureau_name = ?, category = ?, deadline = ?, deadline_class = ?,
                routing_rule = ?, routing_score = ?, routed_at = ? WHERE case_id = ?
                """, arguments: [routed.bureau.rawValue, routed.bureauName, routed.category.rawValue,
                                 routed.deadline.timeIntervalSince1970, routed.deadlineClass, routed.rule, routed.score,
                                 event.occurredAt.timeIntervalSince1970, event.caseID.rawValue])
        case .deadlineTracked:
            try db.execute(sql: "UPDATE case_view SET tracked_at = ? WHERE case_id = ?",
                           arguments: [event.occurredAt.timeIntervalSince1970, event.caseID.rawValue])
        }
    }

    /// The status people see, derived from the columns each producer owns.
    static func status(intakeStatus: String?, category: String?, routed: Bool) -> CaseStatus {
        let base = intakeStatus.flatMap(CaseStatus.init(rawValue:)) ?? .submitted
        guard base == .submitted, routed else { return base }
        return category == "triage" ? .triage : .assigned
    }
}
