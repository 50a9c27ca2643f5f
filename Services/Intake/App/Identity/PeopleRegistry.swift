import DubanIdentity
import DubanModels
import DubanRuntime
import DubanStorage
import Foundation
import GRDB
import HummingbirdBcrypt
import HummingbirdOTP

/// Intake's identity desk: accounts, sign-in, sessions, and the administrators' acts on accounts, each recorded in
/// the audit trail in the same transaction. Intake owns identity because it already owns the other credentials (API
/// keys), the audit trail and the personal data a session unlocks (docs/ARCHITECTURE.md, "People and access").
struct PeopleRegistry: Sendable {
    let database: DatabasePool
    let settings: IdentitySettings
    let tokens: TokenKeys
    /// Real time: sessions, lock-outs and codes follow the people's clocks, not a test's business clock.
    let clock: WallClock
    /// A hash no password matches, at the configured cost, checked for unknown logins so they take as long as known ones.
    let decoyHash: String

    init(database: DatabasePool, settings: IdentitySettings, tokens: TokenKeys, clock: WallClock = .system) {
        self.database = database
        self.settings = settings
        self.tokens = tokens
        self.clock = clock
        decoyHash = Bcrypt.hash(PersonClaims.randomToken(), cost: settings.bcryptCost)
    }

    struct SignedIn: Codable, Sendable {
        var token: String
        var expiresAt: Date
        /// `full`, or `password` while the password must be changed before anything else.
        var stage: PersonClaims.Stage
        var person: Account.Summary
    }

    // MARK: Sign-in

    /// Checks a password (and the second factor where required) and opens a session.
    /// - Throws: ``APIError`` 401 `credentials_invalid` (unknown login, wrong password, disabled: one answer for all),
    ///   403 `account_locked`, 401 `totp_required` (the password was right; send `code`), 401 `totp_invalid`,
    ///   403 `totp_not_enrolled` (an administrator without a second factor cannot sign in).
    func signIn(login: String, password: String, code: String?) async throws -> SignedIn {
        let now = clock.now()
        let account = try await database.read { try Account.fetch(login, in: $0) }
        guard let account, !account.isDisabled else {
            _ = await Self.verify(password, hash: decoyHash)  // the same time as a real check
            try await refuse(login, reason: account == nil ? "unknown login" : "disabled", at: now)
            throw Self.invalidCredentials
        }
        if let until = account.lockedUntil, until > now {
            try await refuse(login, reason: "locked", at: now)
            throw APIError(.forbidden, code: "account_locked",
                           "too many failed sign-ins: the account is locked for \(Int((until.timeIntervalSince(now) / 60).rounded(.up))) more minutes")
        }
        guard await Self.verify(password, hash: account.passwordHash) else {
            try await fail(account, reason: "password", at: now)
            throw Self.invalidCredentials
        }
        var step: Int64?
        if account.needsSecondFactor {
            guard let secret = account.totpSecret else {
                try await refuse(login, reason: "no second factor", at: now)
                throw APIError(.forbidden, code: "totp_not_enrolled",
                               "an administrator signs in with a one-time code; ask the security administrator to set one up (intake accounts totp)")
            }
            guard let code, !code.isEmpty else {
                try await refuse(login, reason: "code missing", at: now)
                throw APIError(.unauthorized, code: "totp_required", "enter the 6-digit code from your authenticator app")
            }
            guard let matched = Self.matchTOTP(code, secret: secret, after: account.lastTOTPStep) else {
                try await fail(account, reason: "code", at: now)
                throw APIError(.unauthorized, code: "totp_invalid", "the one-time code is wrong or already used")
            }
            step = matched
        }
        let sessionID = PersonClaims.randomToken()
        let csrf = PersonClaims.randomToken()
        let stage: PersonClaims.Stage = account.mustChangePassword ? .passwordChange : .full
        try await database.write { [step] db in
            var updated = account
            updated.failedAttempts = 0
            updated.lockedUntil = nil
            if let step { updated.lastTOTPStep = step }
            try updated.save(in: db)
            try PersonSession.start(sessionID: sessionID, login: login, csrf: csrf, at: now, in: db)
            try PersonSession.pruneRevocations(before: now.addingTimeInterval(-86_400), in: db)
            try AuditTrail.append(actor: login, action: "sign-in", subject: login, detail: stage == .full ? "" : "must change password",
                                  at: now, in: db)
        }
        return try await issue(account, sessionID: sessionID, csrf: csrf, stage: stage, at: now)
    }

