import DubanModels
import Foundation

enum DubanJSONCoding {
    // JSONEncoder is safe to share for encoding once configured.
    nonisolated(unsafe) static let encoder = DubanJSON.encoder()
}
