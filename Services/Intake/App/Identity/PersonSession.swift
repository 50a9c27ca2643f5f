import DubanIdentity
import Foundation
import GRDB

/// Signed-in sessions (table `person_session`, keyed by the SHA-256 of the session id, which only the token
/// carries) and the revocation feed the other services follow (table `identity_revocation`). Only this file writes
/// SQL on them.
struct PersonSession: Sendable {
    var idHash: String
    var login: String
    var csrf: String
    var createdAt: Date
    var lastActive: Date
    var endedAt: Date?

    static func createTables(_ db: Database) throws {
        try db.create(table: "person_session") { t in
            t.column("id_hash", .text).primaryKey()
            t.column("login", .text).notNull().indexed()
            t.column("csrf", .text).notNull()
            t.column("created_at", .double).notNull()
            t.column("last_active", .double).notNull()
            t.column("ended_at", .double)
            t.column("ended_reason", .text)
        }
        try db.create(table: "identity_revocation") { t in
            t.primaryKey("seq", .integer)
            t.column("kind", .text).notNull()
            t.column("subject", .text).notNull()
            t.column("at", .double).notNull()
        }
    }

    static func start(sessionID: String, login: String, csrf: String, at now: Date, in db: Database) throws {
        try db.execute(sql: "INSERT INTO person_session (id_hash, login, csrf, created_at, last_active) VALUES (?, ?, ?, ?, ?)",
                       arguments: [Revocation.sessionSubject(sessionID), login, csrf, now.timeIntervalSince1970, now.timeIntervalSince1970])
    }

    static func fetch(sessionID: String, in db: Database) throws -> PersonSession? {
        try Row.fetchOne(db, sql: "SELECT * FROM person_session WHERE id_hash = ?", arguments: [Revocation.sessionSubject(sessionID)]).map {
            PersonSession(idHash: $0["id_hash"], login: $0["login"], csrf: $0["csrf"],
                          createdAt: Date(timeIntervalSince1970: $0["created_at"]), lastActive: Date(timeIntervalSince1970: $0["last_active"]),
                          endedAt: ($0["ended_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
        }
    }

    static func touch(sessionID: String, at now: Date, in db: Database) throws {
        try db.execute(sql: "UPDATE person_session SET last_active = ? WHERE id_hash = ?",
                       arguments: [now.timeIntervalSince1970, Revocation.sessionSubject(sessionID)])
    }

    /// Ends one session and tells every service (`reason`: `sign-out`, `idle`, …).
    static func end(sessionID: String, reason: String, at now: Date, in db: Database) throws {
        let hash = Revocation.sessionSubject(sessionID)
        try db.execute(sql: "UPDATE person_session SET ended_at = ?, ended_reason = ? WHERE id_hash = ? AND ended_at IS NULL",
                       arguments: [now.timeIntervalSince1970, reason, hash])
        if db.changesCount > 0 { try revoke(.session, subject: hash, at: now, in: db) }
    }

    /// Ends every open session of an account (disabled, password reset).
    static func endAll(login: String, reason: String, at now: Date, in db: Database) throws {
        let hashes = try String.fetchAll(db, sql: "SELECT id_hash FROM person_session WHERE login = ? AND ended_at IS NULL", arguments: [login])
        try db.execute(sql: "UPDATE person_session SET ended_at = ?, ended_reason = ? WHERE login = ? AND ended_at IS NULL",
                       arguments: [now.timeIntervalSince1970, reason, login])
        for hash in hashes { try revoke(.session, subject: hash, at: now, in: db) }
    }

    /// Appends to the revocation feed.
    static func revoke(_ kind: Revocation.Kind, subject: String, at now: Date, in db: Database) throws {
        try db.execute(sql: "INSERT INTO identity_revocation (kind, subject, at) VALUES (?, ?, ?)",
                       arguments: [kind.rawValue, subject, now.timeIntervalSince1970])
    }

    /// The feed after `seq`, at most 1,000 entries, leaving out those older than `horizon` (no token outlives them).
    static func revocations(after seq: Int64, since horizon: Date, in db: Database) throws -> [Revocation] {
        try Row.fetchAll(db, sql: "SELECT * FROM identity_revocation WHERE seq > ? AND at >= ? ORDER BY seq LIMIT 1000",
                         arguments: [seq, horizon.timeIntervalSince1970]).map {
            Revocation(seq: $0["seq"], kind: Revocation.Kind(rawValue: $0["kind"]) ?? .session, subject: $0["subject"],
                       at: Date(timeIntervalSince1970: $0["at"]))
        }
    }
}

extension PersonSession {
    /// Drops feed entries no token can outlive.
    static func pruneRevocations(before date: Date, in db: Database) throws {
        try db.execute(sql: "DELETE FROM identity_revocation WHERE at < ?", arguments: [date.timeIntervalSince1970])
    }
}
