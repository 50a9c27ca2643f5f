import DubanModels
import Foundation
import GRDB

/// `meeting_session`: each numbered session of a series, kept whole as JSON (`body`) with the columns its queries
/// use. Owned here: every query on it.
enum MeetingSessionTable {
    static func create(_ db: Database) throws {
        try db.create(table: "meeting_session") { t in
            t.column("id", .text).primaryKey()
            t.column("series_id", .text).notNull().references("meeting_series")
            t.column("number", .integer).notNull()
            t.column("date", .text).notNull()
            t.column("state", .text).notNull()
            t.column("body", .blob).notNull()
            t.uniqueKey(["series_id", "number"])
        }
    }

    static func save(_ session: MeetingSession, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO meeting_session (id, series_id, number, date, state, body) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET date = excluded.date, state = excluded.state, body = excluded.body
            """, arguments: [session.id, session.series, session.number, session.date, session.state.rawValue,
                             try DubanJSON.shared.encode(session)])
    }

    static func fetch(_ id: String, in db: Database) throws -> MeetingSession? {
        try Data.fetchOne(db, sql: "SELECT body FROM meeting_session WHERE id = ?", arguments: [id]).map(decode)
    }

    /// A series' sessions by number, or every session (series by name, then number).
    static func all(series: String?, in db: Database) throws -> [MeetingSession] {
        if let series {
            return try Data.fetchAll(db, sql: "SELECT body FROM meeting_session WHERE series_id = ? ORDER BY number", arguments: [series]).map(decode)
        }
        return try Data.fetchAll(db, sql: "SELECT body FROM meeting_session ORDER BY series_id, number").map(decode)
    }

    /// The highest number given in a series, and the latest day of its sessions (not cancelled).
    static func latest(series: String, in db: Database) throws -> (number: Int, date: String?)? {
        try Row.fetchOne(db, sql: """
            SELECT MAX(number) AS number, (SELECT MAX(date) FROM meeting_session WHERE series_id = ?1 AND state != 'cancelled') AS date
            FROM meeting_session WHERE series_id = ?1 HAVING COUNT(*) > 0
            """, arguments: [series]).map { ($0["number"], $0["date"]) }
    }

    private static func decode(_ body: Data) throws -> MeetingSession { try DubanJSON.decoder().decode(MeetingSession.self, from: body) }
}
