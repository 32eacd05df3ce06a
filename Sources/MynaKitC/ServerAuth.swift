//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import CMynaKit
import FoundationEssentials
import MynaCard
import MynaServiceAPI
import MynaServiceClient
import MynaVerify

#if canImport(Glibc)
import Glibc
#endif

// The server flow (version node MYNAKIT_1.1; Docs/VerificationService.md): the relying party's verification service
// issues the challenge and decides; the card signs; the library relays. The same steps as `mynakit auth --server`:
// the certificate is read in one transaction, the challenge fetched just before the second one has the card sign it.

@c @implementation
public func mynakit_auth_server(
    _ session: OpaquePointer?, _ url: UnsafePointer<CChar>?, _ api_key: UnsafePointer<CChar>?,
    _ ca_file: UnsafePointer<CChar>?, _ pin: UnsafePointer<CChar>?, _ allow_last_try: Int32,
    _ verdict_json: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ err: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    verdict_json?.pointee = nil
    return reportingErrors(err) {
        let function: StaticString = "mynakit_auth_server"
        let session = try openSession(session, in: function)
        let address = try CInput.string(url, name: "url", in: function)
        let key = try CInput.string(api_key, name: "api_key", in: function)
        let caFile = try ca_file.map { try CInput.string($0, name: "ca_file", in: function) }
        let secret = try CInput.pin(pin, kind: .authentication, name: "pin", in: function)
        let allowLastTry = allow_last_try != 0
        let client: VerificationServiceClient
        do {
            client = try VerificationServiceClient(url: address, apiKey: key, trustedCAFile: caFile)
        } catch {
            throw ServiceFailure(error, in: function).failure
        }
        defer { client.close() }

        let certificate = try session.run(function) { card in try card.jpki.readCertificate(.authentication) }
        let hash = HashAlgorithm.sha256
        let verdict: Verdict
        do {
            let challenge = try Blocking.run { try await client.requestChallenge() }
            let digest = try hash.digest(challenge.bytes)
            let signature = try session.run(function) { card in
                try card.jpki.sign(
                    digest: digest, algorithm: hash, key: .authentication, pin: secret, allowLastTry: allowLastTry)
            }
            let answer = CardAnswer(
                challengeId: challenge.id, certificate: certificate, signature: signature, hash: hash)
            verdict = try Blocking.run { try await client.submit(answer.request) }
        } catch let error as ServiceClientError {
            throw ServiceFailure(error, in: function).failure
        }

        if let verdict_json {
            let document = try ServiceAPI.makeEncoder().encode(verdict)
            guard let text = strdup(String(decoding: document, as: UTF8.self)) else {
                throw ABIFailure.outOfMemory("the verdict")
            }
            verdict_json.pointee = text
        }
        guard verdict.valid else {
            let reasons = verdict.failures.map { "\($0.code): \($0.message)" }.joined(separator: "; ")
            throw ABIFailure(
                code: Int32(MYNAKIT_E_VERIFICATION), name: verdict.failures.first?.code ?? "rejected",
                message: "the verification service rejected the answer: \(reasons)")
        }
    }
}

/// A ``ServiceClientError`` as a C caller sees it, with the exit statuses of `mynakit auth --server`: a refused
/// challenge is a failed verification (5), a refused key or an unreachable or confused service is 69, a bad URL 64.
private struct ServiceFailure {
    let failure: ABIFailure

    init(_ error: any Error, in function: StaticString) {
        guard let error = error as? ServiceClientError else {
            failure = ABIFailure(error)
            return
        }
        switch error {
        case .invalidURL(let reason):
            failure = .usage(function, "url: \(reason)")
        case .refused(let status, let code, let message) where status == 409 || status == 410:
            failure = ABIFailure(code: Int32(MYNAKIT_E_VERIFICATION), name: code, message: message)
        case .refused(_, let code, _):
            failure = ABIFailure(code: Int32(MYNAKIT_E_SERVICE), name: code, message: error.description)
        case .tls:
            failure = ABIFailure(code: Int32(MYNAKIT_E_SERVICE), name: "tls", message: error.description)
        case .unreachable, .connectionLost, .timedOut:
            failure = ABIFailure(code: Int32(MYNAKIT_E_SERVICE), name: "unreachable", message: error.description)
        case .malformedResponse:
            failure = ABIFailure(
                code: Int32(MYNAKIT_E_SERVICE), name: "malformed-response", message: error.description)
        }
    }
}
