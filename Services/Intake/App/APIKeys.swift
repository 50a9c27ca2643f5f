import Crypto
import DubanIdentity
import DubanModels
import DubanRuntime
import DubanStorage
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Synchronization
import ZeroMQ

/// One API key per source system, stored only as a SHA-256 hash, with the scopes it grants:
/// `submit`, `read`, `dispatch` (the triage office), `approve` (deadline extensions), `feedback` (the submitter's
/// confirmation and satisfaction), and `bureau:<id>` (act on that bureau's cases only).
///
/// A key may also carry a CURVE public key (`curve_public_key`, 40 characters of Z85): its system then connects to the
/// ZeroMQ ingress with CURVE, and the ZAP handler admits it as the key's name while the key is live
/// (``curveClient(publicKey:)``).
struct APIKeys: Sendable {
    let database: DatabasePool
    /// A signed-in person's token, checked as the same kind of caller (``Key/person``); nil where no one signs in
    /// (the commands).
    var people: (@Sendable (String) async throws -> Key?)? = nil
    /// Recently seen keys by hash, so a busy source system does not cost a database read per request. A revocation
    /// (made by the `keys revoke` command, in another process) takes effect within `cacheSeconds`.
    private let cache = KeyCache()
    static let cacheSeconds: Double = 1

    struct Key: Sendable {
        var name: String
        var scopes: Set<String>
        /// A person signed in with a session token, not a machine's key: a bureau clerk's returns and extension
        /// requests go to the bureau's head first.
        var person = false
        /// For a person with the liaison role (联络员): their area or village group, which their submissions carry.
        var liaisonArea: String?
        /// A person's name as pages show it (their account's display name).
        var displayName: String?

        func canAct(forBureau bureau: BureauID) -> Bool { scopes.contains("bureau:\(bureau.rawValue)") }
    }

