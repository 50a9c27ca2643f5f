import CZeroMQ
import Foundation

/// The socket options Duban's reliability and security rest on.
public enum ZMQSocketOption: Sendable {
    /// How long unsent messages are kept at close. libzmq's default is forever, which can hang shutdown.
    case linger(milliseconds: Int32)
    case sendHighWaterMark(Int32)
    case receiveHighWaterMark(Int32)
    /// Queue only to completed connections.
    case immediate(Bool)
    /// ROUTER: fail with `EHOSTUNREACH` instead of dropping messages to unknown peers.
    case routerMandatory(Bool)
    /// ROUTER: let a reconnecting peer with the same routing id take over its old connection.
    case routerHandover(Bool)
    case routingID(Data)
    /// ZMTP heartbeats: ping interval, how long to wait for a reply, and the time-to-live asked of the peer.
    case heartbeat(intervalMilliseconds: Int32, timeoutMilliseconds: Int32, ttlMilliseconds: Int32)
    case subscribe(Data)
    case unsubscribe(Data)
    case reconnectInterval(milliseconds: Int32)
    case handshakeInterval(milliseconds: Int32)
    /// A blocking receive gives up after this long with `EAGAIN` (-1: wait forever).
    case receiveTimeout(milliseconds: Int32)
    /// CURVE server: this socket's secret key (40 characters of Z85).
    case curveServer(secretKey: String)
    /// CURVE client: the server's public key and this socket's own key pair.
    case curveClient(serverKey: String, keyPair: CurveKeyPair)
    /// The ZAP domain this socket authenticates in.
    case zapDomain(String)
    /// Refuse connections when no ZAP handler answers, instead of admitting them.
    case zapEnforceDomain(Bool)
}

extension ZMQSocket {
    public func set(_ option: ZMQSocketOption) throws {
        switch option {
        case .linger(let value): try setInt(ZMQ_LINGER, value, "ZMQ_LINGER")
        case .sendHighWaterMark(let value): try setInt(ZMQ_SNDHWM, value, "ZMQ_SNDHWM")
        case .receiveHighWaterMark(let value): try setInt(ZMQ_RCVHWM, value, "ZMQ_RCVHWM")
        case .immediate(let on): try setInt(ZMQ_IMMEDIATE, on ? 1 : 0, "ZMQ_IMMEDIATE")
        case .routerMandatory(let on): try setInt(ZMQ_ROUTER_MANDATORY, on ? 1 : 0, "ZMQ_ROUTER_MANDATORY")
        case .routerHandover(let on): try setInt(ZMQ_ROUTER_HANDOVER, on ? 1 : 0, "ZMQ_ROUTER_HANDOVER")
        case .routingID(let id): try setBytes(ZMQ_ROUTING_ID, id, "ZMQ_ROUTING_ID")
        case .heartbeat(let interval, let timeout, let ttl):
            try setInt(ZMQ_HEARTBEAT_IVL, interval, "ZMQ_HEARTBEAT_IVL")
            try setInt(ZMQ_HEARTBEAT_TIMEOUT, timeout, "ZMQ_HEARTBEAT_TIMEOUT")
            try setInt(ZMQ_HEARTBEAT_TTL, ttl, "ZMQ_HEARTBEAT_TTL")
        case .subscribe(let prefix): try setBytes(ZMQ_SUBSCRIBE, prefix, "ZMQ_SUBSCRIBE")
        case .unsubscribe(let prefix): try setBytes(ZMQ_UNSUBSCRIBE, prefix, "ZMQ_UNSUBSCRIBE")
        case .reconnectInterval(let value): try setInt(ZMQ_RECONNECT_IVL, value, "ZMQ_RECONNECT_IVL")
        case .handshakeInterval(let value): try setInt(ZMQ_HANDSHAKE_IVL, value, "ZMQ_HANDSHAKE_IVL")
        case .receiveTimeout(let value): try setInt(ZMQ_RCVTIMEO, value, "ZMQ_RCVTIMEO")
        case .curveServer(let secretKey):
            try setInt(ZMQ_CURVE_SERVER, 1, "ZMQ_CURVE_SERVER")
            try setKey(ZMQ_CURVE_SECRETKEY, secretKey, "ZMQ_CURVE_SECRETKEY")
        case .curveClient(let serverKey, let keyPair):
            try setKey(ZMQ_CURVE_SERVERKEY, serverKey, "ZMQ_CURVE_SERVERKEY")
            try setKey(ZMQ_CURVE_PUBLICKEY, keyPair.publicKey, "ZMQ_CURVE_PUBLICKEY")
            try setKey(ZMQ_CURVE_SECRETKEY, keyPair.secretKey, "ZMQ_CURVE_SECRETKEY")
        case .zapDomain(let domain): try setBytes(ZMQ_ZAP_DOMAIN, Data(domain.utf8), "ZMQ_ZAP_DOMAIN")
        case .zapEnforceDomain(let on): try setInt(ZMQ_ZAP_ENFORCE_DOMAIN, on ? 1 : 0, "ZMQ_ZAP_ENFORCE_DOMAIN")
        }
    }

    /// The mechanism in force: 0 none, 1 PLAIN, 2 CURVE.
    public var mechanism: Int32 { get throws { try intOption(ZMQ_MECHANISM, "ZMQ_MECHANISM") } }

    func intOption(_ name: Int32, _ label: String) throws -> Int32 {
        var value: Int32 = 0
        var size = MemoryLayout<Int32>.size
        if zmq_getsockopt(try open("zmq_getsockopt(\(label))"), name, &value, &size) != 0 {
            throw ZMQError.last("zmq_getsockopt(\(label))")
        }
        return value
    }

    func stringOption(_ name: Int32, _ label: String) throws -> String {
        var buffer = [CChar](repeating: 0, count: 1024)
        var size = buffer.count
        if zmq_getsockopt(try open("zmq_getsockopt(\(label))"), name, &buffer, &size) != 0 {
            throw ZMQError.last("zmq_getsockopt(\(label))")
        }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private func setInt(_ name: Int32, _ value: Int32, _ label: String) throws {
        var value = value
        if zmq_setsockopt(try open("zmq_setsockopt(\(label))"), name, &value, MemoryLayout<Int32>.size) != 0 {
            throw ZMQError.last("zmq_setsockopt(\(label))")
        }
    }

    private func setBytes(_ name: Int32, _ value: Data, _ label: String) throws {
        let handle = try open("zmq_setsockopt(\(label))")
        let rc = value.withUnsafeBytes { zmq_setsockopt(handle, name, $0.baseAddress, $0.count) }
        if rc != 0 { throw ZMQError.last("zmq_setsockopt(\(label))") }
    }

    private func setKey(_ name: Int32, _ z85: String, _ label: String) throws {
        guard z85.utf8.count == 40 else { throw ZMQError(operation: "zmq_setsockopt(\(label))", code: EINVAL) }
        try setBytes(name, Data(z85.utf8), label)
    }
}
