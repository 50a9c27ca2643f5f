import Foundation

/// The compact binary form of an ``EventEnvelope``, used in event logs and on the wire between services, where
/// Foundation's JSON coders were most of a delivery's CPU time (docs/PERFORMANCE.md). JSON stays the form for people
/// and APIs: `EventCodec.decode` reads both, so logs written before this codec still deliver.
///
/// Layout (all integers little-endian; `str` = varint length + UTF-8; `opt` = 0 or 1, then the value):
/// `0xD1`, id (16 bytes), schemaVersion (varint), occurredAt (Float64 seconds since 1970), producer (str),
/// caseId (str), causationId (opt 16 bytes), type (str), then the payload's fields in declaration order.
/// The layout belongs to `schemaVersion`: a change to it is a new schema version. Version 2 added, at the end of
/// `case.submitted`, the session, first answer, liaison and area (each opt str), and the meeting and topic events,
/// whose payload is its JSON (str; times to the millisecond): they are few, and their shape grows with the council's
/// practice.
public enum EventCodec {
    static let binaryMark: UInt8 = 0xD1

    public static func encode(_ envelope: EventEnvelope) -> Data {
        var writer = BinaryWriter()
        writer.byte(binaryMark)
        writer.uuid(envelope.id)
        writer.varint(UInt64(envelope.schemaVersion))
        writer.date(envelope.occurredAt)
        writer.string(envelope.producer)
        writer.string(envelope.caseID.rawValue)
        writer.optional(envelope.causationID) { $0.uuid($1) }
        writer.string(envelope.type.rawValue)
        switch envelope.payload {
        case .caseSubmitted(let p):
            writer.string(p.draft.title)
            writer.string(p.draft.description)
            writer.string(p.draft.channel.rawValue)
            writer.optionalString(p.draft.submitter.name)
            writer.optionalString(p.draft.submitter.enterprise)
            writer.optionalString(p.draft.submitter.phone)
            writer.optionalString(p.draft.category?.rawValue)
            writer.optional(p.draft.location) { writer, location in
                writer.optional(location.latitude) { $0.double($1) }
                writer.optional(location.longitude) { $0.double($1) }
                writer.optionalString(location.address)
            }
            writer.date(p.submittedAt)
            writer.optionalString(p.draft.session)
            writer.optionalString(p.draft.firstAnswer)
            writer.optionalString(p.draft.liaison)
            writer.optionalString(p.draft.area)
        case .caseRouted(let p):
            writer.string(p.bureau.rawValue)
            writer.string(p.bureauName)
            writer.string(p.category.rawValue)
            writer.date(p.deadline)
            writer.string(p.deadlineClass)
            writer.string(p.rule)
            writer.double(p.score)
            writer.varint(UInt64(p.alternatives.count))
            for alternative in p.alternatives {
                writer.string(alternative.category.rawValue)
                writer.double(alternative.score)
            }
            writer.optionalString(p.counterpart?.rawValue)
            writer.varint(UInt64(p.assisting.count))
            for bureau in p.assisting { writer.string(bureau.rawValue) }
        case .deadlineTracked(let p):
            writer.string(p.bureau.rawValue)
            writer.date(p.deadline)
        case .caseUpdated(let p):
            writer.string(p.action.rawValue)
            writer.string(p.actor)
            writer.string(p.status.rawValue)
            writer.optionalString(p.bureau?.rawValue)
            writer.optionalString(p.note)
            writer.optional(p.extensionDays) { $0.signed($1) }
            writer.optional(p.approved) { $0.byte($1 ? 1 : 0) }
            writer.optional(p.satisfaction) { $0.signed($1) }
        case .meetingSeriesSaved(let p): writer.json(p)
        case .meetingSessionSaved(let p): writer.json(p)
        case .topicSaved(let p): writer.json(p)
        }
        return Data(writer.bytes)
    }

