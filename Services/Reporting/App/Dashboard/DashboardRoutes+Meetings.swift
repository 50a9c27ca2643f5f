import DubanIdentity
import DubanModels
import DubanRuntime
import Foundation
import GRDB
import Hummingbird

/// The meetings and topics pages (docs/DASHBOARD.md, "Meetings"): read by those who read every case; the forms are for
/// the `meetings` scope (the secretary, the supervision office) and go to intake with the person's own token.
extension DashboardRoutes {
    func registerMeetings(on router: RouterGroup<DubanRequestContext>) {
        let path = MeetingPages.path
        router.get(RouterPath(path)) { request, context -> Response in
            let viewer = try context.allCasesReader()
            let query = request.queryDictionary
            let lang = Language(query: query)
            let all = try await meetings.figures(series: nil)
            var perSeries: [(MeetingSeries, MeetingFigures)] = []
            for series in try await database.read({ try SeriesView.all(in: $0) }) {
                perSeries.append((series, try await meetings.figures(series: series.id)))
            }
            let liaisons = try await database.read { try LiaisonFigures.compute(in: $0) }
            let body = MeetingPages.index(figures: all, perSeries: perSeries, liaisons: liaisons, lang: lang, words: words,
                                          canManage: viewer.scopes.contains("meetings"), csrf: viewer.csrfToken ?? "",
                                          message: Self.meetingMessage(query, lang))
            return HTMLPage(title: lang("政企交流会", "Government–enterprise meetings"), language: lang, section: .meetings, path: path,
                            query: query, viewer: viewer, body: body).response
        }
        router.post(RouterPath(path + "/series")) { request, context -> Response in
            let form = try await sessionForm(request, context)
            let json: [String: Any] = ["id": form["id"] ?? "", "name": form["name"] ?? "", "weekday": Int(form["weekday"] ?? "1") ?? 1,
                                       "startsAt": form["startsAt"] ?? "", "endsAt": form["endsAt"] ?? "", "chair": form["chair"] ?? "",
                                       "venue": form["venue"] ?? ""]
            return try await forward(form, to: path, context: context, done: "series") { key in
                let series: MeetingSeries = try await intake.forwardJSON("POST", "/v1/meetings/series", key: key, json: Self.withoutEmpty(json))
                await untilShown { try SeriesView.fetch(series.id, in: $0) == series }
                return nil
            }
        }
        router.post(RouterPath(path + "/sessions")) { request, context -> Response in
            let form = try await sessionForm(request, context)
            var json: [String: Any] = [:]
            for key in ["series", "theme", "date", "venue", "chair"] { json[key] = form[key] }
            return try await forward(form, to: path, context: context, done: "session") { key in
                let session: MeetingSession = try await intake.forwardJSON("POST", "/v1/meetings/sessions", key: key, json: Self.withoutEmpty(json))
                await untilShown { try SessionView.fetch(session.id, in: $0) == session }
                return MeetingPages.sessionPath(session.id)
            }
        }
        router.get(RouterPath(path + "/sessions/{id}")) { request, context -> Response in
            let query = request.queryDictionary
            return try await sessionPage(try context.parameters.require("id"), query: query, context: context,
                                         message: Self.meetingMessage(query, Language(query: query)))
        }
        router.post(RouterPath(path + "/sessions/{id}")) { request, context -> Response in
            let form = try await sessionForm(request, context)
            let id = try context.parameters.require("id")
            var json: [String: Any] = [:]
            for key in ["theme", "date", "venue", "chair"] where !(form[key] ?? "").isEmpty { json[key] = form[key] }
            for key in ["leaders", "invited", "attending"] { json[key] = Self.lines(form[key]) }
            json["bureaus"] = form.keys.filter { $0.hasPrefix("bureau-") }.map { String($0.dropFirst("bureau-".count)) }.sorted()
            return try await forward(form, to: MeetingPages.sessionPath(id), context: context, done: "saved") { key in
                let session: MeetingSession = try await intake.forwardJSON("PATCH", "/v1/meetings/sessions/\(IntakeClient.pathSegment(id))", key: key, json: json)
                await untilShown { try SessionView.fetch(session.id, in: $0) == session }
                return nil
            }
        }
        for act in ["open", "close", "cancel"] {
            router.post(RouterPath(path + "/sessions/{id}/\(act)")) { request, context -> Response in
                let form = try await sessionForm(request, context)
                let id = try context.parameters.require("id")
                return try await forward(form, to: MeetingPages.sessionPath(id), context: context, done: act) { key in
                    let session: MeetingSession = try await intake.forwardJSON("POST", "/v1/meetings/sessions/\(IntakeClient.pathSegment(id))/\(act)", key: key, json: [:])
                    await untilShown { try SessionView.fetch(session.id, in: $0) == session }
                    return nil
                }
            }
        }
        router.post(RouterPath(path + "/sessions/{id}/problems")) { request, context -> Response in
            let form = try await sessionForm(request, context)
            let id = try context.parameters.require("id")
            let rows = min(50, max(1, Int(form["rows"] ?? "") ?? 10))
            var problems: [[String: Any]] = []
            for row in 1...rows {
                guard let title = form["title-\(row)"]?.trimmingCharacters(in: .whitespacesAndNewlines), !title.isEmpty else { continue }
                var problem: [String: Any] = ["title": title]
                for (field, key) in [("enterprise", "enterprise"), ("answer", "firstAnswer"), ("category", "category")] {
                    if let value = form["\(field)-\(row)"], !value.trimmingCharacters(in: .whitespaces).isEmpty { problem[key] = value }
                }
                problems.append(problem)
            }
            guard !problems.isEmpty else {
                return Self.seeOther(MeetingPages.sessionPath(id) + HTMLPage.queryString(Self.langQuery(form, ["code": "problems_empty"])))
            }
            let report: IntakeClient.ImportReport
            do {
                // The form's token makes a second press (or a resent form) return what the first stored.
                report = try await intake.forwardJSON("POST", "/v1/meetings/sessions/\(IntakeClient.pathSegment(id))/problems",
                                                      key: context.credential ?? "", json: ["problems": problems],
                                                      headers: form["token"].map { ["Idempotency-Key": String($0.prefix(200))] } ?? [:])
            } catch let failure as IntakeClient.Failure {
                return Self.seeOther(MeetingPages.sessionPath(id) + HTMLPage.queryString(Self.langQuery(form, ["code": failure.code])))
            }
            let outcome = Self.langQuery(form, ["done": "recorded", "count": String(report.created), "duplicates": String(report.duplicates)])
            let refused = report.results.filter { $0.outcome == "error" }.compactMap { result -> MeetingPages.RefusedRow? in
                guard result.row >= 1, result.row <= problems.count else { return nil }
                let problem = problems[result.row - 1]
                return MeetingPages.RefusedRow(title: problem["title"] as? String ?? "", enterprise: problem["enterprise"] as? String ?? "",
                                               answer: problem["firstAnswer"] as? String ?? "", category: problem["category"] as? String ?? "",
                                               code: result.code ?? "not_stored")
            }
            guard !refused.isEmpty else { return Self.seeOther(MeetingPages.sessionPath(id) + HTMLPage.queryString(outcome)) }
            // Some rows were refused: the page again, now, with those rows as typed and why, so nothing typed is lost.
            return try await sessionPage(id, query: outcome, context: context,
                                         message: Self.meetingMessage(outcome, Language(query: form)), refused: refused)
        }
        router.post(RouterPath(path + "/sessions/{id}/import")) { request, context -> Response in
            let query = request.queryDictionary
            if context.viaCookie, query["csrf"] != context.principal?.csrfToken {
                throw APIError(.forbidden, code: "csrf_invalid", "the form lacks this session's token: reload the page and try again")
            }
            let id = try context.parameters.require("id")
            let body: ByteBuffer
            do { body = try await request.body.collect(upTo: Self.maxImportBytes) } catch {
                throw APIError(.contentTooLarge, code: "body_too_large", "the file is larger than \(Self.maxImportBytes) bytes")
            }
            var outcome: [String: String]
            do {
                let report = try await intake.importFile(key: context.credential ?? "", contentType: request.headers[.contentType] ?? "",
                                                         body: body, session: id)
                outcome = ["done": "imported", "count": String(report.created), "duplicates": String(report.duplicates)]
                if let failed = report.results.first(where: { $0.outcome == "error" }) {
                    outcome["failed"] = String(report.failed)
                    outcome["code"] = failed.code ?? "not_stored"
                }
            } catch let failure as IntakeClient.Failure {
                outcome = ["code": failure.code]
            }
            return Self.seeOther(MeetingPages.sessionPath(id) + HTMLPage.queryString(Self.langQuery(query, outcome)))
        }
        router.get(RouterPath(path + "/sessions/{id}/list")) { request, context -> Response in
            _ = try context.allCasesReader()
            let lang = Language(query: request.queryDictionary)
            let list = try await meetings.responsibilityList(try context.parameters.require("id"))
            let heading = MeetingPages.documentHeading(list.session, lang("责任清单", "responsibility list"), lang)
            let back = "<a href=\"\(MeetingPages.sessionPath(list.session.id))\(lang == .en ? "?lang=en" : "")\">\(lang("返回本期", "Back to the session"))</a>"
                + "<a href=\"\(MeetingPages.sessionPath(list.session.id))/list.csv\">\(lang("下载 CSV（Excel/WPS）", "Download CSV (Excel, WPS)"))</a>"
                + "<span class=\"muted\">\(lang("打印：Ctrl+P，横向 A4", "Print: Ctrl+P, A4 landscape"))</span>"
            return Self.printResponse(MeetingPages.printable(
                title: heading, heading: heading,
                body: MeetingPages.printTable(list.lines, heading: heading, lang: lang, words: words, withSession: false, id: "responsibility-list"),
                lang: lang, back: back))
        }
        router.get(RouterPath(path + "/sessions/{id}/list.csv")) { _, context -> Response in
            _ = try context.allCasesReader()
            let list = try await meetings.responsibilityList(try context.parameters.require("id"))
            return MeetingAPI.csv(list.csv, fileName: list.fileName)
        }
        router.get(RouterPath(path + "/sessions/{id}/follow-up")) { request, context -> Response in
            _ = try context.allCasesReader()
            let lang = Language(query: request.queryDictionary)
            let report = try await meetings.followUp(try context.parameters.require("id"))
            let heading = MeetingPages.documentHeading(report.session, lang("上期问题办理情况", "follow-up of earlier sessions"), lang)
            var body = "<p>" + lang("以前各期问题中，仍在办理 \(report.stillOpen.count) 个", "Of earlier sessions' problems, \(report.stillOpen.count) still open")
                + (report.previous.map { lang("；上期（\(MeetingPages.numberWords($0.number, lang))，\($0.date)）以来解决 \(report.solvedSince.count) 个",
                                              "; \(report.solvedSince.count) solved since the last session (\(MeetingPages.numberWords($0.number, lang)), \($0.date))") } ?? "")
                + lang("。", ".") + "</p>"
            body += "<h2>\(lang("仍在办理", "Still open"))</h2>"
                + MeetingPages.printTable(report.stillOpen, heading: heading, lang: lang, words: words, withSession: true, id: "still-open")
            body += "<h2>\(lang("上期以来已解决", "Solved since the last session"))</h2>"
                + MeetingPages.printTable(report.solvedSince, heading: heading, lang: lang, words: words, withSession: true, id: "solved-since")
            let back = "<a href=\"\(MeetingPages.sessionPath(report.session.id))\(lang == .en ? "?lang=en" : "")\">\(lang("返回本期", "Back to the session"))</a>"
                + "<a href=\"/v1/meetings/sessions/\(IntakeClient.pathSegment(report.session.id))/follow-up?format=csv\">\(lang("下载 CSV（Excel/WPS）", "Download CSV (Excel, WPS)"))</a>"
            return Self.printResponse(MeetingPages.printable(title: heading, heading: heading, body: body, lang: lang, back: back))
        }
        registerTopics(on: router)
    }

