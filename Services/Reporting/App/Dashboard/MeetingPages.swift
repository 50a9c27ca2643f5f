import DubanModels
import DubanRuntime
import Foundation

/// The meetings pages' HTML: the index with figures and the publishable sentence, a session's page with the
/// secretary's recording form, and the printable responsibility list and follow-up report (A4 landscape).
enum MeetingPages {
    static let path = "/dashboard/meetings"

    /// A row of the recording form that intake refused, given back as typed with the reason.
    struct RefusedRow: Sendable {
        var title, enterprise, answer, category: String
        var code: String
    }
    static func sessionPath(_ id: String) -> String { path + "/sessions/" + IntakeClient.pathSegment(id) }

    static func stateWords(_ state: MeetingSessionState, _ lang: Language) -> String {
        switch state {
        case .scheduled: lang("待召开", "Scheduled")
        case .open: lang("进行中", "In session")
        case .closed: lang("已结束", "Closed")
        case .cancelled: lang("已取消", "Cancelled")
        }
    }

    static func weekdayWords(_ weekday: Int, _ lang: Language) -> String {
        let zh = ["一", "二", "三", "四", "五", "六", "日"], en = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
        guard (1...7).contains(weekday) else { return String(weekday) }
        return lang("每周" + zh[weekday - 1], "Every " + en[weekday - 1])
    }

    /// Names joined by 、, or — when there are none.
    static func names(_ names: [String]) -> String { names.isEmpty ? "—" : esc(names.joined(separator: "、")) }

    /// 第16期 / No. 16.
    static func numberWords(_ number: Int, _ lang: Language) -> String { lang("第\(number)期", "No. \(number)") }

    static func hidden(_ lang: Language, csrf: String) -> String {
        "<input type=\"hidden\" name=\"csrf\" value=\"\(esc(csrf))\">" + (lang == .en ? "<input type=\"hidden\" name=\"lang\" value=\"en\">" : "")
    }

    /// The figures as cards; a session's own page leaves out "sessions held".
    static func figureCards(_ counts: MeetingFigures.Counts, _ lang: Language, withSessions: Bool = true) -> String {
        let items = (withSessions ? [(counts.sessionsHeld, lang("已开展期数", "Sessions held"), "sessions")] : []) + [(counts.collected, lang("收集问题", "Problems collected"), "collected"),
                     (counts.measures, lang("制定措施", "Measures drafted"), "measures"), (counts.solved, lang("已解决", "Solved"), "solved"),
                     (counts.onTime, lang("按期解决", "Solved on time"), "on-time")]
        return "<div class=\"figures\">" + items.map { "<div class=\"figure\" id=\"meeting-\($0.2)\"><b>\($0.0)</b><span>\($0.1)</span></div>" }.joined() + "</div>"
    }

    static func countsCells(_ counts: MeetingFigures.Counts, _ lang: Language) -> String {
        cell(lang("收集", "Collected"), String(counts.collected), numeric: true) + cell(lang("措施", "Measures"), String(counts.measures), numeric: true)
            + cell(lang("解决", "Solved"), String(counts.solved), numeric: true) + cell(lang("按期", "On time"), String(counts.onTime), numeric: true)
    }

    static func countsHeader(_ lang: Language) -> String {
        "<th class=\"n\">\(lang("收集", "Collected"))</th><th class=\"n\">\(lang("措施", "Measures"))</th><th class=\"n\">\(lang("解决", "Solved"))</th><th class=\"n\">\(lang("按期", "On time"))</th>"
    }

