import DubanMessaging
import DubanModels
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

    /// `case.submitted` events stored before intake stopped sending the submitter's name and phone lose them on
    /// upgrade, in the log and in dead letters, and keep everything else: id, seq, enterprise, title.
    @Test func storedSubmissionsLoseTheNameAndPhone() throws {
        var migrator = DatabaseMigrator()
        EventStoreSchema.register(in: &migrator)
        let path = NSTemporaryDirectory() + "schema-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let queue = try DatabaseQueue(path: path)
        try migrator.migrate(queue, upTo: "messaging-v2-lean-log")
        let draft = CaseDraft(title: "厂区停电", description: "近一个月停电三次", channel: .api,
                              submitter: Submitter(name: "王小明", enterprise: "华新电子", phone: "13812345678"))
        let submitted = EventEnvelope(occurredAt: Date(timeIntervalSince1970: 1_800_000_000), producer: "intake", caseID: "DB-1",
                                      payload: .caseSubmitted(CaseSubmitted(draft: draft, submittedAt: Date(timeIntervalSince1970: 1_800_000_000))))
        let jsonBody = try DubanJSON.encoder().encode(submitted)  // logs written before the binary codec hold JSON
        try queue.write { db in
            try db.execute(sql: "INSERT INTO event_log (seq, event_id, case_id, type, body, created_at) VALUES (7, 'e', 'DB-1', 'case.submitted', ?, 0)",
                           arguments: [EventCodec.encode(submitted)])
            try db.execute(sql: "INSERT INTO dead_letter (producer, seq, type, body, error, received_at) VALUES ('intake', 3, 'case.submitted', ?, 'x', 0)",
                           arguments: [jsonBody])
        }
        try migrator.migrate(queue)
        try queue.read { db in
            for body in [try Data.fetchOne(db, sql: "SELECT body FROM event_log WHERE seq = 7"),
                         try Data.fetchOne(db, sql: "SELECT body FROM dead_letter")] {
                let event = try EventCodec.decode(try #require(body))
                guard case .caseSubmitted(let payload) = event.payload else { Issue.record("not a submission"); continue }
                #expect(event.id == submitted.id && event.caseID == "DB-1")
                #expect(payload.draft.submitter == Submitter(enterprise: "华新电子"))
                #expect(payload.draft.title == draft.title)
            }
        }
        let file = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(file.range(of: Data("13812345678".utf8)) == nil && file.range(of: Data("王小明".utf8)) == nil)
    }
}
