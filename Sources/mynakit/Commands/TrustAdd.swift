//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import FoundationEssentials
import MynaVerify

/// `mynakit trust add FILE… [--accept-unpinned] [--test] [--force] [--json]`
struct TrustAdd: AsyncParsableCommand, GlobalOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add root certificates to the trust directory.",
        discussion: """
            A pinned J-LIS production root goes in at once. A self-signed CA with J-LIS's name but a fingerprint \
            that is not pinned (generation 2, or a root issued after this release) is shown (subject, serial, \
            validity, fingerprint) and goes in only with --accept-unpinned: compare its fingerprint with the one \
            J-LIS publishes first. A root of the JPKI test hierarchy (O=JPKI-TEST) needs --test, and every verdict \
            under it then says TEST HIERARCHY. Anything else needs --force. All or nothing: when one root is \
            refused (exit 64), nothing is written.
            """
    )

    @Argument(help: "Root certificates: PEM (one or a bundle) or DER ('-': stdin).", completion: .file())
    var files: [String]

    @Flag(help: "Accept a root with J-LIS's name whose fingerprint is not pinned, after checking it.")
    var acceptUnpinned = false

    @Flag(name: .customLong("test"), help: "Accept a root of the JPKI test hierarchy (O=JPKI-TEST).")
    var testHierarchy = false

    @Flag(help: "Accept a root that is not a J-LIS root, or a certificate that is not a good root at all.")
    var force = false

    @OptionGroup var output: OutputOptions
    @OptionGroup var global: GlobalOptions

    struct Report: Encodable {
        var directory: String
        var added: [TrustRootReport]
        var alreadyPresent: [TrustRootReport]
    }

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one certificate file") }
    }

    var acceptance: TrustDirectory.Acceptance {
        var acceptance: TrustDirectory.Acceptance = []
        if acceptUnpinned { acceptance.insert(.acceptUnpinned) }
        if testHierarchy { acceptance.insert(.testHierarchy) }
        if force { acceptance.insert(.force) }
        return acceptance
    }

    func run() async throws {
        try await Reporter.run(json: output.json) {
            let directory = TrustDirectory.default
            let certificates = try files.flatMap { try Certificate.parseMany(bytes: readFile($0)) }
            let refused = certificates.map(TrustDirectory.admission(of:)).filter { !$0.isGranted(by: acceptance) }
            if !refused.isEmpty {
                throw CommandFailure(
                    status: .usage, code: MynaVerifyError.Code.rootNotAdmitted.rawValue,
                    message: (["not added to \(directory.path) (nothing was written):"]
                        + refused.flatMap(Self.refusal)).joined(separator: "\n"))
            }
            let additions = try withTrustDirectory { try $0.add(certificates, accepting: acceptance) }
            func report(_ addition: TrustDirectory.Addition) -> TrustRootReport {
                TrustRootReport(addition.admission.anchor, file: addition.file)
            }
            let result = Report(
                directory: directory.path, added: additions.filter { !$0.wasPresent }.map(report),
                alreadyPresent: additions.filter(\.wasPresent).map(report))
            output.emit(result) { result in
                var lines: [String] = []
                for (heading, roots) in [("added", result.added), ("already present", result.alreadyPresent)] {
                    for root in roots {
                        lines.append("\(heading): \(root.description)")
                        lines += root.details()
                        if let note = Self.note(root.classification) { lines.append("  note: \(note)") }
                    }
                }
                return lines.joined(separator: "\n")
            }
        }
    }

    /// The lines saying why a root was refused and which flag would let it in.
    static func refusal(_ admission: TrustDirectory.Admission) -> [String] {
        let root = TrustRootReport(admission.anchor, file: nil)
        let action: String
        switch admission.requirement {
        case .acceptUnpinned:
            action = "its fingerprint is not pinned: compare it with the one J-LIS publishes, then add it with "
                + "--accept-unpinned"
        case .testHierarchy:
            action = "a JPKI test root: add it with --test (every verdict under it then says TEST HIERARCHY)"
        case .force, .none:
            action = "not a J-LIS root" + (root.problems.isEmpty ? "" : " or not a good root") + ": only with --force"
        }
        return ["\(root.description)"] + root.details() + ["  -> \(action)"]
    }

    /// What an operator should know about a root of this classification once it is in.
    static func note(_ classification: String) -> String? {
        switch classification {
        case "jlis-unpinned": return "fingerprint NOT pinned: trusted because it was accepted (--accept-unpinned)"
        case "jpki-test": return "TEST HIERARCHY: every verdict under this root says so"
        case "unknown": return "not a J-LIS root: trusted because of --force"
        default: return nil
        }
    }
}
