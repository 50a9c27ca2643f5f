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
            #expect(latin1.status == 400 && String(decoding: latin1.body, as: UTF8.self).contains("invalid_utf8"),
                    "neither UTF-8 nor GB18030 (0xE9 then a line feed is a cut-off GB18030 pair)")
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
            #expect(lines.last == "8 rows (utf-8): 2 created, 1 already imported, 5 failed, 0 empty skipped")
            let id = try #require(lines.first?.split(separator: "\t").dropFirst(3).first.map(String.init))
            // The running intake's relay delivers what the command stored.
            let view = try await stack.waitForCase(id) { $0["bureau"] != nil }
            #expect(view["bureau"] as? String == "power-supply")
            let (again, _) = try stack.intakeCommand(["import", file, "--source", "meeting-2026-11-27"])
            #expect(again == 1)
            #expect((try await stack.getJSON("intake", "/health").json["details"] as? [String: String])?["cases"] == "2")
        }

        /// A zone office's sheet as Chinese Excel or WPS saves "CSV": GBK/GB18030, Chinese column names and values,
        /// and the empty rows a spreadsheet leaves at the end.
        static func officeSheet(prefix: String) -> String {
            """
            序号,编号,标题,问题描述,来源,企业名称,联系人,联系电话,类别,地址
            1,\(prefix)-01,厂区频繁停电,近一个月停电三次，请供电部门排查线路,政企交流会,某视界有限公司,张三,13800000000,,经开区东六路
            2,\(prefix)-02,招工难,普工缺口大，园区自来水也时常停供,12345,,,,供水,
            3,\(prefix)-03,道路坑洼,泥巴路影响通勤,网上,,,,,
            4,\(prefix)-04,园区夜间治安,货物被盗，请加强巡逻,联络员,,,,,
            ,,,,,,,,,

               \u{3000}

            """
        }

        /// Bytes in GB18030, made by Python's own codec (not by the code under test).
        static func gb18030(_ text: String) throws -> Data {
            let script = "import sys; sys.stdout.buffer.write(sys.stdin.buffer.read().decode('utf-8').encode('gb18030'))"
            let result = try ChildProcess.run("/usr/bin/env", ["python3", "-c", script], input: Data(text.utf8), errorsApart: true)
            guard result.status == 0 else { throw StackError("python3 could not encode GB18030") }
            return result.outputBytes
        }

        func upload(_ stack: Stack, _ body: Data, contentType: String) async throws -> (status: Int, json: [String: Any]) {
            let response = try await stack.request("intake", "POST", "/v1/imports", body: body, contentType: contentType,
                                                   headers: ["Authorization": "Bearer \(stack.submitKey)"])
            return (response.status, (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] ?? [:])
        }

        static func errorCode(_ json: [String: Any]) -> String? { (json["error"] as? [String: Any])?["code"] as? String }

        @Test func chineseSpreadsheetsInGBKOrUTF8WithChineseNamesAndEmptyRows() async throws {
            let stack = try Stack()
            try await stack.startAll()
            defer { stack.stopAll() }
            let gbk = try Self.gb18030(Self.officeSheet(prefix: "G"))
            #expect(String(data: gbk, encoding: .utf8) == nil, "the fixture really is not UTF-8")
            let (status, report) = try await upload(stack, gbk, contentType: "text/csv")
            #expect(status == 200, "\(report)")
            #expect(report["encoding"] as? String == "gb18030")
            #expect(report["rows"] as? Int == 4 && report["created"] as? Int == 4 && report["failed"] as? Int == 0)
            #expect(report["skipped"] as? Int == 3, "the ,,, line, the blank one and the empty one are skipped, not failed")
            let results = try #require(report["results"] as? [[String: Any]])
            #expect(results.map { $0["ref"] as? String } == ["G-01", "G-02", "G-03", "G-04"], "编号 is the ref; 序号, a row number, is not")
            let ids = results.compactMap { $0["id"] as? String }
            try #require(ids.count == 4)
            // Chinese values: channels by their Chinese names, a category by its name in routing.yaml.
            var channels: [String] = []
            for id in ids {
                let view = try await stack.waitForCase(id) { $0["bureau"] != nil }
                channels.append(view["channel"] as? String ?? "")
            }
            #expect(channels == ["meeting", "hotline", "web", "liaison"])
            let first = try await stack.waitForCase(ids[0]) { $0["bureau"] != nil }
            #expect(first["title"] as? String == "厂区频繁停电" && first["enterprise"] as? String == "某视界有限公司")
            let water = try await stack.waitForCase(ids[1]) { $0["bureau"] != nil }
            #expect(water["category"] as? String == "water", "类别 供水 is the category water, whatever the keywords say")

            // UTF-8, with and without a byte-order mark.
            let plain = try await upload(stack, Data(Self.officeSheet(prefix: "U").utf8), contentType: "text/csv")
            #expect(plain.json["encoding"] as? String == "utf-8" && plain.json["created"] as? Int == 4 && plain.json["skipped"] as? Int == 3)
            let bom = try await upload(stack, Data(("\u{FEFF}" + Self.officeSheet(prefix: "B")).utf8), contentType: "text/csv")
            #expect(bom.json["encoding"] as? String == "utf-8" && bom.json["created"] as? Int == 4)
            #expect((bom.json["results"] as? [[String: Any]])?.first?["ref"] as? String == "B-01", "the mark is not part of the first column's name")

            // Two columns meaning the same is refused, not silently merged.
            let twice = try await upload(stack, Data("标题,问题,问题描述\na,b,c\n".utf8), contentType: "text/csv")
            #expect(twice.status == 400 && Self.errorCode(twice.json) == "duplicate_column")
        }

        /// What a browser's upload form sends (the dashboard's upload page posts the file as the part `file`), and the
        /// content types that Windows and other clients give a .csv file.
        /// The other ways a spreadsheet saves a list: Excel's "Unicode text" (UTF-16 with a byte-order mark, tabs), a
        /// semicolon-separated CSV, a template's notes in the header (标题（必填）), and a client that sends the bytes
        /// as `application/octet-stream`.
        @Test func unicodeTextTabsSemicolonsAndHeaderNotes() async throws {
            let stack = try Stack()
            try await stack.start("intake")
            defer { stack.stopAll() }
            let rows = "编号\t标题（必填）\t问题描述（必填）\t电话(选填)\r\nU-1\t路灯不亮\t园区二号路路灯坏了半个月\t\r\nU-2\t井盖缺失\t人行道井盖丢失\t\r\n"
            var utf16 = Data([0xFF, 0xFE])
            for unit in rows.utf16 { utf16 += Data([UInt8(unit & 0xFF), UInt8(unit >> 8)]) }
            let unicodeText = try await upload(stack, utf16, contentType: "text/plain")
            #expect(unicodeText.status == 200 && unicodeText.json["created"] as? Int == 2, "\(unicodeText.json)")
            #expect(unicodeText.json["encoding"] as? String == "utf-16")

            let unclosed = try await upload(stack, Data("title,description\n\"招工难,普工招不到人\n停电,三次\n".utf8), contentType: "text/csv")
            #expect(unclosed.status == 400 && Self.errorCode(unclosed.json) == "invalid_csv", "a quote never closed: \(unclosed.json)")

            let semicolons = Data("ref;title;description\nS-1;招工难;普工招不到人, 订单压力大\n".utf8)
            let separated = try await upload(stack, semicolons, contentType: "application/octet-stream")
            #expect(separated.status == 200 && separated.json["created"] as? Int == 1, "\(separated.json)")
            let created = try #require((separated.json["results"] as? [[String: Any]])?.first?["id"] as? String)
            #expect(created.hasPrefix("DB-"))
        }

        @Test func formUploadsAndTheContentTypesGivenToCSVFiles() async throws {
            let stack = try Stack()
            try await stack.start("intake")
            defer { stack.stopAll() }
            func form(_ boundary: String, parts: [(name: String, filename: String?, body: Data)], closed: Bool = true) -> Data {
                var body = Data()
                for part in parts {
                    body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(part.name)\"".utf8)
                    if let filename = part.filename { body += Data("; filename=\"\(filename)\"\r\nContent-Type: application/vnd.ms-excel".utf8) }
                    body += Data("\r\n\r\n".utf8) + part.body + Data("\r\n".utf8)
                }
                if closed { body += Data("--\(boundary)--\r\n".utf8) }
                return body
            }
            let boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW"
            let gbk = try Self.gb18030(Self.officeSheet(prefix: "F"))
            let uploaded = try await upload(stack, form(boundary, parts: [("source", nil, Data("周例会".utf8)), ("file", "问题清单.csv", gbk)]),
                                            contentType: "multipart/form-data; boundary=\(boundary)")
            #expect(uploaded.status == 200, "\(uploaded.json)")
            #expect(uploaded.json["created"] as? Int == 4 && uploaded.json["encoding"] as? String == "gb18030")

            let noFile = try await upload(stack, form(boundary, parts: [("attachment", "a.csv", gbk)]),
                                          contentType: "multipart/form-data; boundary=\(boundary)")
            #expect(noFile.status == 400 && Self.errorCode(noFile.json) == "file_required")
            let noneChosen = try await upload(stack, form(boundary, parts: [("file", "", Data())]),
                                              contentType: "multipart/form-data; boundary=\(boundary)")
            #expect(noneChosen.status == 400 && Self.errorCode(noneChosen.json) == "file_required", "a form sent without choosing a file")
            let noBoundary = try await upload(stack, form(boundary, parts: [("file", "a.csv", gbk)]), contentType: "multipart/form-data")
            #expect(noBoundary.status == 400 && Self.errorCode(noBoundary.json) == "multipart_boundary_required")
            let cut = try await upload(stack, form(boundary, parts: [("file", "a.csv", gbk)], closed: false).dropLast(40),
                                       contentType: "multipart/form-data; boundary=\(boundary)")
            #expect(cut.status == 400 && Self.errorCode(cut.json) == "invalid_multipart", "a body cut off inside the file")
            let wrongBoundary = try await upload(stack, form(boundary, parts: [("file", "a.csv", gbk)]),
                                                 contentType: "multipart/form-data; boundary=\"other\"")
            #expect(wrongBoundary.status == 400 && Self.errorCode(wrongBoundary.json) == "invalid_multipart")

            for (index, type) in ["application/csv", "application/vnd.ms-excel", "text/plain; charset=gbk", "TEXT/CSV"].enumerated() {
                let answer = try await upload(stack, Data(Self.officeSheet(prefix: "T\(index)").utf8), contentType: type)
                #expect(answer.status == 200 && answer.json["created"] as? Int == 4, "\(type): \(answer.json)")
            }
            let workbook = try await upload(stack, Data([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]) + gbk, contentType: "application/vnd.ms-excel")
            #expect(workbook.status == 400 && Self.errorCode(workbook.json) == "spreadsheet_not_csv")
            let json = try await upload(stack, gbk, contentType: "application/json")
            #expect(json.status == 415 && Self.errorCode(json.json) == "unsupported_media_type")
        }

        /// `intake import` through the real executable: a data error is exit 1 with its code on stderr and nothing
        /// stored; a usage error stays 64; empty rows are skipped and counted in the summary.
        @Test func theCommandsExitStatusSaysDataErrorOrUsageError() throws {
            let stack = try Stack()
            let good = stack.directory + "/sheet.csv"
            try Self.gb18030(Self.officeSheet(prefix: "C")).write(to: URL(fileURLWithPath: good))
            let imported = try stack.commandSeparatingErrors("intake", ["import", good, "--routing-config-dir", stack.repository + "/deploy/config"])
            #expect(imported.status == 0, "\(imported.output)\(imported.errors)")
            #expect(imported.output.split(separator: "\n").last == "4 rows (gb18030): 4 created, 0 already imported, 0 failed, 3 empty skipped")

            let files: [(name: String, bytes: Data, code: String)] = [
                ("latin1.csv", Data([0x74, 0x69, 0x74, 0x6C, 0x65, 0xE9, 0x0A]), "invalid_utf8"),
                ("columns.csv", Data("ref,title,summary\nA,t,d\n".utf8), "unknown_column"),
                ("missing.csv", Data("ref,title\nA,t\n".utf8), "column_required"),
                ("quotes.csv", Data("title,description\nt\"x,d\n".utf8), "invalid_csv"),
                ("many.csv", Data(("title,description\n" + String(repeating: "t,d\n", count: 10_001)).utf8), "too_many_rows"),
            ]
            for file in files {
                let path = stack.directory + "/" + file.name
                try file.bytes.write(to: URL(fileURLWithPath: path))
                let result = try stack.commandSeparatingErrors("intake", ["import", path])
                #expect(result.status == 1, "\(file.name): \(result.errors)")
                #expect(result.errors.contains(file.code), "\(file.name): \(result.errors)")
                #expect(!result.errors.contains("Usage:"), "a data error is not a usage error")
            }
            let unreadable = try stack.commandSeparatingErrors("intake", ["import", stack.directory + "/no-such-file.csv"])
            #expect(unreadable.status == 1 && unreadable.errors.contains("file_unreadable"))
            let usage = try stack.commandSeparatingErrors("intake", ["import"])
            #expect(usage.status == 64, "a missing argument is a usage error")
        }
    }
}
