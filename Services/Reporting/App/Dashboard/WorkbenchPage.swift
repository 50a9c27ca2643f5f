import DubanModels
import Foundation
import GRDB

/// The bureau workbench (单位工作台): for a bureau's clerks and head, its own open cases by deadline, each with a form
/// to sign for it, record a measure or progress, resolve it, and (the head) return it or ask for more time, or (a
/// clerk) propose that to the head. The forms go to intake's update API with the person's token (`DashboardRoutes`).
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

    /// One problem raised for a resident or an enterprise (反映问题): by a liaison officer for their area, or by the
    /// secretary; it goes to intake's `POST /v1/cases` with the person's token.
    static func raiseForm(_ lang: Language, csrf: String) -> String {
        """
        <h2>\(lang("反映问题", "Raise a problem"))</h2>
        <form method="post" action="\(DashboardRoutes.workbenchPath)/problems" class="stacked" id="raise">
        <input type="hidden" name="csrf" value="\(esc(csrf))">\(lang == .en ? "<input type=\"hidden\" name=\"lang\" value=\"en\">" : "")
        <label>\(lang("问题", "Problem"))<input name="title" id="raise-title" required maxlength="200"></label>
        <label>\(lang("具体情况", "What is wrong"))<textarea name="description" id="raise-description" rows="3" required maxlength="4000"></textarea></label>
        <label>\(lang("地点", "Where"))<input name="address" id="raise-address" maxlength="500"></label>
        <label>\(lang("企业（居民反映的可不填）", "Enterprise (empty for a resident)"))<input name="enterprise" maxlength="200"></label>
        <label>\(lang("反映人", "Raised by"))<input name="name" maxlength="100" autocomplete="off"></label>
        <label>\(lang("联系电话（仅责任单位可见）", "Phone (only the owning bureau sees it)"))<input name="phone" maxlength="40" autocomplete="off"></label>
        <button type="submit" id="raise-submit">\(lang("提交", "Submit"))</button></form>
        """
    }

    /// `code`: intake's error code behind `error`, kept on the element for tools and tests (the page says it in words).
    /// `head`: the bureau head (or a bureau's machine key) sends returns and extension requests out and decides the
    /// clerks' proposals; a clerk proposes them.
    func html(_ lang: Language, words: Vocabulary, csrf: String, head: Bool, message: String?, error: String?, code: String? = nil) -> String {
        var out = ""
        if let message { out += "<p class=\"notice\" id=\"message\">\(esc(message))</p>" }
        if let error { out += "<p class=\"error\" id=\"message\"\(code.map { " data-code=\"\(esc($0))\"" } ?? "")>\(esc(error))</p>" }
        let bureauNames = identity.bureaus.map { words.bureau($0, lang, routedName: names[$0]) }.joined(separator: "、")
        if !bureauNames.isEmpty { out += "<p id=\"bureau\">\(lang("本单位：", "Bureau: "))\(esc(bureauNames))</p>" }
        if identity.scopes.contains("submit") { out += Self.raiseForm(lang, csrf: csrf) + ImportPage.form(lang, csrf: csrf) }
        guard !identity.bureaus.isEmpty else {
            if identity.scopes.contains("submit") { return out }
            return out + "<p class=\"error\">\(lang("此账号不属于任何单位。", "This account belongs to no bureau."))</p>"
        }
        let suffix = lang == .en ? "?lang=en" : ""
        let headings = [lang("问题", "Problem"), lang("状态", "Status"), lang("办理时限", "Deadline"), lang("办理", "Act")]
        out += "<h2>\(lang("待办问题", "Open cases")) (\(cases.count))</h2><table id=\"workbench\" class=\"cards\"><thead><tr>"
        out += headings.map { "<th>\($0)</th>" }.joined() + "</tr></thead><tbody>"
        for view in cases {
            let overdue = view.deadline.map { $0 < now } ?? false
            let link = "\(DashboardRoutes.workbenchPath)/cases/\(esc(view.id))\(suffix)"
            out += "<tr id=\"case-\(esc(view.id))\">" + cell(headings[0], "<a href=\"\(link)\">\(esc(view.title ?? view.id))</a><br><span class=\"muted\">\(esc(view.id))</span>", main: true)
            var status = lang.status(view.status.rawValue)
            if let proposal = view.proposal {
                // What waits for the head, said in full: the proposal, the days, the reason.
                status += "<br><span class=\"overdue\" data-proposal=\"\(esc(proposal.action))\">" + esc(lang.action(proposal.action))
                    + (proposal.days.map { lang("，\($0) 个工作日", ", \($0) working days") } ?? "")
                    + (proposal.note.map { lang("：", ": ") + esc($0) } ?? "") + "</span>"
            }
            out += cell(headings[1], status)
            out += cell(headings[2], PageFormat.minute(view.deadline), extraClass: overdue ? "overdue" : "")
            out += cell(headings[3], form(for: view, lang, csrf: csrf, head: head), extraClass: "block") + "</tr>"
        }
        if cases.isEmpty { out += "<tr><td colspan=\"4\" class=\"muted\">\(lang("没有待办问题", "Nothing open"))</td></tr>" }
        return out + "</tbody></table>"
    }

    private func form(for view: CaseView, _ lang: Language, csrf: String, head: Bool) -> String {
        var actions: [(String, String)] = [
            ("sign", lang("签收", "Sign for it")), ("measure", lang("制定措施", "Record the measure")),
            ("progress", lang("进展", "Progress note")), ("resolve", lang("办结", "Resolve")),
        ]
        actions += head
            ? [("return", lang("退回（非本单位职责）", "Return (not ours)")), ("request_extension", lang("申请延期", "Ask for more time")),
               ("approve_proposal", lang("同意承办人的退回/延期申请", "Approve the clerk's proposal")),
               ("refuse_proposal", lang("不同意承办人的申请", "Refuse the clerk's proposal"))]
            : [("propose_return", lang("拟退回（报单位负责人）", "Propose a return (to the head)")),
               ("propose_extension", lang("拟申请延期（报单位负责人）", "Propose more time (to the head)"))]
        return """
            <form method="post" action="/dashboard/workbench/cases/\(esc(view.id))" class="inline" data-case="\(esc(view.id))">
            <input type="hidden" name="lang" value="\(lang.rawValue)"><input type="hidden" name="csrf" value="\(esc(csrf))">
            <select name="action">\(actions.map { "<option value=\"\($0.0)\">\($0.1)</option>" }.joined())</select>
            <textarea name="note" rows="1" maxlength="4000" placeholder="\(lang("措施、结果或理由", "measure, resolution or reason"))"></textarea>
            <input type="number" name="days" min="1" max="60" placeholder="\(lang("延期工作日", "extra working days"))" style="width:9rem">
            <button type="submit">\(lang("提交", "Submit"))</button></form>
            """
    }
}
