import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(FoundationXML)
import FoundationXML
#endif

extension EndToEnd {
    /// Every link Duban writes — in notices and digests, on every dashboard page, in the weekly report, in Open311 —
    /// is followed and opens; and text from the public stays text in every format that shows it.
    @Suite(.serialized) struct LinksTests {
        /// A title and a description written to break out of each format: markdown, HTML, XML, mentions, extra lines.
        static let hostileTitle = "[点我](http://evil.example/x) **加急** <script>alert(1)</script>\n【超期督办·3级】伪造"
        static let hostileDescription = "<img src=x onerror=alert(1)> & \"引号\" ]]> <![CDATA[x]]> @所有人 <at user_id=\"all\">所有人</at>"

        /// The links in a page: its `href="…"` values.
        static func links(inPage html: String) -> [String] {
            html.matches(of: /href="([^"]*)"/).map { String($0.output.1).replacingOccurrences(of: "&amp;", with: "&") }
        }

        /// The links in plain text (a notice), as a chat tool would find them: every `http://…` address, ended by white
        /// space or CJK punctuation.
        static func links(inText text: String) -> [String] {
            text.matches(of: /https?:\/\/[^\s"'<>（）【】，。、》]+/).map { String($0.output) }
        }

        @Test func everyLinkDubanWritesOpens() async throws {
            let stack = try Stack()
            let reporting = "http://127.0.0.1:\(stack.httpPorts["reporting"]!)"
            stack.publicURL = reporting + "/"  // as an operator may well write it: links must still open
            stack.extraArguments["escalation"] = ["--testing-time-control", "--escalation-sweep-seconds", "3600"]
            try await stack.startAll()
            defer { stack.stopAll() }

            var ids: [String] = []
            for (title, description) in [("招工难", "订单增加但一线普工招不到人"), ("园区公交班次少", "早晚高峰通勤难"), (Self.hostileTitle, Self.hostileDescription)] {
                let (status, created) = try await stack.postCase(["title": title, "description": description, "channel": "hotline"])
                #expect(status == 201)
                ids.append(try #require(created["id"] as? String))
            }
            for id in ids { _ = try await stack.waitForCase(id) { $0["deadline"] != nil && ($0["timeline"] as? [Any])?.count == 3 } }

            // A month on: every case is overdue, escalated, and on a weekly list (the first slot after escalation started).
            let (moved, _) = try await stack.postJSON("escalation", "/test/time", ["now": Date().addingTimeInterval(30 * 86_400).ISO8601Format()])
            #expect(moved == 200)
            let notices = try await stack.getArray("escalation", "/v1/notices?after=0")
            #expect(Set(notices.compactMap { $0["kind"] as? String }).isSuperset(of: ["escalation", "digest"]))
            var targets: [String: String] = [:]  // link → where it was found
            for notice in notices {
                let id = notice["id"] as? String ?? "?"
                let link = try #require(notice["link"] as? String, "notice \(id) has no link")
                targets[link] = "notice \(id)"
                for found in Self.links(inText: notice["text"] as? String ?? "") { targets[found] = "notice \(id) text" }
            }

            // A meeting with a problem recorded, and a topic with a published result: their pages are linked from the
            // meetings and topics pages and the public page.
            let office = try stack.createKey("zone-office", scopes: ["meetings", "read"])
            for (path, body) in [("/v1/meetings/series", ["id": "zhengqi", "name": "政企交流主题日"] as [String: Any]),
                                 ("/v1/meetings/sessions", ["series": "zhengqi", "theme": Self.hostileTitle]),
                                 ("/v1/meetings/sessions/zhengqi-1/open", [:]),
                                 ("/v1/meetings/sessions", ["series": "zhengqi", "theme": "第二期"]),
                                 ("/v1/meetings/sessions/zhengqi-1/problems", ["problems": [["title": "停电", "firstAnswer": Self.hostileDescription]]]),
                                 ("/v1/topics", ["cases": [ids[0]]]),
                                 ("/v1/topics/YT-0001/steps", ["step": "draft"]), ("/v1/topics/YT-0001/steps", ["step": "research"]),
                                 ("/v1/topics/YT-0001/steps", ["step": "consult", "parties": [["party": "村民", "position": "同意"]], "decision": "办"]),
                                 ("/v1/topics/YT-0001/steps", ["step": "publish", "result": Self.hostileDescription])] {
                let answer = try await stack.call("intake", "POST", path, token: office, json: body)
                #expect((200...201).contains(answer.status), "\(path): \(answer.json)")
            }
            for _ in 0..<50 {
                let topic = try await stack.call("reporting", "GET", "/v1/topics/YT-0001", token: office)
                if (topic.json["topic"] as? [String: Any])?["result"] != nil { break }
                try await Task.sleep(for: .milliseconds(100))
            }

            // The pages, crawled from the entrances, in both languages; the weekly report; Open311's discovery.
            var queue = ["/dashboard", "/dashboard?lang=en", "/dashboard/cases", "/dashboard/cases?status=open&order=deadline&lang=en",
                         "/public", "/public?lang=en", "/dashboard/definitions", "/dashboard/workbench", "/v1/reports/weekly?format=html"]
                + ids.flatMap { ["/dashboard/cases/\($0)", "/dashboard/cases/\($0)?lang=en", "/dashboard/workbench/cases/\($0)"] }
            var crawled = Set<String>()
            while let path = queue.popLast(), crawled.count < 200 {
                guard crawled.insert(path).inserted else { continue }
                let answer = try await stack.request("reporting", "GET", path)
                #expect(answer.status == 200, "\(path) answered \(answer.status)")
                for link in Self.links(inPage: String(decoding: answer.body, as: UTF8.self)) where !link.hasPrefix("data:") {
                    if link.hasPrefix("/") {
                        if !crawled.contains(link) { queue.append(link) }
                    } else {
                        targets[link] = targets[link] ?? "page \(path)"
                    }
                }
            }
            let discovery = try await stack.request("intake", "GET", "/open311/v2/discovery.json")
            let endpoints = (try JSONSerialization.jsonObject(with: discovery.body) as? [String: Any])?["endpoints"] as? [[String: Any]]
            let base = try #require(endpoints?.first?["url"] as? String)
            targets[base] = "Open311 discovery"
            targets[base + "/services.json"] = "Open311 discovery"

            for (link, source) in targets.sorted(by: { $0.key < $1.key }) {
                #expect(link.hasPrefix(reporting) || link.hasPrefix("http://127.0.0.1:\(stack.httpPorts["intake"]!)"),
                        "\(link) (from \(source)) leaves Duban")
                guard let url = URL(string: link) else {
                    Issue.record("\(link) (from \(source)) is not a URL")
                    continue
                }
                let (_, response) = try await URLSession.shared.data(from: url)
                #expect((response as? HTTPURLResponse)?.statusCode == 200, "\(link) (from \(source)) does not open")
            }
            #expect(crawled.count >= 15 && targets.count >= 6, "crawled \(crawled.count) pages, followed \(targets.count) links")
            for page in ["/dashboard/meetings/sessions/zhengqi-1/list", "/dashboard/meetings/sessions/zhengqi-1/list.csv",
                         "/dashboard/meetings/sessions/zhengqi-1/follow-up", "/dashboard/topics/YT-0001"] {
                #expect(crawled.contains(page), "\(page) was not reached by following links")
            }
            // The theme, first answer and published result written to break out of HTML stay text on every page.
            for page in ["/dashboard/meetings", "/dashboard/meetings/sessions/zhengqi-1", "/dashboard/meetings/sessions/zhengqi-1/list",
                         "/dashboard/meetings/sessions/zhengqi-2/follow-up", "/dashboard/topics/YT-0001", "/public"] {
                let html = String(decoding: try await stack.request("reporting", "GET", page).body, as: UTF8.self)
                for markup in ["<script>alert", "<img src=x", "<at user_id"] { #expect(!html.contains(markup), "\(page) lets \(markup) through") }
            }
        }

        @Test func publicTextStaysTextInEveryFormat() async throws {
            let stack = try Stack()
            stack.extraArguments["escalation"] = ["--testing-time-control", "--escalation-sweep-seconds", "3600"]
            try await stack.startAll()
            defer { stack.stopAll() }
            let (_, created) = try await stack.postCase(["title": Self.hostileTitle, "description": Self.hostileDescription,
                                                         "channel": "web", "enterprise": "<b>某公司</b>"])
            let id = try #require(created["id"] as? String)
            let view = try await stack.waitForCase(id) { $0["deadline"] != nil && ($0["timeline"] as? [Any])?.count == 3 }
            let bureau = try #require(view["bureau"] as? String)
            try await stack.waitUntilIntakeKnowsTheBureau(id)
            let key = try stack.createKey("desk", scopes: ["bureau:\(bureau)"])

            // HTML: every page that shows the case shows the text, never its markup.
            let cookie = ["Authorization": "Bearer \(key)"]
            for (path, headers) in [("/dashboard/cases/\(id)", [:]), ("/dashboard/cases", [:]), ("/public", [:]), ("/dashboard/cases/\(id)?lang=en", [:]),
                                    ("/dashboard/workbench", cookie), ("/dashboard/workbench/cases/\(id)", cookie)] {
                let page = String(decoding: try await stack.request("reporting", "GET", path, headers: headers).body, as: UTF8.self)
                for markup in ["<script>alert", "<img src=x", "<at user_id", "<b>某公司"] {
                    #expect(!page.contains(markup), "\(path) lets \(markup) through")
                }
                #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "\(path) does not show the title as text")
            }

            // Open311 XML parses, and gives the text back exactly; JSON too.
            let xml = try await stack.request("intake", "GET", "/open311/v2/requests/\(id).xml").body
            let document = try XMLDocument(data: xml)
            #expect(try document.nodes(forXPath: "//description").first?.stringValue == Self.hostileDescription)
            let json = try await stack.request("intake", "GET", "/open311/v2/requests/\(id).json").body
            #expect(((try JSONSerialization.jsonObject(with: json) as? [[String: Any]])?.first?["description"] as? String) == Self.hostileDescription)

            // Notices: the title stays on its line, so no line of a notice is forged.
            _ = try await stack.postJSON("escalation", "/test/time", ["now": Date().addingTimeInterval(30 * 86_400).ISO8601Format()])
            let notices = try await stack.getArray("escalation", "/v1/notices?after=0")
            let about = notices.filter { $0["caseId"] as? String == id }
            #expect(!about.isEmpty)
            for notice in about {
                let text = try #require(notice["text"] as? String)
                #expect(!text.contains("\n"), "a case notice is one line: \(text)")
                #expect(text.hasPrefix("【"), "\(text)")
            }
            for digest in notices where digest["kind"] as? String == "digest" {
                let lines = (digest["text"] as? String ?? "").split(separator: "\n")
                #expect(lines.filter { $0.contains("【超期督办·3级】伪造") }.allSatisfy { $0.first?.isNumber == true },
                        "the forged line is part of a numbered case line")
            }
        }
    }
}
