import DubanModels
import DubanRuntime
import Foundation
import GRDB

/// The public results page (公开结果): what was raised and what was done, newest first, with personal data masked.
/// It shows no submitter, enterprise or contact, and masks numbers and addresses people wrote into the text.
struct PublicResults {
    struct Line {
        var id: String
        var title: String?
        var category: String?
        var bureau: String?
        var bureauName: String?
        var status: CaseStatus
        var submittedAt: Date?
        var measure: String?
        var resolution: String?
        var resolvedAt: Date?
    }

    var figures: CaseStats.Figures
    var lines: [Line]
    var page: Int
    var pages: Int

    static let perPage = 50

    static func compute(page: Int, now: Date, in db: Database) throws -> PublicResults {
        let figures = try CaseStats.compute(from: nil, to: nil, bureau: nil, now: now, in: db).overall
        let rows = try Row.fetchAll(db, sql: """
            SELECT * FROM case_view WHERE submitted_at IS NOT NULL ORDER BY submitted_at DESC, case_id DESC LIMIT ? OFFSET ?
            """, arguments: [perPage, (page - 1) * perPage])
        let lines = rows.map { row in
            Line(id: row["case_id"], title: PersonalDataMask.mask(row["title"]), category: row["category"],
                 bureau: row["bureau"], bureauName: row["bureau_name"], status: ReadModel.status(row),
                 submittedAt: (row["submitted_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                 measure: PersonalDataMask.mask(row["measure_note"]), resolution: PersonalDataMask.mask(row["resolution"]),
                 resolvedAt: (row["resolved_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
        }
        return PublicResults(figures: figures, lines: lines, page: page, pages: max(1, (figures.collected + perPage - 1) / perPage))
    }

    func html(_ lang: Language, words: Vocabulary) -> String {
        let f = figures
        var out = "<p class=\"notice\" id=\"summary\">" + lang(
            "共收集问题\(f.collected)个，制定措施\(f.measuresDrafted)项，已解决\(f.solved)个，解决率\(PageFormat.percent(f.resolutionRate))，满意率\(PageFormat.percent(f.satisfactionRate))。",
            "\(f.collected) problems collected, \(f.measuresDrafted) measures drafted, \(f.solved) solved; resolution rate \(PageFormat.percent(f.resolutionRate)), satisfaction rate \(PageFormat.percent(f.satisfactionRate)).") + "</p>"
        let headings = [lang("反映问题", "Problem raised"), lang("责任单位", "Bureau"), lang("状态", "Status"),
                        lang("办理措施与结果", "What was done"), lang("登记 / 办结", "Raised / solved")]
        out += "<table id=\"results\" class=\"cards\"><thead><tr>" + headings.map { "<th>\($0)</th>" }.joined() + "</tr></thead><tbody>"
        for line in lines {
            let done = [line.measure.map { lang("措施：", "Measure: ") + esc($0) }, line.resolution.map { lang("结果：", "Result: ") + esc($0) }]
                .compactMap { $0 }.joined(separator: "<br>")
            out += "<tr>" + cell(headings[0], esc(line.title), main: true)
            out += cell(headings[1], esc(words.bureau(line.bureau, lang, routedName: line.bureauName)))
            out += cell(headings[2], lang.status(line.status.rawValue)) + cell(headings[3], done.isEmpty ? "—" : done)
            out += cell(headings[4], "\(PageFormat.day(line.submittedAt)) / \(PageFormat.day(line.resolvedAt))") + "</tr>"
        }
        if lines.isEmpty { out += "<tr><td colspan=\"5\" class=\"muted\">\(lang("暂无数据", "Nothing yet"))</td></tr>" }
        out += "</tbody></table><p>"
        let suffix = lang == .en ? "&lang=en" : ""
        if page > 1 { out += "<a href=\"/public?page=\(page - 1)\(suffix)\">\(lang("上一页", "Previous"))</a> " }
        out += "\(page) / \(pages)"
        if page < pages { out += " <a href=\"/public?page=\(page + 1)\(suffix)\">\(lang("下一页", "Next"))</a>" }
        return out + "</p>"
    }

    /// The meetings' sentence per series (the public wording, `public_sentence` in meetings.yaml) and the council
    /// topics' published results, newest first; personal data masked as everywhere on this page.
    static func meetingsHTML(sentences: [(series: MeetingSeries, sentence: String)], topics: [Topic], lang: Language,
                             configuration: MeetingsConfiguration) -> String {
        var out = ""
        if !sentences.isEmpty {
            out += "<h2>\(lang("政企交流活动", "Government–enterprise meetings"))</h2>"
            for (series, sentence) in sentences {
                out += "<p class=\"sentence\" id=\"public-sentence-\(esc(series.id))\"><b>\(esc(series.name))</b>：\(esc(sentence))</p>"
            }
        }
        if !topics.isEmpty {
            out += "<h2>\(lang("议题公开结果", "Council topics: published results"))</h2><table class=\"cards\" id=\"public-topics\"><thead><tr>"
                + "<th>\(lang("议题", "Topic"))</th><th>\(lang("片区/小组", "Area"))</th><th>\(lang("议定事项", "Decision"))</th><th>\(lang("公开结果", "Result"))</th><th>\(lang("公开日期", "Published"))</th></tr></thead><tbody>"
            for topic in topics {
                out += "<tr data-topic=\"\(esc(topic.id))\">" + cell(lang("议题", "Topic"), esc(PersonalDataMask.mask(topic.title)), main: true)
                    + cell(lang("片区/小组", "Area"), esc(PersonalDataMask.mask(topic.area) ?? "—"))
                    + cell(lang("议定事项", "Decision"), esc(PersonalDataMask.mask(topic.decision) ?? "—"), extraClass: "block")
                    + cell(lang("公开结果", "Result"), esc(PersonalDataMask.mask(topic.result) ?? "—"), extraClass: "block")
                    + cell(lang("公开日期", "Published"), PageFormat.day(topic.publishedAt)) + "</tr>"
            }
            out += "</tbody></table>"
        }
        return out
    }
}
