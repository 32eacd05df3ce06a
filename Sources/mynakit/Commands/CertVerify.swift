//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation
import MynaVerify

/// The certificate kinds `cert verify` checks, mapped to verification profiles.
enum CertificateKindArgument: String, ExpressibleByArgument, CaseIterable {
    case auth
    case sign

    var profile: CertificateVerifier.Profile {
        switch self {
        case .auth: return .authentication
        case .sign: return .signing
        }
    }
}

/// `mynakit cert verify FILE --kind auth|sign --roots FILE… [--crl FILE…] [--at TIME] [--json]`
struct CertVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a certificate: chain to the given roots, validity, revocation and JPKI profile.",
        discussion: """
            Prints the verdict and every reason it failed; for signing certificates, also the identity \
            (name, sex, date of birth, address). Exits with 5 when verification fails.
            """
    )

    @Argument(help: "The certificate to verify (PEM or DER).")
    var file: String

    @Option(help: "The kind of certificate: auth (利用者証明用) or sign (署名用).")
    var kind: CertificateKindArgument

    @Option(parsing: .upToNextOption, help: "Trust anchors: PEM/DER files, bundles or directories.")
    var roots: [String]

    @Option(name: .customLong("intermediate"), help: "An untrusted CA certificate to help build the chain.")
    var intermediates: [String] = []

    @Option(name: .customLong("crl"), parsing: .upToNextOption, help: "CRLs (PEM or DER) to check revocation with.")
    var crls: [String] = []

    @Option(help: "Verify at this time (ISO 8601, e.g. 2026-01-31T12:00:00Z) instead of now.")
    var at: String?

    @Flag(help: "Print one JSON document on stdout.")
    var json = false

    func validate() throws {
        if roots.isEmpty { throw ValidationError("give at least one --roots file") }
        if let at, ISO8601Time.parse(at) == nil {
            throw ValidationError("--at \(at) is not an ISO 8601 time such as 2026-01-31T12:00:00Z")
        }
    }

    func run() async throws {
        try await Reporter.run(json: json) {
            let store = try TrustStore(contentsOf: roots)
            let intermediateCertificates = try intermediates.flatMap { try Certificate.parseMany(bytes: readFile($0)) }
            let revocationLists = try crls.map { try RevocationList(contentsOfFile: $0) }
            let time = at.flatMap(ISO8601Time.parse) ?? Date()
            let verifier = CertificateVerifier(trustStore: store, profile: kind.profile)
            let result = verifier.verify(
                leafBytes: try readFile(file),
                intermediates: intermediateCertificates,
                at: time,
                crls: revocationLists
            )
            let report = try CertVerifyReport(result: result)
            if json {
                Reporter.printJSON(report)
            } else {
                print(report.text)
            }
            if !result.isValid { throw ExitCode(ExitStatus.verificationFailed.rawValue) }
        }
    }
}

/// What `cert verify` prints, as text or JSON.
struct CertVerifyReport: Encodable {
    struct Failure: Encodable {
        var code: String
        var message: String
    }

    var valid: Bool
    var kind: String
    var time: String
    var subject: String?
    var issuer: String?
    var serialNumber: String?
    var notBefore: String?
    var notAfter: String?
    var sha256Fingerprint: String?
    var chain: [String]
    var failures: [Failure]
    var identity: JPKIIdentity?
    var identityNote: String?

    init(result: VerificationResult) throws {
        valid = result.isValid
        kind = result.profile.rawValue
        time = ISO8601Time.format(result.time)
        chain = result.chain.map(\.subject.description)
        failures = result.failures.map { Failure(code: $0.code, message: $0.description) }
        guard let leaf = result.leaf else { return }
        subject = leaf.subject.description
        issuer = leaf.issuer.description
        serialNumber = leaf.serialNumber
        notBefore = ISO8601Time.format(leaf.notBefore)
        notAfter = ISO8601Time.format(leaf.notAfter)
        sha256Fingerprint = leaf.sha256Fingerprint.map { String(format: "%02X", $0) }.joined(separator: ":")
        if result.profile == .signing {
            do {
                identity = try JPKIIdentity.ifPresent(in: leaf)
                if identity == nil { identityNote = "the certificate carries no JPKI identity" }
            } catch let error as MynaVerifyError {
                identityNote = error.reason
            }
        }
    }

    var text: String {
        var lines = ["verdict: \(valid ? "VALID" : "INVALID") (\(kind) certificate, at \(time))"]
        if let subject { lines.append("subject: \(subject)") }
        if let issuer { lines.append("issuer: \(issuer)") }
        if let serialNumber { lines.append("serial: \(serialNumber)") }
        if let notBefore, let notAfter { lines.append("validity: \(notBefore) to \(notAfter)") }
        if let sha256Fingerprint { lines.append("sha256: \(sha256Fingerprint)") }
        if !chain.isEmpty { lines.append("chain: " + chain.joined(separator: " -> ")) }
        for failure in failures { lines.append("FAIL \(failure.code): \(failure.message)") }
        if let identity {
            lines.append("name: \(identity.name)")
            if let substitute = identity.nameSubstituteCharacters { lines.append("name (substitute): \(substitute)") }
            lines.append("sex: \(identity.sex)")
            lines.append("date of birth: \(identity.dateOfBirth)")
            lines.append("address: \(identity.address)")
            if let substitute = identity.addressSubstituteCharacters {
                lines.append("address (substitute): \(substitute)")
            }
        } else if let identityNote {
            lines.append("identity: \(identityNote)")
        }
        return lines.joined(separator: "\n")
    }
}

/// ISO 8601 times on the command line.
enum ISO8601Time {
    static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        if let date = try? Date(text, strategy: withFraction) { return date }
        let dateOnly = Date.ISO8601FormatStyle().year().month().day()
        return try? Date(text, strategy: dateOnly)
    }

    static func format(_ date: Date) -> String { date.formatted(.iso8601) }
}

/// Reads a file named on the command line, as bytes.
func readFile(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw CommandFailure(status: .usage, code: "unreadable-file", message: "\(path): cannot read the file")
    }
    return [UInt8](data)
}
