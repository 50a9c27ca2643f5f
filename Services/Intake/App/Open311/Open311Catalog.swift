import Foundation
import Yams

/// The Open311 services intake offers: one per `open311Codes` entry of a category in routing's `routing.yaml`, so the
/// codes that civic-tech clients send map to Duban's categories by configuration.
struct Open311Catalog: Sendable {
    struct Service: Sendable, Equatable {
        var code: String
        var name: String
        var nameEnglish: String?
        var category: String
        var keywords: [String]
    }

    let services: [Service]

    func service(code: String) -> Service? { services.first { $0.code == code } }
    func code(forCategory category: String) -> String? { services.first { $0.category == category }?.code }

    private struct File: Decodable {
        struct Category: Decodable {
            struct Name: Decodable { var zh: String; var en: String? }
            var id: String
            var name: Name
            var open311Codes: [String]?
            var keywords: [String]?
        }
        var categories: [Category]
    }

    static func load(path: String) throws -> Open311Catalog {
        let file = try YAMLDecoder().decode(File.self, from: try String(contentsOfFile: path, encoding: .utf8))
        var services: [Service] = []
        for category in file.categories {
            for code in category.open311Codes ?? [] {
                services.append(Service(code: code, name: category.name.zh, nameEnglish: category.name.en, category: category.id,
                                        keywords: (category.keywords ?? []).prefix(5).map { String($0.split(separator: ":")[0]) }))
            }
        }
        return Open311Catalog(services: services)
    }

    static let empty = Open311Catalog(services: [])
}
