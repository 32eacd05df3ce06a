//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import COpenSSL
import OpenSSLSupport

// Certificates for `RevocationListIssuer` (benchmarks and tests): its CA and leaves under it.
extension X509Handle {
    /// Issues a v3 certificate for `subjectKey`, named `C=JP, O=MynaKit test, CN=commonName`, valid from a day ago for
    /// ten years, signed with sha256WithRSAEncryption by `issuer` (self-signed when `nil`).
    ///
    /// - Parameter extensions: `X509V3_EXT_conf_nid` values, in order.
    static func issue(
        commonName: String,
        serialNumber: SerialNumber,
        subjectKey: EVPKeyHandle,
        issuer: (certificate: X509Handle, key: EVPKeyHandle)?,
        extensions: [(nid: Int32, value: String)]
    ) throws -> X509Handle {
        guard let handle = X509Handle() else { throw MynaVerifyError.openSSL(.openSSLFailure, "X509_new") }
        let x509 = handle.pointer
        guard let name = X509_NAME_new() else { throw MynaVerifyError.openSSL(.openSSLFailure, "X509_NAME_new") }
        defer { X509_NAME_free(name) }
        for (field, value) in [("C", "JP"), ("O", "MynaKit test"), ("CN", commonName)] {
            guard X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, value, -1, -1, 0) == 1 else {
                throw MynaVerifyError.openSSL(.openSSLFailure, "X509_NAME_add_entry_by_txt")
            }
        }
        let issuerName = issuer.map { X509_get_subject_name($0.certificate.pointer) } ?? name
        let configured =
            X509_set_version(x509, 2) == 1
            && serialNumber.withASN1Integer { X509_set_serialNumber(x509, $0) == 1 }
            && X509_set_subject_name(x509, name) == 1 && X509_set_issuer_name(x509, issuerName) == 1
            && X509_time_adj_ex(X509_getm_notBefore(x509), -1, 0, nil) != nil
            && X509_time_adj_ex(X509_getm_notAfter(x509), 3650, 0, nil) != nil
            && X509_set_pubkey(x509, subjectKey.pointer) == 1
        guard configured else { throw MynaVerifyError.openSSL(.openSSLFailure, "building a certificate") }
        // An empty configuration database: certificatePolicies refuses to be parsed without one.
        guard let database = NCONF_new(nil) else { throw MynaVerifyError.openSSL(.openSSLFailure, "NCONF_new") }
        defer { NCONF_free(database) }
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuer?.certificate.pointer ?? x509, x509, nil, nil, 0)
        X509V3_set_nconf(&context, database)
        for (nid, value) in extensions {
            guard let ext = X509V3_EXT_nconf_nid(database, &context, nid, value) else {
                throw MynaVerifyError.openSSL(.openSSLFailure, "X509V3_EXT_conf_nid(\(value))")
            }
            defer { X509_EXTENSION_free(ext) }
            guard X509_add_ext(x509, ext, -1) == 1 else {
                throw MynaVerifyError.openSSL(.openSSLFailure, "X509_add_ext")
            }
        }
        guard X509_sign(x509, (issuer?.key ?? subjectKey).pointer, EVP_sha256()) > 0 else {
            throw MynaVerifyError.openSSL(.openSSLFailure, "X509_sign")
        }
        return handle
    }
}