    /// The index: the sentence per series, the figures, every session, and the forms of those who run meetings.
    static func index(figures: MeetingFigures, perSeries: [(MeetingSeries, MeetingFigures)], liaisons: [LiaisonFigures], lang: Language,
                      words: Vocabulary, canManage: Bool, csrf: String, message: String) -> String {
        var html = message
        for (series, seriesFigures) in perSeries {
            html += "<section class=\"series\" id=\"series-\(esc(series.id))\"><h2>\(esc(series.name))</h2>"
            html += "<p class=\"muted\">\(weekdayWords(series.weekday, lang)) \(esc(series.startsAt))–\(esc(series.endsAt))"
                + (series.chair.map { " · " + lang("主持：", "Chair: ") + esc($0) } ?? "") + "</p>"
            html += "<blockquote class=\"sentence\" id=\"sentence-\(esc(series.id))\">\(esc(seriesFigures.sentence))</blockquote>"
            html += figureCards(seriesFigures.total, lang) + "</section>"
        }
        if perSeries.count > 1 {
            html += "<h2>\(lang("全部系列合计", "All series together"))</h2>" + figureCards(figures.total, lang)
        }
        html += "<h2>\(lang("各期情况", "Sessions"))</h2>"
        if figures.sessions.isEmpty {
            html += "<p class=\"muted\">\(lang("还没有会议。", "No sessions yet."))</p>"
        } else {
            html += "<table class=\"cards\" id=\"sessions\"><thead><tr><th>\(lang("期次", "Session"))</th><th>\(lang("日期", "Date"))</th><th>\(lang("主题", "Theme"))</th><th>\(lang("状态", "State"))</th>\(countsHeader(lang))</tr></thead><tbody>"
            let names = Dictionary(perSeries.map { ($0.0.id, $0.0.name) }, uniquingKeysWith: { first, _ in first })
            for line in figures.sessions {
                let link = sessionPath(line.session) + (lang == .en ? "?lang=en" : "")
                html += "<tr id=\"session-\(esc(line.session))\">" + cell(lang("期次", "Session"), "<a href=\"\(esc(link))\">\(esc(names[line.series] ?? line.series)) \(numberWords(line.number, lang))</a>", main: true)
                    + cell(lang("日期", "Date"), esc(line.date)) + cell(lang("主题", "Theme"), esc(line.theme))
                    + cell(lang("状态", "State"), stateWords(MeetingSessionState(rawValue: line.state) ?? .scheduled, lang))
                    + countsCells(line.figures, lang) + "</tr>"
            }
            html += "</tbody></table>"
        }
        html += groupTable(lang("按主题", "By theme"), "themes", figures.themes, lang, withSessions: true)
        html += groupTable(lang("按类别", "By category"), "categories",
                           figures.categories.map { MeetingFigures.Group(key: $0.key, name: words.category($0.key, lang), figures: $0.figures) }, lang,
                           withSessions: false)
        if !liaisons.isEmpty {
            html += "<h2>\(lang("联络员", "Liaison officers"))</h2><table class=\"cards\" id=\"liaisons\"><thead><tr><th>\(lang("联络员", "Liaison"))</th><th>\(lang("片区/小组", "Area"))</th><th class=\"n\">\(lang("代为反映", "Submitted"))</th><th class=\"n\">\(lang("已解决", "Solved"))</th></tr></thead><tbody>"
            for line in liaisons {
                html += "<tr>" + cell(lang("联络员", "Liaison"), esc(line.liaison), main: true) + cell(lang("片区/小组", "Area"), esc(line.area ?? "—"))
                    + cell(lang("代为反映", "Submitted"), String(line.submitted), numeric: true) + cell(lang("已解决", "Solved"), String(line.solved), numeric: true) + "</tr>"
            }
            html += "</tbody></table>"
        }
        if canManage { html += forms(series: perSeries.map(\.0), lang: lang, words: words, csrf: csrf) }
        return html
    }

    static func groupTable(_ title: String, _ id: String, _ groups: [MeetingFigures.Group], _ lang: Language, withSessions: Bool) -> String {
        guard !groups.isEmpty else { return "" }
        var html = "<h2>\(title)</h2><table class=\"cards\" id=\"\(id)\"><thead><tr><th>\(title)</th>"
            + (withSessions ? "<th class=\"n\">\(lang("期数", "Sessions"))</th>" : "") + countsHeader(lang) + "</tr></thead><tbody>"
        for group in groups {
            html += "<tr>" + cell(title, esc(group.name), main: true)
                + (withSessions ? cell(lang("期数", "Sessions"), String(group.figures.sessionsHeld), numeric: true) : "")
                + countsCells(group.figures, lang) + "</tr>"
        }
        return html + "</tbody></table>"
    }

