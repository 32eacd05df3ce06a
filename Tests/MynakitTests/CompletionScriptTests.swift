//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation
import TestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

@testable import mynakit

/// The generated bash, zsh and fish scripts complete file names for every option that takes a file, directory names
/// for the options that take a directory, and reader names (through the CLI's own custom completion) for `--reader`.
final class CompletionScriptTests: XCTestCase {
    /// Options that take a file, by command path.
    static let fileOptions: [(command: [String], options: [String])] = [
        (["cert", "read"], ["out"]),
        (["cert", "verify"], ["roots", "intermediate", "crl"]),
        (["sign"], ["in", "out"]),
        (["verify-signature"], ["cert", "in", "signature"]),
        (["auth"], ["roots", "crl"]),
        (["bench", "verify"], ["cert", "in", "signature", "roots"]),
    ]

    /// Options that take a directory.
    static let directoryOptions: [(command: [String], options: [String])] = [
        (["doctor"], ["sysfs-root"]),
        (["sim"], ["pki"]),
    ]

    /// The commands that talk to a card, and so take `--reader`/`-r`.
    static let cardCommands: [[String]] = [
        ["info"], ["cert", "read"], ["sign"], ["pin", "status"], ["pin", "verify"], ["mynumber"], ["apdu"], ["auth"],
        ["bench", "apdu"],
    ]

    static let bash = MynaKitCommand.completionScript(for: .bash)
    static let zsh = MynaKitCommand.completionScript(for: .zsh)
    static let fish = MynaKitCommand.completionScript(for: .fish)

