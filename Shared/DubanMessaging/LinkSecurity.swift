import ZeroMQ

/// How a delivery link is protected. Production links use CURVE with a ZAP handler (``ZAPAuthenticator``) that admits
/// only listed public keys; `plaintext` exists for unit tests of the protocol itself.
public enum LinkSecurity: Sendable {
    case plaintext
    case curve(KeyRing)
}

/// The CURVE keys a service knows: its own key pair and the public keys of its peers, by service name.
public struct KeyRing: Sendable {
    public var service: String
    public var keyPair: CurveKeyPair
    public var publicKeys: [String: String]

    public init(service: String, keyPair: CurveKeyPair, publicKeys: [String: String]) {
        self.service = service
        self.keyPair = keyPair
        self.publicKeys = publicKeys
    }

    /// The ZAP domain every Duban socket authenticates in.
    public static let zapDomain = "duban"
}

extension ZMQSocket {
    /// Makes this socket a CURVE server whose clients the context's ZAP handler must admit; fails closed without one.
    func secureAsServer(_ security: LinkSecurity) throws {
        guard case .curve(let ring) = security else { return }
        try set(.zapDomain(KeyRing.zapDomain))
        try set(.zapEnforceDomain(true))
        try set(.curveServer(secretKey: ring.keyPair.secretKey))
    }

    /// Makes this socket a CURVE client of `server`, whose public key must be in the ring.
    func secureAsClient(_ security: LinkSecurity, server: String) throws {
        guard case .curve(let ring) = security else { return }
        guard let serverKey = ring.publicKeys[server] else { throw MessagingError.unknownPeerKey(server) }
        try set(.curveClient(serverKey: serverKey, keyPair: ring.keyPair))
    }
}

public enum MessagingError: Error, CustomStringConvertible, Sendable {
    case unknownPeerKey(String)

    public var description: String {
        switch self {
        case .unknownPeerKey(let peer): "no public key for peer '\(peer)' in the key ring"
        }
    }
}
