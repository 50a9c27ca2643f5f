import DubanMessaging
import DubanStorage
import Foundation
import GRDB
import Hummingbird
import Logging
import ServiceLifecycle
import ZeroMQ

/// Builds a runnable service: storage, messaging links, HTTP server with `/health`, and the service's own parts.
/// The entry point calls it once; tests call it as often as they like.
public enum ServiceApplication {
    public static func build<S: DubanService>(
        _ service: S.Type, settings: ServiceSettings, clock: WallClock = .system, logger: Logger
    ) async throws -> some ApplicationProtocol {
        let descriptor = S.descriptor
        let opened = try await open(service, settings: settings, clock: clock, logger: logger)
        let clock = opened.context.clock
        let parts = try await S.build(opened.context)
        let relays = settings.peers.sorted { $0.key < $1.key }.map { consumer, endpoint in
            EventRelay(log: opened.context.events, consumer: consumer, endpoint: endpoint,
                       database: opened.context.database.writer, context: opened.context.zmq,
                       security: opened.context.security, logger: logger)
        }
        var services: [any Service] = opened.authenticator.map { [$0] } ?? []
        services += relays as [any Service]
        var listener: EventListener?
        if let handler = parts.onEvent, let bind = settings.eventsBind {
            listener = EventListener(service: descriptor.name, endpoint: bind, database: opened.context.database.writer,
                                     context: opened.context.zmq, security: opened.context.security,
                                     logger: logger, handler: handler)
            services.append(listener!)
        }
        let refusedPeers: @Sendable () -> Int = { [listener] in listener?.refusedHandshakes ?? 0 }
        services += parts.services

        let router = Router(context: DubanRequestContext.self)
        let management = try ManagementAccess(settings: settings)
        _ = MetricsEndpoint.registry  // swift-metrics goes to Prometheus before the first request is measured
        router.add(middleware: RequestMetricsMiddleware())
        let database = opened.context.database
        // /health and /metrics tell the same truths, measured the same way.
        let measure: @Sendable () async throws -> HealthReport = {
            try await HealthReport.measure(service: descriptor.name, database: database, relays: relays,
                                           refusedPeers: refusedPeers(), details: try await parts.health(), now: clock.now())
        }
        router.get("/health") { request, context -> Response in
            let report = try await measure()
            guard management.admits(request, from: context.remoteAddress) else {
                // Up or not, to anyone; what is inside, to operators only.
                return try JSONResponse(["service": report.service, "status": report.status]).response(from: request, context: context)
            }
            return try JSONResponse(report).response(from: request, context: context)
        }
        let metrics = MetricsEndpoint()
        router.get("/metrics") { request, context -> Response in
            guard management.admits(request, from: context.remoteAddress) else {
                throw APIError(.forbidden, code: "management_only",
                               "metrics answer a management address (management.allow) or the management token")
            }
            return Response(status: .ok, headers: [.contentType: MetricsEndpoint.contentType],
                     body: .init(byteBuffer: ByteBuffer(string: metrics.render(try await measure()))))
        }
        parts.routes(router)
        return Application(
            router: router,
            configuration: .init(address: .hostname(settings.httpHost, port: settings.httpPort), serverName: descriptor.name),
            services: services,
            logger: logger
        )
    }

    /// Opens (and migrates) the service's own database.
    public static func openDatabase<S: DubanService>(_ service: S.Type, settings: ServiceSettings) throws -> ServiceDatabase {
        var migrator = DatabaseMigrator()
        EventStoreSchema.register(in: &migrator)
        S.registerMigrations(in: &migrator)
        return try ServiceDatabase(directory: settings.dataDirectory, name: S.descriptor.name, migrator: migrator)
    }

    /// Opens what a service needs before it builds: its database, a ZeroMQ context, its keys and ZAP handler.
    static func open<S: DubanService>(
        _ service: S.Type, settings: ServiceSettings, clock: WallClock, logger: Logger, authenticate: Bool = true
    ) async throws -> (context: ServiceBuildContext, authenticator: ZAPAuthenticator?) {
        let name = S.descriptor.name
        let database = try openDatabase(S.self, settings: settings)
        let zmq = try ZMQContext()
        let security: LinkSecurity
        // Running whenever the service serves: the links' domain needs it, and so do client sockets on CURVE
        // (the ingress, the notice sockets), also when the links are plaintext.
        let authenticator = authenticate ? try ZAPAuthenticator(context: zmq, logger: logger) : nil
        if settings.plaintext {
            logger.warning("SECURITY: inter-service links run WITHOUT encryption or authentication (security.plaintext)")
            security = .plaintext
        } else {
            let ring = try KeyRing.load(service: name, directory: settings.keysDirectory)
            security = .curve(ring)
            authenticator?.admitServices(ring)
        }
        await authenticator?.start()
        var manualTime: ManualTime?
        var clock = clock
        if settings.timeControl {
            logger.warning("TESTING: time control is on; POST /test/time moves this service's clock")
            manualTime = ManualTime(start: clock.now())
            clock = manualTime!.clock
        }
        let context = ServiceBuildContext(settings: settings, database: database, events: EventLog(producer: name),
                                          clock: clock, manualTime: manualTime, zmq: zmq, security: security,
                                          authenticator: authenticator, logger: logger)
        return (context, authenticator)
    }
}
