//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import ArgumentParser
import FoundationEssentials

#if canImport(Glibc)
import Glibc
#endif
import MynaVerify

/// `--ocsp-url URL` and how the OCSP check is made (`cert status`; meant for `auth` and `cert verify` too): the
/// options are all spelled `--ocsp-…` so that they sit next to any command's own.
struct OCSPOptions: ParsableArguments {
    @Option(name: .customLong("ocsp-url"), help: "Ask this OCSP responder (http) for the certificate's status.")
    var url: String?

    @Option(name: .customLong("ocsp-hash"), help: "The CertID hash: sha1 (default, what responders expect) or sha256.")
    var hash: HashAlgorithm?

    @Option(
        name: .customLong("ocsp-nonce"),
        help: "required (default: a response must echo the request's nonce), optional, or none (send none).")
    var nonce: OCSPClient.NoncePolicy?

    @Option(name: .customLong("ocsp-timeout"), help: "Seconds the whole exchange may take (default 10).")
    var timeout = 10

    @Option(
        name: .customLong("ocsp-clock-skew"),
        help: "Seconds the clocks may disagree when judging thisUpdate and nextUpdate (default 300).")
    var clockSkew = 300

    @Option(
        name: .customLong("ocsp-max-age"),
        help: "Seconds an answer without nextUpdate stays acceptable after its thisUpdate (default 86400).")
    var maximumAge = 86_400

    func validate() throws {
        if timeout < 1 { throw ValidationError("--ocsp-timeout must be at least 1 second") }
        if clockSkew < 0 || maximumAge < 0 {
            throw ValidationError("--ocsp-clock-skew and --ocsp-max-age cannot be negative")
        }
    }

    /// The client these options describe (the proxy comes from `http_proxy` / `no_proxy`, as for curl).
    var client: OCSPClient {
        OCSPClient(
            options: OCSPClient.Options(
                hashAlgorithm: hash ?? .sha1, nonce: nonce ?? .required, timeout: .seconds(timeout),
                clockSkew: TimeInterval(clockSkew), maximumAge: TimeInterval(maximumAge)))
    }

    /// `result` with the leaf's revocation status from the responder of `--ocsp-url` (`auth`, `cert verify`), or
    /// `result` unchanged without `--ocsp-url` or when no chain was built (the issuer must come from a verified
    /// chain, never from the card).
    func applied(to result: VerificationResult) async -> VerificationResult {
        guard url != nil, let leaf = result.leaf, result.chain.count >= 2 else { return result }
        guard let answer = await check(leaf, issuer: result.chain[1], at: result.time) else { return result }
        return result.applying(answer)
    }

    /// Asks the responder of `--ocsp-url` about `certificate`; `nil` without `--ocsp-url`. The issuer must come from
    /// a verified chain (or from the operator), never from the card alone.
    func check(_ certificate: Certificate, issuer: Certificate, at time: Date) async -> OCSPResult? {
        guard let url else { return nil }
        return await client.check(certificate, issuer: issuer, responderURL: url, at: time)
    }
}

/// `--ocsp-nonce`: required, optional, none.
extension OCSPClient.NoncePolicy: ExpressibleByArgument {}

/// An OCSP verdict as the CLI prints it, in text and JSON (Docs/JSON.md): `cert status` prints it whole; `auth` and
/// `cert verify` can embed it and name ``source`` as their revocation source.
struct OCSPReport: Encodable {
    struct Failure: Encodable {
        var code: String
        var message: String
    }

    /// `good`, `revoked`, `unknown`, or `no-answer` when no response passed the checks.
    var status: String
    /// `ocsp URL` or `ocsp response FILE`.
    var source: String
    var serialNumber: String
    var time: String
    var revocationTime: String?
    /// The CRLReason as a code: `key-compromise`, `ca-compromise`, `affiliation-changed`, `superseded`,
    /// `cessation-of-operation`, `certificate-hold`, `remove-from-crl`, `privilege-withdrawn`, `aa-compromise`,
    /// `unspecified`.
    var revocationReason: String?
    /// `issuer` or `delegated`, and the delegated responder's subject.
    var responder: String?
    var responderSubject: String?
    var thisUpdate: String?
    var nextUpdate: String?
    var producedAt: String?
    /// `echoed`, `not-echoed`, `mismatched`, `not-checked`, `not-sent`, `not-applicable`.
    var nonce: String
    var certIDHash: String?
    var failures: [Failure]

    init(_ result: OCSPResult) {
        status = result.status?.code ?? "no-answer"
        source = result.source.description
        serialNumber = result.serialNumber
        time = RFC3339.format(result.time)
        if case .revoked(let revoked, let reason) = result.status {
            revocationTime = revoked.map(RFC3339.format)
            revocationReason = reason.map(Self.code)
        }
        switch result.responder {
        case .issuer: responder = "issuer"
        case .delegated(let subject):
            responder = "delegated"
            responderSubject = subject
        case nil: break
        }
        thisUpdate = result.thisUpdate.map(RFC3339.format)
        nextUpdate = result.nextUpdate.map(RFC3339.format)
        producedAt = result.producedAt.map(RFC3339.format)
        nonce = result.nonce.rawValue
        certIDHash = result.hashAlgorithm?.rawValue
        failures = result.failures.map { Failure(code: $0.code, message: $0.description) }
    }

    /// The CRLReason as a kebab-case code (`key-compromise`, `cessation-of-operation`), as JSON enumerations are
    /// spelled (Docs/JSON.md).
    static func code(_ reason: RevokedCertificate.Reason) -> String {
        switch reason {
        case .unspecified: "unspecified"
        case .keyCompromise: "key-compromise"
        case .caCompromise: "ca-compromise"
        case .affiliationChanged: "affiliation-changed"
        case .superseded: "superseded"
        case .cessationOfOperation: "cessation-of-operation"
        case .certificateHold: "certificate-hold"
        case .removeFromCRL: "remove-from-crl"
        case .privilegeWithdrawn: "privilege-withdrawn"
        case .aaCompromise: "aa-compromise"
        }
    }

    /// The one line a verdict of `auth` or `cert verify` gives its revocation source:
    /// `ocsp URL (good, this update T, next update T)`.
    var revocationSource: String {
        var details = [status]
        if let thisUpdate { details.append("this update \(thisUpdate)") }
        if let nextUpdate { details.append("next update \(nextUpdate)") }
        return "\(source) (\(details.joined(separator: ", ")))"
    }

    var text: String {
        let verdict = status == "no-answer" ? "NO ANSWER" : status.uppercased()
        var lines = ["status: \(verdict) (serial \(serialNumber), at \(time))"]
        if let revocationTime {
            lines.append("revoked: \(revocationTime)" + (revocationReason.map { " (\($0))" } ?? ""))
        } else if let revocationReason {
            lines.append("revoked: reason \(revocationReason)")
        }
        lines.append("source: \(source)")
        if let responder {
            lines.append("responder: " + (responderSubject.map { "delegated, \($0)" } ?? responder))
        }
        if let thisUpdate {
            lines.append("this update: \(thisUpdate)")
            lines.append("next update: \(nextUpdate ?? "none")")
        }
        if let producedAt { lines.append("produced at: \(producedAt)") }
        lines.append("nonce: \(nonce)")
        if let certIDHash { lines.append("CertID hash: \(certIDHash)") }
        for failure in failures { lines.append("FAIL \(failure.code): \(failure.message)") }
        return lines.joined(separator: "\n")
    }
}
