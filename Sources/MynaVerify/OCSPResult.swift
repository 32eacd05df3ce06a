//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

public import FoundationEssentials

/// The verdict of an OCSP check (``OCSPClient``): the certificate's status, when a response passed every check, or
/// every reason the check could not give one.
///
/// ``status`` is set only for a response that is well formed, successful, signed by the issuer or by a responder the
/// issuer delegated to, fresh at ``time``, echoing the nonce when one was sent, and answering for this certificate.
/// A response that fails any of that says nothing, whatever status it claims.
public struct OCSPResult: Sendable {
    /// Where the response came from.
    public enum Source: Sendable, Hashable, CustomStringConvertible {
        /// A responder the request was POSTed to.
        case responder(url: String)
        /// A response handed in (read from a file, stapled, cached), named by `name`.
        case response(name: String)

        /// `ocsp URL`, or `ocsp response NAME`: the revocation source a verdict names.
        public var description: String {
            switch self {
            case .responder(let url): return "ocsp \(url)"
            case .response(let name): return "ocsp response \(name)"
            }
        }
    }

    /// The certificate's status (RFC 6960 section 2.2).
    public enum CertificateStatus: Sendable, Hashable, CustomStringConvertible {
        /// Not revoked (as far as the responder knows: RFC 6960 does not promise the certificate was ever issued).
        case good
        /// Revoked at `time`, for `reason` when the response gives one.
        case revoked(time: Date?, reason: RevokedCertificate.Reason?)
        /// The responder does not know the certificate.
        case unknown

        /// `good`, `revoked` or `unknown`.
        public var code: String {
            switch self {
            case .good: return "good"
            case .revoked: return "revoked"
            case .unknown: return "unknown"
            }
        }

        public var description: String { code }
    }

    /// Who signed an accepted response.
    public enum Responder: Sendable, Hashable, CustomStringConvertible {
        /// The certificate's issuer itself.
        case issuer
        /// A responder certificate the issuer issued with extendedKeyUsage id-kp-OCSPSigning.
        case delegated(subject: String)

        public var description: String {
            switch self {
            case .issuer: return "the issuer"
            case .delegated(let subject): return "delegated responder \(subject)"
            }
        }
    }

    /// What became of the nonce.
    public enum NonceCheck: String, Sendable, Hashable {
        /// Sent, and echoed by the response.
        case echoed
        /// Sent, and the response carries none: refused (``OCSPFailure/nonceMissing``) unless
        /// ``OCSPClient/Options/nonce`` is ``OCSPClient/NoncePolicy/optional``.
        case notEchoed = "not-echoed"
        /// Sent, and the response carries another (``OCSPFailure/nonceMismatch``).
        case mismatched
        /// Sent, but no response got as far as the comparison (no answer, or a response refused before it).
        case notChecked = "not-checked"
        /// No nonce was sent.
        case notSent = "not-sent"
        /// The response was handed in without the request it answers, so there is no nonce to compare.
        case notApplicable = "not-applicable"
    }

    /// Where the response came from.
    public let source: Source
    /// The serial number of the certificate asked about, in the form of ``Certificate/serialNumber``.
    public let serialNumber: String
    /// The time freshness was judged at.
    public let time: Date
    /// The certificate's status; `nil` unless the response passed every check.
    public let status: CertificateStatus?
    /// Why the check gave no status; empty when ``status`` is set.
    public let failures: [OCSPFailure]
    /// Who signed the response, when its signer was accepted.
    public let responder: Responder?
    /// The CertID hash of the answer that was used (or of the request, when none was).
    public let hashAlgorithm: HashAlgorithm?
    /// The SingleResponse's thisUpdate and nextUpdate, and the response's producedAt, when a response was read.
    public let thisUpdate: Date?
    public let nextUpdate: Date?
    public let producedAt: Date?
    /// What became of the nonce.
    public let nonce: NonceCheck
    /// The response exactly as received, when one was (to keep, or to staple).
    public let responseBytes: [UInt8]?

    /// Whether the certificate is known good: a response passed every check and says good.
    public var isGood: Bool { failures.isEmpty && status == .good }

    init(
        source: Source, serialNumber: String, time: Date, status: CertificateStatus?, failures: [OCSPFailure],
        responder: Responder? = nil, hashAlgorithm: HashAlgorithm? = nil, thisUpdate: Date? = nil,
        nextUpdate: Date? = nil, producedAt: Date? = nil, nonce: NonceCheck, responseBytes: [UInt8]? = nil
    ) {
        self.source = source
        self.serialNumber = serialNumber
        self.time = time
        self.status = failures.isEmpty ? status : nil
        self.failures = failures
        self.responder = responder
        self.hashAlgorithm = hashAlgorithm
        self.thisUpdate = thisUpdate
        self.nextUpdate = nextUpdate
        self.producedAt = producedAt
        self.nonce = nonce
        self.responseBytes = responseBytes
    }
}

