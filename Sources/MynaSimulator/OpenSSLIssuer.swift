//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

// Every OpenSSL call of MynaSimulator lives in this file. Pointers never leave it: keys are owned by
// ``OpenSSLKey``, certificates travel as DER bytes, and every temporary object is freed in a `defer`.

internal import COpenSSL

/// An RSA private key held by OpenSSL (an `EVP_PKEY`).
///
/// `@unchecked Sendable`: the key is never mutated after creation, and OpenSSL 3 allows concurrent signing with one
/// `EVP_PKEY` as long as each operation has its own `EVP_PKEY_CTX` (which ``sign(_:)`` creates).
final class OpenSSLKey: @unchecked Sendable {
    private let pointer: OpaquePointer

    private init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        EVP_PKEY_free(pointer)
    }

    /// Generates a fresh RSA key of `bits` bits (public exponent 65537).
    static func generateRSA(bits: Int32 = 2048) throws(SimulatorError) -> OpenSSLKey {
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "RSA", nil) else {
            throw OpenSSL.error("EVP_PKEY_CTX_new_from_name")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1 else { throw OpenSSL.error("EVP_PKEY_keygen_init") }
        guard EVP_PKEY_CTX_set_rsa_keygen_bits(context, bits) == 1 else {
            throw OpenSSL.error("EVP_PKEY_CTX_set_rsa_keygen_bits")
        }
        var key: OpaquePointer? = nil
        guard EVP_PKEY_generate(context, &key) == 1, let key else { throw OpenSSL.error("EVP_PKEY_generate") }
        return OpenSSLKey(taking: key)
    }

    /// Parses a PEM private key (PKCS#8 or traditional RSA).
    static func parsePEM(_ pem: [UInt8]) throws(SimulatorError) -> OpenSSLKey {
        let key: OpaquePointer? = pem.withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, nil, nil)
        }
        guard let key else { throw OpenSSL.error("PEM_read_bio_PrivateKey") }
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA else {
            EVP_PKEY_free(key)
            throw SimulatorError(.invalidPKI, "the private key is not an RSA key")
        }
        return OpenSSLKey(taking: key)
    }

    /// The key as an unencrypted PKCS#8 PEM document.
    func pem() throws(SimulatorError) -> [UInt8] {
        try OpenSSL.withMemoryBIO("PEM_write_bio_PrivateKey") { bio in
            PEM_write_bio_PrivateKey(bio, pointer, nil, nil, 0, nil, nil)
        }
    }

    /// The modulus size in bytes (256 for RSA-2048).
    var size: Int {
        Int(EVP_PKEY_get_size(pointer))
    }

    /// The RSA private-key operation on `input` after PKCS#1 v1.5 type-01 padding, as the card does it.
    ///
    /// No digest is set on the context, so OpenSSL pads the input as given (`00 01 FF … FF 00 input`) and applies
    /// the private key. `input` is a DER DigestInfo; its length must be at most the modulus size minus 11.
    func sign(_ input: [UInt8]) throws(SimulatorError) -> [UInt8] {
        guard let context = EVP_PKEY_CTX_new(pointer, nil) else { throw OpenSSL.error("EVP_PKEY_CTX_new") }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_sign_init(context) == 1 else { throw OpenSSL.error("EVP_PKEY_sign_init") }
        guard EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PADDING) == 1 else {
            throw OpenSSL.error("EVP_PKEY_CTX_set_rsa_padding")
        }
        var length = 0
        guard EVP_PKEY_sign(context, nil, &length, input, input.count) == 1 else {
            throw OpenSSL.error("EVP_PKEY_sign")
        }
        var signature = [UInt8](repeating: 0, count: length)
        let status = signature.withUnsafeMutableBufferPointer { buffer in
            EVP_PKEY_sign(context, buffer.baseAddress, &length, input, input.count)
        }
        guard status == 1 else { throw OpenSSL.error("EVP_PKEY_sign") }
        return Array(signature.prefix(length))
    }

    /// Runs `body` with the raw `EVP_PKEY *` (for the certificate builder in this file only).
    fileprivate func withPointer<Result>(
        _ body: (OpaquePointer) throws(SimulatorError) -> Result
    ) throws(SimulatorError) -> Result {
        try body(pointer)
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
        subjectKey: OpenSSLKey,
        issuer: (certificate: [UInt8], key: OpenSSLKey)?
    ) throws(SimulatorError) -> [UInt8] {
        guard let certificate = X509_new() else { throw OpenSSL.error("X509_new") }
        defer { X509_free(certificate) }

        let issuerCertificate: OpaquePointer?
        if let issuer {
            issuerCertificate = try parseDER(issuer.certificate)
        } else {
            issuerCertificate = nil
        }
        defer { if let issuerCertificate { X509_free(issuerCertificate) } }

        guard X509_set_version(certificate, 2) == 1 else { throw OpenSSL.error("X509_set_version") }
        var serial: UInt64 = 0
        let randomStatus = withUnsafeMutableBytes(of: &serial) { buffer in
            RAND_bytes(buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(buffer.count))
        }
        guard randomStatus == 1 else { throw OpenSSL.error("RAND_bytes") }
        // A positive serial number of at most 63 bits that is never zero.
        serial = (serial & 0x7FFF_FFFF_FFFF_FFFF) | 0x0100_0000_0000_0000
        guard ASN1_INTEGER_set_uint64(X509_get_serialNumber(certificate), serial) == 1 else {
            throw OpenSSL.error("ASN1_INTEGER_set_uint64")
        }

        guard let name = X509_NAME_new() else { throw OpenSSL.error("X509_NAME_new") }
        defer { X509_NAME_free(name) }
        for entry in template.subject {
            let bytes = Array(entry.value.utf8)
            let status = bytes.withUnsafeBufferPointer { buffer in
                X509_NAME_add_entry_by_txt(
                    name, entry.field, MBSTRING_UTF8, buffer.baseAddress, Int32(buffer.count), -1, 0
                )
            }
            guard status == 1 else { throw OpenSSL.error("X509_NAME_add_entry_by_txt(\(entry.field))") }
        }
        guard X509_set_subject_name(certificate, name) == 1 else { throw OpenSSL.error("X509_set_subject_name") }
        let issuerName = issuerCertificate.map { X509_get_subject_name($0) } ?? name
        guard X509_set_issuer_name(certificate, issuerName) == 1 else { throw OpenSSL.error("X509_set_issuer_name") }

        guard X509_time_adj_ex(X509_getm_notBefore(certificate), 0, template.notBeforeOffset, nil) != nil,
            X509_time_adj_ex(X509_getm_notAfter(certificate), 0, template.notAfterOffset, nil) != nil
        else { throw OpenSSL.error("X509_time_adj_ex") }

        try subjectKey.withPointer { (key) throws(SimulatorError) in
            guard X509_set_pubkey(certificate, key) == 1 else { throw OpenSSL.error("X509_set_pubkey") }
        }

        // certificatePolicies is parsed by an r2i method, which insists on a configuration database even when the
        // value names no section: an empty one does.
        guard let configuration = NCONF_new(nil) else { throw OpenSSL.error("NCONF_new") }
        defer { NCONF_free(configuration) }
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuerCertificate ?? certificate, certificate, nil, nil, 0)
        X509V3_set_nconf(&context, configuration)
        for (nid, value) in template.extensions {
            guard let extensionPointer = X509V3_EXT_nconf_nid(configuration, &context, nid, value) else {
                throw OpenSSL.error("X509V3_EXT_nconf_nid(\(String(cString: OBJ_nid2sn(nid))), \(value))")
            }
            defer { X509_EXTENSION_free(extensionPointer) }
            guard X509_add_ext(certificate, extensionPointer, -1) == 1 else { throw OpenSSL.error("X509_add_ext") }
        }
        if !template.otherNames.isEmpty {
            try addOtherNames(template.otherNames, to: certificate)
        }

        let signingKey = issuer?.key ?? subjectKey
        try signingKey.withPointer { (key) throws(SimulatorError) in
            guard X509_sign(certificate, key, EVP_sha256()) > 0 else { throw OpenSSL.error("X509_sign") }
        }
        return try derEncoding(of: certificate)
    }

    /// Adds a non-critical subjectAltName made only of otherNames, each `[0] EXPLICIT UTF8String`.
    ///
    /// Built with the GENERAL_NAME API rather than the `otherName:OID;UTF8:value` configuration syntax so that commas
    /// and other characters in names and addresses need no escaping.
    private static func addOtherNames(
        _ otherNames: [(oid: String, value: String)],
        to certificate: OpaquePointer
    ) throws(SimulatorError) {
        guard let names = GENERAL_NAMES_new() else { throw OpenSSL.error("GENERAL_NAMES_new") }
        defer { GENERAL_NAMES_free(names) }
        for (oid, value) in otherNames {
            guard let generalName = GENERAL_NAME_new() else { throw OpenSSL.error("GENERAL_NAME_new") }
            guard COpenSSL_sk_GENERAL_NAME_push(names, generalName) > 0 else {
                GENERAL_NAME_free(generalName)
                throw OpenSSL.error("sk_GENERAL_NAME_push")
            }
            // From here the stack owns `generalName`.
            guard let object = OBJ_txt2obj(oid, 1) else { throw OpenSSL.error("OBJ_txt2obj(\(oid))") }
            guard let type = ASN1_TYPE_new() else {
                ASN1_OBJECT_free(object)
                throw OpenSSL.error("ASN1_TYPE_new")
            }
            guard let string = ASN1_UTF8STRING_new() else {
                ASN1_OBJECT_free(object)
                ASN1_TYPE_free(type)
                throw OpenSSL.error("ASN1_UTF8STRING_new")
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
                throw OpenSSL.error("GENERAL_NAME_set0_othername")
            }
        }
        guard X509_add1_ext_i2d(certificate, NID_subject_alt_name, UnsafeMutableRawPointer(names), 0, 0) == 1 else {
            throw OpenSSL.error("X509_add1_ext_i2d(subjectAltName)")
        }
    }

    /// Converts a PEM certificate to DER.
    static func derFromPEM(_ pem: [UInt8]) throws(SimulatorError) -> [UInt8] {
        let certificate: OpaquePointer? = pem.withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_X509(bio, nil, nil, nil)
        }
        guard let certificate else { throw OpenSSL.error("PEM_read_bio_X509") }
        defer { X509_free(certificate) }
        return try derEncoding(of: certificate)
    }

    /// Converts a DER certificate to PEM.
    static func pemFromDER(_ der: [UInt8]) throws(SimulatorError) -> [UInt8] {
        let certificate = try parseDER(der)
        defer { X509_free(certificate) }
        return try OpenSSL.withMemoryBIO("PEM_write_bio_X509") { bio in
            PEM_write_bio_X509(bio, certificate)
        }
    }

    /// Whether `key` is the private key of the DER certificate `certificate`.
    static func key(_ key: OpenSSLKey, matches certificate: [UInt8]) throws(SimulatorError) -> Bool {
        let parsed = try parseDER(certificate)
        defer { X509_free(parsed) }
        return try key.withPointer { (pointer) throws(SimulatorError) in
            X509_check_private_key(parsed, pointer) == 1
        }
    }

    /// Parses DER into a new `X509 *` the caller frees.
    private static func parseDER(_ der: [UInt8]) throws(SimulatorError) -> OpaquePointer {
        let certificate: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_X509(nil, &cursor, buffer.count)
        }
        guard let certificate else { throw OpenSSL.error("d2i_X509") }
        return certificate
    }

    private static func derEncoding(of certificate: OpaquePointer) throws(SimulatorError) -> [UInt8] {
        let length = i2d_X509(certificate, nil)
        guard length > 0 else { throw OpenSSL.error("i2d_X509") }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer in
            var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            return i2d_X509(certificate, &cursor)
        }
        guard written == length else { throw OpenSSL.error("i2d_X509") }
        return der
    }
}

