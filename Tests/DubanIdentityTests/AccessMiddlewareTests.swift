import DubanIdentity
import DubanModels
import DubanRuntime
import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// The gate in process, with a real signing key and HummingbirdTesting: who gets in, where a page visitor without a
/// session is sent, how a stale cookie is renewed and an ended session refused, and that public pages stay open
/// when credentials cannot be checked.
@Suite struct AccessMiddlewareTests {
    final class Clock: Sendable {
        let now = Mutex(Date())
        var wall: WallClock { WallClock { [self] in now.withLock { $0 } } }
    }

    final class Fixture: Sendable {
        let keys: TokenKeys
        let revocations = RevocationList()
        let clock = Clock()
        let refreshes = Mutex(0)

        init() throws {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("signing-\(UUID().uuidString).key").path
            keys = try TokenKeys(signingKeyFile: path)
        }

        func token(login: String = "li", roles: [Role] = [.supervisor], issued: Date, lifetime: TimeInterval = 300, sid: String = "s1") async throws -> String {
            try await keys.sign(PersonClaims(login: login, name: "李", unit: nil, roles: roles, sessionID: sid, csrf: "c1", stage: .full,
                                             issued: issued, expires: issued.addingTimeInterval(lifetime)))
        }

        func application() -> some ApplicationProtocol {
            let fixture = self
            let gate = AccessGate(keys: keys, revocations: revocations, acceptsCookie: true, clock: clock.wall,
                                  apiKey: { $0 == "dbk_good" ? Principal(kind: .key, name: "desk", displayName: "desk", scopes: ["read"]) : nil },
                                  refresh: { token in
                                      fixture.refreshes.withLock { $0 += 1 }
                                      guard let claims = try await fixture.keys.verify(token), !fixture.revocations.revokes(claims) else { return nil }
                                      return try await fixture.token(issued: fixture.clock.now.withLock { $0 }, sid: claims.sid)
                                  })
            let router = Router(context: DubanRequestContext.self)
            router.add(middleware: AccessMiddleware(gate: gate, secureCookies: true, signInPath: "/dashboard/sign-in",
                                                    isPage: { $0.hasPrefix("/dashboard") }, isPublic: { $0 == "/public" }))
            router.get("/v1/who") { _, context in context.principal?.name ?? "nobody" }
            router.get("/dashboard/cases") { _, context in context.principal?.name ?? "nobody" }
            router.get("/public") { _, context in "public:" + (context.principal?.name ?? "anyone") }
            return Application(router: router)
        }
    }

    @Test func noCredentialIsRefusedAndAPageLeadsToSignIn() async throws {
        let fixture = try Fixture()
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/v1/who", method: .get) { response in
                #expect(response.status == .unauthorized && String(buffer: response.body).contains("authentication_required"))
            }
            try await client.execute(uri: "/v1/who", method: .get, headers: [.authorization: "Bearer dbk_bad"]) { response in
                #expect(response.status == .unauthorized && String(buffer: response.body).contains("credentials_invalid"))
            }
            try await client.execute(uri: "/dashboard/cases?status=open&lang=en", method: .get) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/dashboard/sign-in?next=/dashboard/cases%3Fstatus%3Dopen%26lang%3Den&lang=en")
            }
            try await client.execute(uri: "/public", method: .get) { response in #expect(String(buffer: response.body) == "public:anyone") }
            try await client.execute(uri: "/v1/who", method: .get, headers: [.authorization: "Bearer dbk_good"]) { response in
                #expect(String(buffer: response.body) == "desk")
            }
        }
    }

    @Test func aStaleCookieIsRenewedAndAnEndedSessionRefused() async throws {
        let fixture = try Fixture()
        let now = fixture.clock.now.withLock { $0 }
        let fresh = try await fixture.token(issued: now)
        let stale = try await fixture.token(issued: now.addingTimeInterval(-200))  // past half of its 300 s
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/v1/who", method: .get, headers: [.cookie: "duban_session=\(fresh)"]) { response in
                #expect(String(buffer: response.body) == "li" && response.headers[.setCookie] == nil)
            }
            try await client.execute(uri: "/v1/who", method: .get, headers: [.cookie: "duban_session=\(stale)"]) { response in
                #expect(String(buffer: response.body) == "li")
                let cookie = response.headers[.setCookie] ?? ""
                for flag in ["duban_session=", "HttpOnly", "SameSite=Strict", "Secure", "Path=/"] { #expect(cookie.contains(flag), "\(cookie)") }
            }
            #expect(fixture.refreshes.withLock { $0 } == 1)
            // An expired bearer token is not renewed on the way: its holder refreshes it.
            let expired = try await fixture.token(issued: now.addingTimeInterval(-400))
            try await client.execute(uri: "/v1/who", method: .get, headers: [.authorization: "Bearer \(expired)"]) { response in
                #expect(response.status == .unauthorized)
            }
            // The session ends (sign-out): the feed says so, and the cookie is refused and cleared.
            fixture.revocations.apply([Revocation(seq: 1, kind: .session, subject: Revocation.sessionSubject("s1"), at: now)],
                                      forgettingBefore: .distantPast)
            try await client.execute(uri: "/v1/who", method: .get, headers: [.cookie: "duban_session=\(fresh)"]) { response in
                #expect(response.status == .unauthorized)
                #expect((response.headers[.setCookie] ?? "").contains("Max-Age=0"))
            }
            // A token signed with another key is nobody's.
            let other = try Fixture()
            let forged = try await other.token(issued: now, sid: "s9")
            try await client.execute(uri: "/v1/who", method: .get, headers: [.authorization: "Bearer \(forged)"]) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }
}
