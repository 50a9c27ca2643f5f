@testable import DubanMessaging
import Foundation
import Testing

@Suite("Delivery protocol frames")
struct WireProtocolTests {
    @Test("events travel together, each record its number, length and body; every message reads back as written")
    func roundTrips() throws {
        let stored = [StoredEvent(seq: 41, body: Data([0, 1, 2, 0xFF])), StoredEvent(seq: 42, body: Data("事件".utf8))]
        let eventFrames = WireProtocol.frames(producer: "intake", epoch: 3, events: stored[...])
        #expect(eventFrames.count == 2)
        #expect(eventFrames[0] == Data("duban/2 EVT intake 3 2".utf8))
        #expect(eventFrames[1].prefix(12) == Data([0, 0, 0, 0, 0, 0, 0, 41, 0, 0, 0, 4]))
        let events = try #require(WireProtocol.parseEvents(eventFrames[...]))
        #expect(events.map(\.seq) == [41, 42])
        #expect(events.map(\.body) == stored.map(\.body))
        #expect(events.allSatisfy { $0.producer == "intake" && $0.epoch == 3 })

        let ack = try #require(WireProtocol.parseAck(WireProtocol.frames(WireProtocol.Ack(producer: "routing", epoch: 1, appliedSeq: 7, rewind: true))))
        #expect(ack.producer == "routing" && ack.epoch == 1 && ack.appliedSeq == 7 && ack.rewind)
        let ok = try #require(WireProtocol.parseAck(WireProtocol.frames(WireProtocol.Ack(producer: "routing", epoch: 0, appliedSeq: 0, rewind: false))))
        #expect(!ok.rewind)

        let hello = try #require(WireProtocol.parseHello(WireProtocol.frames(WireProtocol.Hello(producer: "intake", epoch: 2, ackedSeq: 9))[...]))
        #expect(hello.producer == "intake" && hello.epoch == 2 && hello.ackedSeq == 9)
    }

    @Test("anything else is refused, never half read")
    func refusesMalformedEvents() {
        let record = Data([0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 2, 0x61, 0x62])
        func parse(_ header: String, _ records: Data...) -> [WireProtocol.Event]? {
            WireProtocol.parseEvents(([Data(header.utf8)] + records)[...])
        }
        #expect(parse("duban/2 EVT intake 0 1", record)?.first?.body == Data("ab".utf8))  // the well-formed one
        #expect(parse("duban/1 EVT intake 0 1", record) == nil)           // another version
        #expect(parse("duban/2 ACK intake 0 1", record) == nil)           // another kind
        #expect(parse("duban/2 EVT intake 0 2", record) == nil)           // fewer records than the count
        #expect(parse("duban/2 EVT intake 0 0", Data()) == nil)           // no events
        #expect(parse("duban/2 EVT intake -1 1", record) == nil)          // a negative epoch
        #expect(parse("duban/2 EVT  0 1", record) == nil)                 // no producer
        #expect(parse("duban/2 EVT intake 0 1 x", record) == nil)         // a field too many
        #expect(parse("duban/2 EVT intake 0 1") == nil)                   // no records
        #expect(parse("duban/2 EVT intake 0 1", record, record) == nil)   // a frame too many
        #expect(parse("duban/2 EVT intake 0 1", record.dropLast()) == nil)                     // a body cut short
        #expect(parse("duban/2 EVT intake 0 1", record + Data([1])) == nil)                    // bytes left over
        #expect(parse("duban/2 EVT intake 0 1", Data(repeating: 0, count: 12)) == nil)         // sequence number 0
    }

    @Test("a message carries about 64 KiB of events, and one larger event alone")
    func fitting() {
        let small = (1...1_000).map { StoredEvent(seq: Int64($0), body: Data(count: 500)) }
        #expect(WireProtocol.fitting(small[...]) == 64 * 1_024 / 512)
        let large = [StoredEvent(seq: 1, body: Data(count: 100_000)), StoredEvent(seq: 2, body: Data(count: 10))]
        #expect(WireProtocol.fitting(large[...]) == 1)
    }

    @Test("acknowledgements and hellos with bad fields or bytes are refused")
    func refusesMalformedControlMessages() {
        #expect(WireProtocol.parseAck([Data("duban/2 ACK intake 0 5 maybe".utf8)]) == nil)
        #expect(WireProtocol.parseAck([Data("duban/2 ACK intake 0 5".utf8)]) == nil)
        #expect(WireProtocol.parseAck([Data([0x64, 0xFF, 0xFE])]) == nil)  // not UTF-8
        #expect(WireProtocol.parseHello([Data("duban/2 HELLO intake 0 -3".utf8)][...]) == nil)
        #expect(WireProtocol.parseHello([Data(repeating: 0x20, count: 300)][...]) == nil)
    }
}

@Suite("Delivery protocol numbers")
struct WireProtocolNumberTests {
    @Test("decimals: digits only, up to Int64.max")
    func decimals() {
        #expect(WireProtocol.decimal(Array("0".utf8)[...]) == 0)
        #expect(WireProtocol.decimal(Array("9223372036854775807".utf8)[...]) == UInt64(Int64.max))
        #expect(WireProtocol.decimal(Array("9223372036854775808".utf8)[...]) == nil)
        #expect(WireProtocol.decimal(Array("99999999999999999999".utf8)[...]) == nil)
        #expect(WireProtocol.decimal(Array("+5".utf8)[...]) == nil)
        #expect(WireProtocol.decimal(Array("".utf8)[...]) == nil)
    }

    @Test("a producer's name must be printable ASCII")
    func producerNames() {
        #expect(WireProtocol.parseHello([Data("duban/2 HELLO 进件 0 1".utf8)][...]) == nil)
        #expect(WireProtocol.parseHello([Data("duban/2 HELLO in\ttake 0 1".utf8)][...]) == nil)
    }
}
