//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// Every OpenSSL call of MynaSimulator lives in this file. Pointers never leave it: keys and certificates are owned
// by the handle classes of OpenSSLSupport (`EVPKeyHandle`, `X509Handle`), certificates travel as DER bytes, and
// every temporary object is freed in a `defer`. OpenSSL's error queue is read through OpenSSLSupport's drain, the one
// MynaVerify uses too.

internal import COpenSSL
import OpenSSLSupport

// MARK: - Private keys

extension EVPKeyHandle {
    /// Generates a fresh RSA key of `bits` bits (public exponent 65537).
    static func generateRSA(bits: Int32 = 2048) throws(SimulatorError) -> EVPKeyHandle {
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "RSA", nil) else {
            throw failed("EVP_PKEY_CTX_new_from_name")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1 else { throw failed("EVP_PKEY_keygen_init") }
        guard EVP_PKEY_CTX_set_rsa_keygen_bits(context, bits) == 1 else {
            throw failed("EVP_PKEY_CTX_set_rsa_keygen_bits")
        }
        var key: OpaquePointer? = nil
        guard EVP_PKEY_generate(context, &key) == 1, let key else { throw failed("EVP_PKEY_generate") }
        return EVPKeyHandle(taking: key)
    }

    /// Parses a PEM private key (PKCS#8 or traditional RSA) that must be an RSA key.
    static func parseRSAPrivateKey(pem: [UInt8]) throws(SimulatorError) -> EVPKeyHandle {
        let parsed = MemoryBIO.withReadOnly(pem) { bio in PEM_read_bio_PrivateKey(bio, nil, nil, nil) }
        guard let parsed else { throw failed("PEM_read_bio_PrivateKey") }
        let key = EVPKeyHandle(taking: parsed)
        guard key.isRSA else { throw SimulatorError(.invalidPKI, "the private key is not an RSA key") }
        return key
    }

    /// The private key as an unencrypted PKCS#8 PEM document.
    func privateKeyPEM() throws(SimulatorError) -> [UInt8] {
        guard let bio = MemoryBIO() else { throw failed("BIO_new") }
        guard PEM_write_bio_PrivateKey(bio.pointer, pointer, nil, nil, 0, nil, nil) == 1 else {
            throw failed("PEM_write_bio_PrivateKey")
        }
        guard let pem = bio.contents() else { throw failed("BIO_read") }
        return pem
    }

    /// The RSA private-key operation on `input` after PKCS#1 v1.5 type-01 padding, as the card does it.
    ///
    /// No digest is set on the context, so OpenSSL pads the input as given (`00 01 FF … FF 00 input`) and applies
    /// the private key. `input` is a DER DigestInfo; its length must be at most the modulus size minus 11.
    func sign(_ input: [UInt8]) throws(SimulatorError) -> [UInt8] {
        guard let context = EVP_PKEY_CTX_new(pointer, nil) else { throw failed("EVP_PKEY_CTX_new") }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_sign_init(context) == 1 else { throw failed("EVP_PKEY_sign_init") }
        guard EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PADDING) == 1 else {
            throw failed("EVP_PKEY_CTX_set_rsa_padding")
        }
        var length = 0
        guard EVP_PKEY_sign(context, nil, &length, input, input.count) == 1 else {
            throw failed("EVP_PKEY_sign")
        }
        var signature = [UInt8](repeating: 0, count: length)
        let status = signature.withUnsafeMutableBufferPointer { buffer in
            EVP_PKEY_sign(context, buffer.baseAddress, &length, input, input.count)
        }
        guard status == 1 else { throw failed("EVP_PKEY_sign") }
        return Array(signature.prefix(length))
    }
}

/// What a certificate to issue looks like.
struct CertificateTemplate {
    /// Relative distinguished names in encoding order, as (short name, UTF-8 value): `[("C", "JP"), ("CN", …)]`.
    var subject: [(field: String, value: String)]
    /// Validity: from `notBeforeOffset` to `notAfterOffset` seconds relative to now.
    var notBeforeOffset: Int
    var notAfterOffset: Int
    /// `X509V3_EXT_conf_nid` values, in the order they are added: (NID, value).
    var extensions: [(nid: Int32, value: String)]
    /// subjectAltName otherNames: (OID in dotted form, UTF8String value), each encoded `[0] EXPLICIT UTF8String`.
    var otherNames: [(oid: String, value: String)] = []
}

