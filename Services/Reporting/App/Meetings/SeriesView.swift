import DubanModels
import Foundation
import GRDB

/// `meeting_series_view`: each meeting series as intake last announced it (`meeting.series_saved`).
enum SeriesView {
    static func create(_ db: Database) throws {
        try db.create(table: "meeting_series_view") { t in
            t.column("id", .text).primaryKey()
            t.column("body", .blob).notNull()
        }
    }

    static func save(_ series: MeetingSeries, in db: Database) throws {
        try db.execute(sql: "INSERT INTO meeting_series_view (id, body) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body",
                       arguments: [series.id, try DubanJSON.shared.encode(series)])
    }

    static func all(in db: Database) throws -> [MeetingSeries] {
        try Data.fetchAll(db, sql: "SELECT body FROM meeting_series_view ORDER BY rowid").map {
            try DubanJSON.decoder().decode(MeetingSeries.self, from: $0)
        }
    }

    static func fetch(_ id: String, in db: Database) throws -> MeetingSeries? {
        try Data.fetchOne(db, sql: "SELECT body FROM meeting_series_view WHERE id = ?", arguments: [id]).map {
            try DubanJSON.decoder().decode(MeetingSeries.self, from: $0)
        }
    }
}