    /// The body of the bash or zsh function `_mynakit_cert_read() { … }`.
    func function(_ command: [String], in script: String) -> String {
        let header = "_mynakit_" + command.joined(separator: "_") + "() {"
        let lines = script.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0 == header }) else { return "" }
        let end = lines[start...].firstIndex { $0 == "}" } ?? lines.endIndex
        return lines[start..<end].joined(separator: "\n")
    }

    /// The fish `complete` lines of a command's option (`-l 'out'`).
    func fishLines(_ command: [String], _ option: String) -> [Substring] {
        Self.fish.split(separator: "\n").filter {
            $0.contains("\"mynakit \(command.joined(separator: " "))\"") && $0.contains("-l '\(option)'")
        }
    }

    /// The bash completion action for `--option` in a command's function: the line after its case label
    /// (`'--out')`, or `'--reader'|'-r')` for an option with a short name).
    func bashAction(_ command: [String], _ option: String, short: String? = nil) -> String? {
        let label = "'--\(option)'" + (short.map { "|'-\($0)'" } ?? "") + ")"
        let lines = function(command, in: Self.bash).split(separator: "\n")
        guard let index = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == label }),
            index + 1 < lines.count
        else {
            return nil
        }
        return lines[index + 1].trimmingCharacters(in: .whitespaces)
    }

    /// The zsh argument spec of `--option` in a command's function.
    func zshSpec(_ command: [String], _ option: String) -> String? {
        function(command, in: Self.zsh).split(separator: "\n").first {
            $0.contains("'--\(option)[") || $0.contains("'*--\(option)[") || $0.contains("{--\(option),")
        }.map(String.init)
    }

    func testFileOptionsCompleteFileNames() {
        for (command, options) in Self.fileOptions {
            for option in options {
                let name = "\(command.joined(separator: " ")) --\(option)"
                XCTAssertEqual(bashAction(command, option), "__mynakit_add_completions -f", "bash: \(name)")
                XCTAssertTrue(zshSpec(command, option)?.hasSuffix(":_files'") == true, "zsh: \(name)")
                let fish = fishLines(command, option)
                XCTAssertEqual(fish.count, 1, "fish: \(name)")
                XCTAssertTrue(fish.allSatisfy { $0.hasSuffix(" -rF") }, "fish: \(name): \(fish)")
            }
        }
    }

    func testTheCertificateToVerifyCompletesFileNames() {
        let bash = function(["cert", "verify"], in: Self.bash)
        XCTAssertTrue(bash.contains("    1)\n        __mynakit_add_completions -f"), bash)
        XCTAssertTrue(function(["cert", "verify"], in: Self.zsh).contains("':file:_files'"))
        XCTAssertTrue(
            Self.fish.contains(
                "complete -c 'mynakit' -n '__mynakit_should_offer_completions_for_positional \"mynakit cert verify\" "
                    + "-eq 1' -F"))
    }

    func testDirectoryOptionsCompleteDirectories() {
        for (command, options) in Self.directoryOptions {
            for option in options {
                let name = "\(command.joined(separator: " ")) --\(option)"
                XCTAssertEqual(bashAction(command, option), "__mynakit_add_completions -d", "bash: \(name)")
                XCTAssertTrue(zshSpec(command, option)?.hasSuffix(":_files -/'") == true, "zsh: \(name)")
                XCTAssertTrue(
                    fishLines(command, option).first?.hasSuffix("-rfa '(__mynakit_complete_directories)'") == true,
                    "fish: \(name)")
            }
        }
    }

    func testReaderCompletesThroughTheCLI() {
        for command in Self.cardCommands {
            let words = command.joined(separator: " ")
            // The shell runs `mynakit ---completion <command> -- --reader …`, which answers ReaderCompletion's list.
            let call = "---completion \(words) -- --reader"
            XCTAssertTrue(
                bashAction(command, "reader", short: "r")?.contains("__mynakit_custom_complete \(call) ") == true,
                "bash: \(words)")
            XCTAssertTrue(zshSpec(command, "reader")?.contains("__mynakit_custom_complete \(call) ") == true, "zsh: \(words)")
            let fish = fishLines(command, "reader")
            XCTAssertEqual(fish.count, 1, "fish: \(words)")
            XCTAssertTrue(fish.first?.contains("-s 'r'") == true, "fish: \(words) -r")
            XCTAssertTrue(fish.first?.contains("(__mynakit_custom_completion \(call) ") == true, "fish: \(words)")
        }
    }

    private var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("mynakit")
    }

    /// What the shells run when TAB is pressed after `mynakit info --reader `.
    private func completeReader(socket: String) throws -> ProcessOutput {
        try TestProcess.run(
            executable, ["---completion", "info", "--", "--reader", "3", "0", "mynakit", "info", "--reader", ""],
            environment: ["PCSCLITE_CSOCK_NAME": socket], timeout: 20)
    }

    func testReaderCompletionIsSilentWithoutPCSCD() throws {
        let directory = try makeTemporaryDirectory("mynakit-completion")
        let output = try completeReader(socket: directory.appendingPathComponent("none.comm").path)
        XCTAssertEqual(output.status, 0, output.standardError)
        XCTAssertEqual(output.standardOutput, "")
        XCTAssertEqual(output.standardError, "")
    }

    func testReaderCompletionDoesNotWaitForAHungPCSCD() throws {
        // A socket that accepts connections (the backlog does) but never answers, like a pcscd that hangs.
        let directory = try makeTemporaryDirectory("mynakit-completion")
        let path = directory.appendingPathComponent("hung.comm").path
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        XCTAssertGreaterThanOrEqual(listener, 0)
        defer { close(listener) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.prefix(buffer.count - 1).enumerated() { buffer[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        XCTAssertEqual(bound, 0, "bind \(path)")
        XCTAssertEqual(listen(listener, 8), 0)

        let start = ContinuousClock.now
        let output = try completeReader(socket: path)
        let elapsed = ContinuousClock.now - start
        XCTAssertFalse(output.timedOut)
        XCTAssertEqual(output.status, 0, output.standardError)
        XCTAssertEqual(output.standardOutput, "")
        XCTAssertEqual(output.standardError, "")
        XCTAssertLessThan(elapsed, ReaderCompletion.timeout + .seconds(3), "TAB waited \(elapsed)")
    }
}
