import DubanModels
import Foundation
import GRDB

/// `topic_view`: each council topic as intake last announced it (`topic.saved`).
enum TopicView {
    static func create(_ db: Database) throws {
        try db.create(table: "topic_view") { t in
            t.column("id", .text).primaryKey()
            t.column("published_at", .double)
            t.column("body", .blob).notNull()
        }
    }

    static func save(_ topic: Topic, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO topic_view (id, published_at, body) VALUES (?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET published_at = excluded.published_at, body = excluded.body
            """, arguments: [topic.id, topic.publishedAt?.timeIntervalSince1970, try DubanJSON.shared.encode(topic)])
    }

    static func fetch(_ id: String, in db: Database) throws -> Topic? {
        try Data.fetchOne(db, sql: "SELECT body FROM topic_view WHERE id = ?", arguments: [id]).map(decode)
    }

    /// Every topic, newest first.
    static func all(in db: Database) throws -> [Topic] {
        try Data.fetchAll(db, sql: "SELECT body FROM topic_view ORDER BY id DESC").map(decode)
    }

    /// Topics whose result was published, newest first: the public page lists them.
    static func published(limit: Int, in db: Database) throws -> [Topic] {
        try Data.fetchAll(db, sql: "SELECT body FROM topic_view WHERE published_at IS NOT NULL ORDER BY published_at DESC LIMIT ?",
                          arguments: [limit]).map(decode)
    }

    private static func decode(_ body: Data) throws -> Topic { try DubanJSON.decoder().decode(Topic.self, from: body) }
}
