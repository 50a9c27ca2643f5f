import DubanMessaging
import DubanModels
import DubanRuntime
import Foundation
import GRDB
import Hummingbird

/// Escalation: keeps every routed case's clock — its owner and its deadline — and says so downstream.
public enum Escalation: DubanService {
    public static let descriptor = ServiceDescriptor.escalation

    public static func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("escalation-v1") { db in
            try db.create(table: "case_clock") { t in
                t.column("case_id", .text).primaryKey()
                t.column("bureau", .text).notNull().indexed()
                t.column("deadline", .double).notNull().indexed()
                t.column("open", .boolean).notNull()
                t.column("tracked_at", .double).notNull()
            }
        }
    }

    public static func build(_ context: ServiceBuildContext) async throws -> ServiceParts {
        let events = context.events
        let clock = context.clock
        let database = context.database.writer
        return ServiceParts(
            routes: { router in
                router.get("/v1/clocks/{id}") { _, request -> JSONResponse<CaseClock> in
                    let id = try request.parameters.require("id")
                    guard let clock = try await database.read({ try CaseClock.fetch(id, in: $0) }) else {
                        throw APIError.notFound("case_not_found", "escalation tracks no case \(id)")
                    }
                    return JSONResponse(clock)
                }
            },
            onEvent: { db, event in
                if case .caseUpdated(let update) = event.payload {
                    // The clock stops when the bureau resolves the case and runs again if the submitter reopens it.
                    try db.execute(sql: "UPDATE case_clock SET open = ? WHERE case_id = ?",
                                   arguments: [update.status.isOpen, event.caseID.rawValue])
                    return
                }
                guard case .caseRouted(let routed) = event.payload else { return }
                try db.execute(sql: """
                    INSERT INTO case_clock (case_id, bureau, deadline, open, tracked_at) VALUES (?, ?, ?, 1, ?)
                    ON CONFLICT(case_id) DO UPDATE SET bureau = excluded.bureau, deadline = excluded.deadline
                    """, arguments: [event.caseID.rawValue, routed.bureau.rawValue, routed.deadline.timeIntervalSince1970,
                                     clock.now().timeIntervalSince1970])
                try events.append(.deadlineTracked(DeadlineTracked(bureau: routed.bureau, deadline: routed.deadline)),
                                  caseID: event.caseID, at: clock.now(), causedBy: event.id, in: db)
            },
            health: {
                let count = try await database.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM case_clock WHERE open") ?? 0 }
                return ["openCases": String(count)]
            }
        )
    }
}

/// A case's clock as escalation keeps it.
public struct CaseClock: Codable, Sendable {
    public var id: String
    public var bureau: String
    public var deadline: Date
    public var open: Bool

    static func fetch(_ id: String, in db: Database) throws -> CaseClock? {
        try Row.fetchOne(db, sql: "SELECT * FROM case_clock WHERE case_id = ?", arguments: [id]).map { row in
            CaseClock(id: row["case_id"], bureau: row["bureau"], deadline: Date(timeIntervalSince1970: row["deadline"]),
                      open: row["open"])
        }
    }
}
