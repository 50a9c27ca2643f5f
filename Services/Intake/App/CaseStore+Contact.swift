import DubanModels
import DubanRuntime
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
    func contact(_ id: CaseID, key: APIKeys.Key) async throws -> CaseContact {
        let row = try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT bureau, submitter FROM case_record WHERE case_id = ?", arguments: [id.rawValue])
                .map { (bureau: $0["bureau"] as String?, submitter: $0["submitter"] as Data) }
        }
        guard let row else { throw APIError.notFound("case_not_found", "no case \(id)") }
        let owns = row.bureau.map { key.canAct(forBureau: BureauID(rawValue: $0)) } ?? false
        guard owns || key.scopes.contains("dispatch") else {
            throw APIError(.forbidden, code: "not_your_case", "key '\(key.name)' may not see who raised \(id)")
        }
        let submitter = (try? DubanJSON.decoder().decode(Submitter.self, from: row.submitter)) ?? Submitter()
        return CaseContact(name: submitter.name, phone: submitter.phone, enterprise: submitter.enterprise)
    }
}
