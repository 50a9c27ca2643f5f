import DubanRuntime
import Hummingbird

/// A person who follows a bad link or types a bad filter gets a page, in their language, saying what is wrong and
/// where to go, with the error's HTTP status; the stable code stays on the page (`data-code`) for tools and tests.
/// The JSON API keeps its JSON errors: this wraps only the dashboard's routes.
struct DashboardErrorMiddleware: RouterMiddleware {
    typealias Context = DubanRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            let lang = Language(query: request.queryDictionary)
            let body = """
                <p class="error" id="message" data-code="\(esc(error.code))">\(esc(lang.pageProblem(error.code, message: error.message)))</p>
                <p><a href="/dashboard/home\(lang == .en ? "?lang=en" : "")">\(lang("返回首页", "Back to your start page"))</a></p>
                """
            var response = HTMLPage(title: lang("无法显示此页", "This page cannot be shown"), language: lang, section: .none,
                                    path: request.uri.path, query: request.queryDictionary, viewer: context.principal, body: body).response
            response.status = error.status
            return response
        }
    }
}