    /// The event's `type`, read from its header alone, for a body that may not decode as a whole.
    public static func type(of data: Data) -> String? {
        guard data.first == binaryMark else {
            return (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["type"] as? String
        }
        return data.withUnsafeBytes { buffer in
            var reader = BinaryReader(buffer)
            return try? {
                _ = try reader.byte()
                _ = try reader.uuid()
                _ = try reader.varint()
                _ = try reader.date()
                _ = try reader.string()
                _ = try reader.string()
                _ = try reader.optional { try $0.uuid() }
                return try reader.string()
            }()
        }
    }

    /// Reads either form: the binary one, or JSON (a body starting with `{`).
    public static func decode(_ data: Data) throws -> EventEnvelope {
        guard data.first == binaryMark else { return try DubanJSON.decoder().decode(EventEnvelope.self, from: data) }
        return try data.withUnsafeBytes { buffer in
            var reader = BinaryReader(buffer)
            _ = try reader.byte()
            let id = try reader.uuid()
            let schemaVersion = Int(try reader.varint())
            guard schemaVersion <= EventEnvelope.currentSchemaVersion else {
                throw EventCodecError("schema version \(schemaVersion) is newer than this service knows")
            }
            let occurredAt = try reader.date()
            let producer = try reader.string()
            let caseID = CaseID(rawValue: try reader.string())
            let causationID = try reader.optional { try $0.uuid() }
            let rawType = try reader.string()
            guard let type = EventType(rawValue: rawType) else { throw EventCodecError("unknown event type \(rawType)") }
            let payload: EventPayload
            switch type {
            case .caseSubmitted:
                var draft = CaseDraft(
                    title: try reader.string(), description: try reader.string(), channel: try reader.enumeration(),
                    submitter: Submitter(name: try reader.optionalString(), enterprise: try reader.optionalString(),
                                         phone: try reader.optionalString()),
                    category: try reader.optionalString().map(CategoryID.init(rawValue:)),
                    location: try reader.optional { reader in
                        Location(latitude: try reader.optional { try $0.double() }, longitude: try reader.optional { try $0.double() },
                                 address: try reader.optionalString())
                    })
                let submittedAt = try reader.date()
                if schemaVersion >= 2 {
                    draft.session = try reader.optionalString()
                    draft.firstAnswer = try reader.optionalString()
                    draft.liaison = try reader.optionalString()
                    draft.area = try reader.optionalString()
                }
                payload = .caseSubmitted(CaseSubmitted(draft: draft, submittedAt: submittedAt))
            case .caseRouted:
                let bureau = BureauID(rawValue: try reader.string()), bureauName = try reader.string()
                let category = CategoryID(rawValue: try reader.string()), deadline = try reader.date()
                let deadlineClass = try reader.string(), rule = try reader.string(), score = try reader.double()
                let alternatives = try (0..<reader.count()).map { _ in
                    RoutingAlternative(category: CategoryID(rawValue: try reader.string()), score: try reader.double())
                }
                let counterpart = try reader.optionalString().map(BureauID.init(rawValue:))
                let assisting = try (0..<reader.count()).map { _ in BureauID(rawValue: try reader.string()) }
                payload = .caseRouted(CaseRouted(bureau: bureau, bureauName: bureauName, category: category, deadline: deadline,
                                                 deadlineClass: deadlineClass, rule: rule, score: score, alternatives: alternatives,
                                                 counterpart: counterpart, assisting: assisting))
            case .deadlineTracked:
                payload = .deadlineTracked(DeadlineTracked(bureau: BureauID(rawValue: try reader.string()), deadline: try reader.date()))
            case .caseUpdated:
                payload = .caseUpdated(CaseUpdated(
                    action: try reader.enumeration(), actor: try reader.string(), status: try reader.enumeration(),
                    bureau: try reader.optionalString().map(BureauID.init(rawValue:)), note: try reader.optionalString(),
                    extensionDays: try reader.optional { try $0.signed() },
                    approved: try reader.optional { try $0.byte() != 0 },
                    satisfaction: try reader.optional { try $0.signed() }))
            case .meetingSeriesSaved: payload = .meetingSeriesSaved(try reader.json())
            case .meetingSessionSaved: payload = .meetingSessionSaved(try reader.json())
            case .topicSaved: payload = .topicSaved(try reader.json())
            }
            guard reader.isAtEnd else { throw EventCodecError("\(reader.remaining) bytes after the event") }
            var envelope = EventEnvelope(id: id, occurredAt: occurredAt, producer: producer, caseID: caseID,
                                         causationID: causationID, payload: payload)
            envelope.schemaVersion = schemaVersion
            return envelope
        }
    }
}

public struct EventCodecError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

struct BinaryWriter {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(512) }

