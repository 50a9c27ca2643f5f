import Foundation
import Testing

extension EndToEnd {
    /// The closed loop across all four processes: routed, signed, measure drafted, extended, resolved, confirmed, rated;
    /// returned and re-routed; triaged and dispatched. With keys and scopes enforced.
    @Suite(.serialized) struct ClosedLoopTests {
        @Test func aCaseGoesRoundTheWholeLoop() async throws {
            let stack = try Stack()
            try await stack.startAll()
            defer { stack.stopAll() }
            let hrss = try stack.createKey("bureau-hrss", scopes: ["bureau:hrss"])
            let other = try stack.createKey("bureau-education", scopes: ["bureau:education"])
            let approver = try stack.createKey("zone-leadership", scopes: ["approve"])
            let hotline = try stack.createKey("hotline-12345", scopes: ["submit", "feedback"])

            let (_, created) = try await stack.postCase(["title": "招工难", "description": "订单增加但一线普工招不到人", "channel": "hotline"])
            let id = try #require(created["id"] as? String)
            let routed = try await stack.waitForCase(id) { $0["status"] as? String == "assigned" }
            try await stack.waitUntilIntakeKnowsTheBureau(id)
            #expect(routed["bureau"] as? String == "hrss")
            let firstDeadline = try #require(routed["deadline"] as? String)

            // Keys and scopes.
            #expect(try await stack.postUpdate(id, key: nil, ["action": "sign"]).status == 401)
            #expect(try await stack.postUpdate(id, key: "dbk_wrong", ["action": "sign"]).status == 401)
            let foreign = try await stack.postUpdate(id, key: other, ["action": "sign"])
            #expect(foreign.status == 403)
            #expect((foreign.json["error"] as? [String: Any])?["code"] as? String == "not_your_case")
            #expect(try await stack.postUpdate(id, key: hrss, ["action": "confirm"]).status == 403)

            // The bureau's work.
            #expect(try await stack.postUpdate(id, key: hrss, ["action": "resolve", "note": "x"]).status == 409, "must sign first")
            #expect(try await stack.postUpdate(id, key: hrss, ["action": "sign"]).json["status"] as? String == "signed")
            #expect(try await stack.postUpdate(id, key: hrss, ["action": "measure"]).status == 400, "a measure needs a note")
            #expect(try await stack.postUpdate(id, key: hrss, ["action": "measure", "note": "本周六举办专场招聘会"]).status == 200)
            #expect(try await stack.postUpdate(id, key: hrss, ["action": "request_extension", "days": 3, "note": "招聘会延期"]).status == 200)
            #expect(try await stack.postUpdate(id, key: hrss, ["action": "request_extension", "days": 3, "note": "again"]).status == 409)
            #expect(try await stack.postUpdate(id, key: approver, ["action": "decide_extension", "approved": true]).status == 200)
            let extended = try await stack.waitForCase(id) { ($0["deadline"] as? String) != firstDeadline }
            #expect((extended["deadline"] as? String ?? "") > firstDeadline)
            #expect((extended["routing"] as? [String: Any])?["rule"] as? String == "extension-granted")

            #expect(try await stack.postUpdate(id, key: hrss, ["action": "resolve", "note": "招到42名普工"]).json["status"] as? String == "resolved")
            var stopped = false
            for _ in 0..<100 where !stopped {
                stopped = try await stack.getJSON("escalation", "/v1/clocks/\(id)").json["open"] as? Bool == false
                if !stopped { try await Task.sleep(for: .milliseconds(25)) }
            }
            #expect(stopped, "the clock stops when the case is resolved")

            // The submitter's word.
            #expect(try await stack.postUpdate(id, key: hotline, ["action": "reject"]).json["status"] as? String == "reopened")
            #expect(try await stack.postUpdate(id, key: hrss, ["action": "resolve", "note": "补招8人"]).status == 200)
            #expect(try await stack.postUpdate(id, key: hotline, ["action": "confirm"]).json["status"] as? String == "closed")
            #expect(try await stack.postUpdate(id, key: hotline, ["action": "rate", "score": 6]).status == 400)
            #expect(try await stack.postUpdate(id, key: hotline, ["action": "rate", "score": 5]).status == 200)

            let final = try await stack.waitForCase(id) { $0["satisfaction"] as? Int == 5 }
            #expect(final["status"] as? String == "closed")
            let types = (final["timeline"] as? [[String: Any]])?.compactMap { $0["type"] as? String } ?? []
            #expect(types.filter { $0 == "case.updated" }.count == 9)  // every accepted update, once
            #expect(types.filter { $0 == "case.routed" }.count == 2)
        }

