import Foundation
import Testing

extension EndToEnd {
    /// The dashboard in a real headless browser (Debian's chromium through selenium, set up by
    /// scripts/ensure-browser.sh, which `make test` runs): the pages render with the right figures and no console
    /// errors, the public page masks personal data, and the workbench's forms change a case end to end.
    @Suite(.serialized) struct DashboardTests {
        @Test func pagesRenderAndTheWorkbenchChangesACase() async throws {
            let stack = try Stack()
            try await stack.startAll()
            defer { stack.stopAll() }
            let problems = [
                ("园区公交班次少", "早晚高峰员工通勤难，公交班次太少"),
                ("楼道灯坏了，请回电13812345678", "身份证430102199001011234，灯坏了一个月"),
                ("厂区频繁停电", "近一个月停电三次，生产线被迫中断"),
                ("招工难", "订单增加但一线普工招不到人"),
                ("公交站台离厂区太远", "最近的公交站步行二十分钟，希望增设公交站点"),
            ]
            var ids: [String] = []
            for (title, description) in problems {
                let (status, created) = try await stack.postCase(["title": title, "description": description, "channel": "meeting"])
                #expect(status == 201)
                ids.append(try #require(created["id"] as? String))
            }
            var bureaus: [String] = []
            for id in ids {
                let view = try await stack.waitForCase(id) { $0["bureau"] != nil }
                bureaus.append(try #require(view["bureau"] as? String, "case \(id) was not routed"))
                try await stack.waitUntilIntakeKnowsTheBureau(id)
            }
            #expect(bureaus[0] == "transport" && bureaus[4] == "transport" && bureaus[2] != "transport", "\(bureaus)")
            // One person per role, each through intake's own command and a first sign-in that changes the password.
            let clerk = try await stack.person("li.clerk", name: "李承办", roles: ["bureau-clerk"], unit: "transport")
            let head = try await stack.person("zhou.head", name: "周局长", roles: ["bureau-head"], unit: "transport")
            let leader = try await stack.person("wu.leader", name: "吴主任", roles: ["leader"])
            let secretary = try await stack.person("wang.sec", name: "王秘书", roles: ["secretary"])
            let auditor = try await stack.person("zheng.audit", name: "郑审计", roles: ["audit-admin"])
            let people = [("clerk", clerk), ("head", head), ("leader", leader), ("secretary", secretary), ("auditor", auditor)]
                .flatMap { role, person in ["--person", "\(role)=\(person.login):\(person.password)" + (person.totpSecret.map { ":" + $0 } ?? "")] }
            // A problem list as Chinese Excel saves it: GB18030, a header in Chinese, and trailing empty rows.
            let csvPath = stack.directory + "/问题清单.csv"
            let csv = "编号,标题,问题描述,企业\nM-1,厂区门口积水,雨后厂区门口积水严重,某电子公司\nM-2,宿舍网络信号差,员工宿舍手机信号差,某物流公司\n,,,\n"
            try csv.write(toFile: csvPath + ".utf8", atomically: true, encoding: .utf8)
            #expect(try ChildProcess.run("/usr/bin/iconv", ["-f", "UTF-8", "-t", "GB18030", "-o", csvPath, csvPath + ".utf8"]).status == 0)

            let check = try BrowserCheck.run("dashboard_check.py", output: "dashboard", stack: stack, arguments: [
                "--case", ids[0], "--return-case", ids[4], "--other-case", ids[2],
                "--collected", String(ids.count), "--secret", "13812345678", "--secret", "430102199001011234",
                "--shown", "楼道灯坏了，请回电138******78", "--description", problems[0].1,
                "--csv", csvPath, "--csv-rows", "2"] + people)
            #expect(check.status == 0, "\(BrowserCheck.failure(check.text))")

            // What the browser did, seen through the APIs: the case is resolved, with the measure and resolution.
            let resolved = try await stack.waitForCase(ids[0]) { $0["status"] as? String == "resolved" }
            #expect(resolved["status"] as? String == "resolved")
            #expect(resolved["measure"] as? String == "协调公交公司加开早晚高峰班次")
            #expect(resolved["resolution"] as? String == "已开通园区专线，早晚各加开四班")
            let timeline = try #require(resolved["timeline"] as? [[String: Any]])
            #expect(timeline.compactMap { $0["action"] as? String } == ["sign", "measure", "resolve", "instruct"])
            #expect(timeline.filter { ["sign", "measure", "resolve"].contains($0["action"] as? String) }.allSatisfy { $0["who"] as? String == clerk.login })
            // The head's approval sent the other case out of the bureau: intake took it as the return.
            let returned = try await stack.waitForCase(ids[4]) { ($0["timeline"] as? [[String: Any]] ?? []).contains { $0["action"] as? String == "return" } }
            let steps = (returned["timeline"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
            #expect(steps.starts(with: ["propose_return", "decide_proposal", "return"]), "\(steps)")
            // The leader's instruction reached the bureau as a notice.
            let notices = try await stack.getArray("escalation", "/v1/notices")
            #expect(notices.contains { $0["kind"] as? String == "instruction" && $0["caseId"] as? String == ids[0] && $0["recipient"] as? String == "transport" })
            for shot in ["sign-in", "overview-zh", "overview-en", "public-zh", "workbench-after-measure", "case-zh", "case-en", "workbench-import",
                         "audit", "phone-overview", "phone-cases", "phone-case", "phone-public", "phone-workbench", "phone-account", "phone-audit"] {
                let size = (try? FileManager.default.attributesOfItem(atPath: stack.repository + "/.build/test-output/dashboard/\(shot).png")[.size] as? Int) ?? 0
                #expect(size > 10_000, "screenshot \(shot).png missing or empty")
            }
        }

        @Test func pagesAnswerBadInputWithClearErrors() async throws {
            let stack = try Stack()
            // Intake too: it answers who the stack's key is.
            try await stack.start("intake")
            try await stack.start("reporting")
            defer { stack.stopAll() }
            for (path, status, code) in [("/dashboard/cases/DB-nope", 404, "case_not_found"), ("/public?page=0", 400, "invalid_page"),
                                         ("/dashboard?from=yesterday", 400, "invalid_period"), ("/dashboard/nope", 404, "page_not_found"),
                                         ("/dashboard/cases?status=nope", 400, "invalid_status"), ("/public/x/y", 404, "page_not_found")] {
                let answer = try await stack.request("reporting", "GET", path)
                #expect(answer.status == status, "\(path)")
                let page = String(decoding: answer.body, as: UTF8.self)
                #expect(page.contains("data-code=\"\(code)\""), "\(path)")
                // A person gets a page in words, not a JSON error.
                #expect(answer.contentType?.hasPrefix("text/html") == true && page.contains("无法显示此页"), "\(path)")
            }
            let english = String(decoding: try await stack.request("reporting", "GET", "/dashboard/cases/DB-nope?lang=en").body, as: UTF8.self)
            #expect(english.contains("There is no such case"))
            // The forms take only forms, and a page without a session leads to the sign-in, in the reader's language.
            let json = try await stack.request("reporting", "POST", "/dashboard/sign-in", body: Data("{}".utf8),
                                               contentType: "application/json")
            #expect(json.status == 415)
            let signIn = try await stack.request("reporting", "GET", "/dashboard/workbench?lang=en", anonymous: true)
            let signInPage = String(decoding: signIn.body, as: UTF8.self)
            #expect(signIn.status == 200 && signInPage.contains("id=\"sign-in\"") && signInPage.contains("Login name"))
        }
    }
}
