import DubanModels
import DubanRuntime
import Foundation
import GRDB
import Testing
@testable import ReportingService

/// What the dashboard and the case list draw from the read model, over the scripted history of `FiguresTests`.
@Suite struct DashboardDataTests {
    static let now = FiguresTests.day("2026-11-20")

    func list(_ query: [String: String], in h: FiguresTests.History) throws -> [String] {
        let filter = try CaseList.Filter(query: query)
        return try h.database.writer.read { try CaseList.fetch(filter, now: Self.now, in: $0) }.cases.map(\.id)
    }

    @Test func caseListFiltersByEveryField() throws {
        let h = try FiguresTests.scriptedNovember()
        #expect(try list([:], in: h) == ["C6", "C4", "C3", "C2", "C1", "C5"], "newest first")
        #expect(try list(["bureau": "education"], in: h) == ["C6", "C4", "C3"])
        #expect(try list(["status": "resolved"], in: h) == ["C6"])
        #expect(try list(["status": "reopened"], in: h) == ["C2"])
        // Open and past the deadline on 20 November: C2 (reopened, due 6 Nov), C3 (due 9 Nov), C5 (due 29 Oct).
        #expect(try list(["overdue": "true"], in: h) == ["C3", "C2", "C5"])
        #expect(try list(["overdue": "false"], in: h) == ["C6", "C4", "C1"])
        #expect(try list(["from": "2026-11-04", "to": "2026-11-06"], in: h) == ["C4", "C3"])
        #expect(try list(["category": "c", "limit": "2", "offset": "1"], in: h) == ["C4", "C3"])
        #expect(try list(["category": "nope"], in: h).isEmpty)
        #expect(try list(["q": "C3"], in: h) == ["C3"], "free text searches the title")
        #expect(try list(["q": "%"], in: h).isEmpty, "no wildcards")
    }

    @Test func badFiltersGetStableCodes() {
        for (query, code) in [(["status": "lost"], "invalid_status"), (["overdue": "yes"], "invalid_overdue"),
                              (["from": "2026-13-45"], "invalid_period"), (["from": "2026-11-05", "to": "2026-11-01"], "invalid_period"),
                              (["limit": "0"], "invalid_limit"), (["offset": "-1"], "invalid_offset"),
                              (["q": String(repeating: "字", count: 201)], "invalid_query")] {
            #expect { try CaseList.Filter(query: query) } throws: { ($0 as? APIError)?.code == code }
        }
    }

    @Test func overviewTrendScoreboardAndOverdueList() throws {
        let h = try FiguresTests.scriptedNovember()
        let overview = try h.database.writer.read { try Overview.compute(from: nil, to: nil, now: Self.now, in: $0) }
        #expect(overview.stats.overall.collected == 6)
        #expect(overview.trend.count == 12 && overview.trend.last?.name == "2026-W47")
        // By week of collection: W45 (2–8 Nov) C1, C2, C3, C4, C6 — solved now C1 (closed), C6 (resolved); W43 C5.
        let byName = Dictionary(uniqueKeysWithValues: overview.trend.map { ($0.name, ($0.collected, $0.solved)) })
        #expect(byName["2026-W45"]! == (5, 2))
        #expect(byName["2026-W43"]! == (1, 0))
        #expect(overview.trend.map(\.collected).reduce(0, +) == 6)
        #expect(overview.overdue.map(\.id) == ["C5", "C2", "C3"] && overview.overdueTotal == 3, "longest overdue first")
        let html = overview.html(.zh, words: .empty)
        #expect(html.contains("共收集问题6个，制定措施2项，已解决2个。"))
        #expect(html.contains("<tr data-bureau=\"education\"><td data-label=\"#\" class=\"n rank\">1</td>"), "education ranks first")
    }

    @Test func publicTextIsMasked() {
        #expect(PersonalDataMask.mask("请回电13812345678") == "请回电138******78")
        #expect(PersonalDataMask.mask("或１３８１２３４５６７８，身份证１１０１０１１９９００３０７１２３Ｘ") == "或１３８******７８，身份证１１０*************３Ｘ",
                "full-width digits, as a Chinese input method types them")
        #expect(PersonalDataMask.mask("身份证43010219900101123X，电话 0731-88886666") == "身份证430*************3X，电话 073********66")
        #expect(PersonalDataMask.mask("邮箱 zhang.san@example.com") == "邮箱 zha****************om")
        #expect(PersonalDataMask.mask("3 号楼 12 户停水") == "3 号楼 12 户停水", "short numbers stay")
        #expect(esc("<script>\"x\" & 'y'</script>") == "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;")
    }
}

extension DashboardDataTests {
    /// The daily table the triggers keep must say exactly what counting the cases says, after returns, re-routes,
    /// reopenings and events that arrived out of order.
    @Test func dailyFiguresEqualACountOfTheCases() throws {
        let h = try FiguresTests.scriptedNovember()
        // Half a second past midnight is not a whole day: those periods are counted from case_view itself.
        let notWhole = Reporting.day("2030-01-01")!.addingTimeInterval(0.5)
        for bureau in [nil, "hrss", "education"] as [String?] {
            let fast = try h.database.writer.read { try CaseStats.compute(from: nil, to: nil, bureau: bureau, now: Self.now, in: $0) }
            let counted = try h.database.writer.read { try CaseStats.compute(from: nil, to: notWhole, bureau: bureau, now: Self.now, in: $0) }
            #expect(fast.overall == counted.overall, "bureau \(bureau ?? "all")")
            #expect(fast.byBureau == counted.byBureau && fast.byStatus == counted.byStatus, "bureau \(bureau ?? "all")")
        }
        let all = try h.database.writer.read { try CaseStats.compute(from: nil, to: nil, bureau: nil, now: Self.now, in: $0) }
        #expect(all.overall.collected == 6 && all.byStatus == ["closed": 1, "reopened": 1, "assigned": 2, "in_progress": 1, "resolved": 1])
    }
}
