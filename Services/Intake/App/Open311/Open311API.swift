import DubanModels
import DubanRuntime
import Foundation
import GRDB
import HTTPTypes
import Hummingbird

/// Open311 GeoReport v2 at `/open311/v2/…`, every resource in `.json` and `.xml` with the same content, plus the
/// `servicerequestupdates` extension (FixMyStreet's) so bureaus' own systems can push status changes.
/// Errors are the spec's: a list of `{code, description}` (HTTP status as code; the description starts with Duban's
/// stable error code), 400, 403 or 404.
struct Open311API: Sendable {
    static let basePath = "/open311/v2"
    /// What an operator runs on the intake host to make a client's key; the discovery document prints it.
    static let keyCommand = "intake keys create --name NAME --scope submit"

    let catalog: Open311Catalog
    let store: CaseStore
    let keys: APIKeys
    let maxBody: Int

    func register(on router: Router<DubanRequestContext>) {
        // The endpoint's own address, which discovery gives as its `url`: it opens, as the discovery document in JSON.
        router.get(RouterPath(Self.basePath)) { request, _ in
            render(discovery(request), status: .ok, format: .json)
        }
        router.get("\(Self.basePath)/{resource}") { request, context in
            try await respond(context, resource: "resource") { format, name in
                switch name {
                case "discovery": return discovery(request)
                case "services": return services()
                case "requests": return try await requests(query(request))
                case "servicerequestupdates": return try await updates(query(request))
                default: throw Open311Error(.notFound, "not_found", "no Open311 resource \(name)")
                }
            }
        }
        router.post("\(Self.basePath)/{resource}") { request, context in
            try await respond(context, resource: "resource") { format, name in
                let form = try await formBody(request)
                switch name {
                case "requests": return try await createRequest(form)
                case "servicerequestupdates": return try await createUpdate(form)
                default: throw Open311Error(.notFound, "not_found", "no Open311 resource \(name) to POST to")
                }
            }
        }
        for collection in ["services", "requests", "tokens"] {
            router.get("\(Self.basePath)/\(collection)/{item}") { request, context in
                try await respond(context, resource: "item") { format, id in
                    switch collection {
                    case "services": return try serviceDefinition(id)
                    case "requests": return try await requestByID(id)
                    default: return try await token(id)
                    }
                }
            }
        }
    }

    // MARK: Formats and errors

    /// Splits `name.json` / `name.xml`, runs the handler, and renders its document or its error in that format.
    private func respond(_ context: DubanRequestContext, resource parameter: String,
                         _ handler: (Open311Format, String) async throws -> Open311Document) async throws -> Response {
        let file = try context.parameters.require(parameter)
        guard let dot = file.lastIndex(of: "."), let format = Open311Format(rawValue: String(file[file.index(after: dot)...])) else {
            return render(Open311Error(.notFound, "unknown_format", "add .json or .xml to the resource").document, status: .notFound,
                          format: .xml)
        }
        do {
            return render(try await handler(format, String(file[..<dot])), status: .ok, format: format)
        } catch let error as Open311Error {
            return render(error.document, status: error.status, format: format)
        } catch let error as APIError {
            let status: HTTPResponse.Status = error.status == .notFound ? .notFound
                : (error.status == .unauthorized || error.status == .forbidden) ? .forbidden : .badRequest
            return render(Open311Error(status, error.code, error.message).document, status: status, format: format)
        }
    }

    private func render(_ document: Open311Document, status: HTTPResponse.Status, format: Open311Format) -> Response {
        Response(status: status, headers: [.contentType: format.contentType],
                 body: .init(byteBuffer: ByteBuffer(string: document.rendered(as: format))))
    }

    /// The query's parameters; an empty one counts as absent.
    private func query(_ request: Request) -> [String: String] {
        var parameters: [String: String] = [:]
        for (key, value) in request.uri.queryParameters where !value.isEmpty { parameters[String(key)] = String(value) }
        return parameters
    }

