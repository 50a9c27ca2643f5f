import Foundation
import GRDB

/// The overview (总览): the headline figures, the trend by week, the bureau scoreboard and what is overdue now.
struct Overview {
    var stats: CaseStats
    var names: [String: String]
    var trend: [TrendChart.Week]
    var overdue: [OverdueLine]
    var overdueTotal: Int
    var now: Date

    struct OverdueLine {
        var id: String
        var title: String?
        var bureau: String?
        var deadline: Date
    }

    static let trendWeeks = 12
    static let overdueShown = 20

    static func compute(from: Date?, to: Date?, now: Date, in db: Database) throws -> Overview {
        let stats = try CaseStats.compute(from: from, to: to, bureau: nil, now: now, in: db)
        // The last twelve ISO weeks up to this one, by the week each case was collected in (as the figures count).
        let thisWeek = ReportPeriod.week(ReportPeriod.weekName(of: now))!.0
        let start = ReportPeriod.calendar.date(byAdding: .day, value: -7 * (trendWeeks - 1), to: thisWeek)!
        var trend = (0..<trendWeeks).map { index in
            TrendChart.Week(name: ReportPeriod.weekName(of: start.addingTimeInterval(Double(index) * 604_800 + 3_600)),
                            collected: 0, solved: 0)
        }
        let startDay = Int(ReportPeriod.dayNumber(start))  // Monday, in figures_daily's days
        let weekly = try Row.fetchCursor(db, sql: """
            SELECT (day - ?) / 7 AS week, SUM(cases) AS collected,
              SUM(CASE WHEN status IN ('resolved', 'closed') THEN cases ELSE 0 END) AS solved
            FROM figures_daily WHERE day >= ? GROUP BY week
            """, arguments: [startDay, startDay])
        while let row = try weekly.next() {
            let index: Int = row["week"]
            guard trend.indices.contains(index) else { continue }
            trend[index].collected = row["collected"]
            trend[index].solved = row["solved"]
        }
        let overdueCondition = "\(CaseList.openSQL) AND deadline < ?"
        let overdue = try Row.fetchAll(db, sql: """
            SELECT case_id, title, bureau, deadline FROM case_view WHERE \(overdueCondition) ORDER BY deadline LIMIT ?
            """, arguments: [now.timeIntervalSince1970, overdueShown]).map {
            OverdueLine(id: $0["case_id"], title: $0["title"], bureau: $0["bureau"], deadline: Date(timeIntervalSince1970: $0["deadline"]))
        }
        let overdueTotal = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM case_view WHERE \(overdueCondition)",
                                            arguments: [now.timeIntervalSince1970]) ?? 0
        return Overview(stats: stats, names: try CaseStats.bureauNames(in: db), trend: trend, overdue: overdue,
                        overdueTotal: overdueTotal, now: now)
    }

    func html(_ lang: Language, words: Vocabulary) -> String {
        let f = stats.overall
        let suffix = lang == .en ? "?lang=en" : ""
        var out = "<section class=\"figures\" id=\"headline\">"
        for (value, label, id) in [
            ("\(f.collected)", lang("收集问题", "Collected"), "collected"),
            ("\(f.measuresDrafted)", lang("制定措施", "Measures drafted"), "measures"),
            ("\(f.solved)", lang("已解决", "Solved"), "solved"),
            ("\(f.open)", lang("未解决", "Open"), "open"),
            ("\(f.overdue)", lang("超期", "Overdue"), "overdue"),
            (PageFormat.percent(f.responseRate), lang("响应率", "Response rate"), "response-rate"),
            (PageFormat.percent(f.resolutionRate), lang("解决率", "Resolution rate"), "resolution-rate"),
            (PageFormat.percent(f.satisfactionRate), lang("满意率", "Satisfaction rate"), "satisfaction-rate"),
            (PageFormat.percent(f.onTimeRate), lang("按期办结率", "On-time rate"), "on-time-rate"),
        ] {
            out += "<div class=\"figure\" id=\"figure-\(id)\"><b>\(value)</b><span>\(label)</span></div>"
        }
        out += "</section>"
        out += "<p class=\"muted\">" + lang(
            "共收集问题\(f.collected)个，制定措施\(f.measuresDrafted)项，已解决\(f.solved)个。",
            "\(f.collected) problems collected, \(f.measuresDrafted) measures drafted, \(f.solved) solved.") + "</p>"

        out += "<h2>\(lang("按周趋势", "Trend by week"))</h2>" + TrendChart(weeks: trend, language: lang).svg

        let headings = [lang("收集问题", "Collected"), lang("已解决", "Solved"), lang("超期", "Overdue"), lang("响应率", "Response"),
                        lang("解决率", "Resolution"), lang("满意率", "Satisfaction"), lang("按期办结率", "On time"), lang("综合得分", "Score")]
        out += "<h2>\(lang("单位排名", "Bureau scoreboard"))</h2><table id=\"scoreboard\" class=\"cards\"><thead><tr><th>#</th><th>\(lang("单位", "Bureau"))</th>"
        for heading in headings { out += "<th class=\"n\">\(heading)</th>" }
        out += "</tr></thead><tbody>"
        let ranked = stats.byBureau.filter { $0.key != "unrouted" }
            .map { (bureau: $0.key, figures: $0.value, score: MonthlyRanking.score($0.value)) }
            .sorted { ($0.score ?? -1, $0.figures.collected, $1.bureau) > ($1.score ?? -1, $1.figures.collected, $0.bureau) }
        for (index, row) in ranked.enumerated() {
            let g = row.figures
            let name = words.bureau(row.bureau, lang, routedName: names[row.bureau])
            let link = "/dashboard/cases" + HTMLPage.queryString(["bureau": row.bureau, "lang": lang == .en ? "en" : nil].compactMapValues { $0 })
            out += "<tr data-bureau=\"\(esc(row.bureau))\">" + cell("#", "\(index + 1)", numeric: true, extraClass: "rank")
            out += cell(lang("单位", "Bureau"), "<span class=\"rank-inline\">\(index + 1). </span><a href=\"\(esc(link))\">\(esc(name))</a>", main: true)
            let values = ["\(g.collected)", "\(g.solved)", "\(g.overdue)"]
                + [g.responseRate, g.resolutionRate, g.satisfactionRate, g.onTimeRate, row.score].map(PageFormat.percent)
            for (heading, value) in zip(headings, values) { out += cell(heading, value, numeric: true) }
            out += "</tr>"
        }
        if ranked.isEmpty { out += "<tr><td colspan=\"10\" class=\"muted\">\(lang("暂无数据", "No cases yet"))</td></tr>" }
        out += "</tbody></table>"

        let overdueLink = "/dashboard/cases" + HTMLPage.queryString(["overdue": "true", "lang": lang == .en ? "en" : nil].compactMapValues { $0 })
        out += "<h2><a href=\"\(esc(overdueLink))\">\(lang("超期问题", "Overdue now")) (\(overdueTotal))</a></h2>"
        out += "<table id=\"overdue\" class=\"cards\"><thead><tr><th>\(lang("问题", "Problem"))</th>"
        out += "<th>\(lang("责任单位", "Bureau"))</th><th>\(lang("办理时限", "Deadline"))</th><th>\(lang("超期天数", "Days over"))</th></tr></thead><tbody>"
        for line in overdue {
            let days = Int(now.timeIntervalSince(line.deadline) / 86_400)
            out += "<tr>" + cell(lang("问题", "Problem"), "<a href=\"/dashboard/cases/\(esc(line.id))\(suffix)\">\(esc(line.title ?? line.id))</a>", main: true)
            out += cell(lang("责任单位", "Bureau"), esc(words.bureau(line.bureau, lang, routedName: line.bureau.flatMap { names[$0] })))
            out += cell(lang("办理时限", "Deadline"), PageFormat.minute(line.deadline))
            out += cell(lang("超期天数", "Days over"), "\(days)", numeric: true, extraClass: "overdue") + "</tr>"
        }
        if overdue.isEmpty { out += "<tr><td colspan=\"4\" class=\"muted\">\(lang("没有超期问题", "Nothing is overdue"))</td></tr>" }
        out += "</tbody></table>"
        out += "<p class=\"muted\"><a href=\"/dashboard/definitions\(suffix)\">\(lang("统计口径", "How figures are counted"))</a> · "
        out += "\(lang("数据时间", "as of")) \(PageFormat.minute(now)) · "
        out += "<a href=\"/v1/reports/weekly?format=html\">\(lang("本周周报", "This week's report"))</a></p>"
        return out
    }
}
