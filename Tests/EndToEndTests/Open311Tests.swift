import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

extension EndToEnd {
    /// Open311 GeoReport v2 against a real intake (and routing, for the responsible agency and deadline): every
    /// endpoint in both formats, field by field, the same content in JSON and XML, and the spec's errors.
    @Suite(.serialized) struct Open311Tests {
        static let base = "/open311/v2"

        @Test func everyEndpointInBothFormatsWithTheSpecsErrors() async throws {
            let stack = try Stack()
            try await stack.startAll()
            defer { stack.stopAll() }
            let submitter = try stack.createKey("city-311", scopes: ["submit"])
            let bureau = try stack.createKey("power-system", scopes: ["bureau:power-supply"])
            let otherBureau = try stack.createKey("water-system", scopes: ["bureau:water-supply"])

            // discovery
            let discovery = try await both(stack, "discovery")
            let endpoint = try #require((discovery["endpoints"] as? [[String: Any]])?.first)
            #expect(endpoint["specification"] as? String == "http://wiki.open311.org/GeoReport_v2")
            #expect((endpoint["url"] as? String)?.hasSuffix(Self.base) == true)
            #expect(endpoint["formats"] as? [String] == ["application/json", "text/xml"])

            // services and a service definition
            let services = try await bothList(stack, "services")
            let power = try #require(services.first { $0["service_code"] as? String == "105" })
            #expect(power["service_name"] as? String == "供电")
            #expect(power["metadata"] as? Bool == false && power["type"] as? String == "realtime")
            #expect(services.allSatisfy { ($0["service_code"] as? String)?.isEmpty == false }, "codes are strings")
            let definition = try await both(stack, "services/105")
            #expect(definition["service_code"] as? String == "105")
            #expect((definition["attributes"] as? [Any])?.isEmpty == true)
            try await expectError(stack, get: "services/999", status: 404, code: "service_code_unknown")

            // POST requests: keys, content type and validation, each with the spec's error list
            let valid = ["service_code": "105", "lat": "28.2282", "long": "112.9388", "address_string": "经开区东六路",
                         "description": "厂区频繁停电\n近一个月停电三次，生产线被迫中断", "first_name": "张", "last_name": "三",
                         "phone": "13800000000", "account_id": "acct-7"]
            try await expectError(stack, post: "requests", valid, status: 403, code: "api_key_required")
            try await expectError(stack, post: "requests", valid.merging(["api_key": "dbk_nope"]) { $1 }, status: 403, code: "api_key_invalid")
            try await expectError(stack, post: "requests", valid.merging(["api_key": bureau]) { $1 }, status: 403, code: "scope_required")
            var form = valid.merging(["api_key": submitter]) { $1 }
            try await expectError(stack, post: "requests", form.filter { $0.key != "service_code" }, status: 400, code: "service_code_required")
            try await expectError(stack, post: "requests", form.merging(["service_code": "999"]) { $1 }, status: 400, code: "service_code_unknown")
            try await expectError(stack, post: "requests", form.filter { !["lat", "long", "address_string"].contains($0.key) },
                                  status: 400, code: "location_required")
            try await expectError(stack, post: "requests", form.merging(["lat": "95"]) { $1 }, status: 400, code: "invalid_coordinates")
            try await expectError(stack, post: "requests", form.merging(["description": String(repeating: "长", count: 4_001)]) { $1 },
                                  status: 400, code: "description_too_long")
            let (jsonStatus, notForm, _) = try await stack.request("intake", "POST", Self.base + "/requests.json", body: Data("{}".utf8),
                                                                 contentType: "application/json")
            #expect(jsonStatus == 400)
            #expect(String(decoding: notForm, as: UTF8.self).contains("unsupported_media_type"))

            let created = try await postForm(stack, "requests.json", form)
            #expect(created.status == 200)
            let receipt = try #require((try JSONSerialization.jsonObject(with: created.body) as? [[String: Any]])?.first)
            let id = try #require(receipt["service_request_id"] as? String)
            #expect(receipt["account_id"] as? String == "acct-7")
            #expect((receipt["service_notice"] as? String)?.isEmpty == false)
            form["account_id"] = nil
            let createdXML = try await postForm(stack, "requests.xml", form)
            let xmlReceipt = try XMLTree.parse(createdXML.body)
            #expect(xmlReceipt.name == "service_requests" && xmlReceipt.children.first?.name == "request")
            #expect(xmlReceipt.children.first?.child("service_request_id")?.text.hasPrefix("DB-") == true)

            // GET requests/{id}: an array, routed by the time routing has answered; same in XML
            let routed = try await stack.waitForCase(id) { $0["deadline"] != nil }
            try await stack.waitUntilIntakeKnowsTheBureau(id)
            let request = try #require(try await bothList(stack, "requests/\(id)").first)
            #expect(request["service_request_id"] as? String == id)
            #expect(request["status"] as? String == "open")
            #expect(request["service_code"] as? String == "105" && request["service_name"] as? String == "供电")
            #expect(request["description"] as? String == valid["description"])
            #expect(request["agency_responsible"] as? String == routed["bureauName"] as? String)
            let expected = try #require(request["expected_datetime"] as? String)
            #expect(expected.hasSuffix("+08:00"))
            let deadline = try Date(routed["deadline"] as! String, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
            #expect(abs(try Date(expected, strategy: .iso8601).timeIntervalSince(deadline)) < 1, "the deadline, to the second")
            #expect((request["requested_datetime"] as? String)?.hasSuffix("+08:00") == true)
            #expect(request["lat"] as? Double == 28.2282 && request["long"] as? Double == 112.9388)
            #expect(request["address"] as? String == "经开区东六路")
            try await expectError(stack, get: "requests/DB-19990101-000001", status: 404, code: "request_not_found")
            let raw = try await stack.request("intake", "GET", Self.base + "/requests/\(id).xml").body
            for personal in ["13800000000", "张 三", "acct-7"] {
                #expect(!String(decoding: raw, as: UTF8.self).contains(personal), "personal data stays out of Open311 answers")
            }

            // GET requests with filters
            let open = try await bothList(stack, "requests", query: "status=open&service_code=105")
            #expect(open.count == 2 && open.contains { $0["service_request_id"] as? String == id })
            #expect(try await bothList(stack, "requests", query: "status=closed").isEmpty)
            #expect(try await bothList(stack, "requests", query: "service_code=101").isEmpty)
            #expect(try await bothList(stack, "requests", query: "service_request_id=\(id)").count == 1)
            #expect(try await bothList(stack, "requests", query: "end_date=2020-01-01T00:00:00Z").isEmpty)
            try await expectError(stack, get: "requests", query: "status=pending", status: 400, code: "invalid_status")
            try await expectError(stack, get: "requests", query: "start_date=yesterday", status: 400, code: "invalid_start_date")

            // tokens: requests are realtime, so the token is the id
            let token = try #require(try await bothList(stack, "tokens/\(id)").first)
            #expect(token["service_request_id"] as? String == id && token["token"] as? String == id)
            try await expectError(stack, get: "tokens/none", status: 404, code: "token_unknown")

            // servicerequestupdates: the bureau's own system pushes status changes
            // Status in the bureau's own case (the extension's values are lowercase), with its own time.
            let update = ["api_key": bureau, "service_request_id": id, "update_id": "ext-1", "status": "IN_PROGRESS",
                          "updated_datetime": "2026-11-20T10:00:00+08:00", "description": "已派员现场排查线路"]
            let first = try await postForm(stack, "servicerequestupdates.json", update)
            #expect(first.status == 200)
            let firstID = try #require((try JSONSerialization.jsonObject(with: first.body) as? [[String: Any]])?.first?["update_id"] as? String)
            let again = try await postForm(stack, "servicerequestupdates.json", update)
            #expect((try JSONSerialization.jsonObject(with: again.body) as? [[String: Any]])?.first?["update_id"] as? String == firstID,
                    "a resent update_id is the same update")
            try await expectError(stack, post: "servicerequestupdates", update.merging(["api_key": otherBureau, "update_id": "x"]) { $1 },
                                  status: 403, code: "not_your_case")
            try await expectError(stack, post: "servicerequestupdates", update.merging(["status": "teleported", "update_id": "y"]) { $1 },
                                  status: 400, code: "invalid_status")
            try await expectError(stack, post: "servicerequestupdates",
                                  update.merging(["service_request_id": "DB-19990101-000001", "update_id": "z"]) { $1 },
                                  status: 404, code: "request_not_found")
            try await expectError(stack, post: "servicerequestupdates", update.merging(["updated_datetime": "last week", "update_id": "w"]) { $1 },
                                  status: 400, code: "invalid_updated_datetime")
            let fixed = try await postForm(stack, "servicerequestupdates.xml",
                                           update.merging(["update_id": "ext-2", "status": "Fixed", "updated_datetime": "2026-11-21T03:30:00Z",
                                                           "description": "线路已更换，恢复供电"]) { $1 })
            let fixedTree = try XMLTree.parse(fixed.body)
            #expect(fixedTree.name == "service_request_updates")
            #expect(fixedTree.children.first?.child("update_id")?.text.isEmpty == false)
            let closed = try #require(try await bothList(stack, "requests/\(id)").first)
            #expect(closed["status"] as? String == "closed")
            #expect(closed["status_notes"] as? String == "线路已更换，恢复供电")
            let updates = try await bothList(stack, "servicerequestupdates")
            #expect(updates.map { $0["status"] as? String } == ["in_progress", "fixed"], "the status each bureau pushed, lowercase")
            #expect(updates.map { $0["updated_datetime"] as? String } == ["2026-11-20T10:00:00+08:00", "2026-11-21T11:30:00+08:00"],
                    "the time each bureau pushed, in China time")
            let updatesXML = try XMLTree.parse(try await stack.request("intake", "GET", Self.base + "/servicerequestupdates.xml").body)
            #expect(updatesXML.name == "service_request_updates", "one root name for GET and POST, the extension's")
            #expect(updates.allSatisfy { $0["service_request_id"] as? String == id })
            #expect(updates.last?["description"] as? String == "线路已更换，恢复供电")
            // The case itself moved: reporting shows it resolved.
            _ = try await stack.waitForCase(id) { $0["status"] as? String == "resolved" }