    static func forms(series: [MeetingSeries], lang: Language, words: Vocabulary, csrf: String) -> String {
        var html = ""
        if !series.isEmpty {
            html += """
                <h2>\(lang("新建一期会议", "Schedule a session"))</h2>
                <form method="post" action="\(path)/sessions" class="stacked" id="new-session">\(hidden(lang, csrf: csrf))
                <label>\(lang("系列", "Series"))<select name="series" id="new-session-series">\(series.map { "<option value=\"\(esc($0.id))\">\(esc($0.name))</option>" }.joined())</select></label>
                <label>\(lang("主题", "Theme"))<input name="theme" id="new-session-theme" required maxlength="200"></label>
                <label>\(lang("日期（不填则为下一个例会日）", "Date (empty: the next slot)"))<input name="date" id="new-session-date" type="date"></label>
                <label>\(lang("地点", "Venue"))<input name="venue" maxlength="200"></label>
                <label>\(lang("主持", "Chair"))<input name="chair" maxlength="100"></label>
                <button type="submit">\(lang("新建", "Schedule"))</button></form>
                """
        }
        html += """
            <h2>\(lang("新建会议系列", "Start a meeting series"))</h2>
            <form method="post" action="\(path)/series" class="stacked" id="new-series">\(hidden(lang, csrf: csrf))
            <label>\(lang("编号（小写字母、数字、-）", "Id (lower-case letters, digits, -)"))<input name="id" required maxlength="32" pattern="[a-z0-9][a-z0-9-]*"></label>
            <label>\(lang("名称", "Name"))<input name="name" required maxlength="100" placeholder="政企交流主题日"></label>
            <label>\(lang("例会日", "Weekday"))<select name="weekday">\((1...7).map { "<option value=\"\($0)\">\(weekdayWords($0, lang))</option>" }.joined())</select></label>
            <label>\(lang("开始", "Starts"))<input name="startsAt" type="time" value="20:00"></label>
            <label>\(lang("结束", "Ends"))<input name="endsAt" type="time" value="22:00"></label>
            <label>\(lang("默认主持", "Default chair"))<input name="chair" maxlength="100"></label>
            <label>\(lang("地点", "Venue"))<input name="venue" maxlength="200"></label>
            <button type="submit">\(lang("新建", "Create"))</button></form>
            """
        return html
    }

