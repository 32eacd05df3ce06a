//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import FoundationEssentials

/// The `error` object of every `--json` failure (Docs/JSON.md).
struct ErrorDocument: Encodable {
    var code: String
    var message: String
    /// The exit status the command ends with.
    var exitStatus: Int32
    /// Tries left on the PIN, for PIN failures that know them.
    var triesLeft: Int?

    init(_ failure: CommandFailure) {
        code = failure.code
        message = failure.message
        exitStatus = failure.status.rawValue
        triesLeft = failure.triesLeft
    }
}

/// How every command ends: its result on stdout (text, or one JSON document with `--json`), or one error message and
/// the exit status of the contract.
enum Reporter {
    /// Runs a command body; every error becomes one message (stderr, or a JSON document on stdout with `--json`) and
    /// the exit status ``CommandFailure/init(_:)`` gives it.
    ///
    /// With `jsonLines` (a command that streams NDJSON, such as `watch --json`) the error document is one line too.
    static func run(json: Bool, jsonLines: Bool = false, _ body: () async throws -> Void) async throws {
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
                let document = ["error": ErrorDocument(failure)]
                if jsonLines, let line = try? encodeJSONLine(document) {
                    try? StandardStreams.write(line)
                } else {
                    printJSON(document)
                }
            } else {
                StandardStreams.writeError("mynakit: \(failure.message)\n")
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

    /// `value` as one line of JSON (NDJSON), newline included, for streams of records such as `watch --json`.
    static func encodeJSONLine(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }

    /// Prints one JSON document on stdout. A write that fails is caught when stdout is flushed at exit (exit 74).
    static func printJSON(_ value: some Encodable) {
        do {
            print(String(decoding: try encodeJSON(value), as: UTF8.self))
        } catch {
            StandardStreams.writeError("mynakit: cannot encode JSON: \(error)\n")
        }
    }
}
