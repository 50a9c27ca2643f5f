import ServiceLifecycle
import ZeroMQ

extension SocketThread {
    /// Runs the thread as a swift-service-lifecycle service: graceful shutdown, or cancelling the task, stops it.
    public func runUntilShutdown() async throws {
        try await withGracefulShutdownHandler {
            try await run()
        } onGracefulShutdown: { [self] in
            requestStop()
        }
    }
}
