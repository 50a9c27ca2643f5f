import DubanMessaging
import Foundation
import Testing
import ZeroMQ

@Suite(.serialized) struct SecurityTests {
    /// Waits until the listener has refused a handshake (up to 15 s: a loaded machine may start the threads late), then
    /// half a second more, in which a peer that got in would have delivered its events.
    private func waitForRefusal(_ listener: EventListener) async throws {
        let deadline = ContinuousClock.now + .seconds(15)
        while listener.refusedHandshakes == 0 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        try await Task.sleep(for: .milliseconds(500))
    }

    @Test func aPeerWithAnUnlistedKeyIsRefused() async throws {
        let harness = try Harness()
        let zap = try harness.authenticator()
        await zap.start()
        defer { zap.stop() }
        try harness.append(3)
        // Knows the consumer's public key, but its own key is not on the list.
        let stranger = KeyRing(service: "producer", keyPair: try CurveKeyPair.generate(),
                               publicKeys: harness.producerRing.publicKeys)
        let listener = harness.listener()
        let consumer = Task { try await listener.run() }
        let intruder = Task { try await harness.relay(security: .curve(stranger)).run() }
        defer { consumer.cancel(); intruder.cancel() }
        try await waitForRefusal(listener)
        #expect(try harness.appliedCount() == 0)
        #expect(zap.refusals >= 1)
        #expect(listener.refusedHandshakes >= 1)
    }

    @Test func aPlaintextPeerIsRefused() async throws {
        let harness = try Harness()
        let zap = try harness.authenticator()
        await zap.start()
        defer { zap.stop() }
        try harness.append(3)
        let listener = harness.listener()
        let consumer = Task { try await listener.run() }
        let plaintext = Task { try await harness.relay(security: .plaintext).run() }
        defer { consumer.cancel(); plaintext.cancel() }
        try await waitForRefusal(listener)
        #expect(try harness.appliedCount() == 0)
        #expect(listener.refusedHandshakes >= 1, "the refusal is seen and logged")
    }

    @Test func withoutAZAPHandlerNobodyGetsIn() async throws {
        // The listener enforces its ZAP domain, so a context with no handler fails closed.
        let harness = try Harness()
        try harness.append(3)
        let listener = harness.listener()
        let consumer = Task { try await listener.run() }
        let producer = Task { try await harness.relay().run() }
        defer { consumer.cancel(); producer.cancel() }
        try await waitForRefusal(listener)
        #expect(listener.refusedHandshakes >= 1)
        #expect(try harness.appliedCount() == 0)
    }

    @Test func aListedKeyGetsInAndItsBytesOnTheWireAreNotReadable() async throws {
        let harness = try Harness()
        let zap = try harness.authenticator()
        await zap.start()
        defer { zap.stop() }
        let secret = "机密标题-\(UUID().uuidString)"
        try harness.append(1, prefix: secret)

        // A man in the middle: a TCP proxy that forwards and records every byte between relay and listener.
        let proxy = try TCPRecorder(forwardingTo: harness.endpoint)
        let consumer = Task { try await harness.listener().run() }
        let relay = EventRelay(log: harness.log, consumer: "consumer", endpoint: proxy.endpoint, database: harness.producerDB.writer,
                               context: harness.producerContext, security: .curve(harness.producerRing), logger: harness.logger)
        let producer = Task { try await relay.run() }
        defer { consumer.cancel(); producer.cancel(); proxy.stop() }

        #expect(try await harness.waitUntil { try harness.appliedCount() == 1 })
        let recorded = proxy.recordedBytes()
        #expect(recorded.count > 100, "the proxy saw the traffic")
        #expect(recorded.range(of: Data(secret.utf8)) == nil)
        #expect(recorded.range(of: Data("case.submitted".utf8)) == nil)
    }
}
