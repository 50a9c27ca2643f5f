#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Picks TCP ports for endpoints on loopback, for tests and benchmarks that start several parties.
public enum LoopbackPort {
    /// A port that was free a moment ago, chosen at random below Linux's ephemeral range (32768–60999), so that
    /// outgoing connections, which take their local ports from that range, cannot grab it before it is bound.
    /// A port is handed out once per process: a caller usually binds it only later (a test picks nine before starting
    /// four services), and two picks of the same free port would collide then.
    public static func free() throws -> Int {
        for _ in 0..<200 {
            let port = Int.random(in: 20_000..<32_000)
            guard isFree(port), handedOut.withLock({ $0.insert(port).inserted }) else { continue }
            return port
        }
        throw ZMQError(operation: "bind", code: EADDRINUSE)
    }

    private static let handedOut = Mutex<Set<Int>>([])

    /// Whether a plain socket can bind the port now (a plain socket, unlike a ZeroMQ unbind, releases it at once).
    static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
