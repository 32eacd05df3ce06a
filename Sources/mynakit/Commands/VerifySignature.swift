//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import FoundationEssentials
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
        /// Why the signature is invalid; absent when it is valid.
        var reason: String?
    }

    func run() async throws {
        try await Reporter.run(json: output.json) {
            let loaded = try signed.load()
            let valid = try signed.isValid(loaded)
            let hash = signed.hash.rawValue
            let reason = valid ? nil : Self.reason(signature: loaded.signature, key: loaded.certificate.publicKey)
            let report = Report(
                valid: valid, hash: hash, subject: loaded.certificate.subject.description,
                serialNumber: loaded.certificate.serialNumber, reason: reason)
            output.emit(report) { report in
                "signature: \(valid ? "VALID" : "INVALID") (\(hash), \(report.subject))"
                    + (report.reason.map { "\nreason: \($0)" } ?? "")
            }
            if !valid { throw ExitCode(ExitStatus.verificationFailed.rawValue) }
        }
    }

    /// Why a signature did not verify: its length cannot be right for the key, or it does not match.
    static func reason(signature: [UInt8], key: PublicKey) -> String {
        let expected = (key.bits + 7) / 8
        if signature.count != expected {
            return "the signature is \(signature.count) bytes; a \(key.bits)-bit RSA key makes \(expected)-byte signatures"
        }
        return "the signature does not match the data and this certificate's key (other data, another key or another --hash)"
    }
}
