import DubanModels
import DubanRuntime
import DubanStorage
import Foundation
import GRDB

/// What `POST /v1/cases/{id}/updates` answers.
public struct UpdatedCase: Codable, Sendable {
    public var id: CaseID
    /// This update's number, for `servicerequestupdates`.
    public var updateID: Int64
    public var action: CaseAction
    public var status: CaseStatus

    enum CodingKeys: String, CodingKey { case id, updateID = "updateId", action, status }
}



extension CaseStore {
    /// Which statuses each action may start from, and the status it leaves (nil: unchanged).
    static let transitions: [CaseAction: (from: Set<CaseStatus>, to: CaseStatus?)] = [
        .sign: ([.assigned, .reopened], .signed),
        .measure: ([.signed, .inProgress, .reopened], .inProgress),
        .progress: ([.signed, .inProgress], .inProgress),
        .resolve: ([.signed, .inProgress, .reopened], .resolved),
        .return: ([.assigned, .signed], .returned),
        .requestExtension: ([.assigned, .signed, .inProgress, .reopened], nil),
        .decideExtension: ([.assigned, .signed, .inProgress, .reopened], nil),
        .dispatch: ([.triage], nil),
        .confirm: ([.resolved], .closed),
        .reject: ([.resolved, .closed], .reopened),
        .rate: ([.resolved, .closed], nil),
        .instruct: (Set(CaseStatus.allCases), nil),
        .proposeReturn: ([.assigned, .signed], nil),
        .proposeExtension: ([.assigned, .signed, .inProgress, .reopened], nil),
        .decideProposal: ([.assigned, .signed, .inProgress, .reopened], nil),
    ]

    /// Applies an update if the key may make it and the case is in a state that allows it; stores the new status
    /// and the `case.updated` event in one transaction.
    func update(_ id: CaseID, action: CaseAction, request: CaseUpdateRequest, key: APIKeys.Key,
                externalID: String? = nil) async throws -> UpdatedCase {
        let now = clock.now()
        return try await writer.write { db in
            try applyUpdate(id, action: action, request: request, key: key, externalID: externalID, at: now, in: db)
        }
    }

