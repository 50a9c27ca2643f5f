import Foundation
import Testing

extension EndToEnd {
    /// The weekly meeting as the zone runs it (issue #16): series, numbered sessions, problems recorded into a held
    /// session and routed like any case, the figures and the zone's sentence, and all of it rebuilt from the events.
    @Suite(.serialized) struct MeetingTests {
        /// One scripted problem: its session, category, and what its owner did.
        struct Problem {
            var session: Int
            var category: String
            var measured: Bool
            var solved: Bool
            var late: Bool
            var id = ""
        }

        static let categories: [(id: String, bureau: String, raised: Int, solved: Int)] = [
            ("labour", "hrss", 22, 20), ("power", "power-supply", 18, 17), ("water", "water-supply", 16, 15),
            ("public_security", "public-security", 14, 11), ("transport", "transport", 13, 10), ("telecom", "industry", 12, 9),
        ]
        static let themes = ["用工保障", "水电要素保障", "治安与交通", "通讯与数字化"]

        /// 95 problems over 16 sessions: 92 with a measure, 82 solved, the last 5 of them after their deadline.
        static func script() -> [Problem] {
            var problems: [Problem] = []
            for category in categories {
                for n in 0..<category.raised {
                    problems.append(Problem(session: 0, category: category.id, measured: false, solved: n < category.solved, late: false))
                }
            }
            // Every solved problem has a measure, and 10 of the 13 unsolved ones: 92.
            var unsolvedMeasured = 0
            for index in problems.indices {
                problems[index].session = index % 16 + 1
                if problems[index].solved { problems[index].measured = true } else if unsolvedMeasured < 10 {
                    problems[index].measured = true
                    unsolvedMeasured += 1
                }
            }
            let solved = problems.indices.filter { problems[$0].solved }
            for index in solved.suffix(5) { problems[index].late = true }
            return problems
        }

        static func counts(_ problems: [Problem]) -> [String: Int] {
            ["collected": problems.count, "measures": problems.filter(\.measured).count, "solved": problems.filter(\.solved).count,
             "onTime": problems.filter { $0.solved && !$0.late }.count]
        }

