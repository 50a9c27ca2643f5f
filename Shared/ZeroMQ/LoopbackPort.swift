#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Picks TCP ports for endpoints on loopback, for tests and benchmarks that start several parties.
public enum LoopbackPort {
    /// A port that was free a moment ago: a plain socket bound to port 0, then closed, which (unlike a ZeroMQ
    /// unbind, done later on an I/O thread) releases it at once.
    public static func free() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ZMQError(operation: "socket", code: errno) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw ZMQError(operation: "bind", code: errno) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
