//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import FoundationEssentials
import MynaVerify

/// `mynakit bench verify --cert F --roots F… --in F --signature F [--count N]`
///
/// Each iteration does what a terminal does per card: verify the certificate's chain against the roots (with the
/// JPKI profile checks) and verify an RSA signature with its key. Files are read and parsed once, before timing;
/// `Sources/CBaselineOpenSSL/main.c` does the same work in plain C for comparison. With `--parse-each` the
/// certificate is parsed from its DER in every iteration too, as a verification service must for every request.
struct BenchVerify: AsyncParsableCommand, GlobalOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "N chain-plus-signature verifications; prints <rate> verify/s."
    )

    @OptionGroup var signed: SignatureOptions
    @OptionGroup var trust: TrustAnchorOptions

    @Option(help: "The certificate kind, for the profile checks (default: auth).")
    var kind: CertificateVerifier.Profile?

    @Option(help: "How many verifications.")
    var count = 10_000

    @Flag(help: "Parse the certificate from its DER in every iteration, as a service does per request.")
    var parseEach = false

    @OptionGroup var output: OutputOptions
    @OptionGroup var global: GlobalOptions

    /// `--json`: the verifications timed, their seconds and the rate.
    struct Report: Encodable {
        var count: Int
        var seconds: Double
        var verifyPerSecond: Double
    }

    func validate() throws {
        if count < 1 { throw ValidationError("--count must be at least 1") }
    }

    func run() async throws {
        try await Reporter.run(json: output.json) {
            let store = try trust.trustStore()
            let (certificate, data, signatureBytes) = try signed.load()
            let hash = signed.hash
            let verifier = CertificateVerifier(trustStore: store, profile: kind ?? .authentication)

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
            let der = certificate.derBytes
            for _ in 0..<count {
                let certificate = parseEach ? try Certificate(derEncoded: der) : certificate
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
            let report = Report(count: count, seconds: seconds, verifyPerSecond: Double(count) / seconds)
            output.emit(report) { report in TextFormat.printf("%.1f verify/s", report.verifyPerSecond) }
        }
    }
}
