import DubanModels
import Foundation
import GRDB

/// `meeting_session_view`: each session as intake last announced it (`meeting.session_saved`), with the columns the
/// figures group by.
enum SessionView {
    static func create(_ db: Database) throws {
        try db.create(table: "meeting_session_view") { t in
            t.column("id", .text).primaryKey()
            t.column("series", .text).notNull()
            t.column("number", .integer).notNull()
            t.column("date", .text).notNull()
            t.column("theme", .text).notNull()
            t.column("state", .text).notNull()
            t.column("body", .blob).notNull()
        }
        try db.create(index: "meeting_session_view_series", on: "meeting_session_view", columns: ["series", "number"])
    }

    static func save(_ session: MeetingSession, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO meeting_session_view (id, series, number, date, theme, state, body) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET date = excluded.date, theme = excluded.theme, state = excluded.state, body = excluded.body
            """, arguments: [session.id, session.series, session.number, session.date, session.theme, session.state.rawValue,
                             try DubanJSON.shared.encode(session)])
    }

    static func fetch(_ id: String, in db: Database) throws -> MeetingSession? {
        try Data.fetchOne(db, sql: "SELECT body FROM meeting_session_view WHERE id = ?", arguments: [id]).map(decode)
    }

    /// A series' sessions by number (or every series', by series then number).
    static func all(series: String?, in db: Database) throws -> [MeetingSession] {
        if let series {
            return try Data.fetchAll(db, sql: "SELECT body FROM meeting_session_view WHERE series = ? ORDER BY number",
                                     arguments: [series]).map(decode)
        }
        return try Data.fetchAll(db, sql: "SELECT body FROM meeting_session_view ORDER BY series, number").map(decode)
    }

    private static func decode(_ body: Data) throws -> MeetingSession { try DubanJSON.decoder().decode(MeetingSession.self, from: body) }
}
