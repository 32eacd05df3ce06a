//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
import Glibc
#endif

/// A hash fed in pieces: large files are hashed as they are read, a PDF's byte ranges without being joined.
///
/// ```swift
/// let digest = try StreamingDigest.digest(ofFileAt: "application.zip", hash: .sha256)
/// ```
public final class StreamingDigest {
    private let context: DigestContext

    /// The algorithm being computed.
    public var algorithm: HashAlgorithm { context.algorithm }

    /// - Throws: ``MynaVerifyError/Code/openSSLFailure`` when OpenSSL cannot set up the hash.
    public init(_ algorithm: HashAlgorithm) throws {
        context = try DigestContext(algorithm)
    }

    /// Feeds `bytes`.
    public func update(_ bytes: some Collection<UInt8>) throws {
        let fed: Void? = try bytes.withContiguousStorageIfAvailable { try context.update(UnsafeRawBufferPointer($0)) }
        if fed == nil { try Array(bytes).withUnsafeBytes { try context.update($0) } }
    }

    /// The digest of everything fed. Call once.
    public func finish() throws -> [UInt8] { try context.finish() }

    /// The size of the pieces a file is read in.
    public static let chunkSize = 1 << 20

    /// The digest of a file, read in ``chunkSize`` pieces with `read(2)`: memory stays flat whatever the size, and
    /// pipes, FIFOs and `/dev/stdin` work as well as regular files.
    ///
    /// - Returns: the digest and the number of bytes hashed.
    /// - Throws: ``MynaVerifyError/Code/unreadableFile`` naming the path.
    public static func digest(ofFileAt path: String, hash: HashAlgorithm) throws -> (digest: [UInt8], byteCount: Int) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)
        guard descriptor >= 0 else { throw unreadable(path, errno) }
        defer { close(descriptor) }
        var information = stat()
        if fstat(descriptor, &information) == 0, information.st_mode & S_IFMT == S_IFDIR {
            throw unreadable(path, EISDIR)
        }
        let digest = try StreamingDigest(hash)
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var total = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw unreadable(path, errno)
            }
            if count == 0 { break }
            try buffer.withUnsafeBytes { try digest.context.update(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            total += count
        }
        return (try digest.finish(), total)
    }

    private static func unreadable(_ path: String, _ error: Int32) -> MynaVerifyError {
        MynaVerifyError(code: .unreadableFile, reason: "\(path): \(String(cString: strerror(error)))")
    }
}
