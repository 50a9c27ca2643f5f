import Foundation
import Synchronization
import Testing
import ZeroMQ

@Suite struct SocketThreadTests {
    @Test func ownsItsSocketAndStopsWhenTheTaskIsCancelled() async throws {
        let context = try ZMQContext()
        let received = Mutex<[String]>([])
        let thread = try SocketThread(name: "test-pull") { control in
            let pull = try ZMQSocket(context, type: .pull)
            try pull.set(.linger(milliseconds: 0))
            try pull.bind("inproc://thread-test")
            while !control.isStopRequested {
                var poller = ZMQPoller()
                poller.add(pull)
                let wake = poller.add(fileDescriptor: control.wakeFileDescriptor)
                try poller.poll(timeoutMilliseconds: -1)
                if poller.isReadable(wake) { control.drainWakeups() }
                while let message = try pull.receive(wait: false) {
                    received.withLock { $0.append(message.string(0) ?? "") }
                }
            }
        }
        let task = Task { try await thread.run() }
        try sendHundredMessages(context)
        for _ in 0..<200 where received.withLock({ $0.count }) < 100 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(received.withLock { $0 } == (0..<100).map { "m\($0)" })

        task.cancel()  // the poll waits forever; only the wake pipe can end it
        try await task.value
    }

    /// Synchronous, so the socket never leaves this thread (an `await` could resume on another).
    private func sendHundredMessages(_ context: ZMQContext) throws {
        let push = try ZMQSocket(context, type: .push)
        try push.set(.linger(milliseconds: 0))
        var connected = false
        for _ in 0..<100 where !connected {
            connected = (try? push.connect("inproc://thread-test")) != nil
            if !connected { Thread.sleep(forTimeInterval: 0.01) }
        }
        for index in 0..<100 { try push.send(["m\(index)"]) }
        push.close()
    }

    @Test func rethrowsWhatTheBodyThrows() async throws {
        let thread = try SocketThread(name: "failing") { _ in throw ZMQError(operation: "test", code: 1) }
        await #expect(throws: ZMQError.self) { try await thread.run() }
    }
}
