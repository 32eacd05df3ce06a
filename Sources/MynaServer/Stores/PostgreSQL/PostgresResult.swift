//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import CLibPQ

/// Owns one libpq result (`PGresult *`) and frees it in `deinit`. Values are text (the statements ask for text).
final class PostgresResult {
    private let pointer: OpaquePointer

    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        PQclear(pointer)
    }

    /// Whether the command succeeded (with or without rows).
    var isSuccess: Bool {
        let status = PQresultStatus(pointer)
        return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK
    }

    /// The server's error message, on one line.
    var errorMessage: String {
        String(cString: PQresultErrorMessage(pointer)).split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// How many rows came back.
    var rowCount: Int { Int(PQntuples(pointer)) }

    /// How many rows the command changed (`DELETE`, `UPDATE`), 0 when it says nothing.
    var affectedRows: Int { Int(String(cString: PQcmdTuples(pointer))) ?? 0 }

    /// The value at `row`, `column` as text, or `nil` for NULL.
    func text(row: Int, column: Int) -> String? {
        guard PQgetisnull(pointer, Int32(row), Int32(column)) == 0 else { return nil }
        return String(cString: PQgetvalue(pointer, Int32(row), Int32(column)))
    }
}
