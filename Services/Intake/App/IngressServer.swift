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
///
/// With CURVE (`ingress.plaintext`, ``ClientSecurity``) a client connects with a key pair whose public key is registered
/// on an API key (`intake keys create --curve-public-key`); the ZAP handler admits it as that key's name, which comes
/// with each message as `User-Id`. Such a client acts as that key whatever it sends: the key frame may be empty, and a
/// key in it must be the same key (`api_key_mismatch` otherwise). The key is looked up again on each message, so a
/// revocation also reaches a connection already open, within `APIKeys.cacheSeconds`.
final class IngressServer: Service, Sendable {
    private let endpoint: String
    private let security: ClientSecurity
    private let store: CaseStore
    private let keys: APIKeys
    private let context: ZMQContext
    private let logger: Logger

    init(endpoint: String, security: ClientSecurity, store: CaseStore, keys: APIKeys, context: ZMQContext, logger: Logger) {
        self.endpoint = endpoint
        self.security = security
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
        let socket = try ZMQSocket.clientRouter(context, bind: endpoint, security: security)
        defer { socket.close() }
        logger.info("ZeroMQ ingress listening", metadata: ["endpoint": "\(endpoint)", "curve": "\(!security.isPlaintext)"])
        let encoder = DubanJSON.encoder()
        while !control.isStopRequested {
            try control.wait(for: [socket], timeoutMilliseconds: 1_000)
            while let message = try socket.receive(wait: false) {
                // [peer, "" (REQ only), key, idempotency key, body]: the envelope is everything up to and including the
                // delimiter. A CURVE client's DEALER may send an empty key frame: from it, three frames after the peer
                // are a request, and only a fourth frame tells REQ's delimiter apart.
                var frames = message.frames
                var envelope = [frames.removeFirst()]
                let emptyKey = message.userID != nil && frames.count == 3
                if frames.first?.isEmpty == true && !emptyKey { envelope.append(frames.removeFirst()) }
                let reply = answer(frames, client: message.userID, encoder: encoder)
                do {
                    try socket.send(envelope + [reply], wait: false)
                } catch let error as ZMQError where error.isHostUnreachable {
                    continue  // the client left before its answer; a resend with its key gets the same case
                }
            }
        }
    }

    /// `client`: the key name the ZAP handler gave a CURVE client, nil on a plaintext socket.
    private func answer(_ frames: [Data], client: String?, encoder: JSONEncoder) -> Data {
        do {
            guard frames.count == 3 else {
                throw APIError(.unauthorized, code: "api_key_required", "send [API key, idempotency key or empty, case JSON]")
            }
            let apiKey = try key(frames[0], client: client)
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

    /// Who sends: the CURVE client's own key, which a key frame may only repeat; otherwise the key in the frame.
    private func key(_ frame: Data, client: String?) throws -> APIKeys.Key {
        let presented = try frame.isEmpty ? nil : String(data: frame, encoding: .utf8).flatMap { try keys.lookupWaiting(secret: $0) }
        guard let client else {
            guard let presented else { throw APIError(.unauthorized, code: "api_key_invalid", "the API key is unknown or revoked") }
            return presented
        }
        guard let own = try keys.lookupWaiting(name: client) else {
            throw APIError(.unauthorized, code: "api_key_invalid", "key '\(client)', whose CURVE key this connection used, is revoked")
        }
        if !frame.isEmpty && presented?.name != own.name {
            throw APIError(.forbidden, code: "api_key_mismatch", "this connection is key '\(client)' (CURVE): send its key or an empty frame")
        }
        return own
    }
}
