import DubanMessaging
import DubanModels
import Foundation
import GRDB
import Testing

@Suite(.serialized) struct DeliveryTests {
    @Test func deliversEveryEventExactlyOnceAndInOrder() async throws {
        let harness = try Harness()
        let zap = try harness.authenticator()
        await zap.start()
        try harness.append(2_000)
        let consumer = Task { try await harness.listener().run() }
        let producer = Task { try await harness.relay().run() }
        defer { consumer.cancel(); producer.cancel(); zap.stop() }

        #expect(try await harness.waitUntil { try harness.appliedCount() == 2_000 })
        #expect(try harness.appliedTitles() == (0..<2_000).map { "case \($0)" })
        let backlogGone = try await harness.waitUntil(seconds: 5) {
            try harness.producerDB.writer.read { try EventLogQueries.ackedSeq(consumer: "consumer", in: $0) } == 2_000
        }
        #expect(backlogGone, "the acknowledged cursor is saved in the producer's database")
    }

    @Test func consumerRestartLosesAndDuplicatesNothing() async throws {
        let harness = try Harness()
        let zap = try harness.authenticator()
        await zap.start()
        defer { zap.stop() }
        let producer = Task { try await harness.relay(options: fastResend).run() }
        defer { producer.cancel() }

        var consumer = Task { try await harness.listener().run() }
        try harness.append(1_000)
        #expect(try await harness.waitUntil { try harness.appliedCount() > 0 })
        consumer.cancel()
        try await consumer.value
        try harness.append(1_000, prefix: "later")  // written while the consumer is away: waits on disk
        consumer = Task { try await harness.listener().run() }
        defer { consumer.cancel() }

        #expect(try await harness.waitUntil { try harness.appliedCount() >= 2_000 })
        try await Task.sleep(for: .milliseconds(300))  // room for any duplicate to show up
        let titles = try harness.appliedTitles()
        #expect(titles == (0..<1_000).map { "case \($0)" } + (0..<1_000).map { "later \($0)" })
    }

    @Test func producerRestartResendsOnlyWhatWasNotAcknowledged() async throws {
        let harness = try Harness()
        let zap = try harness.authenticator()
        await zap.start()
        defer { zap.stop() }
        let consumer = Task { try await harness.listener().run() }
        defer { consumer.cancel() }

        try harness.append(500)
        var producer = Task { try await harness.relay().run() }
        #expect(try await harness.waitUntil { try harness.appliedCount() == 500 })
        producer.cancel()
        try await producer.value
        try harness.append(500, prefix: "after")
        producer = Task { try await harness.relay().run() }
        defer { producer.cancel() }
        #expect(try await harness.waitUntil { try harness.appliedCount() == 1_000 })
        #expect(try harness.appliedTitles() == (0..<500).map { "case \($0)" } + (0..<500).map { "after \($0)" })
    }

    @Test func poisonEventIsDeadLetteredAndDoesNotBlockTheRest() async throws {
        struct Poison: Error {}
        let harness = try Harness()
        let zap = try harness.authenticator()
        await zap.start()
        defer { zap.stop() }
        try harness.append(10)
        try harness.append(1, prefix: "poison")
        try harness.append(10, prefix: "after")
        let strict: EventListener.Handler = { db, event in
            if case .caseSubmitted(let submitted) = event.payload, submitted.draft.title.hasPrefix("poison") { throw Poison() }
            try Harness.recordTitle(db, event)
        }
        let consumer = Task { try await harness.listener(handler: strict).run() }
        let producer = Task { try await harness.relay().run() }
        defer { consumer.cancel(); producer.cancel() }

        #expect(try await harness.waitUntil { try harness.appliedCount() == 20 })
        let letters = try await harness.consumerDB.writer.read { try DeadLetters.list(in: $0) }
        #expect(letters.count == 1)
        #expect(letters.first?.type == "case.submitted")
        #expect(letters.first?.error.contains("Poison") == true)

        // Replayed with a handler that now accepts it, it applies once and leaves the queue.
        let replayed = try await harness.consumerDB.writer.write { try DeadLetters.replay(id: letters[0].id, in: $0, handler: Harness.recordTitle) }
        #expect(replayed)
        #expect(try await harness.consumerDB.writer.read { try DeadLetters.pendingCount(in: $0) } == 0)
        #expect(try harness.appliedTitles().last == "poison 0")
    }

    @Test func undecodableBytesAreDeadLettered() async throws {
        let harness = try Harness()
        let zap = try harness.authenticator()
        await zap.start()
        defer { zap.stop() }
        try await harness.producerDB.writer.write { db in
            try db.execute(sql: "INSERT INTO event_log (event_id, case_id, type, body, created_at) VALUES ('x', 'C-x', 'case.unknown', ?, 0)",
                           arguments: [Data("{\"type\":\"case.unknown\"}".utf8)])
        }
        try harness.append(5)
        let consumer = Task { try await harness.listener().run() }
        let producer = Task { try await harness.relay().run() }
        defer { consumer.cancel(); producer.cancel() }
        #expect(try await harness.waitUntil { try harness.appliedCount() == 5 })
        #expect(try await harness.consumerDB.writer.read { try DeadLetters.pendingCount(in: $0) } == 1)
    }

    private var fastResend: EventRelay.Options {
        var options = EventRelay.Options()
        options.resendAfter = .milliseconds(300)
        return options
    }
}