            // No format, no resource.
            #expect(try await stack.request("intake", "GET", Self.base + "/services").status == 404)
            try await expectError(stack, get: "nothing", status: 404, code: "not_found")
        }

        /// The discovery document tells a client how to get a key; that command must run as printed.
        @Test func theDiscoveryKeyCommandRunsAsPrinted() async throws {
            let stack = try Stack()
            try await stack.start("intake")
            defer { stack.stopAll() }
            let discovery = try await both(stack, "discovery")
            let text = try #require(discovery["key_service"] as? String)
            let start = try #require(text.range(of: "intake keys create"), "the text names the command: \(text)")
            let printed = text[start.lowerBound...].split(separator: " ").map(String.init)
            #expect(printed.first == "intake")
            // The operator's placeholder, filled in as they would; the stack's own data and key folders appended.
            let arguments = Array(printed.dropFirst()).map { $0 == "NAME" ? "city-311" : $0 }
            let (status, output) = try stack.intakeCommand(arguments)
            #expect(status == 0, "\(printed.joined(separator: " ")): \(output)")
            #expect(output.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("dbk_"), "a key is printed: \(output)")
        }

        // MARK: Helpers

        /// GETs `resource` as JSON and as XML, checks they carry the same content, and returns the JSON object.
        func both(_ stack: Stack, _ resource: String, query: String = "") async throws -> [String: Any] {
            let (json, xml) = try await fetchBoth(stack, resource, query: query)
            let object = try #require(json as? [String: Any])
            #expect(XMLTree.same(xml, object), "\(resource): JSON and XML differ")
            return object
        }

