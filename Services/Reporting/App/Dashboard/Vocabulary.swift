import Foundation
import Yams

/// The names people read for the codes routing uses: each bureau's and category's Chinese and English names, from
/// the same `routing.yaml` routing reads (`routing.config-dir`). Pages never show a bureau or category id; a code
/// the file no longer has is shown by the name routing gave it when it routed (`bureau_directory`), or as itself.
struct Vocabulary: Sendable {
    struct Name: Decodable, Sendable {
        var zh: String
        var en: String?
    }

    var bureaus: [String: Name]
    var categories: [String: Name]

    static let empty = Vocabulary(bureaus: [:], categories: [:])

    private struct File: Decodable {
        struct Entry: Decodable { var id: String; var name: Name }
        var bureaus: [Entry]
        var categories: [Entry]
    }

    /// Reads `routing.yaml`; throws when the file is missing or is not the routing configuration's shape.
    static func load(path: String) throws -> Vocabulary {
        let file = try YAMLDecoder().decode(File.self, from: try String(contentsOfFile: path, encoding: .utf8))
        return Vocabulary(bureaus: Dictionary(file.bureaus.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first }),
                          categories: Dictionary(file.categories.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first }))
    }

    /// A bureau's name in `lang`; `routedName` is the Chinese name routing gave with its decision.
    func bureau(_ id: String?, _ lang: Language, routedName: String? = nil) -> String {
        guard let id, !id.isEmpty else { return "" }
        if let name = bureaus[id] { return lang == .en ? name.en ?? name.zh : name.zh }
        if let routedName, !routedName.isEmpty { return routedName }
        return id
    }

    /// A category's name in `lang`; `triage` is routing's word for "no confident owner".
    func category(_ id: String?, _ lang: Language) -> String {
        guard let id, !id.isEmpty else { return "" }
        if id == "triage" { return lang("待人工分派（兜底）", "Triage (no confident owner)") }
        guard let name = categories[id] else { return id }
        return lang == .en ? name.en ?? name.zh : name.zh
    }
}
