//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

import CMynaKit
import MynaCard
import MynaVerify

// The header's integer constants as the libraries' own types; an unknown value is a usage error that lists the
// accepted ones.

extension JPKIApplication.CertificateKind {
    init(abiValue: Int32, in function: StaticString) throws {
        switch abiValue {
        case Int32(MYNAKIT_CERT_AUTH): self = .authentication
        case Int32(MYNAKIT_CERT_AUTH_CA): self = .authenticationCA
        case Int32(MYNAKIT_CERT_SIGN): self = .signing
        case Int32(MYNAKIT_CERT_SIGN_CA): self = .signingCA
        default:
            throw ABIFailure.usage(
                function, "kind \(abiValue) is not MYNAKIT_CERT_AUTH (1), _AUTH_CA (2), _SIGN (3) or _SIGN_CA (4)")
        }
    }
}

extension CertificateVerifier.Profile {
    /// The profile of a certificate kind to verify: only the two end-entity kinds have one.
    init(abiValue: Int32, in function: StaticString) throws {
        switch abiValue {
        case Int32(MYNAKIT_CERT_AUTH): self = .authentication
        case Int32(MYNAKIT_CERT_SIGN): self = .signing
        default:
            throw ABIFailure.usage(function, "kind \(abiValue) is not MYNAKIT_CERT_AUTH (1) or MYNAKIT_CERT_SIGN (3)")
        }
    }
}

/// What `mynakit_pin_tries` asks about: one of the card's two keys (their PINs) or the card-info PIN.
enum PINTarget {
    case key(JPKIApplication.Key)
    case cardInfo

    init(abiValue: Int32, in function: StaticString) throws {
        switch abiValue {
        case Int32(MYNAKIT_KEY_CARD_INFO): self = .cardInfo
        default: self = .key(try JPKIApplication.Key(abiValue: abiValue, in: function))
        }
    }
}

extension JPKIApplication.Key {
    init(abiValue: Int32, in function: StaticString) throws {
        switch abiValue {
        case Int32(MYNAKIT_KEY_AUTH): self = .authentication
        case Int32(MYNAKIT_KEY_SIGN): self = .signing
        case Int32(MYNAKIT_KEY_CARD_INFO):
            throw ABIFailure.usage(function, "key 3 is the card-info PIN, which guards no key; sign with 1 or 2")
        default:
            throw ABIFailure.usage(function, "key \(abiValue) is not MYNAKIT_KEY_AUTH (1) or MYNAKIT_KEY_SIGN (2)")
        }
    }
}

extension HashAlgorithm {
    init(abiValue: Int32, in function: StaticString) throws {
        switch abiValue {
        case Int32(MYNAKIT_HASH_SHA1): self = .sha1
        case Int32(MYNAKIT_HASH_SHA256): self = .sha256
        case Int32(MYNAKIT_HASH_SHA384): self = .sha384
        case Int32(MYNAKIT_HASH_SHA512): self = .sha512
        default:
            throw ABIFailure.usage(
                function, "hash \(abiValue) is not MYNAKIT_HASH_SHA1 (1), _SHA256 (2), _SHA384 (3) or _SHA512 (4)")
        }
    }
}
