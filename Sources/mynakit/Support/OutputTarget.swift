//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
import Glibc
#endif
import MynaVerify
import Synchronization

/// Where a command's `--out` goes, decided and checked before the card is touched, so that no PIN try and no card
/// signature is spent on output that cannot be written.
///
/// The rules are those of coreutils and openssl users' habits:
/// - `-` is standard output; binary output (DER) is refused only when standard output is a terminal.
/// - A new path or an existing regular file is written atomically: a unique temporary file in the same directory
///   (`mkstemp`), written, flushed to disk, given the mode of the file it replaces, then renamed over it. Readers
///   see the old file or the new one, never half of one; several writers racing on one path all succeed and one
///   complete file is left.
/// - A symbolic link is written through: its target is replaced, the link stays.
/// - A directory (also `DIR/`, `.`) or an empty path is refused with exit 64 and left untouched.
/// - Devices, FIFOs, sockets and `/dev/stdout`-style names are opened and written directly (never replaced).
struct OutputTarget: Sendable {
    enum Destination: Sendable, Equatable {
        case standardOutput
        /// Opened and written in place: a device, a FIFO, `/dev/stdout`.
        case direct(path: String)
        /// Written to a temporary file in the same directory, then renamed to `path` (the resolved target).
        case atomic(path: String)
    }

    /// The path as the user gave it (for messages).
    let given: String
    let destination: Destination

    /// Decides where `path` goes and checks that it can be written.
    ///
    /// - Parameter binary: the output is binary (DER, raw signature): refused on a terminal.
    /// - Throws: ``CommandFailure`` with exit 64 for an empty path or a directory, 74 when the place cannot be
    ///   written (no such directory, permission denied, read-only file system).
    static func prepare(_ path: String, binary: Bool = false) throws -> OutputTarget {
        if path == "-" {
            guard StandardStreams.isStandardOutputOpen else { throw failure("standard output", EBADF) }
            if binary && isatty(STDOUT_FILENO) == 1 {
                throw CommandFailure(
                    status: .usage, code: "binary-to-terminal",
                    message: "refusing to write binary output to a terminal; use --out FILE or a pipe")
            }
            return OutputTarget(given: path, destination: .standardOutput)
        }
        guard !path.isEmpty else {
            throw CommandFailure(status: .usage, code: "usage", message: "the output path is empty")
        }
        return OutputTarget(given: path, destination: try resolve(path, given: path, depth: 0))
    }

    private static func resolve(_ path: String, given: String, depth: Int) throws -> Destination {
        guard depth < 16 else {
            throw failure(given, ELOOP)
        }
        var info = stat()
        if lstat(path, &info) != 0 {
            let error = errno
            guard error == ENOENT else { throw failure(given, error) }
            if path.hasSuffix("/") { throw isADirectory(given) }
            try checkWritableDirectory(of: path, given: given)
            return .atomic(path: path)
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            throw isADirectory(given)
        case S_IFREG:
            if path.hasSuffix("/") { throw failure(given, ENOTDIR) }
            try checkWritableDirectory(of: path, given: given)
            guard access(path, W_OK) == 0 else { throw failure(given, errno) }
            return .atomic(path: path)
        case S_IFLNK:
            // What the link points at decides: a pipe or terminal behind /dev/stdout is written directly, a regular
            // file (or a dangling link's future file) through its target's path.
            var followed = stat()
            if stat(path, &followed) == 0 {
                switch followed.st_mode & S_IFMT {
                case S_IFREG, S_IFDIR: break
                default:
                    guard access(path, W_OK) == 0 else { throw failure(given, errno) }
                    return .direct(path: path)
                }
            }
            return try resolve(linkTarget(of: path, given: given), given: given, depth: depth + 1)
        default:
            guard access(path, W_OK) == 0 else { throw failure(given, errno) }
            return .direct(path: path)
        }
    }

    /// The target of the symbolic link at `path`, made absolute against the link's directory.
    private static func linkTarget(of path: String, given: String) throws -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { throw failure(given, errno) }
        let target = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if target.hasPrefix("/") { return target }
        return directory(of: path) + "/" + target
    }

    private static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let parent = String(path[..<slash])
        return parent.isEmpty ? "/" : parent
    }

    private static func checkWritableDirectory(of path: String, given: String) throws {
        let parent = directory(of: path)
        var info = stat()
        guard stat(parent, &info) == 0 else { throw failure(given, errno) }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw failure(given, ENOTDIR) }
        guard access(parent, W_OK | X_OK) == 0 else { throw failure(given, errno) }
    }

    // MARK: - Writing

    /// Writes all of `bytes` to the destination.
    ///
    /// - Throws: ``CommandFailure`` with exit 74 (EX_IOERR) when the bytes cannot be written; an atomic target is
    ///   then left as it was.
    func write(_ bytes: [UInt8]) throws {
        switch destination {
        case .standardOutput:
            try StandardStreams.write(bytes)
            try StandardStreams.flush()
        case .direct(let path):
            let fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY)
            guard fd >= 0 else { throw Self.failure(given, errno) }
            defer { close(fd) }
            try Self.writeAll(fd, bytes, given: given)
        case .atomic(let path):
            try writeAtomically(bytes, to: path)
        }
    }

    private func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        var template = Array((Self.directory(of: path) + "/." + name + ".XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw Self.failure(given, errno) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var renamed = false
        defer {
            if !renamed { unlink(temporary) }
        }
        do {
            defer { close(fd) }
            try Self.writeAll(fd, bytes, given: given)
            // The new file keeps the mode of the file it replaces; a new file gets 0666 less the umask, as `>` does.
            var existing = stat()
            let mode: mode_t
            if stat(path, &existing) == 0 {
                mode = existing.st_mode & 0o7777
            } else {
                mode = 0o666 & ~Self.fileCreationMask()
            }
            guard fchmod(fd, mode) == 0, fsync(fd) == 0 else { throw Self.failure(given, errno) }
        }
        guard rename(temporary, path) == 0 else { throw Self.failure(given, errno) }
        renamed = true
    }

    /// The process's umask, read without changing it: Linux shows it in `/proc/self/status` (`Umask:`). Setting it
    /// to read it (`umask(0)` then back) is not safe with threads: two writers doing that at once can leave the
    /// process with a umask of 0, and every file and directory it makes afterwards writable by everyone. Only when
    /// `/proc` is not mounted does it fall back to that, under a lock of its own.
    static func fileCreationMask() -> mode_t {
        let fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            defer { close(fd) }
            let status = (try? LocalFiles.readToEnd(fd, limit: 1 << 16)) ?? []
            for line in String(decoding: status, as: UTF8.self).split(separator: "\n") where line.hasPrefix("Umask:") {
                let digits = line.dropFirst("Umask:".count).drop { $0 == " " || $0 == "\t" }
                if let mask = mode_t(digits, radix: 8) { return mask }
            }
        }
        return umaskLock.withLock { _ in
            let mask = umask(0)
            umask(mask)
            return mask
        }
    }

    private static let umaskLock = Mutex(())

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], given: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw failure(given, errno)
            }
            offset += written
        }
    }

    // MARK: - Errors

    private static func isADirectory(_ given: String) -> CommandFailure {
        CommandFailure(
            status: .usage, code: "output-is-directory",
            message: "\(given): is a directory; give a file name for the output")
    }

    static func failure(_ given: String, _ error: Int32) -> CommandFailure {
        CommandFailure(
            status: .ioError, code: "unwritable-output", message: "\(given): \(String(cString: strerror(error)))")
    }
}
