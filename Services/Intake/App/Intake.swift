import DubanMessaging
import DubanModels
import DubanRuntime
import Foundation
import GRDB
import Hummingbird

/// Intake: the front door. Validates a problem, stores it, and announces it, all in one transaction.
public enum Intake: DubanService {
    public static let descriptor = ServiceDescriptor.intake

    public static func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("intake-v1") { db in
            try db.create(table: "case_record") { t in
                t.column("number", .integer).primaryKey(autoincrement: true)
                t.column("case_id", .text).notNull().unique()
                t.column("title", .text).notNull()
                t.column("description", .text).notNull()
                t.column("channel", .text).notNull()
                t.column("submitter", .blob).notNull()
                t.column("category", .text)
                t.column("location", .blob)
                t.column("status", .text).notNull()
                t.column("submitted_at", .double).notNull()
            }
        }
    }

    public static func build(_ context: ServiceBuildContext) async throws -> ServiceParts {
        let store = CaseStore(database: context.database.writer, events: context.events, clock: context.clock)
        let maxBody = context.settings.reader.int(forKey: "intake.max-body-bytes", default: 64 * 1024)
        let database = context.database.writer
        return ServiceParts(routes: { router in
            router.post("/v1/cases") { request, _ -> JSONResponse<SubmittedCase> in
                guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true else {
                    throw APIError(.unsupportedMediaType, code: "unsupported_media_type", "send the case as application/json")
                }
                let body: ByteBuffer
                do { body = try await request.body.collect(upTo: maxBody) } catch {
                    throw APIError(.contentTooLarge, code: "body_too_large", "the body is larger than \(maxBody) bytes")
                }
                let draft = try CaseSubmission.parse(Data(buffer: body))
                return JSONResponse(try await store.submit(draft), status: .created)
            }
        }, health: {
            let count = try await database.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM case_record") ?? 0 }
            return ["cases": String(count)]
        })
    }
}

/// What `POST /v1/cases` answers.
public struct SubmittedCase: Codable, Sendable {
    public var id: CaseID
    public var status: CaseStatus
    public var submittedAt: Date
}
