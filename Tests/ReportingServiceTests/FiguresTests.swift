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

    /// Six cases across October and November 2026, hand-computed in docs/METRICS.md terms below.
    static func scriptedNovember() throws -> History {
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
        return h
    }

    @Test func scriptedNovemberMatchesHandComputedFigures() throws {
        let h = try Self.scriptedNovember()
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

    /// November's ranking: hrss scores (1 + 0.5 + 0.5 + 1) / 4 = 0.75, education (2/3 + 1/3 + 1 + 1) / 4 = 0.75; the
    /// tie goes to the bureau that collected more.
    @Test func monthlyRankingRanksBureausByTheirRates() throws {
        let h = try Self.scriptedNovember()
        let ranking = try h.database.writer.read { try MonthlyRanking.compute(month: "2026-11", now: Self.day("2026-11-20"), in: $0) }
        #expect(ranking.entries.map(\.bureau) == ["education", "hrss"])
        #expect(ranking.entries.map(\.rank) == [1, 2])
        #expect(ranking.entries.map(\.score) == [0.75, 0.75])
        #expect(ranking.entries.first?.figures.collected == 3)
        #expect(ranking.from == Reporting.day("2026-11-01") && ranking.to == Reporting.day("2026-12-01"))
        // October: only hrss, with C5 (no rate but response 0 and resolution 0).
        let october = try h.database.writer.read { try MonthlyRanking.compute(month: "2026-10", now: Self.day("2026-11-20"), in: $0) }
        #expect(october.entries.map(\.bureau) == ["hrss"] && october.entries.first?.score == 0)
        for bad in ["2026-13", "26-11", "2026-1", "november"] {
            #expect(throws: APIError.self) { try h.database.writer.read { try MonthlyRanking.compute(month: bad, now: Date(), in: $0) } }
        }
    }

    /// ISO week 45 of 2026 (Monday 2 to Sunday 8 November) collected the same five cases as November.
    @Test func weeklyReportInJSONCSVAndHTML() throws {
        let h = try Self.scriptedNovember()
        let report = try h.database.writer.read { try WeeklyReport.compute(week: "2026-W45", now: Self.day("2026-11-20"), in: $0) }
        #expect(report.from == Reporting.day("2026-11-02") && report.to == Reporting.day("2026-11-09"))
        #expect(report.overall.collected == 5 && report.overall.solved == 2 && report.overall.overdue == 2)
        #expect(report.bureaus.map(\.bureau) == ["education", "hrss"])
        // Overdue now, whenever collected: C5 (deadline 29 Oct), C2 (6 Nov, reopened), C3 (9 Nov).
        #expect(report.overdueNow.map(\.id) == ["C5", "C2", "C3"])

        let csv = report.csv
        #expect(csv.hasPrefix("\u{FEFF}bureau,bureau_name,collected,measures_drafted,solved,open,overdue,"))
        let lines = csv.dropFirst().split(separator: "\r\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[1] == "education,education,3,1,1,2,1,0.6667,0.3333,1.0000,1.0000")
        #expect(lines[2] == "hrss,hrss,2,1,1,1,1,1.0000,0.5000,0.5000,1.0000")
        #expect(lines[3] == "all,合计,5,2,2,3,2,0.8000,0.4000,0.6667,1.0000")

        let html = report.html
        #expect(html.hasPrefix("<!doctype html>") && html.contains("督办周报 2026年第45周"))
        #expect(html.contains("<tr><td>education</td><td>3</td><td>1</td><td>1</td><td>2</td><td>1</td><td>66.7%</td>"))
        #expect(html.contains("当前超期（3 件）"))
        #expect(!html.contains("<script") && !html.contains("http"), "no scripts, nothing fetched from elsewhere")

        for bad in ["2026-W54", "2026-48", "W48", "2026-W0"] {
            #expect(throws: APIError.self) { try h.database.writer.read { try WeeklyReport.compute(week: bad, now: Date(), in: $0) } }
        }
    }

    @Test func weekAndMonthNamesInChinaTime() {
        // Sunday 29 November 2026, 23:30 in Beijing is still week 48; Monday 00:30 is week 49.
        #expect(ReportPeriod.weekName(of: Reporting.day("2026-11-29")!.addingTimeInterval(23.5 * 3_600)) == "2026-W48")
        #expect(ReportPeriod.weekName(of: Reporting.day("2026-11-30")!.addingTimeInterval(0.5 * 3_600)) == "2026-W49")
        #expect(ReportPeriod.monthName(of: Reporting.day("2026-12-01")!.addingTimeInterval(60)) == "2026-12")
        #expect(ReportPeriod.week("2026-W01")?.0 == Reporting.day("2025-12-29"))
    }
}
