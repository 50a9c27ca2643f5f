import Foundation
import GRDB
import Synchronization

/// Group commit: writes that arrive while another is committing share the next transaction, each in its own
/// savepoint, so one that fails is rolled back alone while the others commit. Every caller resumes only after the
/// transaction holding its write has committed (or with the commit's error), exactly as with `DatabasePool.write`.
///
/// Under concurrent load this turns a commit per request into a commit per batch; alone, a write waits for no one.
public final class BatchedWriter: Sendable {
    private struct Job: Sendable {
        /// Runs the caller's work in the batch's transaction; the answer it returns is given after the commit.
        var run: @Sendable (Database) -> @Sendable () -> Void
        /// Answers the caller when the batch's transaction failed as a whole.
        var fail: @Sendable (any Error) -> Void
    }

    private struct State {
        var pending: [Job] = []
        var draining = false
    }

    private let database: DatabasePool
    private let maxBatch: Int
    private let state = Mutex(State())
    /// Batches are written from this queue with GRDB's blocking `write`: one thread hop per batch instead of a task
    /// hopping to GRDB's own queue and back.
    private let queue = DispatchQueue(label: "duban.batched-writer")

    /// Runs once in each batch's transaction after its writes, before the commit (intake records the batch's
    /// submissions in the audit trail with it); if it throws, the whole batch fails.
    private let beforeCommit: (@Sendable (Database) throws -> Void)?

    public init(database: DatabasePool, maxBatch: Int = 256, beforeCommit: (@Sendable (Database) throws -> Void)? = nil) {
        self.database = database
        self.maxBatch = maxBatch
        self.beforeCommit = beforeCommit
    }

    public func write<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job = Job(run: { db in
                let outcome: Result<T, any Error>
                do {
                    var value: T?
                    try db.inSavepoint {
                        value = try work(db)
                        return .commit
                    }
                    outcome = .success(value!)
                } catch {
                    outcome = .failure(error)
                }
                return { continuation.resume(with: outcome) }
            }, fail: { continuation.resume(throwing: $0) })
            let startDraining = state.withLock { state -> Bool in
                state.pending.append(job)
                guard !state.draining else { return false }
                state.draining = true
                return true
            }
            if startDraining { queue.async { self.drain() } }
        }
    }

    private func drain() {
        while true {
            let batch = state.withLock { state -> [Job] in
                let batch = Array(state.pending.prefix(maxBatch))
                state.pending.removeFirst(batch.count)
                if batch.isEmpty { state.draining = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                let answers = try database.write { db in
                    let answers = batch.map { $0.run(db) }
                    try beforeCommit?(db)
                    return answers
                }
                for answer in answers { answer() }
            } catch {
                // The transaction itself failed (BEGIN or COMMIT): nothing of the batch is stored, everyone hears why.
                for job in batch { job.fail(error) }
            }
        }
    }
}
