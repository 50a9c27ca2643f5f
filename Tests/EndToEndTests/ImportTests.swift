import Foundation
import Testing

extension EndToEnd {
    /// Problem lists from spreadsheets: uploaded over HTTP and imported with the CLI, row by row, with a report; bad
    /// rows never block the good ones, and importing the same file again adds nothing.
    @Suite(.serialized) struct ImportTests {
        /// A meeting's minutes as a spreadsheet exports them: byte-order mark, quoted fields with commas and line breaks.
        static let minutes = "\u{FEFF}" + """
            ref,title,description,channel,enterprise,name,phone,latitude,longitude,address
            M-01,厂区频繁停电,"近一个月停电三次，生产线被迫中断，
            请供电部门排查线路",meeting,某视界有限公司,张三,13800000000,28.2282,112.9388,经开区东六路
            M-02,,缺少标题的一行,meeting,,,,,,
            M-03,员工子女入学难,希望就近入学,carrier-pigeon,,,,,,
            M-04,道路坑洼,泥巴路影响通勤,meeting,,,,95,112,
            M-05,'; DROP TABLE case_record; --,<script>alert(1)</script> 招工难,meeting,,,,,,
            M-06,描述过长,\(String(repeating: "长", count: 4_001)),meeting,,,,,,
            M-01,厂区频繁停电,"近一个月停电三次，生产线被迫中断，
            请供电部门排查线路",meeting,某视界有限公司,张三,13800000000,28.2282,112.9388,经开区东六路
            M-07,园区夜间治安,货物被盗，请加强巡逻,liaison,,,,,,,extra

            """

        @Test func uploadedRowByRowWithAReportAndNothingTwice() async throws {
            let stack = try Stack()
            try await stack.startAll()
            defer { stack.stopAll() }
            let auth = ["Authorization": "Bearer \(stack.submitKey)"]
            let (status, body, _) = try await stack.request("intake", "POST", "/v1/imports", body: Data(Self.minutes.utf8),
                                                            contentType: "text/csv; charset=utf-8", headers: auth)
            #expect(status == 200)
            let report = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
            let results = try #require(report["results"] as? [[String: Any]])
            let outcomes = results.map { "\($0["ref"] as? String ?? "-") \($0["outcome"] as? String ?? "") \($0["code"] as? String ?? "")" }
            #expect(outcomes == ["M-01 created ", "M-02 error title_required", "M-03 error invalid_channel",
                                 "M-04 error invalid_coordinates", "M-05 created ", "M-06 error description_too_long",
                                 "M-01 duplicate ", "M-07 error too_many_fields"])
            #expect(report["rows"] as? Int == 8 && report["created"] as? Int == 2 && report["duplicates"] as? Int == 1
                    && report["failed"] as? Int == 5)
            #expect(results.map { $0["row"] as? Int } == Array(1...8).map { Optional($0) }, "rows are numbered as records")
            let first = try #require(results[0]["id"] as? String)
            #expect(results[6]["id"] as? String == first, "the same ref is the same case")

            // The good rows are stored whole and routed; the injection string is just text.
            let power = try await stack.waitForCase(first) { $0["bureau"] != nil }
            #expect(power["bureau"] as? String == "power-supply")
            let stored = try await stack.request("intake", "GET", "/open311/v2/requests/\(first).json").body
            let description = (try JSONSerialization.jsonObject(with: stored) as? [[String: Any]])?.first?["description"] as? String
            #expect(description == "近一个月停电三次，生产线被迫中断，\n请供电部门排查线路", "a quoted field keeps its comma and line break")
            let injected = try await stack.waitForCase(try #require(results[4]["id"] as? String)) { $0["bureau"] != nil }
            #expect(injected["title"] as? String == "'; DROP TABLE case_record; --")

            // Importing the same file again adds nothing.
            let again = try await stack.request("intake", "POST", "/v1/imports", body: Data(Self.minutes.utf8),
                                                contentType: "text/csv", headers: auth)
            let second = try #require(try JSONSerialization.jsonObject(with: again.body) as? [String: Any])
            #expect(second["created"] as? Int == 0 && second["duplicates"] as? Int == 3)
            #expect((try await stack.getJSON("intake", "/health").json["details"] as? [String: String])?["cases"] == "2")

            // The file as a whole: header, encoding, type, key.
            for (file, code) in [("ref,title,summary\nA,t,d\n", "unknown_column"), ("ref,title\nA,t\n", "column_required")] {
                let bad = try await stack.request("intake", "POST", "/v1/imports", body: Data(file.utf8), contentType: "text/csv", headers: auth)
                #expect(bad.status == 400)
                #expect(String(decoding: bad.body, as: UTF8.self).contains(code))
            }
            let latin1 = try await stack.request("intake", "POST", "/v1/imports", body: Data([0x74, 0x69, 0x74, 0x6C, 0x65, 0xE9, 0x0A]),
                                                 contentType: "text/csv", headers: auth)
            #expect(latin1.status == 400 && String(decoding: latin1.body, as: UTF8.self).contains("invalid_utf8"))
            #expect(try await stack.request("intake", "POST", "/v1/imports", body: Data(Self.minutes.utf8),
                                            contentType: "application/json", headers: auth).status == 415)
            #expect(try await stack.request("intake", "POST", "/v1/imports", body: Data(Self.minutes.utf8), contentType: "text/csv").status == 401)
        }

        @Test func theCommandLineImportsIntoARunningStack() async throws {
            let stack = try Stack()
            try await stack.startAll()
            defer { stack.stopAll() }
            let file = stack.directory + "/minutes.csv"
            try Self.minutes.write(toFile: file, atomically: true, encoding: .utf8)
            let (status, output) = try stack.intakeCommand(["import", file, "--source", "meeting-2026-11-27"])
            #expect(status == 1, "some rows failed")
            let lines = output.split(separator: "\n").map(String.init)
            #expect(lines.last == "8 rows: 2 created, 1 already imported, 5 failed")
            let id = try #require(lines.first?.split(separator: "\t").dropFirst(3).first.map(String.init))
            // The running intake's relay delivers what the command stored.
            let view = try await stack.waitForCase(id) { $0["bureau"] != nil }
            #expect(view["bureau"] as? String == "power-supply")
            let (again, _) = try stack.intakeCommand(["import", file, "--source", "meeting-2026-11-27"])
            #expect(again == 1)
            #expect((try await stack.getJSON("intake", "/health").json["details"] as? [String: String])?["cases"] == "2")
        }
    }
}
