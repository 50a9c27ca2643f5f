import DubanModels
import Foundation
import GRDB

/// Folds events into `case_view` and `timeline`. Idempotent per event id, and indifferent to the order in which
/// different producers' events arrive.
enum ReadModel {
    /// What was done, in the owner's words, for the case page and the public results page.
    static func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("reporting-v5-measures") { db in
            try db.alter(table: "case_view") { t in
                t.add(column: "measure_note", .text)  // the latest measure (措施)
                t.add(column: "resolution", .text)  // the latest resolution
            }
        }
        migrator.registerMigration("reporting-v6-location") { db in
            // intake's: where the problem is, for the case page (`reporting rebuild` fills it for earlier cases)
            try db.alter(table: "case_view") { t in
                t.add(column: "address", .text)
                t.add(column: "latitude", .double)
                t.add(column: "longitude", .double)
            }
        }
    }

    /// Registered after reporting's others (Reporting.swift), in the order they were added.
    static func registerMeetingMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("reporting-v9-meetings") { db in
            // intake's: the session a problem was raised at, the answer given on the spot, the liaison officer and
            // area; and the owner's latest measure, progress or resolution, for the responsibility list.
            try db.alter(table: "case_view") { t in
                t.add(column: "session_id", .text)
                t.add(column: "first_answer", .text)
                t.add(column: "liaison", .text)
                t.add(column: "area", .text)
                t.add(column: "latest_note", .text)
                t.add(column: "latest_note_at", .double)
            }
            try db.create(index: "case_view_session", on: "case_view", columns: ["session_id"], condition: Column("session_id") != nil)
            try SeriesView.create(db)
            try SessionView.create(db)
            try TopicView.create(db)
        }
    }

    static func apply(_ event: EventEnvelope, in db: Database) throws {
        // Meetings and topics have their own views; each event carries the whole record as it now is.
        switch event.payload {
        case .meetingSeriesSaved(let series): return try SeriesView.save(series, in: db)
        case .meetingSessionSaved(let session): return try SessionView.save(session, in: db)
        case .topicSaved(let topic): return try TopicView.save(topic, in: db)
        default: break
        }
        let body = EventCodec.encode(event)  // compact; `EventCodec.decode` reads it (and the JSON of older rows)
        try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO timeline (event_id, case_id, type, producer, occurred_at, body, causation_id)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [EventID.text(event.id), event.caseID.rawValue, event.type.rawValue, event.producer,
                             event.occurredAt.timeIntervalSince1970, body, event.causationID.map(EventID.text)])
        guard db.changesCount > 0 else { return }  // seen before
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO case_view (case_id) VALUES (?)").execute(arguments: [event.caseID.rawValue])
        switch event.payload {
        case .caseSubmitted(let submitted):
            let draft = submitted.draft
            try db.cachedStatement(sql: """
                UPDATE case_view SET title = ?, description = ?, channel = ?, enterprise = ?, intake_status = ?,
                submitted_at = ?, address = ?, latitude = ?, longitude = ?, session_id = ?, first_answer = ?, liaison = ?,
                area = ? WHERE case_id = ?
                """).execute(arguments: [draft.title, draft.description, draft.channel.rawValue, draft.submitter.enterprise,
                                 CaseStatus.submitted.rawValue, submitted.submittedAt.timeIntervalSince1970,
                                 draft.location?.address, draft.location?.latitude, draft.location?.longitude,
                                 draft.session, draft.firstAnswer, draft.liaison, draft.area, event.caseID.rawValue])
        case .caseRouted(let routed):
            try db.cachedStatement(sql: """
                UPDATE case_view SET bureau = ?, bureau_name = ?, category = ?, deadline = ?, deadline_class = ?,
                routing_rule = ?, routing_score = ?, routed_at = ?, routings = routings + 1, latest_triage = ?,
                counterpart = ?, assisting = ?, routing_alternatives = ? WHERE case_id = ?
                """).execute(arguments: [routed.bureau.rawValue, routed.bureauName, routed.category.rawValue,
                                 routed.deadline.timeIntervalSince1970, routed.deadlineClass, routed.rule, routed.score,
                                 event.occurredAt.timeIntervalSince1970, routed.category == "triage",
                                 routed.counterpart?.rawValue, routed.assisting.map(\.rawValue).joined(separator: " "),
                                 routed.alternatives.isEmpty ? Data("[]".utf8) : try DubanJSON.shared.encode(routed.alternatives), event.caseID.rawValue])
            try db.cachedStatement(sql: """
                INSERT INTO bureau_directory (bureau, name) VALUES (?, ?) ON CONFLICT (bureau) DO UPDATE SET name = excluded.name
                WHERE name != excluded.name
                """).execute(arguments: [routed.bureau.rawValue, routed.bureauName])
        case .deadlineTracked:
            try db.cachedStatement(sql: "UPDATE case_view SET tracked_at = ? WHERE case_id = ?").execute(arguments: [event.occurredAt.timeIntervalSince1970, event.caseID.rawValue])
        case .caseUpdated(let update):
            let at = event.occurredAt.timeIntervalSince1970
            // The latest progress a responsibility list shows: the owner's measure, progress note or resolution.
            let isProgress = [.measure, .progress, .resolve].contains(update.action)
            try db.cachedStatement(sql: """
                UPDATE case_view SET intake_status = ?, returns = returns + ?,
                  measure_drafted_at = CASE WHEN ? AND measure_drafted_at IS NULL THEN ? ELSE measure_drafted_at END,
                  resolved_at = CASE WHEN ? THEN ? ELSE resolved_at END,
                  closed_at = CASE WHEN ? THEN ? ELSE closed_at END,
                  satisfaction = COALESCE(?, satisfaction),
                  measure_note = CASE WHEN ? THEN ? ELSE measure_note END,
                  resolution = CASE WHEN ? THEN ? ELSE resolution END,
                  responded_at = CASE WHEN ? AND responded_at IS NULL THEN ? ELSE responded_at END,
                  latest_note = CASE WHEN ? AND ? IS NOT NULL THEN ? ELSE latest_note END,
                  latest_note_at = CASE WHEN ? AND ? IS NOT NULL THEN ? ELSE latest_note_at END
                WHERE case_id = ?
                """).execute(arguments: [update.status.rawValue, update.action == .return ? 1 : 0,
                                 update.action == .measure, at, update.action == .resolve, at,
                                 update.action == .confirm, at, update.satisfaction,
                                 update.action == .measure, update.note, update.action == .resolve, update.note,
                                 [.sign, .measure, .progress, .resolve, .return].contains(update.action), at,
                                 isProgress, update.note, update.note, isProgress, update.note, at,
                                 event.caseID.rawValue])
            // A clerk's proposal waits for the head until the head decides it (or returns or asks for time directly).
            switch update.action {
            case .proposeReturn, .proposeExtension:
                try db.cachedStatement(sql: "UPDATE case_view SET proposal_action = ?, proposal_days = ?, proposal_note = ? WHERE case_id = ?")
                    .execute(arguments: [update.action.rawValue, update.extensionDays, update.note, event.caseID.rawValue])
            case .decideProposal, .return, .requestExtension:
                try db.cachedStatement(sql: "UPDATE case_view SET proposal_action = NULL, proposal_days = NULL, proposal_note = NULL WHERE case_id = ?")
                    .execute(arguments: [event.caseID.rawValue])
            default:
                break
            }
        case .meetingSeriesSaved, .meetingSessionSaved, .topicSaved:
            break  // applied above
        }
    }

    /// The status people see, derived from the columns each producer owns.
    static func status(_ row: Row) -> CaseStatus {
        CaseStatus.effective(intakeStatus: (row["intake_status"] as String?).flatMap(CaseStatus.init(rawValue:)) ?? .submitted,
                             returns: row["returns"], routings: row["routings"], latestIsTriage: row["latest_triage"])
    }
}
