import DubanModels
import Foundation
import GRDB

/// Events a consumer could not decode or apply, kept with their error for inspection and replay.
public enum DeadLetters {
    public struct Letter: Sendable, Codable, Equatable {
        public var id: Int64
        public var producer: String
        public var seq: Int64
        public var type: String?
        public var error: String
        public var receivedAt: Date
        public var replayedAt: Date?
        public var body: Data
    }

    static func insert(producer: String, seq: Int64, body: Data, error: String, in db: Database) throws {
        let type = EventCodec.type(of: body)
        try db.execute(sql: """
            INSERT INTO dead_letter (producer, seq, type, body, error, received_at) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [producer, seq, type, body, error, Date().timeIntervalSince1970])
    }

    /// Dead letters not yet replayed successfully.
    public static func pendingCount(in db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dead_letter WHERE replayed_at IS NULL") ?? 0
    }

    public static func list(includeReplayed: Bool = false, in db: Database) throws -> [Letter] {
        let filter = includeReplayed ? "" : "WHERE replayed_at IS NULL"
        return try Row.fetchAll(db, sql: "SELECT * FROM dead_letter \(filter) ORDER BY id").map { row in
            Letter(id: row["id"], producer: row["producer"], seq: row["seq"], type: row["type"], error: row["error"],
                   receivedAt: Date(timeIntervalSince1970: row["received_at"]),
                   replayedAt: (row["replayed_at"] as Double?).map(Date.init(timeIntervalSince1970:)), body: row["body"])
        }
    }

    /// Applies dead letter `id` again with `handler`; on success marks it replayed, on failure records the new error.
    /// Returns whether it applied.
    public static func replay(id: Int64, in db: Database, handler: EventListener.Handler) throws -> Bool {
        guard let row = try Row.fetchOne(db, sql: "SELECT body FROM dead_letter WHERE id = ? AND replayed_at IS NULL",
                                         arguments: [id]) else { return false }
        let body: Data = row["body"]
        do {
            try db.inSavepoint {
                try handler(db, try EventCodec.decode(body))
                return .commit
            }
            try db.execute(sql: "UPDATE dead_letter SET replayed_at = ? WHERE id = ?",
                           arguments: [Date().timeIntervalSince1970, id])
            return true
        } catch {
            try db.execute(sql: "UPDATE dead_letter SET error = ? WHERE id = ?", arguments: [String(describing: error), id])
            return false
        }
    }
}
