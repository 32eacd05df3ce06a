//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import COpenSSL
import OpenSSLSupport

/// Owns one reference to an OpenSSL `X509_CRL` and releases it in `deinit`.
///
/// `@unchecked Sendable`: immutable after parsing, like ``X509Handle``; verification only reads it.
final class CRLHandle: @unchecked Sendable {
    let pointer: OpaquePointer

    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
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

    /// Everything ``RevocationList`` exposes, decoded now.
    func fields() throws -> RevocationListFields {
        guard let issuer = X509_CRL_get_issuer(pointer) else { throw MynaVerifyError.malformedDER("CRL: no issuer") }
        guard let thisUpdate = X509_CRL_get0_lastUpdate(pointer).flatMap(ASN1.date(of:)) else {
            throw MynaVerifyError.malformedDER("CRL: thisUpdate does not decode")
        }
        var entries: [RevokedCertificate] = []
        if let revoked = X509_CRL_get_REVOKED(pointer) {
            for index in 0..<COpenSSL_sk_X509_REVOKED_num(revoked) {
                guard let entry = COpenSSL_sk_X509_REVOKED_value(revoked, index),
                    let serial = X509_REVOKED_get0_serialNumber(entry),
                    let date = X509_REVOKED_get0_revocationDate(entry).flatMap(ASN1.date(of:))
                else { throw MynaVerifyError.malformedDER("CRL: a revoked entry does not decode") }
                entries.append(
                    RevokedCertificate(
                        serialNumber: try ASN1.hexadecimal(serial),
                        revocationDate: date,
                        reason: Self.reason(entry)
                    )
                )
            }
        }
        return RevocationListFields(
            issuer: DistinguishedName(x509Name: issuer),
            thisUpdate: thisUpdate,
            nextUpdate: X509_CRL_get0_nextUpdate(pointer).flatMap(ASN1.date(of:)),
            revokedCertificates: entries
        )
    }

    /// The CRLReason extension of a revoked entry (`X509_REVOKED`), when it has one.
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

    /// Whether the CRL's signature verifies with the public key of `issuer`.
    func isSigned(by issuer: X509Handle) -> Bool {
        guard let key = X509_get0_pubkey(issuer.pointer) else { return false }
        let status = X509_CRL_verify(pointer, key)
        ERR_clear_error()
        return status == 1
    }

    /// Whether the CRL's issuer name is the issuer name of `certificate`.
    func hasIssuer(of certificate: X509Handle) -> Bool {
        X509_NAME_cmp(X509_CRL_get_issuer(pointer), X509_get_issuer_name(certificate.pointer)) == 0
    }

    /// The serial number under which the CRL lists `certificate`, or `nil` when it does not list it.
    func revokedSerial(of certificate: X509Handle) -> String? {
        var entry: OpaquePointer?
        guard X509_CRL_get0_by_cert(pointer, &entry, certificate.pointer) == 1, let entry,
            let serial = X509_REVOKED_get0_serialNumber(entry)
        else { return nil }
        return try? ASN1.hexadecimal(serial)
    }
}
