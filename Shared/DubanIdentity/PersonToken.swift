import DubanModels
import Foundation
import JWTKit

/// The signed statement of a person's session that every service checks on its own (RFC 7519, EdDSA): who, their
/// roles and unit, which session, and until when. Intake signs it at sign-in and on each refresh; the other services
/// verify it with intake's public key (`GET /v1/identity/keys`), so checking a session costs no call to intake.
///
/// Times are checked by ``AccessGate`` against the service's clock (which tests move), not by jwt-kit's wall clock.
public struct PersonClaims: JWTPayload, Equatable {
    public enum Stage: String, Codable, Sendable {
        /// A signed-in person.
        case full
        /// Signed in with a password that must be changed first (first sign-in, after a reset): this token opens
        /// only the password change.
        case passwordChange = "password"
    }

    /// The login name.
    public var sub: SubjectClaim
    public var name: String
    public var unit: String?
    public var roles: [Role]
    /// The session's id: ending the session (sign-out, idle, disable) revokes every token that names it.
    public var sid: String
    /// The token every form of this session carries back (CSRF).
    public var csrf: String
    public var stage: Stage
    /// When this token was issued, in seconds since 1970 with fractions (a role change revokes tokens issued before it).
    public var issued: Double
    public var exp: ExpirationClaim

    public init(login: String, name: String, unit: String?, roles: [Role], sessionID: String, csrf: String, stage: Stage,
                issued: Date, expires: Date) {
        sub = SubjectClaim(value: login)
        self.name = name
        self.unit = unit
        self.roles = roles.sorted()
        sid = sessionID
        self.csrf = csrf
        self.stage = stage
        self.issued = issued.timeIntervalSince1970
        exp = ExpirationClaim(value: expires)
    }

    public func verify(using algorithm: some JWTAlgorithm) async throws {}

    public var login: String { sub.value }

    /// The caller this token speaks for; a password-change token grants nothing but that.
    public var principal: Principal {
        guard stage == .full else {
            return Principal(kind: .person, name: login, displayName: name, scopes: ["password-change"], roles: [], unit: unit,
                             sessionID: sid, csrfToken: csrf)
        }
        return .person(login: login, displayName: name, roles: Set(roles), unit: unit, sessionID: sid, csrfToken: csrf)
    }
}

extension PersonClaims {
    /// A session id or CSRF token: 128 random bits, URL-safe.
    public static func randomToken() -> String {
        Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Whether a bearer credential is a token (three dot-separated parts) rather than an API key.
    public static func looksLikeToken(_ credential: String) -> Bool {
        credential.utf8.lazy.filter { $0 == UInt8(ascii: ".") }.count == 2
    }
}
