import CZeroMQ
import Foundation

/// A socket event reported by libzmq's monitor (`zmq_socket_monitor`): connections, and handshakes that failed.
public struct ZMQMonitorEvent: Sendable, Equatable {
    public struct Kind: OptionSet, Sendable {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }

        public static let accepted = Kind(rawValue: ZMQ_EVENT_ACCEPTED)
        public static let disconnected = Kind(rawValue: ZMQ_EVENT_DISCONNECTED)
        public static let handshakeSucceeded = Kind(rawValue: ZMQ_EVENT_HANDSHAKE_SUCCEEDED)
        /// A peer spoke another mechanism (a plaintext client at a CURVE server) or broke the protocol.
        public static let handshakeFailedProtocol = Kind(rawValue: ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL)
        /// The ZAP handler refused the peer.
        public static let handshakeFailedAuthentication = Kind(rawValue: ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
        public static let handshakeFailedOther = Kind(rawValue: ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)

        public static let handshakeFailures: Kind = [.handshakeFailedProtocol, .handshakeFailedAuthentication, .handshakeFailedOther]
    }

    public var kind: Kind
    /// The event's value: for protocol failures, libzmq's `ZMQ_PROTOCOL_ERROR_*` code.
    public var value: UInt32
    public var endpoint: String

    public var isMechanismMismatch: Bool { value == UInt32(ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH) }

    /// Reads a monitor message: `[event (2 bytes) + value (4 bytes), endpoint]`, in host byte order.
    public init?(_ message: ZMQMessage) {
        guard message.frames.count == 2, message.frames[0].count == 6 else { return nil }
        let header = message.frames[0]
        let event = header.prefix(2).withUnsafeBytes { $0.loadUnaligned(as: UInt16.self) }
        value = header.suffix(4).withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
        kind = Kind(rawValue: Int32(event))
        endpoint = String(decoding: message.frames[1], as: UTF8.self)
    }
}

extension ZMQSocket {
    /// Publishes this socket's `events` on a PAIR socket bound at `endpoint` (`inproc://…`), and returns the PAIR
    /// socket connected to it, owned by this same thread.
    public func monitor(_ endpoint: String, events: ZMQMonitorEvent.Kind, context: ZMQContext) throws -> ZMQSocket {
        if zmq_socket_monitor(try open("zmq_socket_monitor"), endpoint, events.rawValue) != 0 {
            throw ZMQError.last("zmq_socket_monitor(\(endpoint))")
        }
        let pair = try ZMQSocket(context, type: .pair)
        try pair.set(.linger(milliseconds: 0))
        try pair.connect(endpoint)
        return pair
    }
}