    static func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("intake-keys-v1") { db in
            try db.create(table: "api_key") { t in
                t.column("name", .text).primaryKey()
                t.column("hash", .text).notNull().unique()
                t.column("scopes", .text).notNull()
                t.column("created_at", .double).notNull()
                t.column("revoked_at", .double)
            }
        }
    }

    /// `intake-v10-curve-client-keys`: a key's CURVE public key, one key per public key (a revoked key keeps its own,
    /// so a pair once revoked is not taken again).
    static func addCurvePublicKeys(_ db: Database) throws {
        try db.alter(table: "api_key") { t in t.add(column: "curve_public_key", .text) }
        try db.execute(sql: "CREATE UNIQUE INDEX api_key_curve_public_key ON api_key (curve_public_key) WHERE curve_public_key IS NOT NULL")
    }

    static func isScope(_ text: String) -> Bool {
        ["submit", "read", "dispatch", "approve", "feedback", "meetings"].contains(text)
            || (text.hasPrefix("bureau:") && text.count > 7 && text.dropFirst(7).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
    }

    /// Creates a key and returns it; only its hash is kept, so this is the one time it can be read.
    /// Creates a key and records the act in the audit trail (`actor`: who ran the command). With `curvePublicKey`, its
    /// system may also connect to the ZeroMQ ingress with CURVE, as this key.
    func create(name: String, scopes: [String], curvePublicKey: String? = nil, actor: String = AuditActor.operatorOnThisHost) throws -> String {
        guard !name.isEmpty, name.count <= 64 else { throw KeyError("a key name has 1 to 64 characters") }
        guard !scopes.isEmpty else { throw KeyError("give at least one --scope") }
        for scope in scopes where !Self.isScope(scope) {
            throw KeyError("unknown scope '\(scope)': submit, read, dispatch, approve, feedback, meetings or bureau:<id>")
        }
        if let curvePublicKey, !Z85.isCurveKey(curvePublicKey) {
            throw KeyError("a CURVE public key is 40 characters of Z85 (a .pub file from `duban keygen`), not '\(curvePublicKey)'")
        }
        let secret = "dbk_" + Data((0..<24).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        try database.write { db in
            // A name stays with its key after revocation: updates in the record name the key that made them.
            if let revoked = try Row.fetchOne(db, sql: "SELECT revoked_at FROM api_key WHERE name = ?", arguments: [name]) {
                throw KeyError((revoked["revoked_at"] as Double?) == nil
                    ? "a key named '\(name)' exists; revoke it first (intake keys revoke --name \(name)) or choose another name"
                    : "a key named '\(name)' was revoked; its name stays with it in the record: choose another name")
            }
            if let curvePublicKey,
               let holder = try String.fetchOne(db, sql: "SELECT name FROM api_key WHERE curve_public_key = ?", arguments: [curvePublicKey]) {
                throw KeyError("that CURVE public key belongs to key '\(holder)' (revoked or not): make a new pair for this one")
            }
            try db.execute(sql: "INSERT INTO api_key (name, hash, scopes, created_at, curve_public_key) VALUES (?, ?, ?, ?, ?)",
                           arguments: [name, Self.hash(secret), scopes.sorted().joined(separator: " "),
                                       Date().timeIntervalSince1970, curvePublicKey])
            let detail = scopes.sorted().joined(separator: " ") + (curvePublicKey.map { " curve:\($0)" } ?? "")
            try AuditTrail.append(actor: actor, action: "key.create", subject: name, detail: detail, at: Date(), in: db)
        }
        return secret
    }

    /// Revokes the live key called `name`, recording the act in the audit trail; false when there is none.
    func revoke(name: String, actor: String = AuditActor.operatorOnThisHost) throws -> Bool {
        try database.write { db in
            try db.execute(sql: "UPDATE api_key SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                           arguments: [Date().timeIntervalSince1970, name])
            guard db.changesCount > 0 else { return false }
            try AuditTrail.append(actor: actor, action: "key.revoke", subject: name, at: Date(), in: db)
            return true
        }
    }

    func list() throws -> [(name: String, scopes: String, curvePublicKey: String?, revoked: Bool)] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT name, scopes, curve_public_key, revoked_at FROM api_key ORDER BY name").map {
                (name: $0["name"], scopes: $0["scopes"], curvePublicKey: $0["curve_public_key"], revoked: ($0["revoked_at"] as Double?) != nil)
            }
        }
    }

    /// The name of the live key that holds this CURVE public key, if any: the ZAP handler's judge for the ingress,
    /// asked once per handshake and never cached, so a revoked key's system cannot connect again.
    func curveClient(publicKey: String) throws -> String? {
        try database.read { db in
            try String.fetchOne(db.cachedStatement(sql: "SELECT name FROM api_key WHERE curve_public_key = ? AND revoked_at IS NULL"),
                                arguments: [publicKey])
        }
    }

    /// The live key called `name` (a CURVE client's identity, from the ZAP handler), for a caller on its own thread;
    /// cached like ``lookupWaiting(secret:)``, so a revocation reaches a connection already open within `cacheSeconds`.
    func lookupWaiting(name: String) throws -> Key? {
        let entry = "name:" + name  // hashes are hex: no name entry is taken for one
        if let cached = cache.get(entry, at: .now) { return cached }
        return cache.remember(entry, try database.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT name, scopes FROM api_key WHERE name = ? AND revoked_at IS NULL"),
                             arguments: [name])
                .map { Key(name: $0["name"], scopes: Set(($0["scopes"] as String).split(separator: " ").map(String.init))) }
        })
    }

    static let apiKeyHeader = HTTPField.Name("X-API-Key")!

    /// The key the request presents (`Authorization: Bearer …` or `X-API-Key`), or 401.
    func authenticate(_ request: Request) async throws -> Key {
        let header = request.headers[.authorization].map { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : $0 }
            ?? request.headers[Self.apiKeyHeader]
        guard let secret = header?.trimmedOfWhitespace, !secret.isEmpty else {
            throw APIError(.unauthorized, code: "api_key_required", "send your API key as 'Authorization: Bearer <key>'")
        }
        if let people, PersonClaims.looksLikeToken(secret) {
            guard let person = try await people(secret) else {
                throw APIError(.unauthorized, code: "session_ended", "the session has ended or its token expired: sign in again or refresh it")
            }
            return person
        }
        guard let key = try await lookup(secret: secret) else {
            throw APIError(.unauthorized, code: "api_key_invalid", "the API key is unknown or revoked")
        }
        return key
    }

    /// The same, and the key must grant `scope` (403 otherwise).
    func authenticate(_ request: Request, scope: String) async throws -> Key {
        let key = try await authenticate(request)
        guard key.scopes.contains(scope) else {
            throw APIError(.forbidden, code: "scope_required", "key '\(key.name)' lacks the '\(scope)' scope")
        }
        return key
    }

    /// The live (not revoked) key with this secret, if any.
    func lookup(secret: String) async throws -> Key? {
        let hash = Self.hash(secret)
        if let cached = cache.get(hash, at: .now) { return cached }
        return cache.remember(hash, try await database.read { db in try Self.fetch(hash: hash, in: db) })
    }

    /// The same, for a caller on its own thread (the ZeroMQ ingress).
    func lookupWaiting(secret: String) throws -> Key? {
        let hash = Self.hash(secret)
        if let cached = cache.get(hash, at: .now) { return cached }
        return cache.remember(hash, try database.read { db in try Self.fetch(hash: hash, in: db) })
    }

    private static func fetch(hash: String, in db: Database) throws -> Key? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT name, scopes FROM api_key WHERE hash = ? AND revoked_at IS NULL"),
                         arguments: [hash])
            .map { Key(name: $0["name"], scopes: Set(($0["scopes"] as String).split(separator: " ").map(String.init))) }
    }

    static func hash(_ secret: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(secret.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}

/// Live keys by hash, each until a deadline; unknown and revoked keys are never cached.
final class KeyCache: Sendable {
    private let entries = Mutex<[String: (key: APIKeys.Key, until: ContinuousClock.Instant)]>([:])

    func get(_ hash: String, at now: ContinuousClock.Instant) -> APIKeys.Key? {
        entries.withLock { entries in
            guard let entry = entries[hash] else { return nil }
            guard entry.until > now else {
                entries[hash] = nil
                return nil
            }
            return entry.key
        }
    }

    /// Keeps a live key for `APIKeys.cacheSeconds` and hands it back; nil (unknown or revoked) is not kept.
    func remember(_ hash: String, _ key: APIKeys.Key?) -> APIKeys.Key? {
        guard let key else { return nil }
        entries.withLock { entries in
            if entries.count > 10_000 { entries.removeAll() }  // bounded: keys are few, hashes of wrong keys are not cached
            entries[hash] = (key, .now + .seconds(APIKeys.cacheSeconds))
        }
        return key
    }
}

struct KeyError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
