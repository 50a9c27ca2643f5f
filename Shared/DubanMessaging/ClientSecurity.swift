import ZeroMQ

/// How a socket that systems outside Duban reach (intake's ingress, escalation's notice PUB and replay sockets) is
/// protected: CURVE with registered client keys, or plaintext, which is allowed on a loopback bind only.
///
/// One socket speaks one mechanism: a CURVE server refuses plaintext clients and a plaintext socket cannot take CURVE
/// ones, so the choice is per socket, made at start.
public enum ClientSecurity: Sendable {
    /// No encryption and no authentication at the handshake.
    case plaintext
    /// A CURVE server with this secret key (40 characters of Z85); the context's ZAP handler judges each client in
    /// ``zapDomain``.
    case curve(secretKey: String)

    /// The ZAP domain of client sockets, apart from the links' (``KeyRing/zapDomain``): the handler keeps a list per
    /// domain, so a service key does not open a client socket and a client key does not open a link.
    public static let zapDomain = "duban-clients"

    public var isPlaintext: Bool {
        if case .plaintext = self { return true }
        return false
    }

    /// Whether a socket bound at `endpoint` can be reached from this host only: `tcp://` on 127.0.0.0/8, `::1`,
    /// `localhost` or the interface `lo`; `ipc://` and `inproc://`. A wildcard (`*`, `0.0.0.0`, `::`), any other
    /// address or interface, and any other transport are not.
    public static func isLoopback(_ endpoint: String) -> Bool {
        if endpoint.hasPrefix("ipc://") || endpoint.hasPrefix("inproc://") { return true }
        guard endpoint.hasPrefix("tcp://"), let colon = endpoint.lastIndex(of: ":"), colon > endpoint.index(endpoint.startIndex, offsetBy: 5)
        else { return false }
        var host = String(endpoint[endpoint.index(endpoint.startIndex, offsetBy: 6)..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if ["localhost", "lo", "::1"].contains(host.lowercased()) { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}

/// A setting asked for plaintext clients on a socket bound beyond loopback; the service refuses to start.
public struct PlaintextBeyondLoopback: Error, CustomStringConvertible {
    public var setting: String
    public var endpoint: String

    public init(setting: String, endpoint: String) {
        self.setting = setting
        self.endpoint = endpoint
    }

    public var description: String {
        "\(setting) is true but \(endpoint) is not a loopback address: plaintext clients are allowed on loopback only. "
            + "Bind to 127.0.0.1, or set \(setting) to false so clients connect with CURVE and a registered key"
    }
}

extension ZMQSocket {
    /// Makes this socket a CURVE server for registered clients (ZAP domain ``ClientSecurity/zapDomain``, enforced, so
    /// it fails closed without a handler); does nothing for plaintext. Call before binding.
    public func secureForClients(_ security: ClientSecurity) throws {
        guard case .curve(let secretKey) = security else { return }
        try set(.zapDomain(ClientSecurity.zapDomain))
        try set(.zapEnforceDomain(true))
        try set(.curveServer(secretKey: secretKey))
    }
}
