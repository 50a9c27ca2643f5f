import DubanMessaging
import DubanModels
import DubanStorage
import Foundation
import GRDB
import Testing
@testable import ReportingService

/// Reporting's timeline kept whole `case.submitted` events, with the submitter's name and phone, before intake stopped
/// sending them: upgrading takes them out and keeps the rest of the case.
@Suite struct SubmitterContactScrubTests {
    @Test func theTimelineLosesTheNameAndPhoneOnUpgrade() throws {
        var migrator = DatabaseMigrator()
        EventStoreSchema.register(in: &migrator)
        Reporting.registerMigrations(in: &migrator)
        let directory = NSTemporaryDirectory() + "reporting-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/reporting.sqlite"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: path)
        try migrator.migrate(queue, upTo: "reporting-v6-location")
        let draft = CaseDraft(title: "厂区停电", description: "近一个月停电三次", channel: .api,
                              submitter: Submitter(name: "王小明", enterprise: "华新电子", phone: "13812345678"))
        let event = EventEnvelope(occurredAt: Date(), producer: "intake", caseID: "DB-1",
                                  payload: .caseSubmitted(CaseSubmitted(draft: draft, submittedAt: Date())))
        // As reporting stored it then: the whole event in the timeline, the enterprise in the case's row.
        try queue.write { db in
            try db.execute(sql: "INSERT INTO timeline (event_id, case_id, type, producer, occurred_at, body) VALUES (?, 'DB-1', ?, 'intake', 0, ?)",
                           arguments: [EventID.text(event.id), event.type.rawValue, try DubanJSON.encoder().encode(event)])
            try db.execute(sql: "INSERT INTO case_view (case_id, title, enterprise) VALUES ('DB-1', '厂区停电', '华新电子')")
        }
        try migrator.migrate(queue)
        try queue.read { db in
            let body = try #require(try Data.fetchOne(db, sql: "SELECT body FROM timeline WHERE event_id = ?", arguments: [EventID.text(event.id)]))
            guard case .caseSubmitted(let submitted) = try EventCodec.decode(body).payload else { Issue.record("not a submission"); return }
            #expect(submitted.draft.submitter == Submitter(enterprise: "华新电子") && submitted.draft.title == "厂区停电")
            #expect(try String.fetchOne(db, sql: "SELECT enterprise FROM case_view WHERE case_id = 'DB-1'") == "华新电子")
        }
        try queue.close()
        let file = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(file.range(of: Data("13812345678".utf8)) == nil && file.range(of: Data("王小明".utf8)) == nil)
    }
}
