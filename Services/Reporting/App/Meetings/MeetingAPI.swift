import DubanIdentity
import DubanModels
import DubanRuntime
import Foundation
import GRDB
import Hummingbird

/// Reporting's read API for meetings, topics and liaison officers (docs/MEETINGS.md): for those who read every case.
struct MeetingAPI: Sendable {
    let database: DatabasePool
    let words: Vocabulary
    let configuration: MeetingsConfiguration

    /// A topic with what the read model knows of its execution: done when every case carrying the decision out is
    /// solved.
    struct TopicAnswer: Codable, Sendable {
        var topic: Topic
        var executionSolved: Int
        var done: Bool

        static func of(_ topic: Topic, in db: Database) throws -> TopicAnswer {
            var solved = 0
            for id in topic.executionCases {
                let status = try String.fetchOne(db, sql: "SELECT intake_status FROM case_view WHERE case_id = ?", arguments: [id])
                if status == CaseStatus.resolved.rawValue || status == CaseStatus.closed.rawValue { solved += 1 }
            }
            return TopicAnswer(topic: topic, executionSolved: solved,
                               done: topic.step == .supervise && !topic.executionCases.isEmpty && solved == topic.executionCases.count)
        }
    }

    func figures(series: String?) async throws -> MeetingFigures {
        try await database.read { [words, configuration] db in
            try MeetingFigures.compute(series: series, configuration: configuration, categoryName: { words.category($0, .zh) }, in: db)
        }
    }

    func responsibilityList(_ id: String) async throws -> ResponsibilityList {
        guard let list = try await database.read({ [words] in try ResponsibilityList.compute(session: id, words: words, in: $0) }) else {
            throw APIError.notFound("session_not_found", "no meeting session '\(id)' in reporting")
        }
        return list
    }

    func followUp(_ id: String) async throws -> FollowUpReport {
        guard let report = try await database.read({ [words] in try FollowUpReport.compute(session: id, words: words, in: $0) }) else {
            throw APIError.notFound("session_not_found", "no meeting session '\(id)' in reporting")
        }
        return report
    }

    func topic(_ id: String) async throws -> TopicAnswer {
        guard let answer = try await database.read({ db in try TopicView.fetch(id, in: db).map { try TopicAnswer.of($0, in: db) } }) else {
            throw APIError.notFound("topic_not_found", "no topic '\(id)' in reporting")
        }
        return answer
    }

    func register(on router: Router<DubanRequestContext>) {
        router.get("/v1/meetings/series") { _, context -> JSONResponse<[MeetingSeries]> in
            _ = try context.allCasesReader()
            return JSONResponse(try await database.read { try SeriesView.all(in: $0) })
        }
        router.get("/v1/meetings/sessions") { request, context -> JSONResponse<[MeetingSession]> in
            _ = try context.allCasesReader()
            let series = request.uri.queryParameters["series"].map(String.init)
            return JSONResponse(try await database.read { try SessionView.all(series: series, in: $0) })
        }
        router.get("/v1/meetings/sessions/{id}") { _, context -> JSONResponse<MeetingSession> in
            _ = try context.allCasesReader()
            let id = try context.parameters.require("id")
            guard let session = try await database.read({ try SessionView.fetch(id, in: $0) }) else {
                throw APIError.notFound("session_not_found", "no meeting session '\(id)' in reporting")
            }
            return JSONResponse(session)
        }
        router.get("/v1/meetings/sessions/{id}/responsibility-list") { request, context -> Response in
            _ = try context.allCasesReader()
            let list = try await responsibilityList(try context.parameters.require("id"))
            switch try Self.format(request) {
            case "csv": return Self.csv(list.csv, fileName: list.fileName)
            default: return try JSONResponse(list).response(from: request, context: context)
            }
        }
        router.get("/v1/meetings/sessions/{id}/follow-up") { request, context -> Response in
            _ = try context.allCasesReader()
            let report = try await followUp(try context.parameters.require("id"))
            switch try Self.format(request) {
            case "csv": return Self.csv(report.csv, fileName: "follow-up-\(report.session.id).csv")
            default: return try JSONResponse(report).response(from: request, context: context)
            }
        }
        router.get("/v1/meetings/figures") { request, context -> JSONResponse<MeetingFigures> in
            _ = try context.allCasesReader()
            let series = request.uri.queryParameters["series"].map(String.init)
            if let series, try await database.read({ try SeriesView.fetch(series, in: $0) }) == nil {
                throw APIError.notFound("series_not_found", "no meeting series '\(series)' in reporting")
            }
            return JSONResponse(try await figures(series: series))
        }
        router.get("/v1/topics") { _, context -> JSONResponse<[TopicAnswer]> in
            _ = try context.allCasesReader()
            return JSONResponse(try await database.read { db in try TopicView.all(in: db).map { try TopicAnswer.of($0, in: db) } })
        }
        router.get("/v1/topics/{id}") { _, context -> JSONResponse<TopicAnswer> in
            _ = try context.allCasesReader()
            return JSONResponse(try await topic(try context.parameters.require("id")))
        }
        router.get("/v1/liaisons") { _, context -> JSONResponse<[LiaisonFigures]> in
            _ = try context.allCasesReader()
            return JSONResponse(try await database.read { try LiaisonFigures.compute(in: $0) })
        }
    }

    /// `format`: `json` (the default) or `csv`.
    static func format(_ request: Request) throws -> String {
        let format = request.uri.queryParameters["format"].map(String.init) ?? "json"
        guard format == "json" || format == "csv" else { throw APIError.badRequest("invalid_format", "format is json or csv") }
        return format
    }

    static func csv(_ text: String, fileName: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(fileName)\""],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
