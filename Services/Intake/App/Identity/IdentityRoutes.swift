import DubanIdentity
import DubanModels
import DubanRuntime
import DubanStorage
import Foundation
import GRDB
import Hummingbird

/// Intake's identity API: sign-in and sessions for people (`/v1/sessions…`), the public key and revocation feed every
/// other service checks sessions with (`/v1/identity/…`), the administrators' accounts API (`/v1/accounts…`) and the
/// audit administrator's search (`/v1/audit`). Machines keep their API keys.
struct IdentityRoutes: Sendable {
    let registry: PeopleRegistry
    let revocations: RevocationList
    let keys: APIKeys
    let knownBureaus: Set<String>?
    /// Intake's one reading of a JSON body: its type and size checked (`Intake.build`).
    let jsonBody: @Sendable (Request) async throws -> Data

    func register(on router: Router<DubanRequestContext>) {
        router.get("/v1/identity/keys") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "max-age=60"],
                     body: .init(byteBuffer: ByteBuffer(string: await registry.tokens.jwks())))
        }
        router.get("/v1/identity/revocations") { request, _ -> JSONResponse<[Revocation]> in
            guard let after = Int64(request.uri.queryParameters["after"].map(String.init) ?? "0"), after >= 0 else {
                throw APIError.badRequest("invalid_position", "after is a feed position, 0 or more")
            }
            return JSONResponse(try await registry.revocations(after: after))
        }
        router.post("/v1/sessions") { request, _ -> JSONResponse<PeopleRegistry.SignedIn> in
            struct Body: Decodable { var login: String; var password: String; var code: String? }
            let body = try await decode(Body.self, request, fields: "login, password and, for a second factor, code")
            return JSONResponse(try await registry.signIn(login: body.login, password: body.password, code: body.code), status: .created)
        }
        router.post("/v1/sessions/refresh") { request, _ -> JSONResponse<PeopleRegistry.SignedIn> in
            JSONResponse(try await registry.refresh(try bearer(request)))
        }
        router.post("/v1/sessions/end") { request, _ -> Response in
            try await registry.signOut(try await claims(request))
            return Response(status: .noContent)
        }
        router.post("/v1/sessions/password") { request, _ -> JSONResponse<PeopleRegistry.SignedIn> in
            struct Body: Decodable { var current: String; var new: String }
            let claims = try await claims(request)
            let body = try await decode(Body.self, request, fields: "current and new")
            return JSONResponse(try await registry.changePassword(claims, current: body.current, new: body.new))
        }
        router.post("/v1/sessions/totp") { request, _ -> JSONResponse<PeopleRegistry.TOTPSetup> in
            JSONResponse(try await registry.startTOTP(try await person(request)))
        }
        router.post("/v1/sessions/totp/confirm") { request, _ -> Response in
            struct Body: Decodable { var code: String }
            let principal = try await person(request)
            try await registry.confirmTOTP(principal, code: try await decode(Body.self, request, fields: "code").code)
            return Response(status: .noContent)
        }
        router.get("/v1/accounts") { request, _ -> JSONResponse<[Account.Summary]> in
            let principal = try await person(request)
            guard principal.scopes.contains("accounts") || principal.scopes.contains("roles") else { throw Self.administratorsOnly }
            return JSONResponse(try await registry.list())
        }
        router.post("/v1/accounts") { request, _ -> JSONResponse<PeopleRegistry.Created> in
            struct Body: Decodable { var login: String; var name: String; var unit: String?; var phone: String?; var roles: [Role]? }
            let principal = try await person(request, scope: "accounts")
            let body = try await decode(Body.self, request, fields: "login, name, and optionally unit, phone, roles")
            if !(body.roles ?? []).isEmpty && !principal.scopes.contains("roles") {
                throw APIError(.forbidden, code: "scope_required", "roles are granted by the security administrator")
            }
            return JSONResponse(try await registry.createAccount(login: body.login, displayName: body.name, unit: body.unit,
                                                                 roles: Set(body.roles ?? []), phone: body.phone, actor: principal.name,
                                                                 knownBureaus: knownBureaus), status: .created)
        }
        router.post("/v1/accounts/{login}/{act}") { request, context -> Response in
            let login = try context.parameters.require("login")
            switch try context.parameters.require("act") {
            case "disable", "enable":
                let principal = try await person(request, scope: "accounts")
                try await registry.setDisabled(login, disabled: context.parameters.get("act") == "disable", actor: principal.name)
                return Response(status: .noContent)
            case "reset-password":
                let principal = try await person(request, scope: "accounts")
                return try JSONResponse(try await registry.resetPassword(login, actor: principal.name)).response(from: request, context: context)
            case "roles":
                struct Body: Decodable { var grant: [Role]?; var revoke: [Role]?; var unit: String? }
                let principal = try await person(request, scope: "roles")
                let body = try await decode(Body.self, request, fields: "grant, revoke (role names) and unit")
                let setup = try await registry.changeRoles(login, grant: Set(body.grant ?? []), revoke: Set(body.revoke ?? []), unit: body.unit,
                                                           actor: principal.name, knownBureaus: knownBureaus)
                struct Answer: Encodable, Sendable { var totp: PeopleRegistry.TOTPSetup? }
                return try JSONResponse(Answer(totp: setup)).response(from: request, context: context)
            case "totp-reset":
                let principal = try await person(request, scope: "roles")
                return try JSONResponse(try await registry.resetTOTP(login, actor: principal.name)).response(from: request, context: context)
            default:
                throw APIError.notFound("not_found", "no such account action: disable, enable, reset-password, roles, totp-reset")
            }
        }
        router.get("/v1/audit") { request, context -> Response in
            let principal = try await person(request, scope: "audit")
            let query = request.uri.queryParameters
            let fields = ["actor", "subject", "action", "from", "to", "limit", "format"].reduce(into: [String: String]()) { fields, name in
                if let value = query[Substring(name)], !value.isEmpty { fields[name] = String(value) }
            }
            func text(_ name: String) -> String? { fields[name] }
            func day(_ name: String) throws -> Date? {
                guard let value = text(name) else { return nil }
                guard let date = ISO8601DateFormatter().date(from: value) ?? ChinaTime.day(value) else {
                    throw APIError.badRequest("invalid_time", "\(name) is a day (2026-11-29) or a time (2026-11-29T08:00:00Z)")
                }
                return date
            }
            let from = try day("from")
            // A day as `to` includes itself.
            let to = try day("to").map { fields["to"]!.contains("T") ? $0 : $0.addingTimeInterval(86_400) }
            let limit = min(10_000, max(1, Int(text("limit") ?? "500") ?? 500))
            let detail = request.uri.query ?? ""
            let entries = try await keys.database.write { db in
                let found = try AuditTrail.search(actor: fields["actor"], subject: fields["subject"], action: fields["action"], from: from,
                                                  to: to, limit: limit, in: db)
                try AuditTrail.append(actor: principal.name, action: "audit.search", subject: fields["subject"] ?? fields["actor"] ?? "",
                                      detail: detail, at: Date(), in: db)
                return found
            }
            if text("format") == "csv" {
                return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                                       .contentDisposition: "attachment; filename=\"audit.csv\""],
                                body: .init(byteBuffer: ByteBuffer(string: AuditCSV.render(entries))))
            }
            return try JSONResponse(entries.map(AuditRow.init)).response(from: request, context: context)
        }
    }

    static let administratorsOnly = APIError(.forbidden, code: "scope_required", "for the system or security administrator")

    private func bearer(_ request: Request) throws -> String {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
              case let token = String(header.dropFirst(7)), PersonClaims.looksLikeToken(token) else {
            throw APIError(.unauthorized, code: "session_required", "send the session token as 'Authorization: Bearer <token>'")
        }
        return token
    }

    /// The token's claims, if it is good now (any stage).
    private func claims(_ request: Request) async throws -> PersonClaims {
        guard let claims = try await registry.tokens.verify(try bearer(request)), claims.exp.value > Date(), !revocations.revokes(claims) else {
            throw PeopleRegistry.sessionEnded
        }
        return claims
    }

    /// A fully signed-in person (not one who must change the password first), holding `scope` if given.
    private func person(_ request: Request, scope: String? = nil) async throws -> Principal {
        let claims = try await claims(request)
        guard claims.stage == .full else {
            throw APIError(.forbidden, code: "password_change_required", "change the password first (POST /v1/sessions/password)")
        }
        let principal = claims.principal
        if let scope, !principal.scopes.contains(scope) {
            throw APIError(.forbidden, code: "scope_required", "'\(principal.name)' lacks the '\(scope)' role's rights")
        }
        return principal
    }

    private func decode<T: Decodable>(_ type: T.Type, _ request: Request, fields: String) async throws -> T {
        let body = try await jsonBody(request)
        guard let value = try? JSONDecoder().decode(T.self, from: body) else {
            throw APIError.badRequest("invalid_json", "the body must be a JSON object with \(fields)")
        }
        return value
    }
}

