import AsyncHTTPClient
import Crypto
import DubanModels
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// One entry of intake's revocation feed (`GET /v1/identity/revocations?after=<seq>`): a session that ended (sign-out,
/// idle, its account disabled or its password reset), or an account whose tokens issued before `at` no longer hold
/// (disabled, roles changed). Sessions are named by the SHA-256 of their id, so the feed gives nothing away.
public struct Revocation: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case session, account }
    public var seq: Int64
    public var kind: Kind
    /// `session`: hex SHA-256 of the session id; `account`: the login name.
    public var subject: String
    public var at: Date

    public init(seq: Int64, kind: Kind, subject: String, at: Date) {
        self.seq = seq
        self.kind = kind
        self.subject = subject
        self.at = at
    }

    public static func sessionSubject(_ sessionID: String) -> String {
        SHA256.hash(data: Data(sessionID.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// What this service knows has been revoked, as the feed told it. Entries are kept as long as a token could still be
/// valid (twice the token lifetime), so the list stays small.
public final class RevocationList: Sendable {
    private struct State {
        var sessions: [String: Date] = [:]
        var accounts: [String: Date] = [:]
        var lastSeq: Int64 = 0
        var caughtUp = false
    }

    private let state = Mutex(State())

    public init() {}

    public var lastSeq: Int64 { state.withLock { $0.lastSeq } }
    /// Whether the feed has been read at least once since this service started.
    public var caughtUp: Bool { state.withLock { $0.caughtUp } }

    public func apply(_ entries: [Revocation], forgettingBefore horizon: Date) {
        state.withLock { state in
            for entry in entries {
                switch entry.kind {
                case .session: state.sessions[entry.subject] = entry.at
                case .account: state.accounts[entry.subject] = max(entry.at, state.accounts[entry.subject] ?? entry.at)
                }
                state.lastSeq = max(state.lastSeq, entry.seq)
            }
            state.sessions = state.sessions.filter { $0.value >= horizon }
            state.accounts = state.accounts.filter { $0.value >= horizon }
            state.caughtUp = true
        }
    }

    /// Whether the token's session ended, or its account was changed after the token was issued.
    public func revokes(_ claims: PersonClaims) -> Bool {
        endsSession(claims) || changedAccount(claims)
    }

    /// Whether the token's session itself is over (signed out, idle, its account disabled or its password reset).
    public func endsSession(_ claims: PersonClaims) -> Bool {
        let session = Revocation.sessionSubject(claims.sid)
        return state.withLock { $0.sessions[session] != nil }
    }

    /// Whether the account changed (roles, disabled) after the token was issued: a renewed token may still be given.
    public func changedAccount(_ claims: PersonClaims) -> Bool {
        state.withLock { state in state.accounts[claims.login].map { claims.issued <= $0.timeIntervalSince1970 } ?? false }
    }
}

/// Keeps a ``RevocationList`` current: asks for entries after the last one every `interval` (1 s by default), so a
/// sign-out or a disabled account is refused by this service within about a second, with no call per request.
public struct RevocationFeed: Service {
    public typealias Fetch = @Sendable (_ after: Int64) async throws -> [Revocation]

    let list: RevocationList
    let fetch: Fetch
    let interval: Duration
    let keep: TimeInterval
    let logger: Logger

    public init(list: RevocationList, interval: Duration = .seconds(1), keepSeconds: TimeInterval, logger: Logger, fetch: @escaping Fetch) {
        self.list = list
        self.fetch = fetch
        self.interval = interval
        keep = keepSeconds
        self.logger = logger
    }

    /// Reads intake's feed over HTTP.
    public static func remote(_ url: String) -> Fetch {
        { after in
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "\(url)?after=\(after)"), timeout: .seconds(5))
            let body = try await response.body.collect(upTo: 4 * 1_024 * 1_024)
            guard response.status == .ok else { throw URLError(.badServerResponse) }
            return try DubanJSON.decoder().decode([Revocation].self, from: Data(buffer: body))
        }
    }

    public func poll() async throws {
        let entries = try await fetch(list.lastSeq)
        list.apply(entries, forgettingBefore: Date().addingTimeInterval(-keep))
    }

    public func run() async throws {
        var failing = false
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await poll()
                if failing { logger.info("revocation feed reachable again") }
                failing = false
            } catch {
                if !failing { logger.warning("revocation feed out of reach; sessions ended meanwhile are refused once it answers", metadata: ["error": "\(error)"]) }
                failing = true
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
