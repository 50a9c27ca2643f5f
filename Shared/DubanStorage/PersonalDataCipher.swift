import Crypto
import Foundation

/// Encrypts personal data (a submitter's name and phone) before it is stored, with AES-256-GCM (swift-crypto).
///
/// Stored form: `v1:<keyid>:<base64 of nonce (12 bytes) | ciphertext | tag (16 bytes)>`, where `keyid` is the first 8
/// hex digits of SHA-256 over the key's 32 bytes, so a value names the key that sealed it and keys can be rotated: the
/// current key seals, the current and previous keys open. Each value is sealed with a context (the case id) as
/// authenticated data, so a value copied onto another row does not open there.
///
/// Opening never crashes on bad input; it throws a ``PersonalDataError`` with a stable code:
/// `personal_data_key_unknown` (sealed with a key this process was not given: the key file is wrong or missing, or a
/// previous key was dropped from `personal-data.previous-key-files` too soon), `personal_data_undecryptable` (the key
/// is known but the value does not authenticate: altered, or moved from another row), `personal_data_malformed`
/// (not this format at all).
public struct PersonalDataCipher: Sendable {
    /// One 256-bit key and its id.
    public struct Key: Sendable {
        public let id: String
        let key: SymmetricKey

        /// `bytes` must be 32 bytes.
        public init(bytes: Data) throws {
            guard bytes.count == 32 else { throw PersonalDataError.invalidKey("a key is 32 bytes, not \(bytes.count)") }
            key = SymmetricKey(data: bytes)
            id = Self.id(of: bytes)
        }

        /// A new random key.
        public static func random() -> Key {
            let key = SymmetricKey(size: .bits256)
            return try! Key(bytes: key.withUnsafeBytes { Data($0) })  // 32 bytes by construction
        }

        /// The key's bytes, to write to its file.
        public var bytes: Data { key.withUnsafeBytes { Data($0) } }

        static func id(of bytes: Data) -> String {
            SHA256.hash(data: bytes).prefix(4).map { String(format: "%02x", $0) }.joined()
        }
    }

    static let version = "v1"

    /// The key that seals.
    public let current: Key
    /// Keys that only open: what was sealed before a rotation.
    public let previous: [Key]

    public init(current: Key, previous: [Key] = []) {
        self.current = current
        self.previous = previous.filter { $0.id != current.id }
    }

    /// Every key id this cipher opens, the current one first.
    public var keyIDs: [String] { [current.id] + previous.map(\.id) }

    /// Seals `plaintext` with the current key, bound to `context` (e.g. the case id).
    public func seal(_ plaintext: Data, context: String) throws -> String {
        let box = try AES.GCM.seal(plaintext, using: current.key, authenticating: Data(context.utf8))
        guard let combined = box.combined else { throw PersonalDataError.malformed }  // only for a non-standard nonce size
        return "\(Self.version):\(current.id):\(combined.base64EncodedString())"
    }

    /// Opens a stored value sealed with any key this cipher holds.
    public func open(_ stored: String, context: String) throws -> Data {
        let (keyID, combined) = try Self.parts(of: stored)
        guard let key = ([current] + previous).first(where: { $0.id == keyID }) else {
            throw PersonalDataError.unknownKey(keyID, known: keyIDs)
        }
        do {
            return try AES.GCM.open(try AES.GCM.SealedBox(combined: combined), using: key.key, authenticating: Data(context.utf8))
        } catch {
            throw PersonalDataError.undecryptable(keyID)
        }
    }

    /// Whether a stored value was sealed with a key other than the current one (and so is due for re-encryption).
    public func isSealedWithPreviousKey(_ stored: String) -> Bool {
        (try? Self.parts(of: stored).keyID) != current.id
    }

    /// The same value sealed with the current key; nil when it already is.
    public func resealed(_ stored: String, context: String) throws -> String? {
        guard isSealedWithPreviousKey(stored) else { return nil }
        return try seal(try open(stored, context: context), context: context)
    }

    /// The id of the key a stored value names, without opening it.
    public static func keyID(of stored: String) -> String? { try? parts(of: stored).keyID }

    private static func parts(of stored: String) throws -> (keyID: String, combined: Data) {
        let fields = stored.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count == 3, fields[0] == version, fields[1].utf8.count == 8,
              let combined = Data(base64Encoded: String(fields[2])), combined.count >= 12 + 16 else {
            throw PersonalDataError.malformed
        }
        return (String(fields[1]), combined)
    }
}

/// Why personal data could not be sealed, opened or keyed; `code` is stable.
public enum PersonalDataError: Error, Equatable, CustomStringConvertible {
    case malformed
    case unknownKey(String, known: [String])
    case undecryptable(String)
    case invalidKey(String)
    case missingKeyFile(String)

    public var code: String {
        switch self {
        case .malformed: "personal_data_malformed"
        case .unknownKey: "personal_data_key_unknown"
        case .undecryptable: "personal_data_undecryptable"
        case .invalidKey: "personal_data_key_invalid"
        case .missingKeyFile: "personal_data_key_missing"
        }
    }

    public var description: String {
        switch self {
        case .malformed:
            "\(code): the stored value is not v1:<keyid>:<base64>"
        case .unknownKey(let id, let known):
            "\(code): sealed with key \(id), but this process has only \(known.joined(separator: ", ")); "
                + "give the key file that has id \(id) in personal-data.key-file or personal-data.previous-key-files"
        case .undecryptable(let id):
            "\(code): the value does not authenticate under key \(id) (altered, or copied from another case)"
        case .invalidKey(let reason):
            "\(code): \(reason)"
        case .missingKeyFile(let path):
            "\(code): no personal-data key file at \(path)"
        }
    }
}
