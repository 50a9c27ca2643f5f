import DubanMessaging
import DubanModels
import Foundation
import GRDB
import Testing
@testable import RoutingService

/// Routing kept each case's draft, with the submitter's name and phone, before intake stopped sending them:
/// upgrading takes them out and keeps what routing decides on.
@Suite struct SubmitterContactScrubTests {
    @Test func theKeptDraftsLoseTheNameAndPhoneOnUpgrade() throws {
        var migrator = DatabaseMigrator()
        EventStoreSchema.register(in: &migrator)
        Routing.registerMigrations(in: &migrator)
        let path = NSTemporaryDirectory() + "routing-\(UUID().uuidString).sqlite"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let queue = try DatabaseQueue(path: path)
        try migrator.migrate(queue, upTo: "routing-v2-reroute")
        let draft = CaseDraft(title: "厂区停电", description: "近一个月停电三次", channel: .api,
                              submitter: Submitter(name: "王小明", enterprise: "华新电子", phone: "13812345678"), category: "power")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO assignment (case_id, bureau, category, deadline, rule, score, decided_at, draft) VALUES ('DB-1', 'b', 'c', 0, 'r', 1, 0, ?)
                """, arguments: [try DubanJSON.encoder().encode(draft)])
        }
        try migrator.migrate(queue)
        let kept = try queue.read { try DubanJSON.decoder().decode(CaseDraft.self, from: try #require(try Data.fetchOne($0, sql: "SELECT draft FROM assignment"))) }
        var expected = draft
        expected.submitter = Submitter(enterprise: "华新电子")
        #expect(kept == expected)
        try queue.close()
        let file = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(file.range(of: Data("13812345678".utf8)) == nil && file.range(of: Data("王小明".utf8)) == nil)
    }
}
