import AsyncHTTPClient
import DubanModels
import DubanRuntime
import Foundation
import GRDB
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// Delivers notices to webhook targets, at least once, with a stable `webhook-id` so receivers deduplicate.
///
/// Each (notice, target) pair is a row in `webhook_delivery`. A 2xx settles it; a timeout, 429 or 5xx schedules the
/// next attempt (the schedule in `retrySeconds`, with ±10 % jitter, or the receiver's `Retry-After` when later); any
/// other 4xx stops it; 410 also disables the target. After the last attempt it is dead-lettered, and
/// `escalation webhooks replay` sends it again.
public final class WebhookDelivery: Service, Sendable {
    let targets: [WebhookTarget]
    /// Deliveries read per round, and attempts in flight at once.
    let batchSize = 200
    let concurrency: Int
    let retrySeconds: [Double]
    let database: DatabasePool
    let clock: WallClock
    let logger: Logger

    /// Standard Webhooks' example schedule after the first attempt.
    static let defaultRetrySeconds: [Double] = [5, 300, 1_800, 7_200, 18_000, 36_000, 50_400, 72_000, 86_400]

    public init(targets: [WebhookTarget], retrySeconds: [Double]?, concurrency: Int = 16, database: DatabasePool, clock: WallClock,
                logger: Logger) {
        self.targets = targets
        self.concurrency = max(1, concurrency)
        self.retrySeconds = retrySeconds ?? Self.defaultRetrySeconds
        self.database = database
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        guard !targets.isEmpty else {
            // Nothing to deliver, but a service that returns would stop the whole process: wait for shutdown.
            try? await gracefulShutdown()
            return
        }
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            var busy = false
            do {
                busy = try await enqueueNewNotices() > 0
                busy = try await deliverDue() == batchSize || busy
            } catch {
                logger.error("webhook delivery round failed", metadata: ["error": "\(error)"])
            }
            if !busy { try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(200)) } }
        }
    }

    /// One delivery row per new notice and interested target; returns how many notices it looked at.
    @discardableResult
    public func enqueueNewNotices() async throws -> Int {
        let now = clock.now().timeIntervalSince1970
        return try await database.write { [targets] db in
            let cursor = try Int64.fetchOne(db, sql: "SELECT enqueued_seq FROM webhook_cursor WHERE id = 1") ?? 0
            let notices = try Supervisor.fetch(after: cursor, limit: 1_000, in: db)
            for notice in notices {
                for target in targets where target.wants(notice.topic) {
                    try db.execute(sql: """
                        INSERT OR IGNORE INTO webhook_delivery (notice_seq, target, status, attempts, next_attempt_at)
                        VALUES (?, ?, 'pending', 0, ?)
                        """, arguments: [notice.seq, target.id, now])
                }
            }
            if let last = notices.last?.seq {
                try db.execute(sql: "INSERT INTO webhook_cursor (id, enqueued_seq) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET enqueued_seq = excluded.enqueued_seq",
                               arguments: [last])
            }
            return notices.count
        }
    }

    /// Sends every due delivery, up to `concurrency` at a time, and records the outcomes in one transaction.
    /// Returns how many it attempted (a full batch means more may be due).
    @discardableResult
    public func deliverDue() async throws -> Int {
        let now = clock.now()
        let configured = Set(targets.map(\.id))
        // Rows become plain values inside the read, so GRDB's asynchronous read is the one used.
        let attempts = try await database.read { [batchSize] db -> [(delivery: Int64, attempts: Int, target: String, notice: Notice)] in
            try Row.fetchAll(db, sql: """
                SELECT d.rowid AS delivery_id, d.target AS delivery_target, d.attempts AS delivery_attempts, n.*
                FROM webhook_delivery d JOIN notice n ON n.seq = d.notice_seq
                WHERE d.status = 'pending' AND d.next_attempt_at <= ?
                  AND d.target NOT IN (SELECT target FROM webhook_disabled)
                ORDER BY d.next_attempt_at LIMIT ?
                """, arguments: [now.timeIntervalSince1970, batchSize])
            .compactMap { row in
                guard configured.contains(row["delivery_target"]) else { return nil }
                return (row["delivery_id"], (row["delivery_attempts"] as Int) + 1, row["delivery_target"], Notice(row: row))
            }
        }
        // Receivers deduplicate by webhook-id and Standard Webhooks promises no order, so attempts run side by side.
        let outcomes = await withTaskGroup(of: (Int, Outcome).self) { group in
            var outcomes: [Outcome?] = Array(repeating: nil, count: attempts.count)
            var next = 0
            func startOne() {
                let index = next, item = attempts[index]
                let target = targets.first { $0.id == item.target }!
                group.addTask { (index, await self.attempt(item.notice, to: target)) }
                next += 1
            }
            while next < min(concurrency, attempts.count) { startOne() }
            for await (index, outcome) in group {
                outcomes[index] = outcome
                if next < attempts.count { startOne() }
            }
            return outcomes.map { $0! }
        }
        try await record(zip(attempts, outcomes).map { ($0.1, $0.0.delivery, $0.0.attempts, $0.0.target) })
        return attempts.count
    }

    enum Outcome {
        case delivered
        case retry(after: Double?, reason: String)
        case stop(reason: String)
        case disable(reason: String)
    }

    func attempt(_ notice: Notice, to target: WebhookTarget) async -> Outcome {
        let timestamp = Int(clock.now().timeIntervalSince1970)
        var request = HTTPClientRequest(url: target.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        let body: Data
        do {
            body = try RobotMessage.body(for: notice, format: target.format)
        } catch {
            return .stop(reason: "cannot encode: \(error)")
        }
        switch target.format {
        case .standard:
            request.headers.add(name: "webhook-id", value: notice.id)
            request.headers.add(name: "webhook-timestamp", value: String(timestamp))
            if let secret = target.resolvedSecret {
                guard let signature = WebhookSignature.sign(id: notice.id, timestamp: timestamp, body: body, secret: secret) else {
                    return .stop(reason: "the secret is not whsec_ followed by 24 to 64 bytes of base64")
                }
                request.headers.add(name: "webhook-signature", value: signature)
            }
        case .dingtalk:
            if let secret = target.resolvedSecret {
                let milliseconds = String(Int(clock.now().timeIntervalSince1970 * 1_000))
                let sign = WebhookSignature.robot(timestamp: milliseconds, secret: secret, dingTalk: true)
                    .addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                request.url += (target.url.contains("?") ? "&" : "?") + "timestamp=\(milliseconds)&sign=\(sign)"
            }
        case .wecom, .feishu:
            break
        }
        request.body = .bytes(ByteBuffer(data: target.format == .feishu ? RobotMessage.signFeishu(body, secret: target.resolvedSecret, timestamp: timestamp) : body))
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            _ = try? await response.body.collect(upTo: 64 * 1_024)
            let code = Int(response.status.code)
            if (200..<300).contains(code) { return .delivered }
            if code == 410 { return .disable(reason: "410 Gone") }
            if code == 429 || code >= 500 {
                return .retry(after: response.headers.first(name: "Retry-After").flatMap(Double.init), reason: "HTTP \(code)")
            }
            return .stop(reason: "HTTP \(code)")
        } catch {
            return .retry(after: nil, reason: "\(error)")
        }
    }

    private func record(_ results: [(outcome: Outcome, delivery: Int64, attempts: Int, target: String)]) async throws {
        let now = clock.now().timeIntervalSince1970
        try await database.write { [retrySeconds, logger] db in
            for (outcome, delivery, attempts, target) in results {
                switch outcome {
                case .delivered:
                    try db.execute(sql: "UPDATE webhook_delivery SET status = 'delivered', attempts = ?, last_error = NULL WHERE rowid = ?",
                                   arguments: [attempts, delivery])
                case .retry(let after, let reason):
                    guard attempts <= retrySeconds.count else {
                        try db.execute(sql: "UPDATE webhook_delivery SET status = 'dead', attempts = ?, last_error = ? WHERE rowid = ?",
                                       arguments: [attempts, reason, delivery])
                        logger.error("webhook dead-lettered after its last attempt", metadata: ["target": "\(target)", "error": "\(reason)"])
                        continue
                    }
                    let planned = retrySeconds[attempts - 1] * Double.random(in: 0.9...1.1)
                    let wait = max(planned, after ?? 0)
                    try db.execute(sql: "UPDATE webhook_delivery SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE rowid = ?",
                                   arguments: [attempts, now + wait, reason, delivery])
                case .stop(let reason):
                    try db.execute(sql: "UPDATE webhook_delivery SET status = 'dead', attempts = ?, last_error = ? WHERE rowid = ?",
                                   arguments: [attempts, reason, delivery])
                case .disable(let reason):
                    try db.execute(sql: "UPDATE webhook_delivery SET status = 'dead', attempts = ?, last_error = ? WHERE rowid = ?",
                                   arguments: [attempts, reason, delivery])
                    try db.execute(sql: "INSERT OR IGNORE INTO webhook_disabled (target, reason, disabled_at) VALUES (?, ?, ?)",
                                   arguments: [target, reason, now])
                    logger.warning("webhook target disabled by its receiver", metadata: ["target": "\(target)"])
                }
            }
        }
    }

    static func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("escalation-v3-webhooks") { db in
            try db.create(table: "webhook_delivery") { t in
                t.column("notice_seq", .integer).notNull()
                t.column("target", .text).notNull()
                t.column("status", .text).notNull().indexed()  // pending, delivered, dead
                t.column("attempts", .integer).notNull()
                t.column("next_attempt_at", .double).notNull()
                t.column("last_error", .text)
                t.uniqueKey(["notice_seq", "target"])
            }
            try db.create(table: "webhook_cursor") { t in
                t.column("id", .integer).primaryKey()
                t.column("enqueued_seq", .integer).notNull()
            }
            try db.create(table: "webhook_disabled") { t in
                t.column("target", .text).primaryKey()
                t.column("reason", .text).notNull()
                t.column("disabled_at", .double).notNull()
            }
        }
    }
}

/// The bodies of each format.
enum RobotMessage {
    static func body(for notice: Notice, format: WebhookTarget.Format) throws -> Data {
        switch format {
        case .standard:
            return try DubanJSON.encoder().encode(notice)
        case .wecom:
            return try JSONSerialization.data(withJSONObject: ["msgtype": "markdown", "markdown": ["content": "**\(notice.title)**\n\(notice.text)"]])
        case .dingtalk:
            return try JSONSerialization.data(withJSONObject: ["msgtype": "markdown", "markdown": ["title": notice.title, "text": "### \(notice.title)\n\(notice.text)"]])
        case .feishu:
            return try JSONSerialization.data(withJSONObject: ["msg_type": "text", "content": ["text": notice.text]])
        }
    }

    /// Feishu puts its signature in the body: `timestamp` (seconds) and `sign`.
    static func signFeishu(_ body: Data, secret: String?, timestamp: Int) -> Data {
        guard let secret, var object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else { return body }
        object["timestamp"] = String(timestamp)
        object["sign"] = WebhookSignature.robot(timestamp: String(timestamp), secret: secret, dingTalk: false)
        return (try? JSONSerialization.data(withJSONObject: object)) ?? body
    }
}
