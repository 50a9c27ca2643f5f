import DubanRuntime
import Foundation
import Testing
@testable import ReportingService

/// The zone's sentence (截至目前，活动已开展16期，…) from its configured template.
@Suite struct MeetingSentenceTests {
    static let template = MeetingsConfiguration.standard.sentence

    @Test func namesTheTopCategoriesAndSaysThereAreMore() {
        let counts = MeetingFigures.Counts(sessionsHeld: 16, collected: 95, measures: 92, solved: 82, onTime: 77)
        let sentence = MeetingFigures.sentence(Self.template, counts: counts, seriesName: "政企交流主题日",
                                               rankedCategories: ["用工", "用电", "用水", "治安", "交通", "通讯"], limit: 3)
        #expect(sentence == "截至目前，活动已开展16期，共收集企业反映的问题和意见建议95条，制定解决措施92条，重点解决了用工、用电、用水等问题82个")
        let all = MeetingFigures.sentence(Self.template, counts: counts, seriesName: "", rankedCategories: ["用工", "用电"], limit: 3)
        #expect(all.hasSuffix("重点解决了用工、用电问题82个"))
        let none = MeetingFigures.sentence(Self.template, counts: .init(), seriesName: "", rankedCategories: [], limit: 3)
        #expect(none == "截至目前，活动已开展0期，共收集企业反映的问题和意见建议0条，制定解决措施0条，重点解决了问题0个")
        #expect(MeetingFigures.sentence("{series}：{sessions}期", counts: counts, seriesName: "政企交流主题日", rankedCategories: [], limit: 3)
                == "政企交流主题日：16期")
    }

    @Test func theShippedFileLoadsAndAnUnknownPlaceholderIsRefused() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let shipped = try MeetingsConfiguration.load(directory: repository + "/deploy/config")
        #expect(shipped.sentence == Self.template && shipped.categoryWords["labour"] == "用工")
        #expect(shipped.reason("private_dispute")?.name.zh == "属于个人私事的不议")
        let directory = NSTemporaryDirectory() + "meetings-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "sentence: \"已开展{session}期\"\n".write(toFile: directory + "/meetings.yaml", atomically: true, encoding: .utf8)
        #expect(throws: MeetingsConfigurationError.self) { try MeetingsConfiguration.load(directory: directory) }
        // Without a file: the zone's own sentence, and no topic can be declined.
        let standard = try MeetingsConfiguration.load(directory: directory + "/none")
        #expect(standard.sentence == Self.template && standard.declineReasons.isEmpty)
    }
}
