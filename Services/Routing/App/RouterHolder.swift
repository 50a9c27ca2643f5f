import DubanRuntime
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The routing rules in force, replaced when their files change; a file that does not load is refused and the rules
/// in force stay. Events are routed one at a time against whichever rules are current, so none is lost in a reload.
public final class RouterHolder: Service, Sendable {
    private let directory: String
    private let interval: Duration
    private let logger: Logger
    private let state: Mutex<(router: CaseRouter, stamp: [String], lastError: String?)>

    public init(directory: String, interval: Duration = .seconds(1), logger: Logger) throws {
        self.directory = directory
        self.interval = interval
        self.logger = logger
        let stamp = Self.stamp(directory)
        state = Mutex((try Routing.loadRouter(directory: directory), stamp, nil))
    }

    public var router: CaseRouter { state.withLock { $0.router } }
    /// Why the last changed file was refused, if it was.
    public var lastReloadError: String? { state.withLock { $0.lastError } }

    /// Loads the files again if they changed. Returns whether new rules took effect.
    @discardableResult
    public func reloadIfChanged() -> Bool {
        let stamp = Self.stamp(directory)
        guard stamp != state.withLock({ $0.stamp }) else { return false }
        do {
            let router = try Routing.loadRouter(directory: directory)
            state.withLock { $0 = (router, stamp, nil) }
            logger.notice("routing configuration reloaded", metadata: ["categories": "\(router.configuration.categories.count)"])
            return true
        } catch {
            state.withLock { $0.stamp = stamp; $0.lastError = "\(error)" }
            logger.error("routing configuration refused; the previous rules stay in force", metadata: ["error": "\(error)"])
            return false
        }
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
            reloadIfChanged()
        }
    }

    /// Modification time and size of each file: what "changed" means.
    private static func stamp(_ directory: String) -> [String] {
        ["routing.yaml", "calendar.yaml"].map { file in
            let attributes = try? FileManager.default.attributesOfItem(atPath: (directory as NSString).appendingPathComponent(file))
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return "\(modified)/\(attributes?[.size] ?? 0)"
        }
    }
}
