//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Foundation
import TestSupport
import XCTest

/// Runs the `mynakit` executable built next to the test bundle.
enum CLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String

        func json() throws -> [String: Any] {
            let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8))
            return try XCTUnwrap(object as? [String: Any], "not a JSON object: \(stdout)")
        }

        /// stdout as NDJSON (`watch --json`): one JSON object per line.
        func jsonLines() throws -> [[String: Any]] {
            try stdout.split(separator: "\n").map { line in
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
                return try XCTUnwrap(object as? [String: Any], "not a JSON object: \(line)")
            }
        }
    }

    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("mynakit")
    }

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// Runs `mynakit arguments…` to completion, with `stdin` piped in and extra environment variables.
    static func run(
        _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:], timeout: TimeInterval = 60
    ) throws -> Result {
        try runProcess(executable, arguments, stdin: stdin, environment: environment, timeout: timeout)
    }

    /// Runs `executable arguments…` to completion with TestSupport's `TestProcess`, with `stdin` piped in and extra
    /// environment variables; a run that outlives `timeout` is terminated and fails the test.
    static func runProcess(
        _ executable: URL, _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
        timeout: TimeInterval = 60
    ) throws -> Result {
        let output = try TestProcess.run(
            executable, arguments, environment: environment, standardInput: stdin, timeout: timeout)
        if output.timedOut {
            XCTFail("\(executable.lastPathComponent) \(arguments.joined(separator: " ")) did not finish within \(timeout) s")
        }
        return Result(status: output.status, stdout: output.standardOutput, stderr: output.standardError)
    }
}
