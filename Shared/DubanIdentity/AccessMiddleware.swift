import DubanModels
import DubanRuntime
import Foundation
import Hummingbird

/// Puts every route of a service behind the ``AccessGate``, except the paths `isPublic` names. A page request
/// without a good session is sent to the sign-in page (and back afterwards); an API request gets 401
/// `authentication_required` or `credentials_invalid`. The caller is left in the context's `principal` for the
/// handlers to decide what it may see.
public struct AccessMiddleware: RouterMiddleware {
    public typealias Context = DubanRequestContext

    let gate: AccessGate
    let isPublic: @Sendable (String) -> Bool
    /// Where pages send a visitor without a session (`nil`: the service has no pages).
    let signInPath: String?
    let isPage: @Sendable (String) -> Bool
    let secureCookies: Bool

    public init(gate: AccessGate, secureCookies: Bool, signInPath: String? = nil, isPage: @escaping @Sendable (String) -> Bool = { _ in false },
                isPublic: @escaping @Sendable (String) -> Bool) {
        self.gate = gate
        self.isPublic = isPublic
        self.signInPath = signInPath
        self.isPage = isPage
        self.secureCookies = secureCookies
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        var context = context
        let checked: Result<AccessGate.Outcome, AccessGate.Failure>
        do {
            checked = try await gate.check(request)
        } catch where isPublic(path) {
            // A public page answers even when the caller's credential cannot be checked just now (intake away).
            return try await next(request, context)
        }
        if case .success(let outcome) = checked {
            context.principal = outcome.principal
            context.credential = outcome.credential
            context.viaCookie = outcome.viaCookie
            var response = try await next(request, context)
            if let renewed = outcome.renewedToken { response.setCookie(SessionCookie.make(renewed, secure: secureCookies)) }
            return response
        }
        if isPublic(path) { return try await next(request, context) }
        let hadCookie = request.cookies[SessionCookie.name].map { !$0.value.isEmpty } ?? false
        var response: Response
        if let signInPath, isPage(path), request.method == .get || request.method == .head {
            let target = path + (request.uri.query.map { "?" + $0 } ?? "")
            let next = target.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_./"))) ?? "/dashboard"
            // The sign-in page speaks the language the page asked for.
            let language = request.uri.queryParameters["lang"] == "en" ? "&lang=en" : ""
            response = Response(status: .seeOther, headers: [.location: signInPath + "?next=" + next + language])
        } else if case .failure(.invalid) = checked {
            response = try APIError(.unauthorized, code: "credentials_invalid",
                                    "the API key is unknown or revoked, or the session has ended: sign in again")
                .response(from: request, context: context)
        } else {
            response = try APIError(.unauthorized, code: "authentication_required",
                                    "sign in, or send an API key as 'Authorization: Bearer <key>'")
                .response(from: request, context: context)
        }
        if hadCookie { response.setCookie(SessionCookie.clear(secure: secureCookies)) }
        return response
    }
}
