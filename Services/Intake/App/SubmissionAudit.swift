import DubanModels
import DubanStorage
import Foundation
import GRDB
import Synchronization

/// Submissions join the audit trail one row per submitter per commit, not one per case: a row per case in intake's
/// group commit cost about a tenth of the durable `POST /v1/cases` rate (docs/PERFORMANCE.md). The row's subject is
/// the case id when the commit held one case from that submitter, the first of them otherwise; its detail is how many,
/// then every case id, so a search by case finds it (`AuditTrail.search` looks in both).
///
/// Filled by the batch's writes and emptied by the same batch before its commit: `BatchedWriter` runs one batch at a
/// time, so what is here belongs to the transaction being written.
final class SubmissionAudit: Sendable {
    private let pending = Mutex<[(actor: String, case: CaseID)]>([])

    func note(actor: String, case id: CaseID) {
        pending.withLock { $0.append((actor, id)) }
    }

    /// Appends the batch's rows (`case.submit`) inside its transaction, and forgets them.
    func record(at now: Date, in db: Database) throws {
        let noted = pending.withLock { pending -> [(actor: String, case: CaseID)] in
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
        guard !noted.isEmpty else { return }
        var order: [String] = []
        var byActor: [String: [String]] = [:]
        for item in noted {
            if byActor[item.actor] == nil { order.append(item.actor) }
            byActor[item.actor, default: []].append(item.case.rawValue)
        }
        for actor in order {
            let ids = byActor[actor]!
            try AuditTrail.append(actor: actor, action: "case.submit", subject: ids[0],
                                  detail: ids.count == 1 ? "1" : "\(ids.count): " + ids.joined(separator: " "), at: now, in: db)
        }
    }
}
