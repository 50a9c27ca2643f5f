import DubanMessaging
import Foundation
import GRDB
import Testing

/// Upgrading a service's database keeps every logged event, with its `seq`, so deliveries resume where they were.
@Suite struct EventStoreSchemaTests {
    @Test func theLeanLogKeepsEveryEventAndItsSequence() throws {
        var migrator = DatabaseMigrator()
        EventStoreSchema.register(in: &migrator)
        let path = NSTemporaryDirectory() + "schema-\(UUID().uuidString).sqlite"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let queue = try DatabaseQueue(path: path)
        try migrator.migrate(queue, upTo: "messaging-v1")
        try queue.write { db in
            for n in 1...3 {
                try db.execute(sql: "INSERT INTO event_log (event_id, case_id, type, body, created_at) VALUES (?, ?, 'case.submitted', ?, 0)",
                               arguments: ["e\(n)", "C\(n)", Data([UInt8(n)])])
            }
            try db.execute(sql: "DELETE FROM event_log WHERE seq = 2")  // a gap, as after a trimmed log
        }
        try migrator.migrate(queue)
        try queue.write { db in
            #expect(try Int64.fetchAll(db, sql: "SELECT seq FROM event_log ORDER BY seq") == [1, 3])
            #expect(try Data.fetchOne(db, sql: "SELECT body FROM event_log WHERE seq = 3") == Data([3]))
            // New events continue after the highest seq ever used (AUTOINCREMENT), never reusing one.
            try db.execute(sql: "INSERT INTO event_log (event_id, case_id, type, body, created_at) VALUES ('e4', 'C4', 't', x'04', 0)")
            #expect(db.lastInsertedRowID == 4)
            #expect(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'event_log'").isEmpty)
        }
    }
}
