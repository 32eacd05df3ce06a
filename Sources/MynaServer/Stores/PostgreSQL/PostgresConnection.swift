//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import CLibPQ

/// Owns one libpq connection (`PGconn *`) and closes it in `deinit`.
///
/// Blocking: ``PostgresConnectionPool`` uses each connection on a serial queue of its own (``StoreQueue``), never on
/// the cooperative pool, and never from two threads at once.
final class PostgresConnection {
    private let pointer: OpaquePointer

    /// Connects to `location`, giving up after `timeout` seconds (libpq's `connect_timeout`, which covers the TCP
    /// connection, TLS negotiation and authentication; libpq counts whole seconds, at least 2).
    init(location: PostgresLocation, timeout: Int) throws(PostgresError) {
        var parameters = [
            ("host", location.host), ("port", String(location.port)), ("user", location.username),
            ("dbname", location.database), ("connect_timeout", String(max(2, timeout))),
            ("application_name", "mynakit-server"),
        ]
        if let password = location.password { parameters.append(("password", password)) }
        let conninfo = parameters.map { "\($0.0)=\(Self.quoted($0.1))" }.joined(separator: " ")
        guard let connection = PQconnectdb(conninfo) else {
            throw PostgresError(message: "cannot connect to \(location): out of memory")
        }
        pointer = connection
        guard PQstatus(pointer) == CONNECTION_OK else {
            throw PostgresError(message: "cannot connect to \(location): \(errorMessage)")
        }
    }

    deinit {
        PQfinish(pointer)
    }

    /// Whether the connection still works (it broke if the server went away).
    var isHealthy: Bool { PQstatus(pointer) == CONNECTION_OK }

    /// libpq's last error on this connection, on one line.
    var errorMessage: String {
        String(cString: PQerrorMessage(pointer)).split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// Runs `sql` (one or more statements without parameters, in one implicit transaction).
    @discardableResult
    func execute(_ sql: String) throws(PostgresError) -> PostgresResult {
        try checked(PQexec(pointer, sql), context: String(sql.prefix(40)))
    }

    /// Prepares `sql` under `name` on this connection, with `count` text parameters `$1`…
    func prepare(name: String, sql: String, parameterCount count: Int32) throws(PostgresError) {
        try checked(PQprepare(pointer, name, sql, count, nil), context: "preparing \(name)")
    }

    /// Runs the prepared statement `name` with `parameters` as text (`nil` for NULL); results come as text.
    func executePrepared(name: String, parameters: [String?]) throws(PostgresError) -> PostgresResult {
        // One buffer holds every value, NUL-terminated; the array of pointers into it lives as long as the call.
        var bytes: [CChar] = []
        var offsets: [Int?] = []
        for parameter in parameters {
            guard let parameter else {
                offsets.append(nil)
                continue
            }
            offsets.append(bytes.count)
            bytes.append(contentsOf: parameter.utf8CString)
        }
        let result = bytes.withUnsafeBufferPointer { buffer in
            let values = offsets.map { offset in offset.map { buffer.baseAddress! + $0 } }
            return values.withUnsafeBufferPointer { values in
                PQexecPrepared(pointer, name, Int32(parameters.count), values.baseAddress, nil, nil, 0)
            }
        }
        return try checked(result, context: name)
    }

    @discardableResult
    private func checked(_ result: OpaquePointer?, context: String) throws(PostgresError) -> PostgresResult {
        guard let result else { throw PostgresError(message: "\(context): \(errorMessage)") }
        let owned = PostgresResult(taking: result)
        guard owned.isSuccess else { throw PostgresError(message: "\(context): \(owned.errorMessage)") }
        return owned
    }

    /// `value` in single quotes with `\` and `'` escaped, as a libpq connection string wants it.
    static func quoted(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }
}

/// A libpq call that failed, with libpq's or the server's message (never the password).
struct PostgresError: Error, Sendable, Hashable, CustomStringConvertible {
    var message: String

    var description: String { "PostgreSQL: \(message)" }
}
