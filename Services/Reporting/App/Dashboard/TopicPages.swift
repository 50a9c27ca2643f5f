import DubanModels
import DubanRuntime
import Foundation
import Hummingbird

/// The council's topics (议题): the list, a topic's six steps with the form for the next one, and the decline form
/// at drafting (docs/MEETINGS.md, "Topics").
enum TopicPages {
    static let path = "/dashboard/topics"
    static func topicPath(_ id: String) -> String { path + "/" + IntakeClient.pathSegment(id) }

    static func stepWords(_ step: TopicStep, _ lang: Language) -> String {
        switch step {
        case .collect: lang("收集民意", "Collect information")
        case .draft: lang("拟定议题", "Draft the topic")
        case .research: lang("会前调研", "Research before discussing")
        case .consult: lang("协商议事", "Consult all parties")
        case .publish: lang("公开结果", "Publish the result")
        case .supervise: lang("监督执行", "Supervise execution")
        }
    }

    static func stateWords(_ answer: MeetingAPI.TopicAnswer, _ lang: Language) -> String {
        if answer.topic.state == .declined { return lang("不予立题", "Declined") }
        if answer.done { return lang("已办结", "Done") }
        return lang("进行中：", "Under way: ") + stepWords(answer.topic.step, lang)
    }

    static func list(_ topics: [MeetingAPI.TopicAnswer], lang: Language, canManage: Bool, csrf: String, message: String) -> String {
        var html = message
        if topics.isEmpty {
            html += "<p class=\"muted\">\(lang("还没有议题。", "No topics yet."))</p>"
        } else {
            html += "<table class=\"cards\" id=\"topics\"><thead><tr><th>\(lang("议题", "Topic"))</th><th>\(lang("片区/小组", "Area"))</th><th>\(lang("进度", "Progress"))</th><th class=\"n\">\(lang("关联问题", "Cases"))</th></tr></thead><tbody>"
            for answer in topics {
                let topic = answer.topic
                html += "<tr id=\"topic-\(esc(topic.id))\">"
                    + cell(lang("议题", "Topic"), "<a href=\"\(topicPath(topic.id))\(lang == .en ? "?lang=en" : "")\">\(esc(topic.title))</a> <small class=\"muted\">\(esc(topic.id))</small>", main: true)
                    + cell(lang("片区/小组", "Area"), esc(topic.area ?? "—")) + cell(lang("进度", "Progress"), stateWords(answer, lang))
                    + cell(lang("关联问题", "Cases"), String(topic.cases.count), numeric: true) + "</tr>"
            }
            html += "</tbody></table>"
        }
        if canManage {
            html += """
                <h2>\(lang("新建议题", "Start a topic"))</h2>
                <form method="post" action="\(path)" class="stacked" id="new-topic">\(MeetingPages.hidden(lang, csrf: csrf))
                <label>\(lang("议题（从一个问题开始时可不填）", "Title (may be left empty when it starts from one case)"))<input name="title" id="new-topic-title" maxlength="200"></label>
                <label>\(lang("片区/小组", "Area or group"))<input name="area" id="new-topic-area" maxlength="100"></label>
                <label>\(lang("汇集的问题编号（空格分隔）", "Cases gathered (ids, space-separated)"))<input name="cases" id="new-topic-cases"></label>
                <label>\(lang("收集到的民意", "What was collected"))<textarea name="notes" id="new-topic-notes" rows="3" maxlength="4000"></textarea></label>
                <button type="submit" id="new-topic-submit">\(lang("新建", "Create"))</button></form>
                """
        }
        return html
    }

