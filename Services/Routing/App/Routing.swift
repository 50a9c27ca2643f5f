import DubanMessaging
import DubanModels
import DubanRuntime
import Foundation
import GRDB
import Hummingbird

/// Routing: turns each submitted problem into a responsibility-list line (one bureau, one deadline).
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
    }

    public static func build(_ context: ServiceBuildContext) async throws -> ServiceParts {
        let configDirectory = context.settings.reader.string(forKey: "routing.config-dir", default: "deploy/config")
        let router = try loadRouter(directory: configDirectory)
        let now = context.clock.now()
        let uncovered = router.calendar.uncoveredYears(from: now, through: now.addingTimeInterval(366 * 86_400))
        if !uncovered.isEmpty {
            context.logger.warning("CALENDAR: no holiday data for \(uncovered); deadlines there count weekends only. Add the year to calendar.yaml.")
        }
        let events = context.events
        let clock = context.clock
        return ServiceParts(
            routes: { http in
                http.post("/v1/routing/preview") { request, _ -> JSONResponse<CaseRouted> in
                    let body = try await request.body.collect(upTo: 64 * 1024)
                    guard let draft = try? DubanJSON.decoder().decode(PreviewRequest.self, from: Data(buffer: body)) else {
                        throw APIError.badRequest("invalid_preview", "send {\"title\": ..., \"description\": ...}")
                    }
                    return JSONResponse(router.route(draft.draft, at: clock.now()))
                }
            },
            onEvent: { db, event in
                guard case .caseSubmitted(let submitted) = event.payload else { return }
                let decision = router.route(submitted.draft, at: submitted.submittedAt)
                try db.execute(sql: """
                    INSERT INTO assignment (case_id, bureau, category, deadline, rule, score, decided_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [event.caseID.rawValue, decision.bureau.rawValue, decision.category.rawValue,
                                     decision.deadline.timeIntervalSince1970, decision.rule, decision.score,
                                     clock.now().timeIntervalSince1970])
                try events.append(.caseRouted(decision), caseID: event.caseID, at: clock.now(), in: db)
            },
            health: {
                let uncovered = router.calendar.uncoveredYears(from: clock.now(), through: clock.now().addingTimeInterval(60 * 86_400))
                return uncovered.isEmpty ? [:] : ["calendarWarning": "no holiday data for \(uncovered.map(String.init).joined(separator: ", ")): counting weekends only"]
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

    var draft: CaseDraft {
        CaseDraft(title: title, description: description, channel: .api, submitter: Submitter(), category: category)
    }
}
