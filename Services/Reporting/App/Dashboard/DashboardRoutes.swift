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
    let words: Vocabulary
    let logger: Logger

    /// The workbench remembers the bureau's key in this cookie: HttpOnly (no script reads it), SameSite=Strict (no
    /// other site's form can use it), scoped to the workbench, gone when the browser closes.
    static let keyCookie = "duban_workbench_key"
    static let workbenchPath = "/dashboard/workbench"

    func register(on parent: Router<BasicRequestContext>) {
        parent.get("/") { _, _ in Response(status: .seeOther, headers: [.location: "/dashboard"]) }
        let router = parent.group().add(middleware: DashboardErrorMiddleware())
        router.get("/dashboard") { request, _ -> Response in
            let query = request.queryDictionary
            let lang = Language(query: query)
            let (from, to) = try ReportPeriod.range(from: query["from"], to: query["to"])
            let now = clock.now()
            let overview = try await database.read { try Overview.compute(from: from, to: to, now: now, in: $0) }
            return HTMLPage(title: lang("问题办理总览", "Overview"), language: lang, section: .overview, path: "/dashboard",
                            query: query, body: overview.html(lang, words: words)).response
        }
        router.get("/dashboard/cases") { request, _ -> Response in
            let query = request.queryDictionary
            let lang = Language(query: query)
            guard let page = Int(query["page"] ?? "1"), (1...100_000).contains(page) else {
                throw APIError.badRequest("invalid_page", "page is a whole number from 1")
            }
            var filter = try CaseList.Filter(query: query.filter { !["page", "lang", "limit", "offset"].contains($0.key) })
            filter.limit = CaseListPage.perPage
            filter.offset = (page - 1) * CaseListPage.perPage
            let now = clock.now()
            let (list, names) = try await database.read { [filter] db in
                (try CaseList.fetch(filter, now: now, in: db), try CaseStats.bureauNames(in: db))
            }
            let body = CaseListPage(list: list, filter: filter, query: query, names: names, now: now).html(lang, words: words)
            return HTMLPage(title: lang("问题清单", "Cases"), language: lang, section: .cases, path: "/dashboard/cases",
                            query: query, body: body).response
        }
        router.get("/dashboard/cases/{id}") { request, context -> Response in
            let query = request.queryDictionary
            let lang = Language(query: query)
            let id = try context.parameters.require("id")
            return try await casePage(id, lang: lang, query: query, path: "/dashboard/cases/\(id)", contact: nil)
        }
        router.get("/dashboard/definitions") { request, _ -> Response in
            let query = request.queryDictionary
            let lang = Language(query: query)
            return HTMLPage(title: lang("统计口径", "How figures are counted"), language: lang, section: .definitions,
                            path: "/dashboard/definitions", query: query, body: DefinitionsPage.html(lang)).response
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
                            query: query, body: results.html(lang, words: words)).response
        }
        registerWorkbench(on: router)
        // Any other address under the pages: a page saying so, not an empty 404.
        for prefix in ["/dashboard", "/public"] {
            router.get(RouterPath(prefix + "/**")) { request, _ -> Response in
                throw APIError.notFound("page_not_found", "no page at \(request.uri.path)")
            }
        }
    }

    /// A case's page; `contact` only where the signed-in key may see it.
    func casePage(_ id: String, lang: Language, query: [String: String], path: String,
                          contact: IntakeClient.Contact?) async throws -> Response {
        guard let view = try await database.read({ try CaseView.fetch(id, in: $0) }) else {
            throw APIError.notFound("case_not_found", "no case \(id) in reporting")
        }
        return HTMLPage(title: view.title ?? id, language: lang, section: .none, path: path,
                        query: query, body: view.html(lang, words: words, now: clock.now(), contact: contact)).response
    }
}
