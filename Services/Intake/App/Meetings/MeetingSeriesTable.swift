import DubanModels
import Foundation
import GRDB

/// `meeting_series`: each series of meetings (政企交流主题日) with its weekly slot. Owned here: every query on it.
enum MeetingSeriesTable {
    static func create(_ db: Database) throws {
        try db.create(table: "meeting_series") { t in
            t.column("id", .text).primaryKey()
            t.column("name", .text).notNull()
            t.column("weekday", .integer).notNull()
            t.column("starts_at", .text).notNull()
            t.column("ends_at", .text).notNull()
            t.column("chair", .text)
            t.column("venue", .text)
            t.column("created_at", .double).notNull()
        }
    }

    static func insert(_ series: MeetingSeries, at time: Date, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO meeting_series (id, name, weekday, starts_at, ends_at, chair, venue, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [series.id, series.name, series.weekday, series.startsAt, series.endsAt, series.chair, series.venue,
                             time.timeIntervalSince1970])
    }

    static func fetch(_ id: String, in db: Database) throws -> MeetingSeries? {
        try Row.fetchOne(db, sql: "SELECT * FROM meeting_series WHERE id = ?", arguments: [id]).map(series)
    }

    static func all(in db: Database) throws -> [MeetingSeries] {
        try Row.fetchAll(db, sql: "SELECT * FROM meeting_series ORDER BY created_at, id").map(series)
    }

    private static func series(_ row: Row) -> MeetingSeries {
        MeetingSeries(id: row["id"], name: row["name"], weekday: row["weekday"], startsAt: row["starts_at"], endsAt: row["ends_at"],
                      chair: row["chair"], venue: row["venue"])
    }
}