/// One audit row as the API shows it.
struct AuditRow: Codable, Sendable {
    var seq: Int64
    var at: Date
    var actor: String
    var action: String
    var subject: String
    var outcome: String
    var detail: String

    init(_ entry: AuditTrail.Entry) {
        seq = entry.seq
        at = Date(timeIntervalSince1970: entry.at)
        actor = entry.actor
        action = entry.action
        subject = entry.subject
        outcome = entry.outcome
        detail = entry.detail
    }
}

/// The audit search as CSV for Excel and WPS (`SpreadsheetCSV`), in Beijing time.
enum AuditCSV {
    static func render(_ entries: [AuditTrail.Entry]) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = ChinaTime.zone
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return SpreadsheetCSV.document(header: ["序号", "时间", "操作人", "操作", "对象", "结果", "说明"], rows: entries.map { entry in
            [String(entry.seq), formatter.string(from: Date(timeIntervalSince1970: entry.at)), entry.actor, entry.action,
             entry.subject, entry.outcome == "done" ? "成功" : "拒绝", detailWords[entry.detail] ?? entry.detail]
        })
    }

    /// Why a sign-in was refused, and the other fixed details, in the reader's language (the codes stay in JSON).
    static let detailWords = [
        "password": "密码错误", "password (change)": "修改密码时原密码错误", "unknown login": "无此用户", "disabled": "账号已停用",
        "locked": "账号锁定中", "code": "动态验证码错误", "code missing": "未填动态验证码", "no second factor": "未设置动态验证码",
        "must change password": "须先修改密码", "masked": "脱敏查看",
    ]

}