    /// A session's page: what it is, its state and the acts that change it, the recording form while it is held, the
    /// problems raised with their owners, and links to the printable list and follow-up.
    static func session(_ session: MeetingSession, list: ResponsibilityList, figures: MeetingFigures.Counts, lang: Language, words: Vocabulary,
                        canManage: Bool, csrf: String, message: String, rows: Int, refused: [RefusedRow] = []) -> String {
        let base = sessionPath(session.id)
        let langQuery = lang == .en ? "?lang=en" : ""
        var html = message
        html += "<table class=\"fields\" id=\"session-fields\"><tbody>"
        let fields: [(String, String)] = [
            (lang("期次", "Session"), esc(session.seriesName) + " " + numberWords(session.number, lang)),
            (lang("时间", "When"), esc(session.date) + " " + esc(session.startsAt) + "–" + esc(session.endsAt)),
            (lang("地点", "Venue"), esc(session.venue ?? "—")), (lang("主题", "Theme"), esc(session.theme)),
            (lang("主持", "Chair"), esc(session.chair ?? "—")), (lang("出席领导", "Leaders"), Self.names(session.leaders)),
            (lang("参会单位", "Bureaus present"), Self.names(session.bureaus.map { words.bureau($0, lang) })),
            (lang("邀请企业", "Enterprises invited"), Self.names(session.invited)),
            (lang("到会企业", "Enterprises attending"), Self.names(session.attending)),
            (lang("状态", "State"), "<span id=\"session-state\" data-state=\"\(session.state.rawValue)\">\(stateWords(session.state, lang))</span>"),
        ]
        html += fields.map { "<tr><th>\($0.0)</th><td>\($0.1)</td></tr>" }.joined() + "</tbody></table>"
        html += figureCards(figures, lang, withSessions: false)
        html += "<p><a href=\"\(base)/list\(langQuery)\" id=\"print-list\">\(lang("责任清单（打印）", "Responsibility list (print)"))</a> · "
            + "<a href=\"\(base)/list.csv\" id=\"list-csv\">\(lang("责任清单 CSV", "Responsibility list CSV"))</a> · "
            + "<a href=\"\(base)/follow-up\(langQuery)\" id=\"follow-up\">\(lang("上期问题办理情况", "Follow-up of earlier sessions"))</a></p>"
        if canManage {
            var acts: [(String, String)] = []
            switch session.state {
            case .scheduled: acts = [("open", lang("开始会议", "Open the session")), ("cancel", lang("取消本期", "Cancel it"))]
            case .open: acts = [("close", lang("结束会议", "Close the session"))]
            case .closed, .cancelled: break
            }
            if !acts.isEmpty {
                html += "<div class=\"inline\">" + acts.map { act, label in
                    "<form method=\"post\" action=\"\(base)/\(act)\" class=\"inline\">\(hidden(lang, csrf: csrf))<button type=\"submit\" id=\"session-\(act)\">\(label)</button></form>"
                }.joined() + "</div>"
            }
            if session.state.wasHeld { html += recordingForm(session, lang: lang, words: words, csrf: csrf, rows: max(rows, refused.count), refused: refused) }
            if session.state == .scheduled || session.state == .open { html += attendanceForm(session, lang: lang, words: words, csrf: csrf) }
        }
        html += "<h2>\(lang("问题清单", "Problems raised"))</h2>" + listTable(list.lines, lang: lang, words: words, id: "problems", linkCases: true)
        return html
    }

