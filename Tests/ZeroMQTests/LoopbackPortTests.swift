import Testing
import ZeroMQ

@Suite struct LoopbackPortTests {
    /// Tests pick several ports before binding any; the same port handed out twice made two services collide.
    @Test func neverHandsOutTheSamePortTwice() throws {
        let ports = try (0..<500).map { _ in try LoopbackPort.free() }
        #expect(Set(ports).count == ports.count)
        #expect(ports.allSatisfy { (20_000..<32_000).contains($0) })
    }
}
