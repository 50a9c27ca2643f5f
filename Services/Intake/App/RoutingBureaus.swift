import Foundation
import Yams

/// The bureau ids of routing's `routing.yaml`, so an operator's `bureau:<id>` key names a bureau that exists: a typo
/// would otherwise make a key that can act on nothing and shows a raw id on the workbench.
enum RoutingBureaus {
    private struct File: Decodable {
        struct Bureau: Decodable { var id: String }
        var bureaus: [Bureau]
    }

    /// The ids, sorted. Throws when the file cannot be read or is not routing's configuration.
    static func ids(path: String) throws -> [String] {
        try YAMLDecoder().decode(File.self, from: try String(contentsOfFile: path, encoding: .utf8)).bureaus.map(\.id).sorted()
    }
}
