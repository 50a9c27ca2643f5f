import DubanRuntime
import Foundation

/// The sign-in rules a deployment sets (README, "Settings"); defaults follow graded protection level 3.
struct IdentitySettings: Sendable {
    /// `identity.token-seconds`: how long one session token is good (300); the dashboard renews it on the way.
    var tokenSeconds: TimeInterval
    /// `identity.idle-minutes`: a session without a request this long ends (30).
    var idleMinutes: Double
    /// `identity.lockout-failures`: wrong passwords or codes in a row that lock the account (5).
    var lockoutFailures: Int
    /// `identity.lockout-minutes`: how long it stays locked (15).
    var lockoutMinutes: Double
    /// `identity.bcrypt-cost`: bcrypt's work factor (12; each step doubles the time of a sign-in).
    var bcryptCost: UInt8
    var passwordPolicy: PasswordPolicy
    /// `identity.signing-key-file`: the Ed25519 key tokens are signed with.
    var signingKeyFile: String
    /// `identity.issuer`: the name authenticator apps show beside the code ("Duban").
    var issuer: String
}

extension IdentitySettings {
    init(settings: ServiceSettings) {
        let reader = settings.reader
        tokenSeconds = Double(max(30, reader.int(forKey: "identity.token-seconds", default: 300)))
        idleMinutes = max(1, reader.double(forKey: "identity.idle-minutes", default: 30))
        lockoutFailures = max(1, reader.int(forKey: "identity.lockout-failures", default: 5))
        lockoutMinutes = max(1, reader.double(forKey: "identity.lockout-minutes", default: 15))
        bcryptCost = UInt8(min(16, max(4, reader.int(forKey: "identity.bcrypt-cost", default: 12))))
        passwordPolicy = PasswordPolicy(minimumLength: reader.int(forKey: "identity.password-min-length", default: 12),
                                        minimumClasses: reader.int(forKey: "identity.password-classes", default: 3))
        signingKeyFile = reader.string(forKey: "identity.signing-key-file",
                                       default: (settings.dataDirectory as NSString).appendingPathComponent("identity-signing.key"))
        issuer = reader.string(forKey: "identity.issuer", default: "Duban")
    }
}
