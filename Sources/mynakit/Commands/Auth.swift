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
            The certificate is verified against --roots (and --crl) first; only a certificate that passes leads to \
            the PIN being asked for. Then the card signs a fresh 32-byte random challenge (SHA-256) with the \
            authentication key and the signature is checked against the verified certificate. Prints the verdict, \
            the certificate serial, the APDU count and the time. Exit 5 when verification fails, 4 for PIN trouble.
            """
    )

    @OptionGroup var trust: TrustAnchorOptions
    @OptionGroup var revocation: RevocationOptions
    @OptionGroup var card: CardOptions
    @OptionGroup var pin: PINOptions
    @OptionGroup var output: OutputOptions

    struct Report: Encodable {
        var verdict: String
        var serialNumber: String?
        var subject: String?
        var failures: [String]
        var apduCount: Int
        var seconds: Double
        var reader: String
    }

    enum Outcome {
        case certificateRejected(VerificationResult)
        case signed(certificate: Certificate, signatureValid: Bool)
    }

    func run() async throws {
        try await Reporter.run(json: output.json) {
            let verifier = CertificateVerifier(trustStore: try trust.trustStore(), profile: .authentication)
            let revocationLists = try revocation.revocationLists()
            // Two transactions, never one held while a person types: the certificate is read and verified first (no
            // PIN is asked for a certificate that would be rejected), the PIN is read with no transaction open, and
            // the second transaction reads the tries left and sends the VERIFY together, so the last-try guard still
            // sees the counter the VERIFY will spend.
            _ = try OutputTarget.prepare("-")  // the verdict goes to stdout: it must be open before a PIN is spent
            let read = try await CardSession.run(card) { card in try card.jpki.readCertificate(.authentication) }
            // The certificate came from the card: it is trusted only once it chains to the given roots.
            let result = verifier.verify(leafBytes: read.value, intermediates: [], at: Date(), crls: revocationLists)
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
            let report: Report
            let passed: Bool
            switch session.value {
            case .certificateRejected(let result):
                passed = false
                report = Report(
                    verdict: "certificate rejected", serialNumber: result.leaf?.serialNumber,
                    subject: result.leaf?.subject.description, failures: result.failures.map(\.description),
                    apduCount: session.apduCount, seconds: session.seconds, reader: session.reader)
            case .signed(let certificate, let valid):
                passed = valid
                report = Report(
                    verdict: valid ? "authenticated" : "signature invalid", serialNumber: certificate.serialNumber,
                    subject: certificate.subject.description,
                    failures: valid ? [] : ["the card's signature does not verify with its certificate"],
                    apduCount: session.apduCount, seconds: session.seconds, reader: session.reader)
            }
            output.emit(report) { report in
                var lines = ["verdict: \(report.verdict.uppercased())"]
                if let serial = report.serialNumber { lines.append("certificate serial: \(serial)") }
                if let subject = report.subject { lines.append("subject: \(subject)") }
                lines += report.failures.map { "FAIL: \($0)" }
                let seconds = TextFormat.printf("%.3f", report.seconds)
                lines.append("APDUs: \(report.apduCount), time: \(seconds) s, reader: \(report.reader)")
                return lines.joined(separator: "\n")
            }
            if !passed { throw ExitCode(ExitStatus.verificationFailed.rawValue) }
        }
    }
}
