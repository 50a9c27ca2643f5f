import DubanModels
import Foundation
import Logging
import Testing
@testable import RoutingService

@Suite struct DecisionPathTests {
    let router = RoutingDecisionTests.router
    let monday = RoutingDecisionTests.monday

    @Test func aReturnedCaseGoesToTheNextCandidateNeverBackToTheReturningBureau() {
        let draft = RoutingDecisionTests.draft("员工住房和子女入学", "外地员工租房难，子女入学也难")
        let first = router.route(draft, at: monday)
        let second = router.route(draft, at: monday, excluding: [first.bureau])
        #expect(second.bureau != first.bureau)
        #expect(second.rule == "keywords")
        let third = router.route(draft, at: monday, excluding: [first.bureau, second.bureau])
        #expect(third.bureau == "business-office", "with no candidate left it goes to triage")
        #expect(third.rule == "triage")
    }

    @Test func anExplicitCategoryWhoseBureauReturnedItFallsBackToKeywords() {
        let draft = RoutingDecisionTests.draft("厂区频繁停电", category: "housing")
        let decision = router.route(draft, at: monday, excluding: ["housing"])
        #expect(decision.category == "power")
    }

    @Test func theTriageOfficeDispatchesToAKnownBureauOnly() throws {
        let decision = try #require(router.dispatch(to: "hrss", at: monday))
        #expect(decision.bureau == "hrss")
        #expect(decision.category == "labour")
        #expect(decision.rule == "manual-dispatch")
        #expect(decision.deadline == CalendarTests.day("2026-12-09"))  // general: 7 working days
        #expect(router.dispatch(to: "nobody", at: monday) == nil)
    }

    @Test func aGrantedExtensionAddsWorkingDaysToTheCurrentDeadline() {
        let decision = router.route(RoutingDecisionTests.draft("招工难", "普工招不到人"), at: CalendarTests.day("2026-09-24"))
        let extended = router.extend(decision, byWorkingDays: 3)
        #expect(extended.deadline == CalendarTests.day("2026-10-15"))
        #expect(extended.bureau == decision.bureau)
        #expect(extended.rule == "extension-granted")
    }

    @Test func aCityLevelOwnerIsTrackedByItsDistrictCounterpart() {
        let decision = router.route(RoutingDecisionTests.draft("自来水水压不足", "高峰时段无法生产"), at: monday)
        #expect(decision.bureau == "water-supply")
        #expect(decision.counterpart == "housing")
        let district = router.route(RoutingDecisionTests.draft("招工难", "普工招不到人"), at: monday)
        #expect(district.counterpart == nil)
    }

    @Test func coHandlingBureausAreNamed() {
        let decision = router.route(RoutingDecisionTests.draft("公交线路未覆盖园区", "员工通勤不便"), at: monday)
        #expect(decision.bureau == "transport")
        #expect(decision.assisting == ["housing"])
    }

    @Test func aLocatedCaseGoesToTheBureauOfItsJurisdiction() {
        func draft(_ longitude: Double?) -> CaseDraft {
            CaseDraft(title: "园区夜间治安", description: "货物被盗，请加强巡逻", channel: .hotline, submitter: Submitter(),
                      location: longitude.map { Location(latitude: 28.25, longitude: $0) })
        }
        #expect(router.route(draft(113.05), at: monday).bureau == "police-east")
        #expect(router.route(draft(113.05), at: monday).rule == "keywords+jurisdiction")
        #expect(router.route(draft(112.95), at: monday).bureau == "police-west")
        #expect(router.route(draft(112.50), at: monday).bureau == "public-security", "outside every area: the default owner")
        #expect(router.route(draft(nil), at: monday).bureau == "public-security")
    }

    @Test func rayCastingHandlesEdgesAndConcaveShapes() {
        let l: [[Double]] = [[0, 0], [4, 0], [4, 1], [1, 1], [1, 4], [0, 4], [0, 0]]  // an L shape
        #expect(CaseRouter.contains(l, x: 0.5, y: 3))
        #expect(CaseRouter.contains(l, x: 3, y: 0.5))
        #expect(!CaseRouter.contains(l, x: 3, y: 3))
        #expect(!CaseRouter.contains(l, x: -1, y: 0.5))
    }

    @Test func keywordMatcherFindsOverlappingChineseKeywords() {
        let matcher = KeywordMatcher(["停电", "电力", "供电部门", "电", "水压"])
        #expect(matcher.matches(in: "请供电部门排查停电") == [true, false, true, true, false])
        #expect(matcher.matches(in: "") == [false, false, false, false, false])
    }
}

@Suite struct ReloadTests {
    @Test func aChangedFileTakesEffectAndABrokenOneIsRefused() throws {
        let directory = NSTemporaryDirectory() + "routing-reload-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for file in ["routing.yaml", "calendar.yaml"] {
            try FileManager.default.copyItem(atPath: repositoryPath("deploy/config/\(file)"), toPath: directory + "/" + file)
        }
        let holder = try RouterHolder(directory: directory, logger: Logger(label: "test"))
        let draft = RoutingDecisionTests.draft("招工难", "普工招不到人")
        #expect(holder.router.route(draft, at: RoutingDecisionTests.monday).bureau == "hrss")
        #expect(!holder.reloadIfChanged(), "nothing changed")

        var text = try String(contentsOfFile: directory + "/routing.yaml", encoding: .utf8)
        text = text.replacingOccurrences(of: "    bureau: hrss\n", with: "    bureau: talent\n")
        try text.write(toFile: directory + "/routing.yaml", atomically: true, encoding: .utf8)
        #expect(holder.reloadIfChanged())
        #expect(holder.router.route(draft, at: RoutingDecisionTests.monday).bureau == "talent")

        try "bureaus: [oops".write(toFile: directory + "/routing.yaml", atomically: true, encoding: .utf8)
        #expect(!holder.reloadIfChanged())
        #expect(holder.lastReloadError != nil)
        #expect(holder.router.route(draft, at: RoutingDecisionTests.monday).bureau == "talent", "the old rules stay")
    }
}