    /// Waits, at most 3 s, until reporting's read model shows what intake just answered, so the page a form leads to
    /// shows the change it reports (the change reaches reporting through the event flow, usually within milliseconds).
    func untilShown(_ shown: @escaping @Sendable (Database) throws -> Bool) async {
        let deadline = ContinuousClock.now + .seconds(3)
        while ContinuousClock.now < deadline {
            if (try? await database.read(shown)) == true { return }
            try? await Task.sleep(for: .milliseconds(20))
        }
        logger.warning("meetings: reporting did not show a change within 3 s; the page may show the state before it")
    }

    /// A session's page, with what the last form did and, after a recording with refused rows, those rows as typed.
    func sessionPage(_ id: String, query: [String: String], context: DubanRequestContext, message: String,
                     refused: [MeetingPages.RefusedRow] = []) async throws -> Response {
        let viewer = try context.allCasesReader()
        let lang = Language(query: query)
        let list = try await meetings.responsibilityList(id)
        let counts = try await meetings.figures(series: list.session.series).sessions.first { $0.session == id }?.figures ?? .init()
        let rows = min(50, max(1, Int(query["rows"] ?? "") ?? 10))
        let body = MeetingPages.session(list.session, list: list, figures: counts, lang: lang, words: words,
                                        canManage: viewer.scopes.contains("meetings"), csrf: viewer.csrfToken ?? "",
                                        message: message, rows: rows, refused: refused)
        return HTMLPage(title: "\(list.session.seriesName) \(MeetingPages.numberWords(list.session.number, lang))", language: lang,
                        section: .meetings, path: MeetingPages.sessionPath(id), query: query.filter { $0.key == "lang" }, viewer: viewer,
                        body: body).response
    }

