//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import COpenSSL
import FoundationEssentials
import OpenSSLSupport

// Reading a parsed `X509` into the Swift values of ``Certificate``, once, at parse time.

extension X509Handle {
    /// Parses a DER certificate that spans the whole of `der`.
    ///
    /// - Throws: ``MynaVerifyError/Code/malformedDER`` with OpenSSL's error queue.
    static func parse(certificateDER der: [UInt8]) throws -> X509Handle {
        do throws(DERDecodingError) {
            return try X509Handle(der: der)
        } catch {
            throw error.verifyError("certificate", byteCount: der.count)
        }
    }

    /// Everything ``Certificate`` exposes, decoded now so that later reads never call OpenSSL.
    ///
    /// - Parameter knownDER: the bytes the certificate was parsed from, when there are any; otherwise the certificate
    ///   is encoded again.
    func fields(knownDER: [UInt8]?) throws -> CertificateFields {
        let x509 = pointer
        // Fills OpenSSL's extension cache now, once, so later concurrent reads never write to the object.
        let extensionFlags = X509_get_extension_flags(x509)

        guard let der = knownDER ?? derEncoding() else {
            throw MynaVerifyError.openSSL(.openSSLFailure, "i2d_X509 failed")
        }
        guard let subjectName = X509_get_subject_name(x509), let issuerName = X509_get_issuer_name(x509) else {
            throw MynaVerifyError.malformedDER("certificate: no subject or issuer name")
        }
        guard let serial = X509_get0_serialNumber(x509) else {
            throw MynaVerifyError.malformedDER("certificate: no serial number")
        }
        guard let notBefore = X509_get0_notBefore(x509).flatMap(ASN1.date(of:)),
            let notAfter = X509_get0_notAfter(x509).flatMap(ASN1.date(of:))
        else {
            throw MynaVerifyError.malformedDER("certificate: validity dates do not decode")
        }
        // The SubjectPublicKeyInfo as the certificate carries it (plain ASN.1 encoding of the decoded structure):
        // re-encoding the EVP_PKEY instead (i2d_PUBKEY) goes through OpenSSL 3's encoder look-ups, which cost more
        // than the rest of the parse.
        guard let keyPointer = X509_get_pubkey(x509),
            let keyDER = encodeDER({ i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x509), $0) })
        else {
            throw MynaVerifyError.openSSL(.unsupportedKey, "certificate: the subject public key does not decode")
        }
        let publicKey = PublicKey(handle: EVPKeyHandle(taking: keyPointer), derBytes: keyDER)

        var keyUsage: Set<KeyUsage>?
        if extensionFlags & UInt32(EXFLAG_KUSAGE) != 0 {
            keyUsage = Self.keyUsages(X509_get_key_usage(x509))
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
            subject: DistinguishedName(x509Name: subjectName),
            issuer: DistinguishedName(x509Name: issuerName),
            serialNumber: try ASN1.hexadecimal(serial),
            notBefore: notBefore,
            notAfter: notAfter,
            keyUsage: keyUsage,
            extendedKeyUsage: try extendedKeyUsage(),
            certificatePolicies: try certificatePolicies(),
            basicConstraints: basicConstraints,
            subjectAlternativeNames: try subjectAlternativeNames(),
            publicKey: publicKey,
            sha256Fingerprint: try HashAlgorithm.sha256.evpDigest(der),
            signatureAlgorithm: signatureNID == NID_undef ? "unknown" : String(cString: OBJ_nid2ln(signatureNID)),
            isSelfSigned: extensionFlags & UInt32(EXFLAG_SS) != 0
        )
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
    ///
    /// The caller frees the result with the extension's own `*_free`.
    private func decodedExtension(_ nid: Int32, _ name: String) throws -> OpaquePointer? {
        var critical: Int32 = 0
        if let decoded = X509_get_ext_d2i(pointer, nid, &critical, nil) { return OpaquePointer(decoded) }
        if critical == -1 { return nil }
        let why = critical == -2 ? "appears more than once" : "does not decode"
        throw MynaVerifyError.malformedDER("certificate: the \(name) extension \(why)")
    }

    private func certificatePolicies() throws -> [String] {
        guard let policies = try decodedExtension(NID_certificate_policies, "certificatePolicies") else { return [] }
        defer { CERTIFICATEPOLICIES_free(policies) }
        return (0..<COpenSSL_sk_POLICYINFO_num(policies)).compactMap { index in
            COpenSSL_sk_POLICYINFO_value(policies, index).map { ASN1.text(of: $0.pointee.policyid) }
        }
    }

    private func extendedKeyUsage() throws -> [String] {
        guard let usages = try decodedExtension(NID_ext_key_usage, "extendedKeyUsage") else { return [] }
        defer { EXTENDED_KEY_USAGE_free(usages) }
        return (0..<COpenSSL_sk_ASN1_OBJECT_num(usages)).compactMap { index in
            COpenSSL_sk_ASN1_OBJECT_value(usages, index).map { ASN1.text(of: $0) }
        }
    }

    private func subjectAlternativeNames() throws -> [GeneralName] {
        guard let names = try decodedExtension(NID_subject_alt_name, "subjectAltName") else { return [] }
        defer { GENERAL_NAMES_free(names) }
        var result: [GeneralName] = []
        for index in 0..<COpenSSL_sk_GENERAL_NAME_num(names) {
            guard let name = COpenSSL_sk_GENERAL_NAME_value(names, index) else { continue }
            result.append(try GeneralName(name))
        }
        return result
    }
}