    mutating func byte(_ value: UInt8) { bytes.append(value) }

    mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    /// Zig-zag, so small negative numbers stay small.
    mutating func signed(_ value: Int) { varint(UInt64(bitPattern: Int64((value << 1) ^ (value >> 63)))) }

    mutating func double(_ value: Double) {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func date(_ value: Date) { double(value.timeIntervalSince1970) }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            varint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func uuid(_ value: UUID) {
        withUnsafeBytes(of: value.uuid) { bytes.append(contentsOf: $0) }
    }

    mutating func optional<T>(_ value: T?, _ write: (inout BinaryWriter, T) -> Void) {
        guard let value else { return byte(0) }
        byte(1)
        write(&self, value)
    }

    mutating func optionalString(_ value: String?) { optional(value) { $0.string($1) } }

    /// A value as its JSON text (a `str`).
    mutating func json<T: Encodable>(_ value: T) {
        string(String(decoding: (try? DubanJSON.shared.encode(value)) ?? Data("{}".utf8), as: UTF8.self))
    }
}

struct BinaryReader {
    private let buffer: UnsafeRawBufferPointer
    private var offset = 0

    init(_ buffer: UnsafeRawBufferPointer) { self.buffer = buffer }

    var isAtEnd: Bool { offset == buffer.count }
    var remaining: Int { buffer.count - offset }

    private mutating func take(_ count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, count <= remaining else { throw EventCodecError("the event ends too early") }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + count])
    }

    mutating func byte() throws -> UInt8 { try take(1)[0] }

    mutating func varint() throws -> UInt64 {
        var value: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: 7) {
            let next = try byte()
            value |= UInt64(next & 0x7F) << UInt64(shift)
            if next < 0x80 { return value }
        }
        throw EventCodecError("a number longer than 64 bits")
    }

    mutating func signed() throws -> Int {
        let raw = try varint()
        return Int(truncatingIfNeeded: Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1))
    }

    /// A collection's length, which cannot be more than the bytes left.
    mutating func count() throws -> Int {
        let value = try varint()
        guard value <= UInt64(remaining) else { throw EventCodecError("a length beyond the end of the event") }
        return Int(value)
    }

    mutating func double() throws -> Double {
        var bits: UInt64 = 0
        let raw = try take(8)
        withUnsafeMutableBytes(of: &bits) { $0.copyMemory(from: raw) }
        return Double(bitPattern: UInt64(littleEndian: bits))
    }

    mutating func date() throws -> Date { Date(timeIntervalSince1970: try double()) }

    /// Text that must be valid UTF-8. Decoding (which replaces invalid bytes with U+FFFD) and comparing the bytes is
    /// the stdlib's specialised path; `String(validating:as:)` went through generic code that looked up type metadata
    /// for every string, a tenth of a consumer's decoding.
    mutating func string() throws -> String {
        let raw = try take(try count())
        var text = String(decoding: raw, as: UTF8.self)
        let unchanged = raw.isEmpty || text.withUTF8 { utf8 in
            utf8.count == raw.count && memcmp(utf8.baseAddress!, raw.baseAddress!, raw.count) == 0
        }
        guard unchanged else { throw EventCodecError("text that is not UTF-8") }
        return text
    }

    mutating func uuid() throws -> UUID {
        let raw = try take(16)
        var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &value) { $0.copyMemory(from: raw) }
        return UUID(uuid: value)
    }

    mutating func optional<T>(_ read: (inout BinaryReader) throws -> T) throws -> T? {
        switch try byte() {
        case 0: return nil
        case 1: return try read(&self)
        case let other: throw EventCodecError("an optional marked \(other)")
        }
    }

    mutating func optionalString() throws -> String? { try optional { try $0.string() } }

    mutating func json<T: Decodable>() throws -> T {
        try DubanJSON.decoder().decode(T.self, from: Data(try string().utf8))
    }

    mutating func enumeration<T: RawRepresentable>() throws -> T where T.RawValue == String {
        let raw = try string()
        guard let value = T(rawValue: raw) else { throw EventCodecError("unknown \(T.self) \(raw)") }
        return value
    }
}