    /// A new token for a session that is still open and not idle. The token may have expired; its signature must hold.
    /// - Throws: 401 `session_ended`.
    func refresh(_ token: String) async throws -> SignedIn {
        let now = clock.now()
        guard let claims = try await tokens.verify(token) else { throw Self.sessionEnded }
        let found = try await database.write { db -> (Account, PersonSession)? in
            guard let session = try PersonSession.fetch(sessionID: claims.sid, in: db), session.endedAt == nil,
                  let account = try Account.fetch(session.login, in: db) else { return nil }
            if account.isDisabled { return nil }
            if now.timeIntervalSince(session.lastActive) > settings.idleMinutes * 60 {
                try PersonSession.end(sessionID: claims.sid, reason: "idle", at: now, in: db)
                try AuditTrail.append(actor: account.login, action: "session.idle", subject: account.login, at: now, in: db)
                return nil
            }
            try PersonSession.touch(sessionID: claims.sid, at: now, in: db)
            return (account, session)
        }
        guard let (account, session) = found else { throw Self.sessionEnded }
        return try await issue(account, sessionID: claims.sid, csrf: session.csrf,
                               stage: account.mustChangePassword ? .passwordChange : .full, at: now)
    }

    /// Ends the token's session everywhere within a second.
    func signOut(_ claims: PersonClaims) async throws {
        let now = clock.now()
        try await database.write { db in
            try PersonSession.end(sessionID: claims.sid, reason: "sign-out", at: now, in: db)
            try AuditTrail.append(actor: claims.login, action: "sign-out", subject: claims.login, at: now, in: db)
        }
    }

    /// Changes the signed-in person's own password.
    /// - Throws: 401 `credentials_invalid` (current password wrong), 400 `password_too_weak`, 400 `password_reused`.
    func changePassword(_ claims: PersonClaims, current: String, new: String) async throws -> SignedIn {
        let now = clock.now()
        guard let account = try await database.read({ try Account.fetch(claims.login, in: $0) }), !account.isDisabled else {
            throw Self.sessionEnded
        }
        guard await Self.verify(current, hash: account.passwordHash) else {
            try await fail(account, reason: "password (change)", at: now)
            throw Self.invalidCredentials
        }
        try settings.passwordPolicy.check(new, login: account.login)
        guard new != current else { throw APIError.badRequest("password_reused", "choose a password other than the current one") }
        let hash = await Self.hash(new, cost: settings.bcryptCost)
        var updated = account
        updated.passwordHash = hash
        updated.mustChangePassword = false
        try await database.write { [updated] db in
            try updated.save(in: db)
            try AuditTrail.append(actor: account.login, action: "password.change", subject: account.login, at: now, in: db)
        }
        return try await issue(updated, sessionID: claims.sid, csrf: claims.csrf, stage: .full, at: now)
    }

    /// Starts setting up the person's own second factor: a new secret, confirmed by ``confirmTOTP``.
    /// - Throws: 409 `totp_enrolled` when one is on already.
    func startTOTP(_ principal: Principal) async throws -> TOTPSetup {
        let secret = Self.newTOTPSecret()
        try await database.write { db in
            guard var account = try Account.fetch(principal.name, in: db) else { throw Self.sessionEnded }
            // Replacing a second factor is the security administrator's act (`totp-reset`): a stolen session must not
            // be able to swap in its own.
            guard account.totpSecret == nil else {
                throw APIError(.conflict, code: "totp_enrolled", "one-time codes are on already; the security administrator resets them")
            }
            account.pendingTOTPSecret = secret
            try account.save(in: db)
        }
        return TOTPSetup(secret: secret, uri: TOTP(secret: secret).createAuthenticatorURL(label: principal.name, issuer: settings.issuer))
    }

    /// Turns the pending secret on once the person shows a code from it.
    /// - Throws: 409 `no_totp_pending`, 400 `totp_invalid`.
    func confirmTOTP(_ principal: Principal, code: String) async throws {
        let now = clock.now()
        try await database.write { db in
            guard var account = try Account.fetch(principal.name, in: db) else { throw Self.sessionEnded }
            guard let pending = account.pendingTOTPSecret else {
                throw APIError(.conflict, code: "no_totp_pending", "start the set-up first (POST /v1/sessions/totp)")
            }
            guard let step = Self.matchTOTP(code, secret: pending, after: nil) else {
                throw APIError.badRequest("totp_invalid", "the one-time code does not match the new secret")
            }
            account.totpSecret = pending
            account.pendingTOTPSecret = nil
            account.lastTOTPStep = step
            try account.save(in: db)
            try AuditTrail.append(actor: principal.name, action: "totp.enrol", subject: principal.name, at: now, in: db)
        }
    }

