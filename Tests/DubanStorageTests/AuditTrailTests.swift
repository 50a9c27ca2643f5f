import DubanStorage
import Foundation
import GRDB
import Testing

/// The audit trail names the first row that was altered, inserted or removed, and stays verifiable when pruned.
@Suite struct AuditTrailTests {
    static func trail(rows: Int) throws -> DatabaseQueue {
        let database = try DatabaseQueue()
        try database.write { db in
            try AuditTrail.createTables(db)
            for n in 1...rows {
                try AuditTrail.append(actor: "desk-\(n % 3)", action: n % 2 == 0 ? "contact.view" : "case.resolve", subject: "DB-\(n)",
                                      outcome: n == 4 ? .refused : .done, detail: "n=\(n)", at: Date(timeIntervalSince1970: Double(n) * 86_400),
                                      in: db)
            }
        }
        return database
    }

    static func verify(_ database: DatabaseQueue, head: (seq: Int64, hash: String)? = nil) throws -> AuditTrail.Verification {
        try database.read { try AuditTrail.verify(in: $0, head: head) }
    }

    @Test func anUntouchedTrailIsIntactAndSaysItsHead() throws {
        let database = try Self.trail(rows: 10)
        guard case .intact(let rows, let head) = try Self.verify(database) else { Issue.record("not intact"); return }
        #expect(rows == 10 && head?.seq == 10 && head?.hash.count == 64)
    }

    @Test func anAlteredRowIsNamed() throws {
        let database = try Self.trail(rows: 10)
        try database.write { try $0.execute(sql: "UPDATE audit_log SET outcome = 'done' WHERE seq = 4") }
        #expect(try Self.verify(database) == .broken(seq: 4, reason: "row 4 altered: its fields no longer match its hash"))
    }

    @Test func aRemovedRowIsNamed() throws {
        let database = try Self.trail(rows: 10)
        try database.write { try $0.execute(sql: "DELETE FROM audit_log WHERE seq IN (6, 7)") }
        #expect(try Self.verify(database) == .broken(seq: 6, reason: "row 6–7 removed: row 8 follows row 5"))
    }

    @Test func anInsertedRowIsNamed() throws {
        let database = try Self.trail(rows: 5)
        // A forged row at the end, with a hash made up by someone who does not know how rows are hashed.
        try database.write { db in
            try db.execute(sql: """
                INSERT INTO audit_log (seq, at, actor, action, subject, outcome, detail, previous_hash, hash)
                VALUES (6, 0, 'nobody', 'key.create', 'backdoor', 'done', '', ?, ?)
                """, arguments: [String(repeating: "a", count: 64), String(repeating: "b", count: 64)])
        }
        #expect(try Self.verify(database) == .broken(seq: 6, reason: "row 6 does not follow row 5: inserted, or row 5 was rewritten"))
    }

    @Test func aRewrittenChainIsCaughtAgainstARecordedHead() throws {
        let database = try Self.trail(rows: 6)
        guard case .intact(_, let head?) = try Self.verify(database) else { Issue.record("not intact"); return }
        // Someone rewrites the last row and recomputes its hash the way Duban does: the chain alone still holds.
        try database.write { db in
            try db.execute(sql: "DELETE FROM audit_log WHERE seq = 6")
            try AuditTrail.append(actor: "desk-0", action: "case.resolve", subject: "DB-6", detail: "changed", at: Date(), in: db)
        }
        guard case .intact = try Self.verify(database) else { Issue.record("the chain itself holds"); return }
        #expect(try Self.verify(database, head: head) == .broken(seq: 6, reason: "row 6 is not the head recorded earlier: the chain was rewritten"))
        // Rows cut from the end are caught the same way.
        try database.write { try $0.execute(sql: "DELETE FROM audit_log WHERE seq >= 5") }
        #expect(try Self.verify(database, head: head) == .broken(seq: 6, reason: "row 6, the head recorded earlier, is gone: rows were removed from the end"))
    }

    @Test func pruningKeepsTheRestVerifiable() throws {
        let database = try Self.trail(rows: 10)
        let removed = try database.write { try AuditTrail.prune(before: Date(timeIntervalSince1970: 4.5 * 86_400), in: $0) }
        #expect(removed == 4)
        guard case .intact(let rows, let head) = try Self.verify(database) else { Issue.record("not intact after pruning"); return }
        #expect(rows == 6 && head?.seq == 10)
        try database.write { db in
            try AuditTrail.append(actor: "desk-1", action: "case.sign", subject: "DB-11", at: Date(), in: db)
            try db.execute(sql: "UPDATE audit_log SET actor = 'someone-else' WHERE seq = 5")
        }
        #expect(try Self.verify(database) == .broken(seq: 5, reason: "row 5 altered: its fields no longer match its hash"))
    }
}
