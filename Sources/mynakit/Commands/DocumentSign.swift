//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import FoundationEssentials
import MynaCard
import MynaDocument

/// `mynakit document sign FILE --out FILE [--attached] [--hash …] [--include-ca] [--pdf [--pades] [--reason …]]`
struct DocumentSign: AsyncParsableCommand, CardCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign a file (CMS SignedData) or a PDF (incremental update) with the card's signing key.",
        discussion: """
            Without --pdf the result is a DER CMS SignedData (.p7s): detached (the file is hashed as it is read, \
            whatever its size) or, with --attached, holding the file. With --pdf the PDF gets an invisible \
            signature field by incremental update: its original bytes stay as they are, so earlier signatures stay \
            valid. The card signs with the signing key after the signing password (署名用パスワード) is verified: \
            --pin-stdin, --pin-env or a prompt, never the command line; with one try left the command refuses \
            unless --allow-last-try. The output path and the input are checked before the card is touched. The \
            signing certificate is read from the card after it signed (no second password), unless --cert gives it; \
            with --pades, whose signed attributes name it, it is read after the one VERIFY and before the signature.
            """
    )

    @Argument(help: "The file to sign ('-': standard input).", completion: .file())
    var file: String

    @Option(help: "Where the signature (.p7s) or the signed PDF goes ('-': stdout, not a terminal).", completion: .file())
    var out: String

    @Flag(help: "Put the file inside the SignedData instead of signing it detached (not with --pdf).")
    var attached = false

    @Option(help: "sha256, sha384 or sha512.")
    var hash: HashAlgorithm = .sha256

    @Flag(help: "Include the card's signing CA certificate too (one more certificate read).")
    var includeCA = false

    @Option(help: "The signing certificate (PEM or DER), e.g. from 'cert read --kind sign': the card is not read.",
        completion: .file())
    var cert: String?

    @Flag(help: "Sign a PDF: add a signature field by incremental update.")
    var pdf = false

    @Flag(help: "With --pdf: a PAdES signature (/SubFilter /ETSI.CAdES.detached) instead of adbe.pkcs7.detached.")
    var pades = false

    @Option(help: "With --pdf: the signature's /Reason (any language).")
    var reason: String?

    @Option(help: "With --pdf: the signature's /Location.")
    var location: String?

    @Option(help: "With --pdf: the signer's /Name as the document shows it.")
    var name: String?

    @Option(help: "With --pdf: the signature field's name (default: Signature1, Signature2, …).")
    var field: String?

    @OptionGroup var card: CardOptions
    @OptionGroup var pin: PINOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if output.json && out == "-" { throw ValidationError("--json prints JSON on stdout; give --out a file") }
        if !HashAlgorithm.documentAlgorithms.contains(hash) {
            throw ValidationError("document signatures use sha256, sha384 or sha512")
        }
        if file == "-" && pin.pinStdin {
            throw ValidationError("the file comes from standard input: give the password with --pin-env or a prompt")
        }
        if pdf && attached { throw ValidationError("--attached is for CMS files; a PDF signature is always detached") }
        if !pdf && (pades || reason != nil || location != nil || name != nil || field != nil) {
            throw ValidationError("--pades, --reason, --location, --name and --field need --pdf")
        }
    }

    func run() async throws {
        try await Reporter.run(json: output.json) {
            // Everything that can fail without the card fails first: the output path, the certificate, the input.
            let target = try OutputTarget.prepare(out, binary: true)
            let given = try cert.map { try Certificate(bytes: readFile($0)) }
            let signer = DocumentSigner(hash: hash)
            let time = Date()
            let document = try prepare(signingTime: time)
            let secret = try pin.readPIN(.signing)
            let (hash, includeCA, allowLastTry) = (self.hash, self.includeCA, pin.allowLastTry)
            let outcome = try await CardSession.run(card) { card -> (bytes: [UInt8], signer: Certificate) in
                var signerCertificate: Certificate?
                // One VERIFY opens the signing key and the signing certificate for the rest of the transaction.
                try card.jpki.verify(secret, allowLastTry: allowLastTry)
                // PAdES names the certificate in the signed attributes: without --cert it is read before the card
                // signs; otherwise after, and only when not given.
                var named = given
                if case .pdf(let prepared) = document, prepared.options.subFilter == .cadesDetached, named == nil {
                    named = try Certificate(derEncoded: card.jpki.readCertificate(.signing))
                }
                let sign = { (digest: [UInt8]) throws -> DocumentSigner.Signature in
                    let value = try card.jpki.signAfterVerification(digest: digest, algorithm: hash, key: .signing)
                    // The certificates are readable after the one VERIFY. They are not trusted for coming from the
                    // card: the signature is checked with the key.
                    let certificate = try named ?? Certificate(derEncoded: card.jpki.readCertificate(.signing))
                    let ca = includeCA ? [try Certificate(derEncoded: card.jpki.readCertificate(.signingCA))] : []
                    signerCertificate = certificate
                    return DocumentSigner.Signature(value: value, certificate: certificate, additionalCertificates: ca)
                }
                let bytes: [UInt8]
                switch document {
                case .pdf(let prepared):
                    bytes = try signer.signPDF(prepared, signingCertificate: named, sign: sign)
                case .cms(let digest, let content, _):
                    bytes = try signer.signCMS(
                        contentDigest: digest, attachedContent: content, signingTime: time, sign: sign)
                }
                guard let signerCertificate else {
                    throw CommandFailure(status: .cardCommunication, code: "error", message: "no signature was made")
                }
                return (bytes, signerCertificate)
            }
            try target.write(outcome.value.bytes)
            let report = Report(
                document: document, file: file, out: out, hash: hash, bytes: outcome.value.bytes.count,
                signer: outcome.value.signer, signingTime: time, apduCount: outcome.apduCount)
            if output.json {
                Reporter.printJSON(report)
            } else if out != "-" {
                print(report.text)
            }
        }
    }

    /// What is signed, read and checked before the card is touched.
    enum Prepared {
        case pdf(PDFSignaturePreparation)
        case cms(digest: [UInt8], content: [UInt8]?, byteCount: Int)
    }

    private func prepare(signingTime: Date) throws -> Prepared {
        do {
            if pdf {
                let options = PDFSignatureOptions(
                    subFilter: pades ? .cadesDetached : .pkcs7Detached, reason: reason, location: location, name: name,
                    fieldName: field, signingTime: signingTime)
                return .pdf(try PDFSignaturePreparation(pdf: readFile(file), options: options))
            }
            if attached {
                let content = try readFile(file)
                return .cms(digest: try hash.digest(content), content: content, byteCount: content.count)
            }
            // Detached: hashed as it is read, so a file of any size costs the same memory.
            let (digest, count) = try StreamingDigest.digest(ofFileAt: file == "-" ? "/dev/stdin" : file, hash: hash)
            return .cms(digest: digest, content: nil, byteCount: count)
        } catch let error as MynaVerifyError where error.code != .openSSLFailure {
            // An input that cannot be signed is a usage error here (for `document verify` it is a verdict).
            throw CommandFailure(status: .usage, code: error.code.rawValue, message: "\(file): \(error.reason)")
        }
    }

    /// What `document sign` prints, as text or JSON.
    struct Report: Encodable {
        var format: String
        var subFilter: String?
        var fieldName: String?
        var attached: Bool?
        var hash: String
        var file: String
        var out: String
        var bytes: Int
        var signingTime: String
        var signerSubject: String
        var signerSerialNumber: String
        var apduCount: Int

        init(
            document: Prepared, file: String, out: String, hash: HashAlgorithm, bytes: Int, signer: Certificate,
            signingTime: Date, apduCount: Int
        ) {
            switch document {
            case .pdf(let prepared):
                format = "pdf"
                subFilter = prepared.options.subFilter.rawValue
                fieldName = prepared.fieldName
            case .cms(_, let content, _):
                format = "cms"
                attached = content != nil
            }
            self.hash = hash.rawValue
            self.file = file
            self.out = out
            self.bytes = bytes
            self.signingTime = RFC3339.format(signingTime)
            signerSubject = signer.subject.description
            signerSerialNumber = signer.serialNumber
            self.apduCount = apduCount
        }

        var text: String {
            var what = format == "pdf" ? "PDF signature (\(subFilter ?? ""), field \(fieldName ?? ""))"
                : "CMS signature (\(attached == true ? "attached" : "detached"))"
            what += ", \(hash), \(bytes) bytes"
            return ["signed: \(file) -> \(out)", what, "signer: \(signerSubject) (serial \(signerSerialNumber))",
                "signing time: \(signingTime)", "APDUs: \(apduCount)"].joined(separator: "\n")
        }
    }
}
