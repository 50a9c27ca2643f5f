import DubanMessaging
import DubanRuntime
import DubanStorage
import Foundation
import GRDB
import Logging
import Testing
@testable import EscalationService

/// Robots and new targets over real HTTP on loopback, with real SQLite files.
@Suite(.serialized) struct RobotDeliveryTests {
    struct Row: Equatable {
        var notice: String, target: String, status: String, attempts: Int, part: Int, error: String?, due: Double
    }

    static func database() throws -> ServiceDatabase {
        var migrator = DatabaseMigrator()
        EventStoreSchema.register(in: &migrator)
        Escalation.registerMigrations(in: &migrator)
        return try ServiceDatabase(directory: NSTemporaryDirectory() + "robots-\(UUID().uuidString)", name: "escalation", migrator: migrator)
    }

    static func store(_ notice: Notice, in database: ServiceDatabase) throws {
        try database.writer.write { db in
            try db.execute(sql: """
                INSERT INTO notice (id, kind, topic, recipient, case_id, bureau, level, title, text, link, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
                """, arguments: [notice.id, notice.kind.rawValue, notice.topic, notice.recipient, notice.caseId, notice.bureau, notice.level,
                                 notice.title, notice.text, notice.link])
        }
    }

    static func escalation(_ n: Int) -> Notice {
        var notice = RobotMessageTests.escalation(title: "招工难\(n)")
        notice.id = "esc:C\(n)"
        notice.text = notice.text.replacingOccurrences(of: "DB-1《", with: "C\(n)《")
        return notice
    }

    static func rows(_ database: ServiceDatabase) throws -> [Row] {
        try database.writer.read { db in
            try GRDB.Row.fetchAll(db, sql: """
                SELECT n.id AS notice, d.target, d.status, d.attempts, d.part, d.last_error, d.next_attempt_at
                FROM webhook_delivery d JOIN notice n ON n.seq = d.notice_seq ORDER BY d.target, d.notice_seq
                """).map { Row(notice: $0["notice"], target: $0["target"], status: $0["status"], attempts: $0["attempts"], part: $0["part"],
                                error: $0["last_error"], due: $0["next_attempt_at"]) }
        }
    }

    static func delivery(_ targets: [WebhookTarget], _ database: ServiceDatabase, retry: [Double] = [0.1, 0.1],
                         limits: [RobotPace.Limit] = [RobotPace.Limit(count: 50, seconds: 1)]) -> WebhookDelivery {
        WebhookDelivery(targets: targets, retrySeconds: retry, database: database.writer, clock: .system,
                        robotLimits: { _ in limits }, logger: Logger(label: "test"))
    }

    static func until(seconds: Double = 10, _ condition: () throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try condition()
    }

    static func robot(_ id: String, _ receiver: Receiver, _ format: WebhookTarget.Format) -> WebhookTarget {
        WebhookTarget(id: id, url: receiver.url + "/\(format.rawValue)?key=k", format: format, topics: nil, secret: nil, secretEnv: nil)
    }

