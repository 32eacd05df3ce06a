//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
import Glibc
#endif

/// Which version of a file a cache holds: device, inode, size and modification time (to the nanosecond).
///
/// Replacing a file by renaming a new one over it (how CRLs are usually installed) changes the inode; rewriting it in
/// place changes the modification time and usually the size. Either makes the identity differ.
struct FileIdentity: Hashable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modificationSeconds: Int64
    var modificationNanoseconds: Int64

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modificationSeconds = Int64(info.st_mtim.tv_sec)
        modificationNanoseconds = Int64(info.st_mtim.tv_nsec)
    }

    /// The identity of the file at `path` now (`stat(2)`, following links).
    static func of(path: String) throws -> FileIdentity {
        var info = stat()
        guard stat(path, &info) == 0 else { throw unreadable(path, errno) }
        return FileIdentity(info)
    }
}

/// A file's bytes and the identity of the version they were read from, both taken from one open descriptor, so that
/// a file replaced while it is read is never recorded under the new version's identity.
struct FileSnapshot {
    /// Files larger than this are refused: no CRL comes near it (a million entries is about 50 MB).
    static let maximumSize: Int64 = 1 << 30

    var identity: FileIdentity
    var bytes: [UInt8]

    /// Reads `path` whole.
    ///
    /// - Throws: ``MynaVerifyError/Code/unreadableFile`` naming the path.
    static func read(path: String) throws -> FileSnapshot {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw unreadable(path, errno) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw unreadable(path, errno) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw unreadable(path, EINVAL, "not a regular file") }
        let identity = FileIdentity(info)
        guard identity.size <= maximumSize else { throw unreadable(path, EFBIG) }
        var bytes = [UInt8](repeating: 0, count: Int(identity.size))
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes { buffer in
                Glibc.read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
            }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw unreadable(path, errno) }
            if count == 0 { break }
            filled += count
        }
        // A file that shrank while it was read is a different version: its identity no longer matches.
        guard filled == bytes.count else { throw unreadable(path, EAGAIN, "the file changed while it was read") }
        return FileSnapshot(identity: identity, bytes: bytes)
    }
}

private func unreadable(_ path: String, _ code: Int32, _ text: String? = nil) -> MynaVerifyError {
    MynaVerifyError(code: .unreadableFile, reason: "\(path): \(text ?? String(cString: strerror(code)))")
}
