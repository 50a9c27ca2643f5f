import DubanRuntime
import Hummingbird

/// A person who follows a bad link or types a bad filter gets a page, in their language, saying what is wrong and
/// where to go, with the error's HTTP status; the stable code stays on the page (`data-code`) for tools and tests.
/// The JSON API keeps its JSON errors: this wraps only the dashboard's routes.
struct DashboardErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            let lang = Language(query: request.queryDictionary)
            let body = """
                <p class="error" id="message" data-code="\(esc(error.code))">\(esc(lang.pageProblem(error.code, message: error.message)))</p>
                <p><a href="/dashboard\(lang == .en ? "?lang=en" : "")">\(lang("返回总览", "Back to the overview"))</a> · \
                <a href="/dashboard/cases\(lang == .en ? "?lang=en" : "")">\(lang("问题清单", "All cases"))</a></p>
                """
            var response = HTMLPage(title: lang("无法显示此页", "This page cannot be shown"), language: lang, section: .none,
                                    path: request.uri.path, query: request.queryDictionary, body: body).response
            response.status = error.status
            return response
        }
    }
}

extension Language {
    /// A dashboard page's problem in words: the query's or the address's codes, then intake's (`problem`).
    func pageProblem(_ code: String, message: String) -> String {
        switch code {
        case "case_not_found": self("找不到这个问题：编号有误，或问题尚未同步到报表。", "There is no such case: the id is wrong, or the case has not reached reporting yet.")
        case "invalid_page": self("页码须为从 1 开始的整数。", "The page is a whole number from 1.")
        case "invalid_period": self("时间范围有误：日期写作 2026-11-01。", "The period is wrong: write dates as 2026-11-01.")
        case "invalid_status": self("没有这种状态。", "There is no such status.")
        case "invalid_overdue": self("超期条件只能是“已超期”或“未超期”。", "Overdue is either true or false.")
        case "invalid_order": self("排序只能是最新登记或按时限。", "Order is newest or by deadline.")
        case "invalid_query": self("关键词最多 200 字。", "Words: at most 200 characters.")
        case "intake_unavailable": self("无法连接受理服务，请稍后再试。", "Intake cannot be reached; try again shortly.")
        case "sign_in_required": self("请先登录。", "Sign in first.")
        case "page_not_found": self("没有这个页面。", "There is no such page.")
        default: problem(code, message: message)
        }
    }
}
