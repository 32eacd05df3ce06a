//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation
import MynaVerify

/// `mynakit bench verify --cert F --roots F… --in F --signature F [--count N]`
///
/// Each iteration does what a terminal does per card: verify the certificate's chain against the roots (with the
/// JPKI profile checks) and verify an RSA signature with its key. Files are read and parsed once, before timing;
/// `Sources/CBaselineOpenSSL/main.c` does the same work in plain C for comparison.
struct BenchVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "N chain-plus-signature verifications; prints <rate> verify/s."
    )

    @Option(help: "The certificate (PEM or DER).")
    var cert: String

    @Option(parsing: .upToNextOption, help: "Trust anchors: PEM/DER files, bundles or directories.")
    var roots: [String]

    @Option(name: .customLong("in"), help: "The signed data.")
    var input: String

    @Option(help: "The signature over the data (raw bytes).")
    var signature: String

    @Option(help: "The hash the signature was made with.")
    var hash: HashAlgorithm = .sha256

    @Option(help: "The certificate kind, for the profile checks.")
    var kind: CertificateKindArgument = .auth

    @Option(help: "How many verifications.")
    var count = 10_000

    func validate() throws {
        if count < 1 { throw ValidationError("--count must be at least 1") }
        if roots.isEmpty { throw ValidationError("give at least one --roots file") }
    }

    func run() async throws {
        try await Reporter.run(json: false) {
            let store = try TrustStore(contentsOf: roots)
            let certificate = try Certificate(bytes: readFile(cert))
            let data = try readFile(input)
            let signatureBytes = try readFile(signature)
            let verifier = CertificateVerifier(trustStore: store, profile: kind.profile)
            
            // One checked run first, so a benchmark of failing verifications is never mistaken for a fast one.
            let first = verifier.verify(leaf: certificate)
            guard first.isValid else {
                throw CommandFailure(
                    status: .verificationFailed,
                    code: "verification-failed",
                    message: "the certificate does not verify: "
                        + first.failures.map(\.description).joined(separator: "; ")
                )
            }
            guard try SignatureVerifier.isValidSignature(signatureBytes, for: data, hash: hash, publicKeyOf: certificate)
            else {
                throw CommandFailure(
                    status: .verificationFailed,
                    code: "bad-signature",
                    message: "the signature does not verify"
                )
            }

            var failures = 0
            let clock = ContinuousClock()
            let start = clock.now
            for _ in 0..<count {
                let result = verifier.verify(leaf: certificate)
                let signatureOK = try SignatureVerifier.isValidSignature(
                    signatureBytes,
                    for: data,
                    hash: hash,
                    publicKeyOf: certificate
                )
                if !result.isValid || !signatureOK { failures += 1 }
            }
            let elapsed = start.duration(to: clock.now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            if failures != 0 {
                throw CommandFailure(
                    status: .verificationFailed,
                    code: "verification-failed",
                    message: "\(failures) of \(count) verifications failed"
                )
            }
            print(String(format: "%.1f verify/s", Double(count) / seconds))
        }
    }
}
