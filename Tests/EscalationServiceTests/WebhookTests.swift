import Crypto
import DubanMessaging
import DubanModels
import DubanRuntime
import DubanStorage
import Foundation
import GRDB
import Hummingbird
import Logging
import Synchronization
import Testing
@testable import EscalationService

/// A real HTTP receiver on loopback that answers from a script and keeps what it was sent. Bodies come from `answers`
/// in turn, then a body every robot reads as success (WeCom/DingTalk `errcode` 0, Feishu `code` 0).
final class Receiver: Sendable {
    struct Hit: Sendable {
        var at: Date
        var headers: [String: String]
        var path: String
        var body: Data
    }

    let hits = Mutex<[Hit]>([])
    private let script: Mutex<[(status: Int, retryAfter: String?)]>
    private let answers: Mutex<[String]>
    static let robotSuccess = #"{"errcode":0,"errmsg":"ok","code":0,"msg":"success"}"#
    private let port = Mutex<Int?>(nil)
    private let task = Mutex<Task<Void, any Error>?>(nil)

    init(script: [(status: Int, retryAfter: String?)], answers: [String] = []) async throws {
        self.script = Mutex(script)
        self.answers = Mutex(answers)
        let router = Router()
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { [self] request, _ in
            let body = Data(buffer: try await request.body.collect(upTo: 1 << 20))
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            hits.withLock { $0.append(Hit(at: Date(), headers: headers, path: request.uri.description, body: body)) }
            let next: (status: Int, retryAfter: String?) = self.script.withLock { $0.isEmpty ? (200, nil) : $0.removeFirst() }
            let answer = self.answers.withLock { $0.isEmpty ? Receiver.robotSuccess : $0.removeFirst() }
            var response = Response(status: .init(code: next.status), headers: [.contentType: "application/json"],
                                    body: .init(byteBuffer: ByteBuffer(string: answer)))
            if let retryAfter = next.retryAfter { response.headers[.retryAfter] = retryAfter }
            return response
        }
        router.post("/", use: handler)
        router.post("/**", use: handler)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { [self] channel in self.port.withLock { $0 = channel.localAddress?.port } })
        task.withLock { $0 = Task { try await app.run() } }
        for _ in 0..<200 where port.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(10)) }
    }

    var url: String { "http://127.0.0.1:\(port.withLock { $0 } ?? 0)" }
    func stop() { task.withLock { $0?.cancel() } }
}

@Suite(.serialized) struct WebhookTests {
    static let secret = "whsec_" + Data((0..<32).map { UInt8($0) }).base64EncodedString()

    /// A delivery with its targets already seen (so the notice stored next is theirs) and one escalation notice.
    func world(targets: [WebhookTarget], retry: [Double]) async throws -> (WebhookDelivery, ServiceDatabase) {
        var migrator = DatabaseMigrator()
        EventStoreSchema.register(in: &migrator)
        Escalation.registerMigrations(in: &migrator)
        let database = try ServiceDatabase(directory: NSTemporaryDirectory() + "webhooks-\(UUID().uuidString)", name: "escalation", migrator: migrator)
        let delivery = WebhookDelivery(targets: targets, retrySeconds: retry, database: database.writer, clock: .system,
                                       logger: Logger(label: "test"))
        try await delivery.enqueueNewNotices()
        try await database.writer.write { db in
            try db.execute(sql: """
                INSERT INTO notice (id, kind, topic, recipient, case_id, bureau, level, title, text, created_at)
                VALUES ('esc:C1:0:2:0:hrss/head', 'escalation', 'notice.escalation.2', 'hrss/head', 'C1', 'hrss', 2,
                        '【超期督办·2级】招工难', '【超期督办·2级】案件 C1《招工难》已超期 2 个工作日', 0)
                """)
        }
        return (delivery, database)
    }

