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
            #expect(changes.trimmingCharacters(in: .whitespacesAndNewlines) == "case.submit:test-source,case.sign:desk", "\(changes)")

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
            // The stack's key reads every case: it sees the contact masked (王**, 139******78).
            for (key, expected, clear) in [(ownerKey, 200, true), (dispatcher, 200, true), (otherKey, 403, false), (stack.submitKey, 200, false)] {
                let answer = try await stack.request("intake", "GET", "/v1/cases/\(id)/contact", headers: ["Authorization": "Bearer \(key)"])
                let body = String(decoding: answer.body, as: UTF8.self)
                #expect(answer.status == expected)
                #expect(body.contains(Self.phone) == clear && body.contains(Self.name) == clear, "\(body)")
                if expected == 200 && !clear { #expect(body.contains("139******78") && body.contains("王**"), "\(body)") }
            }
            #expect(try await stack.request("intake", "GET", "/v1/cases/\(id)/contact").status == 401)
            for (key, shows) in [(ownerKey, true), (otherKey, false)] {
                // Another bureau's key does not even get the page (404), so intake is not asked.
                let page = try await stack.request("reporting", "GET", "/dashboard/workbench/cases/\(id)", headers: ["Authorization": "Bearer \(key)"])
                #expect(String(decoding: page.body, as: UTF8.self).contains(Self.phone) == shows)
            }
            let publicPage = String(decoding: try await stack.request("reporting", "GET", "/dashboard/cases/\(id)").body, as: UTF8.self)
            // The stack's key reads every case: its page shows the contact masked, never in full.
            #expect(!publicPage.contains(Self.phone) && !publicPage.contains(Self.name) && publicPage.contains("data-masked=\"true\">王** 139******78"),
                    "\(publicPage)")

            // Every view of the contact, and every refusal, is in intake's audit trail, which `duban audit verify` checks.
            let intakeData = stack.directory + "/data/intake"
            let query = "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); "
                + "print('\\n'.join(f'{a}|{o}' for a, o in db.execute(\"SELECT actor, outcome FROM audit_log WHERE action = 'contact.view' ORDER BY seq\")))"
            let views = try ChildProcess.run("/usr/bin/env", ["python3", "-c", query, intakeData + "/intake.sqlite"]).output
            #expect(views.split(separator: "\n").map(String.init) == ["owner-desk|done", "triage-desk|done", "other-desk|refused",
                                                                      "test-source|done", "owner-desk|done", "test-source|done"], "\(views)")
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

        /// The files under `directory` (every service's database, its `-wal` and `-shm`) that hold any of `texts` as
        /// UTF-8 bytes, with the text found.
        static func files(under directory: String, holding texts: [String]) throws -> [String] {
            var found: [String] = []
            let files = FileManager.default
            for relative in try files.subpathsOfDirectory(atPath: directory) {
                let path = directory + "/" + relative
                var isDirectory: ObjCBool = false
                guard files.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                for text in texts where data.range(of: Data(text.utf8)) != nil { found.append("\(relative): \(text)") }
            }
            return found
        }

        /// One SQL query on a service's database, its rows as lines of `|`-separated values (Python's sqlite3, as an
        /// operator would look).
        static func query(_ stack: Stack, _ service: String, _ sql: String) throws -> [String] {
            let script = "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); "
                + "print('\\n'.join('|'.join(str(v) for v in row) for row in db.execute(sys.argv[2])))"
            let output = try ChildProcess.run("/usr/bin/env", ["python3", "-c", script, stack.directory + "/data/\(service)/\(service).sqlite", sql],
                                              errorsApart: true).output
            return output.split(separator: "\n").map(String.init)
        }

        /// The submitter's name and phone are sealed before intake stores them and never leave it in an event: after a
        /// case has gone through all four services and the owning bureau has read the contact, neither appears in any
        /// byte of any service's files, running (with their write-ahead logs) or stopped.
        @Test func theContactIsSealedAtRestAndStaysInIntake() async throws {
            let (name, phone) = ("王小明", "13812345678")
            let stack = try Stack()
            stack.logLevel = "info"  // the default
            try await stack.startAll()
            defer { stack.stopAll() }
            let (status, created) = try await stack.postCase(["title": "厂区频繁停电", "description": "近一个月停电三次，影响生产",
                                                              "submitter": ["name": name, "phone": phone, "enterprise": "华新电子"]])
            #expect(status == 201)
            let id = try #require(created["id"] as? String)
            let view = try await stack.waitForCase(id) { $0["bureau"] != nil && ($0["timeline"] as? [Any])?.count == 3 }
            let owner = try #require(view["bureau"] as? String)
            #expect(view["enterprise"] as? String == "华新电子", "reporting keeps the enterprise: \(view)")
            try await stack.waitUntilIntakeKnowsTheBureau(id)

            let ownerKey = try stack.createKey("power-desk", scopes: ["bureau:\(owner)"])
            let answer = try await stack.request("intake", "GET", "/v1/cases/\(id)/contact", headers: ["Authorization": "Bearer \(ownerKey)"])
            #expect(answer.status == 200)
            let contact = try #require(try JSONSerialization.jsonObject(with: answer.body) as? [String: Any])
            #expect(contact["name"] as? String == name && contact["phone"] as? String == phone && contact["enterprise"] as? String == "华新电子")

            // Intake holds the contact sealed with its key, whose id the stored value names.
            let keyFile = stack.directory + "/data/intake/personal-data.key"
            let attributes = try FileManager.default.attributesOfItem(atPath: keyFile)
            #expect(attributes[.posixPermissions] as? Int == 0o600 && attributes[.size] as? Int == 32)
            let stored = try Self.query(stack, "intake", "SELECT contact FROM case_record WHERE case_id = '\(id)'")
            #expect(stored.count == 1 && stored[0].hasPrefix("v1:") && stored[0].split(separator: ":")[1].count == 8, "\(stored)")
            let key = try Data(contentsOf: URL(fileURLWithPath: keyFile))
            let log = stack.log("intake")
            #expect(log.components(separatedBy: "created the personal-data key").count == 2, "the new key is announced once: \(log)")
            #expect(!log.contains(key.map { String(format: "%02x", $0) }.joined()) && !log.contains(key.base64EncodedString()), "never the key")

            let data = stack.directory + "/data"
            let running = try Self.files(under: data, holding: [name, phone])
            #expect(running.isEmpty, "while running: \(running)")
            stack.stopAll()
            let stopped = try Self.files(under: data, holding: [name, phone])
            #expect(stopped.isEmpty, "stopped: \(stopped)")
            let databases = try FileManager.default.subpathsOfDirectory(atPath: data).filter { $0.hasSuffix(".sqlite") }
            #expect(databases.count == 4, "every service's database was searched: \(databases)")
            #expect(try Self.files(under: data, holding: ["华新电子"]).count >= 2, "the search finds what is kept in clear (the enterprise)")

            let views = try Self.query(stack, "intake", "SELECT actor, outcome FROM audit_log WHERE action = 'contact.view' AND subject = '\(id)'")
            #expect(views == ["power-desk|done"], "\(views)")
        }

        /// With `personal-data.retain-days`, a case's name and phone are erased once it has been closed that long
        /// (intake's clock moved by the test), each erasure in the audit trail; open cases and the enterprise keep theirs.
        @Test func contactsAreErasedAfterRetention() async throws {
            let stack = try Stack()
            stack.extraArguments["intake"] = ["--testing-time-control", "--personal-data-retain-days", "30"]
            try await stack.startAll()
            defer { stack.stopAll() }
            let hotline = try stack.createKey("hotline-12345", scopes: ["submit", "feedback"])
            var ids: [String] = []
            for title in ["厂区频繁停电", "园区路灯不亮"] {
                let (_, created) = try await stack.postCase(["title": title, "description": "影响生产，请尽快处理",
                                                             "submitter": ["name": Self.name, "phone": Self.phone, "enterprise": "华新电子"]])
                ids.append(try #require(created["id"] as? String))
            }
            let closed = ids[0], open = ids[1]
            let owner = try #require(try await stack.waitForCase(closed) { $0["bureau"] != nil }["bureau"] as? String)
            try await stack.waitUntilIntakeKnowsTheBureau(closed)
            try await stack.waitUntilIntakeKnowsTheBureau(open)
            let desk = try stack.createKey("desk", scopes: ["bureau:\(owner)", "dispatch"])
            #expect(try await stack.postUpdate(closed, key: desk, ["action": "sign"]).status == 200)
            #expect(try await stack.postUpdate(closed, key: desk, ["action": "resolve", "note": "已恢复供电"]).status == 200)
            #expect(try await stack.postUpdate(closed, key: hotline, ["action": "confirm"]).json["status"] as? String == "closed")

            func contact(_ id: String) async throws -> [String: Any] {
                let answer = try await stack.request("intake", "GET", "/v1/cases/\(id)/contact", headers: ["Authorization": "Bearer \(desk)"])
                return (try? JSONSerialization.jsonObject(with: answer.body)) as? [String: Any] ?? [:]
            }
            let (early, moved) = try await stack.postJSON("intake", "/test/time", ["now": Date().addingTimeInterval(29 * 86_400).ISO8601Format()])
            #expect(early == 200 && (moved as? [String: Any])?["anonymised"] as? Int == 0, "29 days after closing: kept")
            #expect(try await contact(closed)["phone"] as? String == Self.phone)

            let (late, erased) = try await stack.postJSON("intake", "/test/time", ["now": Date().addingTimeInterval(31 * 86_400).ISO8601Format()])
            #expect(late == 200 && (erased as? [String: Any])?["anonymised"] as? Int == 1, "31 days after closing: erased, \(String(describing: erased))")
            let after = try await contact(closed)
            #expect(after["name"] == nil && after["phone"] == nil && after["enterprise"] as? String == "华新电子", "\(after)")
            #expect(try await contact(open)["phone"] as? String == Self.phone, "an open case keeps its contact")
            let (_, again) = try await stack.postJSON("intake", "/test/time", ["now": Date().addingTimeInterval(40 * 86_400).ISO8601Format()])
            #expect((again as? [String: Any])?["anonymised"] as? Int == 0, "each case once")

            let audit = try Self.query(stack, "intake", "SELECT actor, subject, detail FROM audit_log WHERE action = 'contact.anonymise'")
            #expect(audit.count == 1 && audit[0].hasPrefix("intake|\(closed)|closed ") && audit[0].hasSuffix("personal-data.retain-days 30"), "\(audit)")
            #expect(try Self.query(stack, "intake", "SELECT contact IS NULL FROM case_record WHERE case_id = '\(closed)'") == ["1"])
            let verified = try ChildProcess.run(stack.binDirectory + "/duban", ["audit", "verify", "--data-dir", stack.directory + "/data/intake"])
            #expect(verified.status == 0, "\(verified.output)")

            // Without the flag, intake's clock cannot be moved.
            stack.stop("intake")
            stack.extraArguments["intake"] = []
            try await stack.start("intake")
            let (refused, body) = try await stack.postJSON("intake", "/test/time", ["now": "2031-01-01T00:00:00Z"])
            #expect(refused == 403 && "\(String(describing: body))".contains("time_control_disabled"))
        }

        /// Rotation: with the old key named as a previous key, `intake personal-data rotate` reseals every contact with
        /// the new one, after which the old key is not needed. A lost key file is never silently replaced, and a
        /// contact no configured key opens answers a stable error instead of a crash.
        @Test func rotationResealsEveryContactWithTheNewKey() async throws {
            let stack = try Stack()
            try await stack.startAll()
            defer { stack.stopAll() }
            var ids: [String] = []
            for n in 1...3 {
                let (_, created) = try await stack.postCase(["title": "停电 \(n)", "description": "影响生产",
                                                             "submitter": ["name": Self.name, "phone": Self.phone]])
                ids.append(try #require(created["id"] as? String))
            }
            let (_, noContact) = try await stack.postCase(["title": "无联系人", "description": "匿名反映", "enterprise": "华新电子"])
            let anonymous = try #require(noContact["id"] as? String)
            for id in ids + [anonymous] { _ = try await stack.waitForCase(id) { $0["bureau"] != nil } }
            let dispatcher = try stack.createKey("triage-desk", scopes: ["dispatch"])
            func contact(_ id: String) async throws -> (status: Int, json: [String: Any]) {
                let answer = try await stack.request("intake", "GET", "/v1/cases/\(id)/contact", headers: ["Authorization": "Bearer \(dispatcher)"])
                return (answer.status, (try? JSONSerialization.jsonObject(with: answer.body)) as? [String: Any] ?? [:])
            }
            #expect(try await contact(anonymous).json["enterprise"] as? String == "华新电子")
            stack.stop("intake")

            let intakeData = stack.directory + "/data/intake"
            let keyFile = intakeData + "/personal-data.key", oldKeyFile = stack.directory + "/personal-data.old.key"
            let oldID = try #require(try Self.query(stack, "intake", "SELECT DISTINCT substr(contact, 4, 8) FROM case_record WHERE contact IS NOT NULL").first)
            try FileManager.default.moveItem(atPath: keyFile, toPath: oldKeyFile)

            // The key file is gone and nothing names the key the contacts are sealed with: nothing is created, and
            // neither the command nor the service goes on.
            let lost = try stack.commandSeparatingErrors("intake", ["personal-data", "rotate"])
            #expect(lost.status == 1 && lost.errors.contains("personal_data_key_missing") && lost.errors.contains(oldID), "\(lost)")
            #expect(!FileManager.default.fileExists(atPath: keyFile))
            await #expect(throws: StackError.self) { try await stack.start("intake") }
            #expect(stack.log("intake").contains("personal_data_key_missing"))
            #expect(!FileManager.default.fileExists(atPath: keyFile))

            // The rotation: the old key as a previous key; a new key is made and everything is resealed with it.
            let rotated = try stack.commandSeparatingErrors("intake", ["personal-data", "rotate", "--personal-data-previous-key-files", oldKeyFile])
            #expect(rotated.status == 0, "\(rotated)")
            let newID = try PersonalDataKeyFile.id(keyFile)
            #expect(newID != oldID && rotated.output.contains("resealed 3 contacts with key \(newID)"), "\(rotated.output)")
            #expect(rotated.output.contains("every contact is sealed with the current key"), "\(rotated.output)")
            #expect(try Self.query(stack, "intake", "SELECT DISTINCT substr(contact, 4, 8) FROM case_record WHERE contact IS NOT NULL") == [newID])
            let audit = try Self.query(stack, "intake", "SELECT actor, subject, detail FROM audit_log WHERE action = 'contact.reseal'")
            #expect(audit.count == 1 && audit[0].hasPrefix("operator:") && audit[0].hasSuffix("|key:\(newID)|3 contacts"), "\(audit)")
            let again = try stack.commandSeparatingErrors("intake", ["personal-data", "rotate"])
            #expect(again.status == 0 && again.output.contains("resealed 0 contacts"), "\(again)")

            // The new key alone opens every contact.
            try await stack.start("intake")
            for id in ids { #expect(try await contact(id).json["phone"] as? String == Self.phone) }

            // Another key in place of the right one: a stable error, not a crash, and intake keeps serving.
            stack.stop("intake")
            let strayKey = stack.directory + "/stray.key"
            try Data((0..<32).map { _ in UInt8.random(in: 0...255) }).write(to: URL(fileURLWithPath: strayKey))
            stack.extraArguments["intake"] = ["--personal-data-key-file", strayKey]
            try await stack.start("intake")
            let refused = try await contact(ids[0])
            let error = refused.json["error"] as? [String: Any]
            #expect(refused.status == 500 && error?["code"] as? String == "personal_data_key_unknown", "\(refused)")
            #expect((error?["message"] as? String)?.contains(newID) == true)
            #expect(try await contact(anonymous).status == 200, "a case without a contact still answers")
        }

        /// Upgrading: a database whose contacts were stored in clear (as before `intake-v7-personal-data`) has them
        /// sealed at intake's next start, readable as before, and gone from every byte of the files.
        @Test func anUpgradeSealsTheContactsStoredInClear() async throws {
            let stack = try Stack()
            try await stack.startAll()
            defer { stack.stopAll() }
            let (_, created) = try await stack.postCase(["title": "厂区频繁停电", "description": "近一个月停电三次",
                                                         "submitter": ["name": Self.name, "phone": Self.phone, "enterprise": "华新电子"]])
            let id = try #require(created["id"] as? String)
            _ = try await stack.waitForCase(id) { $0["bureau"] != nil }
            stack.stop("intake")

            // The database as the previous version left it: the contact in clear in `submitter`, no `contact`, no key.
            let intakeData = stack.directory + "/data/intake"
            try FileManager.default.removeItem(atPath: intakeData + "/personal-data.key")
            let clear = #"{"enterprise":"华新电子","name":"\#(Self.name)","phone":"\#(Self.phone)"}"#
            let downgrade = "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); "
                + "db.execute(\"DELETE FROM grdb_migrations WHERE identifier = 'intake-v7-personal-data'\"); "
                + "db.execute('DROP INDEX case_record_closed_contact'); db.execute('ALTER TABLE case_record DROP COLUMN contact'); "
                + "db.execute('UPDATE case_record SET submitter = CAST(? AS BLOB)', (sys.argv[2],)); db.commit(); db.close()"
            let downgraded = try ChildProcess.run("/usr/bin/env", ["python3", "-c", downgrade, intakeData + "/intake.sqlite", clear])
            #expect(downgraded.status == 0, "\(downgraded.output)")
            #expect(try Self.files(under: intakeData, holding: [Self.phone]).count == 1, "the clear contact is in the file before the upgrade")

            stack.logLevel = "info"
            try await stack.start("intake")
            #expect(stack.log("intake").contains("sealed the contacts stored in clear before"), "\(stack.log("intake").suffix(2_000))")
            let dispatcher = try stack.createKey("triage-desk", scopes: ["dispatch"])
            let answer = try await stack.request("intake", "GET", "/v1/cases/\(id)/contact", headers: ["Authorization": "Bearer \(dispatcher)"])
            let contact = (try? JSONSerialization.jsonObject(with: answer.body)) as? [String: Any] ?? [:]
            #expect(contact["name"] as? String == Self.name && contact["phone"] as? String == Self.phone && contact["enterprise"] as? String == "华新电子")
            #expect(try Self.query(stack, "intake", "SELECT count(*) FROM sqlite_master WHERE name = 'contact_in_clear'") == ["0"])
            #expect(try Self.query(stack, "intake", "SELECT substr(contact, 1, 3), CAST(submitter AS TEXT) FROM case_record")
                    == [#"v1:|{"enterprise":"华新电子"}"#])
            let running = try Self.files(under: stack.directory + "/data", holding: [Self.name, Self.phone])
            #expect(running.isEmpty, "while running: \(running)")
            stack.stopAll()
            let stopped = try Self.files(under: stack.directory + "/data", holding: [Self.name, Self.phone])
            #expect(stopped.isEmpty, "stopped: \(stopped)")
        }
    }
}

/// A personal-data key file's id, as intake computes it: the first 8 hex digits of SHA-256 over its 32 bytes.
enum PersonalDataKeyFile {
    static func id(_ path: String) throws -> String {
        let script = "import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], 'rb').read()).hexdigest()[:8])"
        return try ChildProcess.run("/usr/bin/env", ["python3", "-c", script, path]).output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
