import GRDB

/// `robot_send`: the real times messages went to each robot, so pacing survives a restart (a restarted service must
/// not send another 20 into a minute that already had 20).
enum RobotSendLog {
    /// How long sends are kept, seconds: longer than any robot's window.
    static let keepSeconds: Double = 3_600

    static func createTable(in db: Database) throws {
        try db.create(table: "robot_send") { t in
            t.column("target", .text).notNull()
            t.column("at", .double).notNull()  // real time, Unix seconds
        }
        try db.create(index: "robot_send_target_at", on: "robot_send", columns: ["target", "at"])
    }

    static func append(_ target: String, at time: Double, in db: Database) throws {
        try db.execute(sql: "INSERT INTO robot_send (target, at) VALUES (?, ?)", arguments: [target, time])
        try db.execute(sql: "DELETE FROM robot_send WHERE target = ? AND at < ?", arguments: [target, time - keepSeconds])
    }

    static func recent(_ target: String, since time: Double, in db: Database) throws -> [Double] {
        try Double.fetchAll(db, sql: "SELECT at FROM robot_send WHERE target = ? AND at >= ? ORDER BY at", arguments: [target, time])
    }
}
