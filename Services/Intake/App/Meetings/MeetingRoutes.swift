import DubanModels
import DubanRuntime
import Foundation
import Hummingbird

/// Intake's API for meetings and council topics (docs/MEETINGS.md). Writing needs the `meetings` scope (the
/// secretary, the supervision office, or a key given it); reporting serves the lists, figures and pages.
struct MeetingRoutes: Sendable {
    let meetings: MeetingBook
    let topics: TopicBook
    let keys: APIKeys
    let jsonBody: @Sendable (Request) async throws -> Data

    func register(on router: Router<DubanRequestContext>) {
        router.post("/v1/meetings/series") { request, _ -> JSONResponse<MeetingSeries> in
            let key = try await keys.authenticate(request, scope: "meetings")
            let fields = try RequestFields(try await jsonBody(request), allowed: MeetingBook.seriesFields)
            return JSONResponse(try await meetings.createSeries(fields, actor: key.name), status: .created)
        }
        router.get("/v1/meetings/series") { request, _ -> JSONResponse<[MeetingSeries]> in
            _ = try await keys.authenticate(request, scope: "meetings")
            return JSONResponse(try await meetings.allSeries())
        }
        router.post("/v1/meetings/sessions") { request, _ -> JSONResponse<MeetingSession> in
            let key = try await keys.authenticate(request, scope: "meetings")
            let fields = try RequestFields(try await jsonBody(request), allowed: MeetingBook.sessionFields)
            return JSONResponse(try await meetings.createSession(fields, actor: key.name), status: .created)
        }
        router.get("/v1/meetings/sessions/{id}") { request, context -> JSONResponse<MeetingSession> in
            _ = try await keys.authenticate(request, scope: "meetings")
            return JSONResponse(try await meetings.session(try context.parameters.require("id")))
        }
        router.patch("/v1/meetings/sessions/{id}") { request, context -> JSONResponse<MeetingSession> in
            let key = try await keys.authenticate(request, scope: "meetings")
            let fields = try RequestFields(try await jsonBody(request), allowed: MeetingBook.sessionFields.subtracting(["series"]))
            return JSONResponse(try await meetings.updateSession(try context.parameters.require("id"), fields, actor: key.name))
        }
        for act in ["open", "close", "cancel"] {
            router.post(RouterPath("/v1/meetings/sessions/{id}/\(act)")) { request, context -> JSONResponse<MeetingSession> in
                let key = try await keys.authenticate(request, scope: "meetings")
                return JSONResponse(try await meetings.transition(try context.parameters.require("id"), act, actor: key.name))
            }
        }
        router.post("/v1/meetings/sessions/{id}/problems") { request, context -> JSONResponse<CSVImport.Report> in
            let key = try await keys.authenticate(request, scope: "meetings")
            let fields = try RequestFields(try await jsonBody(request), allowed: ["problems"])
            guard let problems = fields.object["problems"] as? [Any] else {
                throw APIError.badRequest("invalid_problems", "problems is a list of 1 to 200 problems")
            }
            let idempotencyKey = request.headers[idempotencyKeyHeader]
            if let idempotencyKey, idempotencyKey.isEmpty || idempotencyKey.count > 200 {
                throw APIError.badRequest("invalid_idempotency_key", "Idempotency-Key has 1 to 200 characters")
            }
            return JSONResponse(try await meetings.record(try context.parameters.require("id"), problems: problems, idempotencyKey: idempotencyKey,
                                                          actor: key.name))
        }
        router.post("/v1/topics") { request, _ -> JSONResponse<Topic> in
            let key = try await keys.authenticate(request, scope: "meetings")
            let fields = try RequestFields(try await jsonBody(request), allowed: TopicBook.createFields)
            return JSONResponse(try await topics.create(fields, actor: key.name, actorName: key.displayName), status: .created)
        }
        router.get("/v1/topics/{id}") { request, context -> JSONResponse<Topic> in
            _ = try await keys.authenticate(request, scope: "meetings")
            return JSONResponse(try await topics.topic(try context.parameters.require("id")))
        }
        router.post("/v1/topics/{id}/steps") { request, context -> JSONResponse<Topic> in
            let key = try await keys.authenticate(request, scope: "meetings")
            let fields = try RequestFields(try await jsonBody(request), allowed: TopicBook.stepFields)
            return JSONResponse(try await topics.record(try context.parameters.require("id"), fields, actor: key.name, actorName: key.displayName))
        }
    }
}
