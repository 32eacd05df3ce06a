//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
import Glibc
#endif

/// The file operations of ``TrustDirectory``, through the C library so that every failure names the path and the
/// system's reason (`strerror(3)`).
enum TrustFiles {
    struct Status {
        var mode: mode_t
        var isDirectory: Bool { mode & S_IFMT == S_IFDIR }
        /// Writable by every user (with or without the sticky bit: either way anyone may add a file).
        var isWorldWritable: Bool { mode & S_IWOTH != 0 }
    }

    /// What `stat(2)` says of `path` (following links), or `nil` when there is nothing there.
    static func status(_ path: String) -> Status? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Status(mode: info.st_mode)
    }

    /// The names in the directory, without `.` and `..`, sorted.
    static func names(in directory: String) throws -> [String] {
        guard let stream = opendir(directory) else { throw failure(.unreadableFile, directory, errno) }
        defer { closedir(stream) }
        var names: [String] = []
        errno = 0
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        if errno != 0 { throw failure(.unreadableFile, directory, errno) }
        return names.sorted()
    }

    /// `directory/name`.
    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// Creates `path` and its missing parents, mode 0755 (less the umask).
    static func makeDirectories(_ path: String) throws {
        if status(path)?.isDirectory == true { return }
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST { throw failure(.unwritableFile, prefix, errno) }
            prefix += "/"
        }
    }

    /// Writes `bytes` to `path` (mode 0644): into a temporary file in the same directory, flushed to disk, then
    /// renamed over `path`, so that a concurrent reader sees the old file or the new one, never part of one.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        var template = Array(join(directory.isEmpty ? "/" : directory, ".mynakit-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw failure(.unwritableFile, directory, errno) }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var written = 0
        var error: Int32 = 0
        while written < bytes.count, error == 0 {
            let count = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno != EINTR { error = errno }
            } else {
                written += count
            }
        }
        if error == 0, fchmod(fd, 0o644) != 0 || fsync(fd) != 0 { error = errno }
        if close(fd) != 0, error == 0 { error = errno }
        if error == 0, rename(temporary, path) != 0 { error = errno }
        if error != 0 {
            unlink(temporary)
            throw failure(.unwritableFile, path, error)
        }
    }

    /// Deletes the file at `path`.
    static func remove(_ path: String) throws {
        if unlink(path) != 0 { throw failure(.unwritableFile, path, errno) }
    }

    private static func failure(_ code: MynaVerifyError.Code, _ path: String, _ error: Int32) -> MynaVerifyError {
        MynaVerifyError(code: code, reason: "\(path): \(String(cString: strerror(error)))")
    }
}
