import Dispatch
import Hummingbird
import Prometheus
import Synchronization

/// Every request counted and timed, measured when the handler has answered rather than after the body is written,
/// straight into the service's Prometheus registry with a `HELP` line each, named as Prometheus' conventions ask
/// (`promtool check metrics` is clean; `make test` runs it):
///
/// - `hb_requests_total{http_route, http_request_method, http_response_status_code}`: requests answered, errors included;
/// - `hb_request_errors_total{http_route, http_request_method, error_type}`: requests that ended in an error, by status;
/// - `http_server_request_duration_seconds{…same labels as hb_requests_total}`: latency, a histogram, every answer
///   (404s and other errors too);
/// - `http_server_active_requests{http_request_method}`: requests in flight.
///
/// These are Hummingbird's `MetricsMiddleware` metrics (`hb.requests`, `hb.request.errors`,
/// `http.server.request.duration`, `http.server.active_requests`) with Prometheus' suffixes. Hummingbird's middleware
/// wraps each response body in a closure to time its writing; a one-buffer body then goes out as two writes (head,
/// then body). On `POST /v1/cases` that and its per-request bookkeeping were about a tenth of intake's throughput
/// (docs/PERFORMANCE.md). Duban's answers are small buffers written at once, so the time to the answer is the latency.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    private let metrics: RequestMetrics

    init(registry: PrometheusCollectorRegistry = MetricsEndpoint.registry) {
        metrics = RequestMetrics(registry: registry)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let active = metrics.active(request.method)
        active.increment()
        defer { active.decrement() }
        do {
            let response = try await next(request, context)
            let endpoint = metrics.endpoint(.init(route: context.endpointPath ?? "Unknown", method: request.method, status: response.status))
            endpoint.requests.increment()
            endpoint.duration.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start))
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            let id = RequestMetrics.Endpoint(route: context.endpointPath ?? "NotFound", method: request.method, status: status)
            let endpoint = metrics.endpoint(id)
            endpoint.requests.increment()
            endpoint.duration.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start))
            metrics.errors(id).increment()
            throw error
        }
    }
}

/// The metric handles, made once per method, and once per route, method and status.
final class RequestMetrics: Sendable {
    struct Endpoint: Hashable, Sendable {
        var route: String
        var method: HTTPRequest.Method
        var status: HTTPResponse.Status
    }

    struct EndpointMetrics: Sendable {
        let requests: Counter
        let duration: DurationHistogram
    }

    /// Latency buckets, 1 ms to 10 s: Duban's answers take a few milliseconds; a page over a million cases, seconds.
    static let buckets: [Duration] = [.milliseconds(1), .microseconds(2_500), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                                      .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
                                      .milliseconds(2_500), .seconds(5), .seconds(10)]

    private let registry: PrometheusCollectorRegistry
    private let byMethod = Mutex<[HTTPRequest.Method: Gauge]>([:])
    private let byEndpoint = Mutex<[Endpoint: EndpointMetrics]>([:])
    private let errorsByEndpoint = Mutex<[Endpoint: Counter]>([:])

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    func active(_ method: HTTPRequest.Method) -> Gauge {
        byMethod.withLock { gauges in
            if let gauge = gauges[method] { return gauge }
            let gauge = registry.makeGauge(descriptor: .init(metricName: "http_server_active_requests", unitName: "",
                                                             helpText: "HTTP requests being handled now"),
                                           labels: [("http_request_method", method.rawValue)])
            gauges[method] = gauge
            return gauge
        }
    }

    func endpoint(_ id: Endpoint) -> EndpointMetrics {
        byEndpoint.withLock { all in
            if let metrics = all[id] { return metrics }
            let labels = Self.labels(id) + [("http_response_status_code", String(id.status.code))]
            let metrics = EndpointMetrics(
                requests: registry.makeCounter(descriptor: .init(metricName: "hb_requests", unitName: "total",
                                                                 helpText: "HTTP requests answered, by route, method and status"),
                                               labels: labels),
                duration: registry.makeDurationHistogram(descriptor: .init(metricName: "http_server_request_duration", unitName: "seconds",
                                                                           helpText: "Time from a request's arrival to its answer"),
                                                         labels: labels, buckets: Self.buckets))
            all[id] = metrics
            return metrics
        }
    }

    /// Made only when a request fails, so no series claims an error for a status that was a success.
    func errors(_ id: Endpoint) -> Counter {
        errorsByEndpoint.withLock { all in
            if let counter = all[id] { return counter }
            let counter = registry.makeCounter(descriptor: .init(metricName: "hb_request_errors", unitName: "total",
                                                                 helpText: "HTTP requests that ended in an error, by route, method and status"),
                                               labels: Self.labels(id) + [("error_type", String(id.status.code))])
            all[id] = counter
            return counter
        }
    }

    private static func labels(_ id: Endpoint) -> [(String, String)] {
        [("http_route", id.route), ("http_request_method", id.method.rawValue)]
    }
}
