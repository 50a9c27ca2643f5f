import Configuration
import SystemPackage
import Foundation
import Logging

/// What every service reads from configuration: a YAML file (`--config`), then environment variables, then
/// command-line flags, each overriding the one before. Keys below, with their environment and flag spellings.
public struct ServiceSettings: Sendable {
    /// `http.host` (`HTTP_HOST`, `--http-host`): address the HTTP server listens on. Default `127.0.0.1`.
    public var httpHost: String
    /// `http.port` (`HTTP_PORT`, `--http-port`): HTTP port; 0 picks a free one. Default: the service's own (8080–8083).
    public var httpPort: Int
    /// `data.dir` (`DATA_DIR`, `--data-dir`): where the service keeps its SQLite database. Default `var/<service>`.
    public var dataDirectory: String
    /// `events.bind` (`EVENTS_BIND`, `--events-bind`): where this service's ROUTER receives events, for services that
    /// consume them. Default `tcp://127.0.0.1:<557x>`.
    public var eventsBind: String?
    /// `peers.<name>.endpoint` (`PEERS_ROUTING_ENDPOINT`, `--peers-routing-endpoint`): where to deliver events to each
    /// consumer of this service.
    public var peers: [String: String]
    /// `keys.dir` (`KEYS_DIR`, `--keys-dir`): CURVE keys made by `duban keygen`. Default `deploy/keys`.
    public var keysDirectory: String
    /// `security.plaintext` (`SECURITY_PLAINTEXT`): set `true` to run links without CURVE (local experiments only;
    /// logged loudly). Default `false`.
    public var plaintext: Bool
    /// `log.level` (`LOG_LEVEL`, `--log-level`): trace, debug, info, notice, warning, error, critical. Default `info`.
    public var logLevel: Logger.Level
    /// `public.url` (`PUBLIC_URL`): base URL people use to reach this deployment's reporting pages, for links in
    /// notices (a trailing slash is dropped). Default `http://127.0.0.1:8083`.
    public var publicURL: String
    /// `testing.time-control` (`TESTING_TIME_CONTROL`, `--testing-time-control`): let tests set the service's clock
    /// through `POST /test/time`. Default `false`; never enable it in production.
    public var timeControl: Bool
    /// The whole reader, for settings a single service adds.
    public let reader: ConfigReader

    public init(service: ServiceDescriptor, reader: ConfigReader) {
        self.reader = reader
        httpHost = reader.string(forKey: "http.host", default: "127.0.0.1")
        httpPort = reader.int(forKey: "http.port", default: service.defaultHTTPPort)
        dataDirectory = reader.string(forKey: "data.dir", default: "var/\(service.name)")
        eventsBind = service.defaultEventsPort.map { port in
            reader.string(forKey: "events.bind", default: "tcp://127.0.0.1:\(port)")
        }
        var peers: [String: String] = [:]
        for peer in service.consumers {
            let port = ServiceDescriptor.all.first { $0.name == peer }?.defaultEventsPort ?? 0
            peers[peer] = reader.string(forKey: ConfigKey("peers.\(peer).endpoint"), default: "tcp://127.0.0.1:\(port)")
        }
        self.peers = peers
        keysDirectory = reader.string(forKey: "keys.dir", default: "deploy/keys")
        plaintext = reader.bool(forKey: "security.plaintext", default: false)
        logLevel = Logger.Level(rawValue: reader.string(forKey: "log.level", default: "info")) ?? .info
        // Links are written as publicURL + "/dashboard/…": a trailing slash would make "//dashboard", which no route answers.
        var publicURL = reader.string(forKey: "public.url", default: "http://127.0.0.1:8083")
        while publicURL.hasSuffix("/") { publicURL.removeLast() }
        self.publicURL = publicURL
        timeControl = reader.bool(forKey: "testing.time-control", default: false)
    }

    /// Reads the providers in order of precedence: flags, environment, then the optional YAML file.
    public static func load(service: ServiceDescriptor, arguments: [String], configFile: String?) async throws -> ServiceSettings {
        var providers: [any ConfigProvider] = [
            CommandLineArgumentsProvider(arguments: [service.name] + arguments),
            EnvironmentVariablesProvider(),
        ]
        if let configFile {
            providers.append(try await FileProvider<YAMLSnapshot>(filePath: FilePath(configFile)))
        }
        return ServiceSettings(service: service, reader: ConfigReader(providers: providers))
    }
}
