//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import COpenSSL
import FoundationEssentials
import OpenSSLSupport

/// Owns an OpenSSL `X509_STORE` filled with trust anchors, and runs chain verifications against it, each with an
/// `X509_STORE_CTX` of its own.
///
/// Two of the store's functions are ours. Its issuer lookup (``selectIssuer``) chooses among anchors that share a
/// name, as every generation of a J-LIS hierarchy does, by key: OpenSSL's own check (name, then authority and subject
/// key identifiers), then the signature, then validity at the verification time; and when CRLs of several
/// generations (one name, several keys) were given, it leaves out those the chosen issuer did not sign. Its
/// revocation check (``recordingCertCRL``) notes which CRL the leaf was checked against, then runs OpenSSL's own.
///
/// `@unchecked Sendable`: the store is filled once in `init` and never changed afterwards; OpenSSL documents
/// `X509_STORE` lookups during `X509_verify_cert` as thread-safe (they take the store's lock), so any number of
/// verifications may share it. A verification keeps this handle (and so the store) alive until its
/// `X509_STORE_CTX` is freed.
final class X509StoreHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    /// OpenSSL's own check of a certificate against a CRL, which ``recordingCertCRL`` hands over to.
    private let openSSLCertCRL: X509_STORE_CTX_cert_crl_fn

    /// A store trusting `anchors` (the store takes a reference to each).
    init(anchors: [X509Handle]) throws {
        guard let store = X509_STORE_new() else { throw MynaVerifyError.openSSL(.openSSLFailure, "X509_STORE_new") }
        for anchor in anchors where X509_STORE_add_cert(store, anchor.pointer) != 1 {
            let error = MynaVerifyError.openSSL(.openSSLFailure, "X509_STORE_add_cert failed")
            X509_STORE_free(store)
            throw error
        }
        // A context made before the store's functions are replaced hands out OpenSSL's defaults.
        guard let probe = X509_STORE_CTX_new() else {
            X509_STORE_free(store)
            throw MynaVerifyError.openSSL(.openSSLFailure, "X509_STORE_CTX_new failed")
        }
        defer { X509_STORE_CTX_free(probe) }
        guard X509_STORE_CTX_init(probe, store, nil, nil) == 1, let certCRL = X509_STORE_CTX_get_cert_crl(probe) else {
            X509_STORE_free(store)
            throw MynaVerifyError.openSSL(.openSSLFailure, "X509_STORE_CTX_init failed")
        }
        X509_STORE_set_get_issuer(store, selectIssuer)
        X509_STORE_set_cert_crl(store, recordingCertCRL)
        openSSLCertCRL = certCRL
        pointer = store
    }

    deinit {
        X509_STORE_free(pointer)
    }

    /// What one verification found.
    struct ChainOutcome {
        var errors: [ChainError]
        /// The chain OpenSSL built, leaf first (possibly partial when no anchor was found).
        var chain: [X509Handle]
        /// The index in the `crls` argument of the CRL the leaf was checked against, when revocation was checked.
        var leafCRLIndex: Int?
    }

    /// Runs `X509_verify_cert` with a callback that records every error and lets verification continue, so the
    /// caller sees all of them rather than the first.
    ///
    /// - Parameters:
    ///   - leaf: the certificate to verify.
    ///   - untrusted: chain-building material; never anchors.
    ///   - crls: the CRLs to check revocation against.
    ///   - checkRevocation: whether to set `X509_V_FLAG_CRL_CHECK` (the leaf must then have a CRL from its issuer).
    ///   - time: the verification time.
    /// - Throws: ``MynaVerifyError/Code/openSSLFailure`` only when OpenSSL cannot run the verification at all.
    func verifyChain(
        leaf: X509Handle,
        untrusted: [X509Handle],
        crls: [CRLHandle],
        checkRevocation: Bool,
        at time: Date
    ) throws -> ChainOutcome {
        ERR_clear_error()
        guard let context = X509_STORE_CTX_new() else {
            throw MynaVerifyError.openSSL(.openSSLFailure, "X509_STORE_CTX_new failed")
        }
        defer { X509_STORE_CTX_free(context) }
        guard let untrustedStack = COpenSSL_sk_X509_new_null() else {
            throw MynaVerifyError.openSSL(.openSSLFailure, "sk_X509_new_null failed")
        }
        defer { COpenSSL_sk_X509_free(untrustedStack) }
        for certificate in untrusted where COpenSSL_sk_X509_push(untrustedStack, certificate.pointer) == 0 {
            throw MynaVerifyError.openSSL(.openSSLFailure, "sk_X509_push failed")
        }
        guard let crlStack = COpenSSL_sk_X509_CRL_new_null() else {
            throw MynaVerifyError.openSSL(.openSSLFailure, "sk_X509_CRL_new_null failed")
        }
        defer { COpenSSL_sk_X509_CRL_free(crlStack) }
        // OpenSSL's CRL check sorts a list's entries on first use; that must happen before the list is shared.
        for crl in crls { crl.sortForOpenSSL() }
        for crl in crls where COpenSSL_sk_X509_CRL_push(crlStack, crl.pointer) == 0 {
            throw MynaVerifyError.openSSL(.openSSLFailure, "sk_X509_CRL_push failed")
        }

        // The context borrows the store, leaf, untrusted certificates and CRLs; the handles outlive it because they
        // are kept alive until the end of this function.
        return try withExtendedLifetime((self, leaf, untrusted, crls)) {
            guard X509_STORE_CTX_init(context, pointer, leaf.pointer, untrustedStack) == 1 else {
                throw MynaVerifyError.openSSL(.openSSLFailure, "X509_STORE_CTX_init failed")
            }
            X509_STORE_CTX_set0_crls(context, crlStack)
            let parameters = X509_STORE_CTX_get0_param(context)
            X509_VERIFY_PARAM_set_time(parameters, time_t(time.timeIntervalSince1970.rounded(.down)))
            if checkRevocation {
                X509_VERIFY_PARAM_set_flags(parameters, UInt(X509_V_FLAG_CRL_CHECK))
            }
            X509_STORE_CTX_set_verify_cb(context, recordingVerifyCallback)

            var record = VerificationRecord(
                leaf: leaf.pointer, openSSLCertCRL: openSSLCertCRL, activeCRLs: crls.map(\.pointer))
            let status = withUnsafeMutablePointer(to: &record) { recorder in
                _ = COpenSSL_X509_STORE_CTX_set_app_data(context, recorder)
                defer { _ = COpenSSL_X509_STORE_CTX_set_app_data(context, nil) }
                return X509_verify_cert(context)
            }
            if let narrowed = record.narrowedCRLs {
                X509_STORE_CTX_set0_crls(context, crlStack)
                COpenSSL_sk_X509_CRL_free(narrowed)
            }
            if status < 0 {
                throw MynaVerifyError.openSSL(.openSSLFailure, "X509_verify_cert could not run")
            }
            var errors = record.errors.map { error in
                ChainError(
                    code: error.code,
                    kind: error.kind,
                    depth: error.depth,
                    crlIndex: error.crlAddress.flatMap { address in crls.firstIndex { $0.pointer == address } }
                )
            }
            if status == 0, errors.isEmpty {
                // Failed without telling the callback (should not happen): report the context's error.
                let code = X509_STORE_CTX_get_error(context)
                errors.append(ChainError(code: code, kind: ChainError.Kind(code), depth: 0, crlIndex: nil))
            }
            var chain: [X509Handle] = []
            if let built = X509_STORE_CTX_get0_chain(context) {
                for index in 0..<COpenSSL_sk_X509_num(built) {
                    if let certificate = COpenSSL_sk_X509_value(built, index) {
                        chain.append(certificate == leaf.pointer ? leaf : X509Handle(retaining: certificate))
                    }
                }
            }
            ERR_clear_error()
            let leafCRLIndex = record.leafCRL.flatMap { address in crls.firstIndex { $0.pointer == address } }
            return ChainOutcome(errors: errors, chain: chain, leafCRLIndex: leafCRLIndex)
        }
    }
}

