import DubanModels
import DubanStorage
import Foundation
import GRDB

/// Retention (`personal-data.retain-days`): the submitter's name and phone are kept while a case may still need them,
/// and erased once it has been closed for longer than that (the Personal Information Protection Law's deletion when
/// no longer needed). Closed means the submitter confirmed it solved (`closed`, the loop's end); its time is that
/// confirmation's. A resolved case the submitter never confirmed keeps its contact: the submitter may still reject.
extension CaseStore {
    /// Erases the contact of every case closed before `cutoff`, each in the audit trail (`contact.anonymise` by
    /// `actor`, on the case, with when it closed); the enterprise stays. Returns how many.
    @discardableResult
    func anonymiseContacts(closedBefore cutoff: Date, retainDays: Int, actor: String) async throws -> Int {
        let now = clock.now()
        var after: Int64 = 0
        var erased = 0
        while true {
            let start = after
            let batch = try await database.write { db -> (last: Int64, count: Int)? in
                // SQLite zeroes the freed space, so the sealed value does not linger in the file's free pages.
                try db.execute(sql: "PRAGMA secure_delete = ON")
                // `case_record_closed_contact` (a partial index) holds only the closed cases that still have a contact.
                let rows = try Row.fetchAll(db, sql: """
                    SELECT number, case_id, closed_at FROM (
                      SELECT c.number, c.case_id, coalesce(
                        (SELECT max(u.at) FROM case_update u WHERE u.case_id = c.case_id AND u.action = 'confirm'), c.updated_at) AS closed_at
                      FROM case_record c WHERE c.status = 'closed' AND c.contact IS NOT NULL AND c.number > ?)
                    WHERE closed_at < ? ORDER BY number LIMIT ?
                    """, arguments: [start, cutoff.timeIntervalSince1970, Self.personalDataBatch])
                guard let last = rows.last else { return nil }
                for row in rows {
                    try db.execute(sql: "UPDATE case_record SET contact = NULL WHERE number = ?", arguments: [row["number"] as Int64])
                    let closed = Date(timeIntervalSince1970: row["closed_at"]).ISO8601Format()
                    try AuditTrail.append(actor: actor, action: "contact.anonymise", subject: row["case_id"],
                                          detail: "closed \(closed); personal-data.retain-days \(retainDays)", at: now, in: db)
                }
                return (last["number"], rows.count)
            }
            guard let batch else { break }
            after = batch.last
            erased += batch.count
        }
        if erased > 0 { try await checkpointAway() }
        return erased
    }
}
