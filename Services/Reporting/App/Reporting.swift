import ArgumentParser
import DubanIdentity
import DubanMessaging
import DubanModels
import DubanRuntime
import Foundation
import GRDB
import Hummingbird

/// Reporting: a read model of every case, built from the events of all services, and the figures drawn from it.
///
/// Each column of `case_view` is written by exactly one producer's events (intake: what was raised and its status;
/// routing: owner and deadline; escalation: the clock), so events from different producers may arrive in any order.
public enum Reporting: DubanService {
    public static let descriptor = ServiceDescriptor.reporting
    public static var commands: [any ParsableCommand.Type] { [RebuildCommand.self] }

    public static func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("reporting-v1") { db in
            try db.create(table: "case_view") { t in
                t.column("case_id", .text).primaryKey()
                // intake's
                t.column("title", .text)
                t.column("description", .text)
                t.column("channel", .text)
                t.column("enterprise", .text)
                t.column("intake_status", .text)
                t.column("submitted_at", .double)
                // routing's
                t.column("bureau", .text).indexed()
                t.column("bureau_name", .text)
                t.column("category", .text)
                t.column("deadline", .double)
                t.column("deadline_class", .text)
                t.column("routing_rule", .text)
                t.column("routing_score", .double)
                t.column("routed_at", .double)
                // escalation's
                t.column("tracked_at", .double)
            }
            try db.create(table: "timeline") { t in
                t.column("event_id", .text).primaryKey()
                t.column("case_id", .text).notNull().indexed()
                t.column("type", .text).notNull()
                t.column("producer", .text).notNull()
                t.column("occurred_at", .double).notNull()
                t.column("body", .blob).notNull()
            }
        }
        registerUpdateColumns(in: &migrator)
        CaseStats.registerMigrations(in: &migrator)
        ReadModel.registerMigrations(in: &migrator)
        migrator.registerMigration("reporting-v7-no-submitter-contact") { db in
            // Reporting shows the enterprise, never the person: intake no longer sends the submitter's name and phone
            // (#15), and the timeline's copies of earlier `case.submitted` events lose them too.
            try SubmitterContactScrub.events(in: "timeline", db: db)
        }
        migrator.registerMigration("reporting-v8-bureau-proposal") { db in
            // intake's: a clerk's return or extension proposal waiting for the bureau head, shown on the head's workbench.
            try db.alter(table: "case_view") { t in
                t.add(column: "proposal_action", .text)
                t.add(column: "proposal_days", .integer)
                t.add(column: "proposal_note", .text)
            }
        }
        ReadModel.registerMeetingMigrations(in: &migrator)
    }

    /// Applies one event to the read model exactly as the event listener does (the benchmark rebuilds with it).
    public static func fold(_ event: EventEnvelope, in db: Database) throws { try ReadModel.apply(event, in: db) }

    /// Midnight in Beijing time of a `yyyy-MM-dd` day.
    static func day(_ text: String) -> Date? { ChinaTime.day(text) }

    static func registerUpdateColumns(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("reporting-v2-updates") { db in
            try db.alter(table: "case_view") { t in
                // intake's
                t.add(column: "returns", .integer).notNull().defaults(to: 0)
                t.add(column: "measure_drafted_at", .double)
                t.add(column: "resolved_at", .double)
                t.add(column: "closed_at", .double)
                t.add(column: "satisfaction", .integer)
                // routing's
                t.add(column: "routings", .integer).notNull().defaults(to: 0)
                t.add(column: "latest_triage", .boolean).notNull().defaults(to: false)
                t.add(column: "counterpart", .text)
                t.add(column: "assisting", .text)
                t.add(column: "routing_alternatives", .blob)
            }
            try db.alter(table: "timeline") { t in
                t.add(column: "causation_id", .text)
            }
        }
        migrator.registerMigration("reporting-v3-figures") { db in
            try db.alter(table: "case_view") { t in
                t.add(column: "responded_at", .double)  // the owner's first action: the response in 响应率
            }
        }
    }

    public static func build(_ context: ServiceBuildContext) async throws -> ServiceParts {
        let database = context.database.writer
        let clock = context.clock
        // `intake.url` (`INTAKE_URL`): where the workbench reaches intake's API.
        let intake = IntakeClient(baseURL: context.settings.reader.string(forKey: "intake.url", default: "http://127.0.0.1:8080"))
        let configDirectory = context.settings.reader.string(forKey: "routing.config-dir", default: "deploy/config")
        let words = try Vocabulary.load(path: (configDirectory as NSString).appendingPathComponent("routing.yaml"))
        let meetingsConfiguration = try MeetingsConfiguration.load(directory: configDirectory)
        let meetingAPI = MeetingAPI(database: database, words: words, configuration: meetingsConfiguration)
        let (gate, revocationFeed) = RemoteIdentity.gate(intakeURL: intake.baseURL, acceptsCookie: true, logger: context.logger)
        let secureCookies = context.settings.publicURL.lowercased().hasPrefix("https:")
        let dashboard = DashboardRoutes(database: database, clock: clock, intake: intake, words: words, logger: context.logger,
                                        secureCookies: secureCookies, meetings: meetingAPI)
        return ServiceParts(
            routes: { router in
                // Everything below needs a session or an API key; only the public results and the sign-in page do not.
                router.add(middleware: AccessMiddleware(gate: gate, secureCookies: secureCookies, signInPath: DashboardRoutes.signInPath,
                                                        isPage: { $0 == "/" || $0.hasPrefix("/dashboard") },
                                                        isPublic: DashboardRoutes.isPublic))
                dashboard.register(on: router)
                meetingAPI.register(on: router)
                router.get("/v1/cases/{id}") { _, context -> JSONResponse<CaseView> in
                    let reader = try context.caseReader()
                    let id = try context.parameters.require("id")
                    // Another bureau's case is answered as absent: its existence is not the caller's business.
                    guard let view = try await database.read({ try CaseView.fetch(id, in: $0) }),
                          reader.mayRead(bureau: view.bureau, counterpart: view.counterpart, assisting: view.assisting) else {
                        throw APIError.notFound("case_not_found", "no case \(id) in reporting")
                    }
                    return JSONResponse(view)
                }
                router.get("/v1/cases") { request, context -> JSONResponse<CaseList> in
                    var filter = try CaseList.Filter(query: request.queryDictionary)
                    filter.readable = try context.caseReader().readableBureaus
                    let now = clock.now()
                    return JSONResponse(try await database.read { [filter] in try CaseList.fetch(filter, now: now, in: $0) })
                }
                router.get("/v1/stats") { request, context -> JSONResponse<CaseStats> in
                    let query = request.queryDictionary
                    let (from, to) = try ReportPeriod.range(from: query["from"], to: query["to"])
                    let bureau = try Self.bureauFigures(query["bureau"], for: try context.caseReader())
                    let now = clock.now()
                    return JSONResponse(try await database.read { try CaseStats.compute(from: from, to: to, bureau: bureau, now: now, in: $0) })
                }
                router.get("/v1/rankings") { request, context -> JSONResponse<MonthlyRanking> in
                    _ = try context.caseReader()  // bureaus' scores, no case content: every reader sees where it stands
                    let now = clock.now()
                    let month = request.uri.queryParameters["month"].map(String.init) ?? ReportPeriod.monthName(of: now)
                    return JSONResponse(try await database.read { try MonthlyRanking.compute(month: month, now: now, in: $0) })
                }
                router.get("/v1/reports/weekly") { request, context -> Response in
                    _ = try context.allCasesReader()
                    let now = clock.now()
                    let query = request.uri.queryParameters
                    let week = query["week"].map(String.init) ?? ReportPeriod.weekName(of: now)
                    let format = query["format"].map(String.init) ?? "json"
                    guard ["json", "csv", "html"].contains(format) else {
                        throw APIError.badRequest("invalid_format", "format is json, csv or html")
                    }
                    return try await database.read { try WeeklyReport.compute(week: week, now: now, in: $0) }.response(format: format)
                }
            },
            onEvent: { db, event in try ReadModel.apply(event, in: db) },
            services: [revocationFeed],
            health: {
                // Cases by the status they show now: `duban_reporting_cases_<status>` in /metrics.
                // Plain values out of the read, so it is GRDB's asynchronous one, off the task's thread (with rows it
                // was the blocking one).
                let counts = try await database.read { db in
                    try Row.fetchAll(db, sql: "SELECT status, SUM(cases) AS n FROM figures_daily GROUP BY status")
                        .map { (status: $0["status"] as String, cases: $0["n"] as Int) }
                }
                var details: [String: String] = [:]
                for status in CaseStatus.allCases { details["cases_\(status.rawValue)"] = "0" }
                for (status, cases) in counts { details["cases_\(status)"] = String(cases) }
                return details
            }
        )
    }
}

extension Reporting {
    /// The bureau whose figures a caller asked for, within what it may read: a bureau's people and keys get their own
    /// bureau's (the only one, if they read one), never another's.
    /// - Throws: 403 `not_your_bureau`, 400 `bureau_required` (a caller of several bureaus who named none).
    static func bureauFigures(_ asked: String?, for reader: Principal) throws -> String? {
        guard let readable = reader.readableBureaus else { return asked }
        if let asked {
            guard readable.contains(asked) else { throw APIError(.forbidden, code: "not_your_bureau", "'\(reader.name)' reads only \(readable.sorted().joined(separator: ", "))") }
            return asked
        }
        guard readable.count == 1 else { throw APIError.badRequest("bureau_required", "name one of your bureaus: \(readable.sorted().joined(separator: ", "))") }
        return readable.first
    }
}

extension Request {
    /// The query string's parameters; the first of repeated ones.
    var queryDictionary: [String: String] {
        Dictionary(uri.queryParameters.map { (String($0.key), String($0.value)) }, uniquingKeysWith: { first, _ in first })
    }
}
