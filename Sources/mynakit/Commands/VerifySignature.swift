//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation
import MynaVerify

/// `mynakit verify-signature --cert FILE --in FILE --signature FILE [--hash …] [--json]`
struct VerifySignature: AsyncParsableCommand, GlobalOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-signature",
        abstract: "Check an RSA PKCS#1 v1.5 signature with a certificate's public key.",
        discussion: """
            Checks the signature only, not the certificate: use `cert verify` for that. Exits with 5 when the \
            signature does not verify.
            """
    )

    @OptionGroup var signed: SignatureOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var global: GlobalOptions

    struct Report: Encodable {
        var valid: Bool
        var hash: String
        var subject: String
        var serialNumber: String
    }

    func run() async throws {
        try await Reporter.run(json: output.json) {
            let loaded = try signed.load()
            let valid = try signed.isValid(loaded)
            let hash = signed.hash.rawValue
            let report = Report(
                valid: valid, hash: hash, subject: loaded.certificate.subject.description,
                serialNumber: loaded.certificate.serialNumber)
            output.emit(report) { "signature: \(valid ? "VALID" : "INVALID") (\(hash), \($0.subject))" }
            if !valid { throw ExitCode(ExitStatus.verificationFailed.rawValue) }
        }
    }
}