    static func page(_ answer: MeetingAPI.TopicAnswer, lang: Language, configuration: MeetingsConfiguration, canManage: Bool, csrf: String,
                     message: String) -> String {
        let topic = answer.topic
        var html = message
        html += "<table class=\"fields\" id=\"topic-fields\"><tbody>"
            + "<tr><th>\(lang("编号", "Id"))</th><td>\(esc(topic.id))</td></tr>"
            + "<tr><th>\(lang("片区/小组", "Area"))</th><td>\(esc(topic.area ?? "—"))</td></tr>"
            + "<tr><th>\(lang("进度", "Progress"))</th><td id=\"topic-state\" data-step=\"\(topic.step.rawValue)\" data-state=\"\(topic.state.rawValue)\" data-done=\"\(answer.done)\">\(stateWords(answer, lang))</td></tr>"
        if let reason = topic.declineReason {
            html += "<tr><th>\(lang("不予立题理由", "Declined because"))</th><td id=\"decline-reason\">\(esc(reasonWords(reason, configuration, lang)))</td></tr>"
        }
        if let decision = topic.decision { html += "<tr><th>\(lang("议定事项", "Decision"))</th><td class=\"prose\">\(esc(decision))</td></tr>" }
        if let result = topic.result { html += "<tr><th>\(lang("公开结果", "Published result"))</th><td class=\"prose\" id=\"topic-result\">\(esc(result))</td></tr>" }
        let cases = topic.cases.map { "<a href=\"/dashboard/cases/\(IntakeClient.pathSegment($0))\">\(esc($0))</a>" }.joined(separator: " ")
        html += "<tr><th>\(lang("汇集的问题", "Cases gathered"))</th><td>\(cases.isEmpty ? "—" : cases)</td></tr>"
        if !topic.executionCases.isEmpty {
            html += "<tr><th>\(lang("执行事项", "Cases carrying it out"))</th><td>"
                + topic.executionCases.map { "<a href=\"/dashboard/cases/\(IntakeClient.pathSegment($0))\">\(esc($0))</a>" }.joined(separator: " ")
                + lang("（已解决 \(answer.executionSolved)/\(topic.executionCases.count)）", " (\(answer.executionSolved) of \(topic.executionCases.count) solved)") + "</td></tr>"
        }
        html += "</tbody></table><h2>\(lang("六步记录", "The six steps"))</h2><ol class=\"timeline\" id=\"steps\">"
        for record in topic.records {
            html += "<li data-step=\"\(record.step.rawValue)\"><time>\(PageFormat.minute(record.at))</time><strong>\(stepWords(record.step, lang))</strong> · <span class=\"who\" title=\"\(esc(record.by))\">\(esc(record.byName ?? Self.machine(record.by, lang)))</span>"
            if let notes = record.notes { html += "<div class=\"prose\">\(esc(notes))</div>" }
            if !record.parties.isEmpty {
                html += "<ul class=\"parties\">" + record.parties.map { "<li><b>\(esc($0.party))</b>：\(esc($0.position))</li>" }.joined() + "</ul>"
            }
            if let decision = record.decision { html += "<div class=\"prose\">\(lang("决定：", "Decision: "))\(esc(decision))</div>" }
            html += "</li>"
        }
        html += "</ol>"
        if canManage, topic.state == .active, let next = topic.step.next {
            html += nextStepForm(topic, next, lang: lang, configuration: configuration, csrf: csrf)
        }
        return html
    }

    /// Who recorded a step when no person did: never a key's name on a page (it stays in the tooltip).
    static func machine(_ actor: String, _ lang: Language) -> String {
        actor.hasPrefix("operator:") ? lang("主机操作员", "An operator on the host") : lang("对接系统", "A connected system")
    }

    static func reasonWords(_ code: String, _ configuration: MeetingsConfiguration, _ lang: Language) -> String {
        guard let reason = configuration.reason(code) else { return code }
        return lang == .en ? reason.name.en ?? reason.name.zh : reason.name.zh
    }

    static func nextStepForm(_ topic: Topic, _ step: TopicStep, lang: Language, configuration: MeetingsConfiguration, csrf: String) -> String {
        let action = topicPath(topic.id) + "/steps"
        var fields = "<input type=\"hidden\" name=\"step\" value=\"\(step.rawValue)\">"
        switch step {
        case .consult:
            fields += "<fieldset><legend>\(lang("参与各方及意见", "Parties and their positions"))</legend>"
            for row in 1...5 {
                fields += "<div class=\"inline\"><input name=\"party-\(row)\" id=\"party-\(row)\" placeholder=\"\(lang("参与方", "Party"))\" maxlength=\"100\">"
                    + "<input name=\"position-\(row)\" id=\"position-\(row)\" placeholder=\"\(lang("意见", "Position"))\" maxlength=\"2000\"></div>"
            }
            fields += "</fieldset><label>\(lang("议定事项", "Decision"))<textarea name=\"decision\" id=\"step-decision\" rows=\"3\" required></textarea></label>"
        case .publish:
            fields += "<label>\(lang("公开的结果", "Result to publish"))<textarea name=\"result\" id=\"step-result\" rows=\"3\" required></textarea></label>"
        case .supervise:
            fields += "<label>\(lang("落实决定的问题编号（空格分隔）", "Cases carrying the decision out (ids, space-separated)"))<input name=\"cases\" id=\"step-cases\" required></label>"
        case .collect, .draft, .research:
            break
        }
        fields += "<label>\(lang("记录", "Notes"))<textarea name=\"notes\" id=\"step-notes\" rows=\"3\" maxlength=\"4000\"></textarea></label>"
        var html = """
            <h2>\(lang("下一步：", "Next: "))\(stepWords(step, lang))</h2>
            <form method="post" action="\(action)" class="stacked" id="next-step">\(MeetingPages.hidden(lang, csrf: csrf))\(fields)
            <button type="submit" id="next-step-submit">\(lang("记录", "Record"))</button></form>
            """
        if step == .draft, !configuration.declineReasons.isEmpty {
            html += """
                <h3>\(lang("不予立题", "Decline the topic"))</h3>
                <form method="post" action="\(action)" class="stacked" id="decline">\(MeetingPages.hidden(lang, csrf: csrf))
                <input type="hidden" name="step" value="draft"><input type="hidden" name="declined" value="true">
                <label>\(lang("理由", "Reason"))<select name="reason" id="decline-reason-select">\(configuration.declineReasons.map {
                    "<option value=\"\(esc($0.id))\">\(esc(lang == .en ? $0.name.en ?? $0.name.zh : $0.name.zh))</option>"
                }.joined())</select></label>
                <label>\(lang("说明", "Notes"))<textarea name="notes" rows="2" maxlength="4000"></textarea></label>
                <button type="submit" id="decline-submit">\(lang("不予立题", "Decline"))</button></form>
                """
        }
        return html
    }
}

