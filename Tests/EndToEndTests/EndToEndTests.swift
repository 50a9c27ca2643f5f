import Foundation
import Testing

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
        #expect((stats["byBureau"] as? [String: Int])?["power-supply"] == 1)
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

    /// Every service is SIGKILLed and restarted while cases stream in; every accepted case ends up in reporting
    /// exactly once, routed, with its three events in order.
    @Test func nothingAcceptedIsLostOrDoubledWhenServicesAreKilled() async throws {
        let stack = try Stack()
        try await stack.startAll()
        defer { stack.stopAll() }
        let samples = [("招工难", "普工招不到人"), ("自来水水压不足", "高峰时段无法生产"), ("园区夜间治安", "货物被盗，请加强巡逻")]
        var accepted: [String] = []
        let victims = ["routing", "reporting", "escalation", "intake", "routing", "reporting"]
        for round in 0..<victims.count {
            for n in 0..<60 {
                let sample = samples[n % samples.count]
                if let (status, json) = try? await stack.postCase(["title": sample.0, "description": sample.1]),
                   status == 201, let id = json["id"] as? String {
                    accepted.append(id)
                }
            }
            stack.kill9(victims[round])
            for n in 0..<20 {  // keep submitting while one service is down (fails only while intake is)
                let sample = samples[n % samples.count]
                if let (status, json) = try? await stack.postCase(["title": sample.0, "description": sample.1]),
                   status == 201, let id = json["id"] as? String {
                    accepted.append(id)
                }
            }
            try await stack.start(victims[round])
        }
        #expect(accepted.count >= 6 * 60)
        #expect(Set(accepted).count == accepted.count, "intake never hands out an id twice")

        let deadline = Date().addingTimeInterval(60)
        var total = 0
        while Date() < deadline {
            let (_, stats) = try await stack.getJSON("reporting", "/v1/stats")
            total = stats["total"] as? Int ?? 0
            let assigned = (stats["byStatus"] as? [String: Int])?["assigned"] ?? 0
            if total == accepted.count && assigned == accepted.count { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(total == accepted.count, "reporting holds exactly the accepted cases")
        var wrong: [String] = []
        for id in accepted {
            let (status, view) = try await stack.getJSON("reporting", "/v1/cases/\(id)")
            let types = (view["timeline"] as? [[String: Any]])?.compactMap { $0["type"] as? String } ?? []
            if status != 200 || view["bureau"] == nil || view["deadline"] == nil
                || types.sorted() != ["case.deadline_tracked", "case.routed", "case.submitted"] {
                wrong.append("\(id): \(status) \(types)")
            }
        }
        #expect(wrong.isEmpty, "cases not exactly once: \(wrong.prefix(5))")
        let (_, health) = try await stack.getJSON("reporting", "/health")
        #expect(health["deadLetters"] as? Int == 0)
    }
}
