import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import ZeroMQ

/// Admits CURVE clients whose public key is listed, and nobody else (ZAP, RFC 27), for one ZeroMQ context.
///
/// With libzmq 4.3.4, CURVE without a ZAP handler admits any client that knows the server key; Duban's server sockets
/// also set `ZMQ_ZAP_ENFORCE_DOMAIN`, so they refuse everyone while this handler is not running. Each admitted peer's
/// name comes back on its messages as the `User-Id` property.
///
/// A request carries the ZAP domain of the server socket it is for, and each domain has its own list: the services'
/// keys for the links (``KeyRing/zapDomain``), registered client keys for the sockets outside systems reach
/// (``ClientSecurity/zapDomain``). A key is judged only by its socket's domain's list, so a service key does not open
/// a client socket and a client key does not open a link. A domain nobody registered admits no one.
public final class ZAPAuthenticator: Service, Sendable {
    /// Who a domain admits: the user id for a client's CURVE public key (40 characters of Z85), or nil to refuse it.
    /// Called on the handler's thread, once per handshake.
    public typealias Admission = @Sendable (_ publicKey: String) -> String?

    private let context: ZMQContext
    private let domains = Mutex<[String: Admission]>([:])
    private let logger: Logger
    private let thread: SocketThread
    private let refused = Atomic<Int>(0)
    private let ready = Mutex<(bound: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    /// A handler for the links: it admits the public keys of `keyRing`'s services, as those services, in the links'
    /// domain.
    public convenience init(context: ZMQContext, keyRing: KeyRing, logger: Logger) throws {
        try self.init(context: context, logger: logger)
        admitServices(keyRing)
    }

    /// A handler that admits no one until domains are registered (``admit(domain:_:)``).
    public init(context: ZMQContext, logger: Logger) throws {
        self.context = context
        self.logger = logger
        let box = Mutex<ZAPAuthenticator?>(nil)
        self.thread = try SocketThread(name: "zap") { control in
            guard let authenticator = box.withLock({ $0 }) else { return }
            try authenticator.loop(control)
        }
        box.withLock { $0 = self }
    }

    /// Admits the public keys of `keyRing`'s services, as those services, in the links' domain (``KeyRing/zapDomain``).
    public func admitServices(_ keyRing: KeyRing) {
        let services = Dictionary(keyRing.publicKeys.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
        admit(domain: KeyRing.zapDomain) { services[$0] }
    }

    /// Judges the handshakes of server sockets whose ZAP domain is `domain` with `admission` (replacing any before).
    public func admit(domain: String, _ admission: @escaping Admission) {
        domains.withLock { $0[domain] = admission }
    }

    /// Starts the handler and returns once it is bound, so no server socket ever goes unauthenticated.
    public func start() async {
        thread.start()
        await withCheckedContinuation { continuation in
            let bound = ready.withLock { state -> Bool in
                if !state.bound { state.waiters.append(continuation) }
                return state.bound
            }
            if bound { continuation.resume() }
        }
    }

    /// How many peers this handler has refused since it started.
    public var refusals: Int { refused.load(ordering: .relaxed) }

    /// Stops the handler's thread; server sockets in this context then refuse every peer.
    public func stop() { thread.requestStop() }

    public func run() async throws {
        try await thread.runUntilShutdown()
    }

    private func loop(_ control: SocketThread.Control) throws {
        let socket = try ZMQSocket(context, type: .router)
        try socket.set(.linger(milliseconds: 0))
        try socket.bind("inproc://zeromq.zap.01")
        defer { socket.close() }
        let waiters = ready.withLock { state in
            state.bound = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }

        while !control.isStopRequested {
            try control.wait(for: [socket], timeoutMilliseconds: 1_000)
            while let request = try socket.receive(wait: false) {
                try socket.send(answer(request.frames))
            }
        }
    }

    /// Request: [peer, "", "1.0", id, domain, address, routing id, mechanism, credentials...].
    /// Reply: [peer, "", "1.0", id, status, text, user id, metadata].
    private func answer(_ frames: [Data]) -> [Data] {
        guard frames.count >= 8 else { return [frames.first ?? Data(), Data(), Data("1.0".utf8), Data(), Data("500".utf8), Data("malformed request".utf8), Data(), Data()] }
        let reply = { (status: String, text: String, user: String) -> [Data] in
            [frames[0], Data(), Data("1.0".utf8), frames[3], Data(status.utf8), Data(text.utf8), Data(user.utf8), Data()]
        }
        let domain = String(decoding: frames[4], as: UTF8.self)
        let address = String(decoding: frames[5], as: UTF8.self)
        let mechanism = String(decoding: frames[7], as: UTF8.self)
        guard mechanism == "CURVE", frames.count >= 9, frames[8].count == 32 else {
            refused.add(1, ordering: .relaxed)
            logger.warning("refused a peer without CURVE", metadata: ["address": "\(address)", "domain": "\(domain)", "mechanism": "\(mechanism)"])
            return reply("400", "CURVE required", "")
        }
        let key = Z85.encode(frames[8])
        guard let admission = domains.withLock({ $0[domain] }), let user = admission(key), !user.isEmpty else {
            refused.add(1, ordering: .relaxed)
            logger.warning("refused a peer with an unlisted key", metadata: ["address": "\(address)", "domain": "\(domain)", "key": "\(key)"])
            return reply("400", "unknown key", "")
        }
        return reply("200", "OK", user)
    }
}
