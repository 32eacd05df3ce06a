//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import MynaVerify

#if canImport(Glibc)
import Glibc
#endif

/// Reads a file argument the way Unix tools do: `-` is standard input, and `/dev/stdin`, `/dev/fd/N` (process
/// substitution), FIFOs and regular files are all read to their end with `read(2)`, never by trusting a size that a
/// pipe does not have.
enum InputFile {
    /// Larger inputs are refused: no certificate, CRL or message this tool handles comes near it.
    static let maximumSize = 256 * 1024 * 1024

    static func read(_ path: String) throws -> [UInt8] {
        guard !path.isEmpty else {
            throw CommandFailure(status: .usage, code: "unreadable-file", message: "an input path is empty")
        }
        let fd = path == "-" ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { throw failure(path, errno) }
        defer { if fd != STDIN_FILENO { close(fd) } }
        var info = stat()
        if fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFDIR { throw failure(path, EISDIR) }
        do {
            return try LocalFiles.readToEnd(fd, limit: maximumSize)
        } catch .system(let error) {
            throw failure(path, error)
        } catch .tooLarge {
            throw CommandFailure(
                status: .usage, code: "input-too-large", message: "\(path): larger than \(maximumSize) bytes")
        }
    }

    private static func failure(_ path: String, _ error: Int32) -> CommandFailure {
        CommandFailure(
            status: .usage, code: "unreadable-file",
            message: "\(path == "-" ? "standard input" : path): \(String(cString: strerror(error)))")
    }
}