    /// Many rows, keyboard only: Tab moves through a row's fields (the enterprise chosen from those attending with the
    /// arrow keys or by typing), Enter in any field records every filled row at once.
    static func recordingForm(_ session: MeetingSession, lang: Language, words: Vocabulary, csrf: String, rows: Int,
                              refused: [RefusedRow] = []) -> String {
        let categories = words.categories.sorted { $0.key < $1.key }
        var html = "<h2 id=\"record-heading\">\(lang("现场登记问题", "Record problems"))</h2>"
        if !refused.isEmpty {
            // What intake refused, row by row, given back in the form as typed to be put right.
            html += "<div class=\"error\" id=\"row-errors\"><p>\(lang("以下 \(refused.count) 行未登记，已保留在表中，请修改后再提交：", "\(refused.count) rows were not recorded; they are kept below to put right:"))</p><ol>"
                + refused.map { "<li data-code=\"\(esc($0.code))\">\(esc($0.title.isEmpty ? "—" : $0.title))：\(esc(lang.problem($0.code, message: lang("未登记（\($0.code)）", "not recorded (\($0.code))"))))</li>" }.joined()
                + "</ol></div>"
        }
        html += """
            <p class="muted">\(lang("Tab 键切换，回车提交；未填写问题的行不登记。登记后立即交办。", "Tab moves on, Enter records; rows without a problem are left out. Each is routed at once."))</p>
            <form method="post" action="\(sessionPath(session.id))/problems" id="record">\(hidden(lang, csrf: csrf))
            <input type="hidden" name="rows" value="\(rows)"><input type="hidden" name="token" value="\(UUID().uuidString)">
            <table class="cards record" id="record-rows"><thead><tr><th>#</th><th>\(lang("问题", "Problem"))</th><th>\(lang("企业", "Enterprise"))</th><th>\(lang("现场答复", "Answer given"))</th><th>\(lang("类别", "Category"))</th></tr></thead><tbody>
            """
        let enterprises = session.attending.isEmpty ? session.invited : session.attending
        for row in 1...rows {
            let kept = row <= refused.count ? refused[row - 1] : nil
            let selected = { (value: String) in kept?.enterprise == value ? " selected" : "" }
            let enterprise = session.attending.isEmpty
                ? "<input name=\"enterprise-\(row)\" id=\"enterprise-\(row)\" list=\"enterprises\" maxlength=\"200\" autocomplete=\"off\" value=\"\(esc(kept?.enterprise))\">"
                : "<select name=\"enterprise-\(row)\" id=\"enterprise-\(row)\"><option value=\"\">—</option>"
                    + (kept.map { !$0.enterprise.isEmpty && !enterprises.contains($0.enterprise) } == true
                       ? "<option selected>\(esc(kept?.enterprise))</option>" : "")
                    + enterprises.map { "<option\(selected($0))>\(esc($0))</option>" }.joined() + "</select>"
            html += "<tr>" + cell("#", String(row), numeric: true)
                + cell(lang("问题", "Problem"), "<input name=\"title-\(row)\" id=\"title-\(row)\" maxlength=\"200\" autocomplete=\"off\" value=\"\(esc(kept?.title))\">")
                + cell(lang("企业", "Enterprise"), enterprise)
                + cell(lang("现场答复", "Answer given"), "<input name=\"answer-\(row)\" id=\"answer-\(row)\" maxlength=\"2000\" autocomplete=\"off\" value=\"\(esc(kept?.answer))\">")
                + cell(lang("类别", "Category"), "<select name=\"category-\(row)\" id=\"category-\(row)\"><option value=\"\">\(lang("自动分类", "Automatic"))</option>"
                       + categories.map { "<option value=\"\(esc($0.key))\"\(kept?.category == $0.key ? " selected" : "")>\(esc(words.category($0.key, lang)))</option>" }.joined() + "</select>")
                + "</tr>"
        }
        html += "</tbody></table>"
        if session.attending.isEmpty {
            html += "<datalist id=\"enterprises\">" + enterprises.map { "<option value=\"\(esc($0))\">" }.joined() + "</datalist>"
        }
        html += "<button type=\"submit\" id=\"record-submit\">\(lang("登记并交办", "Record and route"))</button></form>"
        html += """
            <h3>\(lang("导入会议纪要（CSV）", "Import the minutes (CSV)"))</h3>
            <form method="post" action="\(sessionPath(session.id))/import?csrf=\(esc(csrf))\(lang == .en ? "&amp;lang=en" : "")" enctype="multipart/form-data" class="inline" id="session-import">
            <label>\(lang("CSV 文件：标题、问题描述、企业名称、现场答复", "CSV file: title, description, enterprise, first answer")) <input type="file" name="file" id="session-import-file" accept=".csv,text/csv" required></label>
            <button type="submit">\(lang("导入", "Import"))</button></form>
            """
        return html
    }

    static func attendanceForm(_ session: MeetingSession, lang: Language, words: Vocabulary, csrf: String) -> String {
        let bureaus = words.bureaus.sorted { $0.key < $1.key }
        return """
            <details id="attendance"><summary>\(lang("修改本期信息与参会情况", "Change the session and who attends"))</summary>
            <form method="post" action="\(sessionPath(session.id))" class="stacked" id="session-edit">\(hidden(lang, csrf: csrf))
            <label>\(lang("主题", "Theme"))<input name="theme" value="\(esc(session.theme))" maxlength="200"></label>
            <label>\(lang("日期", "Date"))<input name="date" type="date" value="\(esc(session.date))"></label>
            <label>\(lang("地点", "Venue"))<input name="venue" value="\(esc(session.venue))" maxlength="200"></label>
            <label>\(lang("主持", "Chair"))<input name="chair" value="\(esc(session.chair))" maxlength="100"></label>
            <label>\(lang("出席领导（每行一位）", "Leaders (one a line)"))<textarea name="leaders" rows="3">\(esc(session.leaders.joined(separator: "\n")))</textarea></label>
            <label>\(lang("邀请企业（每行一家）", "Enterprises invited (one a line)"))<textarea name="invited" id="invited" rows="4">\(esc(session.invited.joined(separator: "\n")))</textarea></label>
            <label>\(lang("到会企业（每行一家）", "Enterprises attending (one a line)"))<textarea name="attending" id="attending" rows="4">\(esc(session.attending.joined(separator: "\n")))</textarea></label>
            <fieldset><legend>\(lang("参会单位", "Bureaus present"))</legend>\(bureaus.map { id, _ in
                "<label class=\"check\"><input type=\"checkbox\" name=\"bureau-\(esc(id))\" value=\"1\"\(session.bureaus.contains(id) ? " checked" : "")> \(esc(words.bureau(id, lang)))</label>"
            }.joined(separator: " "))</fieldset>
            <button type="submit" id="session-save">\(lang("保存", "Save"))</button></form></details>
            """
    }

