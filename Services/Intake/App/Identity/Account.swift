import DubanModels
import DubanRuntime
import Foundation
import GRDB

/// A person's account (table `account`): login name, display name, office or bureau, roles, optional phone, the
/// bcrypt hash of the password, the lock-out counter and the TOTP secret. Only this file writes SQL on it.
struct Account: Sendable, Equatable {
    var login: String
    var displayName: String
    /// The bureau id for clerks and heads, or the office's name.
    var unit: String?
    var roles: Set<Role>
    var phone: String?
    var passwordHash: String
    /// Set at creation and after a reset: the next sign-in must change the password first.
    var mustChangePassword: Bool
    var failedAttempts: Int
    var lockedUntil: Date?
    /// The RFC 6238 secret once the person has confirmed it with a code; `pendingTOTPSecret` until then.
    var totpSecret: String?
    var pendingTOTPSecret: String?
    /// The last TOTP time step accepted, so a code is good once.
    var lastTOTPStep: Int64?
    var createdAt: Date
    var disabledAt: Date?

    var isDisabled: Bool { disabledAt != nil }
    /// Administrators must give a second factor; anyone may.
    var needsSecondFactor: Bool { totpSecret != nil || roles.contains(where: \.isAdministrator) }

    static func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("intake-v8-accounts") { db in
            try db.create(table: "account") { t in
                t.column("login", .text).primaryKey()
                t.column("display_name", .text).notNull()
                t.column("unit", .text)
                t.column("roles", .text).notNull().defaults(to: "")
                t.column("phone", .text)
                t.column("password_hash", .text).notNull()
                t.column("must_change_password", .boolean).notNull()
                t.column("failed_attempts", .integer).notNull().defaults(to: 0)
                t.column("locked_until", .double)
                t.column("totp_secret", .text)
                t.column("pending_totp_secret", .text)
                t.column("last_totp_step", .integer)
                t.column("created_at", .double).notNull()
                t.column("disabled_at", .double)
            }
            try PersonSession.createTables(db)
        }
    }

    /// A login name: 2 to 64 of a-z, 0-9, `.`, `_`, `-`, starting with a letter (it names the actor in the record).
    static func isLogin(_ text: String) -> Bool {
        (try? /[a-z][a-z0-9._-]{1,63}/.wholeMatch(in: text)) != nil
    }

    static func fetch(_ login: String, in db: Database) throws -> Account? {
        try Row.fetchOne(db, sql: "SELECT * FROM account WHERE login = ?", arguments: [login]).map(Account.init(row:))
    }

    static func all(in db: Database) throws -> [Account] {
        try Row.fetchAll(db, sql: "SELECT * FROM account ORDER BY login").map(Account.init(row:))
    }

    static func count(in db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM account") ?? 0
    }

    init(login: String, displayName: String, unit: String?, roles: Set<Role>, phone: String?, passwordHash: String, at now: Date) {
        self.login = login
        self.displayName = displayName
        self.unit = unit
        self.roles = roles
        self.phone = phone
        self.passwordHash = passwordHash
        mustChangePassword = true
        failedAttempts = 0
        createdAt = now
    }

    init(row: Row) {
        login = row["login"]
        displayName = row["display_name"]
        unit = row["unit"]
        roles = Set((row["roles"] as String).split(separator: " ").compactMap { Role(rawValue: String($0)) })
        phone = row["phone"]
        passwordHash = row["password_hash"]
        mustChangePassword = row["must_change_password"]
        failedAttempts = row["failed_attempts"]
        lockedUntil = (row["locked_until"] as Double?).map(Date.init(timeIntervalSince1970:))
        totpSecret = row["totp_secret"]
        pendingTOTPSecret = row["pending_totp_secret"]
        lastTOTPStep = row["last_totp_step"]
        createdAt = Date(timeIntervalSince1970: row["created_at"])
        disabledAt = (row["disabled_at"] as Double?).map(Date.init(timeIntervalSince1970:))
    }

    /// Writes the whole account (insert or replace by login).
    func save(in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO account (login, display_name, unit, roles, phone, password_hash, must_change_password, failed_attempts,
              locked_until, totp_secret, pending_totp_secret, last_totp_step, created_at, disabled_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(login) DO UPDATE SET display_name = excluded.display_name, unit = excluded.unit, roles = excluded.roles,
              phone = excluded.phone, password_hash = excluded.password_hash, must_change_password = excluded.must_change_password,
              failed_attempts = excluded.failed_attempts, locked_until = excluded.locked_until, totp_secret = excluded.totp_secret,
              pending_totp_secret = excluded.pending_totp_secret, last_totp_step = excluded.last_totp_step,
              disabled_at = excluded.disabled_at
            """, arguments: [login, displayName, unit, roles.sorted().map(\.rawValue).joined(separator: " "), phone, passwordHash,
                             mustChangePassword, failedAttempts, lockedUntil?.timeIntervalSince1970, totpSecret, pendingTOTPSecret,
                             lastTOTPStep, createdAt.timeIntervalSince1970, disabledAt?.timeIntervalSince1970])
    }

    /// What the accounts API and the administration page show (never the hashes or secrets).
    struct Summary: Codable, Sendable {
        var login: String
        var displayName: String
        var unit: String?
        var roles: [Role]
        var disabled: Bool
        var locked: Bool
        var secondFactor: Bool
        var mustChangePassword: Bool
        var createdAt: Date
    }

    func summary(now: Date) -> Summary {
        Summary(login: login, displayName: displayName, unit: unit, roles: roles.sorted(), disabled: isDisabled,
                locked: lockedUntil.map { $0 > now } ?? false, secondFactor: totpSecret != nil,
                mustChangePassword: mustChangePassword, createdAt: createdAt)
    }
}
