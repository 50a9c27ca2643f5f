import Foundation
import Testing

extension EndToEnd {
    /// Reporting's read model emptied with `reporting rebuild` comes back whole from the producers' event logs.
    @Suite(.serialized) struct RebuildTests {
        @Test func theReadModelIsRebuiltFromTheEventHistory() async throws {
            let stack = try Stack()
            try await stack.startAll()
            defer { stack.stopAll() }
            let hrss = try stack.createKey("bureau-hrss", scopes: ["bureau:hrss"])
            var ids: [String] = []
            for n in 0..<30 {
                let sample = n.isMultiple(of: 2) ? ("招工难", "普工招不到人") : ("厂区频繁停电", "近一个月停电三次")
                let (_, created) = try await stack.postCase(["title": "\(sample.0)\(n)", "description": sample.1])
                ids.append(try #require(created["id"] as? String))
            }
            _ = try await stack.waitForCase(ids[0]) { $0["status"] as? String == "assigned" }
            #expect(try await stack.postUpdate(ids[0], key: hrss, ["action": "sign"]).status == 200)
            var before: [String: [String: String]] = [:]
            for id in ids {
                let view = try await stack.waitForCase(id) { view in
                    let count = (view["timeline"] as? [Any])?.count ?? 0
                    return count == (id == ids[0] ? 4 : 3)
                }
                before[id] = Self.summary(view)
            }

            stack.stop("reporting")
            let (status, output) = try stack.command("reporting", ["rebuild"])
            #expect(status == 0)
            #expect(output.contains("30 cases"))
            // Emptied indeed: a second run finds nothing.
            #expect(try stack.command("reporting", ["rebuild"]).output.contains("(0 cases, 0 timeline events)"))
            try await stack.start("reporting")

            for id in ids {
                let view = try await stack.waitForCase(id, seconds: 30) { Self.summary($0) == before[id] }
                #expect(Self.summary(view) == before[id], "\(id) rebuilt as it was")
            }
            let (_, stats) = try await stack.getJSON("reporting", "/v1/stats")
            #expect(stats["total"] as? Int == 30)
            #expect((try await stack.getJSON("reporting", "/health").json["deadLetters"]) as? Int == 0)
        }

        static func summary(_ view: [String: Any]) -> [String: String] {
            var summary: [String: String] = [:]
            for key in ["status", "bureau", "deadline", "title", "category"] { summary[key] = view[key].map { "\($0)" } ?? "-" }
            summary["timeline"] = ((view["timeline"] as? [[String: Any]]) ?? []).compactMap { $0["type"] as? String }.joined(separator: ",")
            return summary
        }
    }
}
