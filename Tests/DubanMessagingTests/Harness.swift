import DubanMessaging
import DubanModels
import DubanStorage
import Foundation
import GRDB
import Logging
import Synchronization
import ZeroMQ

/// A producer and a consumer, each with its own real SQLite file and ZeroMQ context, linked over loopback TCP.
final class Harness: Sendable {
    let directory: String
    let producerDB: ServiceDatabase
    let consumerDB: ServiceDatabase
    let log = EventLog(producer: "producer")
    let producerContext: ZMQContext
    let consumerContext: ZMQContext
    let producerRing: KeyRing
    let consumerRing: KeyRing
    let endpoint: String
    let logger = Logger(label: "test")

    init() throws {
        directory = NSTemporaryDirectory() + "duban-messaging-\(UUID().uuidString)"
        var producerMigrator = DatabaseMigrator()
        EventStoreSchema.register(in: &producerMigrator)
        producerDB = try ServiceDatabase(directory: directory, name: "producer", migrator: producerMigrator)
        var consumerMigrator = DatabaseMigrator()
        EventStoreSchema.register(in: &consumerMigrator)
        consumerMigrator.registerMigration("applied") { db in
            try db.execute(sql: "CREATE TABLE applied (n INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, title TEXT NOT NULL)")
        }
        consumerDB = try ServiceDatabase(directory: directory, name: "consumer", migrator: consumerMigrator)
        producerContext = try ZMQContext()
        consumerContext = try ZMQContext()
        let producerKeys = try CurveKeyPair.generate()
        let consumerKeys = try CurveKeyPair.generate()
        let publicKeys = ["producer": producerKeys.publicKey, "consumer": consumerKeys.publicKey]
        producerRing = KeyRing(service: "producer", keyPair: producerKeys, publicKeys: publicKeys)
        consumerRing = KeyRing(service: "consumer", keyPair: consumerKeys, publicKeys: publicKeys)
        endpoint = "tcp://127.0.0.1:\(try LoopbackPort.free())"
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// Appends `count` events titled `prefix N`, `perTransaction` to a transaction.
    func append(_ count: Int, prefix: String = "case", perTransaction: Int = 100) throws {
        var index = 0
        while index < count {
            let upper = min(count, index + perTransaction)
            let range = index..<upper
            try producerDB.writer.write { db in
                for n in range {
                    let draft = CaseDraft(title: "\(prefix) \(n)", description: "d", channel: .api, submitter: Submitter())
                    try log.append(.caseSubmitted(CaseSubmitted(draft: draft, submittedAt: Date())),
                                   caseID: CaseID(rawValue: "C-\(n)"), at: Date(), in: db)
                }
            }
            index = upper
        }
    }

    func relay(security: LinkSecurity? = nil, context: ZMQContext? = nil, options: EventRelay.Options = .init()) -> EventRelay {
        EventRelay(log: log, consumer: "consumer", endpoint: endpoint, database: producerDB.writer,
                   context: context ?? producerContext, security: security ?? .curve(producerRing), options: options,
                   logger: logger)
    }

    func listener(handler: EventListener.Handler? = nil) -> EventListener {
        EventListener(service: "consumer", endpoint: endpoint, database: consumerDB.writer, context: consumerContext,
                      security: .curve(consumerRing), logger: logger, handler: handler ?? Self.recordTitle)
    }

    func authenticator() throws -> ZAPAuthenticator {
        try ZAPAuthenticator(context: consumerContext, keyRing: consumerRing, logger: logger)
    }

    static let recordTitle: EventListener.Handler = { db, event in
        guard case .caseSubmitted(let submitted) = event.payload else { return }
        try db.execute(sql: "INSERT INTO applied (event_id, title) VALUES (?, ?)",
                       arguments: [event.id.uuidString, submitted.draft.title])
    }

    func appliedTitles() throws -> [String] {
        try consumerDB.writer.read { try String.fetchAll($0, sql: "SELECT title FROM applied ORDER BY n") }
    }

    func appliedCount() throws -> Int {
        try consumerDB.writer.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM applied") ?? 0 }
    }

    /// Waits until `condition` holds, at most `seconds`.
    func waitUntil(seconds: Double = 20, _ condition: () throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try condition()
    }
}