    private func formBody(_ request: Request) async throws -> [String: String] {
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
            throw Open311Error(.badRequest, "unsupported_media_type", "send application/x-www-form-urlencoded")
        }
        let data: Data
        do { data = Data(buffer: try await request.body.collect(upTo: maxBody)) } catch {
            throw Open311Error(.badRequest, "body_too_large", "the body is larger than \(maxBody) bytes")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Open311Error(.badRequest, "invalid_utf8", "the body is not valid UTF-8")
        }
        var form: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = String(parts[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding,
                  let value = (parts.count > 1 ? String(parts[1]) : "").replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
                throw Open311Error(.badRequest, "invalid_form", "the form has a malformed percent-encoding")
            }
            // An empty optional parameter counts as absent (GeoReport v2).
            if !value.isEmpty { form[key] = value }
        }
        return form
    }

    /// The form's `api_key`, live, with `scope` when one is needed (a bureau's scope is checked against the case later).
    private func authorize(_ form: [String: String], scope: String? = nil) async throws -> APIKeys.Key {
        guard let secret = form["api_key"] else { throw Open311Error(.forbidden, "api_key_required", "api_key is required") }
        guard let key = try await keys.lookup(secret: secret) else {
            throw Open311Error(.forbidden, "api_key_invalid", "api_key is not valid or was revoked")
        }
        if let scope, !key.scopes.contains(scope) {
            throw Open311Error(.forbidden, "scope_required", "key '\(key.name)' lacks the '\(scope)' scope")
        }
        return key
    }

    // MARK: Resources

    private func discovery(_ request: Request) -> Open311Document {
        let host = request.head.authority ?? "localhost"
        let endpoint: Open311Value = .object([
            ("specification", .text("http://wiki.open311.org/GeoReport_v2")),
            ("url", .text("http://\(host)\(Self.basePath)")),
            ("changeset", .text("2026-11-28T00:00:00Z")),
            ("type", .text("production")),
            ("formats", .list(item: "format", [.text("application/json"), .text("text/xml")])),
        ])
        return Open311Document(root: "discovery", value: .object([
            ("changeset", .text("2026-11-28T00:00:00Z")),
            ("contact", .text("Duban intake — the bureau responsible answers through its own key")),
            // The command must run exactly as printed (an end-to-end test runs it): `--name` is required.
            ("key_service", .text("向本系统运维人员申请 API 密钥 (ask the operator of this Duban for a key): "
                                  + Self.keyCommand)),
            ("endpoints", .list(item: "endpoint", [endpoint])),
        ]))
    }

    private func services() -> Open311Document {
        Open311Document(root: "services", value: .list(item: "service", catalog.services.map { service in
            .object([
                ("service_code", .text(service.code)),
                ("service_name", .text(service.name)),
                ("description", .text(service.nameEnglish.map { "\(service.name) (\($0))" } ?? service.name)),
                ("metadata", .bool(false)),
                ("type", .text("realtime")),
                ("keywords", .text(service.keywords.joined(separator: ","))),
                ("group", .text(service.category)),
            ])
        }))
    }

    private func serviceDefinition(_ code: String) throws -> Open311Document {
        guard catalog.service(code: code) != nil else {
            throw Open311Error(.notFound, "service_code_unknown", "no service with code \(code)")
        }
        return Open311Document(root: "service_definition", value: .object([
            ("service_code", .text(code)), ("attributes", .list(item: "attribute", [])),
        ]))
    }

    private func token(_ token: String) async throws -> Open311Document {
        // Requests are realtime (the id comes back at once), so a token is the request's id.
        guard try await store.open311Requests(ids: [token], in: catalog).first != nil else {
            throw Open311Error(.notFound, "token_unknown", "no request for token \(token)")
        }
        return Open311Document(root: "service_requests", value: .list(item: "request", [
            .object([("service_request_id", .text(token)), ("token", .text(token))]),
        ]))
    }

    private func requestByID(_ id: String) async throws -> Open311Document {
        guard let found = try await store.open311Requests(ids: [id], in: catalog).first else {
            throw Open311Error(.notFound, "request_not_found", "no service request \(id)")
        }
        return Open311Document(root: "service_requests", value: .list(item: "request", [found.value]))
    }

    private func requests(_ query: [String: String]) async throws -> Open311Document {
        if let ids = query["service_request_id"], !ids.isEmpty {
            let list = ids.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            return Open311Document(root: "service_requests", value: .list(item: "request",
                try await store.open311Requests(ids: list, in: catalog).map(\.value)))
        }
        var filter = CaseStore.Open311Filter()
        filter.serviceCodes = query["service_code"].map { $0.split(separator: ",").map(String.init) }.flatMap { $0.isEmpty ? nil : $0 }
        if let codes = filter.serviceCodes, let unknown = codes.first(where: { catalog.service(code: $0) == nil }) {
            throw Open311Error(.badRequest, "service_code_unknown", "no service with code \(unknown)")
        }
        if let status = query["status"], !status.isEmpty {
            let statuses = Set(status.split(separator: ",").map(String.init))
            guard statuses.isSubset(of: ["open", "closed"]) else {
                throw Open311Error(.badRequest, "invalid_status", "status is open, closed, or both separated by a comma")
            }
            filter.statuses = statuses
        }
        let (start, end) = try period(query)
        filter.start = start
        filter.end = end
        return Open311Document(root: "service_requests", value: .list(item: "request",
            try await store.open311Requests(filter, in: catalog).map(\.value)))
    }

    /// `start_date` / `end_date`: ISO 8601 with a time zone; by default the 90 days up to now (the spec's window).
    private func period(_ query: [String: String]) throws -> (Date, Date) {
        func date(_ name: String) throws -> Date? {
            guard let text = query[name], !text.isEmpty else { return nil }
            guard let value = Open311Time.parse(text) else {
                throw Open311Error(.badRequest, "invalid_\(name)", "\(name) is ISO 8601 with a time zone, e.g. 2026-11-01T00:00:00+08:00")
            }
            return value
        }
        let end = try date("end_date") ?? store.clock.now()
        let start = try date("start_date") ?? end.addingTimeInterval(-90 * 86_400)
        guard start <= end else { throw Open311Error(.badRequest, "invalid_period", "start_date is after end_date") }
        return (start, end)
    }

    private func createRequest(_ form: [String: String]) async throws -> Open311Document {
        let key = try await authorize(form, scope: "submit")
        let draft = try Open311Submission.draft(form, catalog: catalog)
        let submitted = try await store.submit(draft.draft, idempotencyKey: nil, requestHash: "",
                                               open311: .init(serviceCode: draft.serviceCode, mediaURL: form["media_url"],
                                                              addressID: form["address_id"], source: key.name), actor: key.name)
        return Open311Document(root: "service_requests", value: .list(item: "request", [
            .object([("service_request_id", .text(submitted.id.rawValue)),
                     ("service_notice", .text("已受理，将按职责转交责任单位办理")),
                     ("account_id", .text(form["account_id"]))]),
        ]))
    }

    private func updates(_ query: [String: String]) async throws -> Open311Document {
        let (start, end) = try period(query)
        // One root for the extension's lists, GET and POST alike: `service_request_updates`, as its users read it.
        return Open311Document(root: "service_request_updates", value: .list(item: "request_update",
            try await store.open311Updates(from: start, to: end).map(\.value)))
    }

    private func createUpdate(_ form: [String: String]) async throws -> Open311Document {
        let key = try await authorize(form)
        guard let caseID = form["service_request_id"] else {
            throw Open311Error(.badRequest, "service_request_id_required", "service_request_id is required")
        }
        // Bureaus' systems send the extension's values in any case (`IN_PROGRESS`); its vocabulary is lowercase.
        guard let status = form["status"]?.trimmingCharacters(in: .whitespaces).lowercased(), !status.isEmpty else {
            throw Open311Error(.badRequest, "status_required", "status is required")
        }
        var reportedAt: Date?
        if let text = form["updated_datetime"] {
            guard let date = Open311Time.parse(text.trimmingCharacters(in: .whitespaces)) else {
                throw Open311Error(.badRequest, "invalid_updated_datetime",
                                   "updated_datetime is ISO 8601 with a time zone, e.g. 2026-11-28T10:00:00+08:00")
            }
            reportedAt = date
        }
        let description: String?
        do { description = try CaseUpdateRequest.validNote(form["description"]) } catch let error as APIError {
            // The note's rule, under Open311's name for the field.
            throw Open311Error(.badRequest, error.code.replacingOccurrences(of: "note", with: "description"),
                               error.message.replacingOccurrences(of: "note", with: "description"))
        }
        let updateID = try await store.open311Update(CaseID(rawValue: caseID), status: status, note: description,
                                                     externalID: form["update_id"], reportedAt: reportedAt, key: key)
        return Open311Document(root: "service_request_updates", value: .list(item: "request_update", [
            .object([("update_id", .text(String(updateID)))]),
        ]))
    }
}

struct Open311Error: Error {
    var status: HTTPResponse.Status
    var code: String
    var message: String

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    var document: Open311Document {
        Open311Document(root: "errors", value: .list(item: "error", [
            .object([("code", .number(Double(status.code))), ("description", .text("\(code): \(message)"))]),
        ]))
    }
}

/// Open311 times: ISO 8601 with a time zone; Duban writes them in China Standard Time (+08:00).
enum Open311Time {
    static func format(_ date: Date) -> String {
        // China keeps +08:00 all year; the W3C profile of ISO 8601 that Open311 asks for writes the offset with a colon.
        let parts = ChinaTime.calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d+08:00", parts.year!, parts.month!, parts.day!, parts.hour!,
                      parts.minute!, parts.second!)
    }


    static func parse(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle().parse(text)) ?? (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
    }
}
