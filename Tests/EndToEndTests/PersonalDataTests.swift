import Foundation
import Testing

extension EndToEnd {
    /// Names and phone numbers are stored but never written to any service's log, whatever door they came in by and
    /// whether the request was accepted or refused, even at the most verbose log level.
    @Suite(.serialized) struct PersonalDataTests {
        static let name = "王小明"
        static let phone = "13912345678"

        /// Open311's reads need no key (GeoReport v2): numbers people write into a description or a bureau's note are
        /// masked there as on the public results page. And a note, from either door, takes no control characters.
        @Test func open311ReadsMaskNumbersAndNotesRefuseControlCharacters() async throws {
            let stack = try Stack()
            try await stack.startAll()
            defer { stack.stopAll() }
            let (_, created) = try await stack.postCase(["title": "园区路灯坏了", "description": "路灯不亮，请回电\(Self.phone)，身份证430102199001011234"])
            let id = try #require(created["id"] as? String)
            let view = try await stack.waitForCase(id) { $0["bureau"] != nil }
            try await stack.waitUntilIntakeKnowsTheBureau(id)
            let key = try stack.createKey("desk", scopes: ["bureau:\(try #require(view["bureau"] as? String))"])
            let form = "api_key=\(key)&service_request_id=\(id)&status=in_progress&description=已联系，电话13987654321&update_id=u-1"
                .addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "=&_-")))!
            let pushed = try await stack.request("intake", "POST", "/open311/v2/servicerequestupdates.json", body: Data(form.utf8),
                                                 contentType: "application/x-www-form-urlencoded")
            #expect(pushed.status == 200, "\(String(decoding: pushed.body, as: UTF8.self))")
            for path in ["/open311/v2/requests/\(id).json", "/open311/v2/requests/\(id).xml", "/open311/v2/requests.json",
                         "/open311/v2/servicerequestupdates.json"] {
                let body = String(decoding: try await stack.request("intake", "GET", path).body, as: UTF8.self)
                for secret in [Self.phone, "430102199001011234", "13987654321"] { #expect(!body.contains(secret), "\(path) shows \(secret)") }
                #expect(body.contains("139******78") || body.contains("139******21"), "\(path) shows the masked number: \(body.prefix(300))")
            }

            // The update is in the audit trail, with the key that made it (through Open311 as through the JSON API).
            let changesQuery = "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); "
                + "print(','.join(f'{a}:{c}' for a, c in db.execute(\"SELECT action, actor FROM audit_log WHERE subject = ? AND action LIKE 'case.%' ORDER BY seq\", (sys.argv[2],))))"
            let changes = try ChildProcess.run("/usr/bin/env", ["python3", "-c", changesQuery, stack.directory + "/data/intake/intake.sqlite", id]).output
            #expect(changes.trimmingCharacters(in: .whitespacesAndNewlines) == "case.sign:desk", "\(changes)")

            let nul = try await stack.postUpdate(id, key: key, ["action": "progress", "note": "a\u{0}b"])
            #expect(nul.status == 400 && (nul.json["error"] as? [String: Any])?["code"] as? String == "invalid_note")
            let open311Form = "api_key=\(key)&service_request_id=\(id)&status=in_progress&description=a%00b"
            let refused = try await stack.request("intake", "POST", "/open311/v2/servicerequestupdates.json", body: Data(open311Form.utf8),
                                                  contentType: "application/x-www-form-urlencoded")
            #expect(refused.status == 400 && String(decoding: refused.body, as: UTF8.self).contains("invalid_description"))
        }

        @Test func personalDataNeverReachesTheLogs() async throws {
            let stack = try Stack()
            stack.logLevel = "trace"
            try await stack.startAll()
            defer { stack.stopAll() }
            let auth = ["Authorization": "Bearer \(stack.submitKey)"]

            // JSON API: accepted, and refused in several ways with the personal data in the body.
            let (_, created) = try await stack.postCase(["title": "厂区频繁停电", "description": "近一个月停电三次",
                                                         "submitter": ["name": Self.name, "phone": Self.phone]])
            let id = try #require(created["id"] as? String)
            for body in [#"{"title": "t", "description": "d", "submitter": {"name": "\#(Self.name)", "phone": "\#(Self.phone)", "age": 3}}"#,
                         #"{"title": "t", "description": "d", "phone": "\#(Self.phone)"}"#,
                         #"{"title": "\#(Self.name) \#(Self.phone)""#] {
                let refused = try await stack.request("intake", "POST", "/v1/cases", body: Data(body.utf8), contentType: "application/json",
                                                      headers: auth)
                #expect(refused.status == 400)
            }
            // Open311 and CSV.
            let form = "api_key=\(stack.submitKey)&service_code=105&address_string=x&first_name=\(Self.name)&phone=\(Self.phone)"
                .addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!
            #expect(try await stack.request("intake", "POST", "/open311/v2/requests.json", body: Data(form.utf8),
                                            contentType: "application/x-www-form-urlencoded").status == 200)
            let csv = "title,description,name,phone\n招工难,普工招不到人,\(Self.name),\(Self.phone)\n,缺标题,\(Self.name),\(Self.phone)\n"
            #expect(try await stack.request("intake", "POST", "/v1/imports", body: Data(csv.utf8), contentType: "text/csv", headers: auth).status == 200)

            // Only the owning bureau (and the triage office) sees who raised it: through intake, on its workbench page.
            let view = try await stack.waitForCase(id) { $0["bureau"] != nil }
            let owner = try #require(view["bureau"] as? String)
            try await stack.waitUntilIntakeKnowsTheBureau(id)
            let ownerKey = try stack.createKey("owner-desk", scopes: ["bureau:\(owner)"])
            let otherKey = try stack.createKey("other-desk", scopes: ["bureau:education"])
            let dispatcher = try stack.createKey("triage-desk", scopes: ["dispatch"])
            for (key, expected) in [(ownerKey, 200), (dispatcher, 200), (otherKey, 403), (stack.submitKey, 403)] {
                let answer = try await stack.request("intake", "GET", "/v1/cases/\(id)/contact", headers: ["Authorization": "Bearer \(key)"])
                #expect(answer.status == expected)
                #expect(String(decoding: answer.body, as: UTF8.self).contains(Self.phone) == (expected == 200))
            }
            #expect(try await stack.request("intake", "GET", "/v1/cases/\(id)/contact").status == 401)
            for (key, shows) in [(ownerKey, true), (otherKey, false)] {
                let page = try await stack.request("reporting", "GET", "/dashboard/workbench/cases/\(id)", headers: ["Cookie": "duban_workbench_key=\(key)"])
                #expect(String(decoding: page.body, as: UTF8.self).contains(Self.phone) == shows)
            }
            let publicPage = String(decoding: try await stack.request("reporting", "GET", "/dashboard/cases/\(id)").body, as: UTF8.self)
            #expect(!publicPage.contains(Self.phone) && !publicPage.contains(Self.name))

            // Every view of the contact, and every refusal, is in intake's audit trail, which `duban audit verify` checks.
            let intakeData = stack.directory + "/data/intake"
            let query = "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); "
                + "print('\\n'.join(f'{a}|{o}' for a, o in db.execute(\"SELECT actor, outcome FROM audit_log WHERE action = 'contact.view' ORDER BY seq\")))"
            let views = try ChildProcess.run("/usr/bin/env", ["python3", "-c", query, intakeData + "/intake.sqlite"]).output
            #expect(views.split(separator: "\n").map(String.init) == ["owner-desk|done", "triage-desk|done", "other-desk|refused",
                                                                      "test-source|refused", "owner-desk|done", "other-desk|refused"], "\(views)")
            let keyActs = try ChildProcess.run("/usr/bin/env", ["python3", "-c", query.replacingOccurrences(of: "contact.view", with: "key.create"),
                                                                intakeData + "/intake.sqlite"]).output
            #expect(keyActs.split(separator: "\n").count == 4 && keyActs.hasPrefix("operator:"), "every key made is recorded: \(keyActs)")
            let verified = try ChildProcess.run(stack.binDirectory + "/duban", ["audit", "verify", "--data-dir", intakeData])
            #expect(verified.status == 0 && verified.output.contains("audit trail intact"), "\(verified.output)")
            let tamper = "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); "
                + "db.execute(\"UPDATE audit_log SET outcome = 'done' WHERE seq = (SELECT MIN(seq) FROM audit_log WHERE outcome = 'refused')\"); db.commit()"
            #expect(try ChildProcess.run("/usr/bin/env", ["python3", "-c", tamper, intakeData + "/intake.sqlite"]).status == 0)
            let broken = try ChildProcess.run(stack.binDirectory + "/duban", ["audit", "verify", "--data-dir", intakeData])
            #expect(broken.status == 1 && broken.output.contains("altered"), "\(broken.output)")

            // Carried to every service: reporting keeps the case, routing and escalation read it.
            _ = try await stack.waitForCase(id) { $0["timeline"] as? [Any] != nil && ($0["timeline"] as? [Any])?.count == 3 }
            for service in Stack.services {
                let log = stack.log(service)
                #expect(!log.isEmpty, "\(service) logged at trace level")
                #expect(!log.contains(Self.phone), "\(service)'s log holds a phone number")
                #expect(!log.contains(Self.name), "\(service)'s log holds a name")
            }
        }
    }
}
