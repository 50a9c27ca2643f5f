import AsyncHTTPClient
import Crypto
import DubanRuntime
import Foundation
import JWTKit
import Synchronization

/// The keys session tokens are signed and checked with. Intake holds the Ed25519 private key
/// (`<data.dir>/identity-signing.key`, 32 bytes, mode 0600, made on first start); every other service holds only
/// the public half, fetched once from intake's `GET /v1/identity/keys` (a JWKS, RFC 7517) and again only when a
/// token names a key it does not know.
public actor TokenKeys {
    /// Tokens already verified, by their text: a session sends the same token with every request, and its signature
    /// does not change, so it is checked once (times and revocations are still judged on every request, by the gate).
    /// Bounded: cleared when it holds 10,000.
    private nonisolated let verified = Mutex<[String: PersonClaims]>([:])

    private enum Source {
        case signer(EdDSA.PrivateKey, kid: String)
        case remote(url: String)
    }

    private let source: Source
    private var collection: JWTKeyCollection?
    private var lastFetch: ContinuousClock.Instant?

    /// The signing side: the private key in `path`, made if absent.
    public init(signingKeyFile path: String) throws {
        let key = try Self.loadOrCreate(path)
        source = .signer(EdDSA.PrivateKey(backing: key), kid: Self.keyID(key.publicKey))
    }

    /// The checking side: the public key from `url` (intake's `/v1/identity/keys`).
    public init(jwksURL url: String) {
        source = .remote(url: url)
    }

    /// Signs claims (intake only).
    public func sign(_ claims: PersonClaims) async throws -> String {
        guard case .signer(_, let kid) = source else { preconditionFailure("only the identity owner signs tokens") }
        return try await keys().sign(claims, kid: JWKIdentifier(string: kid))
    }

    /// The claims of a token whose signature is good, or nil; times are for the caller to judge.
    /// - Throws: ``APIError`` 503 `identity_unavailable` when the public key cannot be fetched.
    public nonisolated func verify(_ token: String) async throws -> PersonClaims? {
        if let known = verified.withLock({ $0[token] }) { return known }
        guard let claims = try await verifySignature(token) else { return nil }
        verified.withLock { cache in
            if cache.count >= 10_000 { cache.removeAll() }
            cache[token] = claims
        }
        return claims
    }

    private func verifySignature(_ token: String) async throws -> PersonClaims? {
        let collection = try await keys()
        do {
            return try await collection.verify(token, as: PersonClaims.self)
        } catch let error as JWTError where error.errorType == .unknownKID {
            // Intake's key changed (a new deployment): fetch again, at most every 10 s.
            guard case .remote = source, lastFetch.map({ .now - $0 > .seconds(10) }) ?? true else { return nil }
            self.collection = nil
            return try? await keys().verify(token, as: PersonClaims.self)
        } catch {
            return nil
        }
    }

    /// The public key set, as `GET /v1/identity/keys` serves it.
    public func jwks() -> String {
        guard case .signer(let key, let kid) = source else { return #"{"keys":[]}"# }
        let x = key.publicKey.rawRepresentation.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return #"{"keys":[{"kty":"OKP","crv":"Ed25519","alg":"EdDSA","use":"sig","kid":"\#(kid)","x":"\#(x)"}]}"#
    }

    private func keys() async throws -> JWTKeyCollection {
        if let collection { return collection }
        let made = JWTKeyCollection()
        switch source {
        case .signer(let key, let kid):
            await made.add(eddsa: key, kid: JWKIdentifier(string: kid))
        case .remote(let url):
            lastFetch = .now
            do {
                let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
                let body = try await response.body.collect(upTo: 64 * 1_024)
                guard response.status == .ok else { throw URLError(.badServerResponse) }
                try await made.add(jwksJSON: String(buffer: body))
            } catch {
                throw APIError(.serviceUnavailable, code: "identity_unavailable",
                               "sessions cannot be checked: intake's public key is out of reach (\(url))")
            }
        }
        collection = made
        return made
    }

    static func keyID(_ key: Curve25519.Signing.PublicKey) -> String {
        SHA256.hash(data: key.rawRepresentation).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    static func loadOrCreate(_ path: String) throws -> Curve25519.Signing.PrivateKey {
        if let data = FileManager.default.contents(atPath: path) {
            return try Curve25519.Signing.PrivateKey(rawRepresentation: data)
        }
        let key = Curve25519.Signing.PrivateKey()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path, contents: key.rawRepresentation, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        return key
    }
}
