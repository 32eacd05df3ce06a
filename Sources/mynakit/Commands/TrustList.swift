//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import FoundationEssentials
import MynaVerify

/// `mynakit trust list [--json]`
struct TrustList: AsyncParsableCommand, GlobalOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the roots of the trust directory, with what each is.",
        discussion: "An empty or missing directory lists nothing (exit 0) and says how to add the J-LIS roots."
    )

    @OptionGroup var output: OutputOptions
    @OptionGroup var global: GlobalOptions

    struct Report: Encodable {
        var directory: String
        var roots: [TrustRootReport]
    }

    func run() async throws {
        try await Reporter.run(json: output.json) {
            let report = try withTrustDirectory { directory in
                Report(
                    directory: directory.path,
                    roots: try directory.entries().map { TrustRootReport($0.anchor, file: $0.file) })
            }
            output.emit(report) { report in
                guard !report.roots.isEmpty else {
                    return "no roots in \(report.directory): add the J-LIS roots with "
                        + "'mynakit trust add auth_ca_2023.pem sign_ca_2023.pem' (and the 2015 files)"
                }
                return report.roots.map { root in
                    "\(root.sha256Fingerprint)  \(root.description)  \(root.notBefore) to \(root.notAfter)"
                        + (root.expired ? " EXPIRED" : "") + "  \(root.file ?? "")"
                }.joined(separator: "\n")
            }
        }
    }
}

/// `mynakit trust show FINGERPRINT [--json]`
struct TrustShow: AsyncParsableCommand, GlobalOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one root of the trust directory.",
        discussion: "FINGERPRINT is the SHA-256 fingerprint (colons and case do not matter) or its first 8+ digits."
    )

    @Argument(help: "The root's SHA-256 fingerprint, or a unique prefix of 8 or more hexadecimal digits.")
    var fingerprint: String

    @OptionGroup var output: OutputOptions
    @OptionGroup var global: GlobalOptions

    struct Report: Encodable {
        var root: TrustRootReport
        /// Every file that holds the root (usually one).
        var files: [String]
        /// The flag `trust add` needs for it: `none`, `accept-unpinned`, `test` or `force`.
        var admission: String
        var publicKey: String
        var pem: String
    }

    func run() async throws {
        try await Reporter.run(json: output.json) {
            let entries = try withTrustDirectory { try $0.entries(matching: fingerprint) }
            let anchor = entries[0].anchor
            let key = anchor.certificate.publicKey
            let report = Report(
                root: TrustRootReport(anchor, file: nil), files: entries.map(\.file),
                admission: TrustDirectory.admission(of: anchor.certificate).requirement.rawValue,
                publicKey: "\(key.algorithm) \(key.bits) bits", pem: anchor.certificate.pem)
            output.emit(report) { report in
                var lines = [report.root.description] + report.root.details()
                lines.append("  key: \(report.publicKey)")
                lines.append("  trust add needs: " + (report.admission == "none" ? "no flag" : "--\(report.admission)"))
                lines += report.files.map { "  file: \($0)" }
                return lines.joined(separator: "\n")
            }
        }
    }
}
