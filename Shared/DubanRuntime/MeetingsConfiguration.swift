import Foundation
import Yams

/// `deploy/config/meetings.yaml` (in `routing.config-dir`): the figures sentence, the categories' short names in it,
/// and the reasons a council topic may be declined for. Intake checks the reasons; reporting writes the sentence.
public struct MeetingsConfiguration: Decodable, Sendable {
    public struct Name: Decodable, Sendable {
        public var zh: String
        public var en: String?
    }

    public struct Reason: Decodable, Sendable {
        public var id: String
        public var name: Name
    }

    /// With placeholders `{series}`, `{sessions}`, `{collected}`, `{measures}`, `{solved}`, `{categories}`.
    public var sentence: String
    public var publicSentence: String
    public var sentenceCategories: Int
    public var categoryWords: [String: String]
    public var declineReasons: [Reason]

    enum CodingKeys: String, CodingKey {
        case sentence, publicSentence = "public_sentence", sentenceCategories = "sentence_categories",
             categoryWords = "category_words", declineReasons = "decline_reasons"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sentence = try container.decodeIfPresent(String.self, forKey: .sentence) ?? Self.standard.sentence
        publicSentence = try container.decodeIfPresent(String.self, forKey: .publicSentence) ?? sentence
        sentenceCategories = try container.decodeIfPresent(Int.self, forKey: .sentenceCategories) ?? 3
        categoryWords = try container.decodeIfPresent([String: String].self, forKey: .categoryWords) ?? [:]
        declineReasons = try container.decodeIfPresent([Reason].self, forKey: .declineReasons) ?? []
    }

    init(sentence: String, declineReasons: [Reason]) {
        self.sentence = sentence
        publicSentence = sentence
        sentenceCategories = 3
        categoryWords = [:]
        self.declineReasons = declineReasons
    }

    /// What applies without a file: the zone's sentence, no short names, no decline reasons (so no topic can be declined).
    public static let standard = MeetingsConfiguration(
        sentence: "截至目前，活动已开展{sessions}期，共收集企业反映的问题和意见建议{collected}条，制定解决措施{measures}条，重点解决了{categories}问题{solved}个",
        declineReasons: [])

    /// Reads the file in `directory`; without one, ``standard``.
    /// - Throws: when the file exists but is not this shape, or a sentence has a placeholder not listed above.
    public static func load(directory: String) throws -> MeetingsConfiguration {
        let path = (directory as NSString).appendingPathComponent("meetings.yaml")
        guard FileManager.default.fileExists(atPath: path) else { return standard }
        let configuration = try YAMLDecoder().decode(MeetingsConfiguration.self, from: try String(contentsOfFile: path, encoding: .utf8))
        let known: Set<String> = ["series", "sessions", "collected", "measures", "solved", "categories"]
        for text in [configuration.sentence, configuration.publicSentence] {
            var rest = text[...]
            while let open = rest.firstIndex(of: "{") {
                guard let close = rest[open...].firstIndex(of: "}") else { break }
                let name = String(rest[rest.index(after: open)..<close])
                guard known.contains(name) else {
                    throw MeetingsConfigurationError("\(path): unknown placeholder {\(name)} in a sentence; known: \(known.sorted().joined(separator: ", "))")
                }
                rest = rest[rest.index(after: close)...]
            }
        }
        guard configuration.sentenceCategories >= 0 else { throw MeetingsConfigurationError("\(path): sentence_categories must be 0 or more") }
        return configuration
    }

    public func reason(_ id: String) -> Reason? { declineReasons.first { $0.id == id } }
}

public struct MeetingsConfigurationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
