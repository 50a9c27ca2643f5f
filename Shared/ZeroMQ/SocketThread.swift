import Foundation
import Synchronization

/// A dedicated thread that owns ZeroMQ sockets for its whole life: the boundary between libzmq and async Swift.
///
/// The body creates its sockets, loops until ``Control/isStopRequested``, and closes them before it returns. Other
/// code never touches those sockets: it calls ``wake()`` (after committing work to storage, say) or ``requestStop()``.
/// ``run()`` starts the thread and suspends until the body returns; cancelling the calling task stops the thread.
public final class SocketThread: Sendable {
    public struct Control: Sendable {
        fileprivate let thread: SocketThread
        /// Poll this descriptor (``ZMQPoller/add(fileDescriptor:)``) so ``SocketThread/wake()`` interrupts the wait.
        public var wakeFileDescriptor: Int32 { thread.waker.fileDescriptor }
        public var isStopRequested: Bool { thread.stopRequested.load(ordering: .acquiring) }
        /// Empties the wake pipe; call it when the poll reports the descriptor readable.
        public func drainWakeups() { thread.waker.drain() }

        /// Waits until one of `sockets` has a message, the thread is woken, or the timeout passes, and empties the
        /// wake pipe. Ask the returned poller which socket is readable: item `i` is `sockets[i]`.
        @discardableResult
        public func wait(for sockets: [ZMQSocket], timeoutMilliseconds: Int) throws -> ZMQPoller {
            var poller = ZMQPoller()
            for socket in sockets { poller.add(socket) }
            let wake = poller.add(fileDescriptor: wakeFileDescriptor)
            try poller.poll(timeoutMilliseconds: timeoutMilliseconds)
            if poller.isReadable(wake) { drainWakeups() }
            return poller
        }
    }

    public let name: String
    private let body: @Sendable (Control) throws -> Void
    private let waker: Waker
    private let stopRequested = Atomic<Bool>(false)
    private let state = Mutex<State>(.idle)

    private enum State {
        case idle
        case running(waiters: [CheckedContinuation<Void, any Error>])
        case finished(Result<Void, any Error>)
    }

    public init(name: String, body: @escaping @Sendable (Control) throws -> Void) throws {
        self.name = name
        self.body = body
        self.waker = try Waker()
    }

    public func wake() { waker.signal() }

    public func requestStop() {
        stopRequested.store(true, ordering: .releasing)
        waker.signal()
    }

    /// Starts the thread once; later calls do nothing.
    public func start() {
        let shouldStart = state.withLock { state -> Bool in
            guard case .idle = state else { return false }
            state = .running(waiters: [])
            return true
        }
        guard shouldStart else { return }
        let thread = Thread { [self] in
            let result = Result { try body(Control(thread: self)) }
            let waiters = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
                guard case .running(let waiters) = state else { return [] }
                state = .finished(result)
                return waiters
            }
            for waiter in waiters { waiter.resume(with: result) }
        }
        thread.name = name
        thread.start()
    }

    /// Suspends until the body has returned, and rethrows what it threw.
    public func join() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let finished = state.withLock { state -> Result<Void, any Error>? in
                switch state {
                case .idle: return .success(())
                case .finished(let result): return result
                case .running(var waiters):
                    waiters.append(continuation)
                    state = .running(waiters: waiters)
                    return nil
                }
            }
            if let finished { continuation.resume(with: finished) }
        }
    }

    /// Starts the thread and waits for it; task cancellation asks it to stop.
    public func run() async throws {
        start()
        try await withTaskCancellationHandler {
            try await join()
        } onCancel: {
            requestStop()
        }
    }
}
