import DubanMessaging
import DubanStorage
import Foundation
import GRDB

/// The body of `GET /health`: whether the service runs, and the truth about its delivery backlog.
public struct HealthReport: Codable, Sendable {
    public struct Link: Codable, Sendable {
        public var consumer: String
        public var endpoint: String
        /// Events in the log that this consumer has not acknowledged yet.
        public var backlog: Int64
        /// Age in seconds of the oldest unacknowledged event; 0 when there is none.
        public var oldestUnacknowledgedSeconds: Double
    }

    public var service: String
    public var status: String
    public var lastEventSeq: Int64
    public var links: [Link]
    /// Events this service could not apply and set aside (see `<service> dead-letters list`).
    public var deadLetters: Int
    /// Peers refused at the handshake on this service's event socket (plaintext, unlisted key) since it started.
    public var refusedPeers: Int
    public var details: [String: String]

    static func measure(service: String, database: ServiceDatabase, relays: [EventRelay],
                        refusedPeers: Int, details: [String: String], now: Date) async throws -> HealthReport {
        try await database.writer.read { db in
            let last = try EventLogQueries.lastSeq(in: db)
            var links: [Link] = []
            for relay in relays {
                let acked = max(relay.acknowledgedSeq, try EventLogQueries.ackedSeq(consumer: relay.consumer, in: db))
                let oldest = try EventLogQueries.createdAt(seq: acked + 1, in: db)
                links.append(Link(consumer: relay.consumer, endpoint: relay.endpoint, backlog: max(0, last - acked),
                                  oldestUnacknowledgedSeconds: oldest.map { max(0, now.timeIntervalSince1970 - $0) } ?? 0))
            }
            let dead = try DeadLetters.pendingCount(in: db)
            return HealthReport(service: service, status: dead > 0 ? "degraded" : "ok", lastEventSeq: last, links: links,
                                deadLetters: dead, refusedPeers: refusedPeers, details: details)
        }
    }
}
