import DubanModels
import Foundation
import Testing
@testable import RoutingService

@Suite struct RoutingDecisionTests {
    static let router = try! Routing.loadRouter(directory: repositoryPath("deploy/config"))
    static let monday = CalendarTests.day("2026-11-30")

    static func draft(_ title: String, _ description: String = "", category: CategoryID? = nil) -> CaseDraft {
        CaseDraft(title: title, description: description, channel: .meeting, submitter: Submitter(), category: category)
    }

    @Test func keywordsPickTheOwningBureauAndExplainWhy() {
        let decision = Self.router.route(Self.draft("厂区频繁停电", "近一个月已停电三次，请供电部门排查"), at: Self.monday)
        #expect(decision.category == "power")
        #expect(decision.bureau == "power-supply")
        #expect(decision.rule == "keywords")
        #expect(decision.score > 0)
        #expect(decision.deadlineClass == "utilities")
        #expect(decision.deadline == Self.monday.addingTimeInterval(24 * 3_600))
    }

    @Test func anExplicitCategoryWins() {
        let decision = Self.router.route(Self.draft("厂区频繁停电", category: "housing"), at: Self.monday)
        #expect(decision.category == "housing")
        #expect(decision.rule == "explicit-category")
        #expect(decision.alternatives.first?.category == "power", "the keyword match is kept as an alternative")
    }

    @Test func noConfidentMatchGoesToTriage() {
        let decision = Self.router.route(Self.draft("其他事项", "希望有关部门关注"), at: Self.monday)
        #expect(decision.category == "triage")
        #expect(decision.bureau == "business-office")
        #expect(decision.deadline == CalendarTests.day("2026-12-01"))
    }

    @Test func generalCasesGetSevenWorkingDays() {
        let decision = Self.router.route(Self.draft("招工难", "希望组织招聘会"), at: CalendarTests.day("2026-09-24"))
        #expect(decision.bureau == "hrss")
        // From Thursday 09-24: 09-28, 29, 30, [10-01..07 off], 10-08, 09, 10 (makeup Sat), 12.
        #expect(decision.deadline == CalendarTests.day("2026-10-12"))
    }

    @Test func routesAtLeastNinetyPercentOfTheSampleCasesToTheirExpectedCategory() throws {
        let path = repositoryPath("../shared/data/sample-cases.jsonl")
        guard FileManager.default.fileExists(atPath: path) else {
            Issue.record("sample cases missing at \(path): this check needs ../shared/data/sample-cases.jsonl")
            return
        }
        struct Sample: Decodable { var ref: String; var title: String; var description: String; var expected_category: String }
        let samples = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode(Sample.self, from: Data($0.utf8)) }
        var misses: [String] = []
        for sample in samples {
            let decision = Self.router.route(Self.draft(sample.title, sample.description), at: Self.monday)
            if decision.category.rawValue != sample.expected_category {
                misses.append("\(sample.ref) \(sample.title): expected \(sample.expected_category), got \(decision.category)")
            }
        }
        print("routing sample cases: \(samples.count - misses.count)/\(samples.count) as expected")
        for miss in misses { print("  miss: \(miss)") }
        #expect(samples.count >= 20)
        #expect(Double(samples.count - misses.count) >= 0.9 * Double(samples.count), "misses: \(misses)")
    }

    @Test func configurationErrorsAreSpecific() throws {
        var configuration = Self.router.configuration
        configuration.categories[0].bureau = "nobody"
        configuration.categories[1].deadlineClass = "someday"
        configuration.bureaus.append(.init(id: "city-unit", name: .init(zh: "市某局", en: "A city unit"), level: "city", counterpart: nil))
        configuration.deadlineClasses.append(.init(id: "both", workingDays: 1, hours: 2))
        let problems = configuration.validate()
        #expect(problems.contains("category permits: unknown bureau nobody"))
        #expect(problems.contains("category schooling: unknown deadline class someday"))
        #expect(problems.contains("bureau city-unit: a city-level unit needs a known district counterpart"))
        #expect(problems.contains("deadline class both: give exactly one of workingDays or hours"))
        #expect(Self.router.configuration.validate().isEmpty)

        let broken = NSTemporaryDirectory() + "routing-\(UUID().uuidString).yaml"
        try "bureaus: [".write(toFile: broken, atomically: true, encoding: .utf8)
        #expect(throws: ConfigurationError.self) { try RoutingConfiguration.load(path: broken) }
    }
}
