import Foundation

/// The frames of Duban's delivery protocol between a producer's DEALER and a consumer's ROUTER.
///
/// - events: `["duban/2 EVT <producer> <epoch> <count>", records]`: `count` events of one log in order, each record its
///   sequence number (8 bytes), its body's length (4 bytes, both big-endian) and the body; up to 64 KiB a message.
/// - acknowledgement: `["duban/2 ACK <producer> <epoch> <appliedSeq> ok|rewind"]`
/// - hello: `["duban/2 HELLO <producer> <epoch> <ackedSeq>"]`, sent by an idle relay: "this is what you acknowledged".
///   A consumer that has applied less (its database was restored from a backup, or its read model is being rebuilt)
///   answers with a rewind from what it has, and the producer sends the rest of its log again.
///
/// Acknowledgements are cumulative: the consumer names the highest sequence number it has committed. `rewind` says it
/// saw a gap (a message lost with a broken connection) and wants everything after `appliedSeq` again. The epoch
/// increases at every rewind, so the producer ignores rewinds that answer messages it already resent.
///
/// A header is one frame of space-separated fields, and the events travel together: CURVE encrypts and authenticates
/// every frame on its own, and libzmq's I/O thread pays per message, so `duban/1`, which spent a message per event
/// and a frame per field, cost six encryptions an event; a full message now costs two for about 150 events.
enum WireProtocol {
    static let version = "duban/2"

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

    struct Hello {
        var producer: String
        var epoch: UInt64
        var ackedSeq: Int64
    }

    /// The most bytes of records one message carries (a single larger event still travels, alone).
    static let maxRecordBytes = 64 * 1_024

    /// How many of `events`, from the first, fit in one message.
    static func fitting(_ events: ArraySlice<StoredEvent>) -> Int {
        var bytes = 0, count = 0
        for event in events {
            bytes += 12 + event.body.count
            if count > 0 && bytes > maxRecordBytes { break }
            count += 1
        }
        return count
    }

    static func frames(producer: String, epoch: UInt64, events: ArraySlice<StoredEvent>) -> [Data] {
        var records = Data(capacity: events.reduce(0) { $0 + 12 + $1.body.count })
        for event in events {
            withUnsafeBytes(of: UInt64(event.seq).bigEndian) { records.append(contentsOf: $0) }
            withUnsafeBytes(of: UInt32(event.body.count).bigEndian) { records.append(contentsOf: $0) }
            records.append(event.body)
        }
        return [Data("\(version) EVT \(producer) \(epoch) \(events.count)".utf8), records]
    }

    static func frames(_ ack: Ack) -> [Data] {
        [Data("\(version) ACK \(ack.producer) \(ack.epoch) \(ack.appliedSeq) \(ack.rewind ? "rewind" : "ok")".utf8)]
    }

    static func frames(_ hello: Hello) -> [Data] {
        [Data("\(version) HELLO \(hello.producer) \(hello.epoch) \(hello.ackedSeq)".utf8)]
    }

    /// The events of one message, in order; nil unless every record is whole and the count is right.
    static func parseEvents(_ frames: ArraySlice<Data>) -> [Event]? {
        guard frames.count == 2, let f = header(frames.first!, kind: "EVT", fields: 5),
              let epoch = decimal(f[3]), let count = decimal(f[4]), count > 0 else { return nil }
        let records = frames.last!
        var events: [Event] = []
        events.reserveCapacity(Int(min(count, 4_096)))
        // Bodies are slices of the records frame, sharing its bytes.
        let whole = records.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                guard bytes.count - offset >= 12 else { return false }
                let seq = bytes[offset..<offset + 8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                let length = bytes[offset + 8..<offset + 12].reduce(0) { $0 << 8 | Int($1) }
                offset += 12
                guard seq > 0, seq <= UInt64(Int64.max), bytes.count - offset >= length else { return false }
                let start = records.startIndex + offset
                events.append(Event(producer: f.producer, epoch: epoch, seq: Int64(seq), body: records[start..<start + length]))
                offset += length
            }
            return true
        }
        guard whole else { return nil }
        return events.count == count ? events : nil
    }

    static func parseAck(_ frames: [Data]) -> Ack? {
        guard frames.count == 1, let f = header(frames[0], kind: "ACK", fields: 6),
              let epoch = decimal(f[3]), let applied = decimal(f[4]) else { return nil }
        let rewind = f[5].elementsEqual("rewind".utf8)
        guard rewind || f[5].elementsEqual("ok".utf8) else { return nil }
        return Ack(producer: f.producer, epoch: epoch, appliedSeq: Int64(applied), rewind: rewind)
    }

    static func parseHello(_ frames: ArraySlice<Data>) -> Hello? {
        guard frames.count == 1, let f = header(frames.first!, kind: "HELLO", fields: 5),
              let epoch = decimal(f[3]), let acked = decimal(f[4]) else { return nil }
        return Hello(producer: f.producer, epoch: epoch, ackedSeq: Int64(acked))
    }

    /// A header's fields, split on spaces, read as bytes: this runs for every event, so no string is made but the
    /// producer's name.
    struct Header {
        var fields: [ArraySlice<UInt8>]
        var producer: String
        subscript(index: Int) -> ArraySlice<UInt8> { fields[index] }
    }

    /// The header when it is of this version and kind, names a producer in printable ASCII, and has `count` fields.
    static func header(_ frame: Data, kind: String, fields count: Int) -> Header? {
        guard frame.count <= 256 else { return nil }
        let fields = Array(frame).split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard fields.count == count, fields[0].elementsEqual(version.utf8), fields[1].elementsEqual(kind.utf8),
              !fields[2].isEmpty, fields[2].allSatisfy({ (0x21...0x7E).contains($0) }) else { return nil }
        return Header(fields: fields, producer: String(decoding: fields[2], as: UTF8.self))
    }

    /// A non-negative decimal that fits in an `Int64`, digits only.
    static func decimal(_ digits: ArraySlice<UInt8>) -> UInt64? {
        guard !digits.isEmpty, digits.count <= 19 else { return nil }
        var value: UInt64 = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
            value = value * 10 + UInt64(digit - UInt8(ascii: "0"))
        }
        return value <= UInt64(Int64.max) ? value : nil
    }
}