    /// Passes a form on to intake, then back to `target` (or where `act` says) with what happened.
    func forward(_ form: [String: String], to target: String, context: DubanRequestContext, done: String,
                 _ act: (String) async throws -> String?) async throws -> Response {
        var outcome = ["done": done]
        var location = target
        do {
            if let next = try await act(context.credential ?? "") { location = next }
        } catch let failure as IntakeClient.Failure {
            outcome = ["code": failure.code]
        }
        return Self.seeOther(location + HTMLPage.queryString(Self.langQuery(form, outcome)))
    }

    static func langQuery(_ form: [String: String], _ fields: [String: String]) -> [String: String] {
        form["lang"] == "en" ? fields.merging(["lang": "en"]) { first, _ in first } : fields
    }

    /// A textarea's lines, trimmed, empty ones left out.
    static func lines(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func withoutEmpty(_ json: [String: Any]) -> [String: Any] {
        json.filter { !(($0.value as? String)?.trimmingCharacters(in: .whitespaces).isEmpty ?? false) }
    }

    static func printResponse(_ html: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// What a meetings or topics form did, from the address it returned to.
    static func meetingMessage(_ query: [String: String], _ lang: Language) -> String {
        let count = query["count"].flatMap(Int.init) ?? 0
        let failed = query["failed"].flatMap(Int.init) ?? 0
        var message: String?
        switch query["done"] {
        case "series": message = lang("已新建会议系列。", "The series was created.")
        case "session": message = lang("已新建一期会议。", "The session was scheduled.")
        case "saved": message = lang("已保存。", "Saved.")
        case "open": message = lang("会议已开始，可以登记问题。", "The session is open: record problems.")
        case "close": message = lang("会议已结束。", "The session is closed.")
        case "cancel": message = lang("本期已取消。", "The session was cancelled.")
        case "recorded", "imported":
            let duplicates = query["duplicates"].flatMap(Int.init) ?? 0
            message = lang("已登记 \(count) 个问题，正在交办。", "\(count) problems recorded and being routed.")
                + (duplicates > 0 ? lang("另有 \(duplicates) 个此前已登记，未重复登记。", " \(duplicates) were recorded before and were not added again.") : "")
        case "topic": message = lang("已新建议题。", "The topic was created.")
        case "step": message = lang("已记录这一步。", "The step was recorded.")
        default: break
        }
        var html = message.map { "<p class=\"notice\" id=\"message\">\(esc($0))</p>" } ?? ""
        if let code = query["code"], (try? /[A-Za-z0-9_]{1,64}/.wholeMatch(in: code)) != nil {
            let prefix = failed > 0 ? lang("\(failed) 行未登记：", "\(failed) rows not recorded: ") : ""
            let words = lang.problem(code, message: lang("未完成（\(code)）。", "Not done (\(code))."))
            html += "<p class=\"error\" id=\"\(message == nil ? "message" : "import-errors")\" data-code=\"\(esc(code))\">\(esc(prefix + words))</p>"
        }
        return html
    }
}
