import Foundation
import Testing

extension EndToEnd {
    @Suite(.serialized) struct EndToEndTests {
        @Test func aSubmittedCaseReachesReportingRoutedWithinTwoSeconds() async throws {
            let stack = try Stack()
            try await stack.startAll()
            defer { stack.stopAll() }

            let (status, created) = try await stack.postCase([
                "title": "厂区频繁停电", "description": "近一个月厂区已停电三次，请供电部门排查线路。",
                "channel": "meeting", "enterprise": "某视界有限公司",
            ])
            #expect(status == 201)
            let id = try #require(created["id"] as? String)

            let started = Date()
            var view: [String: Any] = [:]
            while Date().timeIntervalSince(started) < 2 {
                let (code, json) = try await stack.getJSON("reporting", "/v1/cases/\(id)")
                if code == 200, json["bureau"] != nil, (json["timeline"] as? [Any])?.count == 3 { view = json; break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(view["status"] as? String == "assigned")
            #expect(view["bureau"] as? String == "power-supply")
            #expect(view["category"] as? String == "power")
            #expect(view["deadline"] is String)
            let types = (view["timeline"] as? [[String: Any]])?.compactMap { $0["type"] as? String }
            #expect(types == ["case.submitted", "case.routed", "case.deadline_tracked"])

            let (_, stats) = try await stack.getJSON("reporting", "/v1/stats")
            #expect(((stats["byBureau"] as? [String: Any])?["power-supply"] as? [String: Any])?["collected"] as? Int == 1)
            #expect((stats["byStatus"] as? [String: Int])?["assigned"] == 1)

            let (_, health) = try await stack.getJSON("intake", "/health")
            #expect(health["status"] as? String == "ok")
            #expect((health["links"] as? [Any])?.count == 3)
        }

        @Test func badInputGetsAStableErrorCode() async throws {
            let stack = try Stack()
            try await stack.start("intake")
            defer { stack.stopAll() }
            let (status, body) = try await stack.postCase(["title": "", "description": "x"])
            #expect(status == 400)
            #expect((body["error"] as? [String: Any])?["code"] as? String == "title_required")
            let (unknownStatus, unknown) = try await stack.postCase(["title": "t", "description": "d", "priority": 1])
            #expect(unknownStatus == 400)
            #expect((unknown["error"] as? [String: Any])?["code"] as? String == "unknown_field")
            let (missing, _) = try await stack.getJSON("intake", "/v1/cases/none")
            #expect(missing == 404)
        }

        @Test func reportingServesTheMonthlyRankingAndTheWeeklyReport() async throws {
            let stack = try Stack()
            try await stack.startAll()
            defer { stack.stopAll() }
            let (_, created) = try await stack.postCase(["title": "厂区频繁停电", "description": "近一个月停电三次"])
            let id = try #require(created["id"] as? String)
            _ = try await stack.waitForCase(id) { $0["bureau"] != nil }
            let (status, ranking) = try await stack.getJSON("reporting", "/v1/rankings")
            #expect(status == 200)
            let entry = try #require((ranking["entries"] as? [[String: Any]])?.first)
            #expect(entry["bureau"] as? String == "power-supply" && entry["rank"] as? Int == 1)
            let json = try await stack.getJSON("reporting", "/v1/reports/weekly")
            #expect(json.status == 200 && (json.json["overall"] as? [String: Any])?["collected"] as? Int == 1)
            let csv = try await stack.request("reporting", "GET", "/v1/reports/weekly?format=csv")
            #expect(csv.status == 200 && csv.contentType?.hasPrefix("text/csv") == true)
            #expect(String(decoding: csv.body, as: UTF8.self).contains("power-supply,"))
            let html = try await stack.request("reporting", "GET", "/v1/reports/weekly?format=html")
            #expect(html.status == 200 && html.contentType?.hasPrefix("text/html") == true)
            for (path, code) in [("/v1/rankings?month=2026-13", "invalid_month"), ("/v1/reports/weekly?week=2026-W60", "invalid_week"),
                                 ("/v1/reports/weekly?format=xls", "invalid_format")] {
                let (bad, body) = try await stack.getJSON("reporting", path)
                #expect(bad == 400 && (body["error"] as? [String: Any])?["code"] as? String == code, "\(path)")
            }
        }

        @Test func everyServiceExposesPrometheusMetrics() async throws {
            let stack = try Stack()
            try await stack.startAll()
            defer { stack.stopAll() }
            let (_, created) = try await stack.postCase(["title": "招工难", "description": "普工招不到人"])
            _ = try await stack.waitForCase(try #require(created["id"] as? String)) { ($0["timeline"] as? [Any])?.count == 3 }
            // A refused request is counted as an error of its route.
            let refused = try await stack.request("intake", "POST", "/v1/cases", body: Data("{}".utf8), contentType: "application/json")
            #expect(refused.status == 401)
            #expect(try await stack.request("intake", "GET", "/v1/nothing-here").status == 404)
            var texts: [String: String] = [:]
            for service in Stack.services {
                let (status, body, contentType) = try await stack.request(service, "GET", "/metrics")
                #expect(status == 200 && contentType?.hasPrefix("text/plain") == true)
                texts[service] = String(decoding: body, as: UTF8.self)
                #expect(texts[service]?.contains("duban_up{service=\"\(service)\"} 1") == true, "\(service)")
                #expect(texts[service]?.contains("duban_dead_letters{service=\"\(service)\"} 0") == true, "\(service)")
            }
            let intake = try #require(texts["intake"])
            #expect(intake.contains("duban_intake_cases{service=\"intake\"} 1"))
            #expect(intake.contains("duban_backlog_events{service=\"intake\",consumer=\"routing\"}"))
            #expect(intake.contains("# TYPE duban_oldest_unacknowledged_seconds gauge"))
            #expect(texts["escalation"]?.contains("duban_escalation_open_cases{service=\"escalation\"} 1") == true)
            // Cases by status, and the request latency of the requests just made (Hummingbird's, through swift-metrics).
            let reporting = try #require(texts["reporting"])
            #expect(reporting.contains("duban_reporting_cases_assigned{service=\"reporting\"} 1"))
            #expect(reporting.contains("duban_reporting_cases_closed{service=\"reporting\"} 0"))
            #expect(intake.contains("# TYPE http_server_request_duration_seconds histogram"))
            #expect(intake.contains(#"http_server_request_duration_seconds_count{http_route="/v1/cases",http_request_method="POST",http_response_status_code="201"} 1"#),
                    "\(intake.split(separator: "\n").filter { $0.contains("duration_seconds_count") })")
            #expect(intake.contains(#"http_server_request_duration_seconds_count{http_route="NotFound",http_request_method="GET",http_response_status_code="404"} 1"#),
                    "a 404 is timed like every other answer")
            let errors = intake.split(separator: "\n").filter { $0.hasPrefix("hb_request_errors_total") }
            #expect(errors.contains { $0.contains(#"http_route="/v1/cases""#) && $0.contains(#"error_type="401""#) && $0.hasSuffix(" 1") },
                    "\(errors)")
            for (service, text) in texts {
                #expect(!text.contains(#"error_type="2"#), "\(service) has error series for successful answers")
                // Prometheus' own linter: counters end in _total, every metric has HELP, names and units as it expects.
                let lint = try Self.promtool(["check", "metrics"], input: text)
                #expect(lint.status == 0 && lint.output.isEmpty, "promtool on \(service)'s /metrics: \(lint.output)")
            }
        }

