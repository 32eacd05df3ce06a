//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import COpenSSL
package import FoundationEssentials
import OpenSSLSupport

/// Issues signed CRLs of any size straight through OpenSSL's `X509_CRL` API, for `mynakit bench crl` and the tests:
/// `openssl ca -gencrl` reads its whole index for every CRL and takes minutes for a million entries, this takes
/// seconds.
///
/// The issuer is a fresh self-signed CA (RSA-2048, CA:TRUE, keyUsage keyCertSign and cRLSign) made in `init`; its
/// certificate is ``certificate``. Each CRL is a v2 CRL signed with sha256WithRSAEncryption, carrying a CRL number
/// and an authorityKeyIdentifier like the CRLs of a real CA.
///
/// Not `Sendable`: it is used by one benchmark or test at a time.
package final class RevocationListIssuer {
    /// The issuer's self-signed certificate.
    package let certificate: Certificate
    private let key: EVPKeyHandle

    /// Makes the issuer's key and certificate.
    ///
    /// - Parameter commonName: the CN of the issuer's name (`C=JP, O=MynaKit test, CN=…`).
    /// - Throws: ``MynaVerifyError/Code/openSSLFailure``.
    package init(commonName: String) throws {
        let key = try EVPKeyHandle.generateRSA2048()
        let serial = SerialNumber(magnitude: [0x01] + (OpenSSLRandom.bytes(count: 8) ?? [1]))
        let handle = try X509Handle.issue(
            commonName: commonName, serialNumber: serial, subjectKey: key, issuer: nil,
            extensions: [
                (NID_basic_constraints, "critical,CA:TRUE"), (NID_key_usage, "critical,keyCertSign,cRLSign"),
                (NID_subject_key_identifier, "hash"),
            ])
        self.certificate = try Certificate(handle: handle)
        self.key = key
    }

    /// The issuer of an earlier run: its certificate and its private key (unencrypted PEM, ``privateKeyPEM()``).
    ///
    /// - Throws: ``MynaVerifyError/Code/unsupportedKey`` when the key does not parse or is not the certificate's.
    package init(certificate: Certificate, privateKeyPEM: [UInt8]) throws {
        let key = try EVPKeyHandle.privateKey(pem: privateKeyPEM)
        guard certificate.handle.matches(privateKey: key) else {
            throw MynaVerifyError(code: .unsupportedKey, reason: "the private key is not the issuer certificate's")
        }
        self.certificate = certificate
        self.key = key
    }

    /// The issuer's private key as unencrypted PKCS#8 PEM, for tools that sign with it too (`openssl x509 -CA`).
    package func privateKeyPEM() throws -> [UInt8] {
        try key.privateKeyPEM()
    }

    /// Issues a JPKI-shaped authentication certificate (the authentication policy, keyUsage digitalSignature, a
    /// fresh RSA-2048 key) with `serialNumber`, for verifications against this issuer's CRLs.
    package func issueAuthenticationCertificate(serialNumber: SerialNumber, commonName: String) throws -> Certificate {
        let handle = try X509Handle.issue(
            commonName: commonName, serialNumber: serialNumber, subjectKey: try EVPKeyHandle.generateRSA2048(),
            issuer: (certificate.handle, key),
            extensions: [
                (NID_basic_constraints, "CA:FALSE"), (NID_key_usage, "critical,digitalSignature"),
                (NID_certificate_policies, JPKICertificateOID.authenticationPolicy),
                (NID_authority_key_identifier, "keyid"),
            ])
        return try Certificate(handle: handle)
    }

    /// One revoked entry to issue.
    package struct Entry {
        package var serialNumber: SerialNumber
        package var revocationDate: Date
        package var reason: RevokedCertificate.Reason?

        package init(serialNumber: SerialNumber, revocationDate: Date, reason: RevokedCertificate.Reason?) {
            self.serialNumber = serialNumber
            self.revocationDate = revocationDate
            self.reason = reason
        }
    }

    /// Issues a CRL listing `count` entries made by `entry(index)`, in that order unless `sorted`.
    ///
    /// - Parameters:
    ///   - count: how many entries.
    ///   - entry: the entry at each index, `0..<count`.
    ///   - thisUpdate: the CRL's thisUpdate.
    ///   - nextUpdate: its nextUpdate, if any.
    ///   - crlNumber: the cRLNumber extension's value.
    ///   - sorted: whether to store the entries in serial-number order (as `openssl ca` does) rather than in index
    ///     order.
    /// - Returns: the DER encoding.
    package func issue(
        count: Int,
        entry: (Int) -> Entry,
        thisUpdate: Date,
        nextUpdate: Date?,
        crlNumber: Int = 1,
        sorted: Bool = false
    ) throws -> [UInt8] {
        guard let crl = X509_CRL_new() else { throw MynaVerifyError.openSSL(.openSSLFailure, "X509_CRL_new") }
        defer { X509_CRL_free(crl) }
        guard let time = ASN1_TIME_new() else { throw MynaVerifyError.openSSL(.openSSLFailure, "ASN1_TIME_new") }
        defer { ASN1_TIME_free(time) }
        func setTime(_ date: Date) -> Bool { ASN1_TIME_set(time, time_t(date.timeIntervalSince1970)) != nil }

        var headerSet =
            X509_CRL_set_version(crl, 1) == 1
            && X509_CRL_set_issuer_name(crl, X509_get_subject_name(certificate.handle.pointer)) == 1
            && setTime(thisUpdate) && X509_CRL_set1_lastUpdate(crl, time) == 1
        if let nextUpdate { headerSet = headerSet && setTime(nextUpdate) && X509_CRL_set1_nextUpdate(crl, time) == 1 }
        guard headerSet else { throw MynaVerifyError.openSSL(.openSSLFailure, "building the CRL header") }

        var reasons: [RevokedCertificate.Reason: UnsafeMutablePointer<ASN1_ENUMERATED>] = [:]
        defer { for code in reasons.values { ASN1_ENUMERATED_free(code) } }
        for reason in RevokedCertificate.Reason.allCases {
            guard let code = ASN1_ENUMERATED_new(), ASN1_ENUMERATED_set(code, reason.rawValue) == 1 else {
                throw MynaVerifyError.openSSL(.openSSLFailure, "ASN1_ENUMERATED_set")
            }
            reasons[reason] = code
        }
        for index in 0..<count {
            let made = entry(index)
            guard let revoked = X509_REVOKED_new() else {
                throw MynaVerifyError.openSSL(.openSSLFailure, "X509_REVOKED_new")
            }
            let filled =
                made.serialNumber.withASN1Integer { X509_REVOKED_set_serialNumber(revoked, $0) == 1 }
                && setTime(made.revocationDate) && X509_REVOKED_set_revocationDate(revoked, time) == 1
                && (made.reason.flatMap { reasons[$0] }.map {
                    X509_REVOKED_add1_ext_i2d(revoked, NID_crl_reason, UnsafeMutableRawPointer($0), 0, 0) == 1
                } ?? true)
            guard filled, X509_CRL_add0_revoked(crl, revoked) == 1 else {
                X509_REVOKED_free(revoked)
                throw MynaVerifyError.openSSL(.openSSLFailure, "building revoked entry \(index)")
            }
        }
        if sorted, X509_CRL_sort(crl) != 1 { throw MynaVerifyError.openSSL(.openSSLFailure, "X509_CRL_sort") }

        try addExtensions(to: crl, crlNumber: crlNumber)
        guard X509_CRL_sign(crl, key.pointer, EVP_sha256()) > 0 else {
            throw MynaVerifyError.openSSL(.openSSLFailure, "X509_CRL_sign")
        }
        guard let der = encodeDER({ i2d_X509_CRL(crl, $0) }) else {
            throw MynaVerifyError.openSSL(.openSSLFailure, "i2d_X509_CRL")
        }
        return der
    }

    /// cRLNumber and authorityKeyIdentifier (keyid), as RFC 5280 section 5.2 asks of conforming CRL issuers.
    private func addExtensions(to crl: OpaquePointer, crlNumber: Int) throws {
        guard let number = ASN1_INTEGER_new() else {
            throw MynaVerifyError.openSSL(.openSSLFailure, "ASN1_INTEGER_new")
        }
        defer { ASN1_INTEGER_free(number) }
        guard ASN1_INTEGER_set(number, crlNumber) == 1,
            X509_CRL_add1_ext_i2d(crl, NID_crl_number, UnsafeMutableRawPointer(number), 0, 0) == 1
        else { throw MynaVerifyError.openSSL(.openSSLFailure, "adding the CRL number") }
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, certificate.handle.pointer, nil, nil, crl, 0)
        guard let ext = X509V3_EXT_conf_nid(nil, &context, NID_authority_key_identifier, "keyid:always") else {
            throw MynaVerifyError.openSSL(.openSSLFailure, "authorityKeyIdentifier")
        }
        defer { X509_EXTENSION_free(ext) }
        guard X509_CRL_add_ext(crl, ext, -1) == 1 else {
            throw MynaVerifyError.openSSL(.openSSLFailure, "X509_CRL_add_ext")
        }
    }
}
