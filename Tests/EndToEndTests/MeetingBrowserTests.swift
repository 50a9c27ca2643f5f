import Foundation
import Testing

extension EndToEnd {
    /// The meetings and topics pages in a real headless browser (Debian's chromium through selenium, pypdf for the
    /// printed list; scripts/ensure-browser.sh sets them up and `make test` runs it): the secretary records ten problems
    /// with the keyboard alone, the responsibility list prints to PDF with every row, the next session's follow-up lists
    /// exactly the open items, a topic goes through the six steps to its public result and another is declined.
    @Suite(.serialized) struct MeetingBrowserTests {
        @Test func theSecretaryRunsASessionAndTheCouncilATopic() async throws {
            let stack = try Stack()
            try await stack.startAll()
            defer { stack.stopAll() }
            let office = try stack.createKey("zone-office", scopes: ["meetings", "read"])
            let bureaus = try stack.createKey("zone-bureaus", scopes: ["bureau:hrss", "bureau:power-supply"])
            func intake(_ method: String, _ path: String, _ json: [String: Any]? = nil) async throws -> (status: Int, json: [String: Any]) {
                try await stack.call("intake", method, path, token: office, json: json)
            }
            #expect(try await intake("POST", "/v1/meetings/series", ["id": "zhengqi", "name": "政企交流主题日", "chair": "何恩广"]).status == 201)
            let enterprises = ["湖南中塑科技有限公司", "湖南意兆电子科技有限公司", "湖南元创精密科技有限公司"]
            for (number, date) in [(1, "2026-11-16"), (2, "2026-11-23"), (3, "2026-11-30")] {
                let created = try await intake("POST", "/v1/meetings/sessions", ["series": "zhengqi", "date": date, "theme": number == 2 ? "通勤与用工" : "要素保障",
                                                                                 "invited": enterprises, "bureaus": ["hrss", "transport"]])
                #expect(created.json["id"] as? String == "zhengqi-\(number)")
            }
            // The first session was held: four problems, two of them solved since.
            #expect(try await intake("POST", "/v1/meetings/sessions/zhengqi-1/open").status == 200)
            let recorded = try await intake("POST", "/v1/meetings/sessions/zhengqi-1/problems", ["problems": [
                ["title": "招工难", "category": "labour", "enterprise": enterprises[0], "firstAnswer": "人社局对接"],
                ["title": "停电频繁", "category": "power", "enterprise": enterprises[1], "firstAnswer": "供电公司排查"],
                ["title": "社保转移慢", "category": "labour", "enterprise": enterprises[2]],
                ["title": "变压器容量不足", "category": "power", "enterprise": enterprises[0]],
            ]])
            let first = try #require(recorded.json["results"] as? [[String: Any]]).compactMap { $0["id"] as? String }
            #expect(first.count == 4)
            #expect(try await intake("POST", "/v1/meetings/sessions/zhengqi-1/close").status == 200)
            for id in first.prefix(2) {
                try await stack.waitUntilIntakeKnowsTheBureau(id, seconds: 10)
                for action in ["sign", "resolve"] {
                    #expect(try await stack.postUpdate(id, key: bureaus, ["action": action, "note": "已解决"]).status == 200)
                }
            }
            for id in first.suffix(2) { _ = try await stack.waitForCase(id) { $0["bureau"] != nil } }
            _ = try await stack.waitForCase(first[1]) { $0["status"] as? String == "resolved" }
            let secretary = try await stack.person("wang.sec", name: "王秘书", roles: ["secretary"])

            let check = try BrowserCheck.run("meeting_check.py", output: "meetings", stack: stack, arguments: [
                "--login", secretary.login, "--password", secretary.password, "--session", "zhengqi-2", "--next-session", "zhengqi-3"]
                + first.suffix(2).flatMap { ["--open-case", $0] } + enterprises.flatMap { ["--enterprise", $0] })
            #expect(check.status == 0, "\(BrowserCheck.failure(check.text))")

            // What the browser did, seen through the APIs.
            let list = try await stack.call("reporting", "GET", "/v1/meetings/sessions/zhengqi-2/responsibility-list", token: office)
            let lines = try #require(list.json["lines"] as? [[String: Any]])
            #expect(lines.count == 10 && lines.allSatisfy { $0["bureau"] is String && $0["enterprise"] is String && $0["firstAnswer"] is String })
            #expect(try await stack.call("reporting", "GET", "/v1/meetings/sessions/zhengqi-2", token: office).json["state"] as? String == "open")
            let published = try await stack.call("reporting", "GET", "/v1/topics/YT-0001", token: office).json
            #expect((published["topic"] as? [String: Any])?["result"] as? String == "4路和12路公交车延伸至园区，下月起运行")
            var declined: [String: Any] = [:]
            for _ in 0..<50 {  // the browser's last act reaches reporting through the event flow
                declined = try await stack.call("reporting", "GET", "/v1/topics/YT-0002", token: office).json
                if (declined["topic"] as? [String: Any])?["state"] as? String == "declined" { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect((declined["topic"] as? [String: Any])?["declineReason"] as? String == "private_dispute", "\(declined)")
            #expect(FileManager.default.fileExists(atPath: stack.repository + "/.build/test-output/meetings/responsibility-list.pdf"))
        }
    }
}
