import DubanModels
import Foundation
import GRDB

/// `topic`: each council topic (议题), kept whole as JSON with every step recorded; its number makes its id
/// (`YT-0001`). Owned here: every query on it.
enum TopicTable {
    static func create(_ db: Database) throws {
        try db.create(table: "topic") { t in
            t.column("number", .integer).primaryKey(autoincrement: true)
            t.column("id", .text).notNull().unique()
            t.column("body", .blob).notNull()
        }
    }

    /// The id the next topic gets.
    static func nextID(in db: Database) throws -> String {
        let number = try (Int.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'topic'") ?? 0) + 1
        return "YT-" + String(repeating: "0", count: max(0, 4 - String(number).count)) + String(number)
    }

    /// A new topic, or a new state of one. Not an upsert: an `INSERT … ON CONFLICT DO UPDATE` takes a number from
    /// AUTOINCREMENT's sequence even when it updates, and the next topic's id would skip it.
    static func save(_ topic: Topic, in db: Database) throws {
        let body = try DubanJSON.shared.encode(topic)
        try db.execute(sql: "UPDATE topic SET body = ? WHERE id = ?", arguments: [body, topic.id])
        if db.changesCount == 0 { try db.execute(sql: "INSERT INTO topic (id, body) VALUES (?, ?)", arguments: [topic.id, body]) }
    }

    static func fetch(_ id: String, in db: Database) throws -> Topic? {
        try Data.fetchOne(db, sql: "SELECT body FROM topic WHERE id = ?", arguments: [id]).map {
            try DubanJSON.decoder().decode(Topic.self, from: $0)
        }
    }
}
