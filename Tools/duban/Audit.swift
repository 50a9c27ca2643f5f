import ArgumentParser
import DubanStorage
import Foundation
import GRDB

/// `duban audit verify`: checks intake's audit trail, row by row, without changing it (docs/ARCHITECTURE.md).
struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check or prune the audit trail.", subcommands: [Verify.self, Prune.self])

    /// Intake's database in `dataDir`, as a queue that waits for the running service's writer.
    static func open(_ dataDir: String, readonly: Bool) throws -> DatabaseQueue {
        let path = (dataDir as NSString).appendingPathComponent("intake.sqlite")
        guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("no intake database at \(path)") }
        var configuration = Configuration()
        configuration.readonly = readonly
        configuration.busyMode = .timeout(10)
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that no row of intake's audit trail was altered, inserted or removed; exit 1 naming the first that was.")

        @Option(help: "Intake's data folder (its data.dir).") var dataDir = "var/intake"
        @Option(help: "A head printed by an earlier run, as SEQ:HASH: the chain must still hold it unchanged.") var head: String?

        func run() throws {
            var recorded: (seq: Int64, hash: String)?
            if let head {
                let parts = head.split(separator: ":", maxSplits: 1)
                guard parts.count == 2, let seq = Int64(parts[0]), parts[1].count == 64 else {
                    throw ValidationError("--head is SEQ:HASH, as `duban audit verify` printed it")
                }
                recorded = (seq, String(parts[1]))
            }
            let database = try Audit.open(dataDir, readonly: true)
            switch try database.read({ try AuditTrail.verify(in: $0, head: recorded) }) {
            case .intact(let rows, let head):
                print("audit trail intact: \(rows) rows" + (head.map { "; head \($0.seq):\($0.hash) (keep it to check later with --head)" } ?? ""))
            case .broken(let seq, let reason):
                FileHandle.standardError.write(Data("audit trail broken at row \(seq): \(reason)\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove rows older than --keep-days (at least 180), keeping the rest verifiable from the last removed row.")

        @Option(help: "Intake's data folder (its data.dir).") var dataDir = "var/intake"
        @Option(help: "Days of rows to keep: 180 or more (Cybersecurity Law art. 21: network logs six months).") var keepDays = 180

        func run() throws {
            guard keepDays >= 180 else { throw ValidationError("--keep-days is 180 or more: audit rows are kept at least six months") }
            let database = try Audit.open(dataDir, readonly: false)
            let before = Date().addingTimeInterval(-Double(keepDays) * 86_400)
            let removed = try database.write { try AuditTrail.prune(before: before, in: $0) }
            print("removed \(removed) audit row(s) older than \(keepDays) days; the rest still verifies from the last one removed")
        }
    }
}
