//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation

/// The exit codes of the CLI contract (Docs/Technician.md, design.md).
enum ExitStatus: Int32, Sendable {
    case success = 0
    /// No reader, no card, or not a My Number card.
    case noCard = 3
    /// PIN rejected, blocked, or last try refused.
    case pin = 4
    /// Verification failed.
    case verificationFailed = 5
    /// Card communication failed: removed, reset, malformed response, unexpected status word.
    case cardCommunication = 6
    case usage = 64
    /// PC/SC service unreachable or access denied.
    case serviceUnavailable = 69
    /// An output could not be written (EX_IOERR): full disk, closed or broken stdout, unwritable --out.
    case ioError = 74
}

/// A failure a command reports: an exit status, a stable machine-readable code and a sentence for people.
struct CommandFailure: Error, CustomStringConvertible {
    var status: ExitStatus
    var code: String
    var message: String

    var description: String { message }
}

/// Errors of the libraries that know how the CLI reports them.
protocol ReportableError: Error {
    var commandFailure: CommandFailure { get }
}

enum Reporter {
    /// Runs a command body; every error becomes one message (stderr, or a JSON document on stdout with `--json`) and
    /// the exit status of the contract.
    static func run(json: Bool, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            let failure = commandFailure(for: error)
            if json {
                let document: [String: [String: String]] = [
                    "error": ["code": failure.code, "message": failure.message]
                ]
                printJSON(document)
            } else {
                FileHandle.standardError.write(Data("mynakit: \(failure.message)\n".utf8))
            }
            throw ExitCode(failure.status.rawValue)
        }
    }

    static func commandFailure(for error: any Error) -> CommandFailure {
        if let failure = error as? CommandFailure { return failure }
        if let reportable = error as? any ReportableError { return reportable.commandFailure }
        return CommandFailure(status: .cardCommunication, code: "error", message: String(describing: error))
    }

    /// Prints one JSON document on stdout, keys sorted so output is stable.
    static func printJSON(_ value: some Encodable) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            let data = try encoder.encode(value)
            FileHandle.standardOutput.write(data)
            FileHandle.standardOutput.write(Data("\n".utf8))
        } catch {
            FileHandle.standardError.write(Data("mynakit: cannot encode JSON: \(error)\n".utf8))
        }
    }
}