/// One reason an OCSP check gave no status.
public enum OCSPFailure: Sendable, Hashable, CustomStringConvertible {
    /// The certificate given as the issuer did not issue the certificate (names, key identifiers or signature do
    /// not match): nothing was sent.
    case issuerMismatch(issuer: String)
    /// The responder URL does not parse or is not `http:`.
    case invalidURL(String)
    /// No connection to the responder.
    case unreachable(url: String, reason: String)
    /// No complete answer within the timeout.
    case timedOut(url: String, seconds: Int)
    /// Connected, but the HTTP exchange failed (an error status, another content type, a truncated or oversized body).
    case httpFailure(url: String, reason: String)
    /// The bytes are not an OCSPResponse, or not a basic one.
    case malformedResponse(String)
    /// The responder answered with an error status instead of a response (`tryLater`, `unauthorized`, …).
    case responderError(status: String)
    /// The response names a signer that is neither the issuer nor a certificate it carries.
    case signerNotFound
    /// The response's signature does not verify with its signer's key.
    case badSignature
    /// The signer may not answer for this issuer: not the issuer, nor issued by it with id-kp-OCSPSigning, or not
    /// valid at the time.
    case unauthorizedResponder(signer: String, reason: String)
    /// The response echoes a different nonce: it answers another request (a replay).
    case nonceMismatch
    /// A nonce was sent and ``OCSPClient/NoncePolicy/required``, and the response carries none.
    case nonceMissing
    /// The response carries no answer for this certificate.
    case certificateNotInResponse
    /// The answer's thisUpdate is later than the time plus the allowed clock skew.
    case notYetValid(thisUpdate: Date)
    /// The answer's nextUpdate passed before the time minus the allowed clock skew.
    case stale(nextUpdate: Date)
    /// The answer has no nextUpdate and its thisUpdate is older than the allowed maximum age.
    case tooOld(thisUpdate: Date, maximumAge: TimeInterval)
    /// A time in the response does not decode.
    case malformedTime
    /// OpenSSL could not run the check (allocation failure and the like).
    case internalError(String)

    /// A stable identifier for JSON output and scripts: `ocsp-issuer-mismatch`, `ocsp-invalid-url`,
    /// `ocsp-unreachable`, `ocsp-timeout`, `ocsp-http`, `ocsp-malformed`, `ocsp-responder-error`,
    /// `ocsp-signer-not-found`, `ocsp-bad-signature`, `ocsp-unauthorized-responder`, `ocsp-nonce-mismatch`,
    /// `ocsp-nonce-missing`, `ocsp-no-answer`, `ocsp-not-yet-valid`, `ocsp-stale`, `ocsp-too-old`,
    /// `ocsp-malformed-time`, `ocsp-internal-error`.
    public var code: String {
        switch self {
        case .issuerMismatch: return "ocsp-issuer-mismatch"
        case .invalidURL: return "ocsp-invalid-url"
        case .unreachable: return "ocsp-unreachable"
        case .timedOut: return "ocsp-timeout"
        case .httpFailure: return "ocsp-http"
        case .malformedResponse: return "ocsp-malformed"
        case .responderError: return "ocsp-responder-error"
        case .signerNotFound: return "ocsp-signer-not-found"
        case .badSignature: return "ocsp-bad-signature"
        case .unauthorizedResponder: return "ocsp-unauthorized-responder"
        case .nonceMismatch: return "ocsp-nonce-mismatch"
        case .nonceMissing: return "ocsp-nonce-missing"
        case .certificateNotInResponse: return "ocsp-no-answer"
        case .notYetValid: return "ocsp-not-yet-valid"
        case .stale: return "ocsp-stale"
        case .tooOld: return "ocsp-too-old"
        case .malformedTime: return "ocsp-malformed-time"
        case .internalError: return "ocsp-internal-error"
        }
    }

    public var description: String {
        switch self {
        case .issuerMismatch(let issuer):
            return "\(issuer) did not issue the certificate; no request was sent"
        case .invalidURL(let reason):
            return "invalid responder URL: \(reason)"
        case .unreachable(let url, let reason):
            return "the responder \(url) cannot be reached: \(reason)"
        case .timedOut(let url, let seconds):
            return "the responder \(url) did not answer within \(seconds) s"
        case .httpFailure(let url, let reason):
            return "the HTTP exchange with \(url) failed: \(reason)"
        case .malformedResponse(let reason):
            return "the response is not a valid OCSP response: \(reason)"
        case .responderError(let status):
            return "the responder answered \(status) instead of a status"
        case .signerNotFound:
            return "the response's signer is neither the issuer nor a certificate in the response"
        case .badSignature:
            return "the response's signature does not verify"
        case .unauthorizedResponder(let signer, let reason):
            return "\(signer) may not answer for this issuer: \(reason)"
        case .nonceMismatch:
            return "the response carries another nonce than the request: it answers another request"
        case .nonceMissing:
            return "the response does not echo the request's nonce"
        case .certificateNotInResponse:
            return "the response has no answer for this certificate"
        case .notYetValid(let thisUpdate):
            return "the answer is not valid yet (thisUpdate \(thisUpdate.formatted(.iso8601)))"
        case .stale(let nextUpdate):
            return "the answer is stale (nextUpdate \(nextUpdate.formatted(.iso8601)))"
        case .tooOld(let thisUpdate, let maximumAge):
            return "the answer has no nextUpdate and is older than \(Int(maximumAge)) s "
                + "(thisUpdate \(thisUpdate.formatted(.iso8601)))"
        case .malformedTime:
            return "a time in the response does not decode"
        case .internalError(let reason):
            return "the OCSP check could not run: \(reason)"
        }
    }

    /// Whether the responder gave no usable answer at all (unreachable, timed out, HTTP failure, responder error):
    /// a failure of the service rather than of a response.
    public var isUnavailable: Bool {
        switch self {
        case .unreachable, .timedOut, .httpFailure, .responderError: return true
        default: return false
        }
    }
}
