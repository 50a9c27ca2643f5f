import DubanRuntime
import Hummingbird
import HTTPTypes
import NIOCore
import Testing

/// Who reads /metrics and the details of /health: addresses and CIDR blocks, IPv4 seen through IPv6, or the token.
@Suite struct ManagementAccessTests {
    static func request(_ authorization: String? = nil) -> Request {
        var headers = HTTPFields()
        if let authorization { headers[.authorization] = authorization }
        return Request(head: .init(method: .get, scheme: "http", authority: "x", path: "/metrics", headerFields: headers), body: .init(buffer: ByteBuffer()))
    }

    @Test func addressesBlocksAndTheToken() throws {
        let access = try ManagementAccess(allow: "127.0.0.0/8, ::1, 10.1.0.0/16", token: "s3cret")
        #expect(access.admits(Self.request(), from: try SocketAddress(ipAddress: "127.0.0.1", port: 5)))
        #expect(access.admits(Self.request(), from: try SocketAddress(ipAddress: "10.1.200.3", port: 5)))
        #expect(!access.admits(Self.request(), from: try SocketAddress(ipAddress: "10.2.0.1", port: 5)))
        #expect(access.admits(Self.request(), from: try SocketAddress(ipAddress: "::ffff:10.1.0.9", port: 5)))
        #expect(access.admits(Self.request(), from: try SocketAddress(ipAddress: "::1", port: 5)))
        #expect(!access.admits(Self.request(), from: try SocketAddress(ipAddress: "192.168.1.4", port: 5)))
        #expect(access.admits(Self.request("Bearer s3cret"), from: try SocketAddress(ipAddress: "192.168.1.4", port: 5)))
        #expect(!access.admits(Self.request("Bearer wrong"), from: try SocketAddress(ipAddress: "192.168.1.4", port: 5)))
        #expect(!access.admits(Self.request(), from: nil))
        #expect(throws: ManagementAccessError.self) { try ManagementAccess(allow: "10.0.0.0/33", token: nil) }
        #expect(throws: ManagementAccessError.self) { try ManagementAccess(allow: "not-an-address", token: nil) }
        #expect(try ManagementAccess(allow: "", token: nil).blocks.isEmpty)
    }
}