        func bothList(_ stack: Stack, _ resource: String, query: String = "") async throws -> [[String: Any]] {
            let (json, xml) = try await fetchBoth(stack, resource, query: query)
            let list = try #require(json as? [[String: Any]])
            #expect(xml.children.count == list.count, "\(resource): JSON and XML list different counts")
            for (element, object) in zip(xml.children, list) {
                #expect(XMLTree.same(element, object), "\(resource): JSON and XML differ")
            }
            return list
        }

        func fetchBoth(_ stack: Stack, _ resource: String, query: String) async throws -> (Any, XMLTree) {
            let suffix = query.isEmpty ? "" : "?" + query
            let json = try await stack.request("intake", "GET", "\(Self.base)/\(resource).json\(suffix)")
            let xml = try await stack.request("intake", "GET", "\(Self.base)/\(resource).xml\(suffix)")
            #expect(json.status == 200 && xml.status == 200, "\(resource): \(json.status) \(xml.status)")
            #expect(json.contentType?.hasPrefix("application/json") == true && xml.contentType?.hasPrefix("text/xml") == true)
            #expect(String(decoding: xml.body.prefix(38), as: UTF8.self) == #"<?xml version="1.0" encoding="UTF-8"?>"#)
            let object = try JSONSerialization.jsonObject(with: json.body, options: [.fragmentsAllowed])
            #expect(!Self.containsNull(object), "\(resource): GeoReport v2's schema has no null: \(String(decoding: json.body, as: UTF8.self))")
            return (object, try XMLTree.parse(xml.body))
        }

