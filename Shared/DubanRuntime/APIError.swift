import DubanModels
import Foundation
import Hummingbird

/// An error answered to an HTTP client: a status, a stable machine-readable code, and a message for people.
///
/// Body: `{"error": {"code": "title_required", "message": "..."}}`. Codes never change meaning once published.
public struct APIError: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String

    public init(_ status: HTTPResponse.Status, code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public static func badRequest(_ code: String, _ message: String) -> APIError { APIError(.badRequest, code: code, message) }
    public static func notFound(_ code: String, _ message: String) -> APIError { APIError(.notFound, code: code, message) }

    private struct Body: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
        }
        let error: Detail
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try JSONResponse(Body(error: .init(code: code, message: message)))
            .response(from: request, context: context)
        response.status = status
        return response
    }
}

/// A JSON response body written with Duban's JSON dialect, whatever the request context's default encoder is.
public struct JSONResponse<Value: Encodable & Sendable>: ResponseGenerator, Sendable {
    public var status: HTTPResponse.Status
    public var value: Value

    public init(_ value: Value, status: HTTPResponse.Status = .ok) {
        self.value = value
        self.status = status
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try DubanJSON.shared.encode(value)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
