//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import COpenSSL
import FoundationEssentials

#if canImport(Glibc)
import Glibc
#endif
import OpenSSLSupport

/// Owns an OpenSSL `OCSP_BASICRESP` (RFC 6960 section 4.2.1, BasicOCSPResponse) and runs each check of it as a
/// separate step, so that a failed check can be named: who signed it, whether the signature verifies, whether that
/// signer may answer for the issuer, the nonce, and the status of one certificate.
///
/// Not `Sendable`: parsed, checked and dropped within one evaluation.
final class OCSPBasicResponseHandle {
    let pointer: OpaquePointer

    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        OCSP_BASICRESP_free(pointer)
    }

    /// When the responder signed the response, or `nil` when it does not decode.
    var producedAt: Date? {
        OCSP_resp_get0_produced_at(pointer).flatMap(ASN1.date(of:))
    }

    /// The certificate the responder ID names, among the certificates in the response and `candidates` (the
    /// issuer: a CA that signs its own responses often sends no certificate).
    func signer(candidates: [X509Handle]) -> X509Handle? {
        withStack(of: candidates) { stack in
            var signer: OpaquePointer?
            guard OCSP_resp_get0_signer(pointer, &signer, stack) == 1, let signer else {
                ERR_clear_error()
                return nil
            }
            return X509Handle(retaining: signer)
        }
    }

    /// Whether the response's signature verifies with the key of the certificate its responder ID names (found as
    /// ``signer(candidates:)`` finds it). Nothing about that certificate is checked here.
    func signatureVerifies(candidates: [X509Handle]) -> Bool {
        withStack(of: candidates) { stack in
            let status = OCSP_basic_verify(pointer, stack, nil, UInt(OCSP_NOVERIFY))
            ERR_clear_error()
            return status > 0
        }
    }

    /// Whether the signer may answer for `issuer`'s certificates (RFC 6960 section 4.2.2.2): it is the issuer
    /// itself, or a certificate the issuer issued directly with extendedKeyUsage id-kp-OCSPSigning, valid at `time`.
    ///
    /// `OCSP_basic_verify` does the work, against a store whose one anchor is `issuer` (a partial chain: the issuer
    /// need not be a root; whether it chains to a trust anchor is the caller's business), with explicit trust
    /// settings ignored.
    ///
    /// - Returns: `nil` when authorised, otherwise OpenSSL's reasons.
    func responderRejection(issuer: X509Handle, at time: Date) -> String? {
        guard let store = X509_STORE_new() else { return "X509_STORE_new failed" }
        defer { X509_STORE_free(store) }
        guard X509_STORE_add_cert(store, issuer.pointer) == 1, let parameters = X509_STORE_get0_param(store) else {
            return "cannot build the responder check: " + OpenSSLErrorQueue.drain().joined(separator: "; ")
        }
        X509_VERIFY_PARAM_set_time(parameters, time_t(time.timeIntervalSince1970.rounded(.down)))
        X509_VERIFY_PARAM_set_flags(parameters, UInt(X509_V_FLAG_PARTIAL_CHAIN))
        return withStack(of: [issuer]) { stack in
            ERR_clear_error()
            let flags = UInt(OCSP_PARTIAL_CHAIN) | UInt(OCSP_NOEXPLICIT)
            if OCSP_basic_verify(pointer, stack, store, flags) > 0 {
                ERR_clear_error()
                return nil
            }
            let reasons = OpenSSLErrorQueue.drain()
            return reasons.isEmpty ? "OCSP_basic_verify rejected the responder" : reasons.joined(separator: "; ")
        }
    }

    /// `OCSP_check_nonce`: 1 the response echoes the request's nonce, 0 it carries another, -1 it carries none,
    /// 2 neither has one, 3 only the response has one.
    func nonceStatus(against request: OCSPRequestHandle) -> Int {
        Int(OCSP_check_nonce(request.pointer, pointer))
    }

    /// What one SingleResponse says.
    struct SingleStatus {
        /// `V_OCSP_CERTSTATUS_GOOD` (0), `_REVOKED` (1) or `_UNKNOWN` (2).
        var status: Int32
        /// The CRLReason of a revocation, or -1 when none is given.
        var reason: Int32
        var revocationTime: Date?
        var thisUpdate: Date?
        var nextUpdate: Date?
        /// Whether a time that is present failed to decode.
        var hasUndecodableTime: Bool
    }

    /// The SingleResponse for `certID` (hash algorithm, issuer hashes and serial number all equal), or `nil`.
    func singleStatus(for certID: OCSPCertIDHandle) -> SingleStatus? {
        var status: Int32 = -1
        var reason: Int32 = -1
        var revoked: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>?
        var thisUpdate: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>?
        var nextUpdate: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>?
        guard OCSP_resp_find_status(pointer, certID.pointer, &status, &reason, &revoked, &thisUpdate, &nextUpdate) == 1
        else {
            ERR_clear_error()
            return nil
        }
        let times = [revoked, thisUpdate, nextUpdate].map { time in time.map { ASN1.date(of: UnsafePointer($0)) } }
        return SingleStatus(
            status: status,
            reason: reason,
            revocationTime: times[0] ?? nil,
            thisUpdate: times[1] ?? nil,
            nextUpdate: times[2] ?? nil,
            hasUndecodableTime: times.contains { $0 != nil && $0! == nil }
        )
    }

    /// Runs `body` with a `STACK_OF(X509)` holding `certificates` (borrowed: the stack is freed, they are not).
    private func withStack<Result>(of certificates: [X509Handle], _ body: (OpaquePointer?) -> Result) -> Result {
        guard let stack = COpenSSL_sk_X509_new_null() else { return body(nil) }
        defer { COpenSSL_sk_X509_free(stack) }
        for certificate in certificates { _ = COpenSSL_sk_X509_push(stack, certificate.pointer) }
        return withExtendedLifetime(certificates) { body(stack) }
    }
}
