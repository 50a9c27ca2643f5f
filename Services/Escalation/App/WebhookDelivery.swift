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
/// Each (notice, target) pair is a row in `webhook_delivery`. A target receives the notices stored from the moment it
/// was first seen (`webhook_target`, kept across restarts); earlier ones stay available through the replay socket and
/// `GET /v1/notices`. Standard Webhooks targets are sent side by side; a group robot gets its notices one at a time in
/// notice order, paced to its documented rate (`RobotPace`), split into parts that fit its size limit
/// (`RobotMessage`), each part recorded as it is accepted. Success is a 2xx, and for a robot also its own success code
/// (`RobotResponse`). A timeout, 429, 5xx or a robot's rate-limit code schedules the next attempt (the schedule in
/// `retrySeconds` with ±10 % jitter, or longer when the receiver asks); any other refusal stops it, 410 also disables
/// the target. After the last attempt it is dead-lettered, and `escalation webhooks replay` sends it again.
///
/// Every time here is real (wall-clock) time: signatures' timestamps, schedules and pacing. Never the business clock
/// that tests move: receivers check timestamps against their own clocks, and robots count real minutes.
public final class WebhookDelivery: Service, Sendable {
    let targets: [WebhookTarget]
    /// Deliveries read per round, and attempts in flight at once, for standard targets.
    let batchSize = 200
    let concurrency: Int
    let retrySeconds: [Double]
    let database: DatabasePool
    let clock: WallClock
    let robotLimits: @Sendable (WebhookTarget.Format) -> [RobotPace.Limit]
    let logger: Logger

    /// Standard Webhooks' example schedule after the first attempt.
    static let defaultRetrySeconds: [Double] = [5, 300, 1_800, 7_200, 18_000, 36_000, 50_400, 72_000, 86_400]

    /// - Parameters:
    ///   - clock: real time (default the system clock); tests of delivery alone may pass another, the service never
    ///     passes its business clock.
    ///   - robotLimits: how fast each robot format may be sent to (default: the vendors' documented limits).
    public convenience init(targets: [WebhookTarget], retrySeconds: [Double]?, concurrency: Int = 16, database: DatabasePool,
                clock: WallClock = .system, logger: Logger) {
        self.init(targets: targets, retrySeconds: retrySeconds, concurrency: concurrency, database: database, clock: clock,
                  robotLimits: RobotPace.documented, logger: logger)
    }

    init(targets: [WebhookTarget], retrySeconds: [Double]?, concurrency: Int = 16, database: DatabasePool, clock: WallClock,
         robotLimits: @escaping @Sendable (WebhookTarget.Format) -> [RobotPace.Limit], logger: Logger) {
        self.targets = targets
        self.concurrency = max(1, concurrency)
        self.retrySeconds = retrySeconds ?? Self.defaultRetrySeconds
        self.database = database
        self.clock = clock
        self.robotLimits = robotLimits
        self.logger = logger
    }

