import DubanIdentity
import DubanModels
import DubanRuntime
import Foundation
import HTTPTypes
import Hummingbird

/// Signing in and out, the password change a new or reset account must make first, and a person's own second factor.
/// Intake checks everything (DubanIdentity, docs/ARCHITECTURE.md "People and access"); these pages pass on what
/// people type and keep the session's token in the HttpOnly cookie.
extension DashboardRoutes {
    static let signInPath = "/dashboard/sign-in"
    static let passwordPath = "/dashboard/password"
    static let signOutPath = "/dashboard/sign-out"
    static let accountPath = "/dashboard/account"
    /// The sign-in form's own CSRF token (double-submit: this cookie and the form must agree), before any session.
    static let signInCookie = "duban_sign_in"

    /// The paths anyone may open: the public results and the sign-in page (and `/`, which only redirects).
    static func isPublic(_ path: String) -> Bool {
        path == "/" || path == "/public" || path.hasPrefix("/public/") || path == signInPath
    }

    /// Where each role lands after signing in: a clerk or head on the bureau's workbench, a supervisor on what is due
    /// and overdue, a leader on the overview, the secretary on entry, administrators on their own pages.
    static func landing(_ principal: Principal) -> String {
        let roles = principal.roles
        if principal.scopes == ["password-change"] { return passwordPath }
        if roles.contains(.bureauClerk) || roles.contains(.bureauHead) { return workbenchPath }
        if roles.contains(.supervisor) { return "/dashboard/cases?status=open&order=deadline" }
        if roles.contains(.leader) || roles.contains(.approver) { return "/dashboard" }
        if roles.contains(.secretary) || roles.contains(.liaison) { return workbenchPath }
        if roles.contains(.systemAdministrator) || roles.contains(.securityAdministrator) { return AdminPages.accountsPath }
        if roles.contains(.auditAdministrator) { return AdminPages.auditPath }
        return principal.kind == .key ? "/dashboard" : accountPath
    }

