//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import Dispatch
public import FoundationEssentials

/// Asks an OCSP responder (RFC 6960) whether a certificate is revoked, and checks the answer completely.
///
/// A check builds a request (``OCSPRequest``: the CertID with ``Options/hashAlgorithm``, and a fresh nonce), POSTs
/// it with OpenSSL's HTTP client within ``Options/timeout``, and accepts the response only if
///
/// 1. it is a successful BasicOCSPResponse,
/// 2. its signature verifies with the key of the certificate its responder ID names,
/// 3. that signer is the issuer, or a certificate the issuer issued directly with extendedKeyUsage
///    id-kp-OCSPSigning that is valid at the time (a delegated responder, RFC 6960 section 4.2.2.2),
/// 4. it echoes the nonce (``Options/nonce``),
/// 5. it has an answer for this certificate's CertID,
/// 6. that answer is fresh: thisUpdate not after the time plus ``Options/clockSkew``, nextUpdate not before the time
///    minus it (without a nextUpdate: thisUpdate within ``Options/maximumAge``).
///
/// Anything else is an ``OCSPResult`` with ``OCSPResult/failures`` and no status, never a thrown error and never a
/// crash: a responder that is down, slow, or answers garbage, a replayed or stale response, a response signed by an
/// unrelated key.
///
/// ```swift
/// let client = OCSPClient()
/// let result = await client.check(leaf, issuer: issuingCA, responderURL: "http://ocsp.example.jp/")
/// guard result.isGood else { print(result.status?.code ?? "no answer", result.failures); return }
/// ```
///
/// - Important: The issuer is trusted as given: the check proves that the issuer (or its delegate) says the
///   certificate is good, not that the issuer is trustworthy. Verify the chain with ``CertificateVerifier`` and pass
///   the issuer from the verified chain, never a certificate just because it came from the card.
public struct OCSPClient: Sendable {
    /// Whether a nonce is sent and must come back.
    public enum NoncePolicy: String, Sendable, Hashable, CaseIterable {
        /// Send one; a response that does not echo it is refused (the default: replayed responses are refused).
        case required
        /// Send one; a response without a nonce is accepted (responders that pre-sign their responses), one with a
        /// different nonce is still refused.
        case optional
        /// Send none.
        case none
    }

    /// How a check is made.
    public struct Options: Sendable {
        /// The CertID hash (default SHA-1, which RFC 5019 responders must support; SHA-256 when the responder takes
        /// it).
        public var hashAlgorithm: HashAlgorithm
        /// Whether a nonce is sent and must come back.
        public var nonce: NoncePolicy
        /// How long the exchange may take, connecting included (whole seconds, at least one).
        public var timeout: Duration
        /// How far the local clock and the responder's may disagree when judging thisUpdate and nextUpdate.
        public var clockSkew: TimeInterval
        /// For an answer without nextUpdate: how old its thisUpdate may be.
        public var maximumAge: TimeInterval
        /// Which HTTP proxy to use.
        public var proxy: Proxy
        /// The largest response accepted, in bytes.
        public var maximumResponseSize: Int

        public init(
            hashAlgorithm: HashAlgorithm = .sha1,
            nonce: NoncePolicy = .required,
            timeout: Duration = .seconds(10),
            clockSkew: TimeInterval = 300,
            maximumAge: TimeInterval = 86_400,
            proxy: Proxy = .environment,
            maximumResponseSize: Int = 1 << 20
        ) {
            self.hashAlgorithm = hashAlgorithm
            self.nonce = nonce
            self.timeout = timeout
            self.clockSkew = clockSkew
            self.maximumAge = maximumAge
            self.proxy = proxy
            self.maximumResponseSize = maximumResponseSize
        }

        /// ``timeout`` in whole seconds, rounded up, at least one.
        var timeoutSeconds: Int {
            let (seconds, attoseconds) = timeout.components
            return max(1, Int(seconds) + (attoseconds > 0 ? 1 : 0))
        }
    }

    /// Which HTTP proxy requests go through.
    public enum Proxy: Sendable, Hashable {
        /// `http_proxy` / `HTTP_PROXY`, except for hosts in `no_proxy` (the default, as curl and wget).
        case environment
        /// No proxy.
        case none
        /// This proxy, `http://host:port`.
        case url(String)
    }

