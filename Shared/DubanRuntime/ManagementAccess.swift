import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Who may read a service's insides: `/metrics` and the details of `/health` (backlogs, dead letters, errors).
/// Anyone may ask `/health` whether the service is up; the details and `/metrics` answer only a peer at a management
/// address (`management.allow`: addresses and CIDR blocks, comma-separated; loopback by default) or a request
/// carrying the management token (`management.token`, as `Authorization: Bearer <token>`), so a scraper on another
/// machine needs the token and the public does not see the service's state.
public struct ManagementAccess: Sendable {
    public struct Block: Sendable, Equatable {
        var address: [UInt8]
        var prefix: Int
    }

    public var blocks: [Block]
    public var token: String?

    public init(allow: String, token: String?) throws {
        blocks = try allow.split(separator: ",").map { try Self.block(String($0).trimmingCharacters(in: .whitespaces)) }
        self.token = token.flatMap { $0.isEmpty ? nil : $0 }
    }

    public init(settings: ServiceSettings) throws {
        try self.init(allow: settings.reader.string(forKey: "management.allow", default: "127.0.0.0/8,::1"),
                      token: settings.reader.string(forKey: "management.token"))
    }

    /// Whether the request may read the details.
    public func admits(_ request: Request, from peer: SocketAddress?) -> Bool {
        if let token, let header = request.headers[.authorization], header == "Bearer " + token { return true }
        guard let bytes = peer.flatMap(Self.bytes(of:)) else { return false }
        return blocks.contains { Self.contains($0, bytes) }
    }

    static func block(_ text: String) throws -> Block {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let address = try? SocketAddress(ipAddress: String(parts[0]), port: 0),
              let bytes = bytes(of: address) else {
            throw ManagementAccessError("management.allow: '\(text)' is not an address or CIDR block")
        }
        let prefix = parts.count == 2 ? Int(parts[1]) : bytes.count * 8
        guard let prefix, (0...bytes.count * 8).contains(prefix) else {
            throw ManagementAccessError("management.allow: '\(text)' has a prefix length out of range")
        }
        return Block(address: bytes, prefix: prefix)
    }

    static func bytes(of address: SocketAddress) -> [UInt8]? {
        switch address {
        case .v4(let v4): withUnsafeBytes(of: v4.address.sin_addr) { Array($0) }
        case .v6(let v6):
            withUnsafeBytes(of: v6.address.sin6_addr) { raw in
                let bytes = Array(raw)
                // An IPv4 peer on a dual-stack socket (::ffff:a.b.c.d) is that IPv4 address.
                return bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xff && bytes[11] == 0xff ? Array(bytes[12...]) : bytes
            }
        default: nil
        }
    }

    static func contains(_ block: Block, _ bytes: [UInt8]) -> Bool {
        guard block.address.count == bytes.count else { return false }
        var remaining = block.prefix
        for (a, b) in zip(block.address, bytes) where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if a & mask != b & mask { return false }
            remaining -= bits
        }
        return true
    }
}

public struct ManagementAccessError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
