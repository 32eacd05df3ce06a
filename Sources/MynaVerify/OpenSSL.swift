//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import COpenSSL
import Foundation

// Every OpenSSL call and every unsafe pointer of MynaVerify lives in this file. Each object created with `*_new` /
// `d2i_*` is either freed in a `defer` of the same scope or handed to one of the owning handle classes below, whose
// `deinit` frees it.

// MARK: - Owning handles

/// Owns one reference to an OpenSSL `X509`.
///
/// `@unchecked Sendable`: the certificate is never mutated after parsing; OpenSSL's read accessors are safe to call
/// from several threads (the lazily filled extension cache is guarded by the object's own lock, and MynaVerify fills it
/// right after parsing anyway).
final class X509Handle: @unchecked Sendable {
    let pointer: OpaquePointer
    init(taking pointer: OpaquePointer) { self.pointer = pointer }
    deinit { X509_free(pointer) }

    /// Whether both handles own a reference to the same OpenSSL object.
    func isSameObject(as other: X509Handle) -> Bool { pointer == other.pointer }
}

/// Owns one reference to an OpenSSL `X509_CRL`.
///
/// `@unchecked Sendable`: immutable after parsing, like ``X509Handle``; verification only reads it.
final class CRLHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    init(taking pointer: OpaquePointer) { self.pointer = pointer }
    deinit { X509_CRL_free(pointer) }
}

/// Owns one reference to an OpenSSL `EVP_PKEY` holding a public key.
///
/// `@unchecked Sendable`: the key is never mutated; each verification creates its own `EVP_PKEY_CTX`, which is the
/// documented way to use one key from several threads.
final class EVPKeyHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    init(taking pointer: OpaquePointer) { self.pointer = pointer }
    deinit { EVP_PKEY_free(pointer) }
}

/// Owns an OpenSSL `X509_STORE` filled with trust anchors.
///
/// `@unchecked Sendable`: the store is filled once in `init` and never changed afterwards; OpenSSL documents
/// `X509_STORE` lookups during `X509_verify_cert` as thread-safe (they take the store's lock), so any number of
/// verifications may share it. A verification keeps this handle (and so the store) alive until its
/// `X509_STORE_CTX` is freed.
final class X509StoreHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    init(taking pointer: OpaquePointer) { self.pointer = pointer }
    deinit { X509_STORE_free(pointer) }
}

// MARK: - OpenSSL calls

enum OpenSSL {
    /// Empties the calling thread's OpenSSL error queue and returns its entries, oldest first.
    static func drainErrorQueue() -> [String] {
        var messages: [String] = []
        var buffer = [CChar](repeating: 0, count: 256)
        while true {
            var file: UnsafePointer<CChar>?
            var line: Int32 = 0
            var function: UnsafePointer<CChar>?
            var data: UnsafePointer<CChar>?
            var flags: Int32 = 0
            let code = ERR_get_error_all(&file, &line, &function, &data, &flags)
            if code == 0 { break }
            var text = buffer.withUnsafeMutableBufferPointer { raw -> String in
                ERR_error_string_n(code, raw.baseAddress, raw.count)
                return String(cString: raw.baseAddress!)
            }
            if flags & ERR_TXT_STRING != 0, let data, data.pointee != 0 {
                text += " (\(String(cString: data)))"
            }
            messages.append(text)
        }
        return messages
    }

    // MARK: Certificates

