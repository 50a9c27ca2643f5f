import GRDB

/// `webhook_target`: where each target's notices begin and how far they are queued.
///
/// A target receives notices stored from the moment it is first seen, not the history before it (that stays on the
/// replay socket and `GET /v1/notices`). The starting point is written once, so a restart does not move it.
enum WebhookTargetStart {
    static func createTable(in db: Database) throws {
        try db.create(table: "webhook_target") { t in
            t.column("id", .text).primaryKey()
            // The newest notice seq when the target was first seen: it gets only later ones.
            t.column("start_seq", .integer).notNull()
            // The newest notice seq already turned into delivery rows (or skipped for its topic).
            t.column("enqueued_seq", .integer).notNull()
            // Real time, Unix seconds (0 for targets carried over from before the table existed).
            t.column("first_seen_at", .double).notNull()
        }
    }

    /// Records `id` with the current newest notice as its start, unless it is known already.
    static func record(_ id: String, at now: Double, in db: Database) throws {
        try db.execute(sql: """
            INSERT OR IGNORE INTO webhook_target (id, start_seq, enqueued_seq, first_seen_at)
            SELECT ?, COALESCE(MAX(seq), 0), COALESCE(MAX(seq), 0), ? FROM notice
            """, arguments: [id, now])
    }

    static func enqueued(_ id: String, in db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT enqueued_seq FROM webhook_target WHERE id = ?", arguments: [id]) ?? 0
    }

    static func advance(_ id: String, to seq: Int64, in db: Database) throws {
        try db.execute(sql: "UPDATE webhook_target SET enqueued_seq = ? WHERE id = ? AND enqueued_seq < ?", arguments: [seq, id, seq])
    }
}
