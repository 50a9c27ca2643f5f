import DubanRuntime
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Logging

/// The dashboard's pages, served by reporting: `/dashboard` (overview), `/dashboard/cases/{id}`,
/// `/dashboard/workbench` with its sign-in and forms, and `/public` (公开结果). `?lang=en` switches to English.
struct DashboardRoutes: Sendable {
    let database: DatabasePool
    let clock: WallClock
    let intake: IntakeClient
    let logger: Logger

    /// The workbench remembers the bureau's key in this cookie: HttpOnly (no script reads it), SameSite=Strict (no
    /// other site's form can use it), scoped to the workbench, gone when the browser closes.
    static let keyCookie = "duban_workbench_key"
    static let workbenchPath = "/dashboard/workbench"

    func register(on router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in Response(status: .seeOther, headers: [.location: "/dashboard"]) }
        router.get("/dashboard") { request, _ -> Response in
            let query = request.queryDictionary
            let lang = Language(query: query)
            let (from, to) = try ReportPeriod.range(from: query["from"], to: query["to"])
            let now = clock.now()
            let overview = try await database.read { try Overview.compute(from: from, to: to, now: now, in: $0) }
            return HTMLPage(title: lang("问题办理总览", "Overview"), language: lang, section: .overview, path: "/dashboard",
                            query: query, body: overview.html(lang)).response
        }
        router.get("/dashboard/cases/{id}") { request, context -> Response in
            let query = request.queryDictionary
            let lang = Language(query: query)
            let id = try context.parameters.require("id")
            guard let view = try await database.read({ try CaseView.fetch(id, in: $0) }) else {
                throw APIError.notFound("case_not_found", "no case \(id) in reporting")
            }
            return HTMLPage(title: view.title ?? id, language: lang, section: .none, path: "/dashboard/cases/\(id)",
                            query: query, body: view.html(lang, now: clock.now())).response
        }
        router.get("/public") { request, _ -> Response in
            let query = request.queryDictionary
            let lang = Language(query: query)
            guard let page = Int(query["page"] ?? "1"), (1...100_000).contains(page) else {
                throw APIError.badRequest("invalid_page", "page is a whole number from 1")
            }
            let now = clock.now()
            let results = try await database.read { try PublicResults.compute(page: page, now: now, in: $0) }
            return HTMLPage(title: lang("公开结果", "Public results"), language: lang, section: .publicResults, path: "/public",
                            query: query, body: results.html(lang)).response
        }
        registerWorkbench(on: router)
    }

    private func registerWorkbench(on router: Router<BasicRequestContext>) {
        router.get(RouterPath(Self.workbenchPath)) { request, _ -> Response in
            let query = request.queryDictionary
            let lang = Language(query: query)
            func page(_ body: String) -> Response {
                HTMLPage(title: lang("单位工作台", "Bureau workbench"), language: lang, section: .workbench,
                         path: Self.workbenchPath, query: query.filter { $0.key == "lang" }, body: body).response
            }
            guard let key = request.cookies[Self.keyCookie]?.value, !key.isEmpty else {
                return page(Workbench.signIn(lang, error: query["error"]))
            }
            guard let identity = try await identity(key) else {
                var response = page(Workbench.signIn(lang, error: lang("密钥无效或已吊销，请重新登录。", "The key is unknown or revoked; sign in again.")))
                response.setCookie(Self.cookie(""))
                return response
            }
            let now = clock.now()
            let workbench = try await database.read { try Workbench.compute(identity: identity, now: now, in: $0) }
            return page(workbench.html(lang, message: query["done"], error: query["error"]))
        }
        router.post(RouterPath(Self.workbenchPath + "/sign-in")) { request, _ -> Response in
            let form = try await Self.form(request)
            let lang = Language(query: form)
            let key = (form["key"] ?? "").trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f && $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: ",") }),
                  try await identity(key) != nil else {
                return Self.redirect(lang, ["error": lang("密钥无效或已吊销。", "The key is unknown or revoked.")])
            }
            var response = Self.redirect(lang, [:])
            response.setCookie(Self.cookie(key))
            return response
        }
        router.post(RouterPath(Self.workbenchPath + "/sign-out")) { request, _ -> Response in
            var response = Self.redirect(Language(query: try await Self.form(request)), [:])
            response.setCookie(Self.cookie(""))
            return response
        }
        router.post(RouterPath(Self.workbenchPath + "/cases/{id}")) { request, context -> Response in
            let form = try await Self.form(request)
            let lang = Language(query: form)
            let id = try context.parameters.require("id")
            guard let key = request.cookies[Self.keyCookie]?.value, !key.isEmpty else {
                return Self.redirect(lang, ["error": lang("请先登录。", "Sign in first.")])
            }
            let action = form["action"] ?? ""
            let note = form["note"].flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
            guard form["days"].map({ $0.isEmpty || Int($0) != nil }) ?? true else {
                return Self.redirect(lang, ["error": lang("延期天数须为整数。", "Days must be a whole number.")])
            }
            let days = form["days"].flatMap { Int($0) }
            do {
                try await intake.update(caseID: id, key: key,
                                        .init(action: action, note: note, days: action == "request_extension" ? days : nil))
            } catch let failure as IntakeClient.Failure {
                return Self.redirect(lang, ["error": "\(id): \(failure.message) (\(failure.code))"])
            } catch {
                logger.error("workbench: intake unreachable", metadata: ["error": "\(error)"])
                return Self.redirect(lang, ["error": lang("无法连接受理服务，请稍后再试。", "Intake cannot be reached; try again shortly.")])
            }
            return Self.redirect(lang, ["done": "\(id): \(lang.action(action)) ✓"])
        }
    }

    private func identity(_ key: String) async throws -> IntakeClient.Identity? {
        do {
            return try await intake.identity(key: key)
        } catch {
            logger.error("workbench: cannot ask intake who a key is", metadata: ["error": "\(error)"])
            throw APIError(.serviceUnavailable, code: "intake_unavailable", "intake cannot be reached; try again shortly")
        }
    }

    private static func cookie(_ value: String) -> Cookie {
        Cookie(name: keyCookie, value: value, maxAge: value.isEmpty ? 0 : nil, path: workbenchPath, httpOnly: true, sameSite: .strict)
    }

    private static func redirect(_ lang: Language, _ query: [String: String]) -> Response {
        var query = query
        if lang == .en { query["lang"] = "en" }
        return Response(status: .seeOther, headers: [.location: workbenchPath + HTMLPage.queryString(query)])
    }

    /// An `application/x-www-form-urlencoded` body (the pages' forms), at most 64 KiB.
    private static func form(_ request: Request) async throws -> [String: String] {
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type", "send the form as application/x-www-form-urlencoded")
        }
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: 64 * 1_024) } catch {
            throw APIError(.contentTooLarge, code: "body_too_large", "the form is larger than 64 KiB")
        }
        guard let fields = try? URLEncodedFormDecoder().decode([String: String].self, from: String(buffer: buffer)) else {
            throw APIError.badRequest("invalid_form", "the form is not valid application/x-www-form-urlencoded")
        }
        return fields
    }
}