        @Test func sixteenSessionsGiveTheZonesFiguresAndSentenceAndSurviveARebuild() async throws {
            let stack = try Stack()
            stack.extraArguments["intake"] = ["--testing-time-control"]
            try await stack.startAll()
            defer { stack.stopAll() }
            let office = try stack.createKey("zone-office", scopes: ["meetings", "read"])
            let bureaus = try stack.createKey("zone-bureaus", scopes: Self.categories.map { "bureau:" + $0.bureau })
            func intake(_ method: String, _ path: String, _ json: [String: Any]? = nil, key: String? = nil) async throws -> (status: Int, json: [String: Any]) {
                try await stack.call("intake", method, path, token: key ?? office, json: json)
            }
            func reporting(_ path: String) async throws -> (status: Int, json: [String: Any]) {
                try await stack.call("reporting", "GET", path, token: office)
            }

            let series = try await intake("POST", "/v1/meetings/series", ["id": "zhengqi", "name": "政企交流主题日", "weekday": 1,
                                                                          "startsAt": "20:00", "endsAt": "22:00", "chair": "何恩广"])
            #expect(series.status == 201, "\(series.json)")
            #expect(try await intake("POST", "/v1/meetings/series", ["id": "zhengqi", "name": "again"]).json.code == "series_exists")
            #expect(try await intake("POST", "/v1/meetings/series", ["id": "Bad Id", "name": "x"]).json.code == "invalid_id")

            var problems = Self.script()
            var firstDay = ChinaDay(year: 2026, month: 8, day: 3)  // a Monday
            for number in 1...16 {
                let created = try await intake("POST", "/v1/meetings/sessions", [
                    "series": "zhengqi", "date": firstDay.text, "theme": Self.themes[(number - 1) % 4], "venue": "智能装备产业园商务中心茶聊室",
                    "leaders": ["何恩广", "施创太"], "bureaus": ["hrss", "power-supply"], "invited": ["湖南中塑科技有限公司", "湖南意兆电子科技有限公司", "企业\(number)号"],
                ])
                #expect(created.status == 201, "\(created.json)")
                #expect(created.json["id"] as? String == "zhengqi-\(number)" && created.json["number"] as? Int == number)
                let id = "zhengqi-\(number)"
                if number == 1 {
                    // Nothing is recorded into a session not yet held.
                    let early = try await intake("POST", "/v1/meetings/sessions/\(id)/problems", ["problems": [["title": "提早登记"]]])
                    #expect(early.status == 409 && early.json.code == "session_not_held")
                }
                #expect(try await intake("POST", "/v1/meetings/sessions/\(id)/open").status == 200)
                let attending = try await intake("PATCH", "/v1/meetings/sessions/\(id)",
                                                  ["attending": ["湖南中塑科技有限公司", "湖南意兆电子科技有限公司", "企业\(number)号"]])
                #expect(attending.status == 200 && (attending.json["attending"] as? [String])?.count == 3)
                let rows = problems.indices.filter { problems[$0].session == number }
                let body: [[String: Any]] = rows.map { index in
                    ["title": "第\(number)期问题\(index)", "description": "企业反映的问题\(index)", "category": problems[index].category,
                     "enterprise": index.isMultiple(of: 2) ? "湖南中塑科技有限公司" : "企业\(number)号", "firstAnswer": "现场答复\(index)"]
                } + (number == 2 ? [["title": "不在场企业的问题", "enterprise": "未到会企业"], ["title": "  "]] : [])
                let recorded = try await intake("POST", "/v1/meetings/sessions/\(id)/problems", ["problems": body])
                #expect(recorded.status == 200, "\(recorded.json)")
                let results = try #require(recorded.json["results"] as? [[String: Any]])
                for (offset, index) in rows.enumerated() { problems[index].id = try #require(results[offset]["id"] as? String, "\(results[offset])") }
                if number == 2 {
                    #expect(results.suffix(2).map { $0["code"] as? String } == ["enterprise_not_attending", "title_required"])
                }
                #expect(try await intake("POST", "/v1/meetings/sessions/\(id)/close").status == 200)
                #expect(try await intake("POST", "/v1/meetings/sessions/\(id)/close").json.code == "invalid_transition")
                firstDay = firstDay.adding(days: 7)
            }
            // A 17th session scheduled, not held: not counted.
            #expect(try await intake("POST", "/v1/meetings/sessions", ["series": "zhengqi", "theme": "下一期"]).json["number"] as? Int == 17)

            // The owners act, an hour after the meetings (intake's clock stands still under time control): sign everything,
            // draft 92 measures, solve 82 (the last 5 a month late).
            #expect(try await intake("POST", "/test/time", ["now": ISO8601DateFormatter().string(from: Date().addingTimeInterval(3_600))]).status == 200)
            for problem in problems { try await stack.waitUntilIntakeKnowsTheBureau(problem.id, seconds: 20) }
            for problem in problems {
                #expect(try await stack.postUpdate(problem.id, key: bureaus, ["action": "sign"]).status == 200)
                if problem.measured {
                    #expect(try await stack.postUpdate(problem.id, key: bureaus, ["action": "measure", "note": "措施：\(problem.id)"]).status == 200)
                }
                if problem.solved, !problem.late {
                    #expect(try await stack.postUpdate(problem.id, key: bureaus, ["action": "resolve", "note": "已解决"]).status == 200)
                }
            }
            let later = ISO8601DateFormatter().string(from: Date().addingTimeInterval(40 * 86_400))
            #expect(try await intake("POST", "/test/time", ["now": later]).status == 200)
            for problem in problems where problem.late {
                #expect(try await stack.postUpdate(problem.id, key: bureaus, ["action": "resolve", "note": "已解决（逾期）"]).status == 200)
            }

            let expectedSentence = "截至目前，活动已开展16期，共收集企业反映的问题和意见建议95条，制定解决措施92条，重点解决了用工、用电、用水等问题82个"
            #expect(Self.counts(problems) == ["collected": 95, "measures": 92, "solved": 82, "onTime": 77])
            let figures = try await Self.waitForFigures(reporting, total: ["sessionsHeld": 16, "collected": 95, "measures": 92, "solved": 82, "onTime": 77])
            #expect(figures["sentence"] as? String == expectedSentence)
            // Per session, by hand: the problems the script put there.
            let sessions = try #require(figures["sessions"] as? [[String: Any]])
            #expect(sessions.count == 17)
            for line in sessions {
                let number = try #require(line["number"] as? Int)
                let counts = try #require(line["figures"] as? [String: Int])
                let own = problems.filter { $0.session == number }
                var expected = Self.counts(own)
                expected["sessionsHeld"] = number <= 16 ? 1 : 0
                #expect(counts == expected, "session \(number)")
            }
            // Per theme and per category.
            let themes = try #require(figures["themes"] as? [[String: Any]])
            for (offset, theme) in Self.themes.enumerated() {
                let line = try #require(themes.first { $0["key"] as? String == theme })
                var expected = Self.counts(problems.filter { ($0.session - 1) % 4 == offset })
                expected["sessionsHeld"] = 4
                #expect(line["figures"] as? [String: Int] == expected, "theme \(theme)")
            }
            let categories = try #require(figures["categories"] as? [[String: Any]])
            #expect(categories.map { $0["key"] as? String } == Self.categories.map(\.id), "ranked by problems solved")
            #expect(categories.first?["name"] as? String == "用工社保")

            // The dashboard and the public page say the same.
            let page = try await stack.request("reporting", "GET", "/dashboard/meetings", headers: ["Authorization": "Bearer \(office)"])
            let html = String(decoding: page.body, as: UTF8.self)
            #expect(page.status == 200)
            #expect(html.contains(expectedSentence))
            #expect(html.contains("id=\"meeting-collected\"><b>95</b>") && html.contains("id=\"meeting-on-time\"><b>77</b>"))
            let publicPage = String(decoding: try await stack.request("reporting", "GET", "/public", anonymous: true).body, as: UTF8.self)
            #expect(publicPage.contains(expectedSentence))

            // The responsibility list of session 1: every problem raised there, in order, with its owner.
            let list = try await reporting("/v1/meetings/sessions/zhengqi-1/responsibility-list")
            let lines = try #require(list.json["lines"] as? [[String: Any]])
            #expect(lines.map { $0["caseId"] as? String } == problems.filter { $0.session == 1 }.map(\.id))
            #expect(lines.allSatisfy { $0["bureauName"] is String && $0["firstAnswer"] is String })
            let csv = try await stack.request("reporting", "GET", "/v1/meetings/sessions/zhengqi-1/responsibility-list?format=csv")
            let csvText = String(decoding: csv.body, as: UTF8.self)
            #expect(csv.body.starts(with: [0xEF, 0xBB, 0xBF]) && csvText.contains("\r\n"))
            #expect(csvText.split(separator: "\r\n").count == lines.count + 1)
            #expect(csvText.contains("序号,问题编号,期次,问题,企业,现场答复,责任单位"))
            // The follow-up the 17th session opens with: every earlier problem still open, and those solved since the
            // 16th began (all of them: solved after it).
            let followUp = try await reporting("/v1/meetings/sessions/zhengqi-17/follow-up")
            #expect(Set((followUp.json["stillOpen"] as? [[String: Any]] ?? []).compactMap { $0["caseId"] as? String })
                    == Set(problems.filter { !$0.solved }.map(\.id)))
            #expect((followUp.json["solvedSince"] as? [[String: Any]])?.count == 82)
            #expect((followUp.json["previous"] as? [String: Any])?["id"] as? String == "zhengqi-16", "the session before it that was held")

            // Rebuilt from the events, the figures are the same, field by field.
            stack.stop("reporting")
            #expect(try stack.command("reporting", ["rebuild"]).status == 0)
            try await stack.start("reporting")
            let rebuilt = try await Self.waitForFigures(reporting, total: ["sessionsHeld": 16, "collected": 95, "measures": 92, "solved": 82, "onTime": 77])
            for key in ["sentence", "sessions", "themes", "categories", "seriesFigures", "publicSentence"] {
                #expect(Self.canonical(rebuilt[key]) == Self.canonical(figures[key]), "\(key) after the rebuild")
            }
            #expect(try await reporting("/v1/meetings/sessions/zhengqi-3").json["attending"] as? [String]
                    == ["湖南中塑科技有限公司", "湖南意兆电子科技有限公司", "企业3号"])
        }

