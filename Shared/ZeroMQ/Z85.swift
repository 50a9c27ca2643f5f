import CZeroMQ
import Foundation

/// ZeroMQ's Z85 text encoding of binary keys (RFC 32).
public enum Z85 {
    /// Encodes `data`, whose length must be a multiple of 4 (a 32-byte key gives 40 characters).
    public static func encode(_ data: Data) -> String {
        precondition(data.count % 4 == 0, "Z85 encodes whole groups of 4 bytes")
        var output = [CChar](repeating: 0, count: data.count * 5 / 4 + 1)
        data.withUnsafeBytes { bytes in
            _ = zmq_z85_encode(&output, bytes.bindMemory(to: UInt8.self).baseAddress, data.count)
        }
        return String(decoding: output.prefix(data.count * 5 / 4).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
