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
        /// Where this bureau's notices go (used by escalation), e.g. `wecom:…`, `webhook:…`.
        public var notify: [String]?
        /// Who hears of overdue cases, level by level (used by escalation).
        public var escalation: [String]?
    }

    /// An area as a GeoJSON Polygon: `coordinates` is a list of rings of [longitude, latitude]; the first is the outline.
    public struct Jurisdiction: Codable, Sendable {
        public struct Geometry: Codable, Sendable {
            public var type: String
            public var coordinates: [[[Double]]]
        }
        public var id: String
        public var name: Names
        public var geometry: Geometry
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
        /// Co-handling bureaus that assist the owner.
        public var assisting: [BureauID]?
        /// Owners by jurisdiction: a located case in one of these areas goes to that area's bureau.
        public var jurisdictionBureaus: [String: BureauID]?

        func owner(in area: String?) -> BureauID {
            area.flatMap { jurisdictionBureaus?[$0] } ?? bureau
        }

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
    public var jurisdictions: [Jurisdiction]?

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
        let areaIDs = Set((jurisdictions ?? []).map(\.id))
        for area in jurisdictions ?? [] {
            let ring = area.geometry.coordinates.first ?? []
            if area.geometry.type != "Polygon" { problems.append("jurisdiction \(area.id): geometry type must be Polygon") }
            if ring.count < 4 || ring.contains(where: { $0.count < 2 }) || ring.first != ring.last {
                problems.append("jurisdiction \(area.id): the outline must be a closed ring of at least 4 [longitude, latitude] points")
            }
        }
        for category in categories {
            for (area, bureau) in category.jurisdictionBureaus ?? [:] {
                if !areaIDs.contains(area) { problems.append("category \(category.id): unknown jurisdiction \(area)") }
                if !bureauIDs.contains(bureau) { problems.append("category \(category.id): unknown bureau \(bureau) for \(area)") }
            }
            for bureau in category.assisting ?? [] where !bureauIDs.contains(bureau) {
                problems.append("category \(category.id): unknown assisting bureau \(bureau)")
            }
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