        @Test func topicsGoThroughTheSixStepsAndLiaisonOfficersAreCounted() async throws {
            let stack = try Stack()
            try await stack.startAll()
            defer { stack.stopAll() }
            let secretary = try await stack.person("wang.sec", name: "王秘书", roles: ["secretary"])
            let liaison = try await stack.person("li.liaison", name: "李联络员", roles: ["liaison"], unit: "三组")
            let clerk = try await stack.person("zhao.clerk", name: "赵承办", roles: ["bureau-clerk"], unit: "transport")
            func call(_ method: String, _ path: String, _ json: [String: Any]? = nil, as person: Stack.Person) async throws -> (status: Int, json: [String: Any]) {
                try await stack.call("intake", method, path, token: person.token, json: json)
            }

            // A liaison officer submits for a resident: the case carries the officer and the area, whatever the body says.
            let raised = try await call("POST", "/v1/cases", ["title": "村道坑洼", "description": "三组到镇上的村道坑洼，雨天泥巴路", "channel": "web",
                                                              "liaison": "someone.else", "area": "一组"], as: liaison)
            #expect(raised.status == 201)
            let caseID = try #require(raised.json["id"] as? String)
            let view = try await stack.waitForCase(caseID) { $0["bureau"] != nil }
            #expect(view["channel"] as? String == "liaison")
            let counted = try JSONSerialization.jsonObject(with: try await stack.request("reporting", "GET", "/v1/liaisons",
                                                                                            headers: ["Authorization": "Bearer \(secretary.token)"]).body) as? [[String: Any]]
            #expect(counted?.first?["liaison"] as? String == "li.liaison" && counted?.first?["area"] as? String == "三组"
                    && counted?.first?["submitted"] as? Int == 1)
            // And from the workbench's form (反映问题), as the officer's own submission.
            let form = "title=%E8%B7%AF%E7%81%AF%E4%B8%8D%E4%BA%AE&description=%E4%B8%89%E7%BB%84%E8%B7%AF%E7%81%AF%E5%9D%8F%E4%BA%86&address=%E4%B8%89%E7%BB%84"
            let page = try await stack.request("reporting", "POST", "/dashboard/workbench/problems", body: Data(form.utf8),
                                               contentType: "application/x-www-form-urlencoded", headers: ["Authorization": "Bearer \(liaison.token)"])
            #expect(page.status == 200 && String(decoding: page.body, as: UTF8.self).contains("已提交，正在交办。"))
            var twice: [[String: Any]] = []
            for _ in 0..<50 {
                twice = (try JSONSerialization.jsonObject(with: try await stack.request("reporting", "GET", "/v1/liaisons",
                                                                                           headers: ["Authorization": "Bearer \(secretary.token)"]).body) as? [[String: Any]]) ?? []
                if twice.first?["submitted"] as? Int == 2 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(twice.first?["submitted"] as? Int == 2, "\(twice)")
            // And a problem list the officer imports: every row is theirs too.
            let imported = try await stack.request("intake", "POST", "/v1/imports", body: Data("标题,问题描述\n井盖缺失,三组路口井盖丢了\n".utf8),
                                                   contentType: "text/csv", headers: ["Authorization": "Bearer \(liaison.token)"])
            #expect(imported.status == 200)
            for _ in 0..<50 {
                twice = (try JSONSerialization.jsonObject(with: try await stack.request("reporting", "GET", "/v1/liaisons",
                                                                                           headers: ["Authorization": "Bearer \(secretary.token)"]).body) as? [[String: Any]]) ?? []
                if twice.first?["submitted"] as? Int == 3 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(twice.first?["submitted"] as? Int == 3 && twice.count == 1, "\(twice)")
            // A liaison officer and a clerk do not run meetings or topics.
            #expect(try await call("POST", "/v1/topics", ["title": "x"], as: liaison).status == 403)
            #expect(try await call("POST", "/v1/meetings/series", ["id": "x", "name": "x"], as: clerk).status == 403)

            // A topic started from that one problem takes its title, and goes through the six steps in order.
            let topic = try await call("POST", "/v1/topics", ["cases": [caseID], "area": "三组（联系人13812345678）", "notes": "联络员收集：三组村民反映村道难走"], as: secretary)
            #expect(topic.status == 201, "\(topic.json)")
            let id = try #require(topic.json["id"] as? String)
            #expect(id == "YT-0001" && topic.json["title"] as? String == "村道坑洼" && topic.json["step"] as? String == "collect")
            #expect(try await call("POST", "/v1/topics/\(id)/steps", ["step": "consult"], as: secretary).json.code == "step_out_of_order")
            #expect(try await call("POST", "/v1/topics/\(id)/steps", ["step": "draft", "notes": "符合五议"], as: secretary).status == 200)
            #expect(try await call("POST", "/v1/topics/\(id)/steps", ["step": "research", "notes": "实地查看村道800米"], as: secretary).status == 200)
            #expect(try await call("POST", "/v1/topics/\(id)/steps", ["step": "consult", "decision": "硬化"], as: secretary).json.code == "parties_required")
            let consulted = try await call("POST", "/v1/topics/\(id)/steps", [
                "step": "consult", "parties": [["party": "三组村民代表", "position": "同意集资三成"], ["party": "镇交通办", "position": "列入年度计划"]],
                "decision": "村道硬化，村民集资三成，其余申请以奖代补",
            ], as: secretary)
            #expect(consulted.status == 200, "\(consulted.json)")
            #expect(try await call("POST", "/v1/topics/\(id)/steps", ["step": "publish"], as: secretary).json.code == "result_required")
            #expect(try await call("POST", "/v1/topics/\(id)/steps", ["step": "publish", "result": "三组村道年内硬化，公示七天无异议"], as: secretary).status == 200)
            #expect(try await call("POST", "/v1/topics/\(id)/steps", ["step": "supervise", "cases": ["DB-19990101-000001"]], as: secretary).json.code == "unknown_case")
            #expect(try await call("POST", "/v1/topics/\(id)/steps", ["step": "supervise", "cases": [caseID]], as: secretary).status == 200)
            #expect(try await call("POST", "/v1/topics/\(id)/steps", ["step": "supervise", "cases": [caseID]], as: secretary).json.code == "step_out_of_order")
            // Done when the case carrying it out is solved.
            func answer() async throws -> [String: Any] { try await stack.call("reporting", "GET", "/v1/topics/\(id)", token: secretary.token).json }
            var read = try await answer()
            for _ in 0..<50 where (read["topic"] as? [String: Any])?["step"] as? String != "supervise" {
                try await Task.sleep(for: .milliseconds(100))
                read = try await answer()
            }
            #expect(read["done"] as? Bool == false)
            try await stack.waitUntilIntakeKnowsTheBureau(caseID)
            for action in ["sign", "resolve"] {
                #expect(try await call("POST", "/v1/cases/\(caseID)/updates", ["action": action, "note": "已硬化"], as: clerk).status == 200)
            }
            for _ in 0..<50 where read["done"] as? Bool != true {
                try await Task.sleep(for: .milliseconds(100))
                read = try await answer()
            }
            #expect(read["done"] as? Bool == true)
            let records = try #require((read["topic"] as? [String: Any])?["records"] as? [[String: Any]])
            #expect(records.map { $0["step"] as? String } == ["collect", "draft", "research", "consult", "publish", "supervise"])
            #expect(records.allSatisfy { $0["by"] as? String == "wang.sec" && $0["byName"] as? String == "王秘书" })

            // Another is declined at drafting, only for a configured reason.
            let other = try await call("POST", "/v1/topics", ["title": "调解两户宅基地纠纷", "area": "五组"], as: secretary)
            let otherID = try #require(other.json["id"] as? String)
            #expect(otherID == "YT-0002", "topics are numbered one after another, whatever steps came between")
            #expect(try await call("POST", "/v1/topics/\(otherID)/steps", ["step": "draft", "declined": true, "reason": "because"], as: secretary).json.code
                    == "invalid_decline_reason")
            let declined = try await call("POST", "/v1/topics/\(otherID)/steps", ["step": "draft", "declined": true, "reason": "private_dispute"], as: secretary)
            #expect(declined.json["state"] as? String == "declined" && declined.json["declineReason"] as? String == "private_dispute")
            #expect(try await call("POST", "/v1/topics/\(otherID)/steps", ["step": "research"], as: secretary).json.code == "topic_declined")

            // The public page shows the published result, not the declined topic.
            var publicPage = ""
            for _ in 0..<50 {
                publicPage = String(decoding: try await stack.request("reporting", "GET", "/public", anonymous: true).body, as: UTF8.self)
                if publicPage.contains("三组村道年内硬化") { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(publicPage.contains("三组村道年内硬化，公示七天无异议") && publicPage.contains("村道硬化，村民集资三成"))
            #expect(!publicPage.contains("宅基地"))
            #expect(publicPage.contains("三组（联系人138******78）") && !publicPage.contains("13812345678"), "the area is masked like the rest")

            // Rebuilt from the events, the topics and the liaison figures are as they were.
            let topicsBefore = try await stack.request("reporting", "GET", "/v1/topics", headers: ["Authorization": "Bearer \(secretary.token)"]).body
            stack.stop("reporting")
            #expect(try stack.command("reporting", ["rebuild"]).status == 0)
            try await stack.start("reporting")
            var topicsAfter = Data()
            for _ in 0..<100 {
                topicsAfter = try await stack.request("reporting", "GET", "/v1/topics", headers: ["Authorization": "Bearer \(secretary.token)"]).body
                if topicsAfter == topicsBefore { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(String(decoding: topicsAfter, as: UTF8.self) == String(decoding: topicsBefore, as: UTF8.self))
        }

        @Test func theMinutesImportAgainstASessionAndBadInputIsRefusedWithCodes() async throws {
            let stack = try Stack()
            try await stack.startAll()
            defer { stack.stopAll() }
            let office = try stack.createKey("zone-office", scopes: ["meetings", "read"])
            let submitOnly = try stack.createKey("feeder", scopes: ["submit"])
            func intake(_ method: String, _ path: String, _ json: [String: Any]? = nil, key: String? = nil) async throws -> (status: Int, json: [String: Any]) {
                try await stack.call("intake", method, path, token: key ?? office, json: json)
            }
            #expect(try await intake("POST", "/v1/meetings/series", ["id": "zhengqi", "name": "政企交流主题日"]).status == 201)
            for (body, code) in [(["id": "a", "name": "b", "weekday": 8], "invalid_weekday"), (["id": "a", "name": "b", "weekday": true], "invalid_weekday"),
                                 (["id": "a", "name": "b", "startsAt": "25:00"], "invalid_startsAt"), (["id": "a"], "name_required"),
                                 (["id": "a", "name": "b", "colour": "red"], "unknown_field"),
                                 (["id": "a", "name": "b", "startsAt": "22:00", "endsAt": "20:00"], "invalid_endsAt"),
                                 (["id": "a", "name": "b", "startsAt": "+1:00", "endsAt": "+2:00"], "invalid_startsAt"),
                                 (["id": "a", "name": "b", "startsAt": "01:00", "endsAt": "1::30"], "invalid_endsAt")] as [([String: Any], String)] {
                #expect(try await intake("POST", "/v1/meetings/series", body).json.code == code, "\(body)")
            }
            for (body, code) in [(["series": "nope", "theme": "x"], "series_not_found"), (["series": "zhengqi"], "theme_required"),
                                 (["series": "zhengqi", "theme": "x", "date": "2026-02-30"], "invalid_date"),
                                 (["series": "zhengqi", "theme": "x", "date": "2026-2-3"], "invalid_date"),
                                 (["series": "zhengqi", "theme": "x", "bureaus": ["nope"]], "unknown_bureau"),
                                 (["series": "zhengqi", "theme": "x", "leaders": "one"], "invalid_leaders")] as [([String: Any], String)] {
                #expect(try await intake("POST", "/v1/meetings/sessions", body).json.code == code, "\(body)")
            }
            let session = try await intake("POST", "/v1/meetings/sessions", ["series": "zhengqi", "theme": "用工保障", "date": "2026-12-07",
                                                                             "invited": ["湖南中塑科技有限公司"]])
            #expect(session.json["date"] as? String == "2026-12-07" && session.json["state"] as? String == "scheduled")
            #expect(try await intake("POST", "/v1/meetings/sessions/zhengqi-1/close").json.code == "invalid_transition")
            #expect(try await intake("GET", "/v1/meetings/sessions/zhengqi-9").json.code == "session_not_found")
            let csv = "编号,标题,问题描述,企业名称,现场答复\n1,招工难,普工招不到人,湖南中塑科技有限公司,人社局下周对接\n2,停电,经常停电,别的企业,\n"
            func importMinutes(key: String, session: String = "zhengqi-1", file: String? = nil) async throws -> (status: Int, json: [String: Any]) {
                let answer = try await stack.request("intake", "POST", "/v1/imports?session=\(session)", body: Data((file ?? csv).utf8), contentType: "text/csv",
                                                     headers: ["Authorization": "Bearer \(key)"])
                return (answer.status, (try? JSONSerialization.jsonObject(with: answer.body)) as? [String: Any] ?? [:])
            }
            #expect(try await importMinutes(key: office).json.code == "session_not_held")
            #expect(try await importMinutes(key: submitOnly).json.code == "scope_required")
            #expect(try await intake("POST", "/v1/meetings/sessions/zhengqi-1/open").status == 200)
            #expect(try await intake("PATCH", "/v1/meetings/sessions/zhengqi-1", ["attending": ["湖南中塑科技有限公司"]]).status == 200)
            let imported = try await importMinutes(key: office)
            #expect(imported.json["created"] as? Int == 1 && imported.json["failed"] as? Int == 1)
            let rows = try #require(imported.json["results"] as? [[String: Any]])
            #expect(rows.last?["code"] as? String == "enterprise_not_attending")
            let id = try #require(rows.first?["id"] as? String)
            _ = try await stack.waitForCase(id) { $0["bureau"] as? String == "hrss" }
            // The same minutes again add nothing; the next session's minutes number their rows from 1 again and are new.
            #expect(try await importMinutes(key: office).json["duplicates"] as? Int == 1)
            #expect(try await intake("POST", "/v1/meetings/sessions", ["series": "zhengqi", "theme": "第二期", "date": "2026-12-14"]).status == 201)
            #expect(try await intake("POST", "/v1/meetings/sessions/zhengqi-2/open").status == 200)
            let second = try await importMinutes(key: office, session: "zhengqi-2", file: "编号,标题,问题描述\n1,宿舍停水,宿舍三天停水\n")
            #expect(second.json["created"] as? Int == 1, "\(second.json)")
            // A retried recording (the same Idempotency-Key) returns what the first stored, row by row.
            func record(_ key: String) async throws -> [[String: Any]] {
                let answer = try await stack.request("intake", "POST", "/v1/meetings/sessions/zhengqi-2/problems",
                                                     body: try JSONSerialization.data(withJSONObject: ["problems": [["title": "重试测试"], ["title": "第二行", "description": NSNull()]]]),
                                                     contentType: "application/json", headers: ["Authorization": "Bearer \(office)", "Idempotency-Key": key])
                return ((try? JSONSerialization.jsonObject(with: answer.body)) as? [String: Any])?["results"] as? [[String: Any]] ?? []
            }
            let once = try await record("press-1"), twice = try await record("press-1")
            #expect(once.map { $0["outcome"] as? String } == ["created", "created"] && twice.map { $0["outcome"] as? String } == ["duplicate", "duplicate"])
            #expect(once.map { $0["id"] as? String } == twice.map { $0["id"] as? String })
            // The session page gives refused rows back as typed, with why; a second press of the same form adds nothing.
            func press(_ fields: [(String, String)]) async throws -> String {
                let body = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }.joined(separator: "&")
                let answer = try await stack.request("reporting", "POST", "/dashboard/meetings/sessions/zhengqi-2/problems", body: Data(body.utf8),
                                                     contentType: "application/x-www-form-urlencoded", headers: ["Authorization": "Bearer \(office)"])
                #expect(answer.status == 200)
                return String(decoding: answer.body, as: UTF8.self)
            }
            let form = [("rows", "3"), ("token", "form-1"), ("title-1", "路灯不亮"), ("title-2", "答复含控制字符"),
                        ("answer-2", "第一行\u{0B}第二行"), ("title-3", "园区道路破损")]
            let refusedPage = try await press(form)
            #expect(refusedPage.contains("id=\"row-errors\"") && refusedPage.contains("data-code=\"invalid_firstAnswer\""))
            #expect(refusedPage.contains("value=\"答复含控制字符\"") && refusedPage.contains("已登记 2 个问题"))
            #expect(refusedPage.contains("从 Word 粘贴时常见"), "the refusal in words")
            let again = try await press(form)
            #expect(again.contains("已登记 0 个问题，正在交办。另有 2 个此前已登记，未重复登记。"), "a second press of the same form adds nothing")
            let list = try await stack.call("reporting", "GET", "/v1/meetings/sessions/zhengqi-1/responsibility-list", token: office)
            let line = try #require((list.json["lines"] as? [[String: Any]])?.first)
            #expect(line["firstAnswer"] as? String == "人社局下周对接" && line["enterprise"] as? String == "湖南中塑科技有限公司")
            #expect(line["bureauName"] as? String == "人力资源和社会保障局")
            // Not a body for the problems list; a closed session keeps its record.
            #expect(try await intake("POST", "/v1/meetings/sessions/zhengqi-1/problems", ["problems": "招工难"]).json.code == "invalid_problems")
            #expect(try await intake("POST", "/v1/meetings/sessions/zhengqi-1/problems", ["problems": [String]()]).json.code == "invalid_problems")
            #expect(try await intake("POST", "/v1/meetings/sessions/zhengqi-1/close").status == 200)
            #expect(try await intake("PATCH", "/v1/meetings/sessions/zhengqi-1", ["theme": "改"]).json.code == "session_closed")
            #expect(try await stack.call("reporting", "GET", "/v1/meetings/figures?series=nope", token: office).json.code == "series_not_found")
            // Reporting's meeting API is for those who read every case.
            let clerk = try stack.createKey("hrss-clerk", scopes: ["bureau:hrss"])
            #expect(try await stack.call("reporting", "GET", "/v1/meetings/figures", token: clerk).status == 403)
        }

        /// Polls the series' figures until their total is `total`.
        static func waitForFigures(_ reporting: (String) async throws -> (status: Int, json: [String: Any]), total: [String: Int]) async throws -> [String: Any] {
            var last: [String: Any] = [:]
            for _ in 0..<150 {
                last = try await reporting("/v1/meetings/figures?series=zhengqi").json
                if last["total"] as? [String: Int] == total { return last }
                try await Task.sleep(for: .milliseconds(200))
            }
            Issue.record("figures never reached \(total): \(last["total"] ?? "-")")
            return last
        }

        static func canonical(_ value: Any?) -> String {
            guard let value, JSONSerialization.isValidJSONObject([value]) else { return "\(value ?? "nil")" }
            return String(decoding: (try? JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys])) ?? Data(), as: UTF8.self)
        }
    }
}

/// A day in Beijing, for the scripted sessions' dates.
struct ChinaDay {
    var date: Date

    init(year: Int, month: Int, day: Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3_600)!
        date = calendar.date(from: DateComponents(year: year, month: month, day: day))!
    }

    private init(date: Date) { self.date = date }

    func adding(days: Int) -> ChinaDay { ChinaDay(date: date.addingTimeInterval(TimeInterval(days) * 86_400)) }

    var text: String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3_600)!
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }
}

extension Dictionary where Key == String, Value == Any {
    /// An error answer's stable code.
    var code: String? { (self["error"] as? [String: Any])?["code"] as? String }
}
