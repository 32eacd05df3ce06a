//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Dispatch

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Standard output and error as a Unix tool must treat them: every write is checked, and output that was lost is an
/// exit status, never a crash and never success.
///
/// SIGPIPE is ignored deliberately, so `mynakit` behaves the same whether its parent ignores it (systemd does) or not:
/// a reader that went away is an EPIPE write error like a full disk (ENOSPC) or a closed descriptor (EBADF). Each
/// ends with one line on stderr (when stderr is usable) and exit 74 (EX_IOERR). Everything printed goes through C's
/// `stdout` (Swift's `print` does too); ``install()`` registers an exit handler that flushes it and turns a failed
/// flush into exit 74, as coreutils' `close_stdout` does.
enum StandardStreams {
    /// Ignores SIGPIPE and checks standard output at exit. Call once, first thing in `main`.
    static func install() {
        signal(SIGPIPE, SIG_IGN)
        atexit {
            StandardStreams.closeStandardOutputAtExit()
        }
    }

    /// Writes `bytes` to standard output (buffered; see ``flush()``).
    static func write(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, stdout) }
        if written != bytes.count || ferror(stdout) != 0 {
            throw writeFailure(errno)
        }
    }

    /// Writes `text` to standard output.
    static func write(_ text: String) throws {
        try write(Array(text.utf8))
    }

    /// Pushes buffered output to the descriptor now (streaming commands call it after every record).
    static func flush() throws {
        if fflush(stdout) != 0 || ferror(stdout) != 0 {
            throw writeFailure(errno)
        }
    }

    /// Writes a line to standard error; failures there are ignored (there is nowhere left to report them).
    static func writeError(_ line: String) {
        _ = line.utf8CString.withUnsafeBufferPointer { fputs($0.baseAddress!, stderr) }
        fflush(stderr)
    }

    static func writeFailure(_ error: Int32) -> CommandFailure {
        CommandFailure(
            status: .ioError, code: "write-error",
            message: "standard output: \(String(cString: strerror(error == 0 ? EIO : error)))")
    }

    /// Whether file descriptor 1 is open at all (`>&-` closes it): checked before a command spends anything on output
    /// that would go nowhere.
    static var isStandardOutputOpen: Bool {
        fcntl(STDOUT_FILENO, F_GETFL) != -1
    }

    private static func closeStandardOutputAtExit() {
        // Nothing buffered and nothing written: a closed stdout that was never used is not an error.
        if fflush(stdout) != 0 || ferror(stdout) != 0 {
            let error = errno
            writeError("mynakit: standard output: \(String(cString: strerror(error == 0 ? EIO : error)))\n")
            _exit(ExitStatus.ioError.rawValue)
        }
    }
}

/// SIGINT and SIGTERM as an event a long-running command (`watch`) awaits, so that it ends cleanly: output flushed,
/// its own exit status. Installed on first use; until then the default actions apply.
enum InterruptSignal {
    private static let stream: AsyncStream<Int32> = {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { continuation.yield(signalNumber) }
            source.resume()
            sources.append(source)
        }
        return stream
    }()
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    /// Waits for the next SIGINT or SIGTERM; `nil` when the task is cancelled.
    static func next() async -> Int32? {
        var iterator = stream.makeAsyncIterator()
        return await iterator.next()
    }
}