extension DashboardRoutes {
    func registerTopics(on router: RouterGroup<DubanRequestContext>) {
        router.get(RouterPath(TopicPages.path)) { request, context -> Response in
            let viewer = try context.allCasesReader()
            let query = request.queryDictionary
            let lang = Language(query: query)
            let topics = try await database.read { db in try TopicView.all(in: db).map { try MeetingAPI.TopicAnswer.of($0, in: db) } }
            return HTMLPage(title: lang("议题", "Topics"), language: lang, section: .topics, path: TopicPages.path, query: query, viewer: viewer,
                            body: TopicPages.list(topics, lang: lang, canManage: viewer.scopes.contains("meetings"), csrf: viewer.csrfToken ?? "",
                                                  message: Self.meetingMessage(query, lang))).response
        }
        router.post(RouterPath(TopicPages.path)) { request, context -> Response in
            let form = try await sessionForm(request, context)
            var json: [String: Any] = [:]
            for key in ["title", "area", "notes"] where !(form[key] ?? "").trimmingCharacters(in: .whitespaces).isEmpty { json[key] = form[key] }
            json["cases"] = Self.ids(form["cases"])
            return try await forward(form, to: TopicPages.path, context: context, done: "topic") { key in
                let topic: Topic = try await intake.forwardJSON("POST", "/v1/topics", key: key, json: json)
                await untilShown { try TopicView.fetch(topic.id, in: $0) == topic }
                return TopicPages.topicPath(topic.id)
            }
        }
        router.get(RouterPath(TopicPages.path + "/{id}")) { request, context -> Response in
            let viewer = try context.allCasesReader()
            let query = request.queryDictionary
            let lang = Language(query: query)
            let answer = try await meetings.topic(try context.parameters.require("id"))
            return HTMLPage(title: answer.topic.title, language: lang, section: .topics, path: TopicPages.topicPath(answer.topic.id),
                            query: query.filter { $0.key == "lang" }, viewer: viewer,
                            body: TopicPages.page(answer, lang: lang, configuration: meetings.configuration, canManage: viewer.scopes.contains("meetings"),
                                                  csrf: viewer.csrfToken ?? "", message: Self.meetingMessage(query, lang))).response
        }
        router.post(RouterPath(TopicPages.path + "/{id}/steps")) { request, context -> Response in
            let form = try await sessionForm(request, context)
            let id = try context.parameters.require("id")
            var json: [String: Any] = [:]
            for key in ["step", "notes", "decision", "result", "reason"] where !(form[key] ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                json[key] = form[key]
            }
            if form["declined"] == "true" { json["declined"] = true }
            if form["cases"] != nil { json["cases"] = Self.ids(form["cases"]) }
            // A row with a party or a position goes to intake, which refuses one without the other (not dropped here).
            let parties = (1...5).compactMap { row -> [String: String]? in
                let party = form["party-\(row)"]?.trimmingCharacters(in: .whitespaces) ?? ""
                let position = form["position-\(row)"]?.trimmingCharacters(in: .whitespaces) ?? ""
                return party.isEmpty && position.isEmpty ? nil : ["party": party, "position": position]
            }
            if !parties.isEmpty { json["parties"] = parties }
            return try await forward(form, to: TopicPages.topicPath(id), context: context, done: "step") { key in
                let topic: Topic = try await intake.forwardJSON("POST", "/v1/topics/\(IntakeClient.pathSegment(id))/steps", key: key, json: json)
                await untilShown { try TopicView.fetch(topic.id, in: $0) == topic }
                return nil
            }
        }
    }

    /// Case ids typed into a field: split at spaces, commas and 、.
    static func ids(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: { $0.isWhitespace || $0 == "," || $0 == "，" || $0 == "、" }).map(String.init)
    }
}
