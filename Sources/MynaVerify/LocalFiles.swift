//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
import Glibc
#endif

/// The certificate, CRL and trust-anchor files MynaVerify reads, through the C library: a failure names the path and
/// the system's reason (`strerror(3)`), as the CLI's own file errors do.
package enum LocalFiles {
    /// Larger files are refused: no certificate, bundle or CRL comes near it.
    static let maximumSize = 256 * 1024 * 1024

    /// Every byte of the file at `path`, read to its end.
    ///
    /// - Throws: ``MynaVerifyError/Code/unreadableFile`` naming the path and the reason.
    static func read(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { throw failure(path, errno) }
        defer { close(fd) }
        do {
            return try readToEnd(fd, limit: maximumSize)
        } catch .system(let error) {
            throw failure(path, error)
        } catch .tooLarge {
            throw MynaVerifyError(code: .unreadableFile, reason: "\(path): larger than \(maximumSize) bytes")
        }
    }

    /// Why ``readToEnd(_:limit:)`` stopped.
    package enum ReadFailure: Error {
        /// `read(2)` failed with this `errno`.
        case system(Int32)
        /// More than the limit arrived.
        case tooLarge
    }

    /// Everything `fd` gives until end of file, with `read(2)` (pipes and `/proc` files report no size), retrying on
    /// `EINTR`; the one read loop of the package (the CLI's inputs use it too).
    package static func readToEnd(_ fd: Int32, limit: Int) throws(ReadFailure) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .system(errno)
            }
            if count == 0 { return bytes }
            bytes += chunk[..<count]
            guard bytes.count <= limit else { throw .tooLarge }
        }
    }

    /// Whether `path` names a directory, following symbolic links.
    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    /// The names in the directory at `path`, without `.` and `..`, sorted.
    ///
    /// - Throws: ``MynaVerifyError/Code/unreadableFile`` naming the path and the reason.
    static func names(inDirectory path: String) throws -> [String] {
        guard let directory = opendir(path) else { throw failure(path, errno) }
        defer { closedir(directory) }
        var names: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(directory) else {
                if errno != 0 { throw failure(path, errno) }
                return names.sorted()
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
    }

    /// `dir/name`, as NSString's `appendingPathComponent(_:)` joins them.
    static func join(_ directory: String, _ name: String) -> String {
        if directory.isEmpty { return name }
        return directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// The part of a file name after its last dot (`pem` for `root.pem`); empty for `README` and `.pem`.
    static func pathExtension(_ name: String) -> Substring {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return name[name.index(after: dot)...]
    }

    private static func failure(_ path: String, _ error: Int32) -> MynaVerifyError {
        MynaVerifyError(code: .unreadableFile, reason: "\(path): \(String(cString: strerror(error)))")
    }
}