    /// The responsibility list's table, on the session page and printed.
    static func listTable(_ lines: [ResponsibilityList.Line], lang: Language, words: Vocabulary, id: String, linkCases: Bool,
                          withSession: Bool = false) -> String {
        guard !lines.isEmpty else { return "<p class=\"muted\" id=\"\(id)-empty\">\(lang("没有问题。", "None."))</p>" }
        let heads = [lang("序号", "No."), lang("问题", "Problem"), lang("企业", "Enterprise"), lang("现场答复", "Answer given"),
                     lang("责任单位", "Owner"), lang("协办/对口跟踪", "Co-handlers / counterpart"), lang("解决措施", "Measure"),
                     lang("办理时限", "Deadline"), lang("状态", "Status"), lang("最新进展", "Latest progress")]
        var html = "<table class=\"cards list\" id=\"\(id)\"><thead><tr>" + (withSession ? "<th>\(lang("期次", "Session"))</th>" : "")
            + heads.map { "<th>\($0)</th>" }.joined() + "</tr></thead><tbody>"
        for line in lines {
            let title = linkCases ? "<a href=\"/dashboard/cases/\(IntakeClient.pathSegment(line.caseId))\(lang == .en ? "?lang=en" : "")\">\(esc(line.title))</a>" : esc(line.title)
            let helpers = line.assisting.map { words.bureau($0, lang) } + (line.counterpart.map { [lang("对口：", "Counterpart: ") + words.bureau($0, lang)] } ?? [])
            html += "<tr data-case=\"\(esc(line.caseId))\">"
                + (withSession ? cell(lang("期次", "Session"), FollowUpReport.number(of: line.session).map { numberWords($0, lang) } ?? esc(line.session)) : "")
                + cell(heads[0], String(line.number), numeric: true)
                + cell(heads[1], title + "<br><small class=\"muted\">\(esc(line.caseId))</small>", main: true)
                + cell(heads[2], esc(line.enterprise ?? "—")) + cell(heads[3], esc(line.firstAnswer ?? "—"), extraClass: "block")
                + cell(heads[4], "<span class=\"owner\">\(esc(line.bureau.map { words.bureau($0, lang, routedName: line.bureauName) } ?? ""))</span>")
                + cell(heads[5], esc(helpers.joined(separator: "、")))
                + cell(heads[6], esc(line.measure ?? "—"), extraClass: "block")
                + cell(heads[7], PageFormat.day(line.deadline)) + cell(heads[8], lang.status(line.status.rawValue))
                + cell(heads[9], esc(line.latestProgress.map { $0 + "（" + PageFormat.day(line.latestProgressAt) + "）" } ?? "—"), extraClass: "block")
                + "</tr>"
        }
        return html + "</tbody></table>"
    }

