import DubanStorage
import Foundation
import GRDB
import Logging
import ServiceLifecycle
import Synchronization
import ZeroMQ

/// Delivers one producer's event log to one consumer, and forgets nothing until the consumer acknowledges it.
///
/// A DEALER connects to the consumer's ROUTER. Up to `window` events are in flight; the consumer's cumulative
/// acknowledgements advance the cursor, which is saved to the producer's database. Without progress for `resendAfter`,
/// or on a rewind, everything after the cursor is sent again (go-back-N): the consumer skips what it already applied.
/// Events wait on disk while the consumer is slow or away, so memory stays bounded by the window.
public final class EventRelay: Service, Sendable {
    public struct Options: Sendable {
        public var window = 4_000
        public var resendAfter: Duration = .seconds(2)
        /// How often at most the acknowledged cursor is written back to the producer's database.
        public var cursorSaveInterval: Duration = .milliseconds(200)
        public init() {}
    }

    public let consumer: String
    public let endpoint: String
    /// How long a relay that cannot send (window full, or no consumer) waits before looking again unprompted.
    static let recheckMilliseconds = 100
    private let log: EventLog
    private let database: DatabasePool
    private let context: ZMQContext
    private let security: LinkSecurity
    private let options: Options
    private let logger: Logger
    private let acked = Atomic<Int64>(-1)
    /// Whether a commit should wake the relay: only when new events could leave. Not while the window is full (the
    /// acknowledgement that makes room wakes it) nor while no consumer is connected (libzmq's signal that the socket
    /// can send wakes it, and a short poll re-checks in case that signal comes late). A wake is a thread switch per
    /// commit per relay: intake has three. Set before the log is read, so a commit after that read always wakes it.
    private let wantsCommits = Atomic<Bool>(true)

    public init(log: EventLog, consumer: String, endpoint: String, database: DatabasePool, context: ZMQContext,
                security: LinkSecurity, options: Options = Options(), logger: Logger) {
        self.log = log
        self.consumer = consumer
        self.endpoint = endpoint
        self.database = database
        self.context = context
        self.security = security
        self.options = options
        var logger = logger
        logger[metadataKey: "link"] = "\(log.producer)->\(consumer)"
        self.logger = logger
    }

    /// The highest sequence number the consumer has acknowledged (-1 before the relay starts).
    public var acknowledgedSeq: Int64 { acked.load(ordering: .relaxed) }

    public func run() async throws {
        let thread = try SocketThread(name: "relay-\(consumer)") { [self] control in try loop(control) }
        log.onCommit { [weak thread, weak self] in
            if self?.wantsCommits.load(ordering: .acquiring) == true { thread?.wake() }
        }
        try await thread.runUntilShutdown()
    }

    // MARK: The owning thread

    private func loop(_ control: SocketThread.Control) throws {
        let socket = try ZMQSocket(context, type: .dealer)
        try socket.set(.linger(milliseconds: 0))
        try socket.set(.immediate(true))
        try socket.set(.sendHighWaterMark(Int32(options.window * 2)))
        try socket.set(.reconnectInterval(milliseconds: 100))
        try socket.set(.heartbeat(intervalMilliseconds: 1_000, timeoutMilliseconds: 3_000, ttlMilliseconds: 6_000))
        try socket.secureAsClient(security, server: consumer)
        try socket.connect(endpoint)
        defer { socket.close() }

        var cursor = try database.read { try EventLogQueries.ackedSeq(consumer: consumer, in: $0) }
        var savedCursor = cursor
        var next = cursor + 1
        var epoch: UInt64 = 0
        var blocked = false
        var moreToSend = true  // events may be waiting from before this relay started
        var lastProgress = ContinuousClock.now
        var lastSave = ContinuousClock.now
        var lastHello = ContinuousClock.now - options.resendAfter  // the first hello goes out at once
        acked.store(cursor, ordering: .relaxed)
        logger.info("relay started", metadata: ["endpoint": "\(endpoint)", "cursor": "\(cursor)"])

        while !control.isStopRequested {
            var poller = ZMQPoller()
            poller.add(socket, receive: true, send: blocked)
            let wakeItem = poller.add(fileDescriptor: control.wakeFileDescriptor)
            let inFlight = next > cursor + 1
            try poller.poll(timeoutMilliseconds: moreToSend ? 0 : (inFlight || blocked ? Self.recheckMilliseconds : 1_000))
            if poller.isReadable(wakeItem) { control.drainWakeups() }

            // Acknowledgements.
            while let message = try socket.receive(wait: false) {
                guard let ack = WireProtocol.parseAck(message.frames), ack.producer == log.producer else {
                    logger.warning("ignored a malformed acknowledgement")
                    continue
                }
                if ack.rewind {
                    guard ack.epoch == epoch else { continue }  // answers messages already resent
                    cursor = ack.appliedSeq
                    next = cursor + 1
                    epoch += 1
                    lastProgress = .now
                } else if ack.appliedSeq > cursor {
                    cursor = ack.appliedSeq
                    next = max(next, cursor + 1)
                    lastProgress = .now
                }
            }
            acked.store(cursor, ordering: .relaxed)

            // Idle, say hello now and then: a consumer that lost what it had acknowledged asks for it again.
            if next == cursor + 1 && !blocked && ContinuousClock.now - lastHello > options.resendAfter {
                _ = try socket.send(WireProtocol.frames(.init(producer: log.producer, epoch: epoch, ackedSeq: cursor)), wait: false)
                lastHello = .now
            }

            // Go back N when the consumer has gone quiet on what is in flight.
            if next > cursor + 1 && ContinuousClock.now - lastProgress > options.resendAfter {
                logger.debug("resending unacknowledged events", metadata: ["from": "\(cursor + 1)"])
                next = cursor + 1
                epoch += 1
                lastProgress = .now
            }

            // Fill the window from the log.
            moreToSend = false
            let room = Int(cursor + Int64(options.window) - (next - 1))
            // With no connected consumer the socket takes nothing: reading the log on every commit would only burn
            // CPU, so wait until it can send again (marked blocked, the poll above watches for that).
            let canSend = try room > 0 && socket.canSend
            blocked = room > 0 && !canSend
            wantsCommits.store(canSend, ordering: .sequentiallyConsistent)  // before the log is read
            if canSend {
                let batch = try database.read { try EventLogQueries.events(after: next - 1, limit: min(room, 256), in: $0) }
                var unsent = batch[...]
                while !unsent.isEmpty {
                    let message = unsent.prefix(WireProtocol.fitting(unsent))
                    let frames = WireProtocol.frames(producer: log.producer, epoch: epoch, events: message)
                    guard try socket.send(frames, wait: false) else { blocked = true; break }
                    if next == cursor + 1 { lastProgress = .now }  // the resend clock starts with the first in flight
                    next = message.last!.seq + 1
                    unsent = unsent.dropFirst(message.count)
                }
                moreToSend = batch.count == min(room, 256) && !blocked
            }

            if cursor != savedCursor && ContinuousClock.now - lastSave > options.cursorSaveInterval {
                let value = cursor
                try database.write { try EventLogQueries.saveAckedSeq(value, consumer: consumer, in: $0) }
                savedCursor = cursor
                lastSave = .now
            }
        }
        if cursor != savedCursor {
            let value = cursor
            try? database.write { try EventLogQueries.saveAckedSeq(value, consumer: consumer, in: $0) }
        }
        logger.info("relay stopped", metadata: ["cursor": "\(cursor)"])
    }
}