/// Error-queue and BIO helpers.
private enum OpenSSL {
    /// Builds an error from the function name and OpenSSL's error queue, which it empties.
    static func error(_ function: String) -> SimulatorError {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            buffer.withUnsafeMutableBufferPointer { ERR_error_string_n(code, $0.baseAddress, $0.count) }
            reasons.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        let detail = reasons.isEmpty ? "" : ": " + reasons.joined(separator: "; ")
        return SimulatorError(.openSSL, "\(function) failed\(detail)")
    }

    /// Runs `write` against a fresh memory BIO and returns what it wrote.
    static func withMemoryBIO(
        _ function: String,
        _ write: (OpaquePointer) -> Int32
    ) throws(SimulatorError) -> [UInt8] {
        guard let bio = BIO_new(BIO_s_mem()) else { throw error("BIO_new") }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else { throw error(function) }
        let pending = Int(BIO_ctrl_pending(bio))
        var bytes = [UInt8](repeating: 0, count: pending)
        let read = bytes.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress, Int32(pending)) }
        guard read == pending else { throw error("BIO_read") }
        return bytes
    }
}

/// The OpenSSL NIDs of the extensions the test PKI uses, so that no other file needs COpenSSL.
enum NID {
    static let basicConstraints = NID_basic_constraints
    static let keyUsage = NID_key_usage
    static let certificatePolicies = NID_certificate_policies
    static let subjectKeyIdentifier = NID_subject_key_identifier
    static let authorityKeyIdentifier = NID_authority_key_identifier
}
