import Foundation
import Testing
@testable import ZeroMQ

@Suite struct SocketTests {
    @Test func dealerAndRouterExchangeMultipartMessagesOverInproc() throws {
        let context = try ZMQContext()
        let router = try ZMQSocket(context, type: .router)
        try router.bind("inproc://pair-test")
        let dealer = try ZMQSocket(context, type: .dealer)
        try dealer.set(.routingID(Data("client-1".utf8)))
        try dealer.connect("inproc://pair-test")

        try dealer.send(["hello", "", "world"])
        let received = try #require(try router.receive())
        #expect(received.frames.count == 4)
        #expect(received.string(0) == "client-1")
        #expect(received.string(1) == "hello")
        #expect(received.frames[2].isEmpty)
        #expect(received.string(3) == "world")

        try router.send([received.frames[0], Data("reply".utf8)])
        #expect(try dealer.receive()?.string(0) == "reply")
    }

    @Test func receiveWithoutWaitingReturnsNilWhenNothingIsQueued() throws {
        let context = try ZMQContext()
        let pull = try ZMQSocket(context, type: .pull)
        try pull.bind("inproc://empty")
        #expect(try pull.receive(wait: false) == nil)
        #expect(try pull.canReceive == false)
    }

    @Test func tcpBindOnWildcardPortReportsTheChosenEndpoint() throws {
        let context = try ZMQContext()
        let pull = try ZMQSocket(context, type: .pull)
        try pull.set(.linger(milliseconds: 0))
        try pull.bind("tcp://127.0.0.1:*")
        let endpoint = try pull.lastEndpoint
        #expect(endpoint.hasPrefix("tcp://127.0.0.1:"))
        #expect(Int(endpoint.split(separator: ":").last!)! > 0)

        let push = try ZMQSocket(context, type: .push)
        try push.set(.linger(milliseconds: 0))
        try push.connect(endpoint)
        let big = Data(repeating: 7, count: 1 << 20)  // larger than any fixed receive buffer: must not truncate
        try push.send([big])
        #expect(try pull.receive()?.frames == [big])
    }

    @Test func publisherFiltersByTopicPrefixOverTCP() throws {
        let context = try ZMQContext()
        let pub = try ZMQSocket(context, type: .pub)
        try pub.set(.linger(milliseconds: 0))
        try pub.bind("tcp://127.0.0.1:*")
        let sub = try ZMQSocket(context, type: .sub)
        try sub.set(.linger(milliseconds: 0))
        try sub.set(.subscribe(Data("notice.reminder.".utf8)))
        try sub.connect(try pub.lastEndpoint)

        // PUB drops until the subscription has arrived: publish until the subscriber hears something.
        var heard: ZMQMessage?
        for _ in 0..<200 where heard == nil {
            try pub.send(["notice.escalation.2", "skip"])
            try pub.send(["notice.reminder.hrss", "keep"])
            Thread.sleep(forTimeInterval: 0.01)
            heard = try sub.receive(wait: false)
        }
        let message = try #require(heard)
        #expect(message.string(0) == "notice.reminder.hrss")
        while let more = try sub.receive(wait: false) { #expect(more.string(0)?.hasPrefix("notice.reminder.") == true) }
    }

    @Test func errorsCarryErrnoAndLibzmqMessage() throws {
        let context = try ZMQContext()
        let socket = try ZMQSocket(context, type: .dealer)
        let error = try #require(throws: ZMQError.self) { try socket.connect("nonsense://where") }
        #expect(error.code != 0)
        #expect(error.description.contains("zmq_connect"))
        socket.close()
        socket.close()  // closing twice is harmless
        #expect(throws: ZMQError.self) { try socket.send(["after close"]) }
    }

    @Test func routerMandatoryReportsUnknownPeers() throws {
        let context = try ZMQContext()
        let router = try ZMQSocket(context, type: .router)
        try router.set(.routerMandatory(true))
        try router.bind("inproc://mandatory")
        let error = try #require(throws: ZMQError.self) { try router.send([Data("nobody".utf8), Data("x".utf8)]) }
        #expect(error.isHostUnreachable)
    }

    @Test func pollerWakesOnSocketsAndOnAWaker() throws {
        let context = try ZMQContext()
        let pull = try ZMQSocket(context, type: .pull)
        try pull.bind("inproc://poll")
        let push = try ZMQSocket(context, type: .push)
        try push.connect("inproc://poll")
        let waker = try Waker()

        var poller = ZMQPoller()
        let socketIndex = poller.add(pull)
        let wakeIndex = poller.add(fileDescriptor: waker.fileDescriptor)
        #expect(try poller.poll(timeoutMilliseconds: 10) == 0)

        waker.signal()
        try poller.poll(timeoutMilliseconds: 1_000)
        #expect(poller.isReadable(wakeIndex) && !poller.isReadable(socketIndex))
        waker.drain()

        try push.send(["ping"])
        try poller.poll(timeoutMilliseconds: 1_000)
        #expect(poller.isReadable(socketIndex) && !poller.isReadable(wakeIndex))
    }

    @Test func curveKeyPairsAreZ85AndDerivable() throws {
        let pair = try CurveKeyPair.generate()
        #expect(pair.publicKey.utf8.count == 40 && pair.secretKey.utf8.count == 40)
        #expect(try CurveKeyPair(secretKey: pair.secretKey) == pair)
        #expect(try CurveKeyPair.generate() != pair)
        #expect(ZMQContext.has("curve"))
    }
}