    @Test func aRobotsRefusalInA200IsDeadLetteredWithItsCodeAndMessage() async throws {
        let receiver = try await Receiver(script: [], answers: [#"{"errcode":310000,"errmsg":"sign not match"}"#, "<html>502 Bad Gateway</html>"])
        defer { receiver.stop() }
        let database = try Self.database()
        let delivery = Self.delivery([Self.robot("leaders", receiver, .dingtalk)], database, retry: [0.1, 0.1])
        try await delivery.enqueueNewNotices()
        try Self.store(Self.escalation(1), in: database)
        try Self.store(Self.escalation(2), in: database)
        let task = Task { try await delivery.run() }
        defer { task.cancel() }
        #expect(try await Self.until { try Self.rows(database).map(\.status) == ["dead", "delivered"] })
        let rows = try Self.rows(database)
        #expect(rows[0].error == "dingtalk errcode 310000: sign not match")
        #expect(rows[0].attempts == 1, "a refusal by code is not retried")
        #expect(rows[1].attempts == 2, "an answer that is not JSON is no delivery: retried")
    }

    @Test func aRateLimitCodeWaitsAtLeastAMinuteAndHoldsBackLaterNotices() async throws {
        let receiver = try await Receiver(script: [], answers: [#"{"errcode":45009,"errmsg":"api freq out of limit"}"#])
        defer { receiver.stop() }
        let database = try Self.database()
        let delivery = Self.delivery([Self.robot("group", receiver, .wecom)], database, retry: [0.1, 0.1])
        try await delivery.enqueueNewNotices()
        try Self.store(Self.escalation(1), in: database)
        try Self.store(Self.escalation(2), in: database)
        let started = Date().timeIntervalSince1970
        let task = Task { try await delivery.run() }
        defer { task.cancel() }
        #expect(try await Self.until { try Self.rows(database).first?.attempts == 1 })
        try await Task.sleep(for: .seconds(1))
        let rows = try Self.rows(database)
        #expect(rows.map(\.status) == ["pending", "pending"], "nothing dropped")
        #expect(rows[0].error == "rate limited: wecom errcode 45009: api freq out of limit")
        #expect(rows[0].due - started >= 59, "retried after at least a minute, not the 0.1 s schedule")
        #expect(receiver.hits.withLock { $0.count } == 1, "the second notice waits behind the first: order is kept")
    }

    @Test func robotsGetNoticesOneAtATimeInOrderAtTheirPace() async throws {
        let receiver = try await Receiver(script: [])
        defer { receiver.stop() }
        let database = try Self.database()
        let standardReceiver = try await Receiver(script: [])
        defer { standardReceiver.stop() }
        let standard = WebhookTarget(id: "ops", url: standardReceiver.url, format: .standard, topics: nil, secret: nil, secretEnv: nil)
        // Two a second stands in for twenty a minute, so the test takes seconds.
        let delivery = Self.delivery([Self.robot("group", receiver, .feishu), standard], database,
                                     limits: [RobotPace.Limit(count: 2, seconds: 1)])
        try await delivery.enqueueNewNotices()
        for n in 1...6 { try Self.store(Self.escalation(n), in: database) }
        let task = Task { try await delivery.run() }
        defer { task.cancel() }
        #expect(try await Self.until { receiver.hits.withLock { $0.count } == 6 })
        let hits = receiver.hits.withLock { $0 }
        let texts = try hits.map { try RobotMessageTests.content($0.body, .feishu) }
        #expect(texts.enumerated().allSatisfy { $0.element.contains("C\($0.offset + 1)《") }, "notice order")
        for i in 2..<hits.count {
            #expect(hits[i].at.timeIntervalSince(hits[i - 2].at) >= 0.95, "at most 2 in any second")
        }
        #expect(try await Self.until { standardReceiver.hits.withLock { $0.count } == 6 }, "standard targets are not paced")
        // The last answer is recorded just after the receiver saw it: wait for the row, do not race it.
        #expect(try await Self.until { try Self.rows(database).allSatisfy { $0.status == "delivered" } })
    }

    @Test func aPartAcceptedIsNeverSentAgainWhenALaterPartFails() async throws {
        // Part 1 accepted, part 2 refused as too long (dead), then replayed by a restarted service.
        let receiver = try await Receiver(script: [], answers: [Receiver.robotSuccess, #"{"errcode":40058,"errmsg":"content exceed max length"}"#])
        defer { receiver.stop() }
        let database = try Self.database()
        let target = Self.robot("group", receiver, .wecom)
        let first = Self.delivery([target], database)
        try await first.enqueueNewNotices()
        let digest = RobotMessageTests.digest(cases: 40)
        try Self.store(digest, in: database)
        let parts = try RobotMessage.parts(for: digest, format: .wecom)
        #expect(parts.count >= 2)
        var task = Task { try await first.run() }
        #expect(try await Self.until { try Self.rows(database).first?.status == "dead" })
        task.cancel()
        #expect(try Self.rows(database).first?.part == 1)
        #expect(try Self.rows(database).first?.error == "wecom errcode 40058: content exceed max length")

        // `escalation webhooks replay`, then a new process.
        try await database.writer.write { try $0.execute(sql: "UPDATE webhook_delivery SET status = 'pending', attempts = 0, next_attempt_at = 0 WHERE status = 'dead'") }
        let second = Self.delivery([target], database)
        task = Task { try await second.run() }
        defer { task.cancel() }
        #expect(try await Self.until { try Self.rows(database).first?.status == "delivered" })
        let sent = receiver.hits.withLock { $0.map(\.body) }
        #expect(sent.count == parts.count + 1)
        #expect(sent.filter { $0 == parts[0] }.count == 1, "part 1 went once")
        #expect(sent.filter { $0 == parts[1] }.count == 2, "part 2 again after the replay")
        #expect(Array(sent.suffix(parts.count - 1)) == Array(parts.dropFirst()), "then the rest, in order")
    }

    @Test func aTargetAddedLaterGetsOnlyTheNoticesStoredAfterItWasFirstSeen() async throws {
        let receiver = try await Receiver(script: [])
        defer { receiver.stop() }
        let database = try Self.database()
        try Self.store(Self.escalation(1), in: database)  // before any target
        let ops = WebhookTarget(id: "ops", url: receiver.url + "/ops", format: .standard, topics: nil, secret: nil, secretEnv: nil)
        let group = Self.robot("group", receiver, .wecom)

        let before = Self.delivery([ops], database)
        let first = Task { try await before.run() }
        #expect(try await Self.until { try database.writer.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM webhook_target") } == 1 })
        try Self.store(Self.escalation(2), in: database)
        #expect(try await Self.until { receiver.hits.withLock { $0.count } == 1 })
        // Stopped only once the delivery is recorded: stopped between the send and the record, it would go again
        // after the restart (at least once, by design; receivers deduplicate on webhook-id), which is not what this
        // test is about.
        #expect(try await Self.until { try Self.rows(database).contains { $0.notice == "esc:C2" && $0.status == "delivered" } })
        first.cancel()
        try await Task.sleep(for: .milliseconds(300))

        // Restarted with a robot added: the robot starts now, ops keeps its place.
        let after = Self.delivery([ops, group], database)
        let second = Task { try await after.run() }
        defer { second.cancel() }
        #expect(try await Self.until { try database.writer.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM webhook_target") } == 2 })
        try Self.store(Self.escalation(3), in: database)
        #expect(try await Self.until { receiver.hits.withLock { $0.count } == 3 })
        try await Task.sleep(for: .milliseconds(500))
        let sent = receiver.hits.withLock { $0.map { ($0.path.hasPrefix("/ops") ? "ops" : "group", $0.headers["webhook-id"] ?? (try? RobotMessageTests.content($0.body, .wecom)) ?? "") } }
        #expect(sent.count == 3)
        #expect(sent.filter { $0.0 == "ops" }.map(\.1) == ["esc:C2", "esc:C3"])
        #expect(sent.filter { $0.0 == "group" }.count == 1 && sent.contains { $0.0 == "group" && $0.1.contains("C3《") })
        #expect(try Self.rows(database).map { "\($0.target) \($0.notice)" } == ["group esc:C3", "ops esc:C2", "ops esc:C3"])
    }
}

/// A database that delivered webhooks before targets had their own starting points.
@Suite struct WebhookUpgradeTests {
    @Test func targetsServedBeforeKeepTheirPlaceAndNewOnesStartWhenSeen() async throws {
        var migrator = DatabaseMigrator()
        EventStoreSchema.register(in: &migrator)
        Escalation.registerMigrations(in: &migrator)
        let queue = try DatabaseQueue(path: NSTemporaryDirectory() + "upgrade-\(UUID().uuidString).sqlite")
        try migrator.migrate(queue, upTo: "escalation-v5-notice-links")
        try await queue.write { db in
            for n in 1...3 {
                try db.execute(sql: """
                    INSERT INTO notice (id, kind, topic, recipient, title, text, created_at) VALUES (?, 'escalation', 't', 'r', 't', 'x', 0)
                    """, arguments: ["n\(n)"])
            }
            // The old single cursor had queued up to notice 2 for "ops".
            try db.execute(sql: "INSERT INTO webhook_delivery (notice_seq, target, status, attempts, next_attempt_at) VALUES (2, 'ops', 'delivered', 1, 0)")
            try db.execute(sql: "INSERT INTO webhook_cursor (id, enqueued_seq) VALUES (1, 2)")
        }
        try migrator.migrate(queue)
        try await queue.write { db in
            #expect(try Int64.fetchOne(db, sql: "SELECT enqueued_seq FROM webhook_target WHERE id = 'ops'") == 2, "ops still gets notice 3")
            #expect(try db.tableExists("webhook_cursor") == false)
            try WebhookTargetStart.record("ops", at: 1, in: db)
            try WebhookTargetStart.record("new", at: 1, in: db)
            #expect(try WebhookTargetStart.enqueued("ops", in: db) == 2, "recording again moves nothing")
            #expect(try WebhookTargetStart.enqueued("new", in: db) == 3, "a new target starts after the newest notice")
        }
    }
}
