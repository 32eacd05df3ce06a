//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import CSQLite3

/// Owns one libsqlite3 connection (`sqlite3 *`) and closes it in `deinit`.
///
/// Not thread-safe by itself: ``SQLiteServiceStore`` uses it only on its ``StoreQueue``. The library is opened with
/// `SQLITE_OPEN_NOMUTEX` for that reason (no locking inside SQLite for a connection one thread uses at a time).
final class SQLiteDatabase {
    private let pointer: OpaquePointer

    /// Opens (creating when missing) the database file at `path`; `":memory:"` for a private in-memory database.
    init(path: String) throws(SQLiteError) {
        var opened: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &opened, flags, nil)
        guard status == SQLITE_OK, let opened else {
            let message = opened.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(opened)
            throw SQLiteError(status: status, message: "cannot open \(path): \(message)")
        }
        pointer = opened
        sqlite3_extended_result_codes(pointer, 1)
    }

    deinit {
        sqlite3_close_v2(pointer)
    }

    /// Runs `sql` (one or more statements without parameters or rows of interest: pragmas, `CREATE …`).
    func execute(_ sql: String) throws(SQLiteError) {
        let status = sqlite3_exec(pointer, sql, nil, nil, nil)
        guard status == SQLITE_OK else { throw error(status, "\(sql.prefix(40))…") }
    }

    /// Compiles `sql` once, for statements the store runs again and again (`SQLITE_PREPARE_PERSISTENT`).
    func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v3(pointer, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else { throw error(status, "preparing \(sql.prefix(40))…") }
        return SQLiteStatement(taking: statement, database: self)
    }

    /// How many rows the last `INSERT`, `UPDATE` or `DELETE` changed.
    var changes: Int32 { sqlite3_changes(pointer) }

    /// Waits up to `milliseconds` for a lock held by another connection (another process on the same file).
    func setBusyTimeout(milliseconds: Int32) {
        sqlite3_busy_timeout(pointer, milliseconds)
    }

    /// The error for `status`, with SQLite's message for this connection.
    func error(_ status: Int32, _ context: String) -> SQLiteError {
        SQLiteError(status: status, message: "\(context): \(String(cString: sqlite3_errmsg(pointer)))")
    }
}

/// An SQLite call that failed: its (extended) result code and message.
struct SQLiteError: Error, Sendable, Hashable, CustomStringConvertible {
    var status: Int32
    var message: String

    var description: String { "SQLite error \(status): \(message)" }
}
