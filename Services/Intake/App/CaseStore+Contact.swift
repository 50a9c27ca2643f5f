import DubanModels
import DubanRuntime
import DubanStorage
import Foundation
import GRDB

/// `GET /v1/cases/{id}/contact`: who raised a case and how to reach them. Only intake holds it, and only the bureau that
/// owns the case (a `bureau:<id>` key or its people) or supervisors and the triage office (`dispatch`) get it in full;
/// those who read every case (leaders, the secretary, a `read` key) get it masked; everyone else gets 403, so pages and
/// other services show contact details exactly where a caller may see them.
struct CaseContact: Codable, Sendable, Equatable {
    var name: String?
    var phone: String?
    var enterprise: String?
    /// True for a reader who sees every case but is not the owning bureau or a supervisor (a leader, the secretary, a
    /// `read` key): the name keeps its first character and the phone its first three and last two digits.
    var masked: Bool? = nil
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
        let row = try await database.write { db -> (allowed: Bool?, submitter: Data, contact: String?)? in
            guard let row = try Row.fetchOne(db, sql: "SELECT bureau, submitter, contact FROM case_record WHERE case_id = ?",
                                             arguments: [id.rawValue]) else {
                return nil
            }
            let owns = (row["bureau"] as String?).map { key.canAct(forBureau: BureauID(rawValue: $0)) } ?? false
            let allowed = owns || key.scopes.contains("dispatch")
            // Those who read every case see it masked; a key of another bureau, or one that only submits, nothing.
            let readsAll = key.scopes.contains("read") && !key.scopes.contains { $0.hasPrefix("bureau:") }
            try AuditTrail.append(actor: key.name, action: "contact.view", subject: id.rawValue,
                                  outcome: allowed || readsAll ? .done : .refused, detail: allowed || !readsAll ? "" : "masked", at: now, in: db)
            return (allowed ? true : readsAll ? false : nil, row["submitter"], row["contact"])
        }
        guard let row else { throw APIError.notFound("case_not_found", "no case \(id)") }
        guard let clear = row.allowed else {
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
        guard clear else {
            return CaseContact(name: submitter.name.map(Self.maskedName), phone: PersonalDataMask.mask(submitter.phone),
                               enterprise: submitter.enterprise, masked: true)
        }
        return CaseContact(name: submitter.name, phone: submitter.phone, enterprise: submitter.enterprise)
    }

    /// A name as those who may not see it in full see it: its first character, then one `*` for each other (王**).
    static func maskedName(_ name: String) -> String {
        guard let first = name.first else { return name }
        return String(first) + String(repeating: "*", count: max(1, name.count - 1))
    }
}
