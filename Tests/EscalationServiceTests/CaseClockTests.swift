import DubanMessaging
import DubanModels
import DubanRuntime
import DubanStorage
import Foundation
import GRDB
import Testing
@testable import EscalationService

/// The clock follows a case through every state, stops on resolution, runs again on reopening, and is not moved
/// back when routing's answer to an update arrives before the update itself.
@Suite struct CaseClockTests {
    let database: ServiceDatabase
    let events = EventLog(producer: "escalation")
    var time = Date(timeIntervalSince1970: 1_790_000_000)
    let caseID: CaseID = "DB-20261127-000007"

    init() throws {
        var migrator = DatabaseMigrator()
        EventStoreSchema.register(in: &migrator)
        Escalation.registerMigrations(in: &migrator)
        database = try ServiceDatabase(directory: NSTemporaryDirectory() + "clock-\(UUID().uuidString)", name: "escalation",
                                       migrator: migrator)
    }

    mutating func next() -> Date {
        time += 3_600
        return time
    }

    func routed(_ bureau: BureauID, deadline: Date, rule: String = "keywords", at: Date, cause: UUID? = nil) -> EventEnvelope {
        EventEnvelope(occurredAt: at, producer: "routing", caseID: caseID, causationID: cause,
                      payload: .caseRouted(CaseRouted(bureau: bureau, bureauName: bureau.rawValue, category: "power",
                                                      deadline: deadline, deadlineClass: "general", rule: rule, score: 1,
                                                      alternatives: [])))
    }

    func updated(_ action: CaseAction, _ status: CaseStatus, at: Date) -> EventEnvelope {
        EventEnvelope(occurredAt: at, producer: "intake", caseID: caseID,
                      payload: .caseUpdated(CaseUpdated(action: action, actor: "key", status: status)))
    }

    func apply(_ event: EventEnvelope) throws {
        try database.writer.write { try CaseClock.apply(event, events: events, clock: WallClock { event.occurredAt }, in: $0) }
    }

    func clock() throws -> CaseClock {
        try #require(try database.writer.read { try CaseClock.fetch(caseID.rawValue, in: $0) })
    }

    @Test mutating func followsEveryStateAndStopsOnlyWhenResolved() throws {
        let firstDeadline = time + 7 * 86_400
        try apply(routed("power-supply", deadline: firstDeadline, at: next()))
        #expect(try clock().state == .assigned)

        for (action, status, state) in [(CaseAction.sign, CaseStatus.signed, ClockState.signed),
                                        (.measure, .signed, .measureDrafted), (.progress, .inProgress, .inProgress)] {
            try apply(updated(action, status, at: next()))
            #expect(try clock().state == state)
            #expect(try clock().open)
        }
        let resolvedAt = next()
        try apply(updated(.resolve, .resolved, at: resolvedAt))
        #expect(try clock().state == .resolved)
        #expect(try clock().open == false)
        #expect(try clock().stoppedAt == resolvedAt)

        try apply(updated(.reject, .reopened, at: next()))
        #expect(try clock().state == .reopened)
        #expect(try clock().open)
        #expect(try clock().stoppedAt == nil)

        // A rating or a request for more time does not move the clock; the granted extension does, with its deadline.
        try apply(updated(.requestExtension, .reopened, at: next()))
        #expect(try clock().state == .reopened)
        let extended = firstDeadline + 3 * 86_400
        try apply(routed("power-supply", deadline: extended, rule: "extension-granted", at: next()))
        #expect(try clock().state == .extended)
        #expect(try clock().deadline == extended)

        // The bureau returns the case; routing's re-route arrives first, then the return itself.
        let returned = updated(.return, .returned, at: next())
        try apply(routed("water-supply", deadline: extended, rule: "reroute-after-return:keywords", at: next(), cause: returned.id))
        try apply(returned)
        #expect(try clock().state == .assigned)
        #expect(try clock().bureau == "water-supply")

        try apply(updated(.resolve, .resolved, at: next()))
        try apply(updated(.confirm, .closed, at: next()))
        #expect(try clock().state == .closed)
        #expect(try clock().open == false)

        // The history lists every state once, in the order things happened, with the deadlines that were set.
        let history = try clock().transitions
        #expect(history.map(\.state) == [.assigned, .signed, .measureDrafted, .inProgress, .resolved, .reopened, .extended,
                                         .returned, .assigned, .resolved, .closed])
        #expect(history[6].deadline == extended)
        // Applying an event twice (a redelivery) adds nothing.
        try apply(returned)
        #expect(try clock().transitions.count == history.count)
    }
}
