import GRDB

/// The tables every service keeps for durable messaging, in its own database.
///
/// - `event_log`: the producer's append-only events, numbered by `seq`, written in the same transaction as the state
///   change they report (transactional outbox). Kept, so a consumer's read model can be rebuilt by replaying.
/// - `delivery_cursor`: per consumer, the highest `seq` it acknowledged.
/// - `inbox_cursor`: per producer, the highest `seq` this service applied; advanced in the applying transaction, so a
///   redelivered event is recognised and skipped (exactly-once effect).
/// - `dead_letter`: events that could not be decoded or applied, with the error, kept for replay.
public enum EventStoreSchema {
    public static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("messaging-v1") { db in
            try db.create(table: "event_log") { t in
                t.column("seq", .integer).primaryKey(autoincrement: true)
                t.column("event_id", .text).notNull().unique()
                t.column("case_id", .text).notNull().indexed()
                t.column("type", .text).notNull()
                t.column("body", .blob).notNull()
                t.column("created_at", .double).notNull()
            }
            try db.create(table: "delivery_cursor") { t in
                t.column("consumer", .text).primaryKey()
                t.column("acked_seq", .integer).notNull()
            }
            try db.create(table: "inbox_cursor") { t in
                t.column("producer", .text).primaryKey()
                t.column("applied_seq", .integer).notNull()
            }
            try db.create(table: "dead_letter") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("producer", .text).notNull()
                t.column("seq", .integer).notNull()
                t.column("type", .text)
                t.column("body", .blob).notNull()
                t.column("error", .text).notNull()
                t.column("received_at", .double).notNull()
                t.column("replayed_at", .double)
            }
        }
        migrator.registerMigration("messaging-v2-lean-log") { db in
            // Nothing reads the log by event id or case: its two secondary indexes (one on random UUIDs) cost most of
            // an append. Deliveries read by `seq`, the row id itself.
            try db.create(table: "event_log_lean") { t in
                t.column("seq", .integer).primaryKey(autoincrement: true)
                t.column("event_id", .text).notNull()
                t.column("case_id", .text).notNull()
                t.column("type", .text).notNull()
                t.column("body", .blob).notNull()
                t.column("created_at", .double).notNull()
            }
            try db.execute(sql: "INSERT INTO event_log_lean SELECT seq, event_id, case_id, type, body, created_at FROM event_log")
            try db.drop(table: "event_log")
            try db.rename(table: "event_log_lean", to: "event_log")
        }
        migrator.registerMigration("messaging-v3-no-submitter-contact") { db in
            // Intake no longer sends the submitter's name and phone to anyone (#15): take them out of the
            // `case.submitted` events stored before, in intake's log and in any service's dead letters.
            try SubmitterContactScrub.events(in: "event_log", db: db)
            try SubmitterContactScrub.events(in: "dead_letter", db: db)
        }
    }
}
