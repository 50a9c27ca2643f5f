import Foundation
import Testing
import ZeroMQ

extension EndToEnd {
    /// Systems outside Duban on CURVE: the ingress admits the public keys registered on live API keys, the notice
    /// sockets those of `notices.clients-file`; service keys and client keys open only their own sockets; plaintext is
    /// for loopback binds only.
    @Suite(.serialized) struct ClientCurveTests {
        static let body = #"{"title": "厂区频繁停电", "description": "近一个月停电三次"}"#

        /// A DEALER (or SUB) with a monitor, on the calling thread; `curve` makes it a CURVE client.
        final class Client {
            let context: ZMQContext
            let socket: ZMQSocket
            let monitor: ZMQSocket

            init(type: ZMQSocketType = .dealer, endpoint: String, curve: (serverKey: String, keyPair: CurveKeyPair)?,
                 subscribe: String? = nil) throws {
                context = try ZMQContext()
                socket = try ZMQSocket(context, type: type)
                try socket.set(.linger(milliseconds: 0))
                if let curve { try socket.set(.curveClient(serverKey: curve.serverKey, keyPair: curve.keyPair)) }
                if let subscribe { try socket.set(.subscribe(Data(subscribe.utf8))) }
                monitor = try socket.monitor("inproc://client-monitor-\(UUID().uuidString)",
                                             events: [.handshakeSucceeded, .handshakeFailures], context: context)
                try socket.connect(endpoint)
            }

            deinit {
                monitor.close()
                socket.close()
            }

            /// The first handshake's outcome: succeeded, refused by the server's ZAP handler, failed otherwise, or nil
            /// when nothing happened in `seconds`.
            func handshake(seconds: Double = 5) throws -> ZMQMonitorEvent.Kind? {
                try Self.poll(seconds: seconds) { try monitor.receive(wait: false).flatMap(ZMQMonitorEvent.init)?.kind }
            }

            /// Sends a request and waits for its last frame as JSON.
            func ask(_ frames: [String], seconds: Double = 5) throws -> [String: Any]? {
                try socket.send(frames)
                return try next(seconds: seconds).flatMap { try JSONSerialization.jsonObject(with: $0.frames.last ?? Data()) as? [String: Any] }
            }

            func next(seconds: Double) throws -> ZMQMessage? {
                try Self.poll(seconds: seconds) { try socket.receive(wait: false) }
            }

            static func poll<T>(seconds: Double, _ attempt: () throws -> T?) throws -> T? {
                let deadline = Date().addingTimeInterval(seconds)
                repeat {
                    if let value = try attempt() { return value }
                    Thread.sleep(forTimeInterval: 0.01)
                } while Date() < deadline
                return nil
            }
        }

        static func code(_ reply: [String: Any]?) -> String? { (reply?["error"] as? [String: Any])?["code"] as? String }

