import Foundation
import Testing
import ZeroMQ

extension EndToEnd {
    /// The ZeroMQ ingress, driven by the documented Python example client (pyzmq), against a real intake.
    @Suite(.serialized) struct IngressTests {
        /// Debian's python3 has python3-zmq; a python3 earlier on PATH may not.
        static func pythonWithZMQ() -> String? {
            for candidate in ["/usr/bin/python3", "/usr/local/bin/python3", "python3"] {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                process.arguments = [candidate, "-c", "import zmq"]
                process.standardError = FileHandle.nullDevice
                guard (try? process.run()) != nil else { continue }
                process.waitUntilExit()
                if process.terminationStatus == 0 { return candidate }
            }
            return nil
        }

        @Test func theExampleClientSubmitsCasesAndGetsIdsOnlyAfterTheyAreStored() async throws {
            guard let python = Self.pythonWithZMQ() else {
                Issue.record("pyzmq is missing: apt-get install python3-zmq (scripts/ensure-deps.sh does it)")
                return
            }
            let stack = try Stack()
            try await stack.startAll()
            defer { stack.stopAll() }
            let input = stack.directory + "/cases.jsonl"
            let lines = [
                #"{"ref": "M-01", "title": "厂区频繁停电", "description": "近一个月停电三次", "channel": "meeting"}"#,
                #"{"ref": "M-02", "title": "", "description": "标题为空"}"#,
                #"{"ref": "M-01", "title": "厂区频繁停电", "description": "近一个月停电三次", "channel": "meeting"}"#,
                #"{"ref": "M-03", "title": "招工难", "description": "普工招不到人", "location": {"latitude": 95, "longitude": 1}}"#,
            ]
            try lines.joined(separator: "\n").appending("\n").write(toFile: input, atomically: true, encoding: .utf8)

            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [python, stack.repository + "/docs/examples/ingress_client.py", "tcp://127.0.0.1:\(stack.ingressPort)", input]
            process.environment = ProcessInfo.processInfo.environment.merging(["DUBAN_API_KEY": stack.submitKey]) { $1 }
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            let rows = text.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
            #expect(process.terminationStatus == 1, "the client reports that some cases were refused")
            #expect(rows.count == 4)
            let first = try #require(rows.first)
            #expect(first[0] == "M-01" && first[1].hasPrefix("DB-") && first[2] == "submitted")
            #expect(rows[1] == ["M-02", "error", "title_required", "title must not be empty"])
            #expect(rows[2][1] == first[1], "the same idempotency key returns the same case")
            #expect(rows[3][1] == "error" && rows[3][2] == "invalid_coordinates")

            // Accepted means stored, and on its way: it reaches reporting routed.
            let view = try await stack.waitForCase(first[1]) { $0["bureau"] != nil }
            #expect(view["bureau"] as? String == "power-supply")
            let (_, health) = try await stack.getJSON("intake", "/health")
            #expect((health["details"] as? [String: String])?["cases"] == "1")
        }
    
        /// Sends each request on one DEALER and reads its JSON answer; the socket lives and dies on this thread.
        static func exchange(port: Int, _ requests: [[String]]) throws -> [[String: Any]] {
            let context = try ZMQContext()
            let dealer = try ZMQSocket(context, type: .dealer)
            defer { dealer.close() }
            try dealer.set(.linger(milliseconds: 0))
            try dealer.set(.receiveTimeout(milliseconds: 5_000))
            try dealer.connect("tcp://127.0.0.1:\(port)")
            return try requests.map { frames in
                try dealer.send(frames)
                let reply = try #require(try dealer.receive())
                return (try JSONSerialization.jsonObject(with: reply.frames.last ?? Data()) as? [String: Any]) ?? [:]
            }
        }

        /// A client that reconnects with the routing id it had, while its old connection still lingers (a crashed
        /// process whose TCP connection the server has not yet seen close), sends the same request twice: once on the old
        /// connection, once on the new. Returns both answers' last frames; the second is nil when it never came.
        static func resendAfterReconnect(port: Int, identity: String, _ frames: [String]) throws -> (first: Data?, second: Data?) {
            let context = try ZMQContext()
            func client() throws -> ZMQSocket {
                let socket = try ZMQSocket(context, type: .dealer)
                try socket.set(.linger(milliseconds: 0))
                try socket.set(.receiveTimeout(milliseconds: 5_000))
                try socket.set(.routingID(Data(identity.utf8)))
                try socket.connect("tcp://127.0.0.1:\(port)")
                return socket
            }
            let old = try client()
            defer { old.close() }
            try old.send(frames)
            let first = try old.receive()?.frames.last
            let new = try client()
            defer { new.close() }
            try new.send(frames)
            return (first, try new.receive()?.frames.last)
        }

        @Test func aClientThatReconnectsWithTheSameRoutingIDIsAnswered() async throws {
            let stack = try Stack()
            try await stack.start("intake")
            defer { stack.stopAll() }
            let body = #"{"title": "厂区频繁停电", "description": "近一个月停电三次"}"#
            let (first, second) = try Self.resendAfterReconnect(port: stack.ingressPort, identity: "hotline-gateway-1",
                                                                [stack.submitKey, "call-0001", body])
            let firstID = try #require(first.flatMap { try JSONSerialization.jsonObject(with: $0) as? [String: Any] }?["id"] as? String)
            let answer = try #require(second, "the reconnected client was never answered")
            let secondID = (try JSONSerialization.jsonObject(with: answer) as? [String: Any])?["id"] as? String
            #expect(secondID == firstID, "a resend with the same idempotency key gets the same case")
            #expect((try await stack.getJSON("intake", "/health").json["details"] as? [String: String])?["cases"] == "1")
        }

        @Test func theIngressWantsAKeyWithTheSubmitScope() async throws {
            let stack = try Stack()
            try await stack.start("intake")
            defer { stack.stopAll() }
            let readOnly = try stack.createKey("dashboard", scopes: ["read"])
            let body = #"{"title": "厂区频繁停电", "description": "近一个月停电三次"}"#
            let cases: [([String], String)] = [
                ([body], "api_key_required"),
                (["", body], "api_key_required"),
                (["dbk_nope", "", body], "api_key_invalid"),
                ([readOnly, "", body], "scope_required"),
            ]
            let replies = try Self.exchange(port: stack.ingressPort, cases.map(\.0) + [[stack.submitKey, "", body]])
            for ((frames, code), reply) in zip(cases, replies) {
                #expect((reply["error"] as? [String: Any])?["code"] as? String == code, "\(frames.count) frames")
            }
            #expect((replies.last?["id"] as? String)?.hasPrefix("DB-") == true)
            #expect((try await stack.getJSON("intake", "/health").json["details"] as? [String: String])?["cases"] == "1")
        }
    }
}
