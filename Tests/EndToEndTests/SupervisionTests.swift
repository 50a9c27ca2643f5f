import Foundation
import Synchronization
import Testing
import ZeroMQ

extension EndToEnd {
    /// Escalation as a real process on a hand-moved clock: notices go out once, survive SIGKILL without repeating, and
    /// reach a ZeroMQ subscriber, which catches up over ZeroMQ after being away.
    @Suite(.serialized) struct SupervisionTests {
        static func iso(_ text: String) -> String { text.replacingOccurrences(of: " ", with: "T") + ":00+08:00" }

        @Test func noticesGoOutOnceAcrossACrashAndReachSubscribers() async throws {
            let stack = try Stack()
            stack.extraArguments["escalation"] = ["--testing-time-control", "--escalation-sweep-seconds", "3600"]
            try await stack.startAll()
            defer { stack.stopAll() }

            let subscriber = try NoticeSubscriber(endpoint: "tcp://127.0.0.1:\(stack.noticePort)", topics: ["notice."])
            defer { subscriber.stop() }

            let (_, created) = try await stack.postCase(["title": "招工难", "description": "订单增加但一线普工招不到人"])
            let id = try #require(created["id"] as? String)
            let routed = try await stack.waitForCase(id) { $0["deadline"] != nil && ($0["timeline"] as? [Any])?.count == 3 }
            let deadline = try #require(routed["deadline"] as? String)
            let deadlineDate = try Date(deadline, strategy: .iso8601)

            // Move escalation's clock to 3 working days after the deadline (and past a Monday slot).
            var target = deadlineDate
            var workingDays = 0
            while workingDays < 3 {
                target += 86_400
                let weekday = Calendar(identifier: .gregorian).component(.weekday, from: target)
                if weekday != 1 && weekday != 7 { workingDays += 1 }
            }
            let (status, body) = try await stack.postJSON("escalation", "/test/time", ["now": target.ISO8601Format()])
            #expect(status == 200)
            let first = (body as? [[String: Any]]) ?? []
            let kinds = Set(first.compactMap { $0["kind"] as? String })
            #expect(kinds.contains("escalation"))
            #expect(first.contains { $0["recipient"] as? String == "hrss/head" && $0["level"] as? Int == 2 })

            // The live subscriber hears each notice under its topic (publishing follows the commit on its own thread).
            let firstIDs = first.compactMap { $0["id"] as? String }
            let heard = try await subscriber.waitFor(count: firstIDs.count)
            #expect(Set(firstIDs).isSubset(of: Set(heard.map(\.id))))
            #expect(heard.allSatisfy { $0.topic.hasPrefix("notice.") })
            #expect(heard.contains { $0.topic == "notice.escalation.2" })

            // SIGKILL mid-week, restart, and sweep the same moment again: nothing is produced twice.
            stack.kill9("escalation")
            try await stack.start("escalation")
            let (_, again) = try await stack.postJSON("escalation", "/test/time", ["now": target.ISO8601Format()])
            #expect((again as? [Any])?.isEmpty == true, "a restarted sweep at the same moment adds nothing")
            let all = try await stack.getArray("escalation", "/v1/notices?after=0")
            let allIDs = all.compactMap { $0["id"] as? String }
            #expect(Set(allIDs).count == allIDs.count, "every notice is stored once")
            // The restarted process swept once at its own start-up time too (its clock restarts from the real time), which
            // may add that week's lists; everything from before the crash is there exactly once.
            #expect(Set(firstIDs).isSubset(of: Set(allIDs)))
            let text = try #require(all.first { $0["level"] as? Int == 2 }?["text"] as? String)
            #expect(text.contains(id) && text.contains("人力资源和社会保障局") && text.contains("http://duban.test/dashboard/cases/\(id)"))

            // PUB is live only: a subscriber that was away catches up over ZeroMQ from its last position, here the
            // documented example (pyzmq) with a fresh position file, then from the first notice's seq.
            let python = try #require(IngressTests.pythonWithZMQ(), "pyzmq is missing: apt-get install python3-zmq")
            let positionFile = stack.directory + "/position.txt"
            let caughtUp = try catchUp(python: python, stack: stack, positionFile: positionFile)
            #expect(caughtUp.map(\.id) == allIDs, "every stored notice, in seq order, once")
            #expect(try String(contentsOfFile: positionFile, encoding: .utf8) == String(caughtUp.last?.seq ?? -1))
            #expect(try catchUp(python: python, stack: stack, positionFile: positionFile).isEmpty, "nothing new")
            let firstSeq = try #require(all.first?["seq"] as? Int)
            try String(firstSeq).write(toFile: positionFile, atomically: true, encoding: .utf8)
            #expect(try catchUp(python: python, stack: stack, positionFile: positionFile).map(\.id) == Array(allIDs.dropFirst()))

            // A malformed request gets a stable error code, not silence.
            let reply = try replayRequest(stack: stack, ["duban-notices/1", "FETCH", "-3"])
            #expect(reply.dropFirst().prefix(2) == ["ERROR", "invalid_position"])
        }

