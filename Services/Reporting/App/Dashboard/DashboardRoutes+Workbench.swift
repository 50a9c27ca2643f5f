import DubanModels
import DubanRuntime
import Foundation
import HTTPTypes
import Hummingbird

/// The workbench (工作台): sign-in with an API key kept in a cookie, a bureau's cases with their forms, the case page
/// with the submitter's contact for the owning bureau, and the secretary's problem-list upload. Every change goes to
/// intake's API with the signed-in key (docs/DASHBOARD.md).
extension DashboardRoutes {
    func registerWorkbench(on router: RouterGroup<BasicRequestContext>) {
        router.get(RouterPath(Self.workbenchPath)) { request, _ -> Response in
            let query = request.queryDictionary
            let lang = Language(query: query)
            func page(_ body: String) -> Response {
                HTMLPage(title: lang("单位工作台", "Bureau workbench"), language: lang, section: .workbench,
                         path: Self.workbenchPath, query: query.filter { $0.key == "lang" }, body: body).response
            }
            guard let key = request.cookies[Self.keyCookie]?.value, !key.isEmpty else {
                return page(Workbench.signIn(lang, error: Self.outcome(query, lang).error))
            }
            guard let identity = try await identity(key) else {
                var response = page(Workbench.signIn(lang, error: lang("密钥无效或已吊销，请重新登录。", "The key is unknown or revoked; sign in again.")))
                response.setCookie(Self.cookie(""))
                return response
            }
            let now = clock.now()
            let workbench = try await database.read { try Workbench.compute(identity: identity, now: now, in: $0) }
            let outcome = Self.outcome(query, lang)
            return page(workbench.html(lang, words: words, message: outcome.message, error: outcome.error, code: outcome.code))
        }
        // The case page as the signed-in bureau sees it: with the submitter's contact when intake says the key may see it.
        router.get(RouterPath(Self.workbenchPath + "/cases/{id}")) { request, context -> Response in
            let query = request.queryDictionary
            let lang = Language(query: query)
            let id = try context.parameters.require("id")
            var contact: IntakeClient.Contact?
            if let key = request.cookies[Self.keyCookie]?.value, !key.isEmpty {
                do { contact = try await intake.contact(caseID: id, key: key) } catch {
                    logger.error("workbench: cannot ask intake for a contact", metadata: ["error": "\(error)"])
                }
            }
            return try await casePage(id, lang: lang, query: query, path: Self.workbenchPath + "/cases/\(id)", contact: contact)
        }
        router.post(RouterPath(ImportPage.path)) { request, _ -> Response in
            let lang = Language(query: request.queryDictionary)
            guard let key = request.cookies[Self.keyCookie]?.value, !key.isEmpty else {
                return Self.redirect(lang, ["code": "sign_in_required"])
            }
            let contentType = request.headers[.contentType] ?? ""
            let body: ByteBuffer
            do { body = try await request.body.collect(upTo: Self.maxImportBytes) } catch {
                throw APIError(.contentTooLarge, code: "body_too_large", "the file is larger than \(Self.maxImportBytes) bytes")
            }
            let title = lang("导入问题清单", "Import a problem list")
            let back = "<p><a href=\"\(Self.workbenchPath)\(lang == .en ? "?lang=en" : "")\">\(lang("返回工作台", "Back to the workbench"))</a></p>"
            func page(_ html: String) -> Response {
                HTMLPage(title: title, language: lang, section: .workbench, path: Self.workbenchPath, query: lang == .en ? ["lang": "en"] : [:],
                         body: html + back).response
            }
            do {
                return page(ImportPage.report(try await intake.importFile(key: key, contentType: contentType, body: body), lang))
            } catch let failure as IntakeClient.Failure {
                return page("<p class=\"error\" id=\"message\" data-code=\"\(esc(failure.code))\">\(esc(lang.problem(failure.code, message: failure.message)))</p>")
            } catch {
                logger.error("workbench: intake unreachable", metadata: ["error": "\(error)"])
                return page("<p class=\"error\" id=\"message\">\(lang("无法连接受理服务，请稍后再试。", "Intake cannot be reached; try again shortly."))</p>")
            }
        }
        router.post(RouterPath(Self.workbenchPath + "/sign-in")) { request, _ -> Response in
            let form = try await Self.form(request)
            let lang = Language(query: form)
            let key = (form["key"] ?? "").trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f && $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: ",") }),
                  try await identity(key) != nil else {
                return Self.redirect(lang, ["code": "api_key_invalid"])
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
                return Self.redirect(lang, ["code": "sign_in_required"])
            }
            let action = form["action"] ?? ""
            let note = form["note"].flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
            guard form["days"].map({ $0.isEmpty || Int($0) != nil }) ?? true else {
                return Self.redirect(lang, ["code": "invalid_days", "case": id])
            }
            let days = form["days"].flatMap { Int($0) }
            do {
                try await intake.update(caseID: id, key: key,
                                        .init(action: action, note: note, days: action == "request_extension" ? days : nil))
            } catch let failure as IntakeClient.Failure {
                return Self.redirect(lang, ["code": failure.code, "case": id])
            } catch {
                logger.error("workbench: intake unreachable", metadata: ["error": "\(error)"])
                return Self.redirect(lang, ["code": "intake_unavailable", "case": id])
            }
            return Self.redirect(lang, ["done": action, "case": id])
        }
    }

    /// The largest file the import page passes on (intake's own limit is `intake.max-import-bytes`, 8 MiB by default).
    static let maxImportBytes = 8 * 1_024 * 1_024

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

    /// What the page after a form says, from the redirect's query: `done=<action>` or `code=<error code>`, with the
    /// `case`. Only codes travel in the address and the page writes the words, so no link can make the workbench show
    /// a text of someone else's choosing.
    static func outcome(_ query: [String: String], _ lang: Language) -> (message: String?, error: String?, code: String?) {
        let caseID = query["case"].flatMap { (try? /[A-Za-z0-9_-]{1,64}/.wholeMatch(in: $0)) != nil ? $0 + lang("：", ": ") : nil } ?? ""
        if let done = query["done"], let action = CaseAction(rawValue: done) {
            return (caseID + lang.action(action.rawValue) + " ✓", nil, nil)
        }
        guard let code = query["code"], (try? /[a-z_]{1,64}/.wholeMatch(in: code)) != nil else { return (nil, nil, nil) }
        return (nil, caseID + lang.pageProblem(code, message: lang("操作未完成（\(code)）。", "Not done (\(code)).")), code)
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
