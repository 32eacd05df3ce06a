//===----------------------------------------------------------------------===//
//
// This source file is part of the MynaKit open source project
//
//===----------------------------------------------------------------------===//

internal import COpenSSL
import OpenSSLSupport

extension CRLHandle {
    /// Whether a CRL is the complete list for a certificate (RFC 5280 section 6.3.3 (b)), as far as
    /// ``RevocationList/revocationFailures(of:issuer:at:)`` decides it itself.
    enum Scope: Equatable {
        /// The list covers the certificate, for every reason.
        case covers
        /// The list is not for this certificate (another partition, or CA certificates only).
        case doesNotCover(String)
        /// A kind of list this check does not judge (delta, indirect, some reasons only, an unknown critical
        /// extension): `CertificateVerifier` (OpenSSL's own CRL check) must judge it.
        case unsupported(String)
    }

    /// The scope of this list for `certificate`.
    ///
    /// A list without issuingDistributionPoint covers every certificate of its issuer. With one, the flags must admit
    /// the certificate (user or CA certificates only; attribute certificates only never does), and when it names a
    /// distribution point, one of the certificate's cRLDistributionPoints must name the same one: a directory name
    /// equal to a directory name (names relative to the issuer are completed with it first), or any two general
    /// names equal.
    func scope(for certificate: X509Handle) -> Scope {
        defer { ERR_clear_error() }
        if X509_CRL_get_ext_by_NID(pointer, NID_delta_crl, -1) >= 0 { return .unsupported("a delta CRL") }
        if hasUnhandledCriticalEntryExtension { return .unsupported("a critical extension in an entry") }
        let judged: Set<Int32> = [NID_issuing_distribution_point, NID_crl_number, NID_authority_key_identifier]
        for index in 0..<X509_CRL_get_ext_count(pointer) {
            guard let ext = X509_CRL_get_ext(pointer, index), X509_EXTENSION_get_critical(ext) != 0 else { continue }
            let object = X509_EXTENSION_get_object(ext)
            if !judged.contains(OBJ_obj2nid(object)) {
                return .unsupported("the critical extension \(ASN1.text(of: object))")
            }
        }

        var critical: Int32 = 0
        guard let raw = X509_CRL_get_ext_d2i(pointer, NID_issuing_distribution_point, &critical, nil) else {
            return critical == -1 ? .covers : .unsupported("an issuingDistributionPoint that does not decode")
        }
        let idp = raw.assumingMemoryBound(to: ISSUING_DIST_POINT.self)
        defer { ISSUING_DIST_POINT_free(idp) }
        if idp.pointee.onlyattr != 0 { return .doesNotCover("the list is for attribute certificates only") }
        let isCA = X509_check_ca(certificate.pointer) != 0
        if idp.pointee.onlyuser != 0, isCA { return .doesNotCover("the list is for end-entity certificates only") }
        if idp.pointee.onlyCA != 0, !isCA { return .doesNotCover("the list is for CA certificates only") }
        if idp.pointee.onlysomereasons != nil { return .unsupported("a list for some revocation reasons only") }
        if idp.pointee.indirectCRL != 0 { return .unsupported("an indirect CRL") }
        guard let listPoint = idp.pointee.distpoint else { return .covers }
        _ = DIST_POINT_set_dpname(listPoint, X509_CRL_get_issuer(pointer))

        guard let rawPoints = X509_get_ext_d2i(certificate.pointer, NID_crl_distribution_points, &critical, nil) else {
            return .doesNotCover("the list is one partition (issuingDistributionPoint) and the certificate names none")
        }
        let points = OpaquePointer(rawPoints)
        defer { CRL_DIST_POINTS_free(points) }
        for index in 0..<COpenSSL_sk_DIST_POINT_num(points) {
            guard let point = COpenSSL_sk_DIST_POINT_value(points, index), point.pointee.CRLissuer == nil,
                let name = point.pointee.distpoint
            else { continue }
            _ = DIST_POINT_set_dpname(name, X509_get_issuer_name(certificate.pointer))
            if Self.namesMatch(listPoint, name) {
                return point.pointee.reasons == nil ? .covers : .unsupported("a distribution point for some reasons")
            }
        }
        return .doesNotCover("the list's distribution point is none of the certificate's")
    }

    /// Whether two distribution point names name the same point.
    private static func namesMatch(
        _ a: UnsafeMutablePointer<DIST_POINT_NAME>,
        _ b: UnsafeMutablePointer<DIST_POINT_NAME>
    ) -> Bool {
        // type 0: fullName (GENERAL_NAMES); type 1: nameRelativeToCRLIssuer, completed into `dpname`.
        switch (a.pointee.type, b.pointee.type) {
        case (1, 1):
            guard let left = a.pointee.dpname, let right = b.pointee.dpname else { return false }
            return X509_NAME_cmp(left, right) == 0
        case (1, _):
            return directoryNames(in: b.pointee.name.fullname).contains { name in
                a.pointee.dpname.map { X509_NAME_cmp($0, name) == 0 } ?? false
            }
        case (_, 1):
            return namesMatch(b, a)
        default:
            let left = generalNames(a.pointee.name.fullname)
            let right = generalNames(b.pointee.name.fullname)
            return left.contains { x in right.contains { y in GENERAL_NAME_cmp(x, y) == 0 } }
        }
    }

    private static func generalNames(_ names: OpaquePointer?) -> [UnsafeMutablePointer<GENERAL_NAME>] {
        guard let names else { return [] }
        return (0..<COpenSSL_sk_GENERAL_NAME_num(names)).compactMap { COpenSSL_sk_GENERAL_NAME_value(names, $0) }
    }

    private static func directoryNames(in names: OpaquePointer?) -> [OpaquePointer] {
        generalNames(names).compactMap { $0.pointee.type == GEN_DIRNAME ? $0.pointee.d.directoryName : nil }
    }
}