        /// Runs Debian's `promtool` (package prometheus; `make test` installs it) with `input` on its standard input.
        static func promtool(_ arguments: [String], input: String) throws -> (status: Int32, output: String) {
            guard let path = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first(where: FileManager.default.isExecutableFile(atPath:)) else {
                Issue.record("promtool is missing: apt-get install prometheus (scripts/ensure-test-deps.sh does it)")
                return (-1, "promtool missing")
            }
            let result = try ChildProcess.run(path, arguments, input: Data(input.utf8))
            return (result.status, result.output)
        }

        @Test func intakeDescribesItsAPIInOpenAPI() async throws {
            let stack = try Stack()
            try await stack.start("intake")
            defer { stack.stopAll() }
            let (status, document) = try await stack.getJSON("intake", "/openapi.json")
            #expect(status == 200)
            #expect(document["openapi"] as? String == "3.0.3")
            let paths = (document["paths"] as? [String: Any])?.keys.sorted()
            #expect(paths == ["/health", "/open311/v2/discovery.{format}", "/open311/v2/requests.{format}",
                              "/open311/v2/requests/{service_request_id}.{format}", "/open311/v2/servicerequestupdates.{format}",
                              "/open311/v2/services.{format}", "/open311/v2/services/{service_code}.{format}",
                              "/open311/v2/tokens/{token}.{format}", "/v1/accounts", "/v1/audit", "/v1/cases", "/v1/cases/{id}/contact",
                              "/v1/cases/{id}/updates", "/v1/identity/keys", "/v1/identity/revocations", "/v1/imports", "/v1/keys/self",
                              "/v1/meetings/series", "/v1/meetings/sessions", "/v1/meetings/sessions/{id}", "/v1/meetings/sessions/{id}/problems",
                              "/v1/meetings/sessions/{id}/{act}", "/v1/sessions", "/v1/sessions/end", "/v1/sessions/password", "/v1/sessions/refresh",
                              "/v1/topics", "/v1/topics/{id}", "/v1/topics/{id}/steps"])
            let actions = (((((document["components"] as? [String: Any])?["schemas"] as? [String: Any])?["CaseUpdate"] as? [String: Any])?["properties"] as? [String: Any])?["action"] as? [String: Any])?["enum"] as? [String]
            #expect(actions?.count == 15, "every update action the API takes is described")
        }

        @Test func aRetriedSubmissionWithTheSameIdempotencyKeyReturnsTheSameCase() async throws {
            let stack = try Stack()
            try await stack.start("intake")
            defer { stack.stopAll() }
            let body: [String: Any] = ["title": "厂区频繁停电", "description": "近一个月停电三次", "channel": "hotline"]
            let first = try await stack.postCase(body, idempotencyKey: "hotline-20261127-0042")
            let retry = try await stack.postCase(body, idempotencyKey: "hotline-20261127-0042")
            #expect(first.status == 201 && retry.status == 201)
            #expect(first.json["id"] as? String != nil)
            #expect(retry.json["id"] as? String == first.json["id"] as? String)
            let other = try await stack.postCase(["title": "另一件事", "description": "d"], idempotencyKey: "hotline-20261127-0042")
            #expect(other.status == 422)
            #expect((other.json["error"] as? [String: Any])?["code"] as? String == "idempotency_key_reused")
            // Submitting needs a key with the submit scope.
            let anonymous = try await stack.postCase(body, key: .some(nil))
            #expect(anonymous.status == 401)
            #expect((anonymous.json["error"] as? [String: Any])?["code"] as? String == "api_key_required")
            #expect(try await stack.postCase(body, key: "dbk_not-a-key").status == 401)
            let readOnly = try stack.createKey("dashboard", scopes: ["read"])
            let refused = try await stack.postCase(body, key: readOnly)
            #expect(refused.status == 403)
            #expect((refused.json["error"] as? [String: Any])?["code"] as? String == "scope_required")
            let (_, health) = try await stack.getJSON("intake", "/health")
            #expect((health["details"] as? [String: String])?["cases"] == "1", "one case, however often it was sent")
        }

        /// While thousands of cases stream in, every service in turn is SIGKILLed and restarted, twice. Every accepted
        /// case ends up in reporting exactly once, routed, with its three events. The test counts every case.
        @Test func nothingAcceptedIsLostOrDoubledWhenServicesAreKilled() async throws {
            let stack = try Stack()
            try await stack.startAll()
            defer { stack.stopAll() }
            let target = 2_400
            let feeder = Feeder()
            let stream = Task { await feeder.stream(to: stack, until: target) }

            for victim in ["routing", "reporting", "escalation", "intake", "routing", "reporting", "escalation", "intake"] {
                try await Task.sleep(for: .milliseconds(400))
                stack.kill9(victim)
                try await Task.sleep(for: .milliseconds(150))
                try await stack.start(victim)
            }
            await stream.value
            let accepted = await feeder.accepted
            #expect(accepted.count >= target)
            #expect(Set(accepted).count == accepted.count, "intake never hands out an id twice")

            // Intake's own count is the truth: a case committed just before a SIGKILL is stored though its client never
            // heard the 201.
            let (_, intakeHealth) = try await stack.getJSON("intake", "/health")
            let stored = try #require(((intakeHealth["details"] as? [String: String])?["cases"]).flatMap { Int($0) })
            #expect(stored >= accepted.count)
            let deadline = Date().addingTimeInterval(90)
            var total = 0, assigned = 0
            while Date() < deadline {
                let (_, stats) = try await stack.getJSON("reporting", "/v1/stats")
                total = stats["total"] as? Int ?? 0
                assigned = (stats["byStatus"] as? [String: Int])?["assigned"] ?? 0
                if total == stored && assigned == stored { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(total == stored, "reporting holds exactly the cases intake stored")
            #expect(assigned == stored, "every one of them routed")
            var wrong: [String] = []
            for id in accepted {
                let (status, view) = try await stack.getJSON("reporting", "/v1/cases/\(id)")
                let types = (view["timeline"] as? [[String: Any]])?.compactMap { $0["type"] as? String } ?? []
                if status != 200 || view["bureau"] == nil || view["deadline"] == nil
                    || types != ["case.submitted", "case.routed", "case.deadline_tracked"] {
                    wrong.append("\(id): \(status) \(types)")
                }
            }
            #expect(wrong.isEmpty, "cases not exactly once: \(wrong.count), e.g. \(wrong.prefix(5))")
            for service in Stack.services {
                let (_, health) = try await stack.getJSON(service, "/health")
                #expect(health["deadLetters"] as? Int == 0, "\(service) has dead letters")
            }
        }
    }
}

/// Posts cases one after another, as a hotline system would, and keeps the ids intake accepted (201).
actor Feeder {
    private(set) var accepted: [String] = []
    static let samples = [("招工难", "普工招不到人"), ("自来水水压不足", "高峰时段无法生产"), ("园区夜间治安", "货物被盗，请加强巡逻"),
                          ("厂区频繁停电", "生产线被迫中断"), ("员工子女入学难", "希望就近入学")]

    func stream(to stack: Stack, until target: Int) async {
        var n = 0
        while accepted.count < target {
            let sample = Self.samples[n % Self.samples.count]
            n += 1
            if let (status, json) = try? await stack.postCase(["title": sample.0, "description": sample.1, "channel": "hotline"]),
               status == 201, let id = json["id"] as? String {
                accepted.append(id)
            } else {
                try? await Task.sleep(for: .milliseconds(20))  // intake is down: retry as a client would
            }
        }
    }
}
