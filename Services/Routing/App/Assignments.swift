import DubanMessaging
import DubanModels
import DubanRuntime
import Foundation
import GRDB
import Logging

/// Routing's responsibility list: the latest decision per case, the returns, and the events that change them.
struct Assignments: Sendable {
    let events: EventLog
    let clock: WallClock
    let holder: RouterHolder
    let logger: Logger

    func apply(_ event: EventEnvelope, in db: Database) throws {
        switch event.payload {
        case .caseSubmitted(let submitted):
            let decision = holder.router.route(submitted.draft, at: submitted.submittedAt)
            try db.execute(sql: "INSERT INTO assignment (case_id, bureau, category, deadline, rule, score, decided_at, draft) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           arguments: [event.caseID.rawValue, decision.bureau.rawValue, decision.category.rawValue,
                                       decision.deadline.timeIntervalSince1970, decision.rule, decision.score,
                                       clock.now().timeIntervalSince1970, try DubanJSON.encoder().encode(submitted.draft)])
            try record(decision, for: event.caseID, causedBy: event.id, in: db)
        case .caseUpdated(let update):
            try applyUpdate(update, caseID: event.caseID, cause: event.id, in: db)
        case .caseRouted, .deadlineTracked, .meetingSeriesSaved, .meetingSessionSaved, .topicSaved:
            return
        }
    }

    private func applyUpdate(_ update: CaseUpdated, caseID: CaseID, cause: UUID, in db: Database) throws {
        guard let row = try Row.fetchOne(db, sql: "SELECT draft, decision, pending_extension_days FROM assignment WHERE case_id = ?",
                                         arguments: [caseID.rawValue]) else {
            throw RoutingError("an update for \(caseID), which routing never saw submitted")
        }
        let decoder = DubanJSON.decoder()
        let current = try decoder.decode(CaseRouted.self, from: row["decision"] as Data)
        switch update.action {
        case .return:
            try db.execute(sql: "INSERT INTO case_return (case_id, bureau, reason, returned_at) VALUES (?, ?, ?, ?)",
                           arguments: [caseID.rawValue, current.bureau.rawValue, update.note, clock.now().timeIntervalSince1970])
            let returned = Set(try String.fetchAll(db, sql: "SELECT bureau FROM case_return WHERE case_id = ?",
                                                   arguments: [caseID.rawValue]).map(BureauID.init(rawValue:)))
            let draft = try decoder.decode(CaseDraft.self, from: row["draft"] as Data)
            var decision = holder.router.route(draft, at: clock.now(), excluding: returned)
            if decision.rule != "triage" { decision.rule = "reroute-after-return:" + decision.rule }
            try record(decision, for: caseID, causedBy: cause, in: db)
        case .dispatch:
            guard let bureau = update.bureau, let decision = holder.router.dispatch(to: bureau, at: clock.now()) else {
                throw RoutingError("dispatch of \(caseID) to unknown bureau \(update.bureau?.rawValue ?? "-")")
            }
            try record(decision, for: caseID, causedBy: cause, in: db)
        case .requestExtension:
            try db.execute(sql: "UPDATE assignment SET pending_extension_days = ? WHERE case_id = ?",
                           arguments: [update.extensionDays, caseID.rawValue])
        case .decideExtension:
            let days: Int? = row["pending_extension_days"]
            try db.execute(sql: "UPDATE assignment SET pending_extension_days = NULL WHERE case_id = ?", arguments: [caseID.rawValue])
            if update.approved == true, let days {
                try record(holder.router.extend(current, byWorkingDays: days), for: caseID, causedBy: cause, in: db)
            }
        default:
            return
        }
    }

    private func record(_ decision: CaseRouted, for caseID: CaseID, causedBy cause: UUID, in db: Database) throws {
        try db.execute(sql: """
            UPDATE assignment SET bureau = ?, category = ?, deadline = ?, rule = ?, score = ?, decided_at = ?, decision = ?
            WHERE case_id = ?
            """, arguments: [decision.bureau.rawValue, decision.category.rawValue, decision.deadline.timeIntervalSince1970,
                             decision.rule, decision.score, clock.now().timeIntervalSince1970,
                             try DubanJSON.encoder().encode(decision), caseID.rawValue])
        try events.append(.caseRouted(decision), caseID: caseID, at: clock.now(), causedBy: cause, in: db)
    }

    static func returnsByBureau(in db: Database) throws -> [String: Int] {
        var result: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT bureau, COUNT(*) AS n FROM case_return GROUP BY bureau") {
            result[row["bureau"]] = row["n"]
        }
        return result
    }
}

struct RoutingError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
