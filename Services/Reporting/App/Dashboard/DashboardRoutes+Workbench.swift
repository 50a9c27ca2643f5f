import DubanModels
import DubanRuntime
import Foundation
import HTTPTypes
import Hummingbird

/// The workbench (工作台): a bureau's cases with their forms for its clerks and head, and the secretary's problem-list
/// upload. Every change goes to intake's API with the person's own session token, so the workbench can do exactly
/// what the person may (docs/DASHBOARD.md).
extension DashboardRoutes {
    func registerWorkbench(on router: RouterGroup<DubanRequestContext>) {
        router.get(RouterPath(Self.workbenchPath)) { request, context -> Response in
            let query = request.queryDictionary
            let lang = Language(query: query)
            guard let viewer = context.principal else { return Self.seeOther(Self.signInPath) }
            let identity = IntakeClient.Identity(name: viewer.displayName, scopes: viewer.scopes.sorted())
            let now = clock.now()
            let workbench = try await database.read { try Workbench.compute(identity: identity, now: now, in: $0) }
            let outcome = Self.outcome(query, lang)
            return HTMLPage(title: lang("单位工作台", "Bureau workbench"), language: lang, section: .workbench, path: Self.workbenchPath,
                            query: query.filter { $0.key == "lang" }, viewer: viewer,
                            body: workbench.html(lang, words: words, csrf: viewer.csrfToken ?? "", head: viewer.scopes.contains("bureau-head") || viewer.kind == .key,
                                                 message: outcome.message, error: outcome.error, code: outcome.code)).response
        }
        // The case page under the workbench's address, as before: the same page and rules as /dashboard/cases/{id}.
        router.get(RouterPath(Self.workbenchPath + "/cases/{id}")) { request, context -> Response in
            let query = request.queryDictionary
            let id = try context.parameters.require("id")
            return try await casePage(id, lang: Language(query: query), query: query, path: Self.workbenchPath + "/cases/\(id)", context: context)
        }
        router.post(RouterPath(Self.workbenchPath + "/problems")) { request, context -> Response in
            let form = try await sessionForm(request, context)
            let lang = Language(query: form)
            var json: [String: Any] = [:]
            for key in ["title", "description", "enterprise"] where !(form[key] ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                json[key] = form[key]
            }
            if let address = form["address"], !address.trimmingCharacters(in: .whitespaces).isEmpty { json["location"] = ["address": address] }
            let submitter = ["name": form["name"] ?? "", "phone": form["phone"] ?? ""].filter { !$0.value.trimmingCharacters(in: .whitespaces).isEmpty }
            if !submitter.isEmpty { json["submitter"] = submitter }
            json["channel"] = "web"
            struct Submitted: Decodable { var id: String }
            do {
                let created: Submitted = try await intake.forwardJSON("POST", "/v1/cases", key: context.credential ?? "", json: json)
                return Self.redirect(lang, ["done": "submitted", "case": created.id])
            } catch let failure as IntakeClient.Failure {
                return Self.redirect(lang, ["code": failure.code])
            }
        }
        router.post(RouterPath(ImportPage.path)) { request, context -> Response in
            let lang = Language(query: request.queryDictionary)
            // A file upload is multipart, not a form this service reads: its CSRF token travels in the address.
            if context.viaCookie, request.queryDictionary["csrf"] != context.principal?.csrfToken {
                throw APIError(.forbidden, code: "csrf_invalid", "the form lacks this session's token: reload the page and try again")
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
                         viewer: context.principal, body: html + back).response
            }
            do {
                return page(ImportPage.report(try await intake.importFile(key: context.credential ?? "", contentType: contentType, body: body), lang))
            } catch let failure as IntakeClient.Failure {
                return page("<p class=\"error\" id=\"message\" data-code=\"\(esc(failure.code))\">\(esc(lang.problem(failure.code, message: failure.message)))</p>")
            } catch {
                logger.error("workbench: intake unreachable", metadata: ["error": "\(error)"])
                return page("<p class=\"error\" id=\"message\">\(lang("无法连接受理服务，请稍后再试。", "Intake cannot be reached; try again shortly."))</p>")
            }
        }
        router.post(RouterPath(Self.workbenchPath + "/cases/{id}")) { request, context -> Response in
            let form = try await sessionForm(request, context)
            let lang = Language(query: form)
            let id = try context.parameters.require("id")
            var action = form["action"] ?? ""
            var approved: Bool?
            // The head's two answers to a clerk's proposal are one action with a yes or no.
            if action == "approve_proposal" || action == "refuse_proposal" {
                approved = action == "approve_proposal"
                action = "decide_proposal"
            }
            let note = form["note"].flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
            guard form["days"].map({ $0.isEmpty || Int($0) != nil }) ?? true else {
                return Self.redirect(lang, ["code": "invalid_days", "case": id])
            }
            let days = form["days"].flatMap { Int($0) }
            do {
                try await intake.update(caseID: id, key: context.credential ?? "",
                                        .init(action: action, note: note,
                                              days: ["request_extension", "propose_extension"].contains(action) ? days : nil, approved: approved))
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

    /// What the page after a form says, from the redirect's query: `done=<action>` or `code=<error code>`, with the
    /// `case`. Only codes travel in the address and the page writes the words, so no link can make the workbench show
    /// a text of someone else's choosing.
    static func outcome(_ query: [String: String], _ lang: Language) -> (message: String?, error: String?, code: String?) {
        let caseID = query["case"].flatMap { (try? /[A-Za-z0-9_-]{1,64}/.wholeMatch(in: $0)) != nil ? $0 + lang("：", ": ") : nil } ?? ""
        if query["done"] == "submitted" { return (caseID + lang("已提交，正在交办。", "submitted and being routed."), nil, nil) }
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
    static func form(_ request: Request) async throws -> [String: String] {
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
