import ArgumentParser
import DubanMessaging
import DubanStorage
import GRDB
import Hummingbird
import Logging
import ServiceLifecycle
import ZeroMQ

/// What a service adds to the common runtime: its tables, its routes, how it applies events, its own workers.
public protocol DubanService {
    static var descriptor: ServiceDescriptor { get }
    /// The service's own migrations; the messaging tables are added by the runtime.
    static func registerMigrations(in migrator: inout DatabaseMigrator)
    /// Wires the service: called once per process (and once per test that builds it).
    static func build(_ context: ServiceBuildContext) async throws -> ServiceParts
    /// Administrative subcommands of the service's executable besides `serve` and `dead-letters`.
    static var commands: [any ParsableCommand.Type] { get }
}

extension DubanService {
    public static var commands: [any ParsableCommand.Type] { [] }
}

/// Everything the runtime has opened for a service when it builds.
public struct ServiceBuildContext: Sendable {
    public let settings: ServiceSettings
    public let database: ServiceDatabase
    /// This service's outgoing events: append inside the transaction that makes the change.
    public let events: EventLog
    public let clock: WallClock
    /// Set only when `testing.time-control` is on: the hand-moved clock behind `clock`.
    public let manualTime: ManualTime?
    public let zmq: ZMQContext
    public let security: LinkSecurity
    /// The context's ZAP handler, for a service that adds a domain for its client sockets
    /// (``clientSecurity(plaintextSetting:endpoints:admit:)``); nil in commands, which serve nothing.
    public let authenticator: ZAPAuthenticator?
    public let logger: Logger
}

/// A service's own contributions.
public struct ServiceParts: Sendable {
    /// Adds the service's HTTP routes.
    public var routes: @Sendable (Router<DubanRequestContext>) -> Void
    /// Applies an incoming event inside the listener's transaction; `nil` for services that consume none.
    public var onEvent: EventListener.Handler?
    /// Long-running workers besides the HTTP server and the messaging links.
    public var services: [any Service]
    /// Facts the service adds to `GET /health`.
    public var health: @Sendable () async throws -> [String: String]

    public init(routes: @escaping @Sendable (Router<DubanRequestContext>) -> Void = { _ in },
                onEvent: EventListener.Handler? = nil,
                services: [any Service] = [],
                health: @escaping @Sendable () async throws -> [String: String] = { [:] }) {
        self.routes = routes
        self.onEvent = onEvent
        self.services = services
        self.health = health
    }
}
