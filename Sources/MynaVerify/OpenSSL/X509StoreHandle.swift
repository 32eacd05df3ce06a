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
/// `@unchecked Sendable`: the store is filled once in `init` and never changed afterwards; OpenSSL documents
/// `X509_STORE` lookups during `X509_verify_cert` as thread-safe (they take the store's lock), so any number of
/// verifications may share it. A verification keeps this handle (and so the store) alive until its
/// `X509_STORE_CTX` is freed.
final class X509StoreHandle: @unchecked Sendable {
    let pointer: OpaquePointer

    /// A store trusting `anchors` (the store takes a reference to each).
    init(anchors: [X509Handle]) throws {
        guard let store = X509_STORE_new() else { throw MynaVerifyError.openSSL(.openSSLFailure, "X509_STORE_new") }
        for anchor in anchors where X509_STORE_add_cert(store, anchor.pointer) != 1 {
            let error = MynaVerifyError.openSSL(.openSSLFailure, "X509_STORE_add_cert failed")
            X509_STORE_free(store)
            throw error
        }
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

            var recorded: [RecordedChainError] = []
            let status = withUnsafeMutablePointer(to: &recorded) { recorder in
                _ = COpenSSL_X509_STORE_CTX_set_app_data(context, recorder)
                defer { _ = COpenSSL_X509_STORE_CTX_set_app_data(context, nil) }
                return X509_verify_cert(context)
            }
            if status < 0 {
                throw MynaVerifyError.openSSL(.openSSLFailure, "X509_verify_cert could not run")
            }
            var errors = recorded.map { error in
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
            return ChainOutcome(errors: errors, chain: chain)
        }
    }
}

/// What the verify callback records; the CRL address is turned into an index before leaving this file.
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
    let errors = recorder.assumingMemoryBound(to: [RecordedChainError].self)
    let code = X509_STORE_CTX_get_error(context)
    let depth = Int(X509_STORE_CTX_get_error_depth(context))
    let kind = ChainError.Kind(code)
    let crl = kind.concernsCRL ? X509_STORE_CTX_get0_current_crl(context) : nil
    errors.pointee.append(RecordedChainError(code: code, kind: kind, depth: depth, crlAddress: crl))
    return 1
}
