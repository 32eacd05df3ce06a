//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import FoundationEssentials
import MynaSpec
import MynaVerify

/// `mynakit cert verify FILE --kind auth|sign [--roots FILE…] [--crl FILE…] [--require-revocation] [--at TIME]
/// [--json]`
struct CertVerify: AsyncParsableCommand, GlobalOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a certificate: chain to the given roots, validity, revocation and JPKI profile.",
        discussion: """
            Prints the verdict and every reason it failed, the trust anchor the chain ends at (a pinned J-LIS root, \
            the JPKI test hierarchy, ...) and where revocation was checked (a CRL, or not checked); for signing \
            certificates, also the identity (name, sex, date of birth, address). Without --roots, the roots of the \
            trust directory are used ('mynakit trust'). Exits with 5 when verification fails.
            """
    )

    @Argument(help: "The certificate to verify (PEM or DER; '-': stdin).", completion: .file())
    var file: String

    @Option(help: "The kind of certificate: auth (利用者証明用) or sign (署名用).")
    var kind: CertificateVerifier.Profile

    @OptionGroup var trust: TrustAnchorOptions

    @Option(
        name: .customLong("intermediate"), help: "An untrusted CA certificate to help build the chain.",
        completion: .file())
    var intermediates: [String] = []

    @OptionGroup var revocation: RevocationOptions
    @OptionGroup var ocsp: OCSPOptions

    @OptionGroup var at: VerificationTimeOptions

    @OptionGroup var output: OutputOptions
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await Reporter.run(json: output.json) {
            let store = try trust.trustStore()
            let intermediateCertificates = try intermediates.flatMap { try Certificate.parseMany(bytes: readFile($0)) }
            let revocationLists = try revocation.revocationLists()
            let time = at.time
            let verifier = CertificateVerifier(trustStore: store, profile: kind, revocationPolicy: revocation.policy)
            let result = await ocsp.applied(
                to: verifier.verify(
                    leafBytes: try readFile(file),
                    intermediates: intermediateCertificates,
                    at: time,
                    crls: revocationLists
                ))
            output.emit(try CertVerifyReport(result: result, crlFiles: revocation.crls)) { $0.text }
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
    var identity: IdentityReport?
    var identityNote: String?
    /// The anchor the chain ends at, and what it is; absent when no anchor was reached.
    var trustAnchor: TrustAnchorReport?
    /// Whether the chain ends at a root of the JPKI test hierarchy.
    var testHierarchy: Bool
    /// Where the revocation status came from.
    var revocation: RevocationReport

    /// The four basic attributes of a signing certificate, with the sex as in `mynumber`: a code and a label.
    struct IdentityReport: Encodable {
        var name: String
        var nameSubstituteCharacters: String?
        var sex: MyNumberCommand.SexReport
        var dateOfBirth: String
        var address: String
        var addressSubstituteCharacters: String?

        init(_ identity: JPKIIdentity) {
            name = identity.name
            nameSubstituteCharacters = identity.nameSubstituteCharacters
            sex = MyNumberCommand.SexReport(Sex(code: identity.sex))
            dateOfBirth = identity.dateOfBirth
            address = identity.address
            addressSubstituteCharacters = identity.addressSubstituteCharacters
        }
    }

    /// - Parameter crlFiles: the `--crl` paths, in order, to name the CRL that was used.
    init(result: VerificationResult, crlFiles: [String] = []) throws {
        valid = result.isValid
        kind = result.profile.argument
        time = RFC3339.format(result.time)
        chain = result.chain.map(\.subject.description)
        failures = result.failures.map { Failure(code: $0.code, message: $0.description) }
        trustAnchor = result.trustAnchor.map { TrustAnchorReport($0, at: result.time) }
        testHierarchy = result.isTestHierarchy
        revocation = RevocationReport(result.revocationSource, crlFiles: crlFiles)
        guard let leaf = result.leaf else { return }
        subject = leaf.subject.description
        issuer = leaf.issuer.description
        serialNumber = leaf.serialNumber
        notBefore = RFC3339.format(leaf.notBefore)
        notAfter = RFC3339.format(leaf.notAfter)
        sha256Fingerprint = leaf.sha256Fingerprint.map { TextFormat.printf("%02X", $0) }.joined(separator: ":")
        if result.profile == .signing {
            do {
                identity = try JPKIIdentity.ifPresent(in: leaf).map(IdentityReport.init)
                if identity == nil { identityNote = "the certificate carries no JPKI identity" }
            } catch let error as MynaVerifyError {
                identityNote = error.reason
            }
        }
    }

    var text: String {
        var lines = ["verdict: \(valid ? "VALID" : "INVALID") (\(kind) certificate, at \(time))"]
        if testHierarchy { lines.append(testHierarchyNotice) }
        if let subject { lines.append("subject: \(subject)") }
        if let issuer { lines.append("issuer: \(issuer)") }
        if let serialNumber { lines.append("serial: \(serialNumber)") }
        if let notBefore, let notAfter { lines.append("validity: \(notBefore) to \(notAfter)") }
        if let sha256Fingerprint { lines.append("sha256: \(sha256Fingerprint)") }
        if !chain.isEmpty { lines.append("chain: " + chain.joined(separator: " -> ")) }
        lines.append("anchor: " + (trustAnchor?.text ?? "none reached"))
        lines.append("revocation: \(revocation.description)")
        for failure in failures { lines.append("FAIL \(failure.code): \(failure.message)") }
        if let identity {
            lines.append("name: \(identity.name)")
            if let substitute = identity.nameSubstituteCharacters { lines.append("name (substitute): \(substitute)") }
            lines.append("sex: \(identity.sex.label) (\(identity.sex.code))")
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
