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

    /// Decodes `text`, or nil when it is not Z85: a length that is not a multiple of 5, or a character outside the
    /// alphabet (libzmq checks both).
    public static func decode(_ text: String) -> Data? {
        let characters = Array(text.utf8)
        guard !characters.isEmpty, characters.count % 5 == 0, characters.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        var output = [UInt8](repeating: 0, count: characters.count * 4 / 5)
        let decoded = text.withCString { zmq_z85_decode(&output, $0) }
        return decoded == nil ? nil : Data(output)
    }

    /// Whether `text` is a CURVE key as 40 characters of Z85 (32 bytes).
    public static func isCurveKey(_ text: String) -> Bool {
        text.utf8.count == 40 && decode(text)?.count == 32
    }
}
