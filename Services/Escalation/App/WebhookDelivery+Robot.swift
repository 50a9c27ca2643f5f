import DubanRuntime
import Foundation
import GRDB
import ServiceLifecycle

extension WebhookDelivery {
    /// One group robot's queue: its notices one at a time in notice order, each in its parts, paced to the robot's rate.
    ///
    /// Only the oldest pending delivery of the target is ever tried, so a notice waiting for a retry holds back the
    /// later ones (order is kept; nothing is dropped: the queue is the `webhook_delivery` table).
    func runRobot(_ target: WebhookTarget) async {
        // The sends of the last hour before a restart still count.
        let since = clock.now().timeIntervalSince1970 - RobotSendLog.keepSeconds
        let earlier = (try? await database.read { try RobotSendLog.recent(target.id, since: since, in: $0) }) ?? []
        var pace = RobotPace(limits: robotLimits(target.format), sent: earlier)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            var wait = 0.2
            do {
                let now = clock.now().timeIntervalSince1970
                let ready = pace.earliest(now: now)
                if ready > now {
                    wait = ready - now
                } else if let due = try await nextRobotDelivery(target, now: now) {
                    let parts = try RobotMessage.parts(for: due.notice, format: target.format)
                    let outcome = await attempt(due.notice, body: parts[min(due.part, parts.count - 1)], to: target)
                    let sentAt = clock.now().timeIntervalSince1970
                    pace.record(sentAt)
                    try await database.write { try RobotSendLog.append(target.id, at: sentAt, in: $0) }
                    try await record([Settled(due: due, parts: parts.count, outcome: outcome)])
                    wait = 0
                }
            } catch {
                logger.error("robot delivery round failed", metadata: ["target": "\(target.id)", "error": "\(error)"])
            }
            if wait > 0 {
                let pause = Duration.milliseconds(Int(min(wait, 1) * 1_000))
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
            }
        }
    }

    /// The target's oldest pending delivery, when it is due and the target is not disabled.
    func nextRobotDelivery(_ target: WebhookTarget, now: Double) async throws -> Due? {
        try await database.read { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM webhook_disabled WHERE target = ?", arguments: [target.id]) != true,
                  let row = try Row.fetchOne(db, sql: """
                      SELECT d.rowid AS delivery_id, d.target AS delivery_target, d.attempts AS delivery_attempts, d.part AS delivery_part,
                             d.next_attempt_at AS delivery_due, n.*
                      FROM webhook_delivery d JOIN notice n ON n.seq = d.notice_seq
                      WHERE d.target = ? AND d.status = 'pending' ORDER BY d.notice_seq LIMIT 1
                      """, arguments: [target.id]),
                  (row["delivery_due"] as Double) <= now
            else { return nil }
            return Due(row: row)
        }
    }
}