    /// How checks are made.
    public let options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    /// Checks `certificate` with the responder at `responderURL`, without blocking the caller's thread: the exchange
    /// runs on a Dispatch queue, never on Swift's cooperative pool.
    ///
    /// - Parameters:
    ///   - certificate: the certificate to check.
    ///   - issuer: its issuer (from a verified chain).
    ///   - responderURL: an `http:` URL (the certificate's own is in ``Certificate/ocspResponderURLs``).
    ///   - time: the time freshness is judged at; now by default.
    /// - Returns: the verdict.
    public func check(
        _ certificate: Certificate,
        issuer: Certificate,
        responderURL: String,
        at time: Date = Date()
    ) async -> OCSPResult {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    returning: checkBlocking(certificate, issuer: issuer, responderURL: responderURL, at: time))
            }
        }
    }

    /// ``check(_:issuer:responderURL:at:)`` on the calling thread, which it blocks for up to ``Options/timeout``.
    public func checkBlocking(
        _ certificate: Certificate,
        issuer: Certificate,
        responderURL: String,
        at time: Date = Date()
    ) -> OCSPResult {
        let source = OCSPResult.Source.responder(url: responderURL)
        func failed(_ failure: OCSPFailure, nonce: OCSPResult.NonceCheck = .notSent) -> OCSPResult {
            OCSPResult(
                source: source, serialNumber: certificate.serialNumber, time: time, status: nil, failures: [failure],
                hashAlgorithm: options.hashAlgorithm, nonce: nonce)
        }
        guard certificate.handle.isIssued(by: issuer.handle) else {
            return failed(.issuerMismatch(issuer: issuer.subject.description))
        }
        let request: OCSPRequest
        do {
            request = try OCSPRequest(
                certificate: certificate, issuer: issuer, hashAlgorithm: options.hashAlgorithm,
                includeNonce: options.nonce != .none)
        } catch {
            return failed(.internalError(String(describing: error)))
        }
        let nonceSent: OCSPResult.NonceCheck = request.nonce == nil ? .notSent : .notChecked
        let response: [UInt8]
        do throws(OCSPHTTPTransport.Failure) {
            response = try OCSPHTTPTransport.post(
                request.derBytes, to: responderURL, timeoutSeconds: options.timeoutSeconds,
                proxy: options.proxy.transport, maximumResponseSize: options.maximumResponseSize)
        } catch {
            switch error {
            case .invalidURL(let reason): return failed(.invalidURL(reason), nonce: nonceSent)
            case .unreachable(let reason):
                return failed(.unreachable(url: responderURL, reason: reason), nonce: nonceSent)
            case .timedOut:
                return failed(.timedOut(url: responderURL, seconds: options.timeoutSeconds), nonce: nonceSent)
            case .exchange(let reason): return failed(.httpFailure(url: responderURL, reason: reason), nonce: nonceSent)
            }
        }
        return evaluate(response: response, to: request, source: source, at: time)
    }

    /// Checks a response to `request` obtained by other means.
    ///
    /// - Returns: the verdict; the nonce is compared with the request's.
    public func evaluate(
        response: [UInt8],
        to request: OCSPRequest,
        source: OCSPResult.Source,
        at time: Date = Date()
    ) -> OCSPResult {
        evaluate(
            response: response, certificate: request.certificate, issuer: request.issuer, request: request,
            source: source, at: time)
    }

    /// Checks a response handed in without its request (a saved or stapled response): everything but the nonce,
    /// which cannot be compared (``OCSPResult/NonceCheck/notApplicable``). The answer for `certificate` is looked up
    /// under each CertID hash of ``HashAlgorithm``.
    public func evaluate(
        response: [UInt8],
        for certificate: Certificate,
        issuer: Certificate,
        source: OCSPResult.Source,
        at time: Date = Date()
    ) -> OCSPResult {
        evaluate(response: response, certificate: certificate, issuer: issuer, request: nil, source: source, at: time)
    }

    private func evaluate(
        response bytes: [UInt8],
        certificate: Certificate,
        issuer: Certificate,
        request: OCSPRequest?,
        source: OCSPResult.Source,
        at time: Date
    ) -> OCSPResult {
        var nonce: OCSPResult.NonceCheck =
            request == nil ? .notApplicable : request?.nonce == nil ? .notSent : .notChecked
        var responder: OCSPResult.Responder?
        var producedAt: Date?
        var single: (status: OCSPBasicResponseHandle.SingleStatus, hash: HashAlgorithm)?
        func verdict(_ failures: [OCSPFailure], status: OCSPResult.CertificateStatus? = nil) -> OCSPResult {
            OCSPResult(
                source: source, serialNumber: certificate.serialNumber, time: time, status: status, failures: failures,
                responder: responder, hashAlgorithm: single?.hash ?? request?.hashAlgorithm,
                thisUpdate: single?.status.thisUpdate, nextUpdate: single?.status.nextUpdate, producedAt: producedAt,
                nonce: nonce, responseBytes: bytes)
        }

        guard certificate.handle.isIssued(by: issuer.handle) else {
            return verdict([.issuerMismatch(issuer: issuer.subject.description)])
        }
        let response: OCSPResponseHandle
        do {
            response = try OCSPResponseHandle(der: bytes)
        } catch let error as MynaVerifyError {
            return verdict([.malformedResponse(error.reason)])
        } catch {
            return verdict([.malformedResponse(String(describing: error))])
        }
        guard response.status == 0 else { return verdict([.responderError(status: Self.statusName(response.status))]) }
        guard let basic = response.basicResponse() else {
            return verdict([.malformedResponse("a successful response without a BasicOCSPResponse")])
        }
        producedAt = basic.producedAt

        // Who signed it, and may they?
        guard let signer = basic.signer(candidates: [issuer.handle]) else { return verdict([.signerNotFound]) }
        guard basic.signatureVerifies(candidates: [issuer.handle]) else { return verdict([.badSignature]) }
        if let reason = basic.responderRejection(issuer: issuer.handle, at: time) {
            return verdict([.unauthorizedResponder(signer: signer.subjectDescription, reason: reason)])
        }
        responder = signer.derEncoding() == issuer.derBytes ? .issuer : .delegated(subject: signer.subjectDescription)

        var failures: [OCSPFailure] = []
        if let request, request.nonce != nil {
            switch basic.nonceStatus(against: request.handle) {
            case 1: nonce = .echoed
            case -1:
                nonce = .notEchoed
                if options.nonce == .required { failures.append(.nonceMissing) }
            default:
                nonce = .mismatched
                failures.append(.nonceMismatch)
            }
        }

        // The answer for this certificate.
        let certIDs: [(OCSPCertIDHandle, HashAlgorithm)]
        if let request {
            certIDs = [(request.handle.certID, request.hashAlgorithm)]
        } else {
            certIDs = HashAlgorithm.allCases.compactMap { hash in
                (try? OCSPCertIDHandle(certificate: certificate.handle, issuer: issuer.handle, hash: hash))
                    .map { ($0, hash) }
            }
        }
        single = certIDs.lazy.compactMap { id, hash in basic.singleStatus(for: id).map { ($0, hash) } }.first
        guard let answer = single?.status else { return verdict(failures + [.certificateNotInResponse]) }
        guard !answer.hasUndecodableTime, let thisUpdate = answer.thisUpdate else {
            return verdict(failures + [.malformedTime])
        }
        let skew = options.clockSkew
        if thisUpdate > time.addingTimeInterval(skew) { failures.append(.notYetValid(thisUpdate: thisUpdate)) }
        if let nextUpdate = answer.nextUpdate {
            if nextUpdate < time.addingTimeInterval(-skew) { failures.append(.stale(nextUpdate: nextUpdate)) }
        } else if thisUpdate < time.addingTimeInterval(-options.maximumAge - skew) {
            failures.append(.tooOld(thisUpdate: thisUpdate, maximumAge: options.maximumAge))
        }

        switch answer.status {
        case 0: return verdict(failures, status: .good)
        case 1:
            let reason = answer.reason >= 0 ? RevokedCertificate.Reason(rawValue: Int(answer.reason)) : nil
            return verdict(failures, status: .revoked(time: answer.revocationTime, reason: reason))
        case 2: return verdict(failures, status: .unknown)
        default: return verdict(failures + [.malformedResponse("certificate status \(answer.status)")])
        }
    }

    /// The OCSPResponseStatus names of RFC 6960 section 4.2.1.
    private static func statusName(_ status: Int) -> String {
        switch status {
        case 1: return "malformedRequest"
        case 2: return "internalError"
        case 3: return "tryLater"
        case 5: return "sigRequired"
        case 6: return "unauthorized"
        default: return "status \(status)"
        }
    }
}

extension OCSPClient.Proxy {
    var transport: OCSPHTTPTransport.Proxy {
        switch self {
        case .environment: return .environment
        case .none: return .none
        case .url(let url): return .url(url)
        }
    }
}

extension Certificate {
    /// The OCSP responder URLs of the certificate's authorityInfoAccess extension (id-ad-ocsp), in order; empty when
    /// it names none.
    public var ocspResponderURLs: [String] {
        handle.ocspResponderURLs()
    }
}
