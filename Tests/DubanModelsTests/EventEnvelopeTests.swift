import DubanModels
import Foundation
import Testing

@Suite struct EventEnvelopeTests {
    static let sample = EventEnvelope(
        id: UUID(uuidString: "6F1C2A8E-0000-4000-8000-000000000001")!,
        occurredAt: Date(timeIntervalSince1970: 1_795_000_000), producer: "routing", caseID: "DB-20261127-000001",
        payload: .caseRouted(CaseRouted(bureau: "hrss", bureauName: "人力资源和社会保障局", category: "labour",
                                        deadline: Date(timeIntervalSince1970: 1_795_600_000), deadlineClass: "general",
                                        rule: "keywords", score: 5, alternatives: [.init(category: "talent", score: 1)])))

    @Test func encodesTheDocumentedStableShape() throws {
        let json = String(decoding: try DubanJSON.encoder().encode(Self.sample), as: UTF8.self)
        #expect(json == #"{"caseId":"DB-20261127-000001","id":"6F1C2A8E-0000-4000-8000-000000000001","occurredAt":"2026-11-18T11:06:40.000Z","payload":{"alternatives":[{"category":"talent","score":1}],"assisting":[],"bureau":"hrss","bureauName":"人力资源和社会保障局","category":"labour","deadline":"2026-11-25T09:46:40.000Z","deadlineClass":"general","rule":"keywords","score":5},"producer":"routing","schemaVersion":2,"type":"case.routed"}"#)
    }

    @Test func readsTimesWithAndWithoutMilliseconds() throws {
        struct Stamp: Codable { var at: Date }
        let plain = try DubanJSON.decoder().decode(Stamp.self, from: Data(#"{"at":"2026-11-18T11:06:40Z"}"#.utf8))
        let precise = try DubanJSON.decoder().decode(Stamp.self, from: Data(#"{"at":"2026-11-18T11:06:40.250Z"}"#.utf8))
        #expect(precise.at.timeIntervalSince(plain.at) == 0.25)
        #expect(throws: DecodingError.self) { try DubanJSON.decoder().decode(Stamp.self, from: Data(#"{"at":"yesterday"}"#.utf8)) }
    }

    /// A time written, read and written again is the same text: the format cuts the fraction off, and a millisecond read
    /// back is a double a hair below it (without rounding, each save of a record moved its times a millisecond back).
    @Test func timesKeepTheirMillisecondThroughManyRoundTrips() throws {
        struct Stamp: Codable, Equatable { var at: Date }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            var stamp = Stamp(at: Date(timeIntervalSince1970: Double.random(in: 1_700_000_000...1_900_000_000, using: &generator)))
            let first = try DubanJSON.encoder().encode(stamp)
            for _ in 0..<5 { stamp = try DubanJSON.decoder().decode(Stamp.self, from: DubanJSON.encoder().encode(stamp)) }
            #expect(try DubanJSON.encoder().encode(stamp) == first, "\(String(decoding: first, as: UTF8.self))")
        }
    }

    @Test func roundTripsEveryPayload() throws {
        let draft = CaseDraft(title: "招工难", description: "普工招不到人", channel: .hotline,
                              submitter: Submitter(name: "张三", enterprise: "某公司", phone: "13800000000"),
                              location: Location(latitude: 28.2, longitude: 112.9, address: "经开区"))
        let payloads: [EventPayload] = [
            .caseSubmitted(CaseSubmitted(draft: draft, submittedAt: Date(timeIntervalSince1970: 1_795_000_000))),
            Self.sample.payload,
            .deadlineTracked(DeadlineTracked(bureau: "hrss", deadline: Date(timeIntervalSince1970: 1_795_600_000))),
        ]
        for payload in payloads {
            let envelope = EventEnvelope(occurredAt: Date(timeIntervalSince1970: 1_795_000_000), producer: "test",
                                         caseID: "DB-1", payload: payload)
            let decoded = try DubanJSON.decoder().decode(EventEnvelope.self, from: DubanJSON.encoder().encode(envelope))
            #expect(decoded == envelope)
        }
    }

    @Test func refusesUnknownTypesAndNewerSchemas() throws {
        var object = try #require(try JSONSerialization.jsonObject(with: DubanJSON.encoder().encode(Self.sample)) as? [String: Any])
        object["type"] = "case.teleported"
        #expect(throws: DecodingError.self) {
            try DubanJSON.decoder().decode(EventEnvelope.self, from: JSONSerialization.data(withJSONObject: object))
        }
        object["type"] = "case.routed"
        object["schemaVersion"] = 3
        #expect(throws: DecodingError.self) {
            try DubanJSON.decoder().decode(EventEnvelope.self, from: JSONSerialization.data(withJSONObject: object))
        }
    }
}
