//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import CSQLite3

/// Owns one prepared statement (`sqlite3_stmt *`) and finalizes it in `deinit`.
///
/// Used only on its database's ``StoreQueue``. ``run(_:row:)`` binds, steps through every row and resets, so the
/// statement is ready for the next use with nothing left bound.
final class SQLiteStatement {
    /// A parameter value.
    enum Value {
        case text(String)
        case integer(Int64)
    }

    private let pointer: OpaquePointer
    /// Keeps the connection open for as long as the statement exists.
    private let database: SQLiteDatabase

    init(taking pointer: OpaquePointer, database: SQLiteDatabase) {
        self.pointer = pointer
        self.database = database
    }

    deinit {
        sqlite3_finalize(pointer)
    }

    /// Binds `parameters` to `?1`, `?2`, …, calls `row` for each result row, and resets the statement.
    func run(_ parameters: [Value], row: (Row) throws -> Void = { _ in }) throws {
        defer {
            sqlite3_reset(pointer)
            sqlite3_clear_bindings(pointer)
        }
        for (offset, value) in parameters.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch value {
            case .integer(let number):
                status = sqlite3_bind_int64(pointer, index, number)
            case .text(let text):
                status = text.utf8CString.withUnsafeBufferPointer { buffer in
                    sqlite3_bind_text(pointer, index, buffer.baseAddress, -1, mynakit_sqlite_transient())
                }
            }
            guard status == SQLITE_OK else { throw database.error(status, "binding parameter \(index)") }
        }
        while true {
            let status = sqlite3_step(pointer)
            if status == SQLITE_DONE { return }
            guard status == SQLITE_ROW else { throw database.error(status, "step") }
            try row(Row(pointer: pointer))
        }
    }

    /// The current row while ``run(_:row:)`` calls back; valid only during that call.
    struct Row {
        fileprivate let pointer: OpaquePointer

        /// Whether column `index` (from 0) is NULL.
        func isNull(_ index: Int32) -> Bool {
            sqlite3_column_type(pointer, index) == SQLITE_NULL
        }

        /// Column `index` as an integer.
        func integer(_ index: Int32) -> Int64 {
            sqlite3_column_int64(pointer, index)
        }

        /// Column `index` as UTF-8 text, `nil` when NULL.
        func text(_ index: Int32) -> String? {
            guard let start = sqlite3_column_text(pointer, index) else { return nil }
            let count = Int(sqlite3_column_bytes(pointer, index))
            return String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
        }
    }
}
