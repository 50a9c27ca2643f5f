import CZeroMQ

/// A failed libzmq call: the operation, `errno` and libzmq's own description of it.
public struct ZMQError: Error, Equatable, CustomStringConvertible, Sendable {
    public let operation: String
    public let code: Int32
    public let message: String

    public init(operation: String, code: Int32) {
        self.operation = operation
        self.code = code
        self.message = String(cString: zmq_strerror(code))
    }

    /// The error libzmq reports for the call that just failed on this thread.
    static func last(_ operation: String) -> ZMQError {
        ZMQError(operation: operation, code: zmq_errno())
    }

    public var description: String { "\(operation) failed: \(message) (errno \(code))" }

    public var isWouldBlock: Bool { code == EAGAIN }
    public var isInterrupted: Bool { code == EINTR }
    public var isHostUnreachable: Bool { code == EHOSTUNREACH }
}
