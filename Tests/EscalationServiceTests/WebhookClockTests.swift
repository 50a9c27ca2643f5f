import Crypto
import DubanMessaging
@testable import DubanRuntime
import Foundation
import GRDB
import Logging
import Testing
@testable import EscalationService

/// The escalation service as it is built (its real wiring), on a business clock moved ten years ahead with the test
/// time control: deliveries are still stamped and signed with the real time of the attempt.
@Suite(.serialized) struct WebhookClockTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    @Test func timestampsAreRealTimeWhateverTheBusinessClockSays() async throws {
        // Both answers refuse as DingTalk does; the standard target reads only the status (200).
        let refusal = #"{"errcode":310000,"errmsg":"sign not match"}"#
        let receiver = try await Receiver(script: [], answers: [refusal, refusal])
        defer { receiver.stop() }
        let directory = NSTemporaryDirectory() + "escalation-clock-\(UUID().uuidString)"
        let config = directory + "/config"
        try FileManager.default.createDirectory(atPath: config, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.repository + "/deploy/config/calendar.yaml", toPath: config + "/calendar.yaml")
        let policy = try String(contentsOfFile: Self.repository + "/deploy/config/escalation.yaml", encoding: .utf8)
            .replacingOccurrences(of: "\nwebhooks: []", with: """

                webhooks:
                  - {id: ops, url: "\(receiver.url)/hooks", format: standard, secret: "\(WebhookTests.secret)"}
                  - {id: leaders, url: "\(receiver.url)/dingtalk?access_token=t", format: dingtalk, secret: SECdemo}
                """)
        try policy.write(toFile: config + "/escalation.yaml", atomically: true, encoding: .utf8)
        let settings = try await ServiceSettings.load(service: .escalation, arguments: [
            "--data-dir", directory + "/data", "--security-plaintext", "--testing-time-control", "--escalation-config-dir", config,
            "--notices-bind", "tcp://127.0.0.1:*", "--notices-replay-bind", "tcp://127.0.0.1:*",
        ], configFile: nil)
        let opened = try await ServiceApplication.open(Escalation.self, settings: settings, clock: .system, logger: Logger(label: "test"))
        let manualTime = try #require(opened.context.manualTime)
        manualTime.set(Date().addingTimeInterval(10 * 365 * 86_400))
        let parts = try await Escalation.build(opened.context)
        let delivery = try #require(parts.services.compactMap { $0 as? WebhookDelivery }.first)
        try await delivery.enqueueNewNotices()
        try RobotDeliveryTests.store(RobotDeliveryTests.escalation(1), in: opened.context.database)
        let task = Task { try await delivery.run() }
        defer { task.cancel() }
        #expect(try await RobotDeliveryTests.until { receiver.hits.withLock { $0.count } == 2 })

        let hits = receiver.hits.withLock { $0 }
        let standard = try #require(hits.first { $0.path.hasPrefix("/hooks") })
        let timestamp = try #require(standard.headers["webhook-timestamp"].flatMap(Double.init))
        #expect(abs(timestamp - standard.at.timeIntervalSince1970) < 5, "webhook-timestamp is the real time of the attempt")
        let key = SymmetricKey(data: Data(base64Encoded: String(WebhookTests.secret.dropFirst(6)))!)
        let mac = HMAC<SHA256>.authenticationCode(for: Data("esc:C1.\(Int(timestamp)).".utf8) + standard.body, using: key)
        #expect(standard.headers["webhook-signature"] == "v1," + Data(mac).base64EncodedString())
        if let path = ProcessInfo.processInfo.environment["DUBAN_CAPTURE_WEBHOOK"] {
            // For checking with the reference verifier (pip's standardwebhooks) outside this test.
            let capture: [String: Any] = ["headers": standard.headers, "body": String(decoding: standard.body, as: UTF8.self),
                                          "secret": WebhookTests.secret]
            try JSONSerialization.data(withJSONObject: capture).write(to: URL(fileURLWithPath: path))
        }

        let ding = try #require(hits.first { $0.path.hasPrefix("/dingtalk") })
        let milliseconds = try #require(URLComponents(string: ding.path)?.queryItems?.first { $0.name == "timestamp" }?.value.flatMap(Double.init))
        #expect(abs(milliseconds / 1_000 - ding.at.timeIntervalSince1970) < 5, "DingTalk's signing timestamp too")

        // The robot's refusal is visible in /health (and, as a number, in /metrics: duban_escalation_webhook_dead).
        #expect(try await RobotDeliveryTests.until {
            try opened.context.database.writer.read { try String.fetchOne($0, sql: "SELECT status FROM webhook_delivery WHERE target = 'leaders'") } == "dead"
        })
        let health = try await parts.health()
        #expect(health["webhookDead"] == "1")
        #expect(health["webhookLastError"] == "leaders: dingtalk errcode 310000: sign not match")
        let report = try await HealthReport.measure(service: "escalation", database: opened.context.database, relays: [], refusedPeers: 0,
                                                    details: health, now: Date())
        let metrics = MetricsEndpoint().render(report)
        #expect(metrics.contains(#"duban_escalation_webhook_dead{service="escalation"} 1"#))
        #expect(metrics.contains(#"duban_escalation_webhook_rate_limited{service="escalation"} 0"#))
    }
}
