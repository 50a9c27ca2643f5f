import DubanIdentity
import DubanMessaging
import DubanModels
import DubanRuntime
import Foundation
import GRDB
import Hummingbird

/// Routing: turns each submitted problem into a responsibility-list line (one bureau, one deadline), and keeps it
/// right when a bureau returns the case, the triage office dispatches it, or an extension is granted.
public enum Routing: DubanService {
    public static let descriptor = ServiceDescriptor.routing

    public static func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("routing-v1") { db in
            try db.create(table: "assignment") { t in
                t.column("case_id", .text).primaryKey()
                t.column("bureau", .text).notNull().indexed()
                t.column("category", .text).notNull()
                t.column("deadline", .double).notNull()
                t.column("rule", .text).notNull()
                t.column("score", .double).notNull()
                t.column("decided_at", .double).notNull()
            }
        }
        migrator.registerMigration("routing-v2-reroute") { db in
            try db.alter(table: "assignment") { t in
                t.add(column: "draft", .blob)  // what was raised, to route it again
                t.add(column: "decision", .blob)  // the latest CaseRouted
                t.add(column: "pending_extension_days", .integer)
            }
            try db.create(table: "case_return") { t in
                t.column("case_id", .text).notNull().indexed()
                t.column("bureau", .text).notNull().indexed()
                t.column("reason", .text)
                t.column("returned_at", .double).notNull()
            }
        }
        migrator.registerMigration("routing-v3-no-submitter-contact") { db in
            // Routing decides on what was raised, never on who raised it: intake no longer sends the submitter's
            // name and phone (#15), and the drafts kept from before lose them too (SQLite zeroing the old rows).
            try db.execute(sql: "PRAGMA secure_delete = ON")
            let decoder = DubanJSON.decoder(), encoder = DubanJSON.encoder()
            for row in try Row.fetchAll(db, sql: "SELECT rowid AS row_id, draft FROM assignment WHERE draft IS NOT NULL") {
                guard var draft = try? decoder.decode(CaseDraft.self, from: row["draft"] as Data),
                      draft.submitter != draft.submitter.withoutContact else { continue }
                draft.submitter = draft.submitter.withoutContact
                try db.execute(sql: "UPDATE assignment SET draft = ? WHERE rowid = ?", arguments: [try encoder.encode(draft), row["row_id"] as Int64])
            }
        }
    }

    public static func build(_ context: ServiceBuildContext) async throws -> ServiceParts {
        let configDirectory = context.settings.reader.string(forKey: "routing.config-dir", default: "deploy/config")
        let holder = try RouterHolder(directory: configDirectory, logger: context.logger)
        let now = context.clock.now()
        let uncovered = holder.router.calendar.uncoveredYears(from: now, through: now.addingTimeInterval(366 * 86_400))
        if !uncovered.isEmpty {
            context.logger.warning("""
                CALENDAR: no State Council holiday notice for \(uncovered) in calendar.yaml; deadlines there count weekends and \
                the statutory holidays (computed), but the makeup working days (调休) and bridging days are not yet known. \
                Add the year to calendar.yaml when the notice is published.
                """)
        }
        let assignments = Assignments(events: context.events, clock: context.clock, holder: holder, logger: context.logger)
        let database = context.database.writer
        let clock = context.clock
        // `intake.url`: where intake answers for people's sessions and API keys (DubanIdentity).
        let (gate, revocationFeed) = RemoteIdentity.gate(
            intakeURL: context.settings.reader.string(forKey: "intake.url", default: "http://127.0.0.1:8080"),
            acceptsCookie: false, logger: context.logger)
        return ServiceParts(
            routes: { http in
                http.add(middleware: AccessMiddleware(gate: gate, secureCookies: false, isPublic: { _ in false }))
                http.post("/v1/routing/preview") { request, context -> JSONResponse<CaseRouted> in
                    _ = try context.caseReader()
                    let body = try await request.body.collect(upTo: 64 * 1024)
                    guard let draft = try? DubanJSON.decoder().decode(PreviewRequest.self, from: Data(buffer: body)) else {
                        throw APIError.badRequest("invalid_preview", "send {\"title\": ..., \"description\": ...}")
                    }
                    return JSONResponse(holder.router.route(draft.draft, at: clock.now()))
                }
                http.get("/v1/routing/returns") { _, context -> JSONResponse<[String: Int]> in
                    _ = try context.caseReader()
                    return JSONResponse(try await database.read { try Assignments.returnsByBureau(in: $0) })
                }
            },
            onEvent: { db, event in try assignments.apply(event, in: db) },
            services: [holder, revocationFeed],
            health: {
                var details: [String: String] = [:]
                let now = clock.now()
                let uncovered = holder.router.calendar.uncoveredYears(from: now, through: now.addingTimeInterval(60 * 86_400))
                if !uncovered.isEmpty {
                    details["calendarWarning"] = "no State Council holiday notice for \(uncovered.map(String.init).joined(separator: ", ")): "
                        + "counting weekends and the statutory holidays; makeup working days (调休) not yet known"
                }
                if let error = holder.lastReloadError { details["configurationRefused"] = error }
                return details
            }
        )
    }

    /// Reads `routing.yaml` and `calendar.yaml` from the configuration directory.
    public static func loadRouter(directory: String) throws -> CaseRouter {
        let configuration = try RoutingConfiguration.load(path: (directory as NSString).appendingPathComponent("routing.yaml"))
        let calendar = try CalendarFile.load(path: (directory as NSString).appendingPathComponent("calendar.yaml"))
        return CaseRouter(configuration: configuration, calendar: calendar)
    }
}

struct PreviewRequest: Decodable {
    var title: String
    var description: String
    var category: CategoryID?
    var location: Location?

    var draft: CaseDraft {
        CaseDraft(title: title, description: description, channel: .api, submitter: Submitter(), category: category,
                  location: location)
    }
}
