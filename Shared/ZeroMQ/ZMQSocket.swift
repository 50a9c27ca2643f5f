import CZeroMQ
import Foundation

/// A libzmq socket, owned by the thread that created it.
///
/// libzmq sockets are not thread-safe, so this class is deliberately not `Sendable`: create it, use it and let it go on
/// one thread (see ``SocketThread``). Debug builds check the owning thread on every call.
public final class ZMQSocket {
    public let type: ZMQSocketType
    private var handle: UnsafeMutableRawPointer?
    private let context: ZMQContext  // keeps the context alive while this socket is open
    private let owner = pthread_self()

    public init(_ context: ZMQContext, type: ZMQSocketType) throws {
        guard let handle = zmq_socket(context.handle, type.rawValue) else { throw ZMQError.last("zmq_socket") }
        self.handle = handle
        self.context = context
        self.type = type
    }

    deinit { close() }

    /// Closes the socket; later calls throw. Closing twice is harmless.
    public func close() {
        guard let handle else { return }
        assertOwningThread()
        zmq_close(handle)
        self.handle = nil
    }

    func open(_ operation: String) throws -> UnsafeMutableRawPointer {
        assertOwningThread()
        guard let handle else { throw ZMQError(operation: operation, code: ENOTSOCK) }
        return handle
    }

    private func assertOwningThread() {
        assert(pthread_equal(owner, pthread_self()) != 0, "a ZMQSocket was used off the thread that created it")
    }

    // MARK: Endpoints

    public func bind(_ endpoint: String) throws {
        if zmq_bind(try open("zmq_bind"), endpoint) != 0 { throw ZMQError.last("zmq_bind(\(endpoint))") }
    }

    public func connect(_ endpoint: String) throws {
        if zmq_connect(try open("zmq_connect"), endpoint) != 0 { throw ZMQError.last("zmq_connect(\(endpoint))") }
    }

    public func disconnect(_ endpoint: String) throws {
        if zmq_disconnect(try open("zmq_disconnect"), endpoint) != 0 { throw ZMQError.last("zmq_disconnect(\(endpoint))") }
    }

    public func unbind(_ endpoint: String) throws {
        if zmq_unbind(try open("zmq_unbind"), endpoint) != 0 { throw ZMQError.last("zmq_unbind(\(endpoint))") }
    }

    /// The endpoint last bound, with the port libzmq chose for `tcp://host:*` or `:0`.
    public var lastEndpoint: String {
        get throws { try stringOption(ZMQ_LAST_ENDPOINT, "ZMQ_LAST_ENDPOINT") }
    }

    // MARK: Sending

    /// Sends a multipart message atomically. Returns `false` instead of blocking when `wait` is false and the
    /// message cannot be queued now (high-water mark, or no peer with `ZMQ_IMMEDIATE`).
    @discardableResult
    public func send(_ frames: [Data], wait: Bool = true) throws -> Bool {
        precondition(!frames.isEmpty, "a ZeroMQ message has at least one frame")
        let handle = try open("zmq_send")
        for (index, frame) in frames.enumerated() {
            let last = index == frames.count - 1
            // After the first frame is accepted, libzmq accepts the rest of the message: later parts may block.
            var flags: Int32 = last ? 0 : ZMQ_SNDMORE
            if !wait && index == 0 { flags |= ZMQ_DONTWAIT }
            while true {
                let rc = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
                if rc >= 0 { break }
                let error = ZMQError.last("zmq_send")
                if error.isWouldBlock && index == 0 && !wait { return false }
                if error.isInterrupted { continue }
                throw error
            }
        }
        return true
    }

    @discardableResult
    public func send(_ frames: [String], wait: Bool = true) throws -> Bool {
        try send(frames.map { Data($0.utf8) }, wait: wait)
    }

    // MARK: Receiving

    /// Receives one whole multipart message, or `nil` when `wait` is false and none is ready.
    public func receive(wait: Bool = true) throws -> ZMQMessage? {
        let handle = try open("zmq_msg_recv")
        var frames: [Data] = []
        var userID: String?
        var message = zmq_msg_t()
        zmq_msg_init(&message)
        defer { zmq_msg_close(&message) }
        while true {
            let flags: Int32 = (!wait && frames.isEmpty) ? ZMQ_DONTWAIT : 0
            let rc = zmq_msg_recv(&message, handle, flags)
            if rc < 0 {
                let error = ZMQError.last("zmq_msg_recv")
                if error.isWouldBlock && frames.isEmpty && !wait { return nil }
                if error.isInterrupted { continue }
                throw error
            }
            let size = zmq_msg_size(&message)
            frames.append(size == 0 ? Data() : Data(bytes: zmq_msg_data(&message), count: size))
            // Every frame of a message carries its peer's properties, except, in libzmq 4.3.4, a ROUTER's routing-id
            // frame when the message was already prefetched by a readiness check (ZMQ_EVENTS, poll): so the first
            // frame that has it.
            if userID == nil, let property = zmq_msg_gets(&message, "User-Id") {
                userID = String(cString: property)
            }
            if zmq_msg_more(&message) == 0 { break }
        }
        return ZMQMessage(frames: frames, userID: userID)
    }

    // MARK: Readiness

    /// `ZMQ_EVENTS`: what the socket can do now. Read it again after every send or receive.
    public var canReceive: Bool { get throws { try intOption(ZMQ_EVENTS, "ZMQ_EVENTS") & Int32(ZMQ_POLLIN) != 0 } }
    public var canSend: Bool { get throws { try intOption(ZMQ_EVENTS, "ZMQ_EVENTS") & Int32(ZMQ_POLLOUT) != 0 } }

    var rawHandle: UnsafeMutableRawPointer? { handle }
}

/// One received multipart message.
public struct ZMQMessage: Sendable, Equatable {
    public var frames: [Data]
    /// The user id a ZAP handler gave the sending peer, when one authenticated it.
    public var userID: String?

    public init(frames: [Data], userID: String? = nil) {
        self.frames = frames
        self.userID = userID
    }

    public func string(_ index: Int) -> String? {
        guard frames.indices.contains(index) else { return nil }
        return String(data: frames[index], encoding: .utf8)
    }
}
