import ArgumentParser
import DubanIdentity
import DubanMessaging
import DubanModels
import DubanRuntime
import Foundation
import GRDB
import Hummingbird
import Logging
import ServiceLifecycle

/// Escalation: keeps every routed case's clock, warns before deadlines, escalates what is overdue up a chain, sends
/// each bureau its weekly supervision list (每周督办), and publishes every notice for downstream tools.
public enum Escalation: DubanService {
    public static let descriptor = ServiceDescriptor.escalation
    public static var commands: [any ParsableCommand.Type] { [WebhooksCommand.self] }

    public static func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("escalation-v1") { db in
            try db.create(table: "case_clock") { t in
                t.column("case_id", .text).primaryKey()
                t.column("bureau", .text).notNull().indexed()
                t.column("deadline", .double).notNull().indexed()
                t.column("open", .boolean).notNull()
                t.column("tracked_at", .double).notNull()
            }
        }
        migrator.registerMigration("escalation-v2-notices") { db in
            try db.alter(table: "case_clock") { t in
                t.add(column: "title", .text)
                t.add(column: "bureau_name", .text)
                t.add(column: "category", .text)
                t.add(column: "city_level", .boolean).notNull().defaults(to: false)
            }
            // Titles can arrive before the routing decision (different producers): kept until the clock starts.
            try db.create(table: "case_title") { t in
                t.column("case_id", .text).primaryKey()
                t.column("title", .text).notNull()
            }
            try db.create(table: "notice") { t in
                t.column("seq", .integer).primaryKey(autoincrement: true)
                t.column("id", .text).notNull().unique()
                t.column("kind", .text).notNull()
                t.column("topic", .text).notNull()
                t.column("recipient", .text).notNull().indexed()
                t.column("case_id", .text).indexed()
                t.column("bureau", .text)
                t.column("level", .integer)
                t.column("title", .text).notNull()
                t.column("text", .text).notNull()
                t.column("created_at", .double).notNull()
            }
            try db.create(table: "notice_cursor") { t in
                t.column("id", .integer).primaryKey()
                t.column("published_seq", .integer).notNull()
            }
        }
        WebhookDelivery.registerMigrations(in: &migrator)
        migrator.registerMigration("escalation-v4-clock-states") { db in
            try db.alter(table: "case_clock") { t in
                t.add(column: "state", .text).notNull().defaults(to: ClockState.assigned.rawValue)
                t.add(column: "stopped_at", .double)
            }
            try db.create(table: "clock_transition") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("event_id", .text).notNull().unique()
                t.column("caused_by", .text).indexed()
                t.column("case_id", .text).notNull().indexed()
                t.column("state", .text).notNull()
                t.column("deadline", .double)
                t.column("at", .double).notNull()
            }
        }
        migrator.registerMigration("escalation-v5-notice-links") { db in
            try db.alter(table: "notice") { t in t.add(column: "link", .text) }
        }
        migrator.registerMigration("escalation-v6-supervision-start") { db in
            // When supervision began here: a weekly slot before it belongs to no one's week (see Supervisor.sweep).
            // A deployment that has sent notices already began with its first one.
            try db.create(table: "supervision_start") { t in
                t.column("id", .integer).primaryKey()
                t.column("started_at", .double).notNull()
            }
            try db.execute(sql: "INSERT INTO supervision_start (id, started_at) SELECT 1, MIN(created_at) FROM notice HAVING COUNT(*) > 0")
        }
        WebhookDelivery.registerRobotMigrations(in: &migrator)
    }

    public static func build(_ context: ServiceBuildContext) async throws -> ServiceParts {
        let reader = context.settings.reader
        let configDirectory = reader.string(forKey: "escalation.config-dir", default: reader.string(forKey: "routing.config-dir", default: "deploy/config"))
        let policy = try EscalationPolicy.load(path: (configDirectory as NSString).appendingPathComponent("escalation.yaml"))
        let calendar = try CalendarFile.load(path: (configDirectory as NSString).appendingPathComponent("calendar.yaml"))
        let supervisor = Supervisor(policy: policy, calendar: calendar, publicURL: context.settings.publicURL)
        let database = context.database.writer
        let clock = context.clock
        let noticesBind = reader.string(forKey: "notices.bind", default: "tcp://127.0.0.1:5580")
        let replayBind = reader.string(forKey: "notices.replay-bind", default: "tcp://127.0.0.1:5581")
        // `notices.plaintext` as `ingress.plaintext` (ServiceBuildContext.clientSecurity); with CURVE the subscribers are
        // those of `notices.clients-file` (NoticeClients).
        let noticeClients = LockedBox<NoticeClients>()
        let noticeSecurity = try context.clientSecurity(plaintextSetting: "notices.plaintext", endpoints: [noticesBind, replayBind],
                                                        what: "the notice PUB and replay sockets") { publicKey in
            noticeClients.value?.name(forKey: publicKey)
        }
        if !noticeSecurity.isPlaintext {
            noticeClients.value = try NoticeClients(path: reader.string(forKey: "notices.clients-file"), logger: context.logger)
        }
        let publisher = try NoticePublisher(endpoint: noticesBind, replayEndpoint: replayBind, security: noticeSecurity,
                                            clients: noticeClients.value, database: database, context: context.zmq, logger: context.logger)
        let sweep: @Sendable () async throws -> [Notice] = {
            let now = clock.now()
            let created = try await database.write { try supervisor.sweep(at: now, in: $0) }
            if !created.isEmpty { publisher.wake() }
            return created
        }
        let sweeper = Sweeper(interval: .seconds(reader.int(forKey: "escalation.sweep-seconds", default: 60)), sweep: sweep,
                              logger: context.logger)
        let webhooks = WebhookDelivery(targets: policy.webhooks ?? [], retrySeconds: policy.webhookRetrySeconds,
                                       concurrency: policy.webhookConcurrency ?? 16,
                                       database: database, logger: context.logger)  // real time, never the business clock
        let manualTime = context.manualTime
        let events = context.events
        // `intake.url`: where intake answers for people's sessions and API keys (DubanIdentity).
        let (gate, revocationFeed) = RemoteIdentity.gate(intakeURL: reader.string(forKey: "intake.url", default: "http://127.0.0.1:8080"),
                                                         acceptsCookie: false, logger: context.logger)
        return ServiceParts(
            routes: { router in
                router.add(middleware: AccessMiddleware(gate: gate, secureCookies: false, isPublic: { $0 == "/test/time" }))
                router.get("/v1/clocks/{id}") { _, request -> JSONResponse<CaseClock> in
                    let reader = try request.caseReader()
                    let id = try request.parameters.require("id")
                    guard let clock = try await database.read({ try CaseClock.fetch(id, in: $0) }), reader.mayRead(bureau: clock.bureau) else {
                        throw APIError.notFound("case_not_found", "escalation tracks no case \(id)")
                    }
                    return JSONResponse(clock)
                }
                router.get("/v1/notices") { request, context -> JSONResponse<[Notice]> in
                    // The notice stream names every bureau's cases: for those who read all of them.
                    _ = try context.allCasesReader()
                    let query = request.uri.queryParameters
                    guard let after = Int64(query["after"].map(String.init) ?? "0"), after >= 0,
                          let limit = Int(query["limit"].map(String.init) ?? "500"), (1...1_000).contains(limit) else {
                        throw APIError.badRequest("invalid_position", "after is a notice seq (0 or more), limit 1 to 1,000")
                    }
                    return JSONResponse(try await database.read { try Supervisor.fetch(after: after, limit: limit, in: $0) })
                }
                router.post("/test/time") { request, _ -> JSONResponse<[Notice]> in
                    guard let manualTime else {
                        throw APIError(.forbidden, code: "time_control_disabled", "this service runs on real time (testing.time-control is off)")
                    }
                    struct Body: Decodable { var now: Date }
                    let data = Data(buffer: try await request.body.collect(upTo: 1_024))
                    guard let body = try? DubanJSON.decoder().decode(Body.self, from: data) else {
                        throw APIError.badRequest("invalid_time", "send {\"now\": \"2026-10-08T09:00:00Z\"}")
                    }
                    manualTime.set(body.now)
                    return JSONResponse(try await sweep())
                }
            },
            onEvent: { db, event in
                try CaseClock.apply(event, events: events, clock: clock, in: db)
                if case .caseUpdated(let update) = event.payload, update.action == .instruct,
                   try supervisor.instruction(event, update, in: db) != nil {
                    // The listener commits after this returns: wake the publisher just after, so the notice leaves at once.
                    Task { try? await Task.sleep(for: .milliseconds(50)); publisher.wake() }
                }
            },
            services: [publisher, sweeper, webhooks, revocationFeed],
            health: {
                try await database.read { db in
                    ["openCases": String(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM case_clock WHERE open") ?? 0),
                     "notices": String(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM notice") ?? 0),
                     "webhookPending": String(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM webhook_delivery WHERE status = 'pending'") ?? 0),
                     "webhookDead": String(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM webhook_delivery WHERE status = 'dead'") ?? 0),
                     "webhookRateLimited": String(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM webhook_delivery WHERE status = 'pending' AND last_error LIKE 'rate limited:%'") ?? 0),
                     // Text, so /health only: why the latest delivery was given up (a robot's errcode and errmsg).
                     "webhookLastError": try String.fetchOne(db, sql: "SELECT target || ': ' || last_error FROM webhook_delivery WHERE status = 'dead' ORDER BY rowid DESC LIMIT 1") ?? ""]
                }
            }
        )
    }
}

/// Runs the sweep on a timer; every sweep is idempotent, so a late or repeated one does no harm.
struct Sweeper: Service {
    let interval: Duration
    let sweep: @Sendable () async throws -> [Notice]
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let created = try await sweep()
                if !created.isEmpty { logger.info("notices due", metadata: ["count": "\(created.count)"]) }
            } catch {
                logger.error("supervision sweep failed; it runs again next time", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}

