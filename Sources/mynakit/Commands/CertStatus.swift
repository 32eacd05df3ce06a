//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import ArgumentParser
import FoundationEssentials

#if canImport(Glibc)
import Glibc
#endif
import MynaVerify

/// `mynakit cert status FILE --issuer FILE (--ocsp-url URL | --ocsp-response FILE) [--at TIME] [--save-response FILE]`
struct CertStatus: AsyncParsableCommand, GlobalOptionsCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "The OCSP status of a certificate: good, revoked or unknown, from a checked response.",
        discussion: """
            Asks the responder of --ocsp-url (HTTP POST, a fresh nonce, the CertID hash of --ocsp-hash), or reads a \
            saved DER response with --ocsp-response, and accepts an answer only when it is signed by the issuer or \
            by a responder the issuer delegated (id-kp-OCSPSigning), echoes the nonce, answers for this certificate \
            and is fresh at --at (within --ocsp-clock-skew). Only revocation is checked: the issuer is trusted as \
            given (check the chain with `cert verify`). Exits 0 when the certificate is good, 5 when it is revoked or \
            unknown or no response passed the checks.
            """
    )

    @Argument(help: "The certificate to check (PEM or DER).", completion: .file())
    var file: String

    @Option(help: "Its issuer's certificate (PEM or DER).", completion: .file())
    var issuer: String

    @OptionGroup var ocsp: OCSPOptions

    @Option(
        name: .customLong("ocsp-response"), help: "Check this saved OCSP response (DER) instead of asking a responder.",
        completion: .file())
    var responseFile: String?

    @OptionGroup var at: VerificationTimeOptions

    @Option(
        name: .customLong("save-response"), help: "Write the response received (DER) to this file ('-': stdout).",
        completion: .file())
    var saveResponse: String?

    @OptionGroup var output: OutputOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if (ocsp.url == nil) == (responseFile == nil) {
            throw ValidationError("give either --ocsp-url or --ocsp-response")
        }
        if saveResponse == "-", output.json {
            throw ValidationError("--save-response - and --json both write to stdout")
        }
    }

    func run() async throws {
        try await Reporter.run(json: output.json) {
            let certificate = try Certificate(bytes: readFile(file))
            let issuerCertificate = try Certificate(bytes: readFile(issuer))
            let target = try saveResponse.map { try OutputTarget.prepare($0, binary: true) }
            let time = at.time
            let result: OCSPResult
            if let responseFile {
                result = ocsp.client.evaluate(
                    response: try readFile(responseFile), for: certificate, issuer: issuerCertificate,
                    source: .response(name: responseFile), at: time)
            } else {
                result = await ocsp.check(certificate, issuer: issuerCertificate, at: time)!
            }
            if let target, let bytes = result.responseBytes { try target.write(bytes) }
            output.emit(OCSPReport(result)) { $0.text }
            if !result.isGood { throw ExitCode(ExitStatus.verificationFailed.rawValue) }
        }
    }
}
