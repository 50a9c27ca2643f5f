import DubanModels
import DubanRuntime
import Foundation
import GRDB
import Logging
import ServiceLifecycle
import Synchronization
import ZeroMQ

/// Publishes every stored notice on a PUB socket under its topic (`notice.reminder.<bureau>`,
/// `notice.escalation.<level>`, `notice.digest.<recipient>`): frames `[topic, notice JSON]`.
///
/// PUB is live only; a subscriber that was away catches up from its last `seq` with `GET /v1/notices?after=`.
/// The published position is saved, so notices stored just before a crash are still published after it.
final class NoticePublisher: Service, Sendable {
    private let endpoint: String
    private let database: DatabasePool
    private let context: ZMQContext
    private let logger: Logger
    let thread: SocketThread

    init(endpoint: String, database: DatabasePool, context: ZMQContext, logger: Logger) throws {
        self.endpoint = endpoint
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

    private func loop(_ control: SocketThread.Control) throws {
        let socket = try ZMQSocket(context, type: .pub)
        try socket.set(.linger(milliseconds: 0))
        try socket.set(.sendHighWaterMark(100_000))
        try socket.bind(endpoint)
        defer { socket.close() }
        var published = try database.read { try Int64.fetchOne($0, sql: "SELECT published_seq FROM notice_cursor") } ?? 0
        let encoder = DubanJSON.encoder()
        while !control.isStopRequested {
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
            try control.wait(for: [], timeoutMilliseconds: 1_000)
        }
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

