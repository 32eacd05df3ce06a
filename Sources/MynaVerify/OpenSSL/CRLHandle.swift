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
import Synchronization

/// Owns one reference to an OpenSSL `X509_CRL` and releases it in `deinit`.
///
/// A CRL can hold a million entries, so nothing here walks the list except ``entries()``, which a caller asks for
/// explicitly, and the one pass at `init` that builds a ``RevokedSerialIndex``: lookups are hash probes from then on,
/// and OpenSSL's own sort of the entries (which its lookups do on first use, and which costs more than half of the
/// parse again for a million entries in revocation order) is not needed. Indirect CRLs, whose lookups must also
/// compare each entry's certificate issuer, keep OpenSSL's lookups.
///
/// `@unchecked Sendable`: the handle is immutable once `init` returns, except for the order of OpenSSL's stack of
/// entries, which OpenSSL sorts the first time its own CRL code looks something up (in a chain verification with
/// this CRL, say) while a concurrent reader takes no lock. Every path that hands the CRL to such OpenSSL code calls
/// ``sortForOpenSSL()`` first, which sorts once under a lock of ours; the index never depends on that order. The memo
/// of signature checks has a lock of its own.
final class CRLHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    /// Signature verdicts by the issuer key's SubjectPublicKeyInfo: verifying hashes the whole list (tens of
    /// milliseconds for a million entries), so it is done once per key.
    private let signatureVerdicts = Mutex<[[UInt8]: Bool]>([:])

    /// The serial-number index; `nil` for an indirect CRL, which uses OpenSSL's lookups (sorted at `init`).
    private let index: RevokedSerialIndex?
    /// Whether OpenSSL's stack of entries has been sorted (see ``sortForOpenSSL()``).
    private let sortedForOpenSSL = Mutex(false)

    /// Takes over one reference to `pointer` and indexes its revoked entries for lookups.
    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
        if Self.isIndirect(pointer) {
            index = nil
            sortForOpenSSL()
        } else {
            index = RevokedSerialIndex(X509_CRL_get_REVOKED(pointer))
        }
    }

    /// Parses a DER CRL that spans the whole of `der`.
    ///
    /// - Throws: ``MynaVerifyError/Code/malformedDER`` with OpenSSL's error queue.
    convenience init(der: [UInt8]) throws {
        let pointer: OpaquePointer
        do throws(DERDecodingError) {
            pointer = try decodeWholeDER(der, with: { d2i_X509_CRL(nil, $0, $1) }, free: X509_CRL_free)
        } catch {
            throw error.verifyError("CRL", byteCount: der.count)
        }
        self.init(taking: pointer)
    }

    deinit {
        X509_CRL_free(pointer)
    }

    /// Makes OpenSSL sort the revoked entries, once, before any OpenSSL code that may look entries up sees this
    /// CRL from more than one thread: a lookup of serial number zero (which no entry has) takes the sorting branch
    /// of `X509_CRL_get0_by_serial`.
    func sortForOpenSSL() {
        sortedForOpenSSL.withLock { sorted in
            guard !sorted else { return }
            var entry: OpaquePointer?
            _ = SerialNumber(magnitude: [0]).withASN1Integer { X509_CRL_get0_by_serial(pointer, &entry, $0) }
            ERR_clear_error()
            sorted = true
        }
    }

    /// Whether an entry has a critical extension OpenSSL's CRL check does not handle (it then refuses the list).
    /// Indirect lists are judged by OpenSSL's check only, so for them the answer does not matter.
    var hasUnhandledCriticalEntryExtension: Bool { index?.hasUnhandledCriticalEntryExtension ?? false }

    /// Whether the CRL's issuingDistributionPoint marks it indirect (entries may revoke other issuers' certificates).
    private static func isIndirect(_ pointer: OpaquePointer) -> Bool {
        guard X509_CRL_get_ext_by_NID(pointer, NID_issuing_distribution_point, -1) >= 0 else { return false }
        defer { ERR_clear_error() }
        guard let raw = X509_CRL_get_ext_d2i(pointer, NID_issuing_distribution_point, nil, nil) else { return false }
        let idp = raw.assumingMemoryBound(to: ISSUING_DIST_POINT.self)
        defer { ISSUING_DIST_POINT_free(idp) }
        return idp.pointee.indirectCRL != 0
    }

    /// The header fields ``RevocationList`` keeps: issuer, thisUpdate, nextUpdate, the number of entries and the
    /// SHA-1 OpenSSL computed while decoding (its identity for ``RevocationList``'s equality).
    func header() throws -> RevocationListHeader {
        guard let issuer = X509_CRL_get_issuer(pointer) else { throw MynaVerifyError.malformedDER("CRL: no issuer") }
        guard let thisUpdate = X509_CRL_get0_lastUpdate(pointer).flatMap(ASN1.date(of:)) else {
            throw MynaVerifyError.malformedDER("CRL: thisUpdate does not decode")
        }
        var nextUpdate: Date?
        if let time = X509_CRL_get0_nextUpdate(pointer) {
            guard let date = ASN1.date(of: time) else {
                throw MynaVerifyError.malformedDER("CRL: nextUpdate does not decode")
            }
            nextUpdate = date
        }
        // For SHA-1, X509_CRL_digest returns the digest that d2i_X509_CRL already computed over the whole encoding.
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let status = digest.withUnsafeMutableBufferPointer {
            X509_CRL_digest(pointer, EVP_sha1(), $0.baseAddress, &length)
        }
        guard status == 1 else { throw MynaVerifyError.openSSL(.openSSLFailure, "X509_CRL_digest failed") }
        return RevocationListHeader(
            issuer: DistinguishedName(x509Name: issuer),
            thisUpdate: thisUpdate,
            nextUpdate: nextUpdate,
            count: X509_CRL_get_REVOKED(pointer).map { Int(COpenSSL_sk_X509_REVOKED_num($0)) } ?? 0,
            sha1: Array(digest.prefix(Int(length)))
        )
    }

    /// Every entry, decoded, in the order of the sorted list (ascending serial numbers). Linear in the list: for
    /// listing, never for lookups.
    func entries() -> [RevokedCertificate] {
        sortForOpenSSL()
        guard let revoked = X509_CRL_get_REVOKED(pointer) else { return [] }
        let count = COpenSSL_sk_X509_REVOKED_num(revoked)
        var entries: [RevokedCertificate] = []
        entries.reserveCapacity(Int(count))
        for index in 0..<count {
            if let entry = COpenSSL_sk_X509_REVOKED_value(revoked, index), let decoded = Self.decode(entry) {
                entries.append(decoded)
            }
        }
        return entries
    }

    /// One revoked entry (`X509_REVOKED`) as a Swift value; `nil` only when its serial number does not decode.
    private static func decode(_ entry: OpaquePointer) -> RevokedCertificate? {
        guard let serial = X509_REVOKED_get0_serialNumber(entry), let hexadecimal = try? ASN1.hexadecimal(serial)
        else {
            ERR_clear_error()
            return nil
        }
        return RevokedCertificate(
            serialNumber: hexadecimal,
            revocationDate: X509_REVOKED_get0_revocationDate(entry).flatMap(ASN1.date(of:)),
            reason: reason(entry)
        )
    }

    /// The CRLReason extension of a revoked entry, when it has one.
    private static func reason(_ entry: OpaquePointer) -> RevokedCertificate.Reason? {
        var critical: Int32 = 0
        guard let raw = X509_REVOKED_get_ext_d2i(entry, NID_crl_reason, &critical, nil) else {
            ERR_clear_error()
            return nil
        }
        let code = raw.assumingMemoryBound(to: ASN1_ENUMERATED.self)
        defer { ASN1_ENUMERATED_free(code) }
        return RevokedCertificate.Reason(rawValue: ASN1_ENUMERATED_get(code))
    }

    /// Whether the CRL lists `serial` as revoked: one hash probe, no allocation.
    func contains(_ serial: SerialNumber) -> Bool {
        serial.withASN1Integer { revokingEntry(withSerial: $0) } != nil
    }

    /// The entry listing `serial`, decoded; `nil` when the CRL does not list it (or lists it as removeFromCRL).
    func entry(for serial: SerialNumber) -> RevokedCertificate? {
        serial.withASN1Integer { revokingEntry(withSerial: $0) }.flatMap(Self.decode)
    }

    /// The entry revoking `certificate`: the CRL's issuer must be the certificate's issuer, then one lookup of its
    /// serial number. `nil` when not listed.
    func entry(revoking certificate: X509Handle) -> RevokedCertificate? {
        guard hasIssuer(of: certificate) else { return nil }
        guard index != nil else {
            // Indirect: OpenSSL also compares the entry's certificate issuer.
            var entry: OpaquePointer?
            guard X509_CRL_get0_by_cert(pointer, &entry, certificate.pointer) == 1, let entry else { return nil }
            return Self.decode(entry)
        }
        guard let serial = X509_get0_serialNumber(certificate.pointer) else { return nil }
        return revokingEntry(withSerial: serial).flatMap(Self.decode)
    }

    /// The entry with serial number `serial` that revokes it, as `X509_CRL_get0_by_serial` answers 1: an entry whose
    /// reason is removeFromCRL (delta CRLs) does not revoke.
    private func revokingEntry(withSerial serial: UnsafePointer<ASN1_INTEGER>) -> OpaquePointer? {
        guard let index else {
            var entry: OpaquePointer?
            return X509_CRL_get0_by_serial(pointer, &entry, UnsafeMutablePointer(mutating: serial)) == 1 ? entry : nil
        }
        return index.firstEntry(withSerial: serial) { entry in Self.isRemoveFromCRL(entry) ? nil : entry }
    }

    /// Whether a revoked entry's CRLReason is removeFromCRL (8), read from the extension's DER (`0A 01 08`) without
    /// decoding it: OpenSSL marks a list whose reason does not decode invalid when it parses it.
    private static func isRemoveFromCRL(_ entry: OpaquePointer) -> Bool {
        let position = X509_REVOKED_get_ext_by_NID(entry, NID_crl_reason, -1)
        guard position >= 0, let ext = X509_REVOKED_get_ext(entry, position),
            let data = X509_EXTENSION_get_data(ext), let bytes = ASN1_STRING_get0_data(data)
        else { return false }
        return ASN1_STRING_length(data) == 3 && bytes[0] == 0x0A && bytes[1] == 0x01 && bytes[2] == 0x08
    }

    /// Whether the CRL's signature verifies with the public key of `issuer`, remembered per key.
    func isSigned(by issuer: X509Handle, publicKey: [UInt8]) -> Bool {
        if let known = signatureVerdicts.withLock({ $0[publicKey] }) { return known }
        guard let key = X509_get0_pubkey(issuer.pointer) else { return false }
        let verified = X509_CRL_verify(pointer, key) == 1
        ERR_clear_error()
        signatureVerdicts.withLock { $0[publicKey] = verified }
        return verified
    }

    /// Whether the CRL's issuer name is the issuer name of `certificate`.
    func hasIssuer(of certificate: X509Handle) -> Bool {
        X509_NAME_cmp(X509_CRL_get_issuer(pointer), X509_get_issuer_name(certificate.pointer)) == 0
    }

    /// The DER encoding as OpenSSL writes it back: the signed part (`tbsCertList`) is the encoding that was parsed,
    /// kept by OpenSSL byte for byte.
    func derEncoding() -> [UInt8]? {
        encodeDER { i2d_X509_CRL(pointer, $0) }
    }
}

/// What ``CRLHandle/header()`` reads.
struct RevocationListHeader: Sendable {
    var issuer: DistinguishedName
    var thisUpdate: Date
    var nextUpdate: Date?
    var count: Int
    var sha1: [UInt8]
}
