import Foundation
import Metrics
import Prometheus

/// `GET /metrics` on every service, in Prometheus' text format: the same truths as `/health`, as numbers a monitoring
/// system can graph and alert on. Values are read at scrape time, so a restarted service reports at once.
///
/// - `duban_up{service}` 1 while the service answers
/// - `duban_last_event_seq{service}`: the newest event in the service's log
/// - `duban_backlog_events{service,consumer}`, `duban_oldest_unacknowledged_seconds{service,consumer}`: delivery
/// - `duban_dead_letters{service}`: events set aside and not yet replayed
/// - `duban_refused_peers{service}`: handshakes refused since start (plaintext, unlisted key)
/// - `duban_<service>_<detail>{service}`: the service's own figures from `/health` (e.g. `duban_intake_cases`,
///   `duban_escalation_open_cases`, `duban_escalation_webhook_dead`, reporting's `duban_reporting_cases_<status>`)
/// - request metrics through swift-metrics, under Hummingbird's names (`RequestMetricsMiddleware`):
///   `http_server_request_duration` (a histogram in seconds per endpoint, method and status: the request latency),
///   `hb_requests`, `hb_request_errors`, `http_server_active_requests`
struct MetricsEndpoint: Sendable {
    /// One registry per process, also behind swift-metrics, so what libraries measure appears beside Duban's own.
    /// (A global: swift-metrics can be bootstrapped once per process, and this initializer runs once.)
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    var registry: PrometheusCollectorRegistry { Self.registry }

    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    func render(_ report: HealthReport) -> String {
        let service = [("service", report.service)]
        registry.makeGauge(name: "duban_up", labels: service, help: "1 while the service answers").set(Int64(1))
        registry.makeGauge(name: "duban_last_event_seq", labels: service, help: "The newest event in the service's log")
            .set(report.lastEventSeq)
        for link in report.links {
            let labels = service + [("consumer", link.consumer)]
            registry.makeGauge(name: "duban_backlog_events", labels: labels, help: "Events the consumer has not acknowledged")
                .set(link.backlog)
            registry.makeGauge(name: "duban_oldest_unacknowledged_seconds", labels: labels,
                               help: "Age of the oldest unacknowledged event").set(link.oldestUnacknowledgedSeconds)
        }
        registry.makeGauge(name: "duban_dead_letters", labels: service, help: "Events set aside, not yet replayed")
            .set(Int64(report.deadLetters))
        registry.makeGauge(name: "duban_refused_peers", labels: service, help: "Handshakes refused since the service started")
            .set(Int64(report.refusedPeers))
        for (name, text) in report.details.sorted(by: { $0.key < $1.key }) {
            guard let value = Double(text) else { continue }
            registry.makeGauge(name: "duban_\(report.service)_\(Self.snakeCase(name))", labels: service,
                               help: "\(report.service)'s \(name), as in /health").set(value)
        }
        return registry.emitToString()
    }

    /// `openCases` → `open_cases`.
    static func snakeCase(_ name: String) -> String {
        var out = ""
        for character in name {
            if character.isUppercase {
                if !out.isEmpty { out.append("_") }
                out.append(contentsOf: character.lowercased())
            } else if character.isLetter || character.isNumber {
                out.append(character)
            } else {
                out.append("_")
            }
        }
        return out
    }
}
