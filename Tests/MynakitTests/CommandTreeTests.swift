//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation
import TestSupport
import XCTest

@testable import mynakit

/// Every registered command answers `--help` with exit status 0, and the completion scripts generate.
final class CommandTreeTests: XCTestCase {
    /// `[["readers"], ["cert"], ["cert", "read"], …]`, walked from ``MynaKitCommand``'s configuration.
    static func commandPaths(
        _ command: any ParsableCommand.Type = MynaKitCommand.self, prefix: [String] = []
    ) -> [[String]] {
        var paths: [[String]] = []
        for subcommand in command.configuration.subcommands {
            let name = subcommand._commandName
            paths.append(prefix + [name])
            paths += commandPaths(subcommand, prefix: prefix + [name])
        }
        return paths
    }

    private var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("mynakit")
    }

    private func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let output = try TestProcess.run(executable, arguments)
        return (output.status, output.standardOutput, output.standardError)
    }

    func testTheWalkFindsTheCommands() {
        let paths = Self.commandPaths()
        for expected in [["readers"], ["watch"], ["atr"], ["doctor"], ["udev-rules"], ["sim"]] {
            XCTAssertTrue(paths.contains(expected), "\(expected) missing from \(paths)")
        }
    }

    func testEveryCommandParsesHelpInProcess() throws {
        for path in Self.commandPaths() {
            var command: any ParsableCommand.Type = MynaKitCommand.self
            for name in path {
                command = try XCTUnwrap(command.configuration.subcommands.first { $0._commandName == name })
            }
            // `--help` parses (to the help command) rather than failing, and the help text names the command.
            XCTAssertNoThrow(try MynaKitCommand.parseAsRoot(path + ["--help"]), path.joined(separator: " "))
            let help = MynaKitCommand.helpMessage(for: command)
            XCTAssertTrue(help.contains("USAGE: mynakit \(path.joined(separator: " "))"), help)
        }
    }

    func testEveryCommandHelpExitsZeroFromTheBinary() throws {
        let root = try run(["--help"])
        XCTAssertEqual(root.status, 0, root.stderr)
        XCTAssertTrue(root.stdout.contains("doctor"), root.stdout)
        XCTAssertFalse(root.stdout.contains("udev-rules"), "udev-rules is a hidden maintenance command")
        for path in Self.commandPaths() {
            let result = try run(path + ["--help"])
            XCTAssertEqual(result.status, 0, "mynakit \(path.joined(separator: " ")) --help: \(result.stderr)")
            XCTAssertTrue(result.stdout.contains("USAGE: mynakit \(path.joined(separator: " "))"), result.stdout)
        }
    }

    func testCompletionScriptsGenerate() throws {
        for shell in ["bash", "zsh", "fish"] {
            let result = try run(["--generate-completion-script", shell])
            XCTAssertEqual(result.status, 0, "\(shell): \(result.stderr)")
            XCTAssertTrue(result.stdout.contains("doctor"), "\(shell) completion lacks doctor")
            XCTAssertTrue(result.stdout.contains("mynakit"), shell)
        }
    }
}
