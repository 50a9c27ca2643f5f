import ArgumentParser
import DubanRuntime
import GRDB

/// `escalation webhooks list|replay`: see deliveries that failed and send them again.
struct WebhooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks", abstract: "List dead-lettered webhook deliveries, or replay them.",
        subcommands: [List.self, Replay.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deliveries that were given up on.")
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let database = try await options.database(for: Escalation.self)
            let lines = try await database.writer.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT d.rowid AS id, d.target, d.attempts, d.part, d.last_error, n.id AS notice FROM webhook_delivery d
                    JOIN notice n ON n.seq = d.notice_seq WHERE d.status = 'dead' ORDER BY d.rowid
                    """)
                .map { row in
                    // A robot's refusal reads e.g. `dingtalk errcode 310000: sign not match`; a split notice names the part
                    // that failed (the earlier ones were accepted and are not sent again).
                    let part = (row["part"] as Int? ?? 0) > 0 ? " (part \((row["part"] as Int) + 1))" : ""
                    return "\(row["id"] as Int64)\t\(row["target"] as String)\t\(row["notice"] as String)\(part)\t\(row["attempts"] as Int) attempts\t\(row["last_error"] as String? ?? "")"
                }
            }
            for line in lines { print(line) }
            print("\(lines.count) dead delivery(ies)")
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send dead deliveries again (all, or those named with --id), from the part that failed; re-enables their targets.")
        @Option(help: "A delivery id from `webhooks list`; repeat for several.") var id: [Int64] = []
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let database = try await options.database(for: Escalation.self)
            let ids = id
            let count = try await database.writer.write { db -> Int in
                let filter = ids.isEmpty ? "" : "AND rowid IN (\(ids.map(String.init).joined(separator: ",")))"
                try db.execute(sql: "DELETE FROM webhook_disabled WHERE target IN (SELECT target FROM webhook_delivery WHERE status = 'dead' \(filter))")
                try db.execute(sql: "UPDATE webhook_delivery SET status = 'pending', attempts = 0, next_attempt_at = 0 WHERE status = 'dead' \(filter)")
                return db.changesCount
            }
            print("queued \(count) delivery(ies) again; a running escalation service sends them within a second")
        }
    }
}
