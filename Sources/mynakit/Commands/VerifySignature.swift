//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import ArgumentParser
import Foundation
import MynaVerify

/// `--hash` takes the shared hash vocabulary directly (sha1, sha256, sha384, sha512).
extension HashAlgorithm: ExpressibleByArgument {}

/// `mynakit verify-signature --cert FILE --in FILE --signature FILE [--hash …] [--json]`
struct VerifySignature: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-signature",
        abstract: "Check an RSA PKCS#1 v1.5 signature with a certificate's public key.",
        discussion: """
            Checks the signature only, not the certificate: use `cert verify` for that. Exits with 5 when the \
            signature does not verify.
            """
    )

    @Option(help: "The signer's certificate (PEM or DER).")
    var cert: String

    @Option(name: .customLong("in"), help: "The signed data.")
    var input: String

    @Option(help: "The signature (raw bytes).")
    var signature: String

    @Option(help: "The hash the signer used: sha1, sha256, sha384 or sha512.")
    var hash: HashAlgorithm = .sha256

    @Flag(help: "Print one JSON document on stdout.")
    var json = false

    struct Report: Encodable {
        var valid: Bool
        var hash: String
        var subject: String
        var serialNumber: String
    }

    func run() async throws {
        try await Reporter.run(json: json) {
            let certificate = try Certificate(bytes: readFile(cert))
            let valid = try SignatureVerifier.isValidSignature(
                try readFile(signature),
                for: try readFile(input),
                hash: hash,
                publicKeyOf: certificate
            )
            let report = Report(
                valid: valid,
                hash: hash.rawValue,
                subject: certificate.subject.description,
                serialNumber: certificate.serialNumber
            )
            if json {
                Reporter.printJSON(report)
            } else {
                print("signature: \(valid ? "VALID" : "INVALID") (\(hash.rawValue), \(report.subject))")
            }
            if !valid { throw ExitCode(ExitStatus.verificationFailed.rawValue) }
        }
    }
}
