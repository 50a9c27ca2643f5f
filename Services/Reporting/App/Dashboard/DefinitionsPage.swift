/// How each figure is counted (统计口径), served with the figures so that anyone reading them can check what they mean.
/// The same definitions as docs/METRICS.md, which the code in `CaseStats` follows.
enum DefinitionsPage {
    static func html(_ lang: Language) -> String {
        let rows: [(String, String, String, String)] = [
            ("收集问题", "Collected", "统计期内登记的问题数（按登记时间，北京时间）。", "Cases submitted in the period (by submission time, Beijing time)."),
            ("制定措施", "Measures drafted", "其中责任单位至少录入过一条措施的问题数。", "Of those, cases whose owner recorded at least one measure."),
            ("已解决", "Solved", "其中当前状态为已办结或已确认解决的问题数；确认后又被反映未解决的，重新办结前不计。",
             "Of those, cases now resolved or closed; a case reopened after confirmation counts again only once resolved again."),
            ("未解决", "Open", "收集问题 − 已解决。", "Collected − solved."),
            ("超期", "Overdue", "未解决的问题中，当前办理时限早于查询时刻的。", "Open cases whose current deadline lies before the moment of the query."),
            ("响应率", "Response rate", "已交办的问题中，责任单位有过签收、措施、进展、办结或退回的比例。",
             "Of the cases routed at least once, the share on which a bureau acted (signed, measure, progress, resolved or returned)."),
            ("解决率", "Resolution rate", "已解决 ÷ 收集问题。", "Solved ÷ collected."),
            ("满意率", "Satisfaction rate", "反映人评价过的问题中，最近一次评价为 4 或 5 分的比例。",
             "Of the cases the submitter rated, the share whose latest rating is 4 or 5."),
            ("按期办结率", "On-time rate", "已解决的问题中，最近一次办结不晚于当时有效办理时限（含批准的延期）的比例。",
             "Of the solved cases, the share whose latest resolution came at or before the deadline then in force (granted extensions count)."),
            ("综合得分", "Score", "响应率、解决率、满意率、按期办结率中有定义者的平均值；用于月度排名。",
             "The mean of those of the four rates that are defined for the bureau; it ranks the bureaus each month."),
            ("已开展期数", "Sessions held", "已开始（进行中或已结束）的会议期数；待召开和已取消的不计。",
             "Meeting sessions opened (in session or closed); scheduled and cancelled ones are not counted."),
            ("会议问题", "Meeting problems", "在各期会议上登记的问题；其制定措施、已解决、按期解决的口径同上。",
             "Problems recorded at a session; their measures drafted, solved and solved on time are counted as above."),
            ("按期解决", "Solved on time", "已解决的会议问题中，办结不晚于当时有效办理时限的个数。",
             "Of the solved meeting problems, those resolved at or before the deadline then in force."),
        ]
        var out = "<p>" + lang("分母为零的比率不显示（记为“—”），不按 0 计。单位按当前责任单位统计；市级单位的问题同时计入其属地跟踪单位的视图。",
                               "A rate whose denominator is zero is shown as “—”, never as 0. Cases count under the bureau that owns them now; a city-level unit's cases also appear to its district counterpart.") + "</p>"
        out += "<table id=\"definitions\" class=\"cards\"><thead><tr><th>\(lang("指标", "Figure"))</th><th>\(lang("口径", "Definition"))</th></tr></thead><tbody>"
        for (zh, en, zhText, enText) in rows {
            out += "<tr>" + cell(lang("指标", "Figure"), lang(zh, en), main: true) + cell(lang("口径", "Definition"), lang(zhText, enText), extraClass: "block") + "</tr>"
        }
        return out + "</tbody></table>"
    }
}
