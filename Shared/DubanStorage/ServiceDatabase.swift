import CSQLite
import Foundation
import GRDB

/// One SQLite database per service, in the service's data directory, in WAL mode.
///
/// A commit in WAL mode survives a killed process whatever `synchronous` is; `full` also survives power loss, at about
/// a fifth of the single-commit rate (see docs/PERFORMANCE.md).
public struct ServiceDatabase: Sendable {
    public enum Durability: String, Sendable {
        /// Survives a killed process (SIGKILL).
        case process = "normal"
        /// Also survives power loss and OS crashes.
        case power = "full"
    }

    public let writer: DatabasePool
    public let path: String

    /// Opens (creating if needed) `<directory>/<name>.sqlite` and runs the migrations.
    public init(directory: String, name: String, durability: Durability = .process, migrator: DatabaseMigrator) throws {
        _ = Self.processConfiguration
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = (directory as NSString).appendingPathComponent("\(name).sqlite")
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(durability.rawValue)")
            // The one writer keeps 64 MiB of pages: a large read model's indexes stay in memory while events are
            // folded in (SQLite's default, 2 MiB, rereads them from the file for almost every insert).
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA cache_size = -65536") }
        }
        writer = try DatabasePool(path: path, configuration: configuration)
        self.path = path
        try migrator.migrate(writer)
    }

    /// SQLite's process-wide settings, made once before the process's first connection opens.
    ///
    /// Memory statistics off: Debian's SQLite counts every allocation under one process-wide mutex, and a service's
    /// writer, its readers and its event listener allocate all the time; in a durable hop that mutex was a tenth of
    /// the CPU in futex calls (docs/PERFORMANCE.md). Nothing in Duban reads SQLite's memory counters. Opening a
    /// connection some other way first leaves the setting as it was (SQLite refuses it once initialized), which costs
    /// speed and nothing else.
    static let processConfiguration: Void = {
        _ = duban_sqlite3_disable_memory_statistics()
    }()
}
