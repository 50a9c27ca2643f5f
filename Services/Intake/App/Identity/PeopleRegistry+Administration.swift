import DubanIdentity
import DubanModels
import DubanRuntime
import DubanStorage
import Foundation
import GRDB
import HummingbirdOTP

/// What administrators do to accounts, with the separation graded protection asks for: the system administrator
/// creates, disables and resets accounts (`accounts` scope); the security administrator grants and revokes roles
/// (`roles`); nobody changes their own roles. Each act is in the audit trail with who did it. `actor` is the person's
/// login, or `operator:<user>` for the `intake accounts` command on the host.
extension PeopleRegistry {
    struct Created: Codable, Sendable {
        var login: String
        /// Given once; the first sign-in must change it.
        var temporaryPassword: String
        /// For an administrator: the second factor's set-up, given once.
        var totp: TOTPSetup?
    }

    /// - Throws: 400 `invalid_login`, `invalid_name`, `invalid_unit`, `unit_required`; 409 `account_exists`.
    func createAccount(login: String, displayName: String, unit: String?, roles: Set<Role>, phone: String?, actor: String,
                       knownBureaus: Set<String>?) async throws -> Created {
        guard Account.isLogin(login) else {
            throw APIError.badRequest("invalid_login", "a login name has 2 to 64 of a-z, 0-9, '.', '_', '-', starting with a letter")
        }
        let name = displayName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...50).contains(name.count), !name.unicodeScalars.contains(where: CaseSubmission.isForbiddenControl) else {
            throw APIError.badRequest("invalid_name", "a display name has 1 to 50 characters")
        }
        try Self.checkUnit(unit, roles: roles, knownBureaus: knownBureaus)
        let password = settings.passwordPolicy.temporaryPassword(login: login)
        let hash = await Self.hash(password, cost: settings.bcryptCost)
        let now = clock.now()
        var account = Account(login: login, displayName: name, unit: unit.flatMap { $0.isEmpty ? nil : $0 }, roles: roles,
                              phone: phone.flatMap { $0.isEmpty ? nil : $0 }, passwordHash: hash, at: now)
        var totp: TOTPSetup?
        if roles.contains(where: \.isAdministrator) {
            let secret = Self.newTOTPSecret()
            account.totpSecret = secret
            totp = TOTPSetup(secret: secret, uri: TOTP(secret: secret).createAuthenticatorURL(label: login, issuer: settings.issuer))
        }
        try await database.write { [account] db in
            guard try Account.fetch(login, in: db) == nil else {
                throw APIError(.conflict, code: "account_exists", "an account named '\(login)' exists")
            }
            if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM api_key WHERE name = ?", arguments: [login]) ?? 0 > 0 {
                throw APIError(.conflict, code: "account_exists", "an API key is named '\(login)': the record could not tell them apart")
            }
            try account.save(in: db)
            try AuditTrail.append(actor: actor, action: "account.create", subject: login,
                                  detail: roles.sorted().map(\.rawValue).joined(separator: " "), at: now, in: db)
        }
        return Created(login: login, temporaryPassword: password, totp: totp)
    }

    /// The first administrator of a new deployment: only while there is no account at all.
    /// - Throws: 409 `accounts_exist`.
    func bootstrap(login: String, actor: String) async throws -> Created {
        guard try await database.read({ try Account.count(in: $0) }) == 0 else {
            throw APIError(.conflict, code: "accounts_exist", "accounts exist already; administrators create the others")
        }
        return try await createAccount(login: login, displayName: "系统管理员", unit: nil,
                                       roles: [.systemAdministrator, .securityAdministrator], phone: nil, actor: actor, knownBureaus: nil)
    }

    /// Disables or enables an account; disabling ends its sessions everywhere within a second.
    /// - Throws: 403 `own_account` (an administrator does not disable their own account: the last one would lock
    ///   everybody out), 404 `account_not_found`.
    func setDisabled(_ login: String, disabled: Bool, actor: String) async throws {
        guard actor != login else { throw APIError(.forbidden, code: "own_account", "nobody disables or enables their own account") }
        let now = clock.now()
        try await database.write { db in
            guard var account = try Account.fetch(login, in: db) else { throw Self.noAccount(login) }
            account.disabledAt = disabled ? (account.disabledAt ?? now) : nil
            try account.save(in: db)
            if disabled {
                try PersonSession.endAll(login: login, reason: "disabled", at: now, in: db)
                try PersonSession.revoke(.account, subject: login, at: now, in: db)
            }
            try AuditTrail.append(actor: actor, action: disabled ? "account.disable" : "account.enable", subject: login, at: now, in: db)
        }
    }

    /// A new temporary password (to be changed at the next sign-in); ends the account's sessions and lifts a lock.
    func resetPassword(_ login: String, actor: String) async throws -> Created {
        let password = settings.passwordPolicy.temporaryPassword(login: login)
        let hash = await Self.hash(password, cost: settings.bcryptCost)
        let now = clock.now()
        try await database.write { db in
            guard var account = try Account.fetch(login, in: db) else { throw Self.noAccount(login) }
            account.passwordHash = hash
            account.mustChangePassword = true
            account.failedAttempts = 0
            account.lockedUntil = nil
            try account.save(in: db)
            try PersonSession.endAll(login: login, reason: "password reset", at: now, in: db)
            try AuditTrail.append(actor: actor, action: "password.reset", subject: login, at: now, in: db)
        }
        return Created(login: login, temporaryPassword: password, totp: nil)
    }

    /// Grants and revokes roles (and sets the unit); tokens issued before are replaced at their next use. Granting an
    /// administrator role to an account without a second factor sets one up and returns it, once.
    /// - Throws: 403 `own_roles`, 400 `unit_required`, `invalid_unit`.
    func changeRoles(_ login: String, grant: Set<Role>, revoke: Set<Role>, unit: String?, actor: String,
                     knownBureaus: Set<String>?) async throws -> TOTPSetup? {
        guard actor != login else { throw APIError(.forbidden, code: "own_roles", "nobody changes their own roles") }
        let now = clock.now()
        return try await database.write { db in
            guard var account = try Account.fetch(login, in: db) else { throw Self.noAccount(login) }
            account.roles = account.roles.union(grant).subtracting(revoke)
            if let unit { account.unit = unit.isEmpty ? nil : unit }
            try Self.checkUnit(account.unit, roles: account.roles, knownBureaus: knownBureaus)
            var setup: TOTPSetup?
            if account.roles.contains(where: \.isAdministrator), account.totpSecret == nil {
                let secret = Self.newTOTPSecret()
                account.totpSecret = secret
                setup = TOTPSetup(secret: secret, uri: TOTP(secret: secret).createAuthenticatorURL(label: login, issuer: settings.issuer))
            }
            try account.save(in: db)
            try PersonSession.revoke(.account, subject: login, at: now, in: db)
            for role in grant.sorted() { try AuditTrail.append(actor: actor, action: "role.grant", subject: login, detail: role.rawValue, at: now, in: db) }
            for role in revoke.sorted() { try AuditTrail.append(actor: actor, action: "role.revoke", subject: login, detail: role.rawValue, at: now, in: db) }
            return setup
        }
    }

    /// A new second factor for an account (lost phone): given once, by the security administrator.
    func resetTOTP(_ login: String, actor: String) async throws -> TOTPSetup {
        let secret = Self.newTOTPSecret()
        let now = clock.now()
        try await database.write { db in
            guard var account = try Account.fetch(login, in: db) else { throw Self.noAccount(login) }
            account.totpSecret = secret
            account.lastTOTPStep = nil
            try account.save(in: db)
            try PersonSession.endAll(login: login, reason: "second factor reset", at: now, in: db)
            try AuditTrail.append(actor: actor, action: "totp.reset", subject: login, at: now, in: db)
        }
        return TOTPSetup(secret: secret, uri: TOTP(secret: secret).createAuthenticatorURL(label: login, issuer: settings.issuer))
    }

    func list() async throws -> [Account.Summary] {
        let now = clock.now()
        return try await database.read { try Account.all(in: $0) }.map { $0.summary(now: now) }
    }

    static func checkUnit(_ unit: String?, roles: Set<Role>, knownBureaus: Set<String>?) throws {
        if roles.contains(where: \.belongsToBureau) {
            guard let unit, !unit.isEmpty else {
                throw APIError.badRequest("unit_required", "a bureau clerk or head belongs to a bureau: give its id as the unit")
            }
            if let knownBureaus, !knownBureaus.contains(unit) {
                throw APIError.badRequest("invalid_unit", "no bureau '\(unit)' in routing.yaml")
            }
        }
        if let unit, unit.count > 64 || unit.unicodeScalars.contains(where: { $0.value < 0x20 }) {
            throw APIError.badRequest("invalid_unit", "a unit has at most 64 characters")
        }
    }

    static func noAccount(_ login: String) -> APIError { APIError.notFound("account_not_found", "no account '\(login)'") }
}
