import CZeroMQ

/// Waits on several sockets and plain file descriptors at once (`zmq_poll`), on the thread that owns the sockets.
public struct ZMQPoller {
    private var items: [zmq_pollitem_t] = []

    public init() {}

    /// Watches a socket for incoming messages (and, if asked, room to send). Returns its index.
    @discardableResult
    public mutating func add(_ socket: ZMQSocket, receive: Bool = true, send: Bool = false) -> Int {
        var events: Int16 = 0
        if receive { events |= Int16(ZMQ_POLLIN) }
        if send { events |= Int16(ZMQ_POLLOUT) }
        items.append(zmq_pollitem_t(socket: socket.rawHandle, fd: 0, events: events, revents: 0))
        return items.count - 1
    }

    /// Watches a plain file descriptor for reading, such as a ``Waker``'s. Returns its index.
    @discardableResult
    public mutating func add(fileDescriptor: Int32) -> Int {
        items.append(zmq_pollitem_t(socket: nil, fd: fileDescriptor, events: Int16(ZMQ_POLLIN), revents: 0))
        return items.count - 1
    }

    /// Changes whether item `index` is also watched for room to send.
    public mutating func watchSend(_ index: Int, _ on: Bool) {
        if on { items[index].events |= Int16(ZMQ_POLLOUT) } else { items[index].events &= ~Int16(ZMQ_POLLOUT) }
    }

    /// Waits at most `timeoutMilliseconds` (-1: forever). Returns how many items are ready; 0 on timeout or signal.
    @discardableResult
    public mutating func poll(timeoutMilliseconds: Int) throws -> Int {
        for index in items.indices { items[index].revents = 0 }
        let ready = items.withUnsafeMutableBufferPointer { zmq_poll($0.baseAddress, Int32($0.count), timeoutMilliseconds) }
        if ready < 0 {
            let error = ZMQError.last("zmq_poll")
            if error.isInterrupted { return 0 }
            throw error
        }
        return Int(ready)
    }

    public func isReadable(_ index: Int) -> Bool { items[index].revents & Int16(ZMQ_POLLIN) != 0 }
    public func isWritable(_ index: Int) -> Bool { items[index].revents & Int16(ZMQ_POLLOUT) != 0 }
}