/// What the callbacks of one verification record, reached through the context's app data. The CRL addresses are
/// turned into indices before leaving this file.
private struct VerificationRecord {
    /// The certificate being verified.
    let leaf: OpaquePointer
    let openSSLCertCRL: X509_STORE_CTX_cert_crl_fn
    /// The CRLs the context checks against: those given, less any ``narrowCRLs`` left out.
    var activeCRLs: [OpaquePointer]
    var errors: [RecordedChainError] = []
    /// The CRL the leaf was checked against.
    var leafCRL: OpaquePointer?
    /// The stack of ``activeCRLs`` handed to the context when ``narrowCRLs`` left some out; freed after the
    /// verification.
    var narrowedCRLs: OpaquePointer?
}

/// One error of the verify callback.
private struct RecordedChainError {
    var code: Int32
    var kind: ChainError.Kind
    var depth: Int
    var crlAddress: OpaquePointer?
}

/// The verify callback: records the error of a failed check and returns 1 so that OpenSSL carries on and reports
/// every other problem too. The verdict is decided from the recorded errors, never from the return value of
/// `X509_verify_cert`.
private func recordingVerifyCallback(_ ok: Int32, _ context: OpaquePointer?) -> Int32 {
    guard ok == 0, let context, let recorder = COpenSSL_X509_STORE_CTX_get_app_data(context) else { return ok }
    let record = recorder.assumingMemoryBound(to: VerificationRecord.self)
    let code = X509_STORE_CTX_get_error(context)
    let depth = Int(X509_STORE_CTX_get_error_depth(context))
    let kind = ChainError.Kind(code)
    let crl = kind.concernsCRL ? X509_STORE_CTX_get0_current_crl(context) : nil
    record.pointee.errors.append(RecordedChainError(code: code, kind: kind, depth: depth, crlAddress: crl))
    return 1
}

