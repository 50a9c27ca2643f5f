import DubanModels
import DubanRuntime
import Foundation

/// Decides who owns a problem and by when, and records why.
public struct CaseRouter: Sendable {
    public let configuration: RoutingConfiguration
    public let calendar: WorkingCalendar
    private let bureaus: [BureauID: RoutingConfiguration.Bureau]
    private let classes: [String: DeadlineRule]
    /// Every category's keywords in one automaton; `owners[i]` and `weights[i]` belong to keyword `i`.
    private let matcher: KeywordMatcher
    private let owners: [Int]
    private let weights: [Double]
    private let jurisdictions: [(id: String, polygon: [[Double]])]

    public init(configuration: RoutingConfiguration, calendar: WorkingCalendar) {
        self.configuration = configuration
        self.calendar = calendar
        bureaus = Dictionary(configuration.bureaus.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        classes = Dictionary(configuration.deadlineClasses.compactMap { c in c.rule.map { (c.id, $0) } },
                             uniquingKeysWith: { first, _ in first })
        var texts: [String] = [], owners: [Int] = [], weights: [Double] = []
        for (index, category) in configuration.categories.enumerated() {
            for keyword in category.parsedKeywords {
                texts.append(keyword.text)
                owners.append(index)
                weights.append(keyword.weight)
            }
        }
        matcher = KeywordMatcher(texts)
        self.owners = owners
        self.weights = weights
        jurisdictions = (configuration.jurisdictions ?? []).map { ($0.id, $0.geometry.coordinates.first ?? []) }
    }

    /// The routing decision for a problem submitted at `time`, never to a bureau in `excluding` (those that returned it).
    public func route(_ draft: CaseDraft, at time: Date, excluding: Set<BureauID> = []) -> CaseRouted {
        let area = draft.location.flatMap(jurisdiction(of:))
        let eligible = { (category: RoutingConfiguration.Category) in !excluding.contains(category.owner(in: area)) }
        let scores = score(title: draft.title, description: draft.description).filter { eligible($0.category) }
        let alternatives = scores.prefix(4).map { RoutingAlternative(category: $0.category.id, score: $0.score) }

        if let explicit = draft.category, let category = configuration.categories.first(where: { $0.id == explicit }), eligible(category) {
            return decision(category, in: area, rule: "explicit-category", score: 1,
                            alternatives: alternatives.filter { $0.category != category.id }, at: time)
        }
        if let best = scores.first, best.score >= configuration.triage.minimumScore {
            return decision(best.category, in: area, rule: "keywords", score: best.score,
                            alternatives: Array(alternatives.dropFirst()), at: time)
        }
        return decision("triage", bureau: configuration.triage.bureau, deadlineClass: configuration.triage.deadlineClass,
                        rule: "triage", score: scores.first?.score ?? 0, alternatives: alternatives, at: time)
    }

    /// Categories whose keywords appear, best first: a keyword in the title counts twice its weight.
    func score(title: String, description: String) -> [(category: RoutingConfiguration.Category, score: Double)] {
        var totals = [Double](repeating: 0, count: configuration.categories.count)
        for (index, found) in matcher.matches(in: title).enumerated() where found { totals[owners[index]] += 2 * weights[index] }
        for (index, found) in matcher.matches(in: description).enumerated() where found { totals[owners[index]] += weights[index] }
        // Stable: ties keep the configuration's order.
        return totals.enumerated().filter { $0.element > 0 }
            .sorted { $0.element != $1.element ? $0.element > $1.element : $0.offset < $1.offset }
            .map { (configuration.categories[$0.offset], $0.element) }
    }

    /// The jurisdiction (area id) a point lies in, if any.
    func jurisdiction(of location: Location) -> String? {
        guard let latitude = location.latitude, let longitude = location.longitude else { return nil }
        return jurisdictions.first { Self.contains($0.polygon, x: longitude, y: latitude) }?.id
    }

    /// Ray casting over a GeoJSON ring of [longitude, latitude] pairs.
    static func contains(_ ring: [[Double]], x: Double, y: Double) -> Bool {
        var inside = false
        var j = ring.count - 1
        for i in ring.indices {
            let (xi, yi, xj, yj) = (ring[i][0], ring[i][1], ring[j][0], ring[j][1])
            if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi { inside.toggle() }
            j = i
        }
        return inside
    }

    /// Sends the case to a bureau a person chose (the triage office's dispatch).
    public func dispatch(to bureau: BureauID, at time: Date) -> CaseRouted? {
        guard bureaus[bureau] != nil else { return nil }
        let category = configuration.categories.first { $0.bureau == bureau }
        var routed = decision("dispatched", bureau: bureau, deadlineClass: category?.deadlineClass ?? "general",
                              rule: "manual-dispatch", score: 1, alternatives: [], at: time)
        routed.category = category?.id ?? "dispatched"
        return routed
    }

    /// The same responsibility with a later deadline: `days` more working days from the current one.
    public func extend(_ current: CaseRouted, byWorkingDays days: Int) -> CaseRouted {
        var extended = current
        extended.deadline = calendar.adding(workingDays: days, to: current.deadline)
        extended.rule = "extension-granted"
        return extended
    }

    public func deadline(class id: String, from start: Date) -> Date {
        switch classes[id] ?? .workingDays(7) {
        case .workingDays(let days): calendar.adding(workingDays: days, to: start)
        case .hours(let hours): start.addingTimeInterval(Double(hours) * 3_600)
        }
    }

    private func decision(_ category: RoutingConfiguration.Category, in area: String?, rule: String, score: Double,
                          alternatives: [RoutingAlternative], at time: Date) -> CaseRouted {
        var routed = decision(category.id, bureau: category.owner(in: area), deadlineClass: category.deadlineClass,
                              rule: area != nil && category.jurisdictionBureaus?[area!] != nil ? "\(rule)+jurisdiction" : rule,
                              score: score, alternatives: alternatives, at: time)
        routed.assisting = category.assisting ?? []
        return routed
    }

    private func decision(_ category: CategoryID, bureau: BureauID, deadlineClass: String, rule: String, score: Double,
                          alternatives: [RoutingAlternative], at time: Date) -> CaseRouted {
        let owner = bureaus[bureau]
        return CaseRouted(bureau: bureau, bureauName: owner?.name.zh ?? bureau.rawValue, category: category,
                          deadline: deadline(class: deadlineClass, from: time), deadlineClass: deadlineClass, rule: rule,
                          score: score, alternatives: alternatives,
                          counterpart: owner?.level == "city" ? owner?.counterpart : nil)
    }
}
