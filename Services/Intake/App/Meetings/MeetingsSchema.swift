import GRDB

/// Intake's tables for meetings and council topics, and what a case records of them.
enum MeetingsSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("intake-v11-meetings") { db in
            try MeetingSeriesTable.create(db)
            try MeetingSessionTable.create(db)
            try TopicTable.create(db)
            // A problem raised at a session, with the answer given on the spot; a liaison officer's submission.
            try db.alter(table: "case_record") { t in
                t.add(column: "session_id", .text)
                t.add(column: "first_answer", .text)
                t.add(column: "liaison", .text)
                t.add(column: "area", .text)
            }
        }
    }
}
