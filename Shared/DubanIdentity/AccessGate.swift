import DubanModels
import DubanRuntime
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// Decides who a request comes from, with no call to another service per request: a person's token (as
/// `Authorization: Bearer` or, where `acceptsCookie`, the dashboard's session cookie) is checked with intake's public
/// key and the revocation list; an API key is looked up by `apiKey` (intake's own table, or intake's answer cached
/// for a second elsewhere).
///
/// A session's token lives `identity.token-seconds` (300 by default). Past half of that, or once expired, the gate asks
/// `refresh` for a new one: intake answers only while the session is open and has not been idle longer than its
/// timeout, so idle sessions end there, and a token is never good for long after its session ended.
public struct AccessGate: Sendable {
    public typealias KeyLookup = @Sendable (_ secret: String) async throws -> Principal?
    public typealias Refresh = @Sendable (_ token: String) async throws -> String?

    public let keys: TokenKeys
    public let revocations: RevocationList
    let apiKey: KeyLookup
    let refresh: Refresh
    let clock: WallClock
    public let acceptsCookie: Bool

    public init(keys: TokenKeys, revocations: RevocationList, acceptsCookie: Bool, clock: WallClock,
                apiKey: @escaping KeyLookup, refresh: @escaping Refresh) {
        self.keys = keys
        self.revocations = revocations
        self.acceptsCookie = acceptsCookie
        self.clock = clock
        self.apiKey = apiKey
        self.refresh = refresh
    }

    public struct Outcome: Sendable {
        public var principal: Principal
        /// A new token the response should carry back in the cookie.
        public var renewedToken: String?
        public var viaCookie: Bool
        /// The credential to pass on to intake for this caller (the renewed token, if any).
        public var credential: String
    }

    public enum Failure: Error, Equatable {
        /// No credential at all.
        case none
        /// A credential that is not (or no longer) good: unknown key, bad signature, ended or idle session.
        case invalid
    }

    public func check(_ request: Request) async throws -> Result<Outcome, Failure> {
        if let header = request.headers[.authorization] ?? request.headers[Self.apiKeyHeader] {
            let credential = (header.hasPrefix("Bearer ") ? String(header.dropFirst(7)) : header).trimmingCharacters(in: .whitespaces)
            guard !credential.isEmpty else { return .failure(.none) }
            if PersonClaims.looksLikeToken(credential) {
                return try await person(credential, viaCookie: false)
            }
            guard let principal = try await apiKey(credential) else { return .failure(.invalid) }
            return .success(Outcome(principal: principal, viaCookie: false, credential: credential))
        }
        if acceptsCookie, let token = request.cookies[SessionCookie.name]?.value, !token.isEmpty {
            return try await person(token, viaCookie: true)
        }
        return .failure(.none)
    }

    /// A person's token: good, renewed, or refused.
    public func person(_ token: String, viaCookie: Bool) async throws -> Result<Outcome, Failure> {
        guard let claims = try await keys.verify(token), !revocations.endsSession(claims) else {
            return .failure(.invalid)
        }
        let now = clock.now()
        let age = now.timeIntervalSince1970 - claims.issued
        let lifetime = claims.exp.value.timeIntervalSince1970 - claims.issued
        let stale = revocations.changedAccount(claims) || claims.exp.value <= now || (viaCookie && age > lifetime / 2)
        guard stale else { return .success(Outcome(principal: claims.principal, viaCookie: viaCookie, credential: token)) }
        // A client holding its token itself refreshes it itself (POST /v1/sessions/refresh); only the dashboard's
        // cookie is renewed on the way, where the answer can carry the new one back.
        guard viaCookie else { return .failure(.invalid) }
        guard let renewed = try await refresh(token), let fresh = try await keys.verify(renewed) else {
            return .failure(.invalid)
        }
        return .success(Outcome(principal: fresh.principal, renewedToken: renewed, viaCookie: viaCookie, credential: renewed))
    }

    public static let apiKeyHeader = HTTPField.Name("X-API-Key")!
}

/// API keys as another service sees them: intake's answer to `GET /v1/keys/self`, kept for a second so a busy client
/// costs intake one request a second, and a revoked key is refused within that second.
public final class RemoteKeyCache: Sendable {
    private let entries = Mutex<[String: (principal: Principal?, until: ContinuousClock.Instant)]>([:])
    private let lookup: @Sendable (String) async throws -> Principal?

    public init(lookup: @escaping @Sendable (String) async throws -> Principal?) {
        self.lookup = lookup
    }

    public func principal(for secret: String) async throws -> Principal? {
        let now = ContinuousClock.now
        if let hit = entries.withLock({ $0[secret] }), hit.until > now { return hit.principal }
        let principal = try await lookup(secret)
        entries.withLock { entries in
            if entries.count > 10_000 { entries.removeAll() }
            entries[secret] = (principal, now + .seconds(1))
        }
        return principal
    }
}
