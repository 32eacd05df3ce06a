//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation

/// The SQL both stores share: the schema and the one statement that consumes a challenge.
enum StoreSQL {
    /// The tables and the index, in `CREATE … IF NOT EXISTS` form; `integer` is the 64-bit integer type's name.
    static func schema(integer: String) -> [String] {
        [
            """
            CREATE TABLE IF NOT EXISTS mynakit_challenges (
                id TEXT PRIMARY KEY, challenge TEXT NOT NULL, client TEXT NOT NULL,
                expires_at \(integer) NOT NULL, used_at \(integer))
            """,
            "CREATE INDEX IF NOT EXISTS mynakit_challenges_expires_at ON mynakit_challenges (expires_at)",
            """
            CREATE TABLE IF NOT EXISTS mynakit_api_keys (
                name TEXT PRIMARY KEY, key_hash TEXT NOT NULL UNIQUE, created_at \(integer) NOT NULL)
            """,
        ]
    }

    /// Consumes a challenge: parameter 1 is now (milliseconds), 2 the id, 3 the client; the one row that comes back
    /// carries the challenge bytes. The `WHERE` and the `SET` are one statement, so of any number of concurrent
    /// consumers at most one sees `used_at IS NULL` and gets the row (PostgreSQL re-checks the condition on the
    /// locked row after a concurrent writer commits; SQLite runs one writer at a time). `prefix` is `?` (SQLite) or
    /// `$` (PostgreSQL).
    static func consume(prefix: String) -> String {
        """
        UPDATE mynakit_challenges SET used_at = \(prefix)1
        WHERE id = \(prefix)2 AND client = \(prefix)3 AND used_at IS NULL AND expires_at > \(prefix)1
        RETURNING challenge
        """
    }
}

/// How both stores write values: times as milliseconds since 1970 (UTC), challenge bytes as base64.
enum StoreCoding {
    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    static func text(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }

    static func bytes(text: String) -> [UInt8]? {
        Data(base64Encoded: text).map { [UInt8]($0) }
    }
}