        @Test func aReturnedCaseIsReroutedAndATriagedOneDispatched() async throws {
            let stack = try Stack()
            try await stack.startAll()
            defer { stack.stopAll() }
            let (_, created) = try await stack.postCase(["title": "员工住房", "description": "外地员工租房难、房租高，希望提供公租房房源"])
            let id = try #require(created["id"] as? String)
            let first = try await stack.waitForCase(id) { $0["status"] as? String == "assigned" }
            let owner = try #require(first["bureau"] as? String)
            let ownerKey = try stack.createKey("bureau-\(owner)", scopes: ["bureau:\(owner)"])
            try await stack.waitUntilIntakeKnowsTheBureau(id)
            #expect(try await stack.postUpdate(id, key: ownerKey, ["action": "return"]).status == 400, "a return needs a reason")
            #expect(try await stack.postUpdate(id, key: ownerKey, ["action": "return", "note": "不属于本单位职责"]).json["status"] as? String == "returned")
            let rerouted = try await stack.waitForCase(id) { $0["status"] as? String != "returned" && $0["bureau"] as? String != owner }
            #expect(rerouted["bureau"] as? String != owner)
            #expect(["assigned", "triage"].contains(rerouted["status"] as? String ?? ""))
            #expect(rerouted["returns"] as? Int == 1)
            let (_, returns) = try await stack.getJSON("routing", "/v1/routing/returns")
            #expect(returns[owner] as? Int == 1)
            // The returning bureau may no longer act.
            #expect(try await stack.postUpdate(id, key: ownerKey, ["action": "sign"]).status == 403)

            let (_, vague) = try await stack.postCase(["title": "其他事项", "description": "希望有关部门关注"])
            let vagueID = try #require(vague["id"] as? String)
            let triaged = try await stack.waitForCase(vagueID) { $0["status"] as? String == "triage" }
            #expect(triaged["bureau"] as? String == "business-office")
            try await stack.waitUntilIntakeKnowsTheBureau(vagueID)
            let office = try stack.createKey("triage-office", scopes: ["dispatch"])
            #expect(try await stack.postUpdate(vagueID, key: office, ["action": "dispatch"]).status == 400)
            #expect(try await stack.postUpdate(vagueID, key: office, ["action": "dispatch", "bureau": "hrss"]).status == 200)
            let dispatched = try await stack.waitForCase(vagueID) { $0["status"] as? String == "assigned" }
            #expect(dispatched["bureau"] as? String == "hrss")
            #expect((dispatched["routing"] as? [String: Any])?["rule"] as? String == "manual-dispatch")
            #expect(try await stack.postUpdate(vagueID, key: office, ["action": "dispatch", "bureau": "hrss"]).status == 409,
                    "only a case in triage is dispatched")
        }

        @Test func aCityLevelUnitsCaseIsSeenByItsDistrictCounterpartToo() async throws {
            let stack = try Stack()
            try await stack.startAll()
            defer { stack.stopAll() }
            let (_, water) = try await stack.postCase(["title": "自来水水压不足", "description": "高峰时段无法正常生产，请协调供水"])
            let id = try #require(water["id"] as? String)
            let view = try await stack.waitForCase(id) { $0["counterpart"] as? String == "housing" }
            #expect(view["bureau"] as? String == "water-supply")
            for bureau in ["water-supply", "housing"] {
                let (_, list) = try await stack.getJSON("reporting", "/v1/cases?bureau=\(bureau)")
                let ids = (list["cases"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
                #expect(ids == [id], "\(bureau) sees the case")
            }
            let (_, assigned) = try await stack.getJSON("reporting", "/v1/cases?status=assigned")
            #expect(assigned["total"] as? Int == 1)
            #expect(try await stack.getJSON("reporting", "/v1/cases?status=bogus").status == 400)
            #expect(try await stack.getJSON("reporting", "/v1/cases?limit=0").status == 400)
        }
    }
}
