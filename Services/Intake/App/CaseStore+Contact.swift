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
    /// done or refused), in the same transaction as the read. A contact sealed with a key this intake was not given
    /// answers `500` with the cipher's code (`personal_data_key_unknown`, …); one erased after retention, no name or phone.
    func contact(_ id: CaseID, key: APIKeys.Key) async throws -> CaseContact {
        let now = clock.now()
        let row = try await database.write { db -> (allowed: Bool, submitter: Data, contact: String?)? in
            guard let row = try Row.fetchOne(db, sql: "SELECT bureau, submitter, contact FROM case_record WHERE case_id = ?",
                                             arguments: [id.rawValue]) else {
                return nil
            }
            let owns = (row["bureau"] as String?).map { key.canAct(forBureau: BureauID(rawValue: $0)) } ?? false
            let allowed = owns || key.scopes.contains("dispatch")
            try AuditTrail.append(actor: key.name, action: "contact.view", subject: id.rawValue, outcome: allowed ? .done : .refused,
                                  at: now, in: db)
            return (allowed, row["submitter"], row["contact"])
        }
        guard let row else { throw APIError.notFound("case_not_found", "no case \(id)") }
        guard row.allowed else {
            throw APIError(.forbidden, code: "not_your_case", "key '\(key.name)' may not see who raised \(id)")
        }
        let submitter: Submitter
        do {
            submitter = try Self.submitter(enterprise: row.submitter, contact: row.contact, caseID: id, cipher: cipher)
        } catch let error as ContactError {
            // Stable codes: personal_data_key_unknown (the key file that sealed it is not configured),
            // personal_data_undecryptable (altered or moved), personal_data_malformed.
            throw APIError(.internalServerError, code: error.code, "\(error)")
        }
        return CaseContact(name: submitter.name, phone: submitter.phone, enterprise: submitter.enterprise)
    }
}
