import Dispatch
import Hummingbird
import Metrics
import Synchronization

/// Every request counted and timed, under the names and labels Hummingbird's `MetricsMiddleware` uses
/// (`hb.requests`, `hb.request.errors`, `http.server.request.duration`, `http.server.active_requests`), but measured
/// when the handler has answered rather than after the body is written.
///
/// Hummingbird's middleware wraps each response body in a closure to time its writing; a body that is one buffer then
/// goes out as two writes (head, then body) instead of one. On `POST /v1/cases` that and its per-request bookkeeping
/// were about a tenth of intake's throughput (docs/PERFORMANCE.md). Duban's answers are small buffers written at once,
/// so the time to the answer is the request's latency.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    private let metrics = RequestMetrics()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let active = metrics.active(request.method)
        active.increment()
        defer { active.decrement() }
        do {
            let response = try await next(request, context)
            let endpoint = metrics.endpoint(.init(route: context.endpointPath ?? "Unknown", method: request.method, status: response.status))
            endpoint.requests.increment()
            endpoint.duration.recordNanoseconds(DispatchTime.now().uptimeNanoseconds - start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            let endpoint = metrics.endpoint(.init(route: context.endpointPath ?? "NotFound", method: request.method, status: status))
            endpoint.requests.increment()
            endpoint.errors.increment()
            throw error
        }
    }
}

/// The metric handles, made once per method and once per route, method and status.
final class RequestMetrics: Sendable {
    struct Endpoint: Hashable, Sendable {
        var route: String
        var method: HTTPRequest.Method
        var status: HTTPResponse.Status
    }

    struct EndpointMetrics: Sendable {
        let requests: Counter
        let errors: Counter
        let duration: Timer

        init(_ id: Endpoint) {
            let labels = [("http.route", id.route), ("http.request.method", id.method.rawValue)]
            let status = String(id.status.code)
            let withStatus = labels + [("http.response.status_code", status)]
            requests = Counter(label: "hb.requests", dimensions: withStatus)
            errors = Counter(label: "hb.request.errors", dimensions: labels + [("error.type", status)])
            duration = Timer(label: "http.server.request.duration", dimensions: withStatus, preferredDisplayUnit: .seconds)
        }
    }

    private let byMethod = Mutex<[HTTPRequest.Method: Meter]>([:])
    private let byEndpoint = Mutex<[Endpoint: EndpointMetrics]>([:])

    func active(_ method: HTTPRequest.Method) -> Meter {
        byMethod.withLock { meters in
            if let meter = meters[method] { return meter }
            let meter = Meter(label: "http.server.active_requests", dimensions: [("http.request.method", method.rawValue)])
            meters[method] = meter
            return meter
        }
    }

    func endpoint(_ id: Endpoint) -> EndpointMetrics {
        byEndpoint.withLock { all in
            if let metrics = all[id] { return metrics }
            let metrics = EndpointMetrics(id)
            all[id] = metrics
            return metrics
        }
    }
}
