import DubanStorage
import Foundation
import GRDB
import Testing

/// Values bound straight into a statement read back exactly as GRDB would have stored them, and a failing statement
/// throws GRDB's error and leaves nothing behind.
@Suite struct DirectBindingsTests {
    func database() throws -> ServiceDatabase {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("t") { db in
            try db.execute(sql: "CREATE TABLE item (id TEXT NOT NULL UNIQUE, body BLOB NOT NULL, at DOUBLE NOT NULL, n INTEGER NOT NULL)")
        }
        return try ServiceDatabase(directory: NSTemporaryDirectory() + "bindings-\(UUID().uuidString)", name: "t", migrator: migrator)
    }

    static let insert = "INSERT INTO item (id, body, at, n) VALUES (?, ?, ?, ?)"

    @Test("text, blobs (empty ones too), doubles and integers are stored with their types, row after row")
    func valuesRoundTrip() throws {
        let database = try database()
        let rows: [(String, Data, Double, Int64)] = [
            ("厂区频繁停电 ✓", Data([0, 1, 0xFF, 0]), 1_700_000_000.125, Int64.max),
            ("", Data(), -0.5, Int64.min),
            ("a\u{0}b", Data([0]), 1e300, -1),  // a NUL inside text is kept: text is bound by its length
            (String(repeating: "督办", count: 3_000), Data(repeating: 7, count: 70_000), 0, 0),
        ]
        try database.writer.write { db in
            let statement = try db.cachedStatement(sql: Self.insert)
            for (id, body, at, n) in rows {
                try statement.execute { row in
                    row.bind(id, at: 1)
                    row.bind(body, at: 2)
                    row.bind(at, at: 3)
                    row.bind(n, at: 4)
                }
            }
        }
        let stored = try database.writer.read { db in
            // The text's bytes as stored (GRDB reads text up to a NUL, so compare bytes).
            try Row.fetchAll(db, sql: "SELECT CAST(id AS BLOB), body, at, n, typeof(id), typeof(body), typeof(at), typeof(n) FROM item ORDER BY rowid")
        }
        #expect(stored.count == rows.count)
        for (row, expected) in zip(stored, rows) {
            #expect((row[0] as Data?) ?? Data() == Data(expected.0.utf8))
            #expect(row[1] as Data == expected.1)
            #expect(row[2] as Double == expected.2)
            #expect(row[3] as Int64 == expected.3)
            #expect([row[4], row[5], row[6], row[7]] as [String] == ["text", "blob", "real", "integer"])
        }
    }

    @Test("a constraint failure throws GRDB's error; the statement works again after it")
    func failureThrowsAndRecovers() throws {
        let database = try database()
        func insert(_ id: String, in db: Database) throws {
            try db.cachedStatement(sql: Self.insert).execute { row in
                row.bind(id, at: 1)
                row.bind(Data([1]), at: 2)
                row.bind(1.0, at: 3)
                row.bind(1 as Int64, at: 4)
            }
        }
        try database.writer.write { db in try insert("a", in: db) }
        #expect {
            try database.writer.write { db in
                try insert("b", in: db)
                try insert("a", in: db)  // the unique id again: the whole transaction rolls back
            }
        } throws: { error in
            (error as? DatabaseError)?.resultCode == .SQLITE_CONSTRAINT
        }
        try database.writer.write { db in try insert("c", in: db) }
        #expect(try database.writer.read { try String.fetchAll($0, sql: "SELECT id FROM item ORDER BY rowid") } == ["a", "c"])
    }
}
