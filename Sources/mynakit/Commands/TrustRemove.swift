//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import FoundationEssentials
import MynaVerify

/// `mynakit trust remove FINGERPRINT [--json]`
struct TrustRemove: AsyncParsableCommand, GlobalOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove a root from the trust directory.",
        discussion: """
            Deletes the file that holds the root. A root inside a bundle of several certificates is not removed \
            (exit 74): edit the bundle by hand. An unknown or ambiguous fingerprint exits with 64.
            """
    )

    @Argument(help: "The root's SHA-256 fingerprint, or a unique prefix of 8 or more hexadecimal digits.")
    var fingerprint: String

    @OptionGroup var output: OutputOptions
    @OptionGroup var global: GlobalOptions

    struct Report: Encodable {
        var directory: String
        var removed: [TrustRootReport]
    }

    func run() async throws {
        try await Reporter.run(json: output.json) {
            let report = try withTrustDirectory { directory in
                let removed = try directory.remove(fingerprint: fingerprint)
                return Report(
                    directory: directory.path, removed: removed.map { TrustRootReport($0.anchor, file: $0.file) })
            }
            output.emit(report) { report in
                report.removed.map { "removed: \($0.description) (\($0.sha256Fingerprint)) from \($0.file ?? "")" }
                    .joined(separator: "\n")
            }
        }
    }
}
