import DubanModels
import Foundation
import GRDB
import Logging
import ServiceLifecycle
import Synchronization
import ZeroMQ

/// A consumer's side of durable messaging: applies each producer's events in order, exactly once in effect.
///
/// A ROUTER receives events from every producer's relay. A batch of them is applied in one write transaction together
/// with the per-producer cursor; only after that commit are they acknowledged. A duplicate (at or below the cursor)
/// is skipped and acknowledged again; a gap is answered with a rewind. An event that cannot be decoded or applied is
/// rolled back to its savepoint and stored as a dead letter, and the events behind it go on.
public final class EventListener: Service, Sendable {
    /// Applies one event inside the listener's transaction. Throw to dead-letter the event.
    public typealias Handler = @Sendable (Database, EventEnvelope) throws -> Void

    public let service: String
    public let endpoint: String
    private let database: DatabasePool
    private let context: ZMQContext
    private let security: LinkSecurity
    private let handler: Handler
    private let maxBatch: Int
    private let logger: Logger
    private let refused = Atomic<Int>(0)

    /// Peers refused at the handshake (wrong mechanism, unlisted key) since the listener started.
    public var refusedHandshakes: Int { refused.load(ordering: .relaxed) }

    public init(service: String, endpoint: String, database: DatabasePool, context: ZMQContext, security: LinkSecurity,
                maxBatch: Int = 500, logger: Logger, handler: @escaping Handler) {
        self.service = service
        self.endpoint = endpoint
        self.database = database
        self.context = context
        self.security = security
        self.maxBatch = maxBatch
        self.logger = logger
        self.handler = handler
    }

    public func run() async throws {
        let thread = try SocketThread(name: "listener-\(service)") { [self] control in try loop(control) }
        try await thread.runUntilShutdown()
    }

    /// One message's events: a run from one producer, in order, answered with one acknowledgement.
    private struct Delivery {
        var peer: Data
        var events: [WireProtocol.Event]
        var producer: String { events[0].producer }
    }

    private struct Reply: Hashable {
        var peer: Data
        var producer: String
    }

    private func loop(_ control: SocketThread.Control) throws {
        let socket = try ZMQSocket(context, type: .router)
        try socket.set(.linger(milliseconds: 0))
        try socket.set(.routerMandatory(true))
        try socket.set(.receiveHighWaterMark(100_000))
        try socket.set(.sendHighWaterMark(100_000))  // acknowledgements are tiny; never drop one at the mark
        try socket.set(.heartbeat(intervalMilliseconds: 1_000, timeoutMilliseconds: 3_000, ttlMilliseconds: 6_000))
        try socket.secureAsServer(security)
        try socket.bind(endpoint)
        // The monitor reports handshakes that failed, which libzmq otherwise keeps to itself: a plaintext peer at
        // this CURVE socket never reaches the ZAP handler.
        let monitor = try socket.monitor("inproc://monitor-\(service)-\(UUID().uuidString)",
                                         events: .handshakeFailures, context: context)
        defer {
            monitor.close()
            socket.close()
        }
        let bound = try socket.lastEndpoint
        logger.info("listening for events", metadata: ["endpoint": "\(bound)"])

        while !control.isStopRequested {
            let poller = try control.wait(for: [socket, monitor], timeoutMilliseconds: 1_000)
            if poller.isReadable(1) { try logRefusals(monitor) }

            var batch: [Delivery] = []
            var eventCount = 0
            while eventCount < maxBatch, let message = try socket.receive(wait: false) {
                if let peer = message.frames.first, let hello = WireProtocol.parseHello(message.frames.dropFirst()) {
                    try answer(hello, from: peer, userID: message.userID, on: socket)
                    continue
                }
                guard let peer = message.frames.first, let events = WireProtocol.parseEvents(message.frames.dropFirst()) else {
                    logger.warning("dropped a malformed delivery frame")
                    continue
                }
                let producer = events[0].producer
                if let authenticated = message.userID, authenticated != producer {
                    logger.warning("refused events claiming another producer",
                                   metadata: ["authenticated": "\(authenticated)", "claimed": "\(producer)"])
                    continue
                }
                batch.append(Delivery(peer: peer, events: events))
                eventCount += events.count
            }
            guard !batch.isEmpty else { continue }

            let replies: [Reply: WireProtocol.Ack]
            do {
                do {
                    // Fast path: the whole batch in one transaction, no savepoints.
                    replies = try database.write { db in try apply(batch, isolated: false, in: db) }
                } catch let error as DatabaseError where error.isEnvironmental {
                    throw error
                } catch {
                    // Some event failed: redo the batch with a savepoint per event, so only that one is set aside.
                    replies = try database.write { db in try apply(batch, isolated: true, in: db) }
                }
            } catch {
                // Nothing was committed, so nothing is acknowledged: the producers will resend.
                logger.error("could not apply a batch of events; awaiting redelivery", metadata: ["error": "\(error)"])
                continue
            }
            for (reply, ack) in replies {
                do {
                    if try !socket.send([reply.peer] + WireProtocol.frames(ack), wait: false) {
                        logger.warning("an acknowledgement could not be queued; the producer will resend")
                    }
                } catch let error as ZMQError where error.isHostUnreachable {
                    continue  // the producer went away; it will learn the cursor when it resends
                }
            }
        }
    }

