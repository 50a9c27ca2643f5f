import DubanModels
import Foundation

/// The case list (问题清单): every case, filtered as `GET /v1/cases` filters (bureau, status or `open`, category,
/// overdue, text), newest first or by deadline. A digest's "more" line and the scoreboard's bureau names lead here.
struct CaseListPage {
    var list: CaseList
    var filter: CaseList.Filter
    var query: [String: String]
    var names: [String: String]
    var now: Date

    static let perPage = 50

    func html(_ lang: Language, words: Vocabulary) -> String {
        var out = filters(lang, words)
        let shown = list.cases.count
        out += "<p class=\"muted\" id=\"count\" data-total=\"\(list.total)\">" + lang("共 \(list.total) 件", "\(list.total) cases") + "</p>"
        let headings = [lang("问题", "Problem"), lang("类别", "Category"), lang("责任单位", "Bureau"), lang("状态", "Status"),
                        lang("办理时限", "Deadline"), lang("登记时间", "Recorded")]
        out += "<table id=\"cases\" class=\"cards\"><thead><tr>" + headings.map { "<th>\($0)</th>" }.joined() + "</tr></thead><tbody>"
        let suffix = lang == .en ? "?lang=en" : ""
        for view in list.cases {
            let overdue = view.status.isOpen && (view.deadline.map { $0 < now } ?? false)
            out += "<tr data-case=\"\(esc(view.id))\">"
            out += cell(headings[0], "<a href=\"/dashboard/cases/\(esc(view.id))\(suffix)\">\(esc(view.title ?? view.id))</a>", main: true)
            out += cell(headings[1], esc(words.category(view.category, lang)))
            out += cell(headings[2], esc(words.bureau(view.bureau, lang, routedName: view.bureauName ?? view.bureau.flatMap { names[$0] })))
            out += cell(headings[3], lang.status(view.status.rawValue))
            out += cell(headings[4], PageFormat.minute(view.deadline), extraClass: overdue ? "overdue" : "")
            out += cell(headings[5], PageFormat.minute(view.submittedAt)) + "</tr>"
        }
        if shown == 0 { out += "<tr><td colspan=\"6\" class=\"muted\">\(lang("没有符合条件的问题", "No cases match"))</td></tr>" }
        out += "</tbody></table><p>"
        let page = filter.offset / Self.perPage + 1, pages = max(1, (list.total + Self.perPage - 1) / Self.perPage)
        func pageLink(_ number: Int, _ label: String) -> String {
            var target = query
            target["page"] = String(number)
            return "<a href=\"/dashboard/cases\(esc(HTMLPage.queryString(target)))\">\(label)</a>"
        }
        if page > 1 { out += pageLink(page - 1, lang("上一页", "Previous")) + " " }
        out += "\(page) / \(pages)"
        if page < pages { out += " " + pageLink(page + 1, lang("下一页", "Next")) }
        return out + "</p>"
    }

    /// The filter form: a GET form, so every filtered list has an address to share.
    private func filters(_ lang: Language, _ words: Vocabulary) -> String {
        func options(_ choices: [(String, String)], selected: String?) -> String {
            choices.map { value, label in
                "<option value=\"\(esc(value))\"\(value == (selected ?? "") ? " selected" : "")>\(esc(label))</option>"
            }.joined()
        }
        let bureaus = [("", lang("全部单位", "All bureaus"))]
            + words.bureaus.keys.sorted().map { ($0, words.bureau($0, lang)) }
        let categories = [("", lang("全部类别", "All categories"))]
            + words.categories.keys.sorted().map { ($0, words.category($0, lang)) } + [("triage", words.category("triage", lang))]
        let statuses = [("", lang("全部状态", "Any status")), ("open", lang("未办结", "Open"))]
            + CaseStatus.allCases.map { ($0.rawValue, lang.status($0.rawValue)) }
        return """
            <form method="get" action="/dashboard/cases" class="filters" id="filters">
            \(lang == .en ? "<input type=\"hidden\" name=\"lang\" value=\"en\">" : "")
            <label>\(lang("单位", "Bureau"))<select name="bureau">\(options(bureaus, selected: query["bureau"]))</select></label>
            <label>\(lang("状态", "Status"))<select name="status">\(options(statuses, selected: query["status"]))</select></label>
            <label>\(lang("类别", "Category"))<select name="category">\(options(categories, selected: query["category"]))</select></label>
            <label>\(lang("超期", "Overdue"))<select name="overdue">\(options([("", lang("不限", "Either")), ("true", lang("已超期", "Overdue")), ("false", lang("未超期", "Not overdue"))], selected: query["overdue"]))</select></label>
            <label>\(lang("排序", "Order"))<select name="order">\(options([("", lang("最新登记", "Newest")), ("deadline", lang("按时限", "By deadline"))], selected: query["order"]))</select></label>
            <label>\(lang("关键词", "Words"))<input type="search" name="q" value="\(esc(query["q"]))" maxlength="200"></label>
            <button type="submit">\(lang("筛选", "Filter"))</button></form>
            """
    }
}
