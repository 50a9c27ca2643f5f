import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension EndToEnd {
    /// People and access across the services, black-box: what a caller without a session sees, what one bureau's clerk
    /// cannot reach of another's, lock-out, CSRF, cookie flags, the administrators' second factor, a leader's 批示,
    /// a bureau head's decision, sessions ended everywhere, and the audit administrator's search.
    @Suite(.serialized) struct AccessTests {
        /// Two routed cases of two bureaus.
        static func twoBureaus(_ stack: Stack) async throws -> (a: (id: String, bureau: String), b: (id: String, bureau: String)) {
            var made: [(String, String)] = []
            for (title, description) in [("厂区频繁停电", "近一个月停电三次，生产线被迫中断"), ("企业拖欠工资", "三个月未发工资，请劳动监察处理")] {
                let (_, created) = try await stack.postCase(["title": title, "description": description])
                let id = try #require(created["id"] as? String)
                let view = try await stack.waitForCase(id) { $0["bureau"] != nil && $0["deadline"] != nil }
                try await stack.waitUntilIntakeKnowsTheBureau(id)
                made.append((id, try #require(view["bureau"] as? String)))
            }
            #expect(made[0].1 != made[1].1, "the two cases should go to two bureaus: \(made)")
            return ((made[0].0, made[0].1), (made[1].0, made[1].1))
        }

        @Test func withoutASessionOnlyThePublicPageAnswers() async throws {
            let stack = try Stack()
            try await stack.startAll()
            defer { stack.stopAll() }
            let cases = try await stack.request("reporting", "GET", "/v1/cases", anonymous: true)
            #expect(cases.status == 401)
            #expect(String(decoding: cases.body, as: UTF8.self).contains("authentication_required"))
            #expect(try await stack.request("reporting", "GET", "/v1/stats", anonymous: true).status == 401)
            #expect(try await stack.request("escalation", "GET", "/v1/notices", anonymous: true).status == 401)
            let bogus = try await stack.request("reporting", "GET", "/v1/cases", headers: ["Authorization": "Bearer dbk_nope"])
            #expect(bogus.status == 401 && String(decoding: bogus.body, as: UTF8.self).contains("credentials_invalid"))
            let page = try await noRedirect(stack, "/dashboard/cases?status=open")
            #expect(page.status == 303)
            #expect(page.location == "/dashboard/sign-in?next=/dashboard/cases%3Fstatus%3Dopen")
            #expect(try await stack.request("reporting", "GET", "/public", anonymous: true).status == 200)
            #expect(try await stack.request("reporting", "GET", "/dashboard/sign-in", anonymous: true).status == 200)
            // Up or not, to anyone; the details to operators (loopback here).
            let health = try await stack.request("reporting", "GET", "/health", anonymous: true)
            #expect(health.status == 200 && String(decoding: health.body, as: UTF8.self).contains("links"))
        }

        @Test func aClerkReachesOnlyTheirOwnBureausCasesThroughEveryDoor() async throws {
            let stack = try Stack()
            try await stack.startAll()
            defer { stack.stopAll() }
            let (a, b) = try await Self.twoBureaus(stack)
            let clerk = try await stack.person("li.clerk", name: "李承办", roles: ["bureau-clerk"], unit: a.bureau)
            let token = clerk.token

            #expect(try await stack.call("reporting", "GET", "/v1/cases/\(a.id)", token: token).status == 200)
            #expect(try await stack.call("reporting", "GET", "/v1/cases/\(b.id)", token: token).status == 404)
            let list = try await stack.call("reporting", "GET", "/v1/cases", token: token)
            let ids = (list.json["cases"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(ids == [a.id], "the clerk's list: \(ids)")
            #expect(try await stack.call("reporting", "GET", "/v1/stats?bureau=\(b.bureau)", token: token).status == 403)
            #expect(try await stack.call("reporting", "GET", "/v1/stats", token: token).status == 200)
            #expect(try await stack.call("reporting", "GET", "/v1/reports/weekly", token: token).status == 403)
            #expect(try await stack.call("escalation", "GET", "/v1/clocks/\(b.id)", token: token).status == 404)
            #expect(try await stack.call("escalation", "GET", "/v1/notices", token: token).status == 403)
            #expect(try await stack.call("intake", "GET", "/v1/cases/\(b.id)/contact", token: token).status == 403)
            let act = try await stack.call("intake", "POST", "/v1/cases/\(b.id)/updates", token: token, json: ["action": "sign"])
            #expect(act.status == 403 && (act.json["error"] as? [String: Any])?["code"] as? String == "not_your_case")
            let pages = ["/dashboard/cases/\(b.id)", "/dashboard/workbench/cases/\(b.id)"]
            for path in pages {
                #expect(try await stack.call("reporting", "GET", path, token: token).status == 404, "\(path)")
            }
            #expect(try await stack.call("reporting", "GET", "/dashboard/cases/\(a.id)", token: token).status == 200)
            // Their own: signed for through intake with the person's token.
            let signed = try await stack.call("intake", "POST", "/v1/cases/\(a.id)/updates", token: token, json: ["action": "sign"])
            #expect(signed.status == 200, "\(signed.json)")
        }

        @Test func fiveWrongPasswordsLockTheAccount() async throws {
            let stack = try Stack()
            try await stack.startAll()
            defer { stack.stopAll() }
            let person = try await stack.person("wang.sec", name: "王秘书", roles: ["secretary"])
            for attempt in 1...5 {
                let wrong = try await stack.signIn(person.login, password: "Wrong-password-\(attempt)")
                #expect(wrong.status == 401 && (wrong.json["error"] as? [String: Any])?["code"] as? String == "credentials_invalid")
            }
            let locked = try await stack.signIn(person.login, password: person.password)
            #expect(locked.status == 403 && (locked.json["error"] as? [String: Any])?["code"] as? String == "account_locked", "\(locked.json)")
            // An unknown login answers as a wrong password does.
            let unknown = try await stack.signIn("nobody", password: "Whatever-2026!")
            #expect(unknown.status == 401 && (unknown.json["error"] as? [String: Any])?["code"] as? String == "credentials_invalid")
        }

        @Test func anAdministratorCannotSignInWithoutTheOneTimeCode() async throws {
            let stack = try Stack()
            try await stack.startAll()
            defer { stack.stopAll() }
            let admin = try await stack.person("zhao.admin", name: "赵管理", roles: ["system-admin"])
            let secret = try #require(admin.totpSecret)
            let without = try await stack.signIn(admin.login, password: admin.password)
            #expect(without.status == 401 && (without.json["error"] as? [String: Any])?["code"] as? String == "totp_required")
            let wrong = try await stack.signIn(admin.login, password: admin.password, code: Stack.totpCode(secret) == "000000" ? "111111" : "000000")
            #expect(wrong.status == 401 && (wrong.json["error"] as? [String: Any])?["code"] as? String == "totp_invalid")
            // A code is good once: the one the password change used is spent; the next time step's is good.
            let next = Stack.totpCode(secret, at: Date().addingTimeInterval(30))
            let good = try await stack.signIn(admin.login, password: admin.password, code: next)
            #expect(good.status == 201, "\(good.json)")
            // An administrator reads no case content.
            let token = try #require(good.json["token"] as? String)
            #expect(try await stack.call("reporting", "GET", "/v1/cases", token: token).status == 403)
        }

        @Test func theSignInPageSetsAStrictCookieAndFormsNeedTheSessionsToken() async throws {
            let stack = try Stack()
            stack.publicURL = "https://duban.test"
            try await stack.startAll()
            defer { stack.stopAll() }
            let (a, _) = try await Self.twoBureaus(stack)
            let clerk = try await stack.person("chen.clerk", name: "陈承办", roles: ["bureau-clerk"], unit: a.bureau)

            let form = try await noRedirect(stack, "/dashboard/sign-in")
            let signInCookie = try #require(form.cookies.first { $0.hasPrefix("duban_sign_in=") }).components(separatedBy: ";")[0]
            let csrf = try #require(Self.hidden("csrf", in: form.body))
            let noToken = try await noRedirect(stack, "/dashboard/sign-in", form: ["login": clerk.login, "password": clerk.password],
                                               cookie: signInCookie)
            #expect(noToken.location?.contains("code=csrf_invalid") == true, "\(String(describing: noToken.location))")
            let signedIn = try await noRedirect(stack, "/dashboard/sign-in", form: ["login": clerk.login, "password": clerk.password, "csrf": csrf],
                                                cookie: signInCookie)
            #expect(signedIn.status == 303 && signedIn.location == "/dashboard/home")
            let session = try #require(signedIn.cookies.first { $0.hasPrefix("duban_session=") })
            for flag in ["HttpOnly", "SameSite=Strict", "Path=/", "Secure"] { #expect(session.contains(flag), "\(flag) missing: \(session)") }
            let cookie = session.components(separatedBy: ";")[0]

            let home = try await noRedirect(stack, "/dashboard/home", cookie: cookie)
            #expect(home.location == "/dashboard/workbench")
            let workbench = try await noRedirect(stack, "/dashboard/workbench", cookie: cookie)
            #expect(workbench.status == 200 && workbench.body.contains("data-case=\"\(a.id)\""))
            let sessionCSRF = try #require(Self.hidden("csrf", in: workbench.body))
            // A form without the session's token is refused, and the case is untouched.
            let forged = try await noRedirect(stack, "/dashboard/workbench/cases/\(a.id)", form: ["action": "sign"], cookie: cookie)
            #expect(forged.status == 403 && forged.body.contains("csrf_invalid"))
            let view = try await stack.getJSON("reporting", "/v1/cases/\(a.id)").json
            #expect(view["status"] as? String == "assigned")
            let real = try await noRedirect(stack, "/dashboard/workbench/cases/\(a.id)", form: ["action": "sign", "csrf": sessionCSRF], cookie: cookie)
            #expect(real.status == 303 && real.location?.contains("done=sign") == true, "\(String(describing: real.location))")
            // A clerk's return goes to the head: refused as a return, taken as a proposal.
            let returned = try await noRedirect(stack, "/dashboard/workbench/cases/\(a.id)", form: ["action": "return", "note": "非本单位职责", "csrf": sessionCSRF], cookie: cookie)
            #expect(returned.location?.contains("code=head_decides") == true, "\(String(describing: returned.location))")

            // Signing out ends the session on the server: the old cookie no longer opens anything.
            let out = try await noRedirect(stack, "/dashboard/sign-out", form: ["csrf": sessionCSRF], cookie: cookie)
            #expect(out.status == 303 && out.location == "/dashboard/sign-in")
            try await Task.sleep(for: .seconds(2.5))
            let after = try await noRedirect(stack, "/dashboard/workbench", cookie: cookie)
            #expect(after.status == 303 && after.location?.hasPrefix("/dashboard/sign-in") == true)
        }

        @Test func aHeadDecidesALeaderInstructsADisabledAccountIsRefusedAndTheAuditFindsItAll() async throws {
            let stack = try Stack()
            try await stack.startAll()
            defer { stack.stopAll() }
            let (a, _) = try await Self.twoBureaus(stack)
            let clerk = try await stack.person("sun.clerk", name: "孙承办", roles: ["bureau-clerk"], unit: a.bureau)
            let head = try await stack.person("zhou.head", name: "周局长", roles: ["bureau-head"], unit: a.bureau)
            let leader = try await stack.person("wu.leader", name: "吴书记", roles: ["leader"])
            let auditor = try await stack.person("zheng.audit", name: "郑审计", roles: ["audit-admin"])

            // The clerk proposes a return; the head approves it; the case leaves the bureau.
            let proposed = try await stack.call("intake", "POST", "/v1/cases/\(a.id)/updates", token: clerk.token,
                                                json: ["action": "propose_return", "note": "属于供水单位职责"])
            #expect(proposed.status == 200, "\(proposed.json)")
            let decided = try await stack.call("intake", "POST", "/v1/cases/\(a.id)/updates", token: head.token,
                                               json: ["action": "decide_proposal", "approved": true])
            #expect(decided.status == 200 && decided.json["action"] as? String == "return", "\(decided.json)")
            let timeline = try await stack.waitForCase(a.id) { view in
                ((view["timeline"] as? [[String: Any]]) ?? []).contains { ($0["action"] as? String) == "return" }
            }
            let actions = ((timeline["timeline"] as? [[String: Any]]) ?? []).compactMap { $0["action"] as? String }
            #expect(actions.contains("propose_return") && actions.contains("decide_proposal"), "\(actions)")

            // The leader's 批示 reaches the owning bureau as a notice.
            let (_, created) = try await stack.postCase(["title": "园区道路坑洼", "description": "主干道多处坑洼，货车通行困难"])
            let id = try #require(created["id"] as? String)
            let view = try await stack.waitForCase(id) { $0["bureau"] != nil && $0["deadline"] != nil }
            let bureau = try #require(view["bureau"] as? String)
            let instructed = try await stack.call("intake", "POST", "/v1/cases/\(id)/updates", token: leader.token,
                                                  json: ["action": "instruct", "note": "请本周内拿出整改方案"])
            #expect(instructed.status == 200, "\(instructed.json)")
            var notice: [String: Any]?
            for _ in 0..<50 where notice == nil {
                notice = try await stack.getArray("escalation", "/v1/notices").first { $0["kind"] as? String == "instruction" && $0["caseId"] as? String == id }
                if notice == nil { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(notice?["recipient"] as? String == bureau)
            #expect((notice?["text"] as? String)?.contains("请本周内拿出整改方案") == true)
            #expect(try await stack.call("intake", "POST", "/v1/cases/\(id)/updates", token: clerk.token,
                                         json: ["action": "instruct", "note": "x"]).status == 403)

            // A disabled account is refused everywhere within seconds.
            #expect(try await stack.call("reporting", "GET", "/v1/stats", token: clerk.token).status == 200)
            let disabled = try stack.command("intake", ["accounts", "disable", "--login", clerk.login])
            #expect(disabled.status == 0, "\(disabled.output)")
            try await Task.sleep(for: .seconds(2.5))
            let refused = try await stack.call("reporting", "GET", "/v1/stats", token: clerk.token)
            let feed = String(decoding: try await stack.request("intake", "GET", "/v1/identity/revocations?after=0").body, as: UTF8.self)
            #expect(refused.status == 401, "\(refused.json) \(feed) \(disabled.output)")
            let refusedByIntake = try await stack.call("intake", "POST", "/v1/cases/\(a.id)/updates", token: clerk.token, json: ["action": "progress", "note": "x"])
            #expect(refusedByIntake.status == 401, "\(refusedByIntake.json)")

            // The audit administrator finds the clerk's acts, as JSON and as CSV.
            let found = try await stack.call("intake", "GET", "/v1/audit?actor=\(clerk.login)", token: auditor.token)
            #expect(found.status == 200)
            let rows = try JSONSerialization.jsonObject(with: try await stack.request("intake", "GET", "/v1/audit?actor=\(clerk.login)",
                                                                                     headers: ["Authorization": "Bearer \(auditor.token)"]).body) as? [[String: Any]] ?? []
            let audited = Set(rows.compactMap { $0["action"] as? String })
            for action in ["sign-in", "password.change", "case.propose_return"] { #expect(audited.contains(action), "\(audited)") }
            let csv = try await stack.request("intake", "GET", "/v1/audit?subject=\(a.id)&format=csv", headers: ["Authorization": "Bearer \(auditor.token)"])
            let text = String(decoding: csv.body, as: UTF8.self)
            #expect(csv.status == 200 && text.hasPrefix("\u{FEFF}序号,时间,操作人") && text.contains("case.decide_proposal"))
            // The submission too, by the key that made it (one row per submitter per commit).
            #expect(text.contains("test-source,case.submit"), "\(text)")
            // And nobody else does.
            #expect(try await stack.call("intake", "GET", "/v1/audit", token: leader.token).status == 403)
        }

        // MARK: Helpers

        struct Answer {
            var status: Int
            var location: String?
            var cookies: [String]
            var body: String
        }

        /// A request to reporting's pages that does not follow redirects, as a browser's form post would be sent.
        static func noRedirect(_ stack: Stack, _ path: String, form: [String: String]? = nil, cookie: String? = nil) async throws -> Answer {
            var request = URLRequest(url: stack.url("reporting", path))
            if let form {
                request.httpMethod = "POST"
                request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
                request.httpBody = Data(form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
                    .joined(separator: "&").utf8)
            }
            if let cookie { request.setValue(cookie, forHTTPHeaderField: "Cookie") }
            request.httpShouldHandleCookies = false
            let (data, response) = try await URLSession(configuration: .ephemeral, delegate: NoRedirects(), delegateQueue: nil).data(for: request)
            let http = response as! HTTPURLResponse
            let cookies = (http.value(forHTTPHeaderField: "Set-Cookie") ?? "").components(separatedBy: ", duban").enumerated()
                .map { $0.offset == 0 ? $0.element : "duban" + $0.element }.filter { !$0.isEmpty }
            return Answer(status: http.statusCode, location: http.value(forHTTPHeaderField: "Location"), cookies: cookies,
                          body: String(decoding: data, as: UTF8.self))
        }

        func noRedirect(_ stack: Stack, _ path: String, form: [String: String]? = nil, cookie: String? = nil) async throws -> Answer {
            try await Self.noRedirect(stack, path, form: form, cookie: cookie)
        }

        static func hidden(_ name: String, in html: String) -> String? {
            guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
            return String(html[range.upperBound...].prefix { $0 != "\"" })
        }
    }
}

/// Hands redirects back to the test instead of following them.
final class NoRedirects: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}
