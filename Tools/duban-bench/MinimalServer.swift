import Hummingbird
import NIOCore

/// The floor of the submit benchmark: a minimal Hummingbird handler that reads the body and answers 201 without
/// storing anything. It runs as its own process (`duban-bench minimal-server PORT`), as intake does, so both sides pay
/// the same for crossing from the client's process to the server's and neither shares the client's threads.
enum MinimalServer {
    static let command = "minimal-server"

    static func run(port: Int) async throws {
        let router = Router()
        router.get("/health") { _, _ in HTTPResponse.Status.ok }
        router.post("/v1/cases") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 64 * 1_024)
            return Response(status: .created, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: #"{"id":"DB-20261128-000001","status":"submitted"}"#)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
        try await app.runService()
    }
}
