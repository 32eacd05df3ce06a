//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import COpenSSL

/// One error OpenSSL reported through the verify callback of a chain verification
/// (``X509StoreHandle/verifyChain(leaf:untrusted:crls:checkRevocation:at:)``).
struct ChainError {
    /// What an `X509_V_ERR_*` code means for MynaVerify's verdicts.
    enum Kind {
        case unknownIssuer, selfSignedLeaf, badSignature, notYetValid, expired, malformed, invalidCA
        case revoked, crlMissing, crlExpired, crlNotYetValid, crlInvalid
        case other

        init(_ code: Int32) {
            switch code {
            case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
                X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN,
                X509_V_ERR_CERT_UNTRUSTED, X509_V_ERR_CERT_REJECTED:
                self = .unknownIssuer
            case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT: self = .selfSignedLeaf
            case X509_V_ERR_CERT_SIGNATURE_FAILURE, X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE,
                X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
                self = .badSignature
            case X509_V_ERR_CERT_NOT_YET_VALID: self = .notYetValid
            case X509_V_ERR_CERT_HAS_EXPIRED: self = .expired
            case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD, X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD,
                X509_V_ERR_INVALID_EXTENSION, X509_V_ERR_UNSUPPORTED_EXTENSION_FEATURE:
                self = .malformed
            case X509_V_ERR_INVALID_CA, X509_V_ERR_PATH_LENGTH_EXCEEDED, X509_V_ERR_KEYUSAGE_NO_CERTSIGN,
                X509_V_ERR_INVALID_NON_CA:
                self = .invalidCA
            case X509_V_ERR_CERT_REVOKED: self = .revoked
            case X509_V_ERR_UNABLE_TO_GET_CRL: self = .crlMissing
            case X509_V_ERR_CRL_HAS_EXPIRED: self = .crlExpired
            case X509_V_ERR_CRL_NOT_YET_VALID: self = .crlNotYetValid
            case X509_V_ERR_CRL_SIGNATURE_FAILURE, X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE,
                X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER, X509_V_ERR_KEYUSAGE_NO_CRL_SIGN,
                X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD, X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD:
                self = .crlInvalid
            default: self = .other
            }
        }

        /// Whether the error is about a CRL, so that the callback notes which CRL was being checked.
        var concernsCRL: Bool {
            switch self {
            case .revoked, .crlMissing, .crlExpired, .crlNotYetValid, .crlInvalid: return true
            default: return false
            }
        }
    }

    /// The `X509_V_ERR_*` code.
    var code: Int32
    var kind: Kind
    /// The position in the chain of the certificate concerned: 0 is the leaf.
    var depth: Int
    /// The index in the `crls` argument of the CRL being checked when the error was raised, if any.
    var crlIndex: Int?

    /// OpenSSL's sentence for ``code`` (`X509_verify_cert_error_string`), such as "certificate has expired".
    var reason: String {
        String(cString: X509_verify_cert_error_string(Int(code)))
    }
}