    func status(_ database: ServiceDatabase) throws -> (String, Int) {
        try database.writer.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT status, attempts, last_error FROM webhook_delivery") else { return ("none", 0) }
            return (row["status"], row["attempts"])
        }
    }

    func wait(_ database: ServiceDatabase, for status: String, seconds: Double = 10) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? self.status(database).0) == status { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    @Test func signedRetriedWithBackoffHonouringRetryAfterThenDelivered() async throws {
        let receiver = try await Receiver(script: [(503, "1"), (429, nil), (200, nil)])
        defer { receiver.stop() }
        let target = WebhookTarget(id: "ops", url: receiver.url + "/hooks/duban", format: .standard, topics: ["notice.escalation."],
                                   secret: Self.secret, secretEnv: nil)
        let (delivery, database) = try await world(targets: [target], retry: [0.2, 0.2, 0.2])
        let task = Task { try await delivery.run() }
        defer { task.cancel() }

        #expect(try await wait(database, for: "delivered"))
        let hits = receiver.hits.withLock { $0 }
        #expect(hits.count == 3)
        #expect(Set(hits.compactMap { $0.headers["webhook-id"] }) == ["esc:C1:0:2:0:hrss/head"], "the same id on every retry")
        #expect(hits[1].at.timeIntervalSince(hits[0].at) >= 0.95, "Retry-After: 1 outweighs the 0.2 s schedule")
        #expect(hits[2].at.timeIntervalSince(hits[1].at) >= 0.17)
        for hit in hits {
            // Verify as a receiver would: HMAC-SHA256 over id.timestamp.body with the secret's bytes.
            let id = try #require(hit.headers["webhook-id"]), timestamp = try #require(hit.headers["webhook-timestamp"])
            let key = SymmetricKey(data: Data(base64Encoded: String(Self.secret.dropFirst(6)))!)
            let mac = HMAC<SHA256>.authenticationCode(for: Data("\(id).\(timestamp).".utf8) + hit.body, using: key)
            #expect(hit.headers["webhook-signature"] == "v1," + Data(mac).base64EncodedString())
            #expect(abs(Double(timestamp)! - hit.at.timeIntervalSince1970) < 5)
        }
        let notice = try JSONSerialization.jsonObject(with: hits[0].body) as? [String: Any]
        #expect(notice?["topic"] as? String == "notice.escalation.2")
    }

    @Test func manyNoticesGoOutSideBySideEachExactlyOnceWithFailuresRetried() async throws {
        // Every fifth of the first 250 requests fails: those notices are retried, the rest settled in the first rounds.
        let script = (0..<250).map { $0 % 5 == 0 ? (status: 503, retryAfter: String?.none) : (status: 200, retryAfter: String?.none) }
        let receiver = try await Receiver(script: script)
        defer { receiver.stop() }
        let target = WebhookTarget(id: "ops", url: receiver.url + "/hooks", format: .standard, topics: nil, secret: Self.secret,
                                   secretEnv: nil)
        let (delivery, database) = try await world(targets: [target], retry: [0.1, 0.1])
        try await database.writer.write { db in
            for n in 1..<250 {
                try db.execute(sql: """
                    INSERT INTO notice (id, kind, topic, recipient, case_id, bureau, level, title, text, created_at)
                    VALUES (?, 'reminder', 'notice.reminder.hrss', 'hrss/contact', ?, 'hrss', NULL, 't', 'x', 0)
                    """, arguments: ["due:C\(n)", "C\(n)"])
            }
        }
        let task = Task { try await delivery.run() }
        defer { task.cancel() }
        let deadline = Date().addingTimeInterval(10)
        var delivered = 0
        while Date() < deadline && delivered < 250 {
            try await Task.sleep(for: .milliseconds(50))
            delivered = try await database.writer.read {
                try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM webhook_delivery WHERE status = 'delivered'") ?? 0
            }
        }
        #expect(delivered == 250)
        let hits = receiver.hits.withLock { $0 }
        let ids = hits.compactMap { $0.headers["webhook-id"] }
        #expect(Set(ids).count == 250, "every notice reached the receiver")
        #expect(ids.count == 250 + 50, "exactly the 50 failed requests were repeated")
    }

    @Test func deadLetteredAfterTheLastAttemptAndReplayable() async throws {
        let receiver = try await Receiver(script: [(500, nil), (502, nil), (504, nil)])
        defer { receiver.stop() }
        let target = WebhookTarget(id: "ops", url: receiver.url, format: .standard, topics: nil, secret: Self.secret, secretEnv: nil)
        let (delivery, database) = try await world(targets: [target], retry: [0.1, 0.1])
        let task = Task { try await delivery.run() }
        defer { task.cancel() }
        #expect(try await wait(database, for: "dead"))
        #expect(try status(database).1 == 3, "the first attempt and two retries")
        #expect(receiver.hits.withLock { $0.count } == 3)

        // Replay (what `escalation webhooks replay` does): the receiver now answers 200.
        try await database.writer.write { try $0.execute(sql: "UPDATE webhook_delivery SET status = 'pending', attempts = 0, next_attempt_at = 0") }
        #expect(try await wait(database, for: "delivered"))
    }

    @Test func otherClientErrorsStopAnd410DisablesTheTarget() async throws {
        let receiver = try await Receiver(script: [(410, nil)])
        defer { receiver.stop() }
        let target = WebhookTarget(id: "gone", url: receiver.url, format: .standard, topics: nil, secret: nil, secretEnv: nil)
        let (delivery, database) = try await world(targets: [target], retry: [0.1])
        let task = Task { try await delivery.run() }
        defer { task.cancel() }
        #expect(try await wait(database, for: "dead"))
        #expect(try status(database).1 == 1)
        #expect(try await database.writer.read { try String.fetchOne($0, sql: "SELECT target FROM webhook_disabled") } == "gone")

        let refusing = try await Receiver(script: [(400, nil)])
        defer { refusing.stop() }
        let (stopper, other) = try await world(targets: [WebhookTarget(id: "strict", url: refusing.url, format: .standard, topics: nil, secret: nil, secretEnv: nil)], retry: [0.1])
        let second = Task { try await stopper.run() }
        defer { second.cancel() }
        #expect(try await wait(other, for: "dead"))
        #expect(try status(other).1 == 1, "a 400 is not retried")
    }

    @Test func groupRobotFormats() async throws {
        let receiver = try await Receiver(script: [])
        defer { receiver.stop() }
        let targets = [
            WebhookTarget(id: "wecom", url: receiver.url + "/wecom?key=k", format: .wecom, topics: nil, secret: nil, secretEnv: nil),
            WebhookTarget(id: "dingtalk", url: receiver.url + "/dingtalk?access_token=t", format: .dingtalk, topics: nil, secret: "SECdemo", secretEnv: nil),
            WebhookTarget(id: "feishu", url: receiver.url + "/feishu", format: .feishu, topics: nil, secret: "demo", secretEnv: nil),
        ]
        let (delivery, database) = try await world(targets: targets, retry: [0.1])
        let task = Task { try await delivery.run() }
        defer { task.cancel() }
        for _ in 0..<200 where receiver.hits.withLock({ $0.count }) < 3 { try await Task.sleep(for: .milliseconds(25)) }
        _ = database
        let hits = receiver.hits.withLock { $0 }
        let wecom = try #require(hits.first { $0.path.hasPrefix("/wecom") })
        let wecomBody = try #require(try JSONSerialization.jsonObject(with: wecom.body) as? [String: Any])
        #expect(wecomBody["msgtype"] as? String == "markdown")
        #expect(((wecomBody["markdown"] as? [String: Any])?["content"] as? String)?.contains("案件 C1《招工难》") == true)

        let ding = try #require(hits.first { $0.path.hasPrefix("/dingtalk") })
        let query = URLComponents(string: ding.path)!.queryItems!
        let timestamp = try #require(query.first { $0.name == "timestamp" }?.value)
        let sign = try #require(query.first { $0.name == "sign" }?.value)
        let expected = HMAC<SHA256>.authenticationCode(for: Data("\(timestamp)\nSECdemo".utf8), using: SymmetricKey(data: Data("SECdemo".utf8)))
        #expect(sign == Data(expected).base64EncodedString())
        #expect(((try JSONSerialization.jsonObject(with: ding.body) as? [String: Any])?["msgtype"] as? String) == "markdown")

        let feishu = try #require(hits.first { $0.path.hasPrefix("/feishu") })
        let feishuBody = try #require(try JSONSerialization.jsonObject(with: feishu.body) as? [String: Any])
        #expect(feishuBody["msg_type"] as? String == "text")
        #expect(feishuBody["sign"] is String && feishuBody["timestamp"] is String)
    }
}
