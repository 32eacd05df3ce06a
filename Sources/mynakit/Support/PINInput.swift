//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import FoundationEssentials
import MynaCard

#if canImport(Glibc)
import Glibc
#endif

/// Where a PIN comes from. Never from argv: a command line is visible to every user of the machine.
struct PINOptions: ParsableArguments {
    @Flag(help: "Read the PIN from the first line of standard input.")
    var pinStdin = false

    @Option(help: ArgumentHelp("Read the PIN from this environment variable.", valueName: "VAR"))
    var pinEnv: String?

    @Flag(help: "Allow spending the last PIN try (a wrong PIN then blocks it until a visit to the city office).")
    var allowLastTry = false

    func validate() throws {
        if pinStdin && pinEnv != nil { throw ValidationError("give either --pin-stdin or --pin-env, not both") }
    }

    /// Reads the PIN for `kind`: stdin, the environment variable, or a no-echo prompt on the terminal.
    func readPIN(_ kind: PINKind) throws -> PIN {
        var bytes: [UInt8]
        if pinStdin {
            // From a terminal, the line is typed by a person: read it without echo, as the prompt does.
            bytes = isatty(STDIN_FILENO) == 1 ? try Self.prompt("") : Self.readLine(from: STDIN_FILENO)
        } else if let pinEnv {
            guard let value = ProcessInfo.processInfo.environment[pinEnv] else {
                throw CommandFailure(status: .usage, code: "usage", message: "environment variable \(pinEnv) is not set")
            }
            bytes = Array(value.utf8)
        } else if isatty(STDIN_FILENO) == 1 {
            bytes = try Self.prompt("Enter the \(kind.displayName): ")
        } else {
            throw CommandFailure(
                status: .usage, code: "usage",
                message: "no PIN source: use --pin-stdin, --pin-env VAR, or run on a terminal to be asked")
        }
        return try PIN(kind: kind, consuming: &bytes)
    }

    /// Reads one line byte by byte (no Foundation strings, so the buffer can be wiped).
    static func readLine(from descriptor: Int32) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        var byte: UInt8 = 0
        while read(descriptor, &byte, 1) == 1 {
            if byte == 0x0A { break }
            bytes.append(byte)
            if bytes.count > 64 { break }
        }
        byte = 0
        return bytes
    }

    /// Prompts on the terminal with echo off (`text` may be empty: `--pin-stdin` typed on a terminal).
    static func prompt(_ text: String) throws -> [UInt8] {
        if !text.isEmpty { StandardStreams.writeError(text) }
        var original = termios()
        tcgetattr(STDIN_FILENO, &original)
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &original)
            StandardStreams.writeError("\n")
        }
        return readLine(from: STDIN_FILENO)
    }
}
