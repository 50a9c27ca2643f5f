import AsyncHTTPClient
import DubanModels
import DubanRuntime
import Foundation
import Logging
import NIOCore

/// How a service other than intake checks callers: intake's public key and revocation feed for people's tokens,
/// intake's `GET /v1/keys/self` (cached a second) for API keys, and `POST /v1/sessions/refresh` to renew the
/// dashboard's cookie. `intake.url` says where intake is.
public enum RemoteIdentity {
    /// The gate, and the feed to run beside the service (add it to the service's workers).
    public static func gate(intakeURL: String, acceptsCookie: Bool, logger: Logger) -> (AccessGate, RevocationFeed) {
        let revocations = RevocationList()
        let feed = RevocationFeed(list: revocations, keepSeconds: 3_600, logger: logger,
                                  fetch: RevocationFeed.remote(intakeURL + "/v1/identity/revocations"))
        let keyCache = RemoteKeyCache { secret in try await keySelf(intakeURL: intakeURL, secret: secret) }
        let gate = AccessGate(keys: TokenKeys(jwksURL: intakeURL + "/v1/identity/keys"), revocations: revocations,
                              acceptsCookie: acceptsCookie, clock: .system,
                              apiKey: { try await keyCache.principal(for: $0) },
                              refresh: { try await refresh(intakeURL: intakeURL, token: $0) })
        return (gate, feed)
    }

    /// The key's name and scopes as intake knows them; nil for an unknown or revoked key.
    /// - Throws: ``APIError`` 503 `intake_unavailable` when intake cannot be asked.
    public static func keySelf(intakeURL: String, secret: String) async throws -> Principal? {
        struct Identity: Decodable { var name: String; var scopes: [String] }
        var request = HTTPClientRequest(url: intakeURL + "/v1/keys/self")
        request.headers.add(name: "Authorization", value: "Bearer " + secret)
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
            let body = try await response.body.collect(upTo: 64 * 1_024)
            if response.status.code == 401 { return nil }
            guard response.status == .ok else { throw URLError(.badServerResponse) }
            let identity = try JSONDecoder().decode(Identity.self, from: Data(buffer: body))
            return Principal(kind: .key, name: identity.name, displayName: identity.name, scopes: Set(identity.scopes))
        } catch {
            throw APIError(.serviceUnavailable, code: "intake_unavailable", "API keys cannot be checked: intake is out of reach")
        }
    }

    /// A renewed token, or nil when the session is over (ended, idle, account disabled).
    public static func refresh(intakeURL: String, token: String) async throws -> String? {
        struct Answer: Decodable { var token: String }
        var request = HTTPClientRequest(url: intakeURL + "/v1/sessions/refresh")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer " + token)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 64 * 1_024)
        guard response.status == .ok else { return nil }
        return try JSONDecoder().decode(Answer.self, from: Data(buffer: body)).token
    }
}
