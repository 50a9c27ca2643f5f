import DubanStorage
import Foundation
import GRDB
import Testing

/// Group commit keeps each caller's write whole and separate: concurrent writes share transactions, a failing one
/// is rolled back alone, and every caller gets its own answer after the commit.
@Suite struct BatchedWriterTests {
    func database() throws -> ServiceDatabase {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("t") { db in
            try db.execute(sql: "CREATE TABLE item (n INTEGER PRIMARY KEY, label TEXT NOT NULL)")
            try db.execute(sql: "CREATE TABLE commits (id INTEGER PRIMARY KEY)")
        }
        return try ServiceDatabase(directory: NSTemporaryDirectory() + "batched-\(UUID().uuidString)", name: "t", migrator: migrator)
    }

    struct Refused: Error {}

    @Test func concurrentWritesShareCommitsAndFailAlone() async throws {
        let database = try database()
        let writer = BatchedWriter(database: database.writer)
        let commits = Counter()
        database.writer.add(transactionObserver: commits, extent: .databaseLifetime)

        let outcomes = await withTaskGroup(of: (Int, Result<Int, any Error>).self) { group in
            for n in 1...300 {
                group.addTask {
                    do {
                        let value = try await writer.write { db in
                            // Two statements per write: a failure after the first must undo it too.
                            try db.execute(sql: "INSERT INTO item (n, label) VALUES (?, 'a')", arguments: [n])
                            if n % 10 == 0 { throw Refused() }
                            try db.execute(sql: "UPDATE item SET label = 'b' WHERE n = ?", arguments: [n])
                            return n * 2
                        }
                        return (n, .success(value))
                    } catch {
                        return (n, .failure(error))
                    }
                }
            }
            var all: [Int: Result<Int, any Error>] = [:]
            for await (n, outcome) in group { all[n] = outcome }
            return all
        }
        for n in 1...300 {
            switch outcomes[n] {
            case .some(.success(let value)): #expect(n % 10 != 0 && value == n * 2)
            case .some(.failure(let error)): #expect(n % 10 == 0 && error is Refused)
            case .none: Issue.record("no answer for \(n)")
            }
        }
        let rows = try await database.writer.read { try Row.fetchAll($0, sql: "SELECT n, label FROM item ORDER BY n") }
        #expect(rows.count == 270)
        #expect(rows.allSatisfy { ($0["label"] as String) == "b" && ($0["n"] as Int) % 10 != 0 })
        #expect(commits.value < 300, "writes shared commits (\(commits.value) for 300 writes)")
    }

    @Test func aLoneWriteIsCommittedBeforeItsCallerResumes() async throws {
        let database = try database()
        let writer = BatchedWriter(database: database.writer)
        let value = try await writer.write { db in
            try db.execute(sql: "INSERT INTO item (n, label) VALUES (1, 'x')")
            return "done"
        }
        #expect(value == "done")
        // Visible to another connection at once: it was committed, not merely written.
        #expect(try await database.writer.read { try String.fetchOne($0, sql: "SELECT label FROM item WHERE n = 1") } == "x")
    }
}

/// Counts committed transactions.
final class Counter: TransactionObserver, @unchecked Sendable {
    // @unchecked: GRDB calls observers on the writer's queue only, one call at a time; `value` is read after the writes.
    private(set) var value = 0
    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { false }
    func databaseDidChange(with event: DatabaseEvent) {}
    func databaseDidCommit(_ db: Database) { value += 1 }
    func databaseDidRollback(_ db: Database) {}
}
