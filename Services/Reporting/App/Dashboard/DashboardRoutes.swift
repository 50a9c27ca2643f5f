import DubanIdentity
import DubanModels
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
    /// `Secure` on the session cookie: whenever `public.url` is https.
    let secureCookies: Bool
    /// Meetings, topics and their figures (the meetings and topics pages, and the public page's sentence).
    let meetings: MeetingAPI

    static let workbenchPath = "/dashboard/workbench"

    func register(on parent: Router<DubanRequestContext>) {
        parent.get("/") { _, context in
            Response(status: .seeOther, headers: [.location: context.principal.map(Self.landing) ?? "/dashboard"])
        }
        let router = parent.group().add(middleware: DashboardErrorMiddleware())
        registerSession(on: router)
        registerAdministration(on: router)
        router.get("/dashboard") { request, context -> Response in
            let query = request.queryDictionary
            let lang = Language(query: query)
            // The overview is everyone's figures: for those who read all cases; others start on their own page.
            guard let viewer = context.principal, viewer.readableBureaus == nil else {
                let target = context.principal.map(Self.landing) ?? Self.signInPath
                guard target != "/dashboard" else { throw APIError(.forbidden, code: "no_case_access", "this key reads no cases") }
                return Self.seeOther(target + (lang == .en ? (target.contains("?") ? "&" : "?") + "lang=en" : ""))
            }
            let (from, to) = try ReportPeriod.range(from: query["from"], to: query["to"])
            let now = clock.now()
            let overview = try await database.read { try Overview.compute(from: from, to: to, now: now, in: $0) }
            return HTMLPage(title: lang("问题办理总览", "Overview"), language: lang, section: .overview, path: "/dashboard",
                            query: query, viewer: viewer, body: overview.html(lang, words: words)).response
        }
        router.get("/dashboard/cases") { request, context -> Response in
            let viewer = try context.caseReader()
            let query = request.queryDictionary
            let lang = Language(query: query)
            guard let page = Int(query["page"] ?? "1"), (1...100_000).contains(page) else {
                throw APIError.badRequest("invalid_page", "page is a whole number from 1")
            }
            var filter = try CaseList.Filter(query: query.filter { !["page", "lang", "limit", "offset"].contains($0.key) })
            filter.readable = viewer.readableBureaus
            filter.limit = CaseListPage.perPage
            filter.offset = (page - 1) * CaseListPage.perPage
            let now = clock.now()
            let (list, names) = try await database.read { [filter] db in
                (try CaseList.fetch(filter, now: now, in: db), try CaseStats.bureauNames(in: db))
            }
            let body = CaseListPage(list: list, filter: filter, query: query, names: names, now: now).html(lang, words: words)
            return HTMLPage(title: lang("问题清单", "Cases"), language: lang, section: .cases, path: "/dashboard/cases",
                            query: query, viewer: viewer, body: body).response
        }
        router.get("/dashboard/cases/{id}") { request, context -> Response in
            let query = request.queryDictionary
            let lang = Language(query: query)
            let id = try context.parameters.require("id")
            return try await casePage(id, lang: lang, query: query, path: "/dashboard/cases/\(id)", context: context)
        }
        router.post("/dashboard/cases/{id}/instruct") { request, context -> Response in
            let form = try await sessionForm(request, context)
            let lang = Language(query: form)
            let id = try context.parameters.require("id")
            var outcome = ["done": "instruct"]
            do {
                try await intake.update(caseID: id, key: context.credential ?? "", .init(action: "instruct", note: form["note"]))
            } catch let failure as IntakeClient.Failure {
                outcome = ["code": failure.code]
            }
            if lang == .en { outcome["lang"] = "en" }
            return Self.seeOther("/dashboard/cases/\(IntakeClient.pathSegment(id))" + HTMLPage.queryString(outcome))
        }
        router.get("/dashboard/definitions") { request, context -> Response in
            let query = request.queryDictionary
            let lang = Language(query: query)
            return HTMLPage(title: lang("统计口径", "How figures are counted"), language: lang, section: .definitions,
                            path: "/dashboard/definitions", query: query, viewer: context.principal, body: DefinitionsPage.html(lang)).response
        }
        router.get("/public") { request, context -> Response in
            let query = request.queryDictionary
            let lang = Language(query: query)
            guard let page = Int(query["page"] ?? "1"), (1...100_000).contains(page) else {
                throw APIError.badRequest("invalid_page", "page is a whole number from 1")
            }
            let now = clock.now()
            let results = try await database.read { try PublicResults.compute(page: page, now: now, in: $0) }
            var body = ""
            if page == 1 {
                var sentences: [(series: MeetingSeries, sentence: String)] = []
                for series in try await database.read({ try SeriesView.all(in: $0) }) {
                    // A series says its figures once it has held a session.
                    let figures = try await meetings.figures(series: series.id)
                    if figures.total.sessionsHeld > 0 { sentences.append((series, figures.publicSentence)) }
                }
                let topics = try await database.read { try TopicView.published(limit: 20, in: $0) }
                body = PublicResults.meetingsHTML(sentences: sentences, topics: topics, lang: lang, configuration: meetings.configuration)
            }
            return HTMLPage(title: lang("公开结果", "Public results"), language: lang, section: .publicResults, path: "/public",
                            query: query, viewer: context.principal, body: results.html(lang, words: words) + body).response
        }
        registerWorkbench(on: router)
        registerMeetings(on: router)
        // Any other address under the pages: a page saying so, not an empty 404.
        for prefix in ["/dashboard", "/public"] {
            router.get(RouterPath(prefix + "/**")) { request, _ -> Response in
                throw APIError.notFound("page_not_found", "no page at \(request.uri.path)")
            }
        }
    }

    /// A case's page, for those who may read it (another bureau's case is answered as absent); with the submitter's
    /// contact as intake lets the reader see it (in full: the owning bureau, supervisors; masked: the others who read
    /// every case), and the 批示 form for leaders.
    func casePage(_ id: String, lang: Language, query: [String: String], path: String, context: DubanRequestContext) async throws -> Response {
        let viewer = try context.caseReader()
        guard let view = try await database.read({ try CaseView.fetch(id, in: $0) }),
              viewer.mayRead(bureau: view.bureau, counterpart: view.counterpart, assisting: view.assisting) else {
            throw APIError.notFound("case_not_found", "no case \(id) in reporting")
        }
        var contact: IntakeClient.Contact?
        let ownsIt = view.bureau.map { viewer.scopes.contains("bureau:\($0)") } ?? false
        // The owning bureau and supervisors see it in full; those who read every case, masked (intake decides).
        if ownsIt || viewer.scopes.contains("dispatch") || viewer.readableBureaus == nil, let credential = context.credential {
            do { contact = try await intake.contact(caseID: id, key: credential) } catch {
                logger.error("case page: cannot ask intake for a contact", metadata: ["error": "\(error)"])
            }
        }
        let outcome = Self.outcome(query, lang)
        var body = outcome.message.map { "<p class=\"notice\" id=\"message\">\(esc($0))</p>" } ?? ""
        body += outcome.error.map { "<p class=\"error\" id=\"message\" data-code=\"\(esc(outcome.code))\">\(esc($0))</p>" } ?? ""
        body += view.html(lang, words: words, now: clock.now(), contact: contact, linksMeetings: viewer.readableBureaus == nil)
        if viewer.scopes.contains("instruct") { body += CaseView.instructionForm(view.id, lang, csrf: viewer.csrfToken ?? "") }
        return HTMLPage(title: view.title ?? id, language: lang, section: .none, path: path, query: query.filter { $0.key == "lang" },
                        viewer: viewer, body: body).response
    }
}
