import DubanRuntime
import Foundation
import Testing
import Yams

/// docker-compose.yml must agree with what the executables read: service names, ports, environment keys, secrets.
@Suite struct ComposeFileTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Every environment variable the services read (ServiceSettings and the services' own keys).
    static let knownVariables: Set<String> = Set([
        "HTTP_HOST", "HTTP_PORT", "DATA_DIR", "EVENTS_BIND", "KEYS_DIR", "SECURITY_PLAINTEXT", "LOG_LEVEL", "PUBLIC_URL",
        "ROUTING_CONFIG_DIR", "INTAKE_MAX_BODY_BYTES", "NOTICES_BIND", "NOTICES_REPLAY_BIND", "INGRESS_BIND", "ESCALATION_CONFIG_DIR", "ESCALATION_SWEEP_SECONDS",
        "INTAKE_URL",
    ]).union(ServiceDescriptor.all.map { "PEERS_\($0.name.uppercased())_ENDPOINT" })

    static func compose() throws -> [String: Any] {
        let text = try String(contentsOf: repository.appendingPathComponent("docker-compose.yml"), encoding: .utf8)
        return try #require(try Yams.load(yaml: text) as? [String: Any])
    }

    @Test func servicesPortsAndEnvironmentMatchTheExecutables() throws {
        let services = try #require(try Self.compose()["services"] as? [String: [String: Any]])
        #expect(Set(services.keys) == Set(ServiceDescriptor.all.map(\.name)))
        for descriptor in ServiceDescriptor.all {
            let service = try #require(services[descriptor.name])
            #expect(service["command"] as? [String] == [descriptor.name])
            let environment = try #require(service["environment"] as? [String: Any])
            for key in environment.keys { #expect(Self.knownVariables.contains(key), "\(descriptor.name): unknown variable \(key)") }
            #expect(environment["HTTP_PORT"] as? String == String(descriptor.defaultHTTPPort))
            if descriptor.name == "reporting" {
                #expect(environment["INTAKE_URL"] as? String == "http://intake:\(ServiceDescriptor.intake.defaultHTTPPort)", "the workbench reaches intake")
            }
            #expect((service["ports"] as? [String])?.contains("\(descriptor.defaultHTTPPort):\(descriptor.defaultHTTPPort)") == true)
            if let eventsPort = descriptor.defaultEventsPort {
                #expect(environment["EVENTS_BIND"] as? String == "tcp://0.0.0.0:\(eventsPort)")
            } else {
                #expect(environment["EVENTS_BIND"] == nil)
            }
            let peers = environment.keys.filter { $0.hasPrefix("PEERS_") }
            #expect(Set(peers) == Set(descriptor.consumers.map { "PEERS_\($0.uppercased())_ENDPOINT" }))
            for consumer in descriptor.consumers {
                let port = try #require(ServiceDescriptor.all.first { $0.name == consumer }?.defaultEventsPort)
                #expect(environment["PEERS_\(consumer.uppercased())_ENDPOINT"] as? String == "tcp://\(consumer):\(port)")
            }
            let secrets = Set(service["secrets"] as? [String] ?? [])
            #expect(secrets == Set(["\(descriptor.name).key"] + ServiceDescriptor.all.map { "\($0.name).pub" }))
            #expect(service["healthcheck"] != nil)
        }
    }

    @Test func theDockerfileBuildsEveryExecutableAndRunsOnSlimDebianWithLibzmq() throws {
        let dockerfile = try String(contentsOf: Self.repository.appendingPathComponent("deploy/Dockerfile"), encoding: .utf8)
        #expect(dockerfile.contains("FROM swift:"))
        #expect(dockerfile.contains("FROM debian:bookworm-slim"))
        #expect(dockerfile.contains("libzmq5"))
        for descriptor in ServiceDescriptor.all { #expect(dockerfile.contains(descriptor.name)) }
        #expect(dockerfile.contains("KEYS_DIR=/run/secrets"))
        #expect(dockerfile.contains("ROUTING_CONFIG_DIR=/etc/duban/config"))
    }
}
