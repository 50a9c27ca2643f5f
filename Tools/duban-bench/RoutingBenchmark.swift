import DubanModels
import Foundation
import RoutingService

/// Routing at scale: 1,000 categories with 10,000 Chinese keywords, against the obvious implementation (every
/// keyword searched in the text with `String.contains`) as the baseline.
enum RoutingBenchmark {
    struct Result {
        var decisionsPerSecond: Double
        var baselinePerSecond: Double
        var longDescriptionMicroseconds: Double
        var baselineLongMicroseconds: Double
    }

    static func run(directory: String) throws -> Result {
        var generator = SeededGenerator(seed: 2026)
        func word(_ length: Int) -> String {
            String(String.UnicodeScalarView((0..<length).map { _ in Unicode.Scalar(0x4E00 + UInt32.random(in: 0..<3_000, using: &generator))! }))
        }
        var keywords: [[String]] = []
        var yaml = "bureaus:\n  - {id: office, name: {zh: 办公室, en: Office}, level: district}\n"
        yaml += "deadlineClasses:\n  - {id: general, workingDays: 7}\ntriage: {bureau: office, deadlineClass: general, minimumScore: 1}\ncategories:\n"
        for index in 0..<1_000 {
            let words = (0..<10).map { _ in word(Int.random(in: 2...3, using: &generator)) }
            keywords.append(words)
            yaml += "  - {id: c\(index), name: {zh: 类\(index), en: C\(index)}, bureau: office, deadlineClass: general, keywords: [\(words.map { "\"\($0)\"" }.joined(separator: ", "))]}\n"
        }
        try yaml.write(toFile: directory + "/routing.yaml", atomically: true, encoding: .utf8)
        try "timeZone: Asia/Shanghai\nyears: []\n".write(toFile: directory + "/calendar.yaml", atomically: true, encoding: .utf8)
        let router = try Routing.loadRouter(directory: directory)

        let drafts = (0..<200).map { n in
            CaseDraft(title: word(4) + keywords[n % 1_000][0], description: word(60) + keywords[(n * 7) % 1_000][3] + word(40),
                      channel: .hotline, submitter: Submitter())
        }
        let long = CaseDraft(title: word(10), description: word(990) + keywords[500][1], channel: .web, submitter: Submitter())
        let flat = keywords.flatMap { $0 }
        let baseline = { (draft: CaseDraft) -> Int in
            flat.reduce(0) { $0 + (draft.title.contains($1) ? 2 : 0) + (draft.description.contains($1) ? 1 : 0) }
        }

        let at = Date()
        var sink = 0
        let rounds = 10
        let fast = seconds { for _ in 0..<rounds { for draft in drafts { sink &+= router.route(draft, at: at).category.rawValue.count } } }
        let slow = seconds { for draft in drafts.prefix(20) { sink &+= baseline(draft) } }
        let longFast = seconds { for _ in 0..<100 { sink &+= router.route(long, at: at).category.rawValue.count } }
        let longSlow = seconds { for _ in 0..<3 { sink &+= baseline(long) } }
        if sink == 42 { print("") }  // keeps the work from being optimised away
        return Result(decisionsPerSecond: Double(rounds * drafts.count) / fast, baselinePerSecond: 20 / slow,
                      longDescriptionMicroseconds: longFast / 100 * 1e6, baselineLongMicroseconds: longSlow / 3 * 1e6)
    }
}

/// A small deterministic generator, so every run routes the same synthetic rules and texts.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