        func postForm(_ stack: Stack, _ resource: String, _ form: [String: String]) async throws -> (status: Int, body: Data) {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            let body = form.map { "\($0.key.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
                .joined(separator: "&")
            let response = try await stack.request("intake", "POST", "\(Self.base)/\(resource)", body: Data(body.utf8),
                                                   contentType: "application/x-www-form-urlencoded")
            if resource.hasSuffix(".json"), let object = try? JSONSerialization.jsonObject(with: response.body) {
                #expect(!Self.containsNull(object), "\(resource): GeoReport v2's schema has no null")
            }
            return (response.status, response.body)
        }

        /// Whether a JSON value holds a null anywhere.
        static func containsNull(_ value: Any) -> Bool {
            switch value {
            case is NSNull: true
            case let object as [String: Any]: object.values.contains(where: containsNull)
            case let list as [Any]: list.contains(where: containsNull)
            default: false
            }
        }

        /// Both formats answer `status` with the spec's error list, whose description starts with Duban's code.
        func expectError(_ stack: Stack, get resource: String? = nil, post: String? = nil, _ form: [String: String] = [:],
                         query: String = "", status: Int, code: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            for format in ["json", "xml"] {
                let response: (status: Int, body: Data)
                if let resource {
                    let suffix = query.isEmpty ? "" : "?" + query
                    let got = try await stack.request("intake", "GET", "\(Self.base)/\(resource).\(format)\(suffix)")
                    response = (got.status, got.body)
                } else {
                    response = try await postForm(stack, "\(post!).\(format)", form)
                }
                #expect(response.status == status, "\(format): \(String(decoding: response.body, as: UTF8.self))", sourceLocation: sourceLocation)
                if format == "json" {
                    let error = (try? JSONSerialization.jsonObject(with: response.body) as? [[String: Any]])?.first
                    #expect(error?["code"] as? Int == status, sourceLocation: sourceLocation)
                    #expect((error?["description"] as? String)?.hasPrefix(code + ":") == true,
                            "\(String(decoding: response.body, as: UTF8.self))", sourceLocation: sourceLocation)
                } else {
                    let tree = try XMLTree.parse(response.body)
                    #expect(tree.name == "errors" && tree.children.first?.name == "error", sourceLocation: sourceLocation)
                    #expect(tree.children.first?.child("code")?.text == String(status), sourceLocation: sourceLocation)
                    #expect(tree.children.first?.child("description")?.text.hasPrefix(code + ":") == true, sourceLocation: sourceLocation)
                }
            }
        }
    }
}

/// A parsed XML element, enough to compare an Open311 XML answer with its JSON twin.
struct XMLTree {
    var name: String
    var text: String
    var children: [XMLTree]

    func child(_ name: String) -> XMLTree? { children.first { $0.name == name } }

    static func parse(_ data: Data) throws -> XMLTree {
        let document = try XMLDocument(data: data)
        guard let root = document.rootElement() else { throw StackError("no XML root") }
        return tree(root)
    }

    private static func tree(_ element: XMLElement) -> XMLTree {
        let children = (element.children ?? []).compactMap { $0 as? XMLElement }.map(tree)
        return XMLTree(name: element.name ?? "", text: children.isEmpty ? (element.stringValue ?? "") : "", children: children)
    }

    /// Whether an element holds what a JSON object holds: every key as a child, in order, with equal text; lists as
    /// repeated children; null as an empty element.
    static func same(_ element: XMLTree, _ value: Any) -> Bool {
        switch value {
        case let object as [String: Any]:
            return object.count == element.children.count && object.allSatisfy { key, field in
                element.child(key).map { same($0, field) } ?? false
            }
        case let list as [Any]:
            return list.count == element.children.count && zip(element.children, list).allSatisfy { same($0, $1) }
        case is NSNull:
            return element.text.isEmpty && element.children.isEmpty
        case let number as NSNumber:
            if element.text == "true" || element.text == "false" { return (number as? Bool) == (element.text == "true") }
            return Double(element.text) == number.doubleValue
        case let text as String:
            return element.text == text
        default:
            return false
        }
    }
}
