import DubanModels
import Foundation
import Testing

/// The binary event form must carry every field of every payload exactly, read the JSON form too, and refuse what is
/// damaged with an error (never a crash, never a half-read event).
@Suite struct EventCodecTests {
    static let time = Date(timeIntervalSince1970: 1_795_000_000.123)
    /// Meeting and topic payloads travel as JSON inside the binary form: their times are kept to the millisecond.
    static let millisecond = Date(timeIntervalSince1970: 1_795_000_000.125)

    static let envelopes: [EventEnvelope] = {
        let full = CaseDraft(title: "招工难", description: "普工招不到人，\"急\"\n第二行", channel: .hotline,
                             submitter: Submitter(name: "张三", enterprise: "某公司", phone: "13800000000"), category: "labour",
                             location: Location(latitude: 28.2, longitude: -112.9, address: "经开区"))
        let bare = CaseDraft(title: "t", description: "", channel: .meeting, submitter: Submitter(),
                             location: Location(latitude: nil, longitude: nil, address: nil))
        let payloads: [EventPayload] = [
            .caseSubmitted(CaseSubmitted(draft: full, submittedAt: time)),
            .caseSubmitted(CaseSubmitted(draft: bare, submittedAt: time)),
            EventEnvelopeTests.sample.payload,
            .caseRouted(CaseRouted(bureau: "water-supply", bureauName: "市自来水公司", category: "water", deadline: time,
                                   deadlineClass: "urgent-24h", rule: "jurisdiction", score: -0.5, alternatives: [],
                                   counterpart: "housing", assisting: ["hrss", "power-supply"])),
            .deadlineTracked(DeadlineTracked(bureau: "hrss", deadline: time)),
            .caseUpdated(CaseUpdated(action: .decideExtension, actor: "approver", status: .signed, bureau: "hrss",
                                     note: "同意", extensionDays: -3, approved: false, satisfaction: 5)),
            .caseUpdated(CaseUpdated(action: .rate, actor: "submitter", status: .closed)),
            .caseSubmitted(CaseSubmitted(draft: CaseDraft(title: "招工难", description: "普工", channel: .meeting, submitter: Submitter(enterprise: "某公司"),
                                                          session: "zhengqi-16", firstAnswer: "人社局下周对接", liaison: "li", area: "三组"),
                                         submittedAt: time)),
            .meetingSeriesSaved(MeetingSeries(id: "zhengqi", name: "政企交流主题日", weekday: 1, startsAt: "20:00", endsAt: "22:00", chair: "何恩广")),
            .meetingSessionSaved(MeetingSession(id: "zhengqi-16", series: "zhengqi", seriesName: "政企交流主题日", number: 16, date: "2026-12-07",
                                                startsAt: "20:00", endsAt: "22:00", theme: "用工", leaders: ["何恩广"], bureaus: ["hrss"],
                                                invited: ["甲", "乙"], attending: ["甲"], state: .closed, openedAt: millisecond, closedAt: millisecond)),
            .topicSaved(Topic(id: "YT-0001", title: "村道", step: .consult, cases: ["DB-1"],
                              records: [TopicStepRecord(step: .consult, by: "wang", at: millisecond, parties: [TopicParty(party: "村民", position: "同意")],
                                                        decision: "硬化")], createdAt: millisecond)),
        ]
        return payloads.enumerated().map { index, payload in
            EventEnvelope(occurredAt: time, producer: "intake", caseID: CaseID(rawValue: "DB-20261127-00000\(index)"),
                          causationID: index.isMultiple(of: 2) ? UUID() : nil, payload: payload)
        }
    }()

    @Test(arguments: envelopes) func roundTripsExactly(_ envelope: EventEnvelope) throws {
        let body = EventCodec.encode(envelope)
        #expect(try EventCodec.decode(body) == envelope)
        #expect(EventCodec.type(of: body) == envelope.type.rawValue)
        // The JSON form of the same event is read too (logs written before the binary form).
        let json = try DubanJSON.encoder().encode(envelope)
        let fromJSON = try EventCodec.decode(json)
        #expect(fromJSON.payload.type == envelope.type && fromJSON.id == envelope.id)
        #expect(EventCodec.type(of: json) == envelope.type.rawValue)
    }

