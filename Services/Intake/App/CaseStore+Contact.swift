import DubanModels
import DubanRuntime
import DubanStorage
import Foundation
import GRDB

/// `GET /v1/cases/{id}/contact`: who raised a case and how to reach them. Only intake holds it, and only the bureau that
/// owns the case (a `bureau:<id>` key) or the triage office (`dispatch`) gets it; everyone else gets 403, so pages
/// and other services show contact details exactly where a key may see them.
struct CaseContact: Codable, Sendable, Equatable {
    var name: String?
    var phone: String?
    var enterprise: String?
}

extension CaseStore {
    /// The contact of case `id` for `key`. Throws `404 case_not_found`, or `403 not_your_case` for a key that
    /// neither owns the case's bureau nor dispatches.
    ///
    /// Every view of personal data is recorded in the audit trail, a refused one too (`contact.view`, who, which case,
    /// done or refused), in the same transaction as the read.
    func contact(_ id: CaseID, key: APIKeys.Key) async throws -> CaseContact {
        let now = clock.now()
        let row = try await database.write { db -> (allowed: Bool, submitter: Data)? in
            guard let row = try Row.fetchOne(db, sql: "SELECT bureau, submitter FROM case_record WHERE case_id = ?", arguments: [id.rawValue]) else {
                return nil
            }
            let owns = (row["bureau"] as String?).map { key.canAct(forBureau: BureauID(rawValue: $0)) } ?? false
            let allowed = owns || key.scopes.contains("dispatch")
            try AuditTrail.append(actor: key.name, action: "contact.view", subject: id.rawValue, outcome: allowed ? .done : .refused,
                                  at: now, in: db)
            return (allowed, row["submitter"])
        }
        guard let row else { throw APIError.notFound("case_not_found", "no case \(id)") }
        guard row.allowed else {
            throw APIError(.forbidden, code: "not_your_case", "key '\(key.name)' may not see who raised \(id)")
        }
        let submitter = (try? DubanJSON.decoder().decode(Submitter.self, from: row.submitter)) ?? Submitter()
        return CaseContact(name: submitter.name, phone: submitter.phone, enterprise: submitter.enterprise)
    }
}
