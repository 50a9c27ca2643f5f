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
    func importFile(key: String, contentType: String, body: ByteBuffer) async throws -> ImportReport {
        var request = HTTPClientRequest(url: baseURL + "/v1/imports")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer " + key)
        request.headers.add(name: "Content-Type", value: contentType)
        request.body = .bytes(body)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        let answer = try await response.body.collect(upTo: 16 * 1_024 * 1_024)
        guard response.status.code == 200 else { throw Self.failure(answer, status: Int(response.status.code)) }
        return try JSONDecoder().decode(ImportReport.self, from: Data(buffer: answer))
    }

    static func pathSegment(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_"))) ?? id
    }

    private static func failure(_ body: ByteBuffer, status: Int) -> Failure {
        struct Envelope: Decodable { struct Inner: Decodable { var code: String; var message: String }; var error: Inner }
        if let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(buffer: body)) {
            return Failure(code: envelope.error.code, message: envelope.error.message)
        }
        return Failure(code: "intake_unavailable", message: "intake answered HTTP \(status)")
    }
}