    /// A document to print on A4 landscape (Chromium's print to PDF): the series, session number and date in a header
    /// row that repeats on every page, the table's rows never split across pages.
    static func printable(title: String, heading: String, body: String, lang: Language, back: String) -> String {
        """
        <!doctype html>
        <html lang="\(lang.htmlCode)"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <link rel="icon" href="data:,">
        <title>\(esc(title))</title>
        <style>
        @page{size:A4 landscape;margin:10mm}
        body{font-family:"Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei","Microsoft YaHei",sans-serif;color:#111;font-size:10pt;margin:0 auto;max-width:277mm;padding:0 .5rem}
        .no-print{margin:.8rem 0}.no-print a{margin-right:1rem}
        table{border-collapse:collapse;width:100%;margin-bottom:1rem}th,td{border:1px solid #666;padding:3px 4px;vertical-align:top;text-align:left;overflow-wrap:anywhere}
        thead{display:table-header-group}tr{break-inside:avoid}th{background:#eee;min-width:3.5em}th.doc{background:none;border:0;font-size:13pt;padding:0 0 6px}
        td.n,th.n{text-align:right}td.day,td.status{white-space:nowrap}h2{font-size:11pt;margin:.6rem 0}.muted{color:#555}
        @media print{.no-print{display:none}}
        @media screen and (max-width:640px){body{font-size:9pt}.sheet{overflow-x:auto}}
        </style></head>
        <body><p class="no-print">\(back)</p>
        <h1 class="no-print" style="font-size:1.1rem">\(esc(heading))</h1>
        \(body)
        </body></html>
        """
    }

    static func printTable(_ lines: [ResponsibilityList.Line], heading: String, lang: Language, words: Vocabulary, withSession: Bool, id: String) -> String {
        let heads = (withSession ? [lang("期次", "Session")] : []) + [lang("序号", "No."), lang("问题", "Problem"), lang("企业", "Enterprise"),
                     lang("现场答复", "Answer given"), lang("责任单位", "Owner"), lang("协办单位", "Co-handlers"), lang("对口跟踪", "Counterpart"),
                     lang("解决措施", "Measure"), lang("办理时限", "Deadline"), lang("状态", "Status"), lang("最新进展", "Latest progress")]
        var html = "<div class=\"sheet\"><table id=\"\(id)\"><thead><tr><th class=\"doc\" colspan=\"\(heads.count)\">\(esc(heading))</th></tr><tr>"
            + heads.map { "<th>\($0)</th>" }.joined() + "</tr></thead><tbody>"
        if lines.isEmpty { html += "<tr><td colspan=\"\(heads.count)\" class=\"muted\">\(lang("没有问题。", "None."))</td></tr>" }
        for line in lines {
            html += "<tr data-case=\"\(esc(line.caseId))\">"
                + (withSession ? "<td>\(FollowUpReport.number(of: line.session).map { numberWords($0, lang) } ?? esc(line.session))</td>" : "")
                + "<td class=\"n\">\(line.number)</td><td>\(esc(line.title))<br><small>\(esc(line.caseId))</small></td>"
                + "<td>\(esc(line.enterprise ?? ""))</td><td>\(esc(line.firstAnswer ?? ""))</td>"
                + "<td>\(esc(line.bureau.map { words.bureau($0, lang, routedName: line.bureauName) } ?? ""))</td>"
                + "<td>\(esc(line.assisting.map { words.bureau($0, lang) }.joined(separator: "、")))</td>"
                + "<td>\(esc(line.counterpart.map { words.bureau($0, lang) } ?? ""))</td>"
                + "<td>\(esc(line.measure ?? ""))</td><td class=\"day\">\(PageFormat.day(line.deadline))</td><td class=\"status\">\(lang.status(line.status.rawValue))</td>"
                + "<td>\(esc(line.latestProgress ?? ""))\(line.latestProgressAt.map { "<br><small>" + PageFormat.day($0) + "</small>" } ?? "")</td></tr>"
        }
        return html + "</tbody></table></div>"
    }

    /// 政企交流主题日 第16期 · 2026-12-07 · 主题：…
    static func documentHeading(_ session: MeetingSession, _ what: String, _ lang: Language) -> String {
        "\(session.seriesName) \(numberWords(session.number, lang)) \(what) · \(session.date) · \(lang("主题：", "Theme: "))\(session.theme)"
    }
}
