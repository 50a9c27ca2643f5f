import DubanMessaging
import DubanModels
import DubanRuntime
import DubanStorage
import Foundation
import GRDB
import Testing
@testable import EscalationService

/// Six weeks of supervision, hour by hour, across the 2026 National Day holiday, with exact notices.
@Suite struct SupervisionSimulationTests {
    static let config = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("deploy/config").path

    /// `2026-10-09 09:00` in Beijing time.
    static func at(_ text: String) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let p = text.split(whereSeparator: { $0 == "-" || $0 == " " || $0 == ":" }).map { Int($0)! }
        return calendar.date(from: DateComponents(year: p[0], month: p[1], day: p[2], hour: p[3], minute: p[4]))!
    }

    struct World {
        let database: ServiceDatabase
        let supervisor: Supervisor
        let events = EventLog(producer: "escalation")

        init() throws {
            var migrator = DatabaseMigrator()
            EventStoreSchema.register(in: &migrator)
            Escalation.registerMigrations(in: &migrator)
            database = try ServiceDatabase(directory: NSTemporaryDirectory() + "escalation-\(UUID().uuidString)", name: "escalation",
                                           migrator: migrator)
            supervisor = Supervisor(policy: try EscalationPolicy.load(path: SupervisionSimulationTests.config + "/escalation.yaml"),
                                    calendar: try CalendarFile.load(path: SupervisionSimulationTests.config + "/calendar.yaml"),
                                    publicURL: "http://duban.example")
        }

        func open(_ id: String, title: String, bureau: String, deadline: String, city: Bool = false) throws {
            let clock = WallClock { SupervisionSimulationTests.at("2026-09-20 09:00") }
            try database.writer.write { db in
                let submitted = EventEnvelope(occurredAt: clock.now(), producer: "intake", caseID: CaseID(rawValue: id),
                                              payload: .caseSubmitted(CaseSubmitted(draft: CaseDraft(title: title, description: "d", channel: .meeting, submitter: Submitter()), submittedAt: clock.now())))
                try CaseClock.apply(submitted, events: events, clock: clock, in: db)
                let routed = EventEnvelope(occurredAt: clock.now(), producer: "routing", caseID: CaseID(rawValue: id),
                                           payload: .caseRouted(CaseRouted(bureau: BureauID(rawValue: bureau), bureauName: bureau, category: "c",
                                                                           deadline: SupervisionSimulationTests.at(deadline), deadlineClass: "general",
                                                                           rule: "keywords", score: 1, alternatives: [],
                                                                           counterpart: city ? "housing" : nil)))
                try CaseClock.apply(routed, events: events, clock: clock, in: db)
            }
        }

        func resolve(_ id: String) throws {
            let update = EventEnvelope(occurredAt: Date(), producer: "intake", caseID: CaseID(rawValue: id),
                                       payload: .caseUpdated(CaseUpdated(action: .resolve, actor: "bureau", status: .resolved)))
            try database.writer.write { try CaseClock.apply(update, events: events, clock: .system, in: $0) }
        }
    }

    @Test func sixWeeksAcrossNationalDay() throws {
        let world = try World()
        try world.open("A", title: "招工难", bureau: "hrss", deadline: "2026-09-30 09:00")
        try world.open("B", title: "自来水水压不足", bureau: "water-supply", deadline: "2026-10-09 09:00", city: true)
        try world.open("C", title: "员工子女入学难", bureau: "education", deadline: "2026-10-20 09:00")

        var seen: [String: (Date, Notice)] = [:]
        var now = Self.at("2026-09-21 00:00")
        let end = Self.at("2026-11-02 12:00")
        while now <= end {
            if now == Self.at("2026-10-12 10:00") { try world.resolve("B") }
            if now == Self.at("2026-10-15 10:00") { try world.resolve("C") }
            let created = try world.database.writer.write { try world.supervisor.sweep(at: now, in: $0) }
            for notice in created {
                #expect(seen[notice.id] == nil, "\(notice.id) produced twice")
                seen[notice.id] = (now, notice)
            }
            // A second sweep at the same moment (a restart, a duplicate timer) adds nothing.
            #expect(try world.database.writer.write { try world.supervisor.sweep(at: now, in: $0) }.isEmpty)
            now += 3_600
        }

        let caseNotices = seen.values.filter { $0.1.kind != .digest }
            .map { "\(format($0.0)) \($0.1.caseId!) \($0.1.kind.rawValue) L\($0.1.level ?? 0) \($0.1.recipient)" }.sorted()
        #expect(caseNotices == [
            "2026-09-29 09:00 A due_soon L0 hrss/contact",
            "2026-09-30 09:00 A escalation L1 hrss/contact",
            "2026-10-08 09:00 B due_soon L0 water-supply/contact",
            "2026-10-09 09:00 A escalation L2 hrss/head",
            "2026-10-09 09:00 B escalation L1 water-supply/contact",
            "2026-10-12 09:00 B escalation L2 water-supply/head",
            "2026-10-13 09:00 A escalation L3 zone-leadership",
            "2026-10-15 09:00 A escalation L2 hrss/head",
            "2026-10-20 09:00 A escalation L3 zone-leadership",
            "2026-10-22 09:00 A escalation L2 hrss/head",
            "2026-10-27 09:00 A escalation L3 zone-leadership",
            "2026-10-29 09:00 A escalation L2 hrss/head",
        ])

        let digests = seen.values.filter { $0.1.kind == .digest }.map { "\(format($0.0)) \($0.1.recipient)" }.sorted()
        #expect(digests == [
            "2026-09-21 09:00 education/contact", "2026-09-21 09:00 hrss/contact", "2026-09-21 09:00 water-supply/contact", "2026-09-21 09:00 zone-leadership",
            "2026-09-28 09:00 education/contact", "2026-09-28 09:00 hrss/contact", "2026-09-28 09:00 water-supply/contact", "2026-09-28 09:00 zone-leadership",
            // Monday 10-05 is National Day: the list goes out on the next working day.
            "2026-10-08 09:00 education/contact", "2026-10-08 09:00 hrss/contact", "2026-10-08 09:00 water-supply/contact", "2026-10-08 09:00 zone-leadership",
            "2026-10-12 09:00 education/contact", "2026-10-12 09:00 hrss/contact", "2026-10-12 09:00 water-supply/contact", "2026-10-12 09:00 zone-leadership",
            "2026-10-19 09:00 hrss/contact", "2026-10-19 09:00 zone-leadership",
            "2026-10-26 09:00 hrss/contact", "2026-10-26 09:00 zone-leadership",
            "2026-11-02 09:00 hrss/contact", "2026-11-02 09:00 zone-leadership",
        ])

        // People can read them: Chinese, naming case, bureau, deadline, days overdue and a link.
        let level3 = try #require(seen["esc:A:\(Int(Self.at("2026-09-30 09:00").timeIntervalSince1970)):3:0:zone-leadership"]?.1)
        #expect(level3.text == "【超期督办·3级】案件 A《招工难》已超期 5 个工作日（截止 2026-09-30 09:00），责任单位：hrss。请立即办理并说明原因。http://duban.example/dashboard/cases/A")
        #expect(level3.topic == "notice.escalation.3")
        #expect(level3.link == "http://duban.example/dashboard/cases/A")
        let digest = try #require(seen["digest:hrss/contact:2026-W42"]?.1)
        #expect(digest.link == "http://duban.example/dashboard/cases?bureau=hrss&status=open&order=deadline")
        #expect(digest.text.contains("1. A《招工难》超期 4 个工作日 http://duban.example/dashboard/cases/A"))
        #expect(digest.text.hasPrefix("【每周督办】hrss 2026年第42周：在办 1 件，超期 1 件，即将到期 0 件。\n1. A《招工难》超期 4 个工作日"))  // 10-08, 10-09, 10-10 (makeup Saturday), 10-12
        let rollUp = try #require(seen["digest:zone-leadership:2026-W42"]?.1)
        #expect(rollUp.text.contains("全区在办 3 件，超期 2 件"))
        #expect(rollUp.title == "【每周督办·汇总】2026年第42周", "weeks as people write them, not ISO codes")
    }

    @Test func aNewDeploymentsFirstDigestIsTheNextSlot() throws {
        let world = try World()
        try world.open("A", title: "招工难", bureau: "hrss", deadline: "2026-12-08 09:00")
        // First started on a Sunday night: this week's Monday slot passed before there was anything to supervise.
        let first = try world.database.writer.write { try world.supervisor.sweep(at: Self.at("2026-11-29 23:00"), in: $0) }
        #expect(first.filter { $0.kind == .digest }.isEmpty, "no roll-up of 0 cases at a random hour")
        var digests: [Notice] = []
        var now = Self.at("2026-11-30 00:00")
        while now <= Self.at("2026-11-30 12:00") {
            digests += try world.database.writer.write { try world.supervisor.sweep(at: now, in: $0) }.filter { $0.kind == .digest }
            now += 3_600
        }
        #expect(Set(digests.map(\.id)) == ["digest:hrss/contact:2026-W49", "digest:zone-leadership:2026-W49"])
        #expect(digests.allSatisfy { $0.createdAt == Self.at("2026-11-30 09:00") })
        #expect(digests.first { $0.recipient == "zone-leadership" }?.link == "http://duban.example/dashboard")
    }

    @Test func aDigestLongerThanItsListLeadsToTheBureausOpenCases() throws {
        let world = try World()
        for n in 0...Supervisor.digestLines { try world.open("C\(n)", title: "问题\(n)", bureau: "hrss", deadline: "2026-12-08 09:00") }
        let notices = try world.database.writer.write { try world.supervisor.sweep(at: Self.at("2026-11-30 09:00"), in: $0) }
        let digest = try #require(notices.first { $0.id == "digest:hrss/contact:2026-W49" })
        let last = try #require(digest.text.split(separator: "\n").last)
        #expect(last == "……另有 1 件，见 http://duban.example/dashboard/cases?bureau=hrss&status=open&order=deadline")
        #expect(digest.text.split(separator: "\n").count == Supervisor.digestLines + 2)
    }

    @Test func aTitleKeepsToOneLineInANotice() throws {
        #expect(NoticeText.inline("招工难\n【超期督办·3级】伪造\r\n\t第三行\u{2028}") == "招工难 【超期督办·3级】伪造 第三行")
        #expect(NoticeText.inline("[点我](http://evil.example/x) 或 WWW.evil.example") == "[点我](http：//evil.example/x) 或 www．evil.example")
        let world = try World()
        try world.open("F", title: "招工难\n【超期督办·3级】伪造", bureau: "hrss", deadline: "2026-12-01 09:00")
        let notices = try world.database.writer.write { try world.supervisor.sweep(at: Self.at("2026-12-02 10:00"), in: $0) }
        #expect(!notices.isEmpty)
        for notice in notices { #expect(!notice.text.contains("伪造\n") && notice.text.split(separator: "\n").allSatisfy { !$0.hasPrefix("【超期督办·3级】伪造") }) }
    }

    private func format(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", p.year!, p.month!, p.day!, p.hour!, p.minute!)
    }
}