        struct Caught: Decodable { var seq: Int; var id: String; var topic: String }

        func catchUp(python: String, stack: Stack, positionFile: String) throws -> [Caught] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [python, stack.repository + "/docs/examples/notice_subscriber.py",
                                 "tcp://127.0.0.1:\(stack.noticePort)", "tcp://127.0.0.1:\(stack.noticeReplayPort)",
                                 positionFile, "--catch-up-only"]
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            return try data.split(separator: UInt8(ascii: "\n")).map { try JSONDecoder().decode(Caught.self, from: Data($0)) }
        }

        func replayRequest(stack: Stack, _ frames: [String]) throws -> [String] {
            let context = try ZMQContext()
            let dealer = try ZMQSocket(context, type: .dealer)
            defer { dealer.close() }
            try dealer.set(.linger(milliseconds: 0))
            try dealer.set(.receiveTimeout(milliseconds: 5_000))
            try dealer.connect("tcp://127.0.0.1:\(stack.noticeReplayPort)")
            try dealer.send(frames)
            let message = try #require(try dealer.receive())
            return message.frames.map { String(decoding: $0, as: UTF8.self) }
        }

        @Test func aReplayClientThatReconnectsWithTheSameRoutingIDIsAnswered() async throws {
            let stack = try Stack()
            try await stack.start("escalation")
            defer { stack.stopAll() }
            let (first, second) = try IngressTests.resendAfterReconnect(port: stack.noticeReplayPort, identity: "ops-subscriber",
                                                                        ["duban-notices/1", "FETCH", "0"])
            #expect(first != nil)
            let answer = try #require(second, "the reconnected subscriber was never answered")
            #expect(answer == Data("0".utf8) || (try? JSONSerialization.jsonObject(with: answer)) != nil, "a NOTICES answer")
        }

        @Test func timeControlIsRefusedUnlessEnabled() async throws {
            let stack = try Stack()
            try await stack.start("escalation")
            defer { stack.stopAll() }
            let (status, body) = try await stack.postJSON("escalation", "/test/time", ["now": "2030-01-01T00:00:00Z"])
            #expect(status == 403)
            #expect(((body as? [String: Any])?["error"] as? [String: Any])?["code"] as? String == "time_control_disabled")
        }
    }
}

/// A ZeroMQ SUB socket on its own thread, as a downstream tool would run one.
final class NoticeSubscriber: Sendable {
    struct Heard: Sendable { var topic: String; var id: String }
    private let thread: SocketThread
    private let context: ZMQContext

    /// `curve`: connect as a CURVE client with this key pair to a server with that public key.
    init(endpoint: String, topics: [String], curve: (serverKey: String, keyPair: CurveKeyPair)? = nil) throws {
        let context = try ZMQContext()
        self.context = context
        let sink = HeardSink()
        self.sink = sink
        thread = try SocketThread(name: "subscriber") { control in
            let socket = try ZMQSocket(context, type: .sub)
            try socket.set(.linger(milliseconds: 0))
            if let curve { try socket.set(.curveClient(serverKey: curve.serverKey, keyPair: curve.keyPair)) }
            for topic in topics { try socket.set(.subscribe(Data(topic.utf8))) }
            try socket.connect(endpoint)
            defer { socket.close() }
            while !control.isStopRequested {
                try control.wait(for: [socket], timeoutMilliseconds: 500)
                while let message = try socket.receive(wait: false) {
                    let json = (try? JSONSerialization.jsonObject(with: message.frames.last ?? Data())) as? [String: Any]
                    sink.append(Heard(topic: message.string(0) ?? "", id: json?["id"] as? String ?? ""))
                }
            }
        }
        thread.start()
    }

    private let sink: HeardSink

    func stop() { thread.requestStop() }

    /// Everything heard so far.
    var heard: [Heard] { sink.all }

    func waitFor(count: Int, seconds: Double = 5) async throws -> [Heard] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline && sink.all.count < count { try await Task.sleep(for: .milliseconds(20)) }
        return sink.all
    }
}

final class HeardSink: Sendable {
    private let storage = Mutex<[NoticeSubscriber.Heard]>([])
    func append(_ heard: NoticeSubscriber.Heard) { storage.withLock { $0.append(heard) } }
    var all: [NoticeSubscriber.Heard] { storage.withLock { $0 } }
}
