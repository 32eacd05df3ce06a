//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import FoundationEssentials
import MynaDocument

/// `mynakit document verify FILE [--content FILE] --roots FILE… [--crl FILE…] [--at TIME] [--require-full-coverage]`
struct DocumentVerify: AsyncParsableCommand, GlobalOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a CMS signature (.p7s) or every signature of a PDF, and report the signer.",
        discussion: """
            Checks the signature over the signed attributes, the message digest over the content (--content for a \
            detached .p7s; a PDF's signed byte ranges), and the signer's certificate: chain to --roots, validity, \
            revocation with --crl, the JPKI signing profile. Reports the signer's name, address, date of birth and \
            sex from the certificate and the signing time (the signer's own claim); for a PDF, every signature, \
            whether it covers the whole file and how many bytes follow it. Exits with 5 when a signature is not \
            valid, the PDF has none, or (--require-full-coverage) bytes follow the last one.
            """
    )

    @Argument(help: "A CMS signature (.p7s, DER or PEM) or a signed PDF.", completion: .file())
    var file: String

    @Option(help: "The signed file of a detached .p7s ('-': standard input); hashed as it is read.", completion: .file())
    var content: String?

    @OptionGroup var trust: TrustAnchorOptions
    @OptionGroup var revocation: RevocationOptions

    @OptionGroup var at: VerificationTimeOptions

    @Flag(help: "For a PDF: fail when bytes follow the last signature's signed range.")
    var requireFullCoverage = false

    @OptionGroup var output: OutputOptions
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await Reporter.run(json: output.json) {
            let verifier = DocumentVerifier(
                trustStore: try trust.trustStore(), crls: try revocation.revocationLists(),
                at: at.time)
            let bytes = try readFile(file)
            var report: DocumentVerifyReport
            if bytes.starts(with: Array("%PDF-".utf8)) {
                if content != nil { throw CommandFailure(status: .usage, code: "usage", message: "--content is for .p7s files") }
                let signatures = try verifier.verifyPDF(bytes)
                report = DocumentVerifyReport(format: "pdf", signatures: signatures.map(SignatureReport.init))
                if signatures.isEmpty { report.problems.append("the PDF has no signature") }
                if requireFullCoverage, let last = signatures.max(by: { $0.byteRange.last ?? 0 < $1.byteRange.last ?? 0 }),
                    !last.coversWholeFile
                {
                    report.problems.append("\(last.bytesAppendedAfter) bytes follow the last signature's signed range")
                }
            } else {
                let der = try SignedDataFile.der(bytes)
                let verification: CMSVerification
                if let content, content != "-" {
                    verification = try verifier.verifyCMS(der, contentOfFileAt: content)
                } else if content == "-" {
                    verification = try verifier.verifyCMS(der, contentOfFileAt: "/dev/stdin")
                } else {
                    verification = try verifier.verifyCMS(der, content: nil)
                }
                report = DocumentVerifyReport(format: "cms", signatures: [SignatureReport(verification)])
            }
            output.emit(report) { $0.text }
            if !report.valid { throw ExitCode(ExitStatus.verificationFailed.rawValue) }
        }
    }
}

/// What `document verify` prints, as text or JSON (Docs/DocumentSigning.md).
struct DocumentVerifyReport: Encodable {
    var valid: Bool { problems.isEmpty && signatures.allSatisfy(\.valid) }
    var format: String
    var signatures: [SignatureReport]
    /// Problems of the document as a whole (no signature, bytes after the last one).
    var problems: [String] = []

    enum CodingKeys: String, CodingKey { case valid, format, signatures, problems }

    init(format: String, signatures: [SignatureReport]) {
        self.format = format
        self.signatures = signatures
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(valid, forKey: .valid)
        try container.encode(format, forKey: .format)
        try container.encode(signatures, forKey: .signatures)
        try container.encode(problems, forKey: .problems)
    }

    var text: String {
        var lines = ["verdict: \(valid ? "VALID" : "INVALID") (\(format), \(signatures.count) signature\(signatures.count == 1 ? "" : "s"))"]
        for problem in problems { lines.append("FAIL \(problem)") }
        for (index, signature) in signatures.enumerated() {
            lines.append("signature #\(index + 1): \(signature.valid ? "VALID" : "INVALID")")
            lines += signature.lines.map { "  " + $0 }
        }
        return lines.joined(separator: "\n")
    }
}

/// One signature in the report.
struct SignatureReport: Encodable {
    struct Failure: Encodable {
        var code: String
        var message: String
    }

    var valid: Bool
    var failures: [Failure]
    var hash: String?
    var signingTime: String?
    var detached: Bool
    var signerSubject: String?
    var signerIssuer: String?
    var signerSerialNumber: String?
    /// The four basic attributes from the signer's certificate, the sex as a code and a label (as `cert verify`).
    var identity: CertVerifyReport.IdentityReport?
    // PDF only.
    var fieldName: String?
    var subFilter: String?
    var byteRange: [Int]?
    var coversWholeFile: Bool?
    var bytesAppendedAfter: Int?
    var reason: String?
    var location: String?
    var name: String?
    var pdfSigningTime: String?

    init(_ cms: CMSVerification) {
        valid = cms.isValid
        failures = cms.failures.map { Failure(code: $0.code, message: $0.description) }
        hash = cms.hash?.rawValue
        signingTime = cms.signingTime.map(RFC3339.format)
        detached = cms.isDetached
        signerSubject = cms.signer?.subject.description
        signerIssuer = cms.signer?.issuer.description
        signerSerialNumber = cms.signer?.serialNumber
        identity = cms.identity.map(CertVerifyReport.IdentityReport.init)
    }

    init(_ pdf: PDFSignatureVerification) {
        self.init(pdf.cms)
        fieldName = pdf.fieldName
        subFilter = pdf.subFilter
        byteRange = pdf.byteRange
        coversWholeFile = pdf.coversWholeFile
        bytesAppendedAfter = pdf.bytesAppendedAfter
        reason = pdf.reason
        location = pdf.location
        name = pdf.name
        pdfSigningTime = pdf.signingTime.map(RFC3339.format) ?? pdf.signingTimeText
    }

    var lines: [String] {
        var lines: [String] = []
        if let fieldName { lines.append("field: \(fieldName) (\(subFilter ?? ""))") }
        if let byteRange, let coversWholeFile {
            lines.append("byte range: \(byteRange.map(String.init).joined(separator: " "))"
                + (coversWholeFile ? " (covers the whole file)" : " (\(bytesAppendedAfter ?? 0) bytes follow it)"))
        }
        for failure in failures { lines.append("FAIL \(failure.code): \(failure.message)") }
        if let hash { lines.append("hash: \(hash)\(fieldName == nil ? (detached ? ", detached" : ", attached") : "")") }
        if let signingTime { lines.append("signing time: \(signingTime) (claimed by the signer)") }
        if let pdfSigningTime { lines.append("/M: \(pdfSigningTime)") }
        if let reason { lines.append("reason: \(reason)") }
        if let location { lines.append("location: \(location)") }
        if let name { lines.append("name (/Name): \(name)") }
        if let signerSubject { lines.append("signer: \(signerSubject) (serial \(signerSerialNumber ?? ""))") }
        if let signerIssuer { lines.append("issuer: \(signerIssuer)") }
        if let identity {
            lines.append("name: \(identity.name)")
            lines.append("address: \(identity.address)")
            lines.append("date of birth: \(identity.dateOfBirth)")
            lines.append("sex: \(identity.sex.label) (\(identity.sex.code))")
        }
        return lines
    }
}
