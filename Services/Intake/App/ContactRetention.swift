import DubanRuntime
import Foundation
import Logging
import ServiceLifecycle

/// Erases the contacts of cases closed longer than `personal-data.retain-days` ago, every hour, on intake's clock
/// (which `testing.time-control` lets a test move: `POST /test/time` runs it at once). Each pass is idempotent.
struct ContactRetention: Service {
    let store: CaseStore
    /// Not 0: with retention off this service is not started.
    let retainDays: Int
    let interval: Duration
    let logger: Logger

    init(store: CaseStore, retainDays: Int, interval: Duration = .seconds(3_600), logger: Logger) {
        self.store = store
        self.retainDays = retainDays
        self.interval = interval
        self.logger = logger
    }

    /// One pass: `actor` is who the audit trail names (the service itself, or the operator running the command).
    func anonymise(actor: String = "intake") async throws -> Int {
        guard retainDays > 0 else { return 0 }
        let cutoff = store.clock.now().addingTimeInterval(-Double(retainDays) * 86_400)
        return try await store.anonymiseContacts(closedBefore: cutoff, retainDays: retainDays, actor: actor)
    }

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let erased = try await anonymise()
                if erased > 0 { logger.notice("contacts erased after retention", metadata: ["count": "\(erased)", "retainDays": "\(retainDays)"]) }
            } catch {
                logger.error("contact retention failed; it runs again next time", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
