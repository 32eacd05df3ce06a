//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation

/// How every command ends: its result on stdout (text, or one JSON document with `--json`), or one error message and
/// the exit status of the contract.
enum Reporter {
    /// Runs a command body; every error becomes one message (stderr, or a JSON document on stdout with `--json`) and
    /// the exit status ``CommandFailure/init(_:)`` gives it.
    static func run(json: Bool, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            let failure = CommandFailure(error)
            // Which library error stood behind the exit status (type and code only: messages stay out of the log).
            CommandLog.logger.debug(
                "command failed",
                metadata: ["error": "\(type(of: error))", "code": "\(failure.code)", "exit": "\(failure.status.rawValue)"])
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

    /// `value` as the CLI's JSON: pretty-printed with sorted keys, so output is stable and diffable.
    static func encodeJSON(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    /// Prints one JSON document on stdout.
    static func printJSON(_ value: some Encodable) {
        do {
            FileHandle.standardOutput.write(try encodeJSON(value))
            FileHandle.standardOutput.write(Data("\n".utf8))
        } catch {
            FileHandle.standardError.write(Data("mynakit: cannot encode JSON: \(error)\n".utf8))
        }
    }
}