/// The certificate issuer: builds X.509 v3 certificates signed with sha256WithRSAEncryption.
enum OpenSSLIssuer {
    /// Issues a certificate for `subjectKey`. With `issuer == nil` the certificate is self-signed by `subjectKey`.
    ///
    /// - Returns: the DER encoding.
    static func issue(
        _ template: CertificateTemplate,
        subjectKey: EVPKeyHandle,
        issuer: (certificate: [UInt8], key: EVPKeyHandle)?
    ) throws(SimulatorError) -> [UInt8] {
        guard let handle = X509Handle() else { throw failed("X509_new") }
        let certificate = handle.pointer
        let issuerCertificate = try issuer.map { (issuer) throws(SimulatorError) in try parse(issuer.certificate) }
        // The extension context below keeps a bare pointer to the issuer's certificate: keep its owner alive.
        defer { withExtendedLifetime(issuerCertificate) {} }

        guard X509_set_version(certificate, 2) == 1 else { throw failed("X509_set_version") }
        guard let random = OpenSSLRandom.bytes(count: 8) else { throw failed("RAND_bytes") }
        // A positive serial number of at most 63 bits that is never zero.
        let serial = random.reduce(UInt64(0)) { $0 << 8 | UInt64($1) } & 0x7FFF_FFFF_FFFF_FFFF | 0x0100_0000_0000_0000
        guard ASN1_INTEGER_set_uint64(X509_get_serialNumber(certificate), serial) == 1 else {
            throw failed("ASN1_INTEGER_set_uint64")
        }

        guard let name = X509_NAME_new() else { throw failed("X509_NAME_new") }
        defer { X509_NAME_free(name) }
        for entry in template.subject {
            let bytes = Array(entry.value.utf8)
            let status = bytes.withUnsafeBufferPointer { buffer in
                X509_NAME_add_entry_by_txt(
                    name, entry.field, MBSTRING_UTF8, buffer.baseAddress, Int32(buffer.count), -1, 0
                )
            }
            guard status == 1 else { throw failed("X509_NAME_add_entry_by_txt(\(entry.field))") }
        }
        guard X509_set_subject_name(certificate, name) == 1 else {
            throw failed("X509_set_subject_name")
        }
        let issuerName = issuerCertificate.map { X509_get_subject_name($0.pointer) } ?? name
        guard X509_set_issuer_name(certificate, issuerName) == 1 else {
            throw failed("X509_set_issuer_name")
        }

        guard X509_time_adj_ex(X509_getm_notBefore(certificate), 0, template.notBeforeOffset, nil) != nil,
            X509_time_adj_ex(X509_getm_notAfter(certificate), 0, template.notAfterOffset, nil) != nil
        else { throw failed("X509_time_adj_ex") }

        guard X509_set_pubkey(certificate, subjectKey.pointer) == 1 else {
            throw failed("X509_set_pubkey")
        }

        // certificatePolicies is parsed by an r2i method, which insists on a configuration database even when the
        // value names no section: an empty one does.
        guard let configuration = NCONF_new(nil) else { throw failed("NCONF_new") }
        defer { NCONF_free(configuration) }
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuerCertificate?.pointer ?? certificate, certificate, nil, nil, 0)
        X509V3_set_nconf(&context, configuration)
        for (nid, value) in template.extensions {
            guard let extensionPointer = X509V3_EXT_nconf_nid(configuration, &context, nid, value) else {
                throw failed("X509V3_EXT_nconf_nid(\(String(cString: OBJ_nid2sn(nid))), \(value))")
            }
            defer { X509_EXTENSION_free(extensionPointer) }
            guard X509_add_ext(certificate, extensionPointer, -1) == 1 else {
                throw failed("X509_add_ext")
            }
        }
        if !template.otherNames.isEmpty {
            try addOtherNames(template.otherNames, to: certificate)
        }