    /// Tells an idle producer what this service has applied; less than it believes acknowledged means a rewind.
    private func answer(_ hello: WireProtocol.Hello, from peer: Data, userID: String?, on socket: ZMQSocket) throws {
        if let userID, userID != hello.producer { return }  // only the authenticated producer speaks for itself
        let applied = try database.read { try EventLogQueries.appliedSeq(producer: hello.producer, in: $0) }
        let ack = WireProtocol.Ack(producer: hello.producer, epoch: hello.epoch, appliedSeq: applied, rewind: applied < hello.ackedSeq)
        if ack.rewind {
            logger.warning("a producer believes more was applied than this service has; asking for it again",
                           metadata: ["producer": "\(hello.producer)", "acknowledged": "\(hello.ackedSeq)", "applied": "\(applied)"])
        }
        do {
            _ = try socket.send([peer] + WireProtocol.frames(ack), wait: false)
        } catch let error as ZMQError where error.isHostUnreachable {
            return
        }
    }

    private func logRefusals(_ monitor: ZMQSocket) throws {
        while let message = try monitor.receive(wait: false) {
            guard let event = ZMQMonitorEvent(message) else { continue }
            refused.add(1, ordering: .relaxed)
            let reason = event.isMechanismMismatch ? "it does not speak CURVE (plaintext?)"
                : event.kind.contains(.handshakeFailedAuthentication) ? "its key is not admitted"
                : "its handshake failed (code \(event.value))"
            logger.warning("refused a peer: \(reason)", metadata: ["endpoint": "\(event.endpoint)"])
        }
    }

    /// With `isolated`, each event runs in its own savepoint and a failure dead-letters it; without, a failure throws
    /// and the caller retries the batch isolated.
    private func apply(_ batch: [Delivery], isolated: Bool, in db: Database) throws -> [Reply: WireProtocol.Ack] {
        var cursors: [String: Int64] = [:]
        var rewinding: Set<String> = []
        var replies: [Reply: WireProtocol.Ack] = [:]
        for delivery in batch {
            let producer = delivery.producer
            var cursor = try cursors[producer] ?? EventLogQueries.appliedSeq(producer: producer, in: db)
            var rewind = rewinding.contains(producer)
            for event in delivery.events where !rewind {
                if event.seq == cursor + 1 {
                    if isolated {
                        try applyIsolated(event, in: db)
                    } else {
                        try handler(db, try EventCodec.decode(event.body))
                    }
                    cursor = event.seq
                } else if event.seq > cursor + 1 {
                    rewind = true
                    rewinding.insert(producer)
                }  // else a duplicate, already applied
            }
            cursors[producer] = cursor
            replies[Reply(peer: delivery.peer, producer: producer)] = WireProtocol.Ack(
                producer: producer, epoch: delivery.events[delivery.events.count - 1].epoch, appliedSeq: cursor, rewind: rewind)
        }
        for (producer, seq) in cursors {
            try EventLogQueries.saveAppliedSeq(seq, producer: producer, in: db)
        }
        // A rewind carries the cursor as it stands after the whole batch.
        for (reply, var ack) in replies {
            ack.appliedSeq = cursors[reply.producer] ?? ack.appliedSeq
            replies[reply] = ack
        }
        return replies
    }

    private func applyIsolated(_ event: WireProtocol.Event, in db: Database) throws {
        do {
            try db.inSavepoint {
                let envelope = try EventCodec.decode(event.body)
                try handler(db, envelope)
                return .commit
            }
        } catch let error as DatabaseError where error.isEnvironmental {
            throw error  // disk full, I/O: not the event's fault, so fail the batch and retry it
        } catch {
            logger.error("dead-lettered an event", metadata: ["producer": "\(event.producer)", "seq": "\(event.seq)",
                                                             "error": "\(error)"])
            try DeadLetters.insert(producer: event.producer, seq: event.seq, body: event.body,
                                   error: String(describing: error), in: db)
        }
    }
}

extension DatabaseError {
    /// Failures of the machine rather than of the data.
    var isEnvironmental: Bool {
        [.SQLITE_FULL, .SQLITE_IOERR, .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_NOMEM, .SQLITE_CANTOPEN, .SQLITE_READONLY]
            .contains(resultCode)
    }
}