/// The store's check of a certificate against the CRL OpenSSL chose for it: notes the CRL when the certificate is the
/// leaf, then runs OpenSSL's own check. Without a record (never the case in ``X509StoreHandle/verifyChain``) it fails
/// closed.
private func recordingCertCRL(
    _ context: OpaquePointer?, _ crl: OpaquePointer?, _ certificate: OpaquePointer?
) -> Int32 {
    guard let context, let recorder = COpenSSL_X509_STORE_CTX_get_app_data(context) else { return 0 }
    let record = recorder.assumingMemoryBound(to: VerificationRecord.self)
    if let certificate, certificate == record.pointee.leaf { record.pointee.leafCRL = crl }
    return record.pointee.openSSLCertCRL(context, crl, certificate)
}

/// The store's issuer lookup. OpenSSL's own takes the first trusted certificate that carries the issuer's name, passes
/// the context's `check_issued` (names, and the authority key identifier against the subject key identifier when both
/// are there) and is valid at the verification time. Roots of several generations share one name, and a certificate
/// without an authority key identifier then gets whichever generation comes first: a bad signature. This lookup ranks
/// the certificates `check_issued` accepts: first those whose key verifies the certificate's signature, then those
/// valid at the verification time, then the one expiring last. With one candidate, it is taken as OpenSSL would; with
/// none whose key verifies, the best by validity is returned and OpenSSL reports the bad signature.
///
/// Returns 1 with `*issuer` holding a new reference, 0 when no trusted certificate may have issued `certificate`, -1
/// on error (OpenSSL's contract for `X509_STORE_CTX_get_issuer_fn`).
private func selectIssuer(
    _ issuer: UnsafeMutablePointer<OpaquePointer?>?, _ context: OpaquePointer?, _ certificate: OpaquePointer?
) -> Int32 {
    guard let issuer, let context, let certificate else { return -1 }
    issuer.pointee = nil
    guard let name = X509_get_issuer_name(certificate), let found = X509_STORE_CTX_get1_certs(context, name) else {
        return 0
    }
    defer {
        for index in 0..<COpenSSL_sk_X509_num(found) { X509_free(COpenSSL_sk_X509_value(found, index)) }
        COpenSSL_sk_X509_free(found)
    }
    let checkIssued = X509_STORE_CTX_get_check_issued(context)
    var candidates: [OpaquePointer] = []
    for index in 0..<COpenSSL_sk_X509_num(found) {
        guard let candidate = COpenSSL_sk_X509_value(found, index) else { continue }
        if let checkIssued, checkIssued(context, certificate, candidate) == 0 { continue }
        candidates.append(candidate)
    }
    guard var best = candidates.first else { return 0 }
    if candidates.count > 1 {
        // Cheap order first (valid at the verification time, then expiring last), then the first in that order whose
        // key verifies the signature: the same choice as ranking signature > validity > expiry, with as few RSA
        // verifications as the order allows (the current generation, tried first, is the usual issuer).
        let parameters = X509_STORE_CTX_get0_param(context)
        let ordered = candidates.map { candidate in
            let inTime = X509_cmp_timeframe(parameters, X509_get0_notBefore(candidate), X509_get0_notAfter(candidate))
            return (candidate, inTime == 0)
        }.sorted { first, second in
            if first.1 != second.1 { return first.1 }
            return ASN1_TIME_compare(X509_get0_notAfter(first.0), X509_get0_notAfter(second.0)) > 0
        }.map(\.0)
        best = ordered.first { X509Handle.signatureVerifies(certificate, issuerPointer: $0) } ?? ordered[0]
    }
    guard X509_up_ref(best) == 1 else { return -1 }
    issuer.pointee = best
    if let recorder = COpenSSL_X509_STORE_CTX_get_app_data(context) {
        narrowCRLs(toThoseOf: best, record: recorder.assumingMemoryBound(to: VerificationRecord.self), context: context)
    }
    return 1
}

