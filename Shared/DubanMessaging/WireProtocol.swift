import Foundation

/// The frames of Duban's delivery protocol between a producer's DEALER and a consumer's ROUTER.
///
/// - event: `["duban/1", "EVT", producer, epoch, seq, body]`
/// - acknowledgement: `["duban/1", "ACK", producer, epoch, appliedSeq, "ok" | "rewind"]`
/// - hello: `["duban/1", "HELLO", producer, epoch, ackedSeq]`, sent by an idle relay: "this is what you acknowledged".
///   A consumer that has applied less (its database was restored from a backup, or its read model is being rebuilt)
///   answers with a rewind from what it has, and the producer sends the rest of its log again.
///
/// Acknowledgements are cumulative: the consumer names the highest sequence number it has committed. `rewind` says it
/// saw a gap (a message lost with a broken connection) and wants everything after `appliedSeq` again. The epoch
/// increases at every rewind, so the producer ignores rewinds that answer messages it already resent.
enum WireProtocol {
    static let version = Data("duban/1".utf8)
    static let event = Data("EVT".utf8)
    static let ack = Data("ACK".utf8)
    static let hello = Data("HELLO".utf8)

    struct Event {
        var producer: String
        var epoch: UInt64
        var seq: Int64
        var body: Data
    }

    struct Ack {
        var producer: String
        var epoch: UInt64
        var appliedSeq: Int64
        var rewind: Bool
    }

    static func frames(_ event: Event) -> [Data] {
        [version, Self.event, Data(event.producer.utf8), Data(String(event.epoch).utf8), Data(String(event.seq).utf8), event.body]
    }

    static func frames(_ ack: Ack) -> [Data] {
        [version, Self.ack, Data(ack.producer.utf8), Data(String(ack.epoch).utf8), Data(String(ack.appliedSeq).utf8),
         Data((ack.rewind ? "rewind" : "ok").utf8)]
    }

    struct Hello {
        var producer: String
        var epoch: UInt64
        var ackedSeq: Int64
    }

    static func frames(_ hello: Hello) -> [Data] {
        [version, Self.hello, Data(hello.producer.utf8), Data(String(hello.epoch).utf8), Data(String(hello.ackedSeq).utf8)]
    }

    static func parseHello(_ frames: ArraySlice<Data>) -> Hello? {
        let f = Array(frames)
        guard f.count == 5, f[0] == version, f[1] == hello, let producer = String(data: f[2], encoding: .utf8), !producer.isEmpty,
              let epoch = UInt64(decimal: f[3]), let acked = Int64(decimal: f[4]), acked >= 0 else { return nil }
        return Hello(producer: producer, epoch: epoch, ackedSeq: acked)
    }

    static func parseEvent(_ frames: ArraySlice<Data>) -> Event? {
        let f = Array(frames)
        guard f.count == 6, f[0] == version, f[1] == event,
              let producer = String(data: f[2], encoding: .utf8), !producer.isEmpty,
              let epoch = UInt64(decimal: f[3]), let seq = Int64(decimal: f[4]), seq > 0 else { return nil }
        return Event(producer: producer, epoch: epoch, seq: seq, body: f[5])
    }

    static func parseAck(_ frames: [Data]) -> Ack? {
        guard frames.count == 6, frames[0] == version, frames[1] == ack,
              let producer = String(data: frames[2], encoding: .utf8),
              let epoch = UInt64(decimal: frames[3]), let applied = Int64(decimal: frames[4]) else { return nil }
        return Ack(producer: producer, epoch: epoch, appliedSeq: applied, rewind: frames[5] == Data("rewind".utf8))
    }
}

extension FixedWidthInteger {
    init?(decimal data: Data) {
        guard let text = String(data: data, encoding: .utf8) else { return nil }
        self.init(text)
    }
}
