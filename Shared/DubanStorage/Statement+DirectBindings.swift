import CSQLite
import Foundation
import GRDB

/// Values bound straight into a prepared statement, for the few inserts that run for every event.
///
/// GRDB's `execute(arguments:)` boxes each value as `any DatabaseValueConvertible`, converts it to a `DatabaseValue`
/// and binds that: in a durable hop this was a tenth of the producer's CPU (docs/PERFORMANCE.md). Here the caller binds
/// each parameter with its type known, and the statement runs once. Use it only for statements nothing else executes
/// through GRDB's arguments: GRDB does not see these bindings.
public struct DirectBindings: ~Copyable {
    fileprivate let statement: OpaquePointer

    /// Binds text to the 1-based parameter `index`, by its UTF-8 length (a NUL inside is kept); SQLite copies it.
    public func bind(_ text: String, at index: Int32) {
        var text = text
        text.withUTF8 { utf8 in
            utf8.withMemoryRebound(to: CChar.self) { chars in
                if let address = chars.baseAddress {
                    _ = sqlite3_bind_text(statement, index, address, Int32(chars.count), duban_sqlite3_transient())
                } else {
                    _ = sqlite3_bind_text(statement, index, "", 0, duban_sqlite3_transient())  // a nil address binds NULL
                }
            }
        }
    }

    /// Binds a blob (an empty one too, never NULL); SQLite copies it.
    public func bind(_ blob: Data, at index: Int32) {
        guard !blob.isEmpty else {
            sqlite3_bind_zeroblob(statement, index, 0)
            return
        }
        blob.withUnsafeBytes { bytes in
            _ = sqlite3_bind_blob(statement, index, bytes.baseAddress, Int32(bytes.count), duban_sqlite3_transient())
        }
    }

    public func bind(_ value: Double, at index: Int32) {
        sqlite3_bind_double(statement, index, value)
    }

    public func bind(_ value: Int64, at index: Int32) {
        sqlite3_bind_int64(statement, index, value)
    }
}

extension Statement {
    /// Resets the statement, lets `bind` set every parameter, and runs it to completion; throws SQLite's error as a
    /// GRDB `DatabaseError`, leaving the transaction to the caller, as `execute(arguments:)` does.
    public func execute(binding bind: (borrowing DirectBindings) -> Void) throws {
        let raw = sqliteStatement
        sqlite3_reset(raw)
        sqlite3_clear_bindings(raw)
        bind(DirectBindings(statement: raw))
        let code = sqlite3_step(raw)
        guard code == SQLITE_DONE || code == SQLITE_ROW else {
            let message = sqlite3_db_handle(raw).flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            sqlite3_reset(raw)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
        }
        sqlite3_reset(raw)
    }
}
