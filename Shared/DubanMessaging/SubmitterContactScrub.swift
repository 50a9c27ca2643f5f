import DubanModels
import Foundation
import GRDB

/// Takes the submitter's name and phone out of `case.submitted` events stored before intake stopped sending them
/// (#15): intake's own event log, consumers' dead letters and reporting's timeline. The enterprise stays, and so does
/// everything else about the event (id, times, seq), so deliveries and rebuilds are unaffected.
public enum SubmitterContactScrub {
    /// Rewrites, in `table`, each `case.submitted` body (`type` column) that still carries a name or phone; returns
    /// how many. A body that cannot be decoded is left as it is (a dead letter keeps its error).
    @discardableResult
    public static func events(in table: String, db: Database) throws -> Int {
        // SQLite zeroes what it frees (old versions of the rows), rather than leaving the clear text in free pages.
        try db.execute(sql: "PRAGMA secure_delete = ON")
        let rows = try Row.fetchAll(db, sql: "SELECT rowid AS row_id, body FROM \(table) WHERE type = ?",
                                    arguments: [EventType.caseSubmitted.rawValue])
        var changed = 0
        for row in rows {
            guard let body = withoutContact(row["body"]) else { continue }
            try db.execute(sql: "UPDATE \(table) SET body = ? WHERE rowid = ?", arguments: [body, row["row_id"] as Int64])
            changed += 1
        }
        return changed
    }

    /// The event without the submitter's name and phone, in the compact form; nil when there is nothing to take out
    /// (or it is not a `case.submitted` event it can read).
    public static func withoutContact(_ body: Data) -> Data? {
        guard var envelope = try? EventCodec.decode(body), case .caseSubmitted(var submitted) = envelope.payload,
              submitted.draft.submitter != submitted.draft.submitter.withoutContact else { return nil }
        submitted.draft.submitter = submitted.draft.submitter.withoutContact
        envelope.payload = .caseSubmitted(submitted)
        return EventCodec.encode(envelope)
    }
}
