//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import FoundationEssentials
import MynaCard
import MynaVerify

struct CertRead: AsyncParsableCommand, CardCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Read a certificate from the card (the signing certificate needs the signing password).",
        discussion: """
            The certificate is printed or written as it came from the card; it is NOT verified. Use \
            'mynakit cert verify' against the J-LIS trust anchors before trusting it. --out is checked before the card \
            is touched and written atomically only when the whole certificate was read ('-' is stdout; DER goes to a \
            pipe or file, never to a terminal).
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case pem, der, text, json
    }

    @Option(help: "auth, auth-ca, sign or sign-ca.")
    var kind: JPKIApplication.CertificateKind

    @Option(help: "pem (the default), der, text or json (the same as --json).")
    var format: Format?

    @Option(help: "Write the certificate to this file instead of stdout ('-': stdout).", completion: .file())
    var out: String?

    @OptionGroup var card: CardOptions
    @OptionGroup var pin: PINOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if output.json, let format, format != .json {
            throw ValidationError("--json prints JSON; it cannot be combined with --format \(format.rawValue)")
        }
    }

    func run() async throws {
        try await Reporter.run(json: output.json) {
            let format = output.json ? .json : (self.format ?? .pem)
            // Checked before the PIN is asked for and before any APDU: nothing is spent on output that cannot be
            // written.
            let target = try OutputTarget.prepare(out ?? "-", binary: format == .der)
            let password = kind == .signing ? try pin.readPIN(.signing) : nil
            let kind = self.kind
            let allowLastTry = pin.allowLastTry
            let outcome = try await CardSession.run(card) { card in
                if let password {
                    return try card.jpki.readSigningCertificate(password: password, allowLastTry: allowLastTry)
                }
                return try card.jpki.readCertificate(kind)
            }
            let der = outcome.value
            let certificate = try Certificate(derEncoded: der)
            let rendered: [UInt8]
            switch format {
            case .der: rendered = der
            case .pem: rendered = Array(certificate.pem.utf8)
            case .text: rendered = Array(Self.text(certificate, apduCount: outcome.apduCount).utf8)
            case .json:
                let summary = CertificateSummary(
                    certificate, kind: kind.rawValue, apduCount: outcome.apduCount, reader: outcome.reader)
                rendered = Array(try Reporter.encodeJSON(summary)) + [0x0A]
            }
            try target.write(rendered)
        }
    }

    static func text(_ certificate: Certificate, apduCount: Int) -> String {
        """
        subject:  \(certificate.subject)
        issuer:   \(certificate.issuer)
        serial:   \(certificate.serialNumber)
        validity: \(RFC3339.format(certificate.notBefore)) to \(RFC3339.format(certificate.notAfter))
        policies: \(certificate.certificatePolicies.joined(separator: ", "))
        key:      \(certificate.publicKey.algorithm) \(certificate.publicKey.bits) bits
        (read from the card in \(apduCount) APDUs; not verified)

        """
    }
}

/// A certificate's main fields for JSON output.
struct CertificateSummary: Encodable {
    /// `auth`, `auth-ca`, `sign` or `sign-ca`: the `--kind` it was read as.
    var kind: String
    var subject: String
    var issuer: String
    var serialNumber: String
    var notBefore: String
    var notAfter: String
    var certificatePolicies: [String]
    var pem: String
    var apduCount: Int
    var reader: String
    /// Always false: `cert read` never verifies (`cert verify` does).
    var verified = false

    init(_ certificate: Certificate, kind: String, apduCount: Int, reader: String) {
        self.kind = kind
        subject = certificate.subject.description
        issuer = certificate.issuer.description
        serialNumber = certificate.serialNumber
        notBefore = RFC3339.format(certificate.notBefore)
        notAfter = RFC3339.format(certificate.notAfter)
        certificatePolicies = certificate.certificatePolicies
        pem = certificate.pem
        self.apduCount = apduCount
        self.reader = reader
    }
}
