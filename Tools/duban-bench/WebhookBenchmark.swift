import AsyncHTTPClient
import DubanMessaging
import DubanRuntime
import DubanStorage
import EscalationService
import Foundation
import GRDB
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// Notices delivered per second to a local webhook receiver (signed, each outcome recorded), beside the same number
/// of bare HTTP POSTs of the same bodies to the same receiver with the same concurrency.
enum WebhookBenchmark {
    struct Result {
        var notices: Int
        var concurrency: Int
        var deliveredPerSecond: Double
        var baselinePerSecond: Double
        var received: Int
    }

    static func run(directory: String, notices count: Int, concurrency: Int = 16) async throws -> Result {
        let received = Atomic<Int>(0)
        let port = Mutex<Int?>(nil)
        let router = Router()
        router.post("/hook") { request, _ -> HTTPResponse.Status in
            _ = try await request.body.collect(upTo: 1 << 20)
            received.add(1, ordering: .relaxed)
            return .noContent
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } })
        let server = Task { try await app.run() }
        defer { server.cancel() }
        while port.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(10)) }
        let url = "http://127.0.0.1:\(port.withLock { $0 }!)/hook"

        var migrator = DatabaseMigrator()
        EventStoreSchema.register(in: &migrator)
        Escalation.registerMigrations(in: &migrator)
        let database = try ServiceDatabase(directory: directory, name: "webhooks", migrator: migrator)
        let text = "【督办提醒】DB-20261127-000042《厂区频繁停电》已超期 3 个工作日，请市供电公司尽快办理。http://duban/cases/DB-20261127-000042"
        let secret = "whsec_" + Data((0..<32).map { UInt8($0) }).base64EncodedString()
        let target = try JSONDecoder().decode(WebhookTarget.self, from: Data("""
            {"id": "bench", "url": "\(url)", "format": "standard", "secret": "\(secret)"}
            """.utf8))
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        let delivery = WebhookDelivery(targets: [target], retrySeconds: [1], concurrency: concurrency, database: database.writer,
                                       clock: .system, logger: logger)
        // The target is seen before the notices are stored: a target receives notices from the moment it is first seen.
        try await delivery.enqueueNewNotices()
        try await database.writer.write { db in
            for n in 0..<count {
                try db.execute(sql: """
                    INSERT INTO notice (id, kind, topic, recipient, case_id, bureau, level, title, text, created_at)
                    VALUES (?, 'escalation', 'notice.escalation.1', 'power-supply/contact', ?, 'power-supply', 1, '厂区频繁停电', ?, ?)
                    """, arguments: ["esc:bench:\(n)", "DB-\(n)", text, Date().timeIntervalSince1970])
            }
        }
        // Warm the connection pool so neither side pays for connecting.
        for _ in 0..<concurrency { _ = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(5)) }

        let durable = try await seconds {
            while try await delivery.enqueueNewNotices() > 0 {}
            while try await delivery.deliverDue() > 0 {}
        }
        let delivered = try await database.writer.read {
            try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM webhook_delivery WHERE status = 'delivered'") ?? 0
        }
        let receivedByDuban = received.load(ordering: .relaxed)

        // Baseline: the same bodies, POSTed bare (no store, no signature, no record), same concurrency.
        let body = try JSONSerialization.data(withJSONObject: [
            "id": "esc:bench:0", "seq": 1, "kind": "escalation", "topic": "notice.escalation.1", "recipient": "power-supply/contact",
            "caseId": "DB-0", "bureau": "power-supply", "level": 1, "title": "厂区频繁停电", "text": text,
            "createdAt": "2026-11-27T09:00:00.000Z",
        ] as [String: Any], options: [.sortedKeys])
        let bare = try await seconds {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<concurrency {
                    group.addTask {
                        for _ in stride(from: worker, to: count, by: concurrency) {
                            var request = HTTPClientRequest(url: url)
                            request.method = .POST
                            request.body = .bytes(ByteBuffer(data: body))
                            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
                            _ = try await response.body.collect(upTo: 1 << 16)
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        return Result(notices: count, concurrency: concurrency, deliveredPerSecond: Double(delivered) / durable,
                      baselinePerSecond: Double(count) / bare, received: receivedByDuban)
    }

    private static func seconds(_ body: () async throws -> Void) async rethrows -> Double {
        let start = ContinuousClock.now
        try await body()
        return duban_bench.seconds(ContinuousClock.now - start)
    }
}
