import ArgumentParser
import DubanRuntime
import GRDB

/// `reporting rebuild`: empties the read model and forgets what was applied, with the service stopped. When it starts
/// again, each producer's relay says hello with what it believes was acknowledged; reporting answers that it has
/// nothing, and every producer sends its whole event log again (event logs are kept), rebuilding the read model.
struct RebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild", abstract: "Empty the read model so it is rebuilt from every producer's events at the next start.")

    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        let database = try await options.database(for: Reporting.self)
        let counts = try await database.writer.write { db -> (Int, Int) in
            let cases = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM case_view") ?? 0
            let events = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM timeline") ?? 0
            for table in ["case_view", "timeline", "figures_daily", "bureau_directory", "meeting_series_view",
                          "meeting_session_view", "topic_view", "inbox_cursor", "dead_letter"] { try db.execute(sql: "DELETE FROM \(table)") }
            return (cases, events)
        }
        print("emptied the read model (\(counts.0) cases, \(counts.1) timeline events); start reporting to rebuild it from the producers' logs")
    }
}
