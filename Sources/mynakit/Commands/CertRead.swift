//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation
import MynaCard
import MynaVerify

struct CertRead: AsyncParsableCommand, CardCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Read a certificate from the card (the signing certificate needs the signing password).",
        discussion: """
            The certificate is printed or written as it came from the card; it is NOT verified. Use \
            'mynakit cert verify' against the J-LIS trust anchors before trusting it. --out is written only when the \
            whole certificate was read.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case pem, der, text, json
    }

    @Option(help: "auth, auth-ca, sign or sign-ca.")
    var kind: JPKIApplication.CertificateKind

    @Option(help: "pem, der, text or json.")
    var format: Format = .pem

    @Option(help: "Write the certificate to this file instead of stdout.")
    var out: String?

    @OptionGroup var card: CardOptions
    @OptionGroup var pin: PINOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if format == .der && out == nil { throw ValidationError("--format der needs --out FILE") }
    }

    func run() async throws {
        try await Reporter.run(json: output.json) {
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
            let format = output.json ? .json : self.format
            let rendered: [UInt8]
            switch format {
            case .der: rendered = der
            case .pem: rendered = Array(certificate.pem.utf8)
            case .text: rendered = Array(Self.text(certificate, apduCount: outcome.apduCount).utf8)
            case .json:
                let summary = CertificateSummary(certificate, kind: kind.rawValue, apduCount: outcome.apduCount)
                guard out != nil else { return Reporter.printJSON(summary) }
                rendered = Array(try Reporter.encodeJSON(summary))
            }
            try OutputFile.write(rendered, toFileOrStandardOutput: out)
        }
    }

    static func text(_ certificate: Certificate, apduCount: Int) -> String {
        """
        subject:  \(certificate.subject)
        issuer:   \(certificate.issuer)
        serial:   \(certificate.serialNumber)
        validity: \(ISO8601Time.format(certificate.notBefore)) to \(ISO8601Time.format(certificate.notAfter))
        policies: \(certificate.certificatePolicies.joined(separator: ", "))
        key:      \(certificate.publicKey.algorithm) \(certificate.publicKey.bits) bits
        (read from the card in \(apduCount) APDUs; not verified)

        """
    }
}

/// A certificate's main fields for JSON output.
struct CertificateSummary: Encodable {
    var kind: String
    var subject: String
    var issuer: String
    var serialNumber: String
    var notBefore: String
    var notAfter: String
    var certificatePolicies: [String]
    var pem: String
    var apduCount: Int
    var verified = false

    init(_ certificate: Certificate, kind: String, apduCount: Int) {
        self.kind = kind
        subject = certificate.subject.description
        issuer = certificate.issuer.description
        serialNumber = certificate.serialNumber
        notBefore = ISO8601Time.format(certificate.notBefore)
        notAfter = ISO8601Time.format(certificate.notAfter)
        certificatePolicies = certificate.certificatePolicies
        pem = certificate.pem
        self.apduCount = apduCount
    }
}
