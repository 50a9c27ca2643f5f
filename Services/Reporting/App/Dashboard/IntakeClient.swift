import AsyncHTTPClient
import DubanModels
import Foundation
import NIOCore

/// The workbench's way into intake: intake owns keys and cases, so reporting asks it who a key is and passes on the
/// updates a bureau makes, with the bureau's own key, through intake's public API.
struct IntakeClient: Sendable {
    /// `intake.url` (`INTAKE_URL`): where reporting reaches intake's HTTP API.
    var baseURL: String

    struct Identity: Decodable, Sendable {
        var name: String
        var scopes: [String]

        var bureaus: [String] { scopes.filter { $0.hasPrefix("bureau:") }.map { String($0.dropFirst(7)) } }
    }

    struct Failure: Error {
        var code: String
        var message: String
    }

    /// The key's name and scopes, or nil when intake does not know the key (or it was revoked).
    func identity(key: String) async throws -> Identity? {
        var request = HTTPClientRequest(url: baseURL + "/v1/keys/self")
        request.headers.add(name: "Authorization", value: "Bearer " + key)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 64 * 1_024)
        if response.status.code == 401 { return nil }
        guard response.status.code == 200 else { throw Self.failure(body, status: Int(response.status.code)) }
        return try JSONDecoder().decode(Identity.self, from: Data(buffer: body))
    }

    /// `POST /v1/cases/{id}/updates` with the key; intake's error code and message when it refuses.
    struct Update: Encodable, Sendable {
        var action: String
        var note: String?
        var days: Int?
        var approved: Bool?
    }

    func update(caseID: String, key: String, _ update: Update) async throws {
        var request = HTTPClientRequest(url: baseURL + "/v1/cases/\(Self.pathSegment(caseID))/updates")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer " + key)
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(update)))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 64 * 1_024)
        guard (200..<300).contains(response.status.code) else { throw Self.failure(body, status: Int(response.status.code)) }
    }

    /// The submitter's contact, which only intake holds: intake answers it to the owning bureau's key (or a
    /// dispatcher's) and refuses everyone else, so the page shows what the key may see and nothing more.
    struct Contact: Decodable, Sendable {
        var name: String?
        var phone: String?
        var enterprise: String?
        /// Intake masked it: the reader sees every case but is not the owning bureau or a supervisor.
        var masked: Bool?
    }

    /// `GET /v1/cases/{id}/contact` with the key; nil when intake refuses (not the key's case) or has none.
    func contact(caseID: String, key: String) async throws -> Contact? {
        var request = HTTPClientRequest(url: baseURL + "/v1/cases/\(Self.pathSegment(caseID))/contact")
        request.headers.add(name: "Authorization", value: "Bearer " + key)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 64 * 1_024)
        guard response.status.code == 200 else { return nil }
        return try JSONDecoder().decode(Contact.self, from: Data(buffer: body))
    }

    /// Intake's import report (`POST /v1/imports`), as much of it as the page shows.
    struct ImportReport: Decodable, Sendable {
        struct Row: Decodable, Sendable {
            var row: Int
            var ref: String?
            var outcome: String
            var id: String?
            var code: String?
            var message: String?
        }
        var rows: Int
        var created: Int
        var duplicates: Int
        var failed: Int
        var skipped: Int?
        var encoding: String?
        var results: [Row]
    }

    /// Passes an uploaded file on to `POST /v1/imports` as it came (a multipart form or a bare CSV body, with its
    /// content type), with the signed-in key; intake's error code and message when it refuses the file.
    func importFile(key: String, contentType: String, body: ByteBuffer, session: String? = nil) async throws -> ImportReport {
        var request = HTTPClientRequest(url: baseURL + "/v1/imports" + Self.query(session.map { ["session": $0] } ?? [:]))
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer " + key)
        request.headers.add(name: "Content-Type", value: contentType)
        request.body = .bytes(body)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        let answer = try await response.body.collect(upTo: 16 * 1_024 * 1_024)
        guard response.status.code == 200 else { throw Self.failure(answer, status: Int(response.status.code)) }
        return try JSONDecoder().decode(ImportReport.self, from: Data(buffer: answer))
    }

    /// A JSON request to intake's API (a submission, the meetings and topics) with the person's token, answered with intake's decoded
    /// answer; intake's error code and message when it refuses.
    func forwardJSON<Answer: Decodable>(_ method: String, _ path: String, key: String, json: [String: Any],
                                        headers: [String: String] = [:]) async throws -> Answer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .RAW(value: method)
        request.headers.add(name: "Authorization", value: "Bearer " + key)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: json)))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 16 * 1_024 * 1_024)
        guard (200..<300).contains(response.status.code) else { throw Self.failure(body, status: Int(response.status.code)) }
        return try DubanJSON.decoder().decode(Answer.self, from: Data(buffer: body))
    }

    // MARK: People (intake owns identity: the pages pass what people type on, and the person's token)

    struct SignedIn: Decodable, Sendable {
        var token: String
        var stage: String
    }

    /// `POST /v1/sessions`; intake's code (`credentials_invalid`, `account_locked`, `totp_required`, …) when it refuses.
    func signIn(login: String, password: String, code: String?) async throws -> SignedIn {
        struct Body: Encodable { var login: String; var password: String; var code: String? }
        return try await send("POST", "/v1/sessions", credential: nil, json: Body(login: login, password: password, code: code))
    }

    /// `POST /v1/sessions/password` with the session's token: a new token on success.
    func changePassword(token: String, current: String, new: String) async throws -> SignedIn {
        struct Body: Encodable { var current: String; var new: String }
        return try await send("POST", "/v1/sessions/password", credential: token, json: Body(current: current, new: new))
    }

    /// `POST /v1/sessions/end`: the session ends everywhere.
    func signOut(token: String) async throws {
        let _: Empty = try await send("POST", "/v1/sessions/end", credential: token, json: Optional<Empty>.none)
    }

    struct TOTPSetup: Decodable, Sendable { var secret: String; var uri: String }

    func startTOTP(token: String) async throws -> TOTPSetup {
        try await send("POST", "/v1/sessions/totp", credential: token, json: Optional<Empty>.none)
    }

    func confirmTOTP(token: String, code: String) async throws {
        struct Body: Encodable { var code: String }
        let _: Empty = try await send("POST", "/v1/sessions/totp/confirm", credential: token, json: Body(code: code))
    }

    struct Account: Decodable, Sendable {
        var login: String
        var displayName: String
        var unit: String?
        var roles: [String]
        var disabled: Bool
        var locked: Bool
        var secondFactor: Bool
        var mustChangePassword: Bool
    }

    func accounts(token: String) async throws -> [Account] {
        try await send("GET", "/v1/accounts", credential: token, json: Optional<Empty>.none)
    }

    struct Created: Decodable, Sendable {
        var login: String
        var temporaryPassword: String
        var totp: TOTPSetup?
    }

    func createAccount(token: String, login: String, name: String, unit: String?) async throws -> Created {
        struct Body: Encodable { var login: String; var name: String; var unit: String? }
        return try await send("POST", "/v1/accounts", credential: token, json: Body(login: login, name: name, unit: unit))
    }

    /// `disable`, `enable` (no answer) or `reset-password` (a new temporary password).
    func accountAct(token: String, login: String, act: String) async throws -> Created? {
        let path = "/v1/accounts/\(Self.pathSegment(login))/\(act)"
        if act == "reset-password" { return try await send("POST", path, credential: token, json: Optional<Empty>.none) as Created }
        let _: Empty = try await send("POST", path, credential: token, json: Optional<Empty>.none)
        return nil
    }

    struct RolesAnswer: Decodable, Sendable { var totp: TOTPSetup? }

    func changeRoles(token: String, login: String, grant: [String], revoke: [String], unit: String?) async throws -> RolesAnswer {
        struct Body: Encodable { var grant: [String]; var revoke: [String]; var unit: String? }
        return try await send("POST", "/v1/accounts/\(Self.pathSegment(login))/roles", credential: token,
                              json: Body(grant: grant, revoke: revoke, unit: unit))
    }

    struct AuditRow: Decodable, Sendable {
        var seq: Int64
        var at: Date
        var actor: String
        var action: String
        var subject: String
        var outcome: String
        var detail: String
    }

    /// `GET /v1/audit` with the audit administrator's token; `query` as the page's form gave it.
    func audit(token: String, query: [String: String]) async throws -> [AuditRow] {
        try await send("GET", "/v1/audit" + Self.query(query), credential: token, json: Optional<Empty>.none)
    }

    /// The same search as CSV, bytes as intake wrote them.
    func auditCSV(token: String, query: [String: String]) async throws -> ByteBuffer {
        var request = HTTPClientRequest(url: baseURL + "/v1/audit" + Self.query(query.merging(["format": "csv"]) { $1 }))
        request.headers.add(name: "Authorization", value: "Bearer " + token)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 64 * 1_024 * 1_024)
        guard response.status.code == 200 else { throw Self.failure(body, status: Int(response.status.code)) }
        return body
    }

    struct Empty: Codable, Sendable {}

    /// One JSON request to intake: intake's error code and message when it refuses.
    private func send<Body: Encodable, Answer: Decodable>(_ method: String, _ path: String, credential: String?, json: Body?) async throws -> Answer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .RAW(value: method)
        if let credential { request.headers.add(name: "Authorization", value: "Bearer " + credential) }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(json)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(15))
        let body = try await response.body.collect(upTo: 16 * 1_024 * 1_024)
        guard (200..<300).contains(response.status.code) else { throw Self.failure(body, status: Int(response.status.code)) }
        if Answer.self == Empty.self { return Empty() as! Answer }
        return try DubanJSON.decoder().decode(Answer.self, from: Data(buffer: body))
    }

    static func query(_ fields: [String: String]) -> String {
        let pairs = fields.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }.map {
            "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        }
        return pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&")
    }

    static func pathSegment(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_."))) ?? id
    }

    private static func failure(_ body: ByteBuffer, status: Int) -> Failure {
        struct Envelope: Decodable { struct Inner: Decodable { var code: String; var message: String }; var error: Inner }
        if let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(buffer: body)) {
            return Failure(code: envelope.error.code, message: envelope.error.message)
        }
        return Failure(code: "intake_unavailable", message: "intake answered HTTP \(status)")
    }
}
