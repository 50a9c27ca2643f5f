import DubanMessaging
import DubanModels
import DubanRuntime
import DubanStorage
import Foundation
import GRDB
import Testing
@testable import ReportingService

/// The published figures for a scripted history, against values computed by hand (docs/METRICS.md).
@Suite struct FiguresTests {
    static func day(_ text: String) -> Date { Reporting.day(text)!.addingTimeInterval(10 * 3_600) }

    final class History {
        let database: ServiceDatabase

        init() throws {
            var migrator = DatabaseMigrator()
            EventStoreSchema.register(in: &migrator)
            Reporting.registerMigrations(in: &migrator)
            database = try ServiceDatabase(directory: NSTemporaryDirectory() + "reporting-\(UUID().uuidString)", name: "reporting", migrator: migrator)
        }

        func apply(_ id: String, _ at: String, _ payload: EventPayload, producer: String) throws {
            let event = EventEnvelope(occurredAt: FiguresTests.day(at), producer: producer, caseID: CaseID(rawValue: id), payload: payload)
            try database.writer.write { try ReadModel.apply(event, in: $0) }
        }

        func submit(_ id: String, _ at: String) throws {
            try apply(id, at, .caseSubmitted(CaseSubmitted(draft: CaseDraft(title: id, description: "d", channel: .meeting, submitter: Submitter()),
                                                           submittedAt: FiguresTests.day(at))), producer: "intake")
        }

        func route(_ id: String, _ at: String, to bureau: String, deadline: String) throws {
            try apply(id, at, .caseRouted(CaseRouted(bureau: BureauID(rawValue: bureau), bureauName: bureau, category: "c",
                                                     deadline: FiguresTests.day(deadline), deadlineClass: "general", rule: "keywords",
                                                     score: 1, alternatives: [])), producer: "routing")
        }

        func update(_ id: String, _ at: String, _ action: CaseAction, _ status: CaseStatus, score: Int? = nil) throws {
            try apply(id, at, .caseUpdated(CaseUpdated(action: action, actor: "k", status: status, satisfaction: score)), producer: "intake")
        }
    }

    @Test func scriptedNovemberMatchesHandComputedFigures() throws {
        let h = try History()
        try h.submit("C1", "2026-11-02"); try h.route("C1", "2026-11-02", to: "hrss", deadline: "2026-11-11")
        try h.update("C1", "2026-11-03", .sign, .signed); try h.update("C1", "2026-11-04", .measure, .inProgress)
        try h.update("C1", "2026-11-05", .resolve, .resolved); try h.update("C1", "2026-11-06", .confirm, .closed)
        try h.update("C1", "2026-11-06", .rate, .closed, score: 5)
        // Resolved late, confirmed, then reopened after confirmation: open again.
        try h.submit("C2", "2026-11-03"); try h.route("C2", "2026-11-03", to: "hrss", deadline: "2026-11-06")
        try h.update("C2", "2026-11-04", .sign, .signed); try h.update("C2", "2026-11-10", .resolve, .resolved)
        try h.update("C2", "2026-11-11", .confirm, .closed); try h.update("C2", "2026-11-12", .reject, .reopened)
        try h.update("C2", "2026-11-12", .rate, .reopened, score: 2)
        try h.submit("C3", "2026-11-04"); try h.route("C3", "2026-11-04", to: "education", deadline: "2026-11-09")
        try h.submit("C4", "2026-11-05"); try h.route("C4", "2026-11-05", to: "education", deadline: "2026-11-30")
        try h.update("C4", "2026-11-06", .sign, .signed); try h.update("C4", "2026-11-07", .measure, .inProgress)
        // Routed before it was submitted, as events from two producers may arrive.
        try h.route("C5", "2026-10-20", to: "hrss", deadline: "2026-10-29"); try h.submit("C5", "2026-10-20")
        // Returned by hrss, re-routed to education, resolved on time.
        try h.submit("C6", "2026-11-06"); try h.route("C6", "2026-11-06", to: "hrss", deadline: "2026-11-13")
        try h.update("C6", "2026-11-07", .return, .returned); try h.route("C6", "2026-11-07", to: "education", deadline: "2026-11-20")
        try h.update("C6", "2026-11-09", .sign, .signed); try h.update("C6", "2026-11-12", .resolve, .resolved)
        try h.update("C6", "2026-11-13", .rate, .resolved, score: 4)

        let stats = try h.database.writer.read {
            try CaseStats.compute(from: Reporting.day("2026-11-01"), to: Reporting.day("2026-12-01"), bureau: nil,
                                  now: Self.day("2026-11-20"), in: $0)
        }
        #expect(stats.overall == .init(collected: 5, measuresDrafted: 2, solved: 2, open: 3, overdue: 2, responseRate: 0.8,
                                       resolutionRate: 0.4, satisfactionRate: 2.0 / 3.0, onTimeRate: 1))
        #expect(stats.byBureau["hrss"] == .init(collected: 2, measuresDrafted: 1, solved: 1, open: 1, overdue: 1, responseRate: 1,
                                               resolutionRate: 0.5, satisfactionRate: 0.5, onTimeRate: 1))
        #expect(stats.byBureau["education"] == .init(collected: 3, measuresDrafted: 1, solved: 1, open: 2, overdue: 1,
                                                    responseRate: 2.0 / 3.0, resolutionRate: 1.0 / 3.0, satisfactionRate: 1,
                                                    onTimeRate: 1))
        #expect(stats.byStatus == ["closed": 1, "reopened": 1, "assigned": 1, "in_progress": 1, "resolved": 1])
        #expect(stats.casesByBureau == ["hrss": 2, "education": 3])

        // October holds only C5, which arrived routed-before-submitted and is still open and overdue.
        let october = try h.database.writer.read {
            try CaseStats.compute(from: Reporting.day("2026-10-01"), to: Reporting.day("2026-11-01"), bureau: nil, now: Self.day("2026-11-20"), in: $0)
        }
        #expect(october.overall == .init(collected: 1, measuresDrafted: 0, solved: 0, open: 1, overdue: 1, responseRate: 0,
                                         resolutionRate: 0, satisfactionRate: nil, onTimeRate: nil))
        #expect(october.byStatus == ["assigned": 1])
    }
}
