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
        let path = caseID.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_"))) ?? caseID
        var request = HTTPClientRequest(url: baseURL + "/v1/cases/\(path)/updates")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer " + key)
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(update)))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 64 * 1_024)
        guard (200..<300).contains(response.status.code) else { throw Self.failure(body, status: Int(response.status.code)) }
    }

    private static func failure(_ body: ByteBuffer, status: Int) -> Failure {
        struct Envelope: Decodable { struct Inner: Decodable { var code: String; var message: String }; var error: Inner }
        if let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(buffer: body)) {
            return Failure(code: envelope.error.code, message: envelope.error.message)
        }
        return Failure(code: "intake_unavailable", message: "intake answered HTTP \(status)")
    }
}
