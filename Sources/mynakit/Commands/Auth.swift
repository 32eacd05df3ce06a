//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import FoundationEssentials
import MynaCard
import MynaVerify

struct Auth: AsyncParsableCommand, CardCommand {
    static let configuration = CommandConfiguration(
        abstract: "The terminal flow: read the authentication certificate, verify it, have the card sign a fresh challenge.",
        discussion: """
            The certificate is verified against --roots (by default the roots of the trust directory, see 'mynakit \
            trust') and --crl first; only a certificate that passes leads to the PIN being asked for. Without \
            --roots and without a root in the trust directory, it fails (exit 64) before any APDU; with \
            --require-revocation, a certificate whose revocation was not checked fails (exit 5) before the PIN. \
            Then the card signs a fresh 32-byte random challenge (SHA-256) with the authentication key and the \
            signature is checked against the verified certificate. Prints the verdict, the trust anchor, the \
            revocation source, the certificate serial, the APDU count and the time. Exit 5 when verification fails, 4 for PIN trouble.
            """
    )

    @OptionGroup var trust: TrustAnchorOptions
    @OptionGroup var revocation: RevocationOptions
    @OptionGroup var ocsp: OCSPOptions
    @OptionGroup var card: CardOptions
    @OptionGroup var pin: PINOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup(title: "Verification service") var server: ServerAuthOptions

    struct Report: Encodable {
        /// `authenticated`, `certificate-rejected` or `signature-invalid`.
        var verdict: String
        /// True only for `authenticated`.
        var valid: Bool
        var serialNumber: String?
        var subject: String?
        /// Why it failed, with the same codes as `cert verify` (`bad-signature` for the card's signature).
        var failures: [CertVerifyReport.Failure]
        var apduCount: Int
        var seconds: Double
        var reader: String
        /// The anchor the certificate's chain ends at, and what it is; absent when no anchor was reached.
        var trustAnchor: TrustAnchorReport? = nil
        /// Whether the chain ends at a root of the JPKI test hierarchy.
        var testHierarchy = false
        /// Where the certificate's revocation status came from.
        var revocation: RevocationReport
    }

    /// The failure of a card signature that does not verify with the verified certificate.
    static let badSignature = CertVerifyReport.Failure(
        code: "bad-signature", message: "the card's signature does not verify with its certificate")

    enum Outcome {
        case certificateRejected(VerificationResult)
        case signed(certificate: Certificate, signatureValid: Bool)
    }

    func run() async throws {
        if server.url != nil {
            return try await AuthServer.run(server, roots: trust, card: card, pin: pin, output: output)
        }
        try await Reporter.run(json: output.json) {
            let verifier = CertificateVerifier(
                trustStore: try trust.trustStore(), profile: .authentication, revocationPolicy: revocation.policy)
            let revocationLists = try revocation.revocationLists()
            // Two transactions, never one held while a person types: the certificate is read and verified first (no
            // PIN is asked for a certificate that would be rejected), the PIN is read with no transaction open, and
            // the second transaction reads the tries left and sends the VERIFY together, so the last-try guard still
            // sees the counter the VERIFY will spend.
            _ = try OutputTarget.prepare("-")  // the verdict goes to stdout: it must be open before a PIN is spent
            let read = try await CardSession.run(card) { card in try card.jpki.readCertificate(.authentication) }
            // The certificate came from the card: it is trusted only once it chains to the given roots.
            // Revocation by OCSP too when --ocsp-url is given, still before any PIN.
            let result = await ocsp.applied(
                to: verifier.verify(leafBytes: read.value, intermediates: [], at: Date(), crls: revocationLists))
            let outcome: Outcome
            var apduCount = read.apduCount
            var seconds = read.seconds
            if let verified = result.verifiedCertificate, let leaf = result.leaf {
                let secret = try pin.readPIN(.authentication)
                let allowLastTry = pin.allowLastTry
                let challenge = try ChallengeResponse.makeChallenge(byteCount: 32)
                let digest = try HashAlgorithm.sha256.digest(challenge)
                // The same reader as the first transaction, never "the first reader with a card" again.
                var sameReader = card
                sameReader.reader = read.reader
                let signed = try await CardSession.run(sameReader) { card in
                    try card.jpki.sign(
                        digest: digest, algorithm: .sha256, key: .authentication, pin: secret, allowLastTry: allowLastTry)
                }
                apduCount += signed.apduCount
                seconds += signed.seconds
                let valid = try ChallengeResponse.verify(
                    challenge: challenge, signature: signed.value, hash: .sha256, certificate: verified)
                outcome = .signed(certificate: leaf, signatureValid: valid)
            } else {
                outcome = .certificateRejected(result)
            }
            let session = (value: outcome, apduCount: apduCount, seconds: seconds, reader: read.reader)
            var report: Report
            let passed: Bool
            let revocationReport = RevocationReport(result.revocationSource, crlFiles: revocation.crls)
            switch session.value {
            case .certificateRejected(let result):
                passed = false
                report = Report(
                    verdict: "certificate-rejected", valid: false, serialNumber: result.leaf?.serialNumber,
                    subject: result.leaf?.subject.description,
                    failures: result.failures.map { .init(code: $0.code, message: $0.description) },
                    apduCount: session.apduCount, seconds: session.seconds, reader: session.reader,
                    revocation: revocationReport)
            case .signed(let certificate, let valid):
                passed = valid
                report = Report(
                    verdict: valid ? "authenticated" : "signature-invalid", valid: valid,
                    serialNumber: certificate.serialNumber, subject: certificate.subject.description,
                    failures: valid ? [] : [Self.badSignature],
                    apduCount: session.apduCount, seconds: session.seconds, reader: session.reader,
                    revocation: revocationReport)
            }
            report.trustAnchor = result.trustAnchor.map { TrustAnchorReport($0, at: result.time) }
            report.testHierarchy = result.isTestHierarchy
            output.emit(report) { report in
                var lines = ["verdict: \(report.verdict.uppercased().split(separator: "-").joined(separator: " "))"]
                if report.testHierarchy { lines.append(testHierarchyNotice) }
                if let serial = report.serialNumber { lines.append("certificate serial: \(serial)") }
                if let subject = report.subject { lines.append("subject: \(subject)") }
                lines.append("anchor: " + (report.trustAnchor?.text ?? "none reached"))
                lines.append("revocation: \(report.revocation.description)")
                lines += report.failures.map { "FAIL \($0.code): \($0.message)" }
                let seconds = TextFormat.printf("%.3f", report.seconds)
                lines.append("APDUs: \(report.apduCount), time: \(seconds) s, reader: \(report.reader)")
                return lines.joined(separator: "\n")
            }
            if !passed { throw ExitCode(ExitStatus.verificationFailed.rawValue) }
        }
    }
}
