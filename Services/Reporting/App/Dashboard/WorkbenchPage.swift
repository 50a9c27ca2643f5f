import DubanModels
import Foundation
import GRDB

/// The bureau workbench (单位工作台): signed in with the bureau's API key, its own open cases by deadline, each with a
/// form to sign for it, record a measure or progress, resolve it, return it or ask for more time. The forms go to
/// intake's update API with the bureau's key (`DashboardRoutes`), so the workbench can do exactly what the key may.
struct Workbench {
    var identity: IntakeClient.Identity
    var cases: [CaseView]
    var names: [String: String]
    var now: Date

    static let shown = 200

    static func compute(identity: IntakeClient.Identity, now: Date, in db: Database) throws -> Workbench {
        let bureaus = identity.bureaus
        guard !bureaus.isEmpty else { return Workbench(identity: identity, cases: [], names: [:], now: now) }
        let marks = Array(repeating: "?", count: bureaus.count).joined(separator: ", ")
        let rows = try Row.fetchAll(db, sql: """
            SELECT * FROM case_view WHERE bureau IN (\(marks)) AND \(CaseList.openSQL)
            ORDER BY deadline IS NULL, deadline, case_id LIMIT ?
            """, arguments: StatementArguments(bureaus) + [shown])
        return Workbench(identity: identity, cases: rows.map { CaseView(row: $0, timeline: []) },
                         names: try CaseStats.bureauNames(in: db), now: now)
    }

    /// How an administrator makes a workbench key; a test runs it as printed.
    static let keyCommand = "intake keys create --name transport-workbench --scope bureau:transport"

    static func signIn(_ lang: Language, error: String?) -> String {
        var out = error.map { "<p class=\"error\" id=\"message\">\(esc($0))</p>" } ?? ""
        out += """
            <form method="post" action="/dashboard/workbench/sign-in" class="inline" id="sign-in">
            <input type="hidden" name="lang" value="\(lang.rawValue)">
            <label>\(lang("单位 API 密钥", "Bureau API key")) <input type="password" name="key" id="key" required autocomplete="off" size="40"></label>
            <button type="submit">\(lang("登录", "Sign in"))</button></form>
            <p class="muted">\(lang("单位密钥由管理员创建，例如：", "An administrator makes a bureau's key, e.g.:")) <code class="command">\(esc(Self.keyCommand))</code></p>
            """
        return out
    }

    /// `code`: intake's error code behind `error`, kept on the element for tools and tests (the page says it in words).
    func html(_ lang: Language, words: Vocabulary, message: String?, error: String?, code: String? = nil) -> String {
        var out = ""
        if let message { out += "<p class=\"notice\" id=\"message\">\(esc(message))</p>" }
        if let error { out += "<p class=\"error\" id=\"message\"\(code.map { " data-code=\"\(esc($0))\"" } ?? "")>\(esc(error))</p>" }
        let bureauNames = identity.bureaus.map { words.bureau($0, lang, routedName: names[$0]) }.joined(separator: "、")
        out += """
            <form method="post" action="/dashboard/workbench/sign-out" class="inline"><input type="hidden" name="lang" value="\(lang.rawValue)">
            <span>\(lang("已登录", "Signed in as")) <strong id="who">\(esc(identity.name))</strong>\(bureauNames.isEmpty ? "" : " · " + esc(bureauNames))</span>
            <button type="submit">\(lang("退出", "Sign out"))</button></form>
            """
        if identity.scopes.contains("submit") { out += ImportPage.form(lang) }
        guard !identity.bureaus.isEmpty else {
            if identity.scopes.contains("submit") { return out }
            return out + "<p class=\"error\">\(lang("此密钥不代表任何单位（需要 bureau:<单位> 权限）。", "This key acts for no bureau (it needs a bureau:<id> scope)."))</p>"
        }
        let suffix = lang == .en ? "?lang=en" : ""
        let headings = [lang("问题", "Problem"), lang("状态", "Status"), lang("办理时限", "Deadline"), lang("办理", "Act")]
        out += "<h2>\(lang("待办问题", "Open cases")) (\(cases.count))</h2><table id=\"workbench\" class=\"cards\"><thead><tr>"
        out += headings.map { "<th>\($0)</th>" }.joined() + "</tr></thead><tbody>"
        for view in cases {
            let overdue = view.deadline.map { $0 < now } ?? false
            let link = "\(DashboardRoutes.workbenchPath)/cases/\(esc(view.id))\(suffix)"
            out += "<tr id=\"case-\(esc(view.id))\">" + cell(headings[0], "<a href=\"\(link)\">\(esc(view.title ?? view.id))</a><br><span class=\"muted\">\(esc(view.id))</span>", main: true)
            out += cell(headings[1], lang.status(view.status.rawValue))
            out += cell(headings[2], PageFormat.minute(view.deadline), extraClass: overdue ? "overdue" : "")
            out += cell(headings[3], form(for: view, lang), extraClass: "block") + "</tr>"
        }
        if cases.isEmpty { out += "<tr><td colspan=\"4\" class=\"muted\">\(lang("没有待办问题", "Nothing open"))</td></tr>" }
        return out + "</tbody></table>"
    }

    private func form(for view: CaseView, _ lang: Language) -> String {
        let actions: [(String, String)] = [
            ("sign", lang("签收", "Sign for it")), ("measure", lang("制定措施", "Record the measure")),
            ("progress", lang("进展", "Progress note")), ("resolve", lang("办结", "Resolve")),
            ("return", lang("退回（非本单位职责）", "Return (not ours)")), ("request_extension", lang("申请延期", "Ask for more time")),
        ]
        return """
            <form method="post" action="/dashboard/workbench/cases/\(esc(view.id))" class="inline" data-case="\(esc(view.id))">
            <input type="hidden" name="lang" value="\(lang.rawValue)">
            <select name="action">\(actions.map { "<option value=\"\($0.0)\">\($0.1)</option>" }.joined())</select>
            <textarea name="note" rows="1" maxlength="4000" placeholder="\(lang("措施、结果或理由", "measure, resolution or reason"))"></textarea>
            <input type="number" name="days" min="1" max="60" placeholder="\(lang("延期工作日", "extra working days"))" style="width:9rem">
            <button type="submit">\(lang("提交", "Submit"))</button></form>
            """
    }
}
