import DubanModels
import Foundation

/// Decides who owns a problem and by when, and records why.
public struct CaseRouter: Sendable {
    public let configuration: RoutingConfiguration
    public let calendar: WorkingCalendar
    private let bureaus: [BureauID: RoutingConfiguration.Bureau]
    private let classes: [String: DeadlineRule]
    private let keywords: [(category: RoutingConfiguration.Category, keywords: [RoutingConfiguration.Keyword])]

    public init(configuration: RoutingConfiguration, calendar: WorkingCalendar) {
        self.configuration = configuration
        self.calendar = calendar
        bureaus = Dictionary(configuration.bureaus.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        classes = Dictionary(configuration.deadlineClasses.compactMap { c in c.rule.map { (c.id, $0) } },
                             uniquingKeysWith: { first, _ in first })
        keywords = configuration.categories.map { ($0, $0.parsedKeywords) }
    }

    /// The routing decision for a problem submitted at `time`.
    public func route(_ draft: CaseDraft, at time: Date) -> CaseRouted {
        let scores = score(title: draft.title, description: draft.description)
        let alternatives = scores.prefix(4).map { RoutingAlternative(category: $0.category.id, score: $0.score) }

        if let explicit = draft.category, let category = configuration.categories.first(where: { $0.id == explicit }) {
            return decision(category.id, bureau: category.bureau, deadlineClass: category.deadlineClass,
                            rule: "explicit-category", score: 1, alternatives: alternatives, at: time)
        }
        if let best = scores.first, best.score >= configuration.triage.minimumScore {
            return decision(best.category.id, bureau: best.category.bureau, deadlineClass: best.category.deadlineClass,
                            rule: "keywords", score: best.score, alternatives: Array(alternatives.dropFirst()), at: time)
        }
        return decision("triage", bureau: configuration.triage.bureau, deadlineClass: configuration.triage.deadlineClass,
                        rule: "triage", score: scores.first?.score ?? 0, alternatives: alternatives, at: time)
    }

    /// Categories whose keywords appear, best first: a keyword in the title counts twice its weight.
    func score(title: String, description: String) -> [(category: RoutingConfiguration.Category, score: Double)] {
        var result: [(category: RoutingConfiguration.Category, score: Double)] = []
        for (category, words) in keywords {
            var score = 0.0
            for word in words {
                if title.contains(word.text) { score += 2 * word.weight }
                if description.contains(word.text) { score += word.weight }
            }
            if score > 0 { result.append((category, score)) }
        }
        // Stable: ties keep the configuration's order.
        return result.enumerated().sorted { a, b in
            a.element.score != b.element.score ? a.element.score > b.element.score : a.offset < b.offset
        }.map(\.element)
    }

    public func deadline(class id: String, from start: Date) -> Date {
        switch classes[id] ?? .workingDays(7) {
        case .workingDays(let days): calendar.adding(workingDays: days, to: start)
        case .hours(let hours): start.addingTimeInterval(Double(hours) * 3_600)
        }
    }

    private func decision(_ category: CategoryID, bureau: BureauID, deadlineClass: String, rule: String, score: Double,
                          alternatives: [RoutingAlternative], at time: Date) -> CaseRouted {
        CaseRouted(bureau: bureau, bureauName: bureaus[bureau]?.name.zh ?? bureau.rawValue, category: category,
                   deadline: deadline(class: deadlineClass, from: time), deadlineClass: deadlineClass, rule: rule,
                   score: score, alternatives: alternatives)
    }
}