    static func parseCertificate(der: [UInt8]) throws -> X509Handle {
        ERR_clear_error()
        var trailing = 0
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return nil }
            var cursor: UnsafePointer<UInt8>? = base
            guard let certificate = d2i_X509(nil, &cursor, buffer.count) else { return nil }
            trailing = buffer.count - (cursor.map { $0 - base } ?? buffer.count)
            if trailing != 0 {
                X509_free(certificate)
                return nil
            }
            return certificate
        }
        guard let parsed else {
            if trailing != 0 {
                throw MynaVerifyError.malformedDER("certificate: \(trailing) bytes after the DER certificate")
            }
            throw MynaVerifyError.malformedDER("certificate: DER does not decode (\(der.count) bytes)")
        }
        return X509Handle(taking: parsed)
    }

    /// Wraps a certificate pointer owned elsewhere by taking a reference of our own.
    static func retainedCertificate(_ pointer: OpaquePointer) -> X509Handle {
        X509_up_ref(pointer)
        return X509Handle(taking: pointer)
    }

    static func certificateFields(_ handle: X509Handle, der knownDER: [UInt8]?) throws -> CertificateFields {
        let x509 = handle.pointer
        // Fills OpenSSL's extension cache now, once, so later concurrent reads never write to the object.
        let extensionFlags = X509_get_extension_flags(x509)

        let der = try knownDER ?? encodedCertificate(x509)
        guard let subjectName = X509_get_subject_name(x509), let issuerName = X509_get_issuer_name(x509) else {
            throw MynaVerifyError.malformedDER("certificate: no subject or issuer name")
        }
        guard let serial = X509_get0_serialNumber(x509) else {
            throw MynaVerifyError.malformedDER("certificate: no serial number")
        }
        guard let notBefore = X509_get0_notBefore(x509).flatMap(date(of:)),
            let notAfter = X509_get0_notAfter(x509).flatMap(date(of:))
        else {
            throw MynaVerifyError.malformedDER("certificate: validity dates do not decode")
        }
        guard let keyHandle = X509_get_pubkey(x509) else {
            throw MynaVerifyError.openSSL(.unsupportedKey, "certificate: the subject public key does not decode")
        }
        let publicKey = try PublicKey(handle: EVPKeyHandle(taking: keyHandle))

        var keyUsage: Set<KeyUsage>?
        if extensionFlags & UInt32(EXFLAG_KUSAGE) != 0 {
            keyUsage = keyUsages(X509_get_key_usage(x509))
        }
        var basicConstraints: BasicConstraints?
        if extensionFlags & UInt32(EXFLAG_BCONS) != 0 {
            let pathLength = X509_get_pathlen(x509)
            basicConstraints = BasicConstraints(
                isCA: extensionFlags & UInt32(EXFLAG_CA) != 0,
                pathLengthConstraint: pathLength >= 0 ? pathLength : nil
            )
        }
        let signatureNID = X509_get_signature_nid(x509)
        return CertificateFields(
            der: der,
            subject: distinguishedName(subjectName),
            issuer: distinguishedName(issuerName),
            serialNumber: try hexadecimal(serial),
            notBefore: notBefore,
            notAfter: notAfter,
            keyUsage: keyUsage,
            extendedKeyUsage: try extendedKeyUsage(x509),
            certificatePolicies: try certificatePolicies(x509),
            basicConstraints: basicConstraints,
            subjectAlternativeNames: try subjectAlternativeNames(x509),
            publicKey: publicKey,
            sha256Fingerprint: try digest(der, .sha256),
            signatureAlgorithm: signatureNID == NID_undef ? "unknown" : String(cString: OBJ_nid2ln(signatureNID)),
            isSelfSigned: extensionFlags & UInt32(EXFLAG_SS) != 0
        )
    }

    private static func encodedCertificate(_ x509: OpaquePointer) throws -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>?
        let length = i2d_X509(x509, &output)
        guard length > 0, let output else { throw MynaVerifyError.openSSL(.openSSLFailure, "i2d_X509 failed") }
        defer { COpenSSL_free(output) }
        return Array(UnsafeBufferPointer(start: output, count: Int(length)))
    }

    private static func keyUsages(_ bits: UInt32) -> Set<KeyUsage> {
        let table: [(Int32, KeyUsage)] = [
            (KU_DIGITAL_SIGNATURE, .digitalSignature), (KU_NON_REPUDIATION, .nonRepudiation),
            (KU_KEY_ENCIPHERMENT, .keyEncipherment), (KU_DATA_ENCIPHERMENT, .dataEncipherment),
            (KU_KEY_AGREEMENT, .keyAgreement), (KU_KEY_CERT_SIGN, .keyCertSign), (KU_CRL_SIGN, .cRLSign),
            (KU_ENCIPHER_ONLY, .encipherOnly), (KU_DECIPHER_ONLY, .decipherOnly),
        ]
        return Set(table.filter { bits & UInt32($0.0) != 0 }.map(\.1))
    }

    /// Decodes extension `nid` with `X509_get_ext_d2i`; `nil` when absent, an error when present but undecodable.
    private static func decodedExtension(_ x509: OpaquePointer, _ nid: Int32, _ name: String) throws
        -> UnsafeMutableRawPointer?
    {
        var critical: Int32 = 0
        if let decoded = X509_get_ext_d2i(x509, nid, &critical, nil) { return decoded }
        if critical == -1 { return nil }
        let why = critical == -2 ? "appears more than once" : "does not decode"
        throw MynaVerifyError.malformedDER("certificate: the \(name) extension \(why)")
    }

    private static func certificatePolicies(_ x509: OpaquePointer) throws -> [String] {
        guard let raw = try decodedExtension(x509, NID_certificate_policies, "certificatePolicies") else { return [] }
        let policies = OpaquePointer(raw)
        defer { CERTIFICATEPOLICIES_free(policies) }
        return (0..<COpenSSL_sk_POLICYINFO_num(policies)).compactMap { index in
            COpenSSL_sk_POLICYINFO_value(policies, index).map { objectText($0.pointee.policyid) }
        }
    }

    private static func extendedKeyUsage(_ x509: OpaquePointer) throws -> [String] {
        guard let raw = try decodedExtension(x509, NID_ext_key_usage, "extendedKeyUsage") else { return [] }
        let usages = OpaquePointer(raw)
        defer { EXTENDED_KEY_USAGE_free(usages) }
        return (0..<COpenSSL_sk_ASN1_OBJECT_num(usages)).compactMap { index in
            COpenSSL_sk_ASN1_OBJECT_value(usages, index).map { objectText($0) }
        }
    }

    private static func subjectAlternativeNames(_ x509: OpaquePointer) throws -> [GeneralName] {
        guard let raw = try decodedExtension(x509, NID_subject_alt_name, "subjectAltName") else { return [] }
        let names = OpaquePointer(raw)
        defer { GENERAL_NAMES_free(names) }
        var result: [GeneralName] = []
        for index in 0..<COpenSSL_sk_GENERAL_NAME_num(names) {
            guard let name = COpenSSL_sk_GENERAL_NAME_value(names, index) else { continue }
            result.append(try generalName(name))
        }
        return result
    }

    private static func generalName(_ name: UnsafeMutablePointer<GENERAL_NAME>) throws -> GeneralName {
        let type = name.pointee.type
        switch type {
        case GEN_OTHERNAME:
            var typeID: OpaquePointer?
            var value: UnsafeMutablePointer<ASN1_TYPE>?
            guard GENERAL_NAME_get0_otherName(name, &typeID, &value) == 1, let typeID, let value else {
                throw MynaVerifyError.malformedDER("certificate: an otherName entry does not decode")
            }
            var output: UnsafeMutablePointer<UInt8>?
            let length = i2d_ASN1_TYPE(value, &output)
            guard length > 0, let output else {
                throw MynaVerifyError.malformedDER("certificate: an otherName value does not encode")
            }
            defer { COpenSSL_free(output) }
            let valueDER = Array(UnsafeBufferPointer(start: output, count: Int(length)))
            return .otherName(oid: objectText(typeID), value: DERString.decode(valueDER), valueDER: valueDER)
        case GEN_EMAIL:
            return .email(asciiString(name.pointee.d.rfc822Name))
        case GEN_DNS:
            return .dnsName(asciiString(name.pointee.d.dNSName))
        case GEN_URI:
            return .uri(asciiString(name.pointee.d.uniformResourceIdentifier))
        case GEN_IPADD:
            return .ipAddress(bytes(of: name.pointee.d.iPAddress))
        case GEN_DIRNAME:
            guard let directory = name.pointee.d.directoryName else { return .unsupported(tag: Int(type)) }
            return .directoryName(distinguishedName(directory))
        case GEN_RID:
            guard let object = name.pointee.d.registeredID else { return .unsupported(tag: Int(type)) }
            return .registeredID(objectText(object))
        default:
            return .unsupported(tag: Int(type))
        }
    }

    private static func bytes(of string: UnsafePointer<ASN1_STRING>?) -> [UInt8] {
        guard let string, let data = ASN1_STRING_get0_data(string) else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(string))))
    }

    private static func asciiString(_ string: UnsafePointer<ASN1_STRING>?) -> String {
        String(decoding: bytes(of: string), as: UTF8.self)
    }

    static func distinguishedName(_ name: OpaquePointer) -> DistinguishedName {
        var rdns: [[DistinguishedName.Attribute]] = []
        var previousSet: Int32 = -1
        for index in 0..<X509_NAME_entry_count(name) {
            guard let entry = X509_NAME_get_entry(name, index), let object = X509_NAME_ENTRY_get_object(entry) else {
                continue
            }
            let oid = objectText(object)
            let nid = OBJ_obj2nid(object)
            let shortName = nid == NID_undef ? oid : String(cString: OBJ_nid2sn(nid))
            let attribute = DistinguishedName.Attribute(
                oid: oid,
                shortName: shortName,
                value: utf8String(X509_NAME_ENTRY_get_data(entry))
            )
            let set = X509_NAME_ENTRY_set(entry)
            if set == previousSet, !rdns.isEmpty {
                rdns[rdns.count - 1].append(attribute)
            } else {
                rdns.append([attribute])
            }
            previousSet = set
        }
        return DistinguishedName(rdns: rdns)
    }

    /// Any ASN.1 string type converted to UTF-8 by OpenSSL; raw bytes decoded leniently if conversion fails.
    private static func utf8String(_ string: UnsafePointer<ASN1_STRING>?) -> String {
        guard let string else { return "" }
        var output: UnsafeMutablePointer<UInt8>?
        let length = ASN1_STRING_to_UTF8(&output, string)
        guard length >= 0, let output else {
            ERR_clear_error()
            return asciiString(string)
        }
        defer { COpenSSL_free(output) }
        return String(decoding: UnsafeBufferPointer(start: output, count: Int(length)), as: UTF8.self)
    }

    /// The dotted form of an OID.
    private static func objectText(_ object: OpaquePointer?) -> String {
        var buffer = [CChar](repeating: 0, count: 128)
        return buffer.withUnsafeMutableBufferPointer { raw -> String in
            let length = OBJ_obj2txt(raw.baseAddress, Int32(raw.count), object, 1)
            guard length > 0 else { return "" }
            if Int(length) < raw.count { return String(cString: raw.baseAddress!) }
            // Longer than the buffer: ask again with the exact size.
            var large = [CChar](repeating: 0, count: Int(length) + 1)
            return large.withUnsafeMutableBufferPointer { big -> String in
                _ = OBJ_obj2txt(big.baseAddress, Int32(big.count), object, 1)
                return String(cString: big.baseAddress!)
            }
        }
    }

    private static func hexadecimal(_ integer: UnsafePointer<ASN1_INTEGER>) throws -> String {
        guard let number = ASN1_INTEGER_to_BN(integer, nil) else {
            throw MynaVerifyError.malformedDER("certificate: the serial number does not decode")
        }
        defer { BN_free(number) }
        guard let text = BN_bn2hex(number) else { throw MynaVerifyError.openSSL(.openSSLFailure, "BN_bn2hex failed") }
        defer { COpenSSL_free(text) }
        return String(cString: text)
    }

    static func date(of time: UnsafePointer<ASN1_TIME>) -> Date? {
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else {
            ERR_clear_error()
            return nil
        }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }

    // MARK: Public keys, digests, signatures

    static func parsePublicKey(der: [UInt8]) throws -> EVPKeyHandle {
        ERR_clear_error()
        let key: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return nil }
            var cursor: UnsafePointer<UInt8>? = base
            guard let key = d2i_PUBKEY(nil, &cursor, buffer.count) else { return nil }
            guard cursor == base + buffer.count else {
                EVP_PKEY_free(key)
                return nil
            }
            return key
        }
        guard let key else {
            throw MynaVerifyError.openSSL(.unsupportedKey, "public key: not a DER SubjectPublicKeyInfo")
        }
        return EVPKeyHandle(taking: key)
    }

    static func publicKeyFields(_ handle: EVPKeyHandle) throws -> ([UInt8], String, Int) {
        var output: UnsafeMutablePointer<UInt8>?
        let length = i2d_PUBKEY(handle.pointer, &output)
        guard length > 0, let output else {
            throw MynaVerifyError.openSSL(.unsupportedKey, "public key: cannot be encoded")
        }
        defer { COpenSSL_free(output) }
        let der = Array(UnsafeBufferPointer(start: output, count: Int(length)))
        let algorithm = EVP_PKEY_get0_type_name(handle.pointer).map { String(cString: $0) } ?? "unknown"
        return (der, algorithm, Int(EVP_PKEY_get_bits(handle.pointer)))
    }

    private static func messageDigest(_ hash: HashAlgorithm) -> OpaquePointer? {
        switch hash {
        case .sha1: return EVP_sha1()
        case .sha256: return EVP_sha256()
        case .sha384: return EVP_sha384()
        case .sha512: return EVP_sha512()
        }
    }

    static func digest(_ data: [UInt8], _ hash: HashAlgorithm) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let status = data.withUnsafeBytes { input in
            output.withUnsafeMutableBufferPointer { out in
                EVP_Digest(input.baseAddress, input.count, out.baseAddress, &length, messageDigest(hash), nil)
            }
        }
        guard status == 1 else { throw MynaVerifyError.openSSL(.openSSLFailure, "EVP_Digest(\(hash)) failed") }
        return Array(output.prefix(Int(length)))
    }

    /// RSASSA-PKCS1-v1_5 verification of `signature` over a precomputed `digest`.
    ///
    /// Returns `false` for any signature that does not verify (wrong value, wrong length); throws only when the
    /// key is unusable or OpenSSL cannot set up the operation.
    static func verifyPKCS1(
        signature: [UInt8],
        digest: [UInt8],
        hash: HashAlgorithm,
        key: EVPKeyHandle
    ) throws -> Bool {
        ERR_clear_error()
        guard let context = EVP_PKEY_CTX_new(key.pointer, nil) else {
            throw MynaVerifyError.openSSL(.openSSLFailure, "EVP_PKEY_CTX_new failed")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_verify_init(context) == 1,
            EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PADDING) == 1,
            EVP_PKEY_CTX_set_signature_md(context, messageDigest(hash)) == 1
        else {
            throw MynaVerifyError.openSSL(.unsupportedKey, "the key cannot verify RSA PKCS#1 v1.5 \(hash) signatures")
        }
        let status = signature.withUnsafeBufferPointer { signatureBytes in
            digest.withUnsafeBufferPointer { digestBytes in
                EVP_PKEY_verify(
                    context,
                    signatureBytes.baseAddress,
                    signatureBytes.count,
                    digestBytes.baseAddress,
                    digestBytes.count
                )
            }
        }
        // A signature that does not verify leaves entries on the queue; they describe the signature, not an error.
        ERR_clear_error()
        return status == 1
    }

    static func keyIsRSA(_ key: EVPKeyHandle) -> Bool {
        EVP_PKEY_get_base_id(key.pointer) == EVP_PKEY_RSA
    }

    static func randomBytes(count: Int) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: count)
        let status = output.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32($0.count)) }
        guard status == 1 else {
            throw MynaVerifyError.openSSL(.randomGeneratorFailure, "RAND_bytes(\(count)) failed")
        }
        return output
    }

    // MARK: Revocation lists

    static func parseCRL(der: [UInt8]) throws -> CRLHandle {
        ERR_clear_error()
        var trailing = 0
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return nil }
            var cursor: UnsafePointer<UInt8>? = base
            guard let crl = d2i_X509_CRL(nil, &cursor, buffer.count) else { return nil }
            trailing = buffer.count - (cursor.map { $0 - base } ?? buffer.count)
            if trailing != 0 {
                X509_CRL_free(crl)
                return nil
            }
            return crl
        }
        guard let parsed else {
            if trailing != 0 { throw MynaVerifyError.malformedDER("CRL: \(trailing) bytes after the DER CRL") }
            throw MynaVerifyError.malformedDER("CRL: DER does not decode (\(der.count) bytes)")
        }
        return CRLHandle(taking: parsed)
    }

    static func crlFields(_ handle: CRLHandle) throws -> RevocationListFields {
        let crl = handle.pointer
        guard let issuer = X509_CRL_get_issuer(crl) else { throw MynaVerifyError.malformedDER("CRL: no issuer") }
        guard let thisUpdate = X509_CRL_get0_lastUpdate(crl).flatMap(date(of:)) else {
            throw MynaVerifyError.malformedDER("CRL: thisUpdate does not decode")
        }
        var entries: [RevokedCertificate] = []
        if let revoked = X509_CRL_get_REVOKED(crl) {
            for index in 0..<COpenSSL_sk_X509_REVOKED_num(revoked) {
                guard let entry = COpenSSL_sk_X509_REVOKED_value(revoked, index),
                    let serial = X509_REVOKED_get0_serialNumber(entry),
                    let date = X509_REVOKED_get0_revocationDate(entry).flatMap(date(of:))
                else { throw MynaVerifyError.malformedDER("CRL: a revoked entry does not decode") }
                entries.append(
                    RevokedCertificate(serialNumber: try hexadecimal(serial), revocationDate: date, reason: reason(entry))
                )
            }
        }
        return RevocationListFields(
            issuer: distinguishedName(issuer),
            thisUpdate: thisUpdate,
            nextUpdate: X509_CRL_get0_nextUpdate(crl).flatMap(date(of:)),
            revokedCertificates: entries
        )
    }

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

    static func crl(_ crl: CRLHandle, isSignedBy issuer: X509Handle) -> Bool {
        guard let key = X509_get0_pubkey(issuer.pointer) else { return false }
        let status = X509_CRL_verify(crl.pointer, key)
        ERR_clear_error()
        return status == 1
    }

    static func crl(_ crl: CRLHandle, hasIssuerOf certificate: X509Handle) -> Bool {
        X509_NAME_cmp(X509_CRL_get_issuer(crl.pointer), X509_get_issuer_name(certificate.pointer)) == 0
    }

    static func crl(_ crl: CRLHandle, revokedSerialOf certificate: X509Handle) -> String? {
        var entry: OpaquePointer?
        guard X509_CRL_get0_by_cert(crl.pointer, &entry, certificate.pointer) == 1, let entry,
            let serial = X509_REVOKED_get0_serialNumber(entry)
        else { return nil }
        return try? hexadecimal(serial)
    }

    // MARK: Trust stores and chain verification

    static func makeStore(anchors: [X509Handle]) throws -> X509StoreHandle {
        guard let store = X509_STORE_new() else { throw MynaVerifyError.openSSL(.openSSLFailure, "X509_STORE_new") }
        let handle = X509StoreHandle(taking: store)
        for anchor in anchors where X509_STORE_add_cert(store, anchor.pointer) != 1 {
            throw MynaVerifyError.openSSL(.openSSLFailure, "X509_STORE_add_cert failed")
        }
        return handle
    }

    /// One error OpenSSL reported through the verify callback.
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

            var concernsCRL: Bool {
                switch self {
                case .revoked, .crlMissing, .crlExpired, .crlNotYetValid, .crlInvalid: return true
                default: return false
                }
            }
        }

        var code: Int32
        var kind: Kind
        var depth: Int
        /// The index in the `crls` argument of the CRL being checked when the error was raised, if any.
        var crlIndex: Int?
    }

    /// What the verify callback records; the CRL address is turned into an index before leaving this file.
    fileprivate struct RecordedError {
        var code: Int32
        var kind: ChainError.Kind
        var depth: Int
        var crlAddress: OpaquePointer?
    }

    struct ChainOutcome {
        var errors: [ChainError]
        /// The chain OpenSSL built, leaf first (possibly partial when no anchor was found).
        var chain: [X509Handle]
    }

    static func errorText(_ code: Int32) -> String { String(cString: X509_verify_cert_error_string(Int(code))) }

    /// Runs `X509_verify_cert` with a callback that records every error and lets verification continue, so the
    /// caller sees all of them rather than the first.
    static func verifyChain(
        leaf: X509Handle,
        untrusted: [X509Handle],
        store: X509StoreHandle,
        crls: [CRLHandle],
        checkRevocation: Bool,
        at time: Date
    ) throws -> ChainOutcome {
        ERR_clear_error()
        guard let context = X509_STORE_CTX_new() else {
            throw MynaVerifyError.openSSL(.openSSLFailure, "X509_STORE_CTX_new failed")
        }
        defer { X509_STORE_CTX_free(context) }
        guard let untrustedStack = COpenSSL_sk_X509_new_null() else {
            throw MynaVerifyError.openSSL(.openSSLFailure, "sk_X509_new_null failed")
        }
        defer { COpenSSL_sk_X509_free(untrustedStack) }
        for certificate in untrusted where COpenSSL_sk_X509_push(untrustedStack, certificate.pointer) == 0 {
            throw MynaVerifyError.openSSL(.openSSLFailure, "sk_X509_push failed")
        }
        guard let crlStack = COpenSSL_sk_X509_CRL_new_null() else {
            throw MynaVerifyError.openSSL(.openSSLFailure, "sk_X509_CRL_new_null failed")
        }
        defer { COpenSSL_sk_X509_CRL_free(crlStack) }
        for crl in crls where COpenSSL_sk_X509_CRL_push(crlStack, crl.pointer) == 0 {
            throw MynaVerifyError.openSSL(.openSSLFailure, "sk_X509_CRL_push failed")
        }

        // The context borrows the store, leaf, untrusted certificates and CRLs; the handles outlive it because they
        // are kept alive until the end of this function.
        return try withExtendedLifetime((store, leaf, untrusted, crls)) {
            guard X509_STORE_CTX_init(context, store.pointer, leaf.pointer, untrustedStack) == 1 else {
                throw MynaVerifyError.openSSL(.openSSLFailure, "X509_STORE_CTX_init failed")
            }
            X509_STORE_CTX_set0_crls(context, crlStack)
            let parameters = X509_STORE_CTX_get0_param(context)
            X509_VERIFY_PARAM_set_time(parameters, time_t(time.timeIntervalSince1970.rounded(.down)))
            if checkRevocation {
                X509_VERIFY_PARAM_set_flags(parameters, UInt(X509_V_FLAG_CRL_CHECK))
            }
            X509_STORE_CTX_set_verify_cb(context, recordingVerifyCallback)

            var recorded: [RecordedError] = []
            let status = withUnsafeMutablePointer(to: &recorded) { recorder in
                _ = COpenSSL_X509_STORE_CTX_set_app_data(context, recorder)
                defer { _ = COpenSSL_X509_STORE_CTX_set_app_data(context, nil) }
                return X509_verify_cert(context)
            }
            if status < 0 {
                throw MynaVerifyError.openSSL(.openSSLFailure, "X509_verify_cert could not run")
            }
            var errors = recorded.map { error in
                ChainError(
                    code: error.code,
                    kind: error.kind,
                    depth: error.depth,
                    crlIndex: error.crlAddress.flatMap { address in crls.firstIndex { $0.pointer == address } }
                )
            }
            if status == 0, errors.isEmpty {
                // Failed without telling the callback (should not happen): report the context's error.
                let code = X509_STORE_CTX_get_error(context)
                errors.append(ChainError(code: code, kind: ChainError.Kind(code), depth: 0, crlIndex: nil))
            }
            var chain: [X509Handle] = []
            if let built = X509_STORE_CTX_get0_chain(context) {
                for index in 0..<COpenSSL_sk_X509_num(built) {
                    if let certificate = COpenSSL_sk_X509_value(built, index) {
                        chain.append(certificate == leaf.pointer ? leaf : retainedCertificate(certificate))
                    }
                }
            }
            ERR_clear_error()
            return ChainOutcome(errors: errors, chain: chain)
        }
    }
}

/// The verify callback: records the error of a failed check and returns 1 so that OpenSSL carries on and reports
/// every other problem too. The verdict is decided from the recorded errors, never from the return value of
/// `X509_verify_cert`.
private func recordingVerifyCallback(_ ok: Int32, _ context: OpaquePointer?) -> Int32 {
    guard ok == 0, let context, let recorder = COpenSSL_X509_STORE_CTX_get_app_data(context) else { return ok }
    let errors = recorder.assumingMemoryBound(to: [OpenSSL.RecordedError].self)
    let code = X509_STORE_CTX_get_error(context)
    let depth = Int(X509_STORE_CTX_get_error_depth(context))
    let kind = OpenSSL.ChainError.Kind(code)
    let crl = kind.concernsCRL ? X509_STORE_CTX_get0_current_crl(context) : nil
    errors.pointee.append(OpenSSL.RecordedError(code: code, kind: kind, depth: depth, crlAddress: crl))
    return 1
}