    public func run() async throws {
        guard !targets.isEmpty else {
            // Nothing to deliver, but a service that returns would stop the whole process: wait for shutdown.
            try? await gracefulShutdown()
            return
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.runQueue() }
            for target in targets where target.format != .standard {
                group.addTask { await self.runRobot(target) }
            }
        }
    }

    /// New notices into the queue, and standard targets' due deliveries out.
    private func runQueue() async {
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

    /// Records each target the first time it is seen, starting at the newest notice stored then; then adds one
    /// delivery row per new notice and interested target. Returns how many notices it looked at.
    @discardableResult
    public func enqueueNewNotices() async throws -> Int {
        let now = clock.now().timeIntervalSince1970
        return try await database.write { [targets] db in
            var looked = 0
            for target in targets {
                try WebhookTargetStart.record(target.id, at: now, in: db)
                let cursor = try WebhookTargetStart.enqueued(target.id, in: db)
                let notices = try Supervisor.fetch(after: cursor, limit: 1_000, in: db)
                for notice in notices where target.wants(notice.topic) {
                    try db.execute(sql: """
                        INSERT OR IGNORE INTO webhook_delivery (notice_seq, target, status, attempts, next_attempt_at)
                        VALUES (?, ?, 'pending', 0, ?)
                        """, arguments: [notice.seq, target.id, now])
                }
                if let last = notices.last?.seq { try WebhookTargetStart.advance(target.id, to: last, in: db) }
                looked += notices.count
            }
            return looked
        }
    }

    /// Sends every due delivery of the standard targets, up to `concurrency` at a time, and records the outcomes in one
    /// transaction. Returns how many it attempted (a full batch means more may be due).
    @discardableResult
    public func deliverDue() async throws -> Int {
        let now = clock.now()
        let standard = targets.filter { $0.format == .standard }
        guard !standard.isEmpty else { return 0 }
        let placeholders = Array(repeating: "?", count: standard.count).joined(separator: ",")
        var values: [(any DatabaseValueConvertible)?] = [now.timeIntervalSince1970]
        values += standard.map(\.id) as [(any DatabaseValueConvertible)?]
        values.append(batchSize)
        let arguments = StatementArguments(values)
        // Rows become plain values inside the read, so GRDB's asynchronous read is the one used.
        let attempts = try await database.read { db -> [Due] in
            try Row.fetchAll(db, sql: """
                SELECT d.rowid AS delivery_id, d.target AS delivery_target, d.attempts AS delivery_attempts, d.part AS delivery_part, n.*
                FROM webhook_delivery d JOIN notice n ON n.seq = d.notice_seq
                WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND d.target IN (\(placeholders))
                  AND d.target NOT IN (SELECT target FROM webhook_disabled)
                ORDER BY d.next_attempt_at LIMIT ?
                """, arguments: arguments)
            .map(Due.init(row:))
        }
        // Receivers deduplicate by webhook-id and Standard Webhooks promises no order, so attempts run side by side.
        let outcomes = await withTaskGroup(of: (Int, DeliveryOutcome).self) { group in
            var outcomes: [DeliveryOutcome?] = Array(repeating: nil, count: attempts.count)
            var next = 0
            func startOne() {
                let index = next, item = attempts[index]
                if let target = standard.first(where: { $0.id == item.target }) {
                    group.addTask {
                        do {
                            let body = try RobotMessage.parts(for: item.notice, format: .standard)[0]
                            return (index, await self.attempt(item.notice, body: body, to: target))
                        } catch {
                            return (index, .stop(reason: "cannot encode: \(error)"))
                        }
                    }
                }
                next += 1
            }
            while next < min(concurrency, attempts.count) { startOne() }
            for await (index, outcome) in group {
                outcomes[index] = outcome
                if next < attempts.count { startOne() }
            }
            return outcomes.map { $0 ?? .stop(reason: "no such target") }
        }
        try await record(zip(attempts, outcomes).map { Settled(due: $0.0, parts: 1, outcome: $0.1) })
        return attempts.count
    }

    /// A pending delivery read for an attempt.
    struct Due: Sendable {
        var delivery: Int64
        /// This attempt's number for the current part, from 1.
        var attempts: Int
        var part: Int
        var target: String
        var notice: Notice

        init(row: Row) {
            delivery = row["delivery_id"]
            attempts = (row["delivery_attempts"] as Int) + 1
            part = row["delivery_part"] ?? 0
            target = row["delivery_target"]
            notice = Notice(row: row)
        }
    }

    struct Settled: Sendable {
        var due: Due
        /// How many parts the notice has for this target.
        var parts: Int
        var outcome: DeliveryOutcome
    }

    func record(_ results: [Settled]) async throws {
        let now = clock.now().timeIntervalSince1970
        try await database.write { [retrySeconds, logger] db in
            for result in results {
                let delivery = result.due.delivery, attempts = result.due.attempts, target = result.due.target
                switch result.outcome {
                case .delivered where result.due.part + 1 < result.parts:
                    // This part is in; the next is sent from scratch, and this one never again.
                    try db.execute(sql: """
                        UPDATE webhook_delivery SET part = ?, attempts = 0, next_attempt_at = ?, last_error = NULL WHERE rowid = ?
                        """, arguments: [result.due.part + 1, now, delivery])
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
                    logger.error("webhook delivery refused", metadata: ["target": "\(target)", "error": "\(reason)"])
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

    /// Registered after the notice links: per-target starting points, parts, and the robots' send history.
    static func registerRobotMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("escalation-v6-webhook-targets") { db in
            try WebhookTargetStart.createTable(in: db)
            // Targets served before keep their place: the old single cursor. A target never served starts when seen.
            try db.execute(sql: """
                INSERT INTO webhook_target (id, start_seq, enqueued_seq, first_seen_at)
                SELECT DISTINCT d.target, c.enqueued_seq, c.enqueued_seq, 0 FROM webhook_delivery d, webhook_cursor c WHERE c.id = 1
                """)
            try db.drop(table: "webhook_cursor")
            // Parts of a split notice already accepted by the robot: never sent again.
            try db.alter(table: "webhook_delivery") { t in t.add(column: "part", .integer).notNull().defaults(to: 0) }
            try db.create(index: "webhook_delivery_target_order", on: "webhook_delivery", columns: ["target", "status", "notice_seq"])
            try RobotSendLog.createTable(in: db)
        }
    }
}