    /// Only a path on this site's pages may be where sign-in leads back to (no `//elsewhere`).
    static func safeNext(_ next: String?) -> String? {
        guard let next, next.hasPrefix("/dashboard") || next.hasPrefix("/public"), !next.contains("//"), !next.contains("\\"),
              next.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f }) else { return nil }
        return next
    }

    func registerSession(on router: RouterGroup<DubanRequestContext>) {
        router.get(RouterPath(Self.signInPath)) { request, context -> Response in
            let query = request.queryDictionary
            let lang = Language(query: query)
            if let principal = context.principal {
                return Self.seeOther(Self.safeNext(query["next"]) ?? Self.landing(principal))
            }
            let token = PersonClaims.randomToken()
            let error = query["code"].flatMap { (try? /[a-z_]{1,64}/.wholeMatch(in: $0)) != nil ? lang.pageProblem($0, message: $0) : nil }
            var response = HTMLPage(title: lang("登录", "Sign in"), language: lang, section: .none, path: Self.signInPath,
                                    query: query.filter { $0.key == "lang" || $0.key == "next" },
                                    body: SignInPage.form(lang, next: Self.safeNext(query["next"]), csrf: token, error: error, code: query["code"])).response
            response.setCookie(Cookie(name: Self.signInCookie, value: token, path: Self.signInPath, secure: secureCookies, httpOnly: true,
                                      sameSite: .strict))
            return response
        }
        router.post(RouterPath(Self.signInPath)) { request, _ -> Response in
            let form = try await Self.form(request)
            let lang = Language(query: form)
            let next = Self.safeNext(form["next"])
            func back(_ code: String) -> Response {
                var query = ["code": code]
                if let next { query["next"] = next }
                if lang == .en { query["lang"] = "en" }
                return Self.seeOther(Self.signInPath + HTMLPage.queryString(query))
            }
            guard let expected = request.cookies[Self.signInCookie]?.value, !expected.isEmpty, form["csrf"] == expected else {
                return back("csrf_invalid")
            }
            let signedIn: IntakeClient.SignedIn
            do {
                signedIn = try await intake.signIn(login: (form["login"] ?? "").trimmingCharacters(in: .whitespaces), password: form["password"] ?? "",
                                                   code: form["code"].flatMap { $0.isEmpty ? nil : $0.trimmingCharacters(in: .whitespaces) })
            } catch let failure as IntakeClient.Failure {
                return back(failure.code)
            } catch {
                logger.error("sign-in: intake unreachable", metadata: ["error": "\(error)"])
                return back("intake_unavailable")
            }
            let target = signedIn.stage == "full" ? (next ?? "/dashboard/home") : Self.passwordPath
            var response = Self.seeOther(target + (lang == .en ? (target.contains("?") ? "&" : "?") + "lang=en" : ""))
            response.setCookie(SessionCookie.make(signedIn.token, secure: secureCookies))
            response.setCookie(Cookie(name: Self.signInCookie, value: "", maxAge: 0, path: Self.signInPath, secure: secureCookies,
                                      httpOnly: true, sameSite: .strict))
            return response
        }
        // Each role's own start page.
        router.get("/dashboard/home") { request, context -> Response in
            guard let principal = context.principal else { return Self.seeOther(Self.signInPath) }
            let lang = Language(query: request.queryDictionary)
            let target = Self.landing(principal)
            return Self.seeOther(target + (lang == .en ? (target.contains("?") ? "&" : "?") + "lang=en" : ""))
        }
        router.get(RouterPath(Self.passwordPath)) { request, context -> Response in
            let query = request.queryDictionary
            let lang = Language(query: query)
            let outcome = Self.outcome(query, lang)
            return HTMLPage(title: lang("修改密码", "Change your password"), language: lang, section: .none, path: Self.passwordPath,
                            query: query.filter { $0.key == "lang" }, viewer: context.principal,
                            body: SignInPage.passwordForm(lang, csrf: context.principal?.csrfToken ?? "", error: outcome.error,
                                                          code: outcome.code,
                                                          mustChange: context.principal?.scopes == ["password-change"])).response
        }
        router.post(RouterPath(Self.passwordPath)) { request, context -> Response in
            let form = try await sessionForm(request, context)
            let lang = Language(query: form)
            func back(_ code: String) -> Response { Self.seeOther(Self.passwordPath + HTMLPage.queryString(lang == .en ? ["code": code, "lang": "en"] : ["code": code])) }
            guard form["new"] == form["confirm"] else { return back("password_mismatch") }
            do {
                let signedIn = try await intake.changePassword(token: context.credential ?? "", current: form["current"] ?? "", new: form["new"] ?? "")
                var response = Self.seeOther("/dashboard/home" + (lang == .en ? "?lang=en" : ""))
                response.setCookie(SessionCookie.make(signedIn.token, secure: secureCookies))
                return response
            } catch let failure as IntakeClient.Failure {
                return back(failure.code)
            }
        }
        router.post(RouterPath(Self.signOutPath)) { request, context -> Response in
            let form = try await sessionForm(request, context)
            if let token = context.credential, context.viaCookie {
                do { try await intake.signOut(token: token) } catch {
                    logger.error("sign-out: intake did not end the session", metadata: ["error": "\(error)"])
                }
            }
            var response = Self.seeOther(Self.signInPath + (Language(query: form) == .en ? "?lang=en" : ""))
            response.setCookie(SessionCookie.clear(secure: secureCookies))
            return response
        }
        router.get(RouterPath(Self.accountPath)) { request, context -> Response in
            let query = request.queryDictionary
            let lang = Language(query: query)
            let outcome = Self.outcome(query, lang)
            return HTMLPage(title: lang("我的账号", "My account"), language: lang, section: .none, path: Self.accountPath,
                            query: query.filter { $0.key == "lang" }, viewer: context.principal,
                            body: SignInPage.account(lang, principal: context.principal, setup: nil, message: outcome.message,
                                                     error: outcome.error, words: words)).response
        }
        router.post(RouterPath(Self.accountPath)) { request, context -> Response in
            let form = try await sessionForm(request, context)
            let lang = Language(query: form)
            let token = context.credential ?? ""
            do {
                if let code = form["code"], !code.isEmpty {
                    try await intake.confirmTOTP(token: token, code: code.trimmingCharacters(in: .whitespaces))
                    return Self.seeOther(Self.accountPath + HTMLPage.queryString(lang == .en ? ["done": "totp", "lang": "en"] : ["done": "totp"]))
                }
                let setup = try await intake.startTOTP(token: token)
                return HTMLPage(title: lang("我的账号", "My account"), language: lang, section: .none, path: Self.accountPath,
                                query: lang == .en ? ["lang": "en"] : [:], viewer: context.principal,
                                body: SignInPage.account(lang, principal: context.principal, setup: setup, message: nil, error: nil, words: words)).response
            } catch let failure as IntakeClient.Failure {
                return Self.seeOther(Self.accountPath + HTMLPage.queryString(lang == .en ? ["code": failure.code, "lang": "en"] : ["code": failure.code]))
            }
        }
    }

    /// A form posted by a signed-in person: with the session's CSRF token, or refused.
    /// - Throws: 403 `csrf_invalid`.
    func sessionForm(_ request: Request, _ context: DubanRequestContext) async throws -> [String: String] {
        let form = try await Self.form(request)
        if context.viaCookie {
            guard let expected = context.principal?.csrfToken, form["csrf"] == expected else {
                throw APIError(.forbidden, code: "csrf_invalid", "the form lacks this session's token: reload the page and try again")
            }
        }
        return form
    }

    static func seeOther(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}
