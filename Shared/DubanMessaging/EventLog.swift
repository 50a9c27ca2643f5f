import DubanModels
import DubanStorage
import Foundation
import GRDB
import Synchronization

/// A producer's side of durable messaging: append events inside the transaction that makes the change they report.
///
/// Appending registers a commit hook that wakes this log's relays, so an event leaves as soon as it is durable and
/// never before. A rolled-back transaction takes its events with it.
public final class EventLog: Sendable {
    public let producer: String
    private let relays = Mutex<[@Sendable () -> Void]>([])
    private let commitHookArmed = Mutex(false)

    public init(producer: String) {
        self.producer = producer
    }

    /// Called by ``EventRelay`` so that commits wake it.
    func onCommit(_ wake: @escaping @Sendable () -> Void) {
        relays.withLock { $0.append(wake) }
    }

    @discardableResult
    public func append(_ payload: EventPayload, caseID: CaseID, at time: Date, causedBy cause: UUID? = nil,
                       in db: Database) throws -> EventEnvelope {
        let envelope = EventEnvelope(occurredAt: time, producer: producer, caseID: caseID, causationID: cause, payload: payload)
        try append(envelope, in: db)
        return envelope
    }

    public func append(_ envelope: EventEnvelope, in db: Database) throws {
        let body = EventCodec.encode(envelope)
        try db.cachedStatement(sql: "INSERT INTO event_log (event_id, case_id, type, body, created_at) VALUES (?, ?, ?, ?, ?)")
            .execute { row in
                row.bind(EventID.text(envelope.id), at: 1)
                row.bind(envelope.caseID.rawValue, at: 2)
                row.bind(envelope.type.rawValue, at: 3)
                row.bind(body, at: 4)
                row.bind(Date().timeIntervalSince1970, at: 5)
            }
        // One commit hook per transaction, however many events it appends (the writer is serial).
        let arm = commitHookArmed.withLock { armed in
            defer { armed = true }
            return !armed
        }
        guard arm else { return }
        let wakes = relays.withLock { $0 }
        db.afterNextTransaction(onCommit: { [self] _ in
            commitHookArmed.withLock { $0 = false }
            for wake in wakes { wake() }
        }, onRollback: { [self] _ in
            commitHookArmed.withLock { $0 = false }
        })
    }
}

/// One row of an event log, as a relay reads it.
struct StoredEvent: Sendable {
    var seq: Int64
    var body: Data
}

public enum EventLogQueries {
    static func events(after seq: Int64, limit: Int, in db: Database) throws -> [StoredEvent] {
        let rows = try Row.fetchCursor(db.cachedStatement(sql: "SELECT seq, body FROM event_log WHERE seq > ? ORDER BY seq LIMIT ?"),
                                       arguments: [seq, limit])
        var events: [StoredEvent] = []
        events.reserveCapacity(limit)
        while let row = try rows.next() { events.append(StoredEvent(seq: row[0], body: row[1])) }
        return events
    }

    public static func lastSeq(in db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM event_log") ?? 0
    }

    public static func createdAt(seq: Int64, in db: Database) throws -> Double? {
        try Double.fetchOne(db, sql: "SELECT created_at FROM event_log WHERE seq = ?", arguments: [seq])
    }

    public static func ackedSeq(consumer: String, in db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT acked_seq FROM delivery_cursor WHERE consumer = ?", arguments: [consumer]) ?? 0
    }

    public static func saveAckedSeq(_ seq: Int64, consumer: String, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO delivery_cursor (consumer, acked_seq) VALUES (?, ?)
            ON CONFLICT(consumer) DO UPDATE SET acked_seq = excluded.acked_seq
            """, arguments: [consumer, seq])
    }

    public static func appliedSeq(producer: String, in db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT applied_seq FROM inbox_cursor WHERE producer = ?"), arguments: [producer]) ?? 0
    }

    public static func saveAppliedSeq(_ seq: Int64, producer: String, in db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO inbox_cursor (producer, applied_seq) VALUES (?, ?)
            ON CONFLICT(producer) DO UPDATE SET applied_seq = excluded.applied_seq
            """).execute(arguments: [producer, seq])
    }
}
