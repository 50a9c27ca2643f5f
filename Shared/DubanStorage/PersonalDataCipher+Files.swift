import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension PersonalDataCipher.Key {
    /// Reads a key file: exactly 32 bytes, or 64 hex digits (`openssl rand -hex 32 > FILE`) with an optional newline.
    public static func load(path: String) throws -> Self {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PersonalDataError.missingKeyFile(path)
        }
        if data.count == 32 { return try Self(bytes: data) }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.utf8.count == 64, let bytes = Self.hexBytes(text) else {
            throw PersonalDataError.invalidKey("\(path) holds \(data.count) bytes; a key file holds 32 bytes or 64 hex digits")
        }
        return try Self(bytes: bytes)
    }

    /// Creates `path` with a new random key, readable and writable by its owner only (0600); refuses to replace a file
    /// that exists.
    public static func create(path: String) throws -> Self {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        let key = Self.random()
        // O_EXCL: two processes starting at once cannot both write a key; the mode applies from the first byte.
        let fd = openExclusively(path, mode: 0o600)
        guard fd >= 0 else {
            throw PersonalDataError.invalidKey("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let written = key.bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == 32, fsync(fd) == 0 else {
            unlink(path)
            throw PersonalDataError.invalidKey("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        return key
    }

    /// Whether a key file can be read by others than its owner (group or world permission bits set).
    public static func isExposed(path: String) -> Bool {
        guard let mode = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int else { return false }
        return mode & 0o077 != 0
    }

    private static func hexBytes(_ text: String) -> Data? {
        var bytes = Data(capacity: 32)
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}

/// `open(2)` with `O_CREAT | O_EXCL`: a new file only, with `mode` from the start.
private func openExclusively(_ path: String, mode: mode_t) -> Int32 {
    open(path, O_WRONLY | O_CREAT | O_EXCL, mode)
}