    struct TOTPSetup: Codable, Sendable {
        /// The secret as the account stores it; authenticator apps take the `uri` (its base32 form).
        var secret: String
        var uri: String
    }

    // MARK: Tokens and the feed

    func issue(_ account: Account, sessionID: String, csrf: String, stage: PersonClaims.Stage, at now: Date) async throws -> SignedIn {
        let expires = now.addingTimeInterval(settings.tokenSeconds)
        let claims = PersonClaims(login: account.login, name: account.displayName, unit: account.unit, roles: Array(account.roles),
                                  sessionID: sessionID, csrf: csrf, stage: stage, issued: now, expires: expires)
        return SignedIn(token: try await tokens.sign(claims), expiresAt: expires, stage: stage, person: account.summary(now: now))
    }

    func revocations(after seq: Int64) async throws -> [Revocation] {
        let horizon = clock.now().addingTimeInterval(-2 * settings.tokenSeconds - 60)
        return try await database.read { try PersonSession.revocations(after: seq, since: horizon, in: $0) }
    }

    // MARK: Helpers

    static let invalidCredentials = APIError(.unauthorized, code: "credentials_invalid", "the login name or password is wrong")
    static let sessionEnded = APIError(.unauthorized, code: "session_ended", "the session has ended: sign in again")

    private func refuse(_ login: String, reason: String, at now: Date) async throws {
        _ = try await database.write { db in
            try AuditTrail.append(actor: Self.actorName(login), action: "sign-in", subject: Self.actorName(login), outcome: .refused,
                                  detail: reason, at: now, in: db)
        }
    }

    /// A wrong password or code: counted, and at the limit the account locks.
    private func fail(_ account: Account, reason: String, at now: Date) async throws {
        try await database.write { db in
            guard var current = try Account.fetch(account.login, in: db) else { return }
            current.failedAttempts += 1
            try AuditTrail.append(actor: account.login, action: "sign-in", subject: account.login, outcome: .refused, detail: reason, at: now, in: db)
            if current.failedAttempts >= settings.lockoutFailures {
                current.failedAttempts = 0
                current.lockedUntil = now.addingTimeInterval(settings.lockoutMinutes * 60)
                try AuditTrail.append(actor: account.login, action: "account.lock", subject: account.login,
                                      detail: "\(settings.lockoutFailures) failures; \(Int(settings.lockoutMinutes)) minutes", at: now, in: db)
            }
            try current.save(in: db)
        }
    }

    /// What the audit trail records as the actor of a refused sign-in: the name typed, cut to 64 characters, with every
    /// control and direction-changing character written out as `\u{…}` (it is someone's input: "ad\0min" must not
    /// read as "admin").
    static func actorName(_ login: String) -> String {
        var out = ""
        for scalar in login.unicodeScalars.prefix(64) {
            if CaseSubmission.isForbiddenControl(scalar) || scalar.value == 0x09 || scalar.value == 0x0A || scalar.value == 0x0D {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func newTOTPSecret() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789")
        return String((0..<20).map { _ in alphabet.randomElement()! })
    }

    /// The time step a code matches (RFC 6238: 30-second steps, one step of drift either way), later than `after`.
    static func matchTOTP(_ code: String, secret: String, after: Int64?, now: Date = Date()) -> Int64? {
        guard code.count == 6, let value = Int(code) else { return nil }
        let step = Int64(now.timeIntervalSince1970 / 30)
        for candidate in [step - 1, step, step + 1] where candidate > (after ?? .min) {
            if TOTP(secret: secret).compute(date: Date(timeIntervalSince1970: Double(candidate) * 30)) == value { return candidate }
        }
        return nil
    }

    /// bcrypt off the cooperative threads, one at a time: each check costs tens to hundreds of milliseconds by design,
    /// so a flood of sign-ins (wrong ones included) waits its turn on one thread and never takes the other cores from
    /// the requests that store cases.
    static let hashing = DispatchQueue(label: "duban.identity.bcrypt", qos: .utility)

    static func hash(_ password: String, cost: UInt8) async -> String {
        await withCheckedContinuation { continuation in
            hashing.async { continuation.resume(returning: Bcrypt.hash(password, cost: cost)) }
        }
    }

    static func verify(_ password: String, hash: String) async -> Bool {
        await withCheckedContinuation { continuation in
            hashing.async { continuation.resume(returning: Bcrypt.verify(password, hash: hash)) }
        }
    }
}