/// Leaves out of the verification the CRLs that carry `issuer`'s name but were not signed with its key, when at least
/// one that was is there: every generation of a hierarchy publishes CRLs under the one name, and OpenSSL, choosing a
/// CRL by name (and by authority key identifier only when the CRL has one), would otherwise take another
/// generation's and report a CRL signature failure. When no CRL of that name verifies, all stay, and OpenSSL reports
/// the bad one. Only runs when two or more CRLs share the name, so a single CRL's signature is checked once, by
/// OpenSSL.
private func narrowCRLs(
    toThoseOf issuer: OpaquePointer, record: UnsafeMutablePointer<VerificationRecord>, context: OpaquePointer
) {
    let active = record.pointee.activeCRLs
    guard let name = X509_get_subject_name(issuer), let key = X509_get0_pubkey(issuer) else { return }
    let named = active.filter { X509_NAME_cmp(X509_CRL_get_issuer($0), name) == 0 }
    guard named.count > 1 else { return }
    _ = ERR_set_mark()
    let foreign = named.filter { X509_CRL_verify($0, key) != 1 }
    _ = ERR_pop_to_mark()
    guard !foreign.isEmpty, foreign.count < named.count else { return }
    let kept = active.filter { !foreign.contains($0) }
    guard let stack = COpenSSL_sk_X509_CRL_new_null() else { return }
    for crl in kept where COpenSSL_sk_X509_CRL_push(stack, crl) == 0 {
        COpenSSL_sk_X509_CRL_free(stack)
        return
    }
    X509_STORE_CTX_set0_crls(context, stack)
    if let previous = record.pointee.narrowedCRLs { COpenSSL_sk_X509_CRL_free(previous) }
    record.pointee.narrowedCRLs = stack
    record.pointee.activeCRLs = kept
}