        static func publicKey(_ stack: Stack, _ service: String) throws -> String {
            try String(contentsOfFile: stack.directory + "/keys/\(service).pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }

        static func keyPair(_ stack: Stack, _ service: String) throws -> CurveKeyPair {
            try CurveKeyPair(secretKey: String(contentsOfFile: stack.directory + "/keys/\(service).key", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines))
        }

        @Test func aRegisteredClientSubmitsOverCURVEAsItsOwnKeyUntilRevoked() async throws {
            let stack = try Stack()
            stack.extraArguments["intake"] = ["--ingress-plaintext", "false"]
            stack.logLevel = "info"
            let hotline = try CurveKeyPair.generate()
            let made = try stack.intakeCommand(["keys", "create", "--name", "hotline-curve", "--scope", "submit", "--curve-public-key", hotline.publicKey])
            #expect(made.status == 0 && made.output.hasPrefix("dbk_"), "\(made.output)")
            let secret = made.output.trimmingCharacters(in: .whitespacesAndNewlines)
            let bad = try stack.commandSeparatingErrors("intake", ["keys", "create", "--name", "typo", "--scope", "submit", "--curve-public-key", "not-a-key"])
            #expect(bad.status == 64 && bad.errors.contains("40 characters of Z85"), "\(bad.errors)")
            let reused = try stack.commandSeparatingErrors("intake", ["keys", "create", "--name", "copy", "--scope", "submit",
                                                                      "--curve-public-key", hotline.publicKey])
            #expect(reused.status == 64 && reused.errors.contains("belongs to key 'hotline-curve'"), "\(reused.errors)")
            #expect(try stack.intakeCommand(["keys", "list"]).output.contains("hotline-curve\tsubmit\tcurve:\(hotline.publicKey)"))
            try await stack.start("intake")
            defer { stack.stopAll() }
            #expect(stack.log("intake").contains("takes CURVE clients with registered keys only"))
            let endpoint = "tcp://127.0.0.1:\(stack.ingressPort)"
            let intakeKey = try Self.publicKey(stack, "intake")
            // Sockets stay on the thread that made them: no suspension until they are gone.
            do {
                // The registered client: its connection is its key; another key's secret in the frame is refused.
                let client = try Client(endpoint: endpoint, curve: (intakeKey, hotline))
                #expect(try client.handshake() == .handshakeSucceeded)
                let stored = try client.ask(["", "call-1", Self.body])
                #expect((stored?["id"] as? String)?.hasPrefix("DB-") == true, "\(String(describing: stored))")
                #expect(Self.code(try client.ask([stack.submitKey, "", Self.body])) == "api_key_mismatch")
                #expect((try client.ask([secret, "call-1", Self.body])?["id"] as? String) == stored?["id"] as? String, "its own key, repeated")

                // The documented example client, on CURVE with the same pair and no API key, resends the same case.
                let python = try #require(IngressTests.pythonWithZMQ(), "pyzmq is missing: apt-get install python3-zmq")
                let input = stack.directory + "/curve-cases.jsonl", secretFile = stack.directory + "/hotline-curve.key"
                try (#"{"ref": "call-1", "# + Self.body.dropFirst() + "\n").write(toFile: input, atomically: true, encoding: .utf8)
                try (hotline.secretKey + "\n").write(toFile: secretFile, atomically: true, encoding: .utf8)
                let example = try ChildProcess.run("/usr/bin/env", [python, stack.repository + "/docs/examples/ingress_client.py", endpoint, input],
                                                   environment: ["DUBAN_SERVER_KEY_FILE": stack.directory + "/keys/intake.pub",
                                                                 "DUBAN_CLIENT_KEY_FILE": secretFile])
                #expect(example.status == 0 && example.output == "call-1\t\(stored?["id"] as? String ?? "?")\tsubmitted\n", "\(example.output)")

                // Refused at the handshake: a key registered nowhere, a service's key (routing's), a plaintext client.
                let stranger = try Client(endpoint: endpoint, curve: (intakeKey, try CurveKeyPair.generate()))
                #expect(try stranger.handshake() == .handshakeFailedAuthentication)
                let service = try Client(endpoint: endpoint, curve: (intakeKey, try Self.keyPair(stack, "routing")))
                #expect(try service.handshake() == .handshakeFailedAuthentication)
                let plaintext = try Client(endpoint: endpoint, curve: nil)
                #expect(try plaintext.handshake().map { ZMQMonitorEvent.Kind.handshakeFailures.contains($0) } == true)
                #expect(try plaintext.ask([stack.submitKey, "", Self.body], seconds: 1) == nil)

                // …and the client's key does not open intake's event link, where only the services' keys count.
                let link = try Client(endpoint: "tcp://127.0.0.1:\(stack.eventPorts["intake"]!)", curve: (intakeKey, hotline))
                #expect(try link.handshake() == .handshakeFailedAuthentication)

                // Revoked: the open connection is refused within seconds, and a new one at once at the handshake.
                #expect(try stack.intakeCommand(["keys", "revoke", "--name", "hotline-curve"]).status == 0)
                let revokedAt = Date()
                var refusal: String?
                while refusal == nil && Date().timeIntervalSince(revokedAt) < 5 {
                    let reply = try client.ask(["", "", Self.body])
                    if let code = Self.code(reply) { refusal = code } else { usleep(200_000) }
                }
                #expect(refusal == "api_key_invalid")
                #expect(Date().timeIntervalSince(revokedAt) < 3, "within seconds")
                let again = try Client(endpoint: endpoint, curve: (intakeKey, hotline))
                #expect(try again.handshake() == .handshakeFailedAuthentication)
            }
            #expect((try await stack.getJSON("intake", "/health").json["details"] as? [String: String])?["cases"] == "1")
        }

        @Test func plaintextIsForLoopbackBindsOnly() async throws {
            let stack = try Stack()
            let wildcard = try LoopbackPort.free()
            for (service, bind, setting) in [("intake", "--ingress-bind", "--ingress-plaintext"), ("escalation", "--notices-bind", "--notices-plaintext")] {
                var arguments = stack.arguments(for: service)
                let index = try #require(arguments.firstIndex(of: bind))
                arguments[index + 1] = "tcp://0.0.0.0:\(wildcard)"
                let refused = try ChildProcess.run(stack.binDirectory + "/" + service, [setting, "true"] + arguments)
                #expect(refused.status != 0)
                #expect(refused.output.contains("\(setting.dropFirst(2).replacingOccurrences(of: "-plaintext", with: ".plaintext")) is true but tcp://0.0.0.0:\(wildcard) is not a loopback address"),
                        "\(refused.output.suffix(1_000))")
            }
            // Unset, a loopback bind is plaintext, and said so.
            try await stack.start("intake")
            defer { stack.stopAll() }
            #expect(stack.log("intake").contains("SECURITY: the ZeroMQ ingress takes plaintext clients"))
            let reply = try IngressTests.exchange(port: stack.ingressPort, [[stack.submitKey, "", Self.body]])
            #expect((reply.first?["id"] as? String)?.hasPrefix("DB-") == true)
        }

        @Test func listedSubscribersHearNoticesAndATakenOffOneStops() async throws {
            let stack = try Stack()
            let board = try CurveKeyPair.generate(), screen = try CurveKeyPair.generate(), stranger = try CurveKeyPair.generate()
            let clientsFile = stack.directory + "/notice-clients"
            try "# who may subscribe\nops-board \(board.publicKey)\ncity-screen \(screen.publicKey)\n"
                .write(toFile: clientsFile, atomically: true, encoding: .utf8)
            stack.logLevel = "notice"
            stack.extraArguments["escalation"] = ["--testing-time-control", "--escalation-sweep-seconds", "3600",
                                                  "--notices-plaintext", "false", "--notices-clients-file", clientsFile]
            try await stack.startAll()
            defer { stack.stopAll() }
            let serverKey = try Self.publicKey(stack, "escalation")
            let pub = "tcp://127.0.0.1:\(stack.noticePort)", replay = "tcp://127.0.0.1:\(stack.noticeReplayPort)"
            let boardHears = try NoticeSubscriber(endpoint: pub, topics: ["notice."], curve: (serverKey, board))
            let screenHears = try NoticeSubscriber(endpoint: pub, topics: ["notice."], curve: (serverKey, screen))
            let strangerHears = try NoticeSubscriber(endpoint: pub, topics: ["notice."], curve: (serverKey, stranger))
            let plaintextHears = try NoticeSubscriber(endpoint: pub, topics: ["notice."])
            defer { for subscriber in [boardHears, screenHears, strangerHears, plaintextHears] { subscriber.stop() } }
            try await Task.sleep(for: .milliseconds(500))  // subscriptions reach the PUB socket

            let (_, created) = try await stack.postCase(["title": "招工难", "description": "订单增加但一线普工招不到人"])
            let id = try #require(created["id"] as? String)
            let routed = try await stack.waitForCase(id) { $0["deadline"] != nil }
            var now = try Date(try #require(routed["deadline"] as? String), strategy: .iso8601) + 7 * 86_400
            let first = try await Self.moveEscalation(stack, to: now)
            #expect(!first.isEmpty)
            #expect(Set(try await boardHears.waitFor(count: first.count).map(\.id)) == Set(first))
            #expect(Set(try await screenHears.waitFor(count: first.count).map(\.id)) == Set(first))
            #expect(strangerHears.heard.isEmpty && plaintextHears.heard.isEmpty, "an unlisted key and a plaintext client hear nothing")

            // The replay socket: a listed key catches up; an unlisted one is refused at the handshake.
            do {  // sockets stay on the thread that made them: no suspension until they are gone
                let catchUp = try Client(endpoint: replay, curve: (serverKey, board))
                try catchUp.socket.send(["duban-notices/1", "FETCH", "0"])
                let answer = try #require(try catchUp.next(seconds: 5))
                #expect(answer.frames.count == 3 + first.count && answer.string(1) == "NOTICES")
                let unlisted = try Client(endpoint: replay, curve: (serverKey, stranger))
                #expect(try unlisted.handshake() == .handshakeFailedAuthentication)

                // Taken off the list: its open replay connection is refused within seconds, the PUB socket is bound again
                // and it hears no more, while the subscriber still listed does.
                try "city-screen \(screen.publicKey)\n".write(toFile: clientsFile, atomically: true, encoding: .utf8)
                let removedAt = Date()
                var refusal: [String] = []
                while refusal.isEmpty && Date().timeIntervalSince(removedAt) < 5 {
                    try catchUp.socket.send(["duban-notices/1", "FETCH", "0"])
                    let frames = try #require(try catchUp.next(seconds: 5)).frames.map { String(decoding: $0, as: UTF8.self) }
                    if frames[1] == "ERROR" { refusal = frames } else { usleep(200_000) }
                }
                #expect(refusal.dropFirst().prefix(2) == ["ERROR", "subscriber_removed"])
                #expect(Date().timeIntervalSince(removedAt) < 3, "within seconds")
            }
            try await Task.sleep(for: .seconds(2))  // the PUB socket is bound again and the listed subscriber reconnects
            #expect(stack.log("escalation").contains("the PUB socket was bound again"))
            now += 7 * 86_400
            let second = try await Self.moveEscalation(stack, to: now)
            #expect(!second.isEmpty)
            #expect(Set(second).isSubset(of: Set(try await screenHears.waitFor(count: first.count + second.count).map(\.id))))
            try await Task.sleep(for: .milliseconds(500))
            #expect(Set(boardHears.heard.map(\.id)).isDisjoint(with: Set(second)), "a subscriber taken off the list hears no more")
            let refused = try Client(type: .sub, endpoint: pub, curve: (serverKey, board), subscribe: "notice.")
            #expect(try refused.handshake() == .handshakeFailedAuthentication)
        }

        /// Moves escalation's clock; the ids of the notices the sweep made.
        static func moveEscalation(_ stack: Stack, to now: Date) async throws -> [String] {
            let (status, body) = try await stack.postJSON("escalation", "/test/time", ["now": now.ISO8601Format()])
            #expect(status == 200)
            return ((body as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
        }
    }
}
