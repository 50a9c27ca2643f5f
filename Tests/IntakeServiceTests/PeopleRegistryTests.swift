import DubanIdentity
import DubanMessaging
import DubanModels
import DubanRuntime
import DubanStorage
import Foundation
import GRDB
import HummingbirdOTP
import Synchronization
import Testing
@testable import IntakeService

/// Sign-in rules on a real SQLite file with a hand-moved clock: lock-out and its end, idle sessions, the second
/// factor's codes good once, and the revocation feed a disable or a sign-out writes.
@Suite struct PeopleRegistryTests {
    final class Clock: Sendable {
        let now = Mutex(Date(timeIntervalSince1970: 1_795_000_000))
        var wall: WallClock { WallClock { [self] in now.withLock { $0 } } }
        func advance(_ seconds: TimeInterval) { now.withLock { $0 += seconds } }
    }

    static func registry(_ clock: Clock) throws -> (PeopleRegistry, DatabasePool, String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("people-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var migrator = DatabaseMigrator()
        EventStoreSchema.register(in: &migrator)
        Intake.registerMigrations(in: &migrator)
        let database = try DatabasePool(path: folder + "/intake.sqlite")
        try migrator.migrate(database)
        let settings = IdentitySettings(tokenSeconds: 300, idleMinutes: 30, lockoutFailures: 5, lockoutMinutes: 15, bcryptCost: 4,
                                        passwordPolicy: PasswordPolicy(), signingKeyFile: folder + "/signing.key", issuer: "Duban")
        let registry = PeopleRegistry(database: database, settings: settings, tokens: try TokenKeys(signingKeyFile: settings.signingKeyFile),
                                      clock: clock.wall)
        return (registry, database, folder)
    }

    /// A person with a changed password, and their full token.
    static func person(_ registry: PeopleRegistry, _ login: String, roles: Set<Role>, unit: String? = nil) async throws -> (password: String, token: String, secret: String?) {
        let created = try await registry.createAccount(login: login, displayName: login, unit: unit, roles: roles, phone: nil,
                                                       actor: "test", knownBureaus: nil)
        let code = created.totp.map { TOTP(secret: $0.secret).compute(date: Date()) }.map { String(format: "%06d", $0) }
        let first = try await registry.signIn(login: login, password: created.temporaryPassword, code: code)
        #expect(first.stage == .passwordChange)
        let claims = try #require(try await registry.tokens.verify(first.token))
        let changed = try await registry.changePassword(claims, current: created.temporaryPassword, new: "Gov-Enterprise-42")
        #expect(changed.stage == .full)
        return ("Gov-Enterprise-42", changed.token, created.totp?.secret)
    }

    static func code(_ error: any Error) -> String? { (error as? APIError)?.code }

    @Test func fiveFailuresLockForFifteenMinutesThenTheRightPasswordWorks() async throws {
        let clock = Clock()
        let (registry, _, _) = try Self.registry(clock)
        let (password, _, _) = try await Self.person(registry, "li", roles: [.secretary])
        for _ in 1...4 {
            await #expect { try await registry.signIn(login: "li", password: "wrong", code: nil) } throws: { Self.code($0) == "credentials_invalid" }
        }
        // A success before the fifth failure starts the count again.
        _ = try await registry.signIn(login: "li", password: password, code: nil)
        for _ in 1...5 {
            await #expect { try await registry.signIn(login: "li", password: "wrong", code: nil) } throws: { Self.code($0) == "credentials_invalid" }
        }
        await #expect { try await registry.signIn(login: "li", password: password, code: nil) } throws: { Self.code($0) == "account_locked" }
        clock.advance(14 * 60)
        await #expect { try await registry.signIn(login: "li", password: password, code: nil) } throws: { Self.code($0) == "account_locked" }
        clock.advance(61)
        #expect(try await registry.signIn(login: "li", password: password, code: nil).stage == .full)
    }

    @Test func anIdleSessionEndsAndAnActiveOneIsRenewed() async throws {
        let clock = Clock()
        let (registry, _, _) = try Self.registry(clock)
        let (_, token, _) = try await Self.person(registry, "wang", roles: [.supervisor])
        clock.advance(20 * 60)
        let renewed = try await registry.refresh(token)  // an expired token of an open, active session is renewed
        clock.advance(29 * 60)
        _ = try await registry.refresh(renewed.token)
        clock.advance(31 * 60)
        await #expect { try await registry.refresh(renewed.token) } throws: { Self.code($0) == "session_ended" }
        // The end is in the feed every service follows.
        let feed = try await registry.revocations(after: 0)
        #expect(feed.map(\.kind) == [.session])
    }

    @Test func administratorsNeedACodeAndEachCodeIsGoodOnce() async throws {
        let clock = Clock()
        let (registry, _, _) = try Self.registry(clock)
        let (password, _, secret) = try await Self.person(registry, "zhao", roles: [.auditAdministrator])
        let totp = TOTP(secret: try #require(secret))
        await #expect { try await registry.signIn(login: "zhao", password: password, code: nil) } throws: { Self.code($0) == "totp_required" }
        // The code of the step already used at set-up is spent; the next step's is good, once.
        let spent = String(format: "%06d", totp.compute(date: Date()))
        await #expect { try await registry.signIn(login: "zhao", password: password, code: spent) } throws: { Self.code($0) == "totp_invalid" }
        let next = String(format: "%06d", totp.compute(date: Date().addingTimeInterval(30)))
        _ = try await registry.signIn(login: "zhao", password: password, code: next)
        await #expect { try await registry.signIn(login: "zhao", password: password, code: next) } throws: { Self.code($0) == "totp_invalid" }
    }

    @Test func disablingEndsSessionsAndRoleChangesReplaceTokens() async throws {
        let clock = Clock()
        let (registry, _, _) = try Self.registry(clock)
        let (_, token, _) = try await Self.person(registry, "sun", roles: [.secretary])
        let claims = try #require(try await registry.tokens.verify(token))
        let list = RevocationList()

        // A role change: tokens issued before it no longer hold, and the renewed one carries the new roles.
        clock.advance(1)
        _ = try await registry.changeRoles("sun", grant: [.leader], revoke: [.secretary], unit: nil, actor: "security", knownBureaus: nil)
        list.apply(try await registry.revocations(after: 0), forgettingBefore: .distantPast)
        #expect(list.revokes(claims))
        clock.advance(1)
        let renewed = try #require(try await registry.tokens.verify(try await registry.refresh(token).token))
        #expect(renewed.roles == [.leader] && !list.revokes(renewed))
        await #expect { try await registry.changeRoles("sun", grant: [.leader], revoke: [], unit: nil, actor: "sun", knownBureaus: nil) }
            throws: { Self.code($0) == "own_roles" }

        // Disabled: the session ends, the feed says so, and no refresh brings it back.
        try await registry.setDisabled("sun", disabled: true, actor: "system")
        list.apply(try await registry.revocations(after: list.lastSeq), forgettingBefore: .distantPast)
        #expect(list.revokes(renewed))
        await #expect { try await registry.refresh(token) } throws: { Self.code($0) == "session_ended" }
        await #expect { try await registry.signIn(login: "sun", password: "Gov-Enterprise-42", code: nil) }
            throws: { Self.code($0) == "credentials_invalid" }
    }

    @Test func theFirstAdministratorIsMadeOnceWithASecondFactorAndMustChangeThePassword() async throws {
        let clock = Clock()
        let (registry, _, _) = try Self.registry(clock)
        let first = try await registry.bootstrap(login: "admin", actor: "operator:root")
        let setup = try #require(first.totp)
        #expect(setup.uri.hasPrefix("otpauth://totp/admin?secret="))
        await #expect { try await registry.bootstrap(login: "admin2", actor: "operator:root") } throws: { Self.code($0) == "accounts_exist" }
        await #expect { try await registry.signIn(login: "admin", password: first.temporaryPassword, code: nil) }
            throws: { Self.code($0) == "totp_required" }
        let code = String(format: "%06d", TOTP(secret: setup.secret).compute(date: Date()))
        let signedIn = try await registry.signIn(login: "admin", password: first.temporaryPassword, code: code)
        #expect(signedIn.stage == .passwordChange && Set(signedIn.person.roles) == [.systemAdministrator, .securityAdministrator])
        // Until the password is changed, the token grants nothing else.
        let claims = try #require(try await registry.tokens.verify(signedIn.token))
        #expect(claims.principal.scopes == ["password-change"])
    }

    @Test func anyoneMayTurnOnOneTimeCodes() async throws {
        let clock = Clock()
        let (registry, _, _) = try Self.registry(clock)
        let (password, token, _) = try await Self.person(registry, "qian", roles: [.bureauHead], unit: "transport")
        let principal = try #require(try await registry.tokens.verify(token)).principal
        let setup = try await registry.startTOTP(principal)
        let totp = TOTP(secret: setup.secret)
        await #expect { try await registry.confirmTOTP(principal, code: "000000" == String(format: "%06d", totp.compute(date: Date())) ? "111111" : "000000") }
            throws: { Self.code($0) == "totp_invalid" }
        try await registry.confirmTOTP(principal, code: String(format: "%06d", totp.compute(date: Date())))
        await #expect { try await registry.signIn(login: "qian", password: password, code: nil) } throws: { Self.code($0) == "totp_required" }
        let next = String(format: "%06d", totp.compute(date: Date().addingTimeInterval(30)))
        #expect(try await registry.signIn(login: "qian", password: password, code: next).stage == .full)
        // Once on, a session cannot swap in another secret: that is the security administrator's reset.
        await #expect { try await registry.startTOTP(principal) } throws: { Self.code($0) == "totp_enrolled" }
    }

    @Test func nobodyDisablesThemselvesAndTypedNamesCannotPassForOthers() async throws {
        let clock = Clock()
        let (registry, database, _) = try Self.registry(clock)
        _ = try await registry.bootstrap(login: "admin", actor: "operator:root")
        await #expect { try await registry.setDisabled("admin", disabled: true, actor: "admin") } throws: { Self.code($0) == "own_account" }
        // A refused sign-in records the name as typed, control and direction characters written out.
        await #expect { try await registry.signIn(login: "ad\u{0}min", password: "x", code: nil) } throws: { Self.code($0) == "credentials_invalid" }
        await #expect { try await registry.signIn(login: "ad\u{202E}nimda", password: "x", code: nil) } throws: { Self.code($0) == "credentials_invalid" }
        let actors = try await database.read { try String.fetchAll($0, sql: "SELECT actor FROM audit_log WHERE action = 'sign-in' ORDER BY seq") }
        #expect(actors == ["ad\\u{0}min", "ad\\u{202e}nimda"], "\(actors)")
        await #expect { try await registry.createAccount(login: "li", displayName: "李\u{202E}", unit: nil, roles: [], phone: nil, actor: "admin", knownBureaus: nil) }
            throws: { Self.code($0) == "invalid_name" }
    }
}