    @Test func everyTruncationAndTrailingByteIsRefused() throws {
        for envelope in Self.envelopes {
            let body = EventCodec.encode(envelope)
            for length in 1..<body.count {
                #expect(throws: (any Error).self) { try EventCodec.decode(body.prefix(length)) }
            }
            #expect(throws: EventCodecError.self) { try EventCodec.decode(body + Data([0])) }
        }
    }

    /// Schema version 1's `case.submitted` (before meetings) still reads, without a session or liaison.
    @Test func readsVersionOneSubmissions() throws {
        let draft = CaseDraft(title: "招工难", description: "普工", channel: .web, submitter: Submitter(enterprise: "某公司"))
        var body = EventCodec.encode(EventEnvelope(occurredAt: Self.time, producer: "intake", caseID: "DB-1",
                                                   payload: .caseSubmitted(CaseSubmitted(draft: draft, submittedAt: Self.time))))
        body[17] = 1
        body.removeLast(4)  // version 2's four absent optional fields
        let decoded = try EventCodec.decode(body)
        #expect(decoded.schemaVersion == 1)
        guard case .caseSubmitted(let submitted) = decoded.payload else { Issue.record("not a submission"); return }
        #expect(submitted.draft == draft && submitted.draft.session == nil)
    }

    @Test func refusesUnknownTypesNewerSchemasAndBadText() throws {
        let body = EventCodec.encode(EventEnvelopeTests.sample)
        var newer = body
        newer[17] = 3  // schemaVersion, right after the mark and the 16-byte id
        #expect(throws: EventCodecError.self) { try EventCodec.decode(newer) }

        let typeRange = try #require(body.range(of: Data("case.routed".utf8)))
        var unknown = body
        unknown.replaceSubrange(typeRange, with: Data("case.rerouted".utf8.prefix(11)))
        #expect(throws: EventCodecError.self) { try EventCodec.decode(unknown) }

        var notUTF8 = body
        notUTF8[typeRange.lowerBound] = 0xFF
        #expect(throws: EventCodecError.self) { try EventCodec.decode(notUTF8) }
    }

    @Test("free text that is not UTF-8 is refused, however it is broken, and valid text of every kind reads back")
    func refusesBrokenTextInFields() throws {
        let title = "厂区频繁停电 🔌 ok"
        let envelope = EventEnvelope(occurredAt: Date(timeIntervalSince1970: 1_700_000_000), producer: "intake", caseID: "DB-1",
                                     payload: .caseSubmitted(CaseSubmitted(draft: CaseDraft(title: title, description: "", channel: .web, submitter: Submitter()),
                                                                           submittedAt: Date(timeIntervalSince1970: 1_700_000_000))))
        let body = EventCodec.encode(envelope)
        guard case .caseSubmitted(let decoded) = try EventCodec.decode(body).payload else {
            Issue.record("not a submission")
            return
        }
        #expect(decoded.draft.title == title && decoded.draft.description.isEmpty)

        let start = try #require(body.range(of: Data(title.utf8))).lowerBound
        // A lone continuation byte, a sequence cut short, an overlong encoding, a surrogate: each must fail to decode.
        for broken: [UInt8] in [[0x80], [0xE5, 0x8E, 0x41], [0xC0, 0xAF], [0xED, 0xA0, 0x80]] {
            var corrupt = body
            corrupt.replaceSubrange(start..<start + broken.count, with: broken)
            #expect(throws: EventCodecError.self, "\(broken)") { try EventCodec.decode(corrupt) }
        }
    }

    @Test func isSmallerThanJSON() throws {
        for envelope in Self.envelopes {
            #expect(EventCodec.encode(envelope).count < (try DubanJSON.encoder().encode(envelope)).count)
        }
    }
}