        let signingKey = issuer?.key ?? subjectKey
        guard X509_sign(certificate, signingKey.pointer, EVP_sha256()) > 0 else {
            throw failed("X509_sign")
        }
        guard let der = handle.derEncoding() else { throw failed("i2d_X509") }
        return der
    }

    /// Adds a non-critical subjectAltName made only of otherNames, each `[0] EXPLICIT UTF8String`.
    ///
    /// Built with the GENERAL_NAME API rather than the `otherName:OID;UTF8:value` configuration syntax so that commas
    /// and other characters in names and addresses need no escaping.
    private static func addOtherNames(
        _ otherNames: [(oid: String, value: String)],
        to certificate: OpaquePointer
    ) throws(SimulatorError) {
        guard let names = GENERAL_NAMES_new() else { throw failed("GENERAL_NAMES_new") }
        defer { GENERAL_NAMES_free(names) }
        for (oid, value) in otherNames {
            guard let generalName = GENERAL_NAME_new() else { throw failed("GENERAL_NAME_new") }
            guard COpenSSL_sk_GENERAL_NAME_push(names, generalName) > 0 else {
                GENERAL_NAME_free(generalName)
                throw failed("sk_GENERAL_NAME_push")
            }
            // From here the stack owns `generalName`.
            guard let object = OBJ_txt2obj(oid, 1) else { throw failed("OBJ_txt2obj(\(oid))") }
            guard let type = ASN1_TYPE_new() else {
                ASN1_OBJECT_free(object)
                throw failed("ASN1_TYPE_new")
            }
            guard let string = ASN1_UTF8STRING_new() else {
                ASN1_OBJECT_free(object)
                ASN1_TYPE_free(type)
                throw failed("ASN1_UTF8STRING_new")
            }
            let bytes = Array(value.utf8)
            let setStatus = bytes.withUnsafeBytes { buffer in
                ASN1_STRING_set(string, buffer.baseAddress, Int32(buffer.count))
            }
            // ASN1_TYPE_set takes ownership of `string`, GENERAL_NAME_set0_othername of `object` and `type`.
            ASN1_TYPE_set(type, V_ASN1_UTF8STRING, UnsafeMutableRawPointer(string))
            guard setStatus == 1, GENERAL_NAME_set0_othername(generalName, object, type) == 1 else {
                ASN1_OBJECT_free(object)
                ASN1_TYPE_free(type)
                throw failed("GENERAL_NAME_set0_othername")
            }
        }
        guard X509_add1_ext_i2d(certificate, NID_subject_alt_name, UnsafeMutableRawPointer(names), 0, 0) == 1 else {
            throw failed("X509_add1_ext_i2d(subjectAltName)")
        }
    }

    /// Converts a PEM certificate to DER.
    static func derFromPEM(_ pem: [UInt8]) throws(SimulatorError) -> [UInt8] {
        guard let certificate = X509Handle(pem: pem) else { throw failed("PEM_read_bio_X509") }
        guard let der = certificate.derEncoding() else { throw failed("i2d_X509") }
        return der
    }

    /// Converts a DER certificate to PEM.
    static func pemFromDER(_ der: [UInt8]) throws(SimulatorError) -> [UInt8] {
        guard let pem = try parse(der).pemEncoding() else { throw failed("PEM_write_bio_X509") }
        return pem
    }

    /// Whether `key` is the private key of the DER certificate `certificate`.
    static func key(_ key: EVPKeyHandle, matches certificate: [UInt8]) throws(SimulatorError) -> Bool {
        try parse(certificate).matches(privateKey: key)
    }

    /// Parses a DER certificate (the whole input: trailing bytes are an error).
    private static func parse(_ der: [UInt8]) throws(SimulatorError) -> X509Handle {
        do throws(DERDecodingError) {
            return try X509Handle(der: der)
        } catch {
            throw failed("d2i_X509")
        }
    }
}

/// A ``SimulatorError/Code/openSSL`` error naming the OpenSSL function that failed, with OpenSSL's error queue (which
/// it empties) as the reason.
private func failed(_ function: String) -> SimulatorError {
    let reasons = OpenSSLErrorQueue.drain()
    let detail = reasons.isEmpty ? "" : ": " + reasons.joined(separator: "; ")
    return SimulatorError(.openSSL, "\(function) failed\(detail)")
}

/// The OpenSSL NIDs of the extensions the test PKI uses, so that no other file needs COpenSSL.
enum NID {
    static let basicConstraints = NID_basic_constraints
    static let keyUsage = NID_key_usage
    static let certificatePolicies = NID_certificate_policies
    static let subjectKeyIdentifier = NID_subject_key_identifier
    static let authorityKeyIdentifier = NID_authority_key_identifier
}
