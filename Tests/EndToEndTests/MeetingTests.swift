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

            // The owners act: sign everything, draft 92 measures, solve 82 (the last 5 a month late).
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
