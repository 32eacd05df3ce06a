//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import COpenSSL
import OpenSSLSupport

extension X509Handle {
    /// Whether `issuer` issued this certificate: names and key identifiers match and may issue
    /// (`X509_check_issued`), and this certificate's signature verifies with the issuer's key.
    func isIssued(by issuer: X509Handle) -> Bool {
        defer { ERR_clear_error() }
        guard X509_check_issued(issuer.pointer, pointer) == X509_V_OK, let key = X509_get0_pubkey(issuer.pointer)
        else { return false }
        return X509_verify(pointer, key) == 1
    }

    /// The OCSP responder URLs of the authorityInfoAccess extension (id-ad-ocsp), in certificate order.
    func ocspResponderURLs() -> [String] {
        guard let list = X509_get1_ocsp(pointer) else { return [] }
        defer { X509_email_free(list) }
        var urls: [String] = []
        for index in 0..<COpenSSL_sk_OPENSSL_STRING_num(list) {
            if let url = COpenSSL_sk_OPENSSL_STRING_value(list, index) { urls.append(String(cString: url)) }
        }
        return urls
    }

    /// The subject name as text, for messages.
    var subjectDescription: String {
        DistinguishedName(x509Name: X509_get_subject_name(pointer)).description
    }
}
