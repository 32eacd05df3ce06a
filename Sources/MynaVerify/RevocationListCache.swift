//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Synchronization

/// Parsed CRLs by file path, for long-lived processes (a kiosk back end, a reception server): each file is parsed
/// once and the parsed ``RevocationList`` is handed out again until the file changes.
///
/// Every call checks the file with one `stat(2)` (about a microsecond) and compares its device, inode, size and
/// modification time with those of the version it parsed. Installing a new CRL by renaming it over the old one, or
/// rewriting the file, makes the next call read and parse the new version; until then nothing is read.
///
/// ```swift
/// let cache = RevocationListCache()
/// // per request:
/// let crl = try cache.revocationList(atPath: "/var/lib/mynakit/crl/auth.crl")
/// let result = verifier.verify(leaf: leaf, intermediates: [caFromCard], crls: [crl])
/// ```
///
/// The cache is `Sendable`; any number of threads may use it at once. Callers asking for the same file while it is
/// being parsed wait for that one parse instead of parsing it again; other files are not held up.
///
/// - Important: A call that has to parse blocks its thread for as long as parsing takes (1.3 to 1.5 s for a
///   million entries, Docs/Benchmarks.md). Refresh from a background thread if request latency matters.
/// - Note: A file that cannot be read or parsed any more is an error, never a silent fall-back to the version parsed
///   before: a verifier that cannot see the current CRL must not pretend it can.
public final class RevocationListCache: Sendable {
    /// How often the cache parsed a file and how often it handed out a list it already had.
    public struct Statistics: Sendable, Hashable {
        /// Files read and parsed (first use, or a changed file).
        public var loads: Int
        /// Calls answered with a list parsed earlier, after checking that the file had not changed.
        public var reuses: Int

        public init(loads: Int, reuses: Int) {
            self.loads = loads
            self.reuses = reuses
        }
    }

    private struct Loaded: Sendable {
        var identity: FileIdentity
        var list: RevocationList
    }

    /// One file's state, behind a lock of its own so that parsing one file does not block lookups of another.
    private final class Slot: Sendable {
        let loaded = Mutex<Loaded?>(nil)
    }

    private let slots = Mutex<[String: Slot]>([:])
    private let counters = Mutex(Statistics(loads: 0, reuses: 0))

    /// Creates an empty cache.
    public init() {}

    /// The parsed CRL in the file at `path`, parsed now if the file is new to the cache or changed since.
    ///
    /// - Parameter path: a CRL file, DER or PEM. The path is the key: two spellings of one file are two entries.
    /// - Returns: the list; the same list (one OpenSSL object) as long as the file stays unchanged.
    /// - Throws: ``MynaVerifyError`` (``MynaVerifyError/Code/unreadableFile`` or a parse error); the path's entry is
    ///   then dropped.
    public func revocationList(atPath path: String) throws -> RevocationList {
        let slot = slots.withLock { slots in
            if let slot = slots[path] { return slot }
            let slot = Slot()
            slots[path] = slot
            return slot
        }
        return try slot.loaded.withLock { loaded -> RevocationList in
            do {
                let current = try FileIdentity.of(path: path)
                if let known = loaded, known.identity == current {
                    counters.withLock { $0.reuses += 1 }
                    return known.list
                }
                loaded = nil
                let snapshot = try FileSnapshot.read(path: path)
                let list = try RevocationList(bytes: snapshot.bytes)
                loaded = Loaded(identity: snapshot.identity, list: list)
                counters.withLock { $0.loads += 1 }
                return list
            } catch {
                loaded = nil
                throw error
            }
        }
    }

    /// ``revocationList(atPath:)`` for each path, in order.
    public func revocationLists(atPaths paths: [String]) throws -> [RevocationList] {
        try paths.map { try revocationList(atPath: $0) }
    }

    /// How often the cache parsed and reused lists so far.
    public var statistics: Statistics {
        counters.withLock { $0 }
    }

    /// Forgets every parsed list; the next call for each path parses its file again.
    public func removeAll() {
        slots.withLock { $0.removeAll() }
    }
}
