import DubanMessaging
import DubanModels
import DubanRuntime
import Foundation
import GRDB
import Logging
import ServiceLifecycle
import Synchronization
import ZeroMQ

/// Publishes every stored notice on a PUB socket under its topic (`notice.reminder.<bureau>`,
/// `notice.escalation.<level>`, `notice.digest.<recipient>`): frames `[topic, notice JSON]`; and answers catch-up
/// requests on a ROUTER socket (``NoticeReplay``) from the durable notice stream.
///
/// PUB is live only; a subscriber that was away asks the replay socket for everything after its last `seq`.
/// The published position is saved, so notices stored just before a crash are still published after it.
///
/// With CURVE (`notices.plaintext`, ``ClientSecurity``) both sockets admit the subscribers of `notices.clients-file`
/// (``NoticeClients``). A PUB socket cannot drop one subscriber, so when a key is taken off the list the publisher
/// closes and binds the PUB socket again: every subscriber reconnects through the ZAP handler, which refuses the
/// removed one, and the others catch up what they missed meanwhile from the replay socket, as after any absence.
final class NoticePublisher: Service, Sendable {
    private let endpoint: String
    private let replayEndpoint: String
    private let security: ClientSecurity
    /// The listed subscribers; nil on plaintext.
    private let clients: NoticeClients?
    private let database: DatabasePool
    private let context: ZMQContext
    private let logger: Logger
    let thread: SocketThread

    init(endpoint: String, replayEndpoint: String, security: ClientSecurity, clients: NoticeClients?, database: DatabasePool,
         context: ZMQContext, logger: Logger) throws {
        self.endpoint = endpoint
        self.replayEndpoint = replayEndpoint
        self.security = security
        self.clients = clients
        self.database = database
        self.context = context
        self.logger = logger
        let box = LockedBox<NoticePublisher>()
        thread = try SocketThread(name: "notices") { control in try box.value?.loop(control) }
        box.value = self
    }

    func wake() { thread.wake() }

    func run() async throws {
        try await thread.runUntilShutdown()
    }

    /// A PUB socket bound at `endpoint`. Binding again just after a close may find the port still held for a moment
    /// (libzmq closes listeners on its I/O thread): tried for up to two seconds.
    private func publisher() throws -> ZMQSocket {
        let socket = try ZMQSocket(context, type: .pub)
        try socket.set(.linger(milliseconds: 0))
        try socket.set(.sendHighWaterMark(100_000))
        try socket.secureForClients(security)
        let deadline = ContinuousClock.now + .seconds(2)
        while true {
            do {
                try socket.bind(endpoint)
                return socket
            } catch let error as ZMQError where error.code == EADDRINUSE && ContinuousClock.now < deadline {
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
    }

    private func loop(_ control: SocketThread.Control) throws {
        var socket = try publisher()
        defer { socket.close() }
        let replay = try ZMQSocket.clientRouter(context, bind: replayEndpoint, security: security)
        defer { replay.close() }
        var published = try database.read { try Int64.fetchOne($0, sql: "SELECT published_seq FROM notice_cursor") } ?? 0
        var listed = clients?.generation ?? 0
        let encoder = DubanJSON.encoder()
        while !control.isStopRequested {
            if let clients, clients.generation != listed {
                listed = clients.generation
                socket.close()
                socket = try publisher()
                logger.notice("a notice subscriber was taken off notices.clients-file: the PUB socket was bound again, so every subscriber connects anew")
            }
            while let request = try replay.receive(wait: false) {
                do {
                    // A ROUTER drops at its high-water mark rather than blocking; a client may ask again.
                    if let name = request.userID, let clients, !clients.admits(name: name) {
                        try replay.send(NoticeReplay.refusal(request.frames, name: name), wait: false)
                        continue
                    }
                    try replay.send(try NoticeReplay.answer(request.frames, database: database, encoder: encoder), wait: false)
                } catch let error as ZMQError where error.isHostUnreachable {
                    continue  // the client left before its answer; it asks again from its position
                }
            }
            let notices = try database.read { try Supervisor.fetch(after: published, limit: 500, in: $0) }
            for notice in notices {
                try socket.send([Data(notice.topic.utf8), try encoder.encode(notice)])
                published = notice.seq
            }
            if !notices.isEmpty {
                let position = published
                try database.write { db in
                    try db.execute(sql: "INSERT INTO notice_cursor (id, published_seq) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET published_seq = excluded.published_seq",
                                   arguments: [position])
                }
                continue
            }
            try control.wait(for: [replay], timeoutMilliseconds: 1_000)
        }
    }
}

/// The catch-up protocol on the replay socket (ROUTER; clients use DEALER or REQ):
///
/// - request `["duban-notices/1", "FETCH", after, limit?]`: `after` is the last `seq` the client has, `limit` 1–1,000
///   (default 500);
/// - answer `["duban-notices/1", "NOTICES", latestSeq, notice JSON, …]`, in `seq` order; fewer than `limit` notices
///   means the client is up to date (`latestSeq` is the newest stored);
/// - or `["duban-notices/1", "ERROR", code, message]` with code `invalid_request`, `invalid_position`, or
///   `subscriber_removed` (a CURVE subscriber whose key was taken off `notices.clients-file` on a connection still open).
enum NoticeReplay {
    static let version = Data("duban-notices/1".utf8)

    /// The whole reply, routing envelope first: the identity, and REQ's empty delimiter when there is one.
    static func answer(_ frames: [Data], database: DatabasePool, encoder: JSONEncoder) throws -> [Data] {
        let (envelope, body) = split(frames)
        guard !envelope.isEmpty else { return [] }
        guard body.count >= 3, body.count <= 4, body[0] == version, body[1] == Data("FETCH".utf8) else {
            return envelope + error("invalid_request", "send [\"duban-notices/1\", \"FETCH\", after, limit?]")
        }
        guard let after = Int64(String(decoding: body[2], as: UTF8.self)), after >= 0,
              let limit = body.count == 4 ? Int(String(decoding: body[3], as: UTF8.self)) : 500, (1...1_000).contains(limit) else {
            return envelope + error("invalid_position", "after is a notice seq (0 or more), limit 1 to 1,000")
        }
        let (latest, notices) = try database.read { db in
            (try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM notice") ?? 0, try Supervisor.fetch(after: after, limit: limit, in: db))
        }
        return envelope + [version, Data("NOTICES".utf8), Data(String(latest).utf8)] + (try notices.map { try encoder.encode($0) })
    }

    /// The answer to a subscriber no longer listed.
    static func refusal(_ frames: [Data], name: String) -> [Data] {
        split(frames).envelope + error("subscriber_removed", "subscriber '\(name)' is no longer in notices.clients-file")
    }

    /// The routing envelope (the identity, and REQ's empty delimiter when there is one) and the request.
    private static func split(_ frames: [Data]) -> (envelope: [Data], body: [Data]) {
        guard let identity = frames.first else { return ([], []) }
        var envelope = [identity]
        var body = Array(frames.dropFirst())
        if body.first?.isEmpty == true {
            envelope.append(Data())
            body.removeFirst()
        }
        return (envelope, body)
    }

    private static func error(_ code: String, _ message: String) -> [Data] {
        [version, Data("ERROR".utf8), Data(code.utf8), Data(message.utf8)]
    }
}

/// Lets a class hand itself to the thread it creates in its own initialiser.
final class LockedBox<Value: AnyObject & Sendable>: Sendable {
    private let storage = Mutex<Value?>(nil)
    var value: Value? {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}