    /// The update inside the caller's transaction.
    func applyUpdate(_ id: CaseID, action: CaseAction, request: CaseUpdateRequest, key: APIKeys.Key, externalID: String?,
                     at now: Date, in db: Database) throws -> UpdatedCase {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT status, bureau, routings, returns, latest_triage, pending_extension_days, bureau_proposal FROM case_record WHERE case_id = ?
            """, arguments: [id.rawValue]) else {
            throw APIError.notFound("case_not_found", "no case \(id)")
        }
        let stored = CaseStatus(rawValue: row["status"]) ?? .submitted
        let bureau = (row["bureau"] as String?).map(BureauID.init(rawValue:))
        let current = CaseStatus.effective(intakeStatus: stored, returns: row["returns"], routings: row["routings"],
                                           latestIsTriage: row["latest_triage"])
        try Self.authorize(action, key: key, bureau: bureau)
        let rule = Self.transitions[action]!
        guard rule.from.contains(current) else {
            throw APIError(.conflict, code: "invalid_transition", "cannot \(action.rawValue) a case that is \(current.rawValue)")
        }
        let pending: Int? = row["pending_extension_days"]
        if action == .requestExtension && pending != nil {
            throw APIError(.conflict, code: "extension_pending", "an extension request is already waiting for a decision")
        }
        if action == .decideExtension && pending == nil {
            throw APIError(.conflict, code: "no_extension_pending", "no extension request is waiting for a decision")
        }
        let proposal = (row["bureau_proposal"] as String?).flatMap { BureauProposal(text: $0) }
        switch action {
        case .proposeReturn, .proposeExtension:
            if proposal != nil { throw APIError(.conflict, code: "proposal_pending", "a proposal is already waiting for the bureau head") }
            if action == .proposeExtension && pending != nil {
                throw APIError(.conflict, code: "extension_pending", "an extension request is already waiting for a decision")
            }
            let made = BureauProposal(action: action == .proposeReturn ? .return : .requestExtension, note: request.note ?? "",
                                      days: request.days, by: key.name)
            try db.execute(sql: "UPDATE case_record SET bureau_proposal = ? WHERE case_id = ?", arguments: [made.text, id.rawValue])
        case .decideProposal:
            guard let proposal else { throw APIError(.conflict, code: "no_proposal_pending", "no proposal is waiting for the bureau head") }
            try db.execute(sql: "UPDATE case_record SET bureau_proposal = NULL WHERE case_id = ?", arguments: [id.rawValue])
            // Recorded first, so the timeline reads: proposed, approved by the head, returned.
            let decided = try record(id, action: action, request: request, key: key, externalID: externalID, next: stored, bureau: bureau,
                                     pending: pending, at: now, in: db)
            guard request.approved == true else { return decided.answer(row) }
            var followUp = CaseUpdateRequest(action: proposal.action.rawValue, note: proposal.note, days: proposal.days)
            followUp.note = proposal.note
            return try applyUpdate(id, action: proposal.action, request: followUp, key: key, externalID: nil, at: now, in: db)
        default:
            break
        }

        if action == .return || action == .requestExtension, proposal != nil {
            try db.execute(sql: "UPDATE case_record SET bureau_proposal = NULL WHERE case_id = ?", arguments: [id.rawValue])
        }
        return try record(id, action: action, request: request, key: key, externalID: externalID, next: rule.to ?? stored,
                          bureau: bureau, pending: pending, at: now, in: db).answer(row)
    }

    /// What one update leaves: the new status and the update's number, before the routing figures are applied.
    struct Recorded {
        var id: CaseID
        var updateID: Int64
        var action: CaseAction
        var next: CaseStatus

        func answer(_ row: Row) -> UpdatedCase {
            UpdatedCase(id: id, updateID: updateID, action: action,
                        status: CaseStatus.effective(intakeStatus: next, returns: row["returns"] + (action == .return ? 1 : 0),
                                                     routings: row["routings"], latestIsTriage: row["latest_triage"]))
        }
    }

    /// Stores the update, its event and its audit row.
    private func record(_ id: CaseID, action: CaseAction, request: CaseUpdateRequest, key: APIKeys.Key, externalID: String?,
                        next: CaseStatus, bureau: BureauID?, pending: Int?, at now: Date, in db: Database) throws -> Recorded {
        try db.execute(sql: """
            UPDATE case_record SET status = ?, returns = returns + ?,
              pending_extension_days = CASE ? WHEN 'request_extension' THEN ? WHEN 'decide_extension' THEN NULL
                                              ELSE pending_extension_days END
            WHERE case_id = ?
            """, arguments: [next.rawValue, action == .return ? 1 : 0, action.rawValue, request.days, id.rawValue])
        let update = CaseUpdated(
            action: action, actor: key.name, status: next,
            bureau: action == .dispatch ? request.bureau.map(BureauID.init(rawValue:)) : bureau,
            note: request.note, extensionDays: action == .decideExtension ? pending : request.days,
            approved: request.approved, satisfaction: request.score)
        try events.append(.caseUpdated(update), caseID: id, at: now, in: db)
        try db.execute(sql: "UPDATE case_record SET updated_at = ? WHERE case_id = ?", arguments: [now.timeIntervalSince1970, id.rawValue])
        try db.execute(sql: """
            INSERT INTO case_update (case_id, external_id, actor, action, status, note, at) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id.rawValue, externalID, key.name, action.rawValue, next.rawValue, request.note, now.timeIntervalSince1970])
        let updateID = db.lastInsertedRowID
        try AuditTrail.append(actor: key.name, action: "case.\(action.rawValue)", subject: id.rawValue, detail: next.rawValue, at: now, in: db)
        return Recorded(id: id, updateID: updateID, action: action, next: next)
    }

    private static func authorize(_ action: CaseAction, key: APIKeys.Key, bureau: BureauID?) throws {
        let needed: String
        switch action {
        case .sign, .measure, .progress, .resolve, .return, .requestExtension, .proposeReturn, .proposeExtension, .decideProposal:
            guard let bureau else { throw APIError(.conflict, code: "not_routed", "the case has no owning bureau yet") }
            guard key.canAct(forBureau: bureau) else {
                throw APIError(.forbidden, code: "not_your_case", "'\(key.name)' may not act for bureau \(bureau)")
            }
            // What leaves the bureau, a person's bureau head decides (a machine's key acts for the bureau as before).
            let headDecides: Set<CaseAction> = [.return, .requestExtension, .decideProposal]
            if key.person && headDecides.contains(action) && !key.scopes.contains("bureau-head") {
                throw APIError(.forbidden, code: "head_decides",
                               "a return or extension request goes to the bureau head: propose it (propose_return, propose_extension)")
            }
            return
        case .instruct: needed = "instruct"
        case .decideExtension: needed = "approve"
        case .dispatch: needed = "dispatch"
        case .confirm, .reject, .rate: needed = "feedback"
        }
        guard key.scopes.contains(needed) else {
            throw APIError(.forbidden, code: "scope_required", "key '\(key.name)' lacks the '\(needed)' scope")
        }
    }

    /// Routing's decision, as intake needs it: who may act on the case now.
    static func applyRouted(_ event: EventEnvelope, _ routed: CaseRouted, in db: Database) throws {
        try db.execute(sql: """
            UPDATE case_record SET bureau = ?, routings = routings + 1, latest_triage = ?, routed_category = ?, bureau_name = ?,
              deadline = ?, updated_at = max(coalesce(updated_at, 0), ?)
            WHERE case_id = ?
            """, arguments: [routed.bureau.rawValue, routed.category == "triage", routed.category.rawValue, routed.bureauName,
                             routed.deadline.timeIntervalSince1970, event.occurredAt.timeIntervalSince1970, event.caseID.rawValue])
    }
}

/// A clerk's proposal waiting for the bureau head (`case_record.bureau_proposal`): what would leave the bureau, why,
/// and who proposed it.
struct BureauProposal: Codable, Sendable {
    var action: CaseAction
    var note: String
    var days: Int?
    var by: String

    init(action: CaseAction, note: String, days: Int?, by: String) {
        self.action = action
        self.note = note
        self.days = days
        self.by = by
    }

    init?(text: String) {
        guard let decoded = try? JSONDecoder().decode(BureauProposal.self, from: Data(text.utf8)) else { return nil }
        self = decoded
    }

    var text: String { String(decoding: (try? JSONEncoder().encode(self)) ?? Data(), as: UTF8.self) }
}
