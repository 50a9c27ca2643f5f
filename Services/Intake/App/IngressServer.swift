import DubanMessaging
import DubanModels
import DubanRuntime
import Foundation
import Logging
import ServiceLifecycle
import ZeroMQ

/// Intake's ZeroMQ front door, for systems that would rather not speak HTTP (docs/INGRESS.md).
///
/// A ROUTER at `ingress.bind` takes a case as JSON, from a REQ or a DEALER: frames `[API key, idempotency key or
/// empty, body]`, the key with the `submit` scope, the body exactly as for `POST /v1/cases`. The one-frame reply comes only after the case
/// is committed: `{"id": …, "status": "submitted", "submittedAt": …}`, or `{"error": {"code", "message"}}` with the
/// same codes as HTTP. A request that is never answered (the process died) is safe to resend with its key.
final class IngressServer: Service, Sendable {
    private let endpoint: String
    private let store: CaseStore
    private let keys: APIKeys
    private let context: ZMQContext
    private let logger: Logger

    init(endpoint: String, store: CaseStore, keys: APIKeys, context: ZMQContext, logger: Logger) {
        self.endpoint = endpoint
        self.store = store
        self.keys = keys
        self.context = context
        self.logger = logger
    }

    func run() async throws {
        let thread = try SocketThread(name: "ingress") { [self] control in try loop(control) }
        try await thread.runUntilShutdown()
    }

    private func loop(_ control: SocketThread.Control) throws {
        let socket = try ZMQSocket.clientRouter(context, bind: endpoint)
        defer { socket.close() }
        logger.info("ZeroMQ ingress listening", metadata: ["endpoint": "\(endpoint)"])
        let encoder = DubanJSON.encoder()
        while !control.isStopRequested {
            try control.wait(for: [socket], timeoutMilliseconds: 1_000)
            while let message = try socket.receive(wait: false) {
                // [peer, "" (REQ only), key?, body]: the envelope is everything up to and including the delimiter.
                var frames = message.frames
                var envelope = [frames.removeFirst()]
                if frames.first?.isEmpty == true { envelope.append(frames.removeFirst()) }
                let reply = answer(frames, encoder: encoder)
                do {
                    try socket.send(envelope + [reply], wait: false)
                } catch let error as ZMQError where error.isHostUnreachable {
                    continue  // the client left before its answer; a resend with its key gets the same case
                }
            }
        }
    }

    private func answer(_ frames: [Data], encoder: JSONEncoder) -> Data {
        do {
            guard frames.count == 3 else {
                throw APIError(.unauthorized, code: "api_key_required", "send [API key, idempotency key or empty, case JSON]")
            }
            guard let secret = String(data: frames[0], encoding: .utf8), let apiKey = try keys.lookupWaiting(secret: secret) else {
                throw APIError(.unauthorized, code: "api_key_invalid", "the API key is unknown or revoked")
            }
            guard apiKey.scopes.contains("submit") else {
                throw APIError(.forbidden, code: "scope_required", "key '\(apiKey.name)' lacks the 'submit' scope")
            }
            let key: String? = frames[1].isEmpty ? nil : String(data: frames[1], encoding: .utf8)
            if !frames[1].isEmpty && (key == nil || key!.count > 200) {
                throw APIError.badRequest("invalid_idempotency_key", "the idempotency key has 1 to 200 characters of UTF-8")
            }
            let draft = try CaseSubmission.parse(frames[2])
            let stored = try store.submitWaiting(draft, idempotencyKey: key, requestHash: key == nil ? "" : try requestHash(draft), actor: apiKey.name)
            return try encoder.encode(stored)
        } catch let error as APIError {
            return (try? encoder.encode(["error": ["code": error.code, "message": error.message]])) ?? Data()
        } catch {
            logger.error("ingress could not store a case", metadata: ["error": "\(error)"])
            return (try? encoder.encode(["error": ["code": "unavailable", "message": "the case was not stored; send it again"]])) ?? Data()
        }
    }
}
