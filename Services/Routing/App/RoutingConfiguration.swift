import DubanModels
import Foundation
import Yams

/// Who owns what, and by when: bureaus, categories with their keywords, and deadline classes.
/// Read from `deploy/config/routing.yaml`; ``validate()`` rejects a file that cannot route correctly.
public struct RoutingConfiguration: Codable, Sendable {
    public struct Names: Codable, Sendable {
        public var zh: String
        public var en: String
    }

    public struct Bureau: Codable, Sendable {
        public var id: BureauID
        public var name: Names
        /// `district` or `city`. A city-level unit's cases are tracked by its district counterpart.
        public var level: String
        public var counterpart: BureauID?
    }

    public struct Keyword: Codable, Sendable {
        public var text: String
        public var weight: Double
    }

    public struct Category: Codable, Sendable {
        public var id: CategoryID
        public var name: Names
        public var bureau: BureauID
        public var deadlineClass: String
        /// Chinese keywords, each `word` (weight 1) or `word:weight`.
        public var keywords: [String]
        public var open311Codes: [String]?

        var parsedKeywords: [Keyword] {
            keywords.map { entry in
                let parts = entry.split(separator: ":", maxSplits: 1)
                if parts.count == 2, let weight = Double(parts[1]) { return Keyword(text: String(parts[0]), weight: weight) }
                return Keyword(text: entry, weight: 1)
            }
        }
    }

    public struct DeadlineClass: Codable, Sendable {
        public var id: String
        /// Counted in working days of the calendar…
        public var workingDays: Int?
        /// …or in clock hours, around the clock.
        public var hours: Int?

        public var rule: DeadlineRule? {
            if let workingDays, hours == nil { return .workingDays(workingDays) }
            if let hours, workingDays == nil { return .hours(hours) }
            return nil
        }
    }

    public struct Triage: Codable, Sendable {
        /// The designated office (兜底) that dispatches cases no rule claims with confidence.
        public var bureau: BureauID
        public var deadlineClass: String
        /// The least keyword score that counts as a confident match.
        public var minimumScore: Double
    }

    public var bureaus: [Bureau]
    public var categories: [Category]
    public var deadlineClasses: [DeadlineClass]
    public var triage: Triage

    public static func load(path: String) throws -> RoutingConfiguration {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ConfigurationError(path: path, problems: ["cannot read the file: \(error.localizedDescription)"])
        }
        let configuration: RoutingConfiguration
        do { configuration = try YAMLDecoder().decode(RoutingConfiguration.self, from: text) } catch {
            throw ConfigurationError(path: path, problems: ["not a valid routing file: \(error)"])
        }
        let problems = configuration.validate()
        guard problems.isEmpty else { throw ConfigurationError(path: path, problems: problems) }
        return configuration
    }

    /// Every reason this configuration cannot be used; empty when it is sound.
    public func validate() -> [String] {
        var problems: [String] = []
        let bureauIDs = Set(bureaus.map(\.id))
        let classIDs = Set(deadlineClasses.map(\.id))
        if bureauIDs.count != bureaus.count { problems.append("bureau ids are not unique") }
        if Set(categories.map(\.id)).count != categories.count { problems.append("category ids are not unique") }
        for bureau in bureaus {
            if bureau.level != "district" && bureau.level != "city" {
                problems.append("bureau \(bureau.id): level must be district or city, not \(bureau.level)")
            }
            if bureau.level == "city" && bureau.counterpart.map(bureauIDs.contains) != true {
                problems.append("bureau \(bureau.id): a city-level unit needs a known district counterpart")
            }
        }
        for category in categories {
            if !bureauIDs.contains(category.bureau) { problems.append("category \(category.id): unknown bureau \(category.bureau)") }
            if !classIDs.contains(category.deadlineClass) {
                problems.append("category \(category.id): unknown deadline class \(category.deadlineClass)")
            }
            if category.keywords.isEmpty { problems.append("category \(category.id): no keywords") }
        }
        for deadlineClass in deadlineClasses where deadlineClass.rule == nil {
            problems.append("deadline class \(deadlineClass.id): give exactly one of workingDays or hours")
        }
        if !bureauIDs.contains(triage.bureau) { problems.append("triage: unknown bureau \(triage.bureau)") }
        if !classIDs.contains(triage.deadlineClass) { problems.append("triage: unknown deadline class \(triage.deadlineClass)") }
        return problems
    }
}

public struct ConfigurationError: Error, CustomStringConvertible {
    public var path: String
    public var problems: [String]
    public var description: String { "\(path): " + problems.joined(separator: "; ") }
}
