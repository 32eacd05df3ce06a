//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import COpenSSL

/// Owns one reference to an OpenSSL `X509` and releases it in `deinit`.
///
/// MynaVerify reads certificates through it; MynaSimulator builds them in it.
///
/// `@unchecked Sendable`: a handle that is shared is never mutated. MynaVerify parses a certificate and then only
/// reads it; OpenSSL's read accessors are safe to call from several threads (the lazily filled extension cache is
/// guarded by the object's own lock, and MynaVerify fills it right after parsing anyway). The simulator's issuer
/// fills a fresh `X509` inside one function before anything else can see it.
package final class X509Handle: @unchecked Sendable {
    package let pointer: OpaquePointer

    /// Takes over one reference to `pointer`, which this handle releases.
    package init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    /// Takes a reference of its own to a certificate owned elsewhere (one in a chain OpenSSL built, say).
    package convenience init(retaining pointer: OpaquePointer) {
        X509_up_ref(pointer)
        self.init(taking: pointer)
    }

    /// A new, empty certificate to fill in, or `nil` when OpenSSL cannot allocate one.
    package convenience init?() {
        guard let pointer = X509_new() else { return nil }
        self.init(taking: pointer)
    }

    /// Parses a DER certificate that spans the whole of `der`.
    ///
    /// - Throws: ``DERDecodingError``; OpenSSL's reasons are left on the error queue.
    package convenience init(der: [UInt8]) throws(DERDecodingError) {
        self.init(taking: try decodeWholeDER(der, with: { d2i_X509(nil, $0, $1) }, free: X509_free))
    }

    /// Parses the first `CERTIFICATE` block of PEM text with OpenSSL's PEM reader, or returns `nil`.
    package convenience init?(pem: [UInt8]) {
        let parsed = MemoryBIO.withReadOnly(pem) { bio in PEM_read_bio_X509(bio, nil, nil, nil) }
        guard let parsed else { return nil }
        self.init(taking: parsed)
    }

    deinit {
        X509_free(pointer)
    }

    /// Whether both handles own a reference to the same OpenSSL object.
    package func isSameObject(as other: X509Handle) -> Bool {
        pointer == other.pointer
    }

    /// The DER encoding, or `nil` when OpenSSL cannot encode the certificate.
    package func derEncoding() -> [UInt8]? {
        encodeDER { i2d_X509(pointer, $0) }
    }

    /// The PEM encoding (`-----BEGIN CERTIFICATE-----`), or `nil` when OpenSSL cannot write it.
    package func pemEncoding() -> [UInt8]? {
        guard let bio = MemoryBIO(), PEM_write_bio_X509(bio.pointer, pointer) == 1 else { return nil }
        return bio.contents()
    }

    /// Whether `key` is the private key of this certificate's public key.
    package func matches(privateKey key: EVPKeyHandle) -> Bool {
        let matches = X509_check_private_key(pointer, key.pointer) == 1
        ERR_clear_error()
        return matches
    }
}
